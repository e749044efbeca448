// `npm run budget:js` — how much JavaScript (gzipped) each page makes a phone download.
//
// Needs a production build (`npm run build`). Starts `next start` on a free port against
// the demo database (DATABASE_URL, or the embedded database, as `npm run demo` uses),
// waits for /api/health, then opens every page of e2e/js-size.ts's BUDGET_PAGES (each
// participant page, anonymously or signed in as the demo participant, and the main staff
// pages signed in as demo staff) in Debian's Chromium (CHROMIUM_PATH overrides it). Prints one
// JSON line per page (`--detail` adds each script file) and exits 1 when a page is over
// its budget: 150,000 bytes for a participant's page, 170 KiB for a staff page.
import { chromium } from "@playwright/test";
import { demo, signIn } from "../e2e/fixtures";
import { BUDGET_PAGES, measurePageJs, urlOfPage, type JsSize, type Visitor } from "../e2e/js-size";
import { hasProductionBuild, startNextServer, type NextServer } from "./next-server";

const detail = process.argv.includes("--detail");
const accounts: Record<Exclude<Visitor, "anonymous">, string> = {
  participant: demo.participant,
  caseworker: demo.caseworker1,
  pmo: demo.pmo,
};

async function main(): Promise<number> {
  if (!hasProductionBuild()) {
    console.error("No production build found in .next/ — run `npm run build` first.");
    return 1;
  }
  let server: NextServer;
  try {
    server = await startNextServer();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return 1;
  }
  const { baseURL } = server;

  const results: (JsSize & { budgetBytes: number })[] = [];
  try {
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-sync",
      ],
    });
    try {
      for (const visitor of ["anonymous", "participant", "caseworker", "pmo"] as const) {
        const context = await browser.newContext({ baseURL });
        const page = await context.newPage();
        if (visitor !== "anonymous") await signIn(page, accounts[visitor], demo.password);
        for (const entry of BUDGET_PAGES.filter((e) => e.as === visitor)) {
          const size = { ...(await measurePageJs(page, urlOfPage(entry.path), { files: detail })), page: entry.path };
          results.push({ ...size, budgetBytes: entry.budget });
          console.log(JSON.stringify({ ...size, budgetBytes: entry.budget }));
        }
        await context.close();
      }
    } finally {
      await browser.close();
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    if (server.log().trim()) console.error(`--- next start output ---\n${server.log().trim()}`);
    return 1;
  } finally {
    await server.stop();
  }

  const over = results.filter((result) => result.gzipBytes > result.budgetBytes);
  for (const result of over) {
    console.error(`${result.page} is over its budget: ${result.gzipBytes} > ${result.budgetBytes} bytes of gzipped JavaScript`);
  }
  return over.length > 0 ? 1 : 0;
}

process.exitCode = await main();
