import type { Page } from "@playwright/test";
import { demo, expect, expectNoSeriousA11yViolations, signIn, test } from "./fixtures";

// The PMO dashboard's province map (issue 18, docs/decisions/024): drawn on the server as
// SVG, a link per province with its figures, the same figures in the table beside it,
// and a province chosen on the map filters the whole dashboard.

const PERIOD = "/pmo?from=2021-06&to=2021-07";

/** The links' names and the table's rows, by province code. */
async function mapAndTable(page: Page) {
  const map = page.locator('[data-map="provinces"]');
  const links = await map.locator("a[data-province]").evaluateAll((as) =>
    as.map((a) => ({ code: a.getAttribute("data-province")!, label: a.getAttribute("aria-label")!, title: a.querySelector("title")?.textContent ?? "" })),
  );
  const rows = await page.locator('table[data-table="provinces"] tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      code: tr.getAttribute("data-province")!,
      name: tr.querySelector("th")!.textContent!.trim(),
      participants: tr.querySelector('[data-figure="participants"]')!.textContent!.trim(),
      completed: tr.querySelector('[data-figure="completed"]')!.textContent!.trim(),
      rate: tr.querySelector('[data-figure="rate"]')!.textContent!.trim(),
    })),
  );
  return { links, rows };
}

const registered = async (page: Page) => Number((await page.locator('[data-figure="registered"]').innerText()).replace(/\D/g, ""));

for (const width of [1280, 360] as const) {
  test(`the province map at ${width} px: a link per province, the table's figures, a province filters the dashboard`, async ({ page }) => {
    await page.setViewportSize({ width, height: 900 });
    await signIn(page, demo.pmo, demo.password);
    await page.goto(PERIOD);

    const section = page.locator('[data-section="province-map"]');
    const svg = section.locator("svg[data-map-svg]");
    await expect(svg).toBeVisible();
    // The SVG scales to the screen: no wider than the page.
    const box = (await svg.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(width);

    const { links, rows } = await mapAndTable(page);
    expect(links.map((l) => l.code).sort()).toEqual(rows.map((r) => r.code).sort());
    expect(links).toHaveLength(38);
    for (const row of rows) {
      const link = links.find((l) => l.code === row.code)!;
      expect(link.title).toBe(link.label);
      expect(link.label, row.code).toBe(`${row.name}: ${row.participants} peserta, ${row.completed} selesai, tingkat penyelesaian ${row.rate}`);
    }
    const jakarta = rows.find((r) => r.code === "31")!;
    expect(Number(jakarta.participants.replace(/\D/g, ""))).toBeGreaterThan(0);
    const all = await registered(page);
    expect(Number(jakarta.participants.replace(/\D/g, ""))).toBeLessThan(all);

    // The keyboard reaches every province.
    const jakartaLink = section.locator('a[data-province="31"]');
    await jakartaLink.focus();
    await expect(jakartaLink).toBeFocused();

    if (width === 360) await page.keyboard.press("Enter");
    else await jakartaLink.click();
    await expect(page).toHaveURL(/provinceCode=31/);
    await expect(page).toHaveURL(/from=2021-06/);
    // The headline now counts DKI Jakarta alone: the figure the map showed for it.
    await expect.poll(() => registered(page)).toBe(Number(jakarta.participants.replace(/\D/g, "")));
    await expect(page.locator('select[name="provinceCode"]')).toHaveValue("31");
    await expect(section.locator('a[data-province="31"]')).toHaveAttribute("aria-current", "true");
    await expect(section.locator('[data-notice="map-selected"]')).toContainText("DKI Jakarta");
    await expect(page.locator('table[data-table="provinces"] tr[data-province="31"]')).toHaveClass(/font-semibold/);

    // Shading by completion keeps the filters.
    await section.locator('[data-map-by-link="completion"]').click();
    await expect(page).toHaveURL(/mapBy=completion/);
    await expect(page).toHaveURL(/provinceCode=31/);
    await expect(page.locator('[data-map="provinces"]')).toHaveAttribute("data-map-by", "completion");

    await expectNoSeriousA11yViolations(page);

    // The selected province's link shows every province again.
    await page.locator('[data-section="province-map"] a[data-province="31"]').focus();
    await page.keyboard.press("Enter");
    await expect(page).not.toHaveURL(/provinceCode=/);
    await expect.poll(() => registered(page)).toBe(all);
  });
}
