import type { Page } from "@playwright/test";
import { demo, expect, expectNoSeriousA11yViolations, signIn, test } from "./fixtures";
import { registerNewWorker } from "./pages";

// What people tripped on in the PMO's pages (issue 15), at a phone's 360 px and a desktop's
// 1280 px: no sideways scroll, a header in line with the page, a menu that says where you
// are, readable table headers, shares that add up, the period's figures per caseworker, a
// month picker without type=month or JavaScript, a period without data that says so, and
// the participants waiting for a caseworker.

const PERIOD = "/pmo?from=2021-06&to=2021-07";

async function at(page: Page, width: number) {
  await page.setViewportSize({ width, height: 800 });
  await signIn(page, demo.pmo, demo.password);
}

const digits = (s: string) => Number(s.replace(/\D/g, ""));

/** Pairs of neighbouring header cells whose texts are less than `gap` px apart. */
async function headersRunningTogether(page: Page, gap = 6): Promise<string[]> {
  return page.locator("main table thead tr").evaluateAll((rows, min) => {
    const touching: string[] = [];
    for (const row of rows) {
      const boxes = [...row.children].map((th) => {
        const range = document.createRange();
        range.selectNodeContents(th);
        const r = range.getBoundingClientRect();
        // Headers kept for screen readers only (.sr-only) are not on the screen to run together.
        const visible = !th.closest(".sr-only") && r.width > 1;
        return { text: (th.textContent ?? "").trim(), left: r.left, right: r.right, visible };
      });
      for (let i = 1; i < boxes.length; i++) {
        const [a, b] = [boxes[i - 1], boxes[i]];
        if (!a.visible || !b.visible || !a.text || !b.text) continue;
        if (b.left - a.right < min) touching.push(`${a.text} | ${b.text}: ${Math.round(b.left - a.right)} px`);
      }
    }
    return touching;
  }, gap);
}

test.describe("PMO pages at 360 px", () => {
  test("the dashboard has no sideways scroll, its funnel keeps its bars, and axe finds nothing serious", async ({ page }) => {
    await at(page, 360);
    for (const url of ["/pmo", PERIOD]) {
      await page.goto(url);
      const { scrollWidth, clientWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
      }));
      expect(scrollWidth, `${url} scrolls sideways`).toBeLessThanOrEqual(clientWidth);
      await expectNoSeriousA11yViolations(page);
    }
    // Every stage that was reached shows its bar, whole, on the screen.
    const bars = page.locator("tr[data-stage] .bg-teal-700");
    await expect(bars).toHaveCount(4);
    const first = await bars.first().boundingBox();
    expect(first && first.width).toBeGreaterThan(10);
    expect(first!.x + first!.width).toBeLessThanOrEqual(360);
  });

  test("table headers do not run together", async ({ page }) => {
    await at(page, 360);
    await page.goto(PERIOD);
    expect(await headersRunningTogether(page)).toEqual([]);
  });

  test("the PMO menu marks the page you are on", async ({ page }) => {
    await at(page, 360);
    const menu = page.getByRole("navigation", { name: "Menu PMO" });
    await page.goto("/pmo");
    await expect(menu.locator('[aria-current="page"]')).toHaveCount(1);
    await expect(menu.getByRole("link", { name: "Dasbor" })).toHaveAttribute("aria-current", "page");
    // Moving inside the app (next/link): the mark follows.
    await menu.getByRole("link", { name: "Peserta", exact: true }).click();
    await expect(page).toHaveURL(/\/pmo\/participants$/);
    await expect(menu.getByRole("link", { name: "Peserta", exact: true })).toHaveAttribute("aria-current", "page");
    await expect(menu.locator('[aria-current="page"]')).toHaveCount(1);
  });
});

test.describe("PMO pages at 1280 px", () => {
  test("the header lines up with the page's content, and the menu marks the page", async ({ page }) => {
    await at(page, 1280);
    for (const [url, link] of [
      ["/pmo", "Dasbor"],
      ["/pmo/caseworkers", "Pendamping"],
      ["/pmo/audit", "Log audit"],
    ] as const) {
      await page.goto(url);
      const brand = await page.locator("header a").first().boundingBox();
      const heading = await page.locator("main h1").first().boundingBox();
      expect(Math.round(brand!.x), url).toBe(Math.round(heading!.x));
      const menu = page.getByRole("navigation", { name: "Menu PMO" });
      await expect(menu.getByRole("link", { name: link, exact: true })).toHaveAttribute("aria-current", "page");
      await expect(menu.locator('[aria-current="page"]')).toHaveCount(1);
    }
    await page.goto("/pmo");
    await expectNoSeriousA11yViolations(page);
  });
});

test.describe("the dashboard's figures", () => {
  test("calon and purna shares add up to 100 %", async ({ page }) => {
    await at(page, 360);
    // June–July 2021 holds 19 calon and 21 purna: 47.5 % and 52.5 %, which plain rounding shows as 48 % and 53 %.
    for (const url of [PERIOD, `${PERIOD}&source=assisted`, `${PERIOD}&provinceCode=33`, "/pmo"]) {
      await page.goto(url);
      const calon = digits(await page.locator('[data-figure="calon"]').innerText());
      const mantan = digits(await page.locator('[data-figure="mantan"]').innerText());
      expect(calon + mantan, url).toBe(100);
    }
  });

  test("the caseworker table shows the period's services beside the caseload", async ({ page }) => {
    await at(page, 1280);
    // The last-month column of single-month views adds up to the period's column.
    const lastMonth = async (url: string) => {
      await page.goto(url);
      const out = new Map<string, number>();
      for (const row of await page.locator("tr[data-caseworker]").all()) {
        out.set((await row.getAttribute("data-caseworker"))!, digits(await row.locator("td").nth(2).innerText()));
      }
      return out;
    };
    const june = await lastMonth("/pmo?from=2021-06&to=2021-06");
    const july = await lastMonth("/pmo?from=2021-07&to=2021-07");
    await page.goto(PERIOD);
    const header = page.locator("#cw-h").locator("..").locator("thead th").nth(2);
    await expect(header).toHaveText("Layanan Juni 2021 – Juli 2021");
    let total = 0;
    for (const row of await page.locator("tr[data-caseworker]").all()) {
      const id = (await row.getAttribute("data-caseworker"))!;
      const period = digits(await row.locator('[data-figure="period-services"]').innerText());
      expect(period).toBe((june.get(id) ?? 0) + (july.get(id) ?? 0));
      total += period;
    }
    // Every service is logged by a caseworker: the column adds up to the period's headline.
    expect(total).toBe(digits(await page.locator('[data-figure="services"]').innerText()));
  });

  for (const javaScriptEnabled of [false, true]) {
    test(`the month and year selects choose the period ${javaScriptEnabled ? "with" : "without"} JavaScript`, async ({ browser }) => {
      const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 360, height: 800 } });
      const page = await context.newPage();
      await signIn(page, demo.pmo, demo.password);
      await page.goto("/pmo?provinceCode=33");
      const filterForm = page.locator('form[action="/pmo"]');
      await expect(filterForm.locator("select")).not.toHaveCount(0);
      await expect(filterForm.locator('input[type="month"]')).toHaveCount(0);
      await page.getByRole("combobox", { name: "Dari bulan: Bulan" }).selectOption("06");
      await page.getByRole("combobox", { name: "Dari bulan: Tahun" }).selectOption("2021");
      await page.getByRole("combobox", { name: "Sampai bulan: Bulan" }).selectOption("07");
      await page.getByRole("combobox", { name: "Sampai bulan: Tahun" }).selectOption("2021");
      await page.getByRole("button", { name: "Tampilkan" }).click();
      // The query every link uses, with the other filters kept.
      await expect(page).toHaveURL(/\/pmo\?from=2021-06&to=2021-07&provinceCode=33$/);
      await expect(page.getByText("Periode Juni 2021 – Juli 2021")).toBeVisible();
      await expect(page.getByRole("combobox", { name: "Dari bulan: Bulan" })).toHaveValue("06");
      await expect(page.getByRole("combobox", { name: "Sampai bulan: Tahun" })).toHaveValue("2021");
      await expect(page.locator('select[name="provinceCode"]')).toHaveValue("33");
      await context.close();
    });
  }

  test("a period without data says so and links to the latest period that has some", async ({ page }) => {
    await at(page, 360);
    await page.goto("/pmo?from=2020-01&to=2020-03");
    const notice = page.locator('[data-notice="empty-period"]');
    await expect(notice).toContainText("Tidak ada pendaftaran maupun layanan dari Januari 2020 sampai Maret 2020.");
    await expectNoSeriousA11yViolations(page);
    await notice.getByRole("link", { name: /Lihat periode terakhir yang berisi data/ }).click();
    await expect(page).toHaveURL(/\/pmo\?from=\d{4}-\d{2}&to=\d{4}-\d{2}$/);
    await expect(page.locator('[data-notice="empty-period"]')).toHaveCount(0);
    const registered = digits(await page.locator('[data-figure="registered"]').innerText());
    const services = digits(await page.locator('[data-figure="services"]').innerText());
    expect(registered + services).toBeGreaterThan(0);
  });

  test("participants waiting for a caseworker: how many, since when, and a link to assign them", async ({ page, browser }) => {
    await at(page, 360);
    await page.goto(PERIOD);
    const waiting = page.locator('[data-figure="waiting"]');
    const before = digits(await waiting.innerText());
    expect(before).toBeGreaterThan(0); // the demo leaves every sixth participant waiting
    // The demo's first waiting participant registered in June 2021.
    await expect(page.locator('[data-figure="oldest-wait"]')).toContainText(/Juni 2021 \([\d.]+ hari\)/);

    // A worker registers on their own: one more is waiting, whatever the dashboard's filter.
    const { context } = await registerNewWorker(browser, "Wati Menunggu Pendamping");
    await context.close();
    await page.goto(`${PERIOD}&provinceCode=35`);
    await expect(waiting).toHaveText(String(before + 1));

    await page.getByRole("link", { name: "Tugaskan pendamping untuk mereka" }).click();
    await expect(page).toHaveURL(/\/pmo\/caseworkers#assign$/);
    await expect(page.locator("#assign")).toContainText("Wati Menunggu Pendamping");
  });
});
