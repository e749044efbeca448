// npm run load:check -- [--users 50] [--seconds 60] [--only plain|fault] [--port 3400]
//                       [--caseload 5] [--restart-at 0.5] [--pg-url postgres://postgres@127.0.0.1:5432]
//
// The load and fault check, by itself, after `next build`:
//   plain  a fresh database on the PostgreSQL at --pg-url (LOAD_CHECK_PG_URL; trust auth),
//          migrated, demo data, one caseworker account per simulated user with its own
//          caseload (scripts/load-setup.mts); a production server; N users sign in, read
//          their caseloads, open case files and log services for S seconds
//          (scripts/load-lib.mts). Every request must succeed, and every service log that
//          got a success answer must be in the database.
//   fault  the same on a throwaway PostgreSQL cluster of its own (pg_createcluster on a free
//          port; dropped afterwards, so the shared server is never touched), restarted with
//          pg_ctlcluster at --restart-at of the run. Requests during the outage may fail; the
//          app must recover by itself (every request after the recovery point succeeds, and
//          every kind of request succeeds again), and every acknowledged service log must
//          be in the database.
// Figures are printed as JSON lines (per operation: requests, ok, failed, requests per
// second, p50/p95/p99/max latency; for the fault run the restart, the recovery and a
// timeline). Then one line per check, "load-check: ok …" or "load-check: FAIL …", and
// last "load-check: N passed, M failed". Exit code 1 on any failure. Every process it
// starts is stopped, and its databases and cluster dropped, on success, failure, timeout
// or Ctrl-C. Needs root (or passwordless sudo) for the cluster, and Debian's
// postgresql-common (pg_createcluster, pg_ctlcluster, pg_dropcluster).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { startFakeSmtp, type FakeSmtp } from "../lib/testing/fake-smtp";
import { countLogged, OPERATIONS, runLoad, summarize, type LoadResult } from "./load-lib.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    users: { type: "string", default: "50" },
    seconds: { type: "string", default: "60" },
    only: { type: "string" },
    port: { type: "string", default: "3400" },
    caseload: { type: "string", default: "5" },
    "restart-at": { type: "string", default: "0.5" },
    "pg-url": { type: "string", default: process.env.LOAD_CHECK_PG_URL ?? "postgres://postgres@127.0.0.1:5432" },
    "pg-version": { type: "string" },
  },
});
const USERS = Number(values.users);
const SECONDS = Number(values.seconds);
const CASELOAD = Number(values.caseload);
const RESTART_AT = Number(values["restart-at"]);
const FIRST_PORT = Number(values.port);
const runs = values.only ? [values.only] : ["plain", "fault"];
if (
  !runs.every((r) => r === "plain" || r === "fault") ||
  !(USERS >= 1 && USERS <= 500) ||
  !(SECONDS >= 5 && SECONDS <= 1800) ||
  !(CASELOAD >= 1 && CASELOAD <= 50) ||
  !(RESTART_AT > 0 && RESTART_AT < 1)
) {
  console.error("Usage: load-check [--users 1..500] [--seconds 5..1800] [--only plain|fault] [--port 3400] [--caseload 1..50] [--restart-at 0..1]");
  process.exit(2);
}

const tag = `${process.pid}`;
const resultsDir = join(root, "test-results", "load-check");
mkdirSync(resultsDir, { recursive: true });
const progress = (message: string) => console.error(`[load-check ${new Date().toISOString().slice(11, 19)}] ${message}`);
const figure = (object: Record<string, unknown>) => console.log(JSON.stringify(object));

// ---- checks ------------------------------------------------------------------------------
const checks: { name: string; ok: boolean }[] = [];
function check(name: string, ok: boolean, detail = "") {
  checks.push({ name, ok });
  console.log(`load-check: ${ok ? "ok  " : "FAIL"} ${name}${detail ? ` — ${detail}` : ""}`);
}

// ---- processes and clean-up --------------------------------------------------------------
const children = new Set<ChildProcess>();
const cleanups: (() => Promise<void>)[] = [];

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 180_000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    let out = "";
    const child = spawn(command, args, { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    child.stdout!.on("data", (c) => (out += c));
    child.stderr!.on("data", (c) => (out += c));
    const timer = setTimeout(() => {
      out += `\n(killed after ${timeoutMs} ms)`;
      kill(child);
    }, timeoutMs);
    child.on("error", (e) => {
      out += String(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code: code ?? 1, out });
    });
  });
}

/** Children this script asked to stop: their exit is not a failure of theirs. */
const stopAsked = new WeakSet<ChildProcess>();

/** Ends a child and everything it started (its own process group), politely and then not. */
async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  stopAsked.add(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s);
    } catch {
      /* already gone */
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
  children.delete(child);
}

let cleaning: Promise<void> | null = null;
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    await Promise.all([...children].map(kill));
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (error) {
        progress(`clean-up step failed: ${(error as Error).message}`);
      }
    }
  })();
  return cleaning;
}

function finish(code: number): never {
  const passed = checks.filter((c) => c.ok).length;
  console.log(`load-check: ${passed} passed, ${checks.length - passed} failed`);
  process.exit(code);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    progress(`${signal}: stopping`);
    check(`interrupted by ${signal}`, false);
    void cleanUp().then(() => finish(1));
  });
}
// Bounded in time whatever happens: set-up, the runs with their request timeouts, clean-up.
const limitMs = (120 + runs.length * (SECONDS + 300)) * 1000;
setTimeout(() => {
  progress(`time limit of ${limitMs / 1000} s reached: stopping`);
  check(`finished within ${limitMs / 1000} s`, false);
  void cleanUp().then(() => finish(1));
}, limitMs).unref();

// ---- environment -------------------------------------------------------------------------
const secrets = {
  AUTH_SECRET: randomBytes(33).toString("base64url"),
  // NIK encryption at rest: the same keys for every process of a run.
  DATA_KEYS: `k1:${randomBytes(32).toString("base64")}`,
  DATA_HASH_KEY: randomBytes(32).toString("base64"),
};
const LOAD_PASSWORD = `beban-${randomBytes(9).toString("base64url")}`;

function envFor(databaseUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ["NODE_ENV", "PGLITE_DIR", "DATABASE_URL", "TEST_DATABASE_URL"]) delete env[key];
  return { ...env, ...secrets, AUTH_TRUST_HOST: "true", NEXT_TELEMETRY_DISABLED: "1", DATABASE_URL: databaseUrl, ...extra };
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

async function freePort(from: number, to: number, exclude: Set<number> = new Set()): Promise<number> {
  for (let port = from; port <= to; port++) if (!exclude.has(port) && (await portIsFree(port))) return port;
  throw new Error(`no free port in ${from}-${to}`);
}

const sudo = process.getuid?.() === 0 ? [] : ["sudo", "-n"];
const asRoot = (command: string, args: string[], timeoutMs?: number) =>
  sudo.length ? run(sudo[0], [...sudo.slice(1), command, ...args], process.env, timeoutMs) : run(command, args, process.env, timeoutMs);

// ---- one run: database, data, server -----------------------------------------------------
type Prepared = { databaseUrl: string; base: string; accounts: string[]; server: ChildProcess; serverLog: string };

/** The same server's URL with another database name. */
function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function createDatabase(adminUrl: string, name: string, dropAfter = true) {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  if (!dropAfter) return;
  cleanups.push(async () => {
    const a = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
    try {
      await a.unsafe(`drop database if exists "${name}" with (force)`);
    } finally {
      await a.end();
    }
  });
}

async function prepare(runName: string, databaseUrl: string, portExclude: Set<number>): Promise<Prepared> {
  const env = envFor(databaseUrl);
  for (const script of ["db:migrate", "db:seed"]) {
    const r = await run("npm", ["run", "--silent", script], env);
    if (r.code !== 0) throw new Error(`npm run ${script} failed:\n${r.out}`);
  }
  progress(`${runName}: migrated and seeded; creating ${USERS} caseworkers with ${CASELOAD} participants each`);
  const setup = await run(
    process.execPath,
    ["node_modules/tsx/dist/cli.mjs", "--import", "./scripts/register-server-only.mjs", "scripts/load-setup.mts", "--caseworkers", String(USERS), "--caseload", String(CASELOAD)],
    { ...env, LOAD_PASSWORD },
  );
  const line = setup.out.split("\n").find((l) => l.startsWith('{"accounts"'));
  if (setup.code !== 0 || !line) throw new Error(`load-setup failed:\n${setup.out}`);
  const accounts = (JSON.parse(line) as { accounts: string[] }).accounts;

  const port = await freePort(FIRST_PORT, FIRST_PORT + 99, portExclude);
  portExclude.add(port);
  const serverLog = join(resultsDir, `${runName}-server.log`);
  const log = createWriteStream(serverLog);
  const server = spawn(process.execPath, ["server.mjs", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env: { ...env, NODE_ENV: "production", PORT: String(port) },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(server);
  server.stdout!.pipe(log);
  server.stderr!.pipe(log);
  server.on("exit", (code, signal) => {
    children.delete(server);
    if (!stopAsked.has(server)) endedByItself.set(server, code ?? signal ?? "?");
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`next start exited with ${server.exitCode}; see ${serverLog}`);
    try {
      if ((await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(2000) })).status === 200) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`next start did not answer /api/health within 60 s; see ${serverLog}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  progress(`${runName}: server on ${base} (log ${serverLog})`);
  return { databaseUrl, base, accounts, server, serverLog };
}

function printFigures(runName: string, result: LoadResult) {
  // Every request, for a closer look: [ms from the start, operation, ms, ok, error].
  writeFileSync(
    join(resultsDir, `${runName}-requests.json`),
    JSON.stringify(result.samples.map((s) => [s.start - result.startedAt, s.op, s.ms, s.ok, s.error ?? null])),
  );
  const seconds = (result.endedAt - result.startedAt) / 1000;
  const rows = summarize(result.samples, seconds);
  for (const row of rows) figure({ run: runName, ...row });
  const failed = rows.reduce((n, r) => n + r.failed, 0);
  figure({
    run: runName,
    summary: true,
    users: USERS,
    seconds: Number(seconds.toFixed(1)),
    requests: result.samples.length,
    failed,
    rps: Number((result.samples.length / seconds).toFixed(1)),
    servicesAcknowledged: result.acknowledged.length,
    // The machine's load average at the end: other work on it slows every figure.
    loadavg: loadavg().map((l) => Number(l.toFixed(2))),
  });
  return { rows, failed };
}

/** Servers that ended before this script stopped them, with their exit code or signal. */
const endedByItself = new WeakMap<ChildProcess, number | string>();

function serverProblems(serverLog: string, server: ChildProcess) {
  const text = existsSync(serverLog) ? readFileSync(serverLog, "utf8") : "";
  return {
    // Node's own report, and the one printed by lib/process/postgres-write-guard.mjs
    // before it ends the process.
    uncaught: (text.match(/uncaughtException|^Uncaught exception:|^Unhandled rejection:/gm) ?? []).length,
    errors: (text.match(/^ ?⨯ /gm) ?? []).length,
    // Whether the server is still running at the end of the run, and, if not, how it ended
    // and what it printed last: a FAIL must say why without the log file (CI keeps none).
    ...(endedByItself.has(server) ? { endedByItself: endedByItself.get(server), logTail: text.split("\n").slice(-40).join("\n") } : {}),
  };
}

// ---- plain run ---------------------------------------------------------------------------
async function plainRun(ports: Set<number>) {
  const name = `lf_plain_${tag}`;
  const adminUrl = withDatabase(values["pg-url"]!, "postgres");
  let prepared: Prepared;
  try {
    await createDatabase(adminUrl, name);
    prepared = await prepare("plain", withDatabase(adminUrl, name), ports);
  } catch (error) {
    check("plain: set-up (database, demo data, accounts, server)", false, (error as Error).message.slice(0, 2000));
    return;
  }
  progress(`plain: ${USERS} users for ${SECONDS} s`);
  const result = await runLoad({ base: prepared.base, users: USERS, seconds: SECONDS, accounts: prepared.accounts, password: LOAD_PASSWORD });
  await kill(prepared.server);
  const { rows, failed } = printFigures("plain", result);
  const idle = rows.filter((r) => (OPERATIONS as readonly string[]).includes(r.operation) && r.ok === 0).map((r) => r.operation);
  check(
    `plain: ${USERS} users × ${SECONDS} s without a failed request`,
    failed === 0 && idle.length === 0,
    `${result.samples.length} requests, ${failed} failed` + (idle.length ? `; never succeeded: ${idle.join(", ")}` : ""),
  );
  const logged = await countLogged(prepared.databaseUrl, result.acknowledged);
  figure({ run: "plain", servicesLogged: logged, server: serverProblems(prepared.serverLog, prepared.server) });
  check(
    "plain: every acknowledged service log is in the database",
    logged.acknowledged > 0 && logged.missing === 0,
    `acknowledged ${logged.acknowledged}, found ${logged.found}, missing ${logged.missing}`,
  );
}

// ---- fault run ---------------------------------------------------------------------------
function pgVersion(): string {
  if (values["pg-version"]) return values["pg-version"];
  const versions = readdirSync("/usr/lib/postgresql")
    .filter((v) => existsSync(`/usr/lib/postgresql/${v}/bin/postgres`))
    .sort((a, b) => Number(b) - Number(a));
  if (!versions.length) throw new Error("no PostgreSQL server under /usr/lib/postgresql");
  return versions[0];
}

async function createCluster(): Promise<{ version: string; cluster: string; port: number }> {
  const version = pgVersion();
  const cluster = `lf_${tag}`;
  const listed = await run("pg_lsclusters", ["--no-header"]);
  if (listed.code !== 0) throw new Error(`pg_lsclusters failed (is postgresql-common installed?):\n${listed.out}`);
  const taken = new Set(listed.out.split("\n").map((l) => Number(l.trim().split(/\s+/)[2])).filter(Boolean));
  const port = await freePort(5433, 5532, taken);
  cleanups.push(async () => {
    const dropped = await asRoot("pg_dropcluster", ["--stop", version, cluster], 60_000);
    if (dropped.code !== 0 && !/does not exist/.test(dropped.out)) progress(`pg_dropcluster ${version} ${cluster}: ${dropped.out.trim()}`);
  });
  const created = await asRoot("pg_createcluster", [
    version,
    cluster,
    "--port",
    String(port),
    // listen_addresses stays at its default, localhost.
    "--",
    "--auth=trust",
  ]);
  if (created.code !== 0) throw new Error(`pg_createcluster failed:\n${created.out}`);
  const started = await asRoot("pg_ctlcluster", ["--skip-systemctl-redirect", version, cluster, "start"]);
  if (started.code !== 0) throw new Error(`pg_ctlcluster start failed:\n${started.out}`);
  return { version, cluster, port };
}

async function postmasterStart(url: string): Promise<string | null> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    const [row] = await sql<{ t: string }[]>`select pg_postmaster_start_time()::text as t`;
    return row.t;
  } catch {
    return null;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

async function faultRun(ports: Set<number>) {
  let prepared: Prepared;
  let pg: Awaited<ReturnType<typeof createCluster>>;
  try {
    pg = await createCluster();
    progress(`fault: throwaway cluster ${pg.version}/${pg.cluster} on port ${pg.port}`);
    const adminUrl = `postgres://postgres@127.0.0.1:${pg.port}/postgres`;
    // Dropped with the cluster.
    await createDatabase(adminUrl, "lf_fault", false);
    prepared = await prepare("fault", `postgres://postgres@127.0.0.1:${pg.port}/lf_fault`, ports);
  } catch (error) {
    check("fault: set-up (cluster, database, demo data, accounts, server)", false, (error as Error).message.slice(0, 2000));
    return;
  }
  const startedBefore = await postmasterStart(prepared.databaseUrl);

  // Background work through the restart: a worker process (npm run worker) sending mail to
  // a local mail server that takes 50 ms a message, and, a few seconds before the restart,
  // outbox messages and a cohort import put in flight (scripts/load-jobs.mts).
  const smtp: FakeSmtp = await startFakeSmtp(0, { delayMs: 50 });
  cleanups.push(() => smtp.close());
  const jobsEnv = envFor(prepared.databaseUrl, { SMTP_URL: smtp.url, JOBS_MAINTENANCE_SECONDS: "2", WORKER_POLL_SECONDS: "0.5" });
  const workerLog = join(resultsDir, "fault-worker.log");
  const worker = spawn(process.execPath, ["--import", "tsx", "--import", "./scripts/register-server-only.mjs", "scripts/worker.mts"], {
    cwd: root,
    env: jobsEnv,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(worker);
  let workerOut = "";
  const workerFile = createWriteStream(workerLog);
  worker.stdout!.on("data", (c: Buffer) => ((workerOut += c), workerFile.write(c)));
  worker.stderr!.on("data", (c: Buffer) => ((workerOut += c), workerFile.write(c)));
  const workerExit = new Promise<number | null>((resolve) => worker.on("exit", (code) => (children.delete(worker), resolve(code))));
  let driverOut = "";
  let driver: Promise<{ code: number; out: string }> | null = null;
  const driverTimer = setTimeout(() => {
    progress("fault: putting outbox messages and a cohort import in flight");
    driver = run(process.execPath, ["--import", "tsx", "--import", "./scripts/register-server-only.mjs", "scripts/load-jobs.mts", "--messages", "400", "--rows", "30000"], jobsEnv, 300_000);
    void driver.then((r) => (driverOut = r.out));
  }, Math.max(0, SECONDS * RESTART_AT * 1000 - 5_000));

  // The health endpoint every 250 ms, for the outage as the load balancer would see it.
  const health: { t: number; ok: boolean }[] = [];
  let probing = true;
  const prober = (async () => {
    while (probing) {
      const t = Date.now();
      let ok = false;
      try {
        ok = (await fetch(`${prepared.base}/api/health`, { signal: AbortSignal.timeout(3000) })).status === 200;
      } catch {
        /* counted as down */
      }
      health.push({ t, ok });
      await new Promise((r) => setTimeout(r, 250));
    }
  })();

  let restart: { issued: number; done: number; code: number; out: string } | null = null;
  const restartTimer = setTimeout(async () => {
    progress("fault: restarting PostgreSQL");
    const issued = Date.now();
    const r = await asRoot("pg_ctlcluster", ["--skip-systemctl-redirect", pg.version, pg.cluster, "restart"], 120_000);
    restart = { issued, done: Date.now(), code: r.code, out: r.out };
    progress(`fault: restart done in ${restart.done - issued} ms (exit ${r.code})`);
  }, SECONDS * RESTART_AT * 1000);

  progress(`fault: ${USERS} users for ${SECONDS} s, PostgreSQL restarted at ${Math.round(SECONDS * RESTART_AT)} s`);
  const result = await runLoad({ base: prepared.base, users: USERS, seconds: SECONDS, accounts: prepared.accounts, password: LOAD_PASSWORD });
  probing = false;
  await prober;
  clearTimeout(restartTimer);
  for (let i = 0; i < 240 && !restart; i++) await new Promise((r) => setTimeout(r, 500));
  // Every slot of the pool, after the restart: more health checks at once than the pool
  // has connections, so each one is used (a slot left broken by the restart would hang
  // its query past the health check's 2 s and answer 503).
  const burst = await Promise.all(
    Array.from({ length: 50 }, async () => {
      const t = Date.now();
      const ok = await fetch(`${prepared.base}/api/health`, { signal: AbortSignal.timeout(15_000) }).then(
        (res) => res.status === 200,
        () => false,
      );
      return { ok, ms: Date.now() - t };
    }),
  );
  // One more user after the run, once the restart is over: sign in, caseload, case file,
  // log a service, so every kind of request is seen to work again whatever the timing.
  const canary = await runLoad({ base: prepared.base, users: 1, seconds: 1, accounts: prepared.accounts.slice(0, 1), password: LOAD_PASSWORD });
  await kill(prepared.server);
  printFigures("fault", result);
  clearTimeout(driverTimer);
  const restartAt = restart as { issued: number; done: number } | null;
  await jobsAfterRestart();

  async function jobsAfterRestart() {
    if (!driver) {
      check("fault: background work carried through the restart", false, "the work was never put in flight");
      return;
    }
    progress("fault: waiting for the worker to finish the import and the messages");
    const outcome = await driver;
    const done = outcome.out
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { done?: DriverDone })
      .find((l) => l.done)?.done;
    worker.kill("SIGTERM");
    const exit = await Promise.race([workerExit, new Promise<"hung">((resolve) => setTimeout(() => resolve("hung"), 40_000))]);
    if (!done) {
      check("fault: background work carried through the restart", false, `load-jobs ended without a result (exit ${outcome.code}):\n${(outcome.out || driverOut).slice(-2000)}`);
      return;
    }
    const ids = new Map<string, number>();
    for (const m of smtp.received) if (m.messageId) ids.set(m.messageId, (ids.get(m.messageId) ?? 0) + 1);
    const ours = new Set(done.messageIds.map((id) => `<${id}@outbox.pendamping>`));
    const twice = [...ids].filter(([, n]) => n > 1).length;
    const receivedOurs = [...ids.keys()].filter((id) => ours.has(id)).length;
    const sent = done.messages.sent ?? 0;
    const stillQueued = (done.messages.pending ?? 0) + (done.messages.sending ?? 0);
    figure({
      run: "fault",
      jobs: {
        import: done.import,
        participants: done.participants,
        messages: done.messages,
        mailServer: {
          received: smtp.received.length,
          distinct: ids.size,
          receivedTwice: twice,
          // Received before the restart command, during the outage, and after the database's return.
          ...(restartAt
            ? {
                beforeRestart: smtp.received.filter((m) => m.at < restartAt!.issued).length,
                duringRestart: smtp.received.filter((m) => m.at >= restartAt!.issued && m.at < restartAt!.done).length,
                afterRestart: smtp.received.filter((m) => m.at >= restartAt!.done).length,
              }
            : {}),
        },
        worker: { exit, jobsFailed: (workerOut.match(/"job-failed"/g) ?? []).length, engineErrors: (workerOut.match(/"engine-error"/g) ?? []).length },
      },
    });
    check(
      "fault: the cohort import went through the restart and finished, every ready row once",
      done.import.state === "imported" && done.participants.n === done.import.ready && done.participants.niks === done.import.ready && done.import.imported === done.import.ready,
      `state ${done.import.state}${done.import.error ? ` (${done.import.error})` : ""}; ready ${done.import.ready}, imported ${done.import.imported}, participants ${done.participants.n} (${done.participants.niks} NIKs)`,
    );
    check(
      "fault: every queued message was delivered once or is still queued; none lost, none sent twice",
      twice === 0 && (done.messages.failed ?? 0) === 0 && sent + stillQueued === done.messages.queued && receivedOurs === sent,
      `${done.messages.queued} queued: ${sent} sent, ${stillQueued} still queued, ${done.messages.failed ?? 0} failed; ` +
        `the mail server received ${receivedOurs} of them, ${twice} more than once`,
    );
    check("fault: the worker stopped on SIGTERM", exit === 0 && workerOut.includes('"worker-stopped"'), `exit ${exit}`);
  }

  const startedAfter = await postmasterStart(prepared.databaseUrl);
  const r = restart as { issued: number; done: number; code: number; out: string } | null;
  check(
    "fault: PostgreSQL was restarted in the middle of the run",
    !!r && r.code === 0 && !!startedBefore && !!startedAfter && startedBefore !== startedAfter,
    r ? `pg_ctlcluster restart took ${r.done - r.issued} ms; postmaster started ${startedBefore} → ${startedAfter}` : "the restart did not happen",
  );

  if (r) {
    // Times in ms from the restart command. A request belongs to the moment it started:
    // one that began before the outage and failed late says nothing about recovery. The
    // recovery point is the start of the last failed request; every request started after
    // it succeeded.
    const rel = (t: number) => t - r.issued;
    const failures = result.samples.filter((s) => !s.ok);
    const lastFailedStart = failures.length ? Math.max(...failures.map((s) => s.start)) : null;
    const recoveredAt = Math.max(lastFailedStart ?? r.issued, r.issued);
    const after = [...result.samples.filter((s) => s.start > recoveredAt), ...canary.samples];
    const missingOps = OPERATIONS.filter((op) => !after.some((s) => s.op === op && s.ok));
    const firstOkAfter = result.samples
      .filter((s) => s.ok && s.start >= r.done)
      .map((s) => s.start + s.ms)
      .sort((a, b) => a - b)[0];
    const healthDown = health.filter((h) => h.t >= r.issued && !h.ok);
    const healthBackAt = health.find((h) => h.t >= r.done && h.ok);
    const byCause: Record<string, number> = {};
    for (const s of failures) byCause[`${s.op}: ${s.error}`] = (byCause[`${s.op}: ${s.error}`] ?? 0) + 1;
    const recovery = {
      run: "fault",
      restart: {
        at_s: Number(((r.issued - result.startedAt) / 1000).toFixed(1)),
        // pg_ctlcluster restart: stop (fast) and start, until it accepts connections.
        database_down_ms: r.done - r.issued,
        failed_requests: failures.length,
        failures: byCause,
        first_failed_request_started_ms: failures.length ? rel(Math.min(...failures.map((s) => s.start))) : null,
        last_failed_request_started_ms: lastFailedStart === null ? null : rel(lastFailedStart),
        longest_failed_request_ms: failures.length ? Math.max(...failures.map((s) => s.ms)) : null,
        // From the database's return to the first successful answer to a request begun after it.
        answering_again_ms: firstOkAfter === undefined ? null : firstOkAfter - r.done,
        // From the database's return to the recovery point (0: nothing begun after its
        // return failed).
        recovery_ms: Math.max(0, recoveredAt - r.done),
        requests_after_recovery: after.length,
        health_failed_probes: healthDown.length,
        health_ok_again_ms: healthBackAt ? healthBackAt.t - r.done : null,
        user_after_run: canary.samples.map((s) => ({ op: s.op, ok: s.ok, ms: s.ms, ...(s.error ? { error: s.error } : {}) })),
        pool_probe: { parallel_health_checks: burst.length, ok: burst.filter((b) => b.ok).length, max_ms: Math.max(...burst.map((b) => b.ms)) },
        server: serverProblems(prepared.serverLog, prepared.server),
      },
    };
    figure(recovery);
    // A per-second timeline around the restart: [second from the restart command, ok, failed].
    const timeline = new Map<number, [number, number]>();
    for (const s of result.samples) {
      const second = Math.floor(rel(s.start) / 1000);
      const row = timeline.get(second) ?? [0, 0];
      row[s.ok ? 0 : 1]++;
      timeline.set(second, row);
    }
    figure({ run: "fault", timeline: [...timeline].sort((a, b) => a[0] - b[0]).map(([s, [ok, failed]]) => [s, ok, failed]) });
    const boundMs = 30_000;
    check(
      "fault: the app recovered by itself",
      recovery.restart.recovery_ms <= boundMs && missingOps.length === 0 && canary.samples.every((s) => s.ok) && burst.every((b) => b.ok),
      `every request begun more than ${recovery.restart.recovery_ms} ms after the database's return succeeded ` +
        `(bound ${boundMs / 1000} s; ${after.length} requests, the last ${canary.samples.length} by one more user after the run` +
        (missingOps.length ? `; never succeeded again: ${missingOps.join(", ")}` : "; each kind succeeded again") +
        `); ${burst.filter((b) => b.ok).length}/${burst.length} parallel health checks after the run; ` +
        `${failures.length} requests failed around the restart`,
    );
  } else {
    check("fault: the app recovered by itself", false, "no restart, nothing to recover from");
  }

  const logged = await countLogged(prepared.databaseUrl, [...result.acknowledged, ...canary.acknowledged]).catch((e: Error) => e);
  if (logged instanceof Error) {
    check("fault: every acknowledged service log is in the database", false, logged.message);
  } else {
    figure({ run: "fault", servicesLogged: logged });
    check(
      "fault: every acknowledged service log is in the database",
      logged.acknowledged > 0 && logged.missing === 0,
      `acknowledged ${logged.acknowledged}, found ${logged.found}, missing ${logged.missing}`,
    );
  }
}

type DriverDone = {
  import: { id: string; state: string; error: string | null; ready: number; imported: number };
  participants: { n: number; niks: number };
  messages: { queued: number; sent?: number; pending?: number; sending?: number; failed?: number };
  messageIds: string[];
};

// ---- main --------------------------------------------------------------------------------
if (!existsSync(join(root, ".next", "BUILD_ID"))) {
  check("a production build exists (.next/BUILD_ID)", false, "run `npx next build` first");
  finish(1);
}
figure({
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadavg: loadavg().map((l) => Number(l.toFixed(2))) },
  options: { users: USERS, seconds: SECONDS, runs, caseload: CASELOAD, restartAt: RESTART_AT },
});
const ports = new Set<number>();
try {
  for (const name of runs) {
    if (name === "plain") await plainRun(ports);
    else await faultRun(ports);
  }
} catch (error) {
  check("load-check ran to the end", false, (error as Error).stack ?? String(error));
} finally {
  await cleanUp();
}
finish(checks.every((c) => c.ok) ? 0 : 1);
