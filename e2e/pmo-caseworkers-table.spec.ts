import type { Browser, Page } from "@playwright/test";
import { demo, expect, expectNoSeriousA11yViolations, signIn, test } from "./fixtures";

// The dashboard's caseworker table (issue 18, docs/decisions/027): per caseworker the
// services, stage moves and their median days, overdue follow-ups and open help requests,
// sorted on the server by the links in its column headings (no script needed), the other
// filters kept, at 1280 and 360 px.

const PERIOD = "/pmo?from=2021-06&to=2021-07&migrantStatus=mantan";

async function pmoPage(browser: Browser, width: number, javaScriptEnabled: boolean): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width, height: 900 } });
  const page = await context.newPage();
  await signIn(page, demo.pmo, demo.password);
  return page;
}

/** The table's rows as shown: name and each figure as a number (null for "–"). */
async function tableRows(page: Page) {
  return page.locator('table[data-table="caseworkers"] tbody tr').evaluateAll((trs) =>
    trs.map((tr) => {
      const figure = (name: string) => {
        const text = tr.querySelector(`[data-figure="${name}"]`)!.textContent!.trim();
        return text === "–" ? null : Number(text.replace(/\./g, "").replace(",", "."));
      };
      return {
        name: tr.querySelector("th")!.textContent!.trim(),
        moves: figure("moves"),
        median: figure("median-days"),
        overdue: figure("overdue"),
        openHelp: figure("open-help"),
      };
    }),
  );
}

for (const width of [1280, 360] as const) {
  for (const javaScriptEnabled of [true, false]) {
    test(`the caseworker table sorts by a column's link at ${width} px, JavaScript ${javaScriptEnabled ? "on" : "off"}`, async ({ browser }) => {
      const page = await pmoPage(browser, width, javaScriptEnabled);
      await page.goto(PERIOD);
      const table = page.locator('table[data-table="caseworkers"]');
      await expect(table).toBeVisible();
      for (const column of ["name", "caseload", "period-services", "month-services", "moves", "median-days", "overdue", "open-help"]) {
        await expect(table.locator(`th[data-column="${column}"] a`)).toHaveCount(1);
      }
      // By name, A to Z, until another order is chosen.
      await expect(table).toHaveAttribute("data-sort", "name-asc");
      await expect(table.locator('th[data-column="name"]')).toHaveAttribute("aria-sort", "ascending");
      const byName = await tableRows(page);
      expect(byName.length).toBeGreaterThanOrEqual(2);
      expect(byName.map((r) => r.name)).toEqual([...byName.map((r) => r.name)].sort((a, b) => a.localeCompare(b, "id")));
      // The demo caseworkers moved participants on in June and July 2021.
      expect(byName.some((r) => (r.moves ?? 0) > 0 && r.median !== null)).toBe(true);

      // Stage moves: largest first, then smallest first; the filters stay in the link.
      await table.locator('th[data-column="moves"] a').click();
      await expect(page).toHaveURL(/cwSort=moves&cwDir=desc/);
      const url = new URL(page.url());
      expect(url.searchParams.get("from")).toBe("2021-06");
      expect(url.searchParams.get("to")).toBe("2021-07");
      expect(url.searchParams.get("migrantStatus")).toBe("mantan");
      await expect(table).toHaveAttribute("data-sort", "moves-desc");
      await expect(table.locator('th[data-column="moves"]')).toHaveAttribute("aria-sort", "descending");
      await expect(table.locator('th[data-column="name"]')).not.toHaveAttribute("aria-sort", /./);
      const desc = (await tableRows(page)).map((r) => r.moves!);
      expect(desc).toEqual([...desc].sort((a, b) => b - a));
      expect(desc[0]).toBeGreaterThan(desc[desc.length - 1]);

      await table.locator('th[data-column="moves"] a').click();
      await expect(page).toHaveURL(/cwSort=moves&cwDir=asc/);
      await expect(table.locator('th[data-column="moves"]')).toHaveAttribute("aria-sort", "ascending");
      const asc = (await tableRows(page)).map((r) => r.moves!);
      expect(asc).toEqual([...asc].sort((a, b) => a - b));
      expect([...asc].sort((a, b) => a - b)).toEqual([...desc].reverse());

      // Median days: a caseworker without moves (no median) comes last.
      await table.locator('th[data-column="median-days"] a').click();
      await expect(page).toHaveURL(/cwSort=medianDays&cwDir=desc/);
      const medians = (await tableRows(page)).map((r) => r.median);
      const known = medians.filter((m): m is number => m !== null);
      expect(medians.slice(0, known.length)).toEqual([...known].sort((a, b) => b - a));

      // The table scrolls inside its own region; the page does not scroll sideways.
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(sideways).toBeLessThanOrEqual(0);
      await page.context().close();
    });
  }
}

test("the sorted caseworker table has no serious accessibility violations", async ({ browser }) => {
  const page = await pmoPage(browser, 1280, true);
  await page.goto(`${PERIOD}&cwSort=openHelp&cwDir=desc`);
  await expect(page.locator('table[data-table="caseworkers"]')).toHaveAttribute("data-sort", "openHelp-desc");
  await expect(page.locator('th[data-column="open-help"]')).toHaveAttribute("aria-sort", "descending");
  await expectNoSeriousA11yViolations(page);
  await page.context().close();
});
