import type { Page } from "@playwright/test";
import { demo, expect, expectNoSeriousA11yViolations, signIn, test } from "./fixtures";

// Issue 18, "comparisons": on the PMO dashboard, calon against purna, by how participants
// registered, and each import cohort against everyone else, at a desktop's 1280 px and a
// phone's 360 px. Each is a picture of bars (hidden from screen readers) and the table
// with every figure behind it; the picture's percentages are the table's.

const digits = (s: string) => Number(s.replace(/\D/g, ""));

/** The registered figures of a comparison's groups, from its table. */
async function registered(page: Page, id: string): Promise<number[]> {
  const cells = page.locator(`table[data-compare-table="${id}"] tr[data-measure="registered"] td`);
  return (await cells.allInnerTexts()).map(digits);
}

/** The picture's percentage for each group and stage is the one in the table's cell. */
async function pictureMatchesTable(page: Page, id: string, groups: string[]) {
  const picture = page.locator(`[data-picture="${id}"]`);
  await expect(picture).toHaveAttribute("aria-hidden", "true");
  const table = page.locator(`table[data-compare-table="${id}"]`);
  for (const stage of ["training", "lms", "completed"]) {
    for (const group of groups) {
      const share = (await picture.locator(`[data-measure="${stage}"] li[data-group="${group}"] [data-share]`).innerText()).trim();
      await expect(table.locator(`tr[data-measure="reached-${stage}"] td[data-group="${group}"]`)).toContainText(`(${share})`);
    }
  }
}

for (const width of [1280, 360]) {
  test.describe(`PMO dashboard comparisons at ${width} px`, () => {
    test.use({ viewport: { width, height: 900 } });

    test("calon against purna and by source: the tables' figures add up to the registered, the bars are the tables'", async ({ page }) => {
      await signIn(page, demo.pmo, demo.password);
      await page.goto("/pmo?from=2021-06&to=2021-08");
      const section = page.locator('[data-section="comparisons"]');
      await expect(section.getByRole("heading", { name: "Perbandingan", level: 2 })).toBeVisible();
      // Tables with captions, found by name as a screen reader would.
      await expect(page.getByRole("table", { name: /Calon PMI dan purna PMI yang terdaftar/ })).toHaveCount(1);
      await expect(page.getByRole("table", { name: /Peserta menurut cara daftar/ })).toHaveCount(1);
      const total = digits(await page.locator('[data-figure="registered"]').innerText());
      expect(total).toBeGreaterThan(0);

      const status = await registered(page, "status");
      expect(status).toHaveLength(2);
      expect(status[0] + status[1]).toBe(total);
      const source = await registered(page, "source");
      expect(source).toHaveLength(3);
      expect(source.reduce((s, n) => s + n, 0)).toBe(total);
      // The status table's calon and purna are the headline's.
      expect(status[0]).toBe(digits((await page.locator('[data-figure="calon"] + dd').innerText())));
      expect(status[1]).toBe(digits((await page.locator('[data-figure="mantan"] + dd').innerText())));
      await pictureMatchesTable(page, "status", ["calon", "mantan"]);
      await pictureMatchesTable(page, "source", ["self", "assisted", "import"]);

      // Headers name the groups; rows name the figures (medians, blocked, blockers).
      const table = page.locator('table[data-compare-table="status"]');
      await expect(table.locator('th[scope="col"]')).toHaveText(["Angka", "Calon PMI", "Purna PMI"]);
      await expect(table.locator('th[scope="row"]')).toContainText(["Terdaftar", "Mencapai tahap Pelatihan", "Median hari di tahap Pendaftaran", "Layanan terkendala", "Kendala terbanyak"]);
      await expect(table.locator('tr[data-measure="blocked"] td[data-group="calon"]')).toHaveText(/^(\d+ %|\d+%) \([\d.]+ dari [\d.]+\)$|^–$/);

      // Cohorts: the demo data has none of its own; a cohort imported by another spec is
      // shown against everyone else, the two adding up to the registered.
      const cohorts = page.locator('[data-comparison^="cohort-"]');
      if ((await cohorts.count()) === 0) {
        await expect(page.locator('[data-notice="no-cohorts"]')).toBeVisible();
      } else {
        const [members, others] = await registered(page, "cohort-1");
        expect(members + others).toBe(total);
      }
    });

    test("the page does not scroll sideways; the tables scroll in their own box; axe passes", async ({ page }) => {
      await signIn(page, demo.pmo, demo.password);
      await page.goto("/pmo?from=2021-06&to=2021-08");
      const section = page.locator('[data-section="comparisons"]');
      await section.scrollIntoViewIfNeeded();
      const { scrollWidth, clientWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
      }));
      expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
      const region = section.getByRole("region", { name: "Calon PMI dan purna PMI" });
      await expect(region.locator("table")).toHaveCount(1);
      expect((await section.boundingBox())!.width).toBeLessThanOrEqual(width);
      await expectNoSeriousA11yViolations(page);
    });
  });
}

test("under a status filter both statuses stay, the chosen one marked; the other comparisons follow the filter", async ({ page }) => {
  await signIn(page, demo.pmo, demo.password);
  await page.goto("/pmo?from=2021-06&to=2021-08&migrantStatus=mantan");
  const total = digits(await page.locator('[data-figure="registered"]').innerText());
  const status = page.locator('table[data-compare-table="status"]');
  await expect(status.locator('th[data-group="mantan"]')).toContainText("dipilih di filter");
  await expect(status.locator('th[data-group="calon"]')).not.toContainText("dipilih di filter");
  expect((await registered(page, "status"))[1]).toBe(total);
  expect((await registered(page, "source")).reduce((s, n) => s + n, 0)).toBe(total);
  await expectNoSeriousA11yViolations(page);
});

test("in English", async ({ page }) => {
  await signIn(page, demo.pmo, demo.password);
  await page.context().addCookies([{ name: "NEXT_LOCALE", value: "en", url: page.url() }]);
  await page.goto("/pmo?from=2021-06&to=2021-08");
  await expect(page.getByRole("heading", { name: "Comparisons", level: 2 })).toBeVisible();
  await expect(page.getByRole("table", { name: /Prospective and returned migrant workers registered/ })).toHaveCount(1);
});
