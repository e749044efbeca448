// Two app instances on one PostgreSQL: the servers keep no state of their own, so a
// session made on one works on the other, a sign-out on one ends it on both, and failed
// sign-ins counted by both add up to one lock (lib/data/throttle.ts).
//
// Instance A is the server playwright.config.ts starts on E2E_PORT; this file starts
// instance B (`next start`, same environment: DATABASE_URL, AUTH_SECRET, DATA_KEYS,
// DATA_HASH_KEY …) on E2E_SECOND_PORT or the first free port after E2E_PORT, and stops it
// afterwards. Only on PostgreSQL: two processes cannot share an embedded PGlite database.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { expect, signIn, test } from "./fixtures";

test.skip(!process.env.DATABASE_URL, "needs DATABASE_URL (PostgreSQL): two instances cannot share an embedded PGlite database");

// The sign-in form's messages, from the Indonesian catalogue (the default language).
const { login } = JSON.parse(readFileSync("messages/id/app.json", "utf8")) as { login: { failed: string; locked: string } };

const portA = Number(process.env.E2E_PORT ?? 3100);
const baseA = `http://127.0.0.1:${portA}`;
let baseB = "";
let instanceB: ChildProcess | undefined;
let outputB = "";

const password = `dua-instans-${randomBytes(6).toString("hex")}`;
const stamp = `${Date.now()}`;
// Dedicated accounts, so the lock and the sign-out touch no other spec's demo account.
const sessionAccount = `dua-instans-sesi-${stamp}@pendamping.test`;
const throttleAccount = `dua-instans-kunci-${stamp}@pendamping.test`;

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** A staff account made the way a deployment makes one: `npm run user:create`. */
function createCaseworker(email: string, name: string) {
  const result = spawnSync(
    process.execPath,
    ["node_modules/tsx/dist/cli.mjs", "--import", "./scripts/register-server-only.mjs", "scripts/user-create.mts", "--role", "caseworker", "--email", email, "--name", name],
    { env: { ...process.env, NEW_USER_PASSWORD: password }, encoding: "utf8", timeout: 60_000 },
  );
  if (result.status !== 0) throw new Error(`user:create ${email} failed:\n${result.stdout}\n${result.stderr}`);
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  createCaseworker(sessionAccount, "Pendamping Dua Instans");
  createCaseworker(throttleAccount, "Pendamping Kunci Bersama");

  let portB = Number(process.env.E2E_SECOND_PORT ?? 0);
  for (let p = portA + 1; !portB && p < portA + 50; p++) if (await portIsFree(p)) portB = p;
  if (!portB) throw new Error(`no free port after ${portA} for the second instance`);
  baseB = `http://127.0.0.1:${portB}`;
  instanceB = spawn(process.execPath, ["server.mjs", "-p", String(portB), "-H", "127.0.0.1"], {
    env: { ...process.env, NODE_ENV: "production", AUTH_TRUST_HOST: "true", PORT: String(portB) },
    // Its own process group, so afterAll ends it and anything it started.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  instanceB.stdout!.on("data", (chunk) => (outputB += chunk));
  instanceB.stderr!.on("data", (chunk) => (outputB += chunk));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (instanceB.exitCode !== null) throw new Error(`instance B exited with ${instanceB.exitCode}:\n${outputB}`);
    const status = await fetch(`${baseB}/api/health`).then((r) => r.status, () => 0);
    if (status === 200) break;
    if (Date.now() > deadline) throw new Error(`instance B did not become healthy on ${baseB}:\n${outputB}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
});

test.afterAll(async () => {
  const child = instanceB;
  if (!child?.pid || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  process.kill(-child.pid, "SIGTERM");
  const force = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 10_000);
  await exited;
  clearTimeout(force);
});

test("a session made on instance A works on instance B, and signing out on A ends it on B", async ({ page, browser }) => {
  await signIn(page, sessionAccount, password);
  await expect(page).toHaveURL(`${baseA}/caseworker`);

  // A second browser with a copy of A's cookies, opening B (cookies do not depend on the
  // port, so the copy is what a load balancer sending the next request to B would pass on).
  const other = await browser.newContext();
  await other.addCookies(await page.context().cookies());
  const onB = await other.newPage();
  const answer = await onB.goto(`${baseB}/caseworker`);
  expect(answer?.status()).toBe(200);
  await expect(onB).toHaveURL(`${baseB}/caseworker`);
  await expect(onB.getByRole("button", { name: "Keluar" })).toBeVisible();

  await page.getByRole("button", { name: "Keluar" }).click();
  await page.waitForURL((url) => url.pathname === "/");

  // The same cookie on B is refused now: the session version moved on in the shared database.
  await onB.goto(`${baseB}/caseworker`);
  await expect(onB).toHaveURL(`${baseB}/login`);
  await other.close();
});

test("failed sign-ins on A and B add up to one lock that both enforce", async ({ page }) => {
  async function attempt(base: string, secret: string): Promise<string> {
    await page.goto(`${base}/login`);
    await page.locator('input[name="identifier"]').fill(throttleAccount);
    await page.locator('input[name="password"]').fill(secret);
    await page.getByRole("button", { name: "Masuk" }).last().click();
    // The form's error summary: its heading, then the sign-in's one message.
    const alert = page.locator("main").getByRole("alert");
    await expect(alert).toBeVisible();
    return alert.locator("p").first().innerText();
  }

  // Six wrong passwords, three on each instance: neither saw more than the free five, but
  // together they pass them, and the sixth locks the account (THROTTLE.identifier).
  for (let i = 0; i < 6; i++) {
    expect(await attempt(i % 2 ? baseB : baseA, "bukan-kata-sandinya"), `failure ${i + 1}`).toBe(login.failed);
  }
  // Locked on both: even the right password is refused, with the lock's message.
  expect(await attempt(baseA, password)).toBe(login.locked);
  await expect(page).toHaveURL(`${baseA}/login`);
  expect(await attempt(baseB, password)).toBe(login.locked);
  await expect(page).toHaveURL(`${baseB}/login`);
});
