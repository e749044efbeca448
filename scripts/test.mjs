#!/usr/bin/env node
// `npm test` — the whole suite, in order:
//   1. type check: `next typegen` (route types) then `tsc --noEmit`      → counts as 1 test
//   2. lint: `eslint .`                                                 → counts as 1 test
//   3. Vitest on the embedded database (PGlite, in memory; DATABASE_URL removed)
//   4. Vitest again on PostgreSQL, only when TEST_DATABASE_URL is set
//   5. end to end: a fresh database, migrate, seed, `next build`, then Playwright in
//      Chromium against `next start` (playwright.config.ts)
// and last of all exactly one line "N passed, N failed" summing every test run.
// Exit code 1 when anything failed; a step that crashes (or fails without reporting a
// failed test, e.g. a file that does not load) counts as 1 failed.
//
// Environment:
//   TEST_DATABASE_URL=postgres://…  also run step 4, and run step 5 on that database.
//                               WARNING: steps 4 and 5 empty that database (step 5 drops
//                               and recreates its `public` and `drizzle` schemas, and drops `pgboss`). DATABASE_URL
//                               is never used by the suite. Without TEST_DATABASE_URL, step 5
//                               uses a fresh PGlite folder .data/e2e.
//   TEST_SKIP_E2E=1             skip step 5
//   TEST_ONLY=unit              run only steps 3 and 4 (Vitest)
//   AUTH_SECRET                 used for step 5; a random one is made when unset
//   DATA_KEYS, DATA_HASH_KEY    NIK/KK keys for step 5 on PostgreSQL; random ones when unset
//   E2E_PORT                    port for the end-to-end server (default 3100)
//   CHROMIUM_PATH               browser for step 5 (default /usr/bin/chromium)
//
// Machine-readable results: test-results/vitest-pglite.json, vitest-postgres.json
// (Vitest JSON reporter: numPassedTests/numFailedTests) and e2e.json (Playwright JSON
// reporter: stats.expected = passed, stats.unexpected + stats.flaky = failed).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const resultsDir = join(root, "test-results");

const onlyUnit = process.env.TEST_ONLY === "unit";
const skipE2e = onlyUnit || process.env.TEST_SKIP_E2E === "1";
// A developer's DATABASE_URL may point at real data: the suite only ever uses the
// database named by TEST_DATABASE_URL, and wipes it.
const databaseUrl = process.env.TEST_DATABASE_URL || undefined;

if (process.env.TEST_ONLY && !onlyUnit) {
  console.warn(`TEST_ONLY=${process.env.TEST_ONLY} is not known (only "unit" is); running everything.`);
}

let passed = 0;
let failed = 0;
/** @type {{ name: string, passed: number, failed: number, note?: string, failures?: string[] }[]} */
const summary = [];

function header(title) {
  console.log(`\n==> ${title}\n`);
}

/**
 * Runs a command from the repository root with inherited output (or captured output).
 * Resolves to { code, out }: code is null when the command could not be started.
 */
function run(command, args, { env = process.env, capture = false } = {}) {
  return new Promise((resolve) => {
    let out = "";
    let child;
    try {
      child = spawn(command, args, {
        cwd: root,
        env,
        stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit",
      });
    } catch (error) {
      console.error(`could not start ${command}: ${error.message}`);
      resolve({ code: null, out });
      return;
    }
    if (capture) {
      child.stdout.on("data", (chunk) => (out += chunk));
      child.stderr.on("data", (chunk) => (out += chunk));
    }
    child.on("error", (error) => {
      console.error(`could not start ${command}: ${error.message}`);
      resolve({ code: null, out });
    });
    child.on("close", (code, signal) => {
      if (signal) console.error(`${command} ${args.join(" ")} was killed by ${signal}`);
      resolve({ code: code ?? 1, out });
    });
  });
}

function record(name, counts, note, failures = []) {
  passed += counts.passed;
  failed += counts.failed;
  summary.push({ name, ...counts, note, failures });
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

/** Environment without the variables that would leak the caller's setup into a step. */
function cleanEnv(extra = {}, remove = []) {
  const env = { ...process.env };
  for (const key of ["NODE_ENV", ...remove]) delete env[key];
  return { ...env, ...extra };
}

async function step(name, fn) {
  header(name);
  try {
    await fn();
  } catch (error) {
    console.error(`step "${name}" crashed: ${error?.stack ?? error}`);
    record(name, { passed: 0, failed: 1 }, "crashed");
  }
}

async function typeCheck() {
  const help = await run("npx", ["next", "--help"], { capture: true });
  if (/\btypegen\b/.test(help.out)) {
    console.log("$ npx next typegen");
    const typegen = await run("npx", ["next", "typegen"], { env: cleanEnv() });
    if (typegen.code !== 0) {
      record("type check", { passed: 0, failed: 1 }, "next typegen failed");
      return;
    }
  }
  console.log("$ npx tsc --noEmit");
  const tsc = await run("npx", ["tsc", "--noEmit"]);
  record("type check", tsc.code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 });
}

async function lint() {
  console.log("$ npx eslint .");
  const eslint = await run("npx", ["eslint", "."]);
  record("lint", eslint.code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 });
}

async function vitest(name, outputName, env) {
  mkdirSync(resultsDir, { recursive: true });
  const outputFile = join(resultsDir, outputName);
  rmSync(outputFile, { force: true });
  const args = ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile=${outputFile}`];
  console.log(`$ npx ${args.join(" ")}`);
  const result = await run("npx", args, { env });
  const report = readJson(outputFile);
  if (!report) {
    record(name, { passed: 0, failed: 1 }, `no report (exit code ${result.code})`);
    return;
  }
  const counts = { passed: report.numPassedTests ?? 0, failed: report.numFailedTests ?? 0 };
  let note;
  if (result.code !== 0 && counts.failed === 0) {
    // A file that fails to load, an unhandled error, or no test files at all.
    counts.failed = Math.max(1, report.numFailedTestSuites ?? 0);
    note = `exit code ${result.code} without a failed test`;
  }
  // The failed tests by name, repeated in the summary (the end of a long log is what is kept).
  const failures = (report.testResults ?? []).flatMap((file) =>
    (file.assertionResults ?? [])
      .filter((t) => t.status === "failed")
      .map((t) => `${relative(root, file.name)} › ${t.fullName}: ${stripAnsi(t.failureMessages?.[0] ?? "").split("\n")[0].slice(0, 300)}`),
  );
  record(name, counts, note, failures);
}

async function endToEnd() {
  const authSecret = process.env.AUTH_SECRET || randomBytes(32).toString("base64url");
  const port = process.env.E2E_PORT || "3100";
  let env;
  if (databaseUrl) {
    // NIK/KK encryption keys (lib/crypto/identity.ts): required on PostgreSQL.
    const keys = {
      DATA_KEYS: process.env.DATA_KEYS || `e2e:${randomBytes(32).toString("base64")}`,
      DATA_HASH_KEY: process.env.DATA_HASH_KEY || randomBytes(32).toString("base64"),
    };
    env = cleanEnv(
      { DATABASE_URL: databaseUrl, AUTH_SECRET: authSecret, AUTH_TRUST_HOST: "true", E2E_PORT: port, ...keys },
      ["PGLITE_DIR"],
    );
    console.log("$ npx tsx scripts/reset-db.mts   (fresh schemas in DATABASE_URL)");
    const reset = await run("npx", ["tsx", "scripts/reset-db.mts"], { env });
    if (reset.code !== 0) {
      record("end to end", { passed: 0, failed: 1 }, "database reset failed");
      return;
    }
  } else {
    const dir = join(root, ".data", "e2e");
    console.log(`fresh embedded database at ${dir}`);
    rmSync(dir, { recursive: true, force: true });
    env = cleanEnv(
      { PGLITE_DIR: dir, AUTH_SECRET: authSecret, AUTH_TRUST_HOST: "true", E2E_PORT: port },
      ["DATABASE_URL"],
    );
  }

  for (const script of ["db:migrate", "db:seed", "build"]) {
    console.log(`\n$ npm run ${script}`);
    const result = await run("npm", ["run", script], { env });
    if (result.code !== 0) {
      record("end to end", { passed: 0, failed: 1 }, `npm run ${script} failed`);
      return;
    }
  }

  mkdirSync(resultsDir, { recursive: true });
  const reportFile = join(resultsDir, "e2e.json");
  rmSync(reportFile, { force: true });
  console.log("\n$ npx playwright test");
  const result = await run("npx", ["playwright", "test"], { env });
  const report = readJson(reportFile);
  if (!report?.stats) {
    record("end to end", { passed: 0, failed: 1 }, `no report (exit code ${result.code})`);
    return;
  }
  const { expected = 0, unexpected = 0, flaky = 0 } = report.stats;
  const counts = { passed: expected, failed: unexpected + flaky };
  let note;
  if (counts.failed === 0 && (result.code !== 0 || (report.errors?.length ?? 0) > 0)) {
    // e.g. the web server did not start, or a spec file failed to load.
    counts.failed = Math.max(1, report.errors?.length ?? 0);
    note = `exit code ${result.code}, ${report.errors?.length ?? 0} error(s) outside tests`;
  }
  const failures = [];
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status === "unexpected" || test.status === "flaky") {
          const error = test.results?.find((r) => r.error)?.error?.message ?? "";
          failures.push(`${spec.file}:${spec.line} › ${spec.title} (${test.status}): ${stripAnsi(error).split("\n")[0].slice(0, 300)}`);
        }
      }
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of report.suites ?? []) walk(suite);
  record("end to end", counts, note, failures);
}

const stripAnsi = (text) => String(text).replace(/\u001b\[[0-9;]*m/g, "");

if (!onlyUnit) {
  await step("Type check (next typegen, tsc --noEmit)", typeCheck);
  await step("Lint (eslint .)", lint);
}
await step("Unit and integration tests on the embedded database (Vitest, PGlite)", () =>
  vitest("vitest (PGlite)", "vitest-pglite.json", cleanEnv({}, ["DATABASE_URL", "PGLITE_DIR"])),
);
if (databaseUrl) {
  await step("Unit and integration tests on PostgreSQL (Vitest, TEST_DATABASE_URL)", () =>
    vitest("vitest (PostgreSQL)", "vitest-postgres.json", cleanEnv({ DATABASE_URL: databaseUrl }, ["PGLITE_DIR"])),
  );
}
if (!skipE2e) {
  await step("End-to-end tests (Playwright, Chromium)", endToEnd);
}

header("Summary");
for (const row of summary) {
  console.log(
    // Not in the "N passed, N failed" form: that line appears once, last.
    `  ${row.failed > 0 ? "FAIL" : "ok  "}  ${row.name}: passed ${row.passed}, failed ${row.failed}` +
      (row.note ? ` (${row.note})` : ""),
  );
  for (const failure of row.failures ?? []) console.log(`          ✗ ${failure}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
