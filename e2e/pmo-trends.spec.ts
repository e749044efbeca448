import type { Locator, Page } from "@playwright/test";
import { demo, expect, expectNoSeriousA11yViolations, signIn, test } from "./fixtures";

// Issue 18, "over time": on the PMO dashboard, services per month against the month's
// target and registrations per week by migrant status, each a picture and the table behind
// it, at a desktop's 1280 px and a phone's 360 px. The figures written on each chart are
// the table's; the table is for screen readers and print, not shown on screen.

const digits = (s: string) => Number(s.replace(/\D/g, ""));

async function chartAndTable(page: Page, id: string): Promise<{ chart: Locator; table: Locator; labels: string[] }> {
  const chart = page.locator(`[data-chart="${id}"]`);
  await expect(chart.locator("svg")).toBeVisible();
  const labels = (await chart.locator("svg text[data-value]").allTextContents()).map((s) => s.trim());
  return { chart, table: chart.locator(`table[data-chart-table="${id}"]`), labels };
}

for (const width of [1280, 360]) {
  test.describe(`PMO dashboard over time at ${width} px`, () => {
    test.use({ viewport: { width, height: 900 } });

    test("services per month against target: the chart's figures are its table's", async ({ page }) => {
      await signIn(page, demo.pmo, demo.password);
      await page.goto("/pmo?from=2021-06&to=2021-08");
      const { chart, table, labels } = await chartAndTable(page, "services-per-month");
      // A table with a caption, found by its name as a screen reader would.
      await expect(page.getByRole("table", { name: /Layanan yang diberikan per bulan dan target bulan itu/ })).toHaveCount(1);
      const rows = table.locator("tbody tr");
      await expect(rows).toHaveCount(3);
      expect(labels).toHaveLength(3);
      for (let i = 0; i < 3; i++) {
        await expect(rows.nth(i).locator('td[data-series="services"]')).toHaveText(labels[i]);
      }
      // The demo plan's targets: 23 in June, 69 in July; on the chart as a marker with its
      // figure under the month.
      await expect(table.locator('tr[data-row="2021-06"] td[data-series="target"]')).toHaveText("23");
      await expect(table.locator('tr[data-row="2021-07"] td[data-series="target"]')).toHaveText("69");
      await expect(chart.locator('[data-column="2021-06"] line[data-target]')).toHaveAttribute("data-target", "23");
      await expect(chart.locator('[data-column="2021-06"] [data-axis-note]')).toHaveText("target 23");
      // The same services and targets as the dashboard's month table (August's target may
      // have been set by another spec, or not: a month without one has no marker).
      for (const month of ["2021-06", "2021-07", "2021-08"]) {
        const cells = page.locator(`tr[data-month="${month}"] td`);
        await expect(table.locator(`tr[data-row="${month}"] td[data-series="services"]`)).toHaveText(await cells.nth(0).innerText());
        const target = await cells.nth(1).innerText();
        await expect(table.locator(`tr[data-row="${month}"] td[data-series="target"]`)).toHaveText(target);
        await expect(chart.locator(`[data-column="${month}"] line[data-target]`)).toHaveCount(target === "–" ? 0 : 1);
      }
    });

    test("registrations per week by status: the chart's totals are its table's, and add up to the registered", async ({ page }) => {
      await signIn(page, demo.pmo, demo.password);
      await page.goto("/pmo?from=2021-06&to=2021-08");
      const { table, labels } = await chartAndTable(page, "registrations-per-week");
      await expect(page.getByRole("table", { name: /Pendaftaran per minggu/ })).toHaveCount(1);
      const rows = table.locator("tbody tr");
      // 1 June 2021 is a Tuesday, 31 August a Tuesday: the weeks of 31 May to 30 August.
      await expect(rows).toHaveCount(14);
      expect(labels).toHaveLength(14);
      let sum = 0;
      for (let i = 0; i < 14; i++) {
        const row = rows.nth(i);
        const [calon, mantan, total] = await Promise.all(
          ["calon", "mantan", "total"].map((s) => row.locator(`td[data-series="${s}"]`).innerText()),
        );
        expect(total.trim()).toBe(labels[i]);
        expect(digits(calon) + digits(mantan)).toBe(digits(total));
        sum += digits(total);
      }
      expect(sum).toBe(digits(await page.locator('[data-figure="registered"]').innerText()));
      // The first and last weeks are cut by the period and say so.
      await expect(rows.first().locator("th")).toContainText("*");
      await expect(rows.last().locator("th")).toContainText("*");
      await expect(page.getByText(/terpotong oleh awal atau akhir periode/)).toBeVisible();
    });

    test("the tables are for screen readers and print; the page does not scroll sideways; axe passes", async ({ page }) => {
      await signIn(page, demo.pmo, demo.password);
      await page.goto("/pmo?from=2021-06&to=2021-08");
      const section = page.locator('[data-section="trends"]');
      await expect(section.getByRole("heading", { name: "Dari waktu ke waktu" })).toBeVisible();
      // The table's box is screen-reader-only on screen, and printed.
      const table = section.locator('[data-chart-table-box="registrations-per-week"]');
      expect((await table.boundingBox())!.width).toBeLessThanOrEqual(1);
      const { scrollWidth, clientWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
      }));
      expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
      await expectNoSeriousA11yViolations(page);
      await page.emulateMedia({ media: "print" });
      expect((await table.boundingBox())!.width).toBeGreaterThan(100);
      await page.emulateMedia({ media: "screen" });
    });
  });
}

test("the charts follow the dashboard's filter", async ({ page }) => {
  await signIn(page, demo.pmo, demo.password);
  await page.goto("/pmo?from=2021-06&to=2021-07&migrantStatus=mantan");
  const table = page.locator('table[data-chart-table="registrations-per-week"]');
  const calon = await table.locator('td[data-series="calon"]').allInnerTexts();
  expect(calon.every((x) => x.trim() === "0")).toBe(true);
  const mantan = (await table.locator('td[data-series="mantan"]').allInnerTexts()).reduce((s, x) => s + digits(x), 0);
  expect(mantan).toBe(digits(await page.locator('[data-figure="registered"]').innerText()));
});
