// npm run bench:check — the benchmark checked on a small database, so that a change which
// breaks `npm run bench` or leaves the scale database wrong is caught in CI rather than at
// the next measurement. Budgets are not judged here: 2,000 participants say nothing about
// 1,000,000 (docs/performance.md has those figures).
//
// Makes a throwaway database on the PostgreSQL at BENCH_CHECK_PG_URL (default
// postgres://postgres@127.0.0.1:5432, a superuser: the bench deletes what it adds in
// replica mode), fills it with `seed:scale --participants 2000 --logs 20000`, then runs
// `bench` three times with few runs each:
//   1. export, import, registration (through the page: needs `npm run build`);
//   2. the daily reminder run for 200 participants (about 20 s: three worker processes
//      start, and 200 messages at 70 a second);
//   3. a Prakerja status batch of 1,500 events, applied and taken out again (participants,
//      service log and stage changes as before);
//   4. dashboard, search, caseload and the month's report, after the first three runs' clean-ups.
// Checks: every figure printed; the export read every participant, and each export is in
// the audit log (those events stay: an export is a PMO's act, not the bench's data); the
// import and the registrations happened and were all taken out again (the tables' counts
// as before); the reminders were queued and all handed to the fake WhatsApp, and the
// participants' card dates, the outbox and the job queue are as before; every
// dashboard filter gives the same answer as plain SQL over the raw rows, that is, the
// clean-ups left the counters exact; so does the month's report, as xlsx and as PDF. One line per check, then "bench-check: N passed, M
// failed"; exit code 1 on any failure. The database is dropped at the end.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { hasProductionBuild } from "./next-server";

const base = (process.env.BENCH_CHECK_PG_URL ?? "postgres://postgres@127.0.0.1:5432").replace(/\/$/, "");
const name = `bench_check_${process.pid}`;
const env: Record<string, string | undefined> = {
  ...process.env,
  NODE_ENV: undefined,
  DATABASE_URL: `${base}/${name}`,
  DATA_KEYS: `k1:${randomBytes(32).toString("base64")}`,
  DATA_HASH_KEY: randomBytes(32).toString("base64"),
  AUTH_SECRET: process.env.AUTH_SECRET ?? randomBytes(32).toString("base64url"),
};

const checks: { name: string; ok: boolean }[] = [];
function check(what: string, ok: boolean, detail = "") {
  checks.push({ name: what, ok });
  console.log(`bench-check: ${ok ? "ok" : "FAIL"} ${what}${detail ? ` (${detail})` : ""}`);
}
/** The detail only when the check failed (a hint for the reader, not a figure). */
function checkOr(what: string, ok: boolean, hint: string) {
  check(what, ok, ok ? "" : hint);
}

/** Runs an npm script; its JSON lines, its exit code and the tail of what else it printed. */
function npmRun(args: string[]): Promise<{ code: number; lines: Record<string, unknown>[]; tail: string }> {
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "--silent", ...args], { env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (err += chunk));
    child.once("exit", (code) => {
      const lines = out.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ code: code ?? 1, lines, tail: `${out}\n${err}`.trim().split("\n").slice(-15).join("\n") });
    });
  });
}

const admin = postgres(`${base}/postgres`, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name}`);
const sql = postgres(env.DATABASE_URL!, { max: 1, onnotice: () => {} });
const tableCounts = async () =>
  (
    await sql<{ counts: string }[]>`
      select concat_ws(' ', (select count(*) from users), (select count(*) from participants),
        (select count(*) from stage_changes), (select count(*) from imports),
        (select count(*) from audit_events where action not like 'participant.export%')) as counts`
  )[0].counts;

try {
  const seeded = await npmRun(["seed:scale", "--", "--participants", "2000", "--logs", "20000"]);
  checkOr("seed:scale fills the database", seeded.code === 0, seeded.tail);
  const [{ n: participants }] = await sql<{ n: number }[]>`select count(*)::int as n from participants`;
  const before = await tableCounts();

  checkOr("a production build is there for the registration through the page", hasProductionBuild(), "run `npm run build`");
  const writes = await npmRun([
    "bench", "--", "--only", "export,import,registration", "--runs", "1", "--warmup", "0",
    "--import-rows", "1000", "--registrations", "20", "--registration-rounds", "1", "--http-warmup", "20",
  ]);
  checkOr("bench (export, import, registration) exits cleanly", writes.code === 0, writes.tail);
  const exports = writes.lines.filter((l) => l.figure === "export");
  check("the export reads every participant, masked and whole", exports.length === 2 && exports.every((l) => l.rows === participants),
    exports.map((l) => `${l.nik}: ${l.rows} of ${participants}`).join(", "));
  const [{ n: exportEvents }] = await sql<{ n: number }[]>`
    select count(*)::int as n from audit_events where action in ('participant.export', 'participant.export_full')`;
  check("each export is in the audit log", exportEvents === 4, `${exportEvents} export events for 2 × 2 exports`);
  const imported = writes.lines.find((l) => l.figure === "import");
  check("the import imports its file", Number(imported?.imported) > 0, `${imported?.imported} imported`);
  const registration = writes.lines.find((l) => l.figure === "registration");
  const http = registration?.http as { per_second?: number; skipped?: string } | undefined;
  check("registrations are measured through the data layer and through the page",
    Number(registration?.register_and_sign_in_per_second) > 0 && Number(http?.per_second) > 0,
    http?.skipped ?? `page ${http?.per_second}/s, data layer ${registration?.register_and_sign_in_per_second}/s`);
  check("the hashing bound and what bounds the page are measured",
    Number(registration?.argon2_hashes_per_second) > 0 && Number(registration?.postgres_rows_floor_cpu_ms) > 0);
  const after = await tableCounts();
  check("what the import and the registrations added is gone again", after === before, `users participants stage_changes imports audit events: ${before} → ${after}`);

  const cards = async () =>
    (
      await sql<{ cards: string; outbox: number; jobs: number }[]>`
        select md5(string_agg(id::text || ':' || coalesce(card_received_on::text, '-'), ',' order by id)) as cards,
               (select count(*)::int from outbox_messages) as outbox,
               (select count(*)::int from pgboss.job where name in ('outbox-deliver', 'outbox-failed')) as jobs
        from participants`
    )[0];
  const cardsBefore = await cards();
  const remindersStart = Date.now();
  const reminders = await npmRun(["bench", "--", "--only", "reminders", "--reminders", "200"]);
  const remindersSeconds = Math.round((Date.now() - remindersStart) / 1000);
  checkOr("bench (reminders) exits cleanly", reminders.code === 0, reminders.tail);
  const queued = reminders.lines.find((l) => l.figure === "reminders" && l.step === "queue");
  const handoff = reminders.lines.find((l) => l.figure === "reminders" && l.step === "hand-off");
  check("the reminder run queues one message to each of the 200 made due, beside plain SQL",
    queued?.queued === 200 && queued?.due === 200 && queued?.sql_messages === 200 && Number(queued?.seconds) > 0,
    `queued ${queued?.queued}, due ${queued?.due}, plain SQL ${queued?.sql_messages}`);
  check("every reminder is handed to the fake WhatsApp", handoff?.sent === 200 && handoff?.api_accepted === 200 && Number(handoff?.seconds) > 0,
    `sent ${handoff?.sent}, accepted ${handoff?.api_accepted}, 429s ${handoff?.api_429}; the run took ${remindersSeconds} s`);
  const cardsAfter = await cards();
  check("the card dates, the outbox and the job queue are as before the reminder run",
    JSON.stringify(cardsAfter) === JSON.stringify(cardsBefore) && (await tableCounts()) === before,
    `outbox ${cardsBefore.outbox} → ${cardsAfter.outbox}, jobs ${cardsBefore.jobs} → ${cardsAfter.jobs}, cards ${cardsBefore.cards === cardsAfter.cards ? "same" : "changed"}`);

  // Prakerja status in: a batch over the participants, applied, then taken out again (the
  // reads below then check the dashboard against a full count).
  const journey = async () =>
    (
      await sql<{ sum: string }[]>`
        select md5(string_agg(concat_ws(':', id, stage, version, card_received_on, training_bought_on, training_completed_on, lms_completed_on), ',' order by id))
               || ' ' || (select count(*) from service_logs) || ' ' || (select count(*) from stage_changes) as sum
        from participants`
    )[0].sum;
  const journeyBefore = await journey();
  const status = await npmRun(["bench", "--", "--only", "prakerja-status", "--prakerja-events", "1500"]);
  checkOr("bench (prakerja-status) exits cleanly", status.code === 0, status.tail);
  const statusLine = status.lines.find((l) => l.figure === "prakerja-status");
  check("the status batch is applied by the job's code path, as the plain SQL applies it",
    statusLine?.state === "done" && Number(statusLine?.applied) > 0 && statusLine?.same_answer === true,
    `state ${statusLine?.state}, applied ${statusLine?.applied}, plain SQL ${statusLine?.sql_applied}`);
  check("the participants, the service log and the stage changes are as before the status batch",
    (await journey()) === journeyBefore && (await tableCounts()) === before);

  const reads = await npmRun([
    "bench", "--", "--only", "dashboard,search,caseload,reports", "--runs", "2", "--warmup", "1", "--plain-runs", "1", "--report-runs", "1",
  ]);
  checkOr("bench (dashboard, search, caseload, reports) exits cleanly", reads.code === 0, reads.tail);
  const dashboards = reads.lines.filter((l) => l.figure === "dashboard");
  const off = dashboards.filter((l) => l.same_answer !== true);
  check("every dashboard filter matches a full count after the clean-ups", dashboards.length === 7 && off.length === 0,
    off.map((l) => `${l.filter}: ${l.same_answer}`).join("; ") || `${dashboards.length} filters`);
  const weekly = reads.lines.filter((l) => l.figure === "dashboard weekly");
  const weeklyOff = weekly.filter((l) => l.same_answer !== true);
  check("every filter's weekly registrations match plain SQL", weekly.length === dashboards.length && weeklyOff.length === 0,
    weeklyOff.map((l) => `${l.filter}: ${l.same_answer}`).join("; ") || `${weekly.length} filters`);
  const compared = reads.lines.filter((l) => l.figure === "dashboard comparisons");
  const comparedOff = compared.filter((l) => l.same_answer !== true);
  check("every filter's comparisons (calon/purna, sources, cohorts) match plain SQL", compared.length === dashboards.length && comparedOff.length === 0,
    comparedOff.map((l) => `${l.filter}: ${l.same_answer}`).join("; ") || `${compared.length} filters`);
  check("every search and caseload figure is printed",
    reads.lines.filter((l) => l.figure === "search").length === 10 && reads.lines.filter((l) => l.figure === "caseload").length === 6);
  const reports = reads.lines.filter((l) => l.figure === "reports");
  const reportsOff = reports.filter((l) => l.same_answer !== true || !(Number(l.bytes) > 0));
  check("the month's report, as xlsx and PDF for each filter, matches the dashboard's plain SQL", reports.length === 10 && reportsOff.length === 0,
    reportsOff.map((l) => `${l.format} ${l.filter}: ${l.same_answer}`).join("; ") || `${reports.length} reports`);
  const [{ n: reportEvents }] = await sql<{ n: number }[]>`select count(*)::int as n from audit_events where action = 'report.download'`;
  check("each report download is in the audit log", reportEvents >= reports.length, `${reportEvents} events for ${reports.length} figures`);
} catch (error) {
  check("bench-check ran to the end", false, error instanceof Error ? error.message : String(error));
} finally {
  await sql.end();
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}

const passed = checks.filter((c) => c.ok).length;
console.log(`bench-check: ${passed} passed, ${checks.length - passed} failed`);
process.exitCode = passed === checks.length ? 0 : 1;
