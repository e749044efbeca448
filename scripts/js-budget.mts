// `npm run budget:js` — how much JavaScript (gzipped) each page makes a phone download.
//
// Needs a production build (`npm run build`). Starts `next start` on a free port against
// the demo database (DATABASE_URL, or the embedded database, as `npm run demo` uses),
// waits for /api/health, then opens every page of e2e/js-size.ts's BUDGET_PAGES (each
// participant page, anonymously or signed in as the demo participant, and the main staff
// pages signed in as demo staff) in Debian's Chromium (CHROMIUM_PATH overrides it). Prints one
// JSON line per page (`--detail` adds each script file) and exits 1 when a page is over
// its budget: 150,000 bytes for a participant's page, 170 KiB for a staff page.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { chromium } from "@playwright/test";
import { demo, signIn } from "../e2e/fixtures";
import { BUDGET_PAGES, measurePageJs, urlOfPage, type JsSize, type Visitor } from "../e2e/js-size";

const detail = process.argv.includes("--detail");
const accounts: Record<Exclude<Visitor, "anonymous">, string> = {
  participant: demo.participant,
  caseworker: demo.caseworker1,
  pmo: demo.pmo,
};

const root = process.cwd();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(baseURL: string, server: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`next start exited with code ${server.exitCode}`);
    try {
      const response = await fetch(`${baseURL}/api/health`);
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`/api/health did not answer 200 within ${timeoutMs / 1000}s (last: ${last})`);
}

function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-server.pid!, "SIGKILL");
      } catch {
        // already gone
      }
      resolve();
    }, 10_000);
    server.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      // The server runs in its own process group, so this reaches any workers it forked.
      process.kill(-server.pid!, "SIGTERM");
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}

async function main(): Promise<number> {
  if (!existsSync(join(root, ".next", "BUILD_ID"))) {
    console.error("No production build found in .next/ — run `npm run build` first.");
    return 1;
  }
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    AUTH_TRUST_HOST: "true",
    AUTH_SECRET: process.env.AUTH_SECRET ?? randomBytes(32).toString("base64url"),
  };
  const nextBin = join(root, "node_modules", "next", "dist", "bin", "next");
  const server = spawn(process.execPath, [nextBin, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let serverLog = "";
  server.stdout?.on("data", (chunk) => (serverLog += chunk));
  server.stderr?.on("data", (chunk) => (serverLog += chunk));

  const results: (JsSize & { budgetBytes: number })[] = [];
  try {
    await waitForHealth(baseURL, server, 90_000);
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
    if (serverLog.trim()) console.error(`--- next start output ---\n${serverLog.trim()}`);
    return 1;
  } finally {
    await stopServer(server);
  }

  const over = results.filter((result) => result.gzipBytes > result.budgetBytes);
  for (const result of over) {
    console.error(`${result.page} is over its budget: ${result.gzipBytes} > ${result.budgetBytes} bytes of gzipped JavaScript`);
  }
  return over.length > 0 ? 1 : 0;
}

process.exitCode = await main();
