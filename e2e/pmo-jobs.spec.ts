import type { Page } from "@playwright/test";
import { demo, expect, expectNoSeriousA11yViolations, signIn, test } from "./fixtures";

// The PMO's page of background jobs: every queue with its counts, the failed jobs, and a
// retry. The failed job is the demo seed's (db/demo-jobs.ts: last night's cleanup, failed
// three times); the server's own worker (in-process on the embedded database, or
// `npm run worker` beside it) runs it again once retried. The retry is posted once without
// JavaScript (a plain form POST), and once more from a page opened before it with
// JavaScript, which is told the job is no longer failed.

const QUEUES = ["import-check", "import-run", "import-failed", "outbox-deliver", "outbox-failed", "deadline-reminders", "data-rights-deadlines", "prakerja-status", "prakerja-status-failed", "cleanup"];

const figure = (page: Page, queue: string, name: string) => page.locator(`tr[data-queue="${queue}"] [data-figure="${name}"]`);
const failedRows = (page: Page) => page.locator("tr[data-job]");

test("the PMO sees every queue and the failed job, and retries it, with and without JavaScript", async ({ page, browser }) => {
  await signIn(page, demo.pmo, demo.password);
  await page.getByRole("navigation", { name: "Menu PMO" }).getByRole("link", { name: "Antrean tugas" }).click();
  await expect(page).toHaveURL(/\/pmo\/jobs$/);
  await expect(page.getByRole("heading", { level: 1, name: "Antrean tugas latar" })).toBeVisible();

  const queues = page.getByRole("region", { name: "Antrean" }).getByRole("table");
  await expect(queues.locator("tbody tr")).toHaveCount(QUEUES.length);
  expect(await queues.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-queue")))).toEqual(QUEUES);
  await expect(queues.getByRole("rowheader", { name: /Pembersihan malam/ })).toBeVisible();
  await expect(figure(page, "cleanup", "failed")).toHaveText("1");

  const failed = failedRows(page).filter({ has: page.locator("text=statement timeout") });
  await expect(failed, "the demo seed's failed cleanup job (run on a freshly seeded database)").toHaveCount(1);
  const jobId = await failed.getAttribute("data-job");
  await expect(failed).toContainText("Pembersihan malam");
  await expect(failed).toContainText("3 kali");
  await expectNoSeriousA11yViolations(page);

  // Without JavaScript: the button posts the form; the answer comes back with the page.
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const plain = await noJs.newPage();
  await signIn(plain, demo.pmo, demo.password);
  await plain.goto("/pmo/jobs");
  await plain.locator(`tr[data-job="${jobId}"]`).getByRole("button", { name: /^Coba lagi: Pembersihan malam/ }).click();
  await expect(plain.getByRole("status").filter({ hasText: "Tugas Pembersihan malam dikembalikan ke antrean" })).toBeVisible();
  await expect(plain.locator(`tr[data-job="${jobId}"]`)).toHaveCount(0);
  await noJs.close();

  // The page opened before, with JavaScript: its button is now refused, and says why.
  await failed.getByRole("button", { name: /^Coba lagi/ }).click();
  await expect(page.getByRole("alert").filter({ hasText: "tidak dalam keadaan gagal lagi" })).toBeVisible();
  await expect(page.locator(`tr[data-job="${jobId}"]`)).toHaveCount(0);

  // The worker runs the cleanup again: done today, nothing failed.
  await expect(async () => {
    await page.reload();
    await expect(figure(page, "cleanup", "failed")).toHaveText("0");
    await expect(figure(page, "cleanup", "done-today")).not.toHaveText("0");
  }).toPass({ timeout: 30_000 });
  await expect(page.locator('[data-figure="failed-total"]')).toHaveText("Tidak ada tugas yang gagal.");
  await expectNoSeriousA11yViolations(page);

  // The audit log tells who retried what.
  await page.goto("/pmo/audit");
  await expect(page.locator('[data-action="job.retry"]').first()).toContainText("mencoba lagi tugas latar yang gagal di antrean cleanup");
});
