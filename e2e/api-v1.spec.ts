import { demo, expect, expectNoSeriousA11yViolations, signIn, test } from "./fixtures";

// The partner API (issue 20): the PMO makes an API client on /pmo/api-clients and sees its
// key once; the partner calls /api/v1/participants with it; the PMO revokes it, and the
// next call is refused (401, problem details).

const token = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

test("the PMO makes a key, the partner calls the API with it, and a revoked key is refused at once", async ({ page, request }) => {
  test.setTimeout(120_000);
  const name = `Mitra Uji ${token()}`;
  await signIn(page, demo.pmo, demo.password);
  await page.goto("/pmo/api-clients");
  await expectNoSeriousA11yViolations(page);

  // Nothing ticked: refused beside the field, what was typed kept.
  await page.getByLabel("Nama klien").fill(name);
  await page.getByLabel("Organisasi").fill("Manajemen Pelaksana Prakerja");
  await page.getByRole("button", { name: "Buat klien dan kunci" }).click();
  await expect(page.locator("#api-client-scopes-error")).toHaveText("Pilih paling sedikit satu cakupan.");
  await expect(page.getByLabel("Nama klien")).toHaveValue(name);

  await page.locator('input[name="scopes"][value="participants:read"]').check();
  await page.getByRole("button", { name: "Buat klien dan kunci" }).click();
  const shown = page.locator("[data-api-key]");
  await expect(shown).toHaveText(/^ppmi_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
  const key = (await shown.textContent())!.trim();
  await expectNoSeriousA11yViolations(page);

  // Shown once: a reload shows the client, not the key.
  await page.reload();
  const row = page.locator(`[data-api-client="${name}"]`);
  await expect(row).toHaveAttribute("data-state", "active");
  await expect(page.locator("body")).not.toContainText(key);

  const ok = await request.get("/api/v1/participants?limit=5", { headers: { Authorization: `Bearer ${key}` } });
  expect(ok.status()).toBe(200);
  const page1 = (await ok.json()) as { data: { id: string; nikMasked: string }[]; nextCursor: string | null };
  expect(page1.data.length).toBeGreaterThan(0);
  expect(JSON.stringify(page1)).not.toMatch(/\d{16}/);

  // The scope it lacks.
  const progress = await request.get("/api/v1/progress", { headers: { Authorization: `Bearer ${key}` } });
  expect(progress.status()).toBe(403);
  expect(progress.headers()["content-type"]).toBe("application/problem+json");

  // Its use shows on the list.
  await page.reload();
  await expect(row).not.toContainText("Belum pernah");

  await row.getByRole("button", { name: `Cabut kunci ${name}` }).click();
  await expect(page.getByText(`Kunci ${name} dicabut.`)).toBeVisible();
  await expect(page.locator(`[data-api-client="${name}"]`)).toHaveAttribute("data-state", "revoked");

  const refused = await request.get("/api/v1/participants?limit=5", { headers: { Authorization: `Bearer ${key}` } });
  expect(refused.status()).toBe(401);
  expect(refused.headers()["content-type"]).toBe("application/problem+json");
  expect(await refused.json()).toMatchObject({ status: 401, type: expect.stringContaining("/problems/unauthorized") });
});

test("the OpenAPI document is public, and the PMO reads it rendered", async ({ page, request }) => {
  const doc = await request.get("/api/v1/openapi.json");
  expect(doc.status()).toBe(200);
  expect(((await doc.json()) as { openapi: string }).openapi).toBe("3.1.0");
  await signIn(page, demo.pmo, demo.password);
  await page.goto("/pmo/api-docs");
  await expect(page.getByRole("heading", { name: "GET /api/v1/participants" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
});

test("a NIK in the query string is refused before anything else", async ({ request }) => {
  const r = await request.get("/api/v1/participants?nik=3174015705900001");
  expect(r.status()).toBe(400);
  expect(r.headers()["content-type"]).toBe("application/problem+json");
});
