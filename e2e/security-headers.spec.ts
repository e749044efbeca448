import { demo, expect, signIn, test } from "./fixtures";

test("every page carries the security headers, with a fresh script nonce and no inline-script allowance", async ({ request }) => {
  const nonces = new Set<string>();
  for (const path of ["/", "/register", "/login", "/api/health"]) {
    const response = await request.get(path);
    const headers = response.headers();
    const csp = headers["content-security-policy"] ?? "";
    const scriptSrc = csp.split(";").find((d) => d.trim().startsWith("script-src")) ?? "";
    expect(scriptSrc, path).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}'/);
    expect(scriptSrc, path).not.toContain("unsafe-inline");
    expect(csp, path).toContain("frame-ancestors 'none'");
    expect(headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
    expect(headers["permissions-policy"], path).toContain("camera=()");
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    nonces.add(scriptSrc);
  }
  expect(nonces.size).toBe(4);
});

test("pages with personal data are not stored by caches", async ({ page }) => {
  await signIn(page, demo.participant, demo.password);
  const response = await page.goto("/me");
  expect(response?.headers()["cache-control"]).toContain("no-store");
});

test("pages run under the policy without a single violation", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.goto("/register");
  await page.locator('select[name="provinceCode"]').selectOption("31");
  await signIn(page, demo.caseworker1, demo.password);
  await page.goto("/caseworker");
  expect(violations).toEqual([]);
});
