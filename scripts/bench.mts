// npm run bench — the programme's budgets, measured on the database `npm run seed:scale`
// filled (DATABASE_URL, with the same DATA_KEYS and DATA_HASH_KEY). Prints one JSON line
// per figure: p50/p95 of the data-layer function over repeated runs, the same question
// answered by the fastest plain SQL written for it (scripts/scale/plain-sql.ts) with the
// ratio of the two, the budget and whether it passes.
//
//   dashboard      getDashboard for each kind of filter           p95 < 300 ms
//                  getWeeklyRegistrations (the "over time" chart) for the same filters,
//                  and the two as the page makes them, one after the other   p95 < 300 ms
//                  getComparisons (calon/purna, sources, cohorts) for the same filters  p95 < 300 ms
//   search         listParticipantsForPmo: name, phone, NIK, filters  p95 < 100 ms
//   caseload       listCaseload for a caseworker with a typical caseload  p95 < 100 ms
//   export         exportParticipants of everyone, read to /dev/null   < 60 s, flat memory
//   import         a 100,000-row cohort file: upload, check, import     < 60 s
//   registration   registrations per second through the real page (/register's form
//                  posted without JavaScript to `next start`: needs `npm run build` and
//                  AUTH_SECRET), beside argon2 hashes per second on all cores (the
//                  machine's bound)                                      ≥ 80 % of it
//                  Also: registerSelf alone and with the ticket sign-in (the action
//                  without Next), the CPU each registration costs the server, PostgreSQL
//                  and the load generator, the cheapest server action's CPU and the rows'
//                  CPU in PostgreSQL, and the ceiling those allow.
//   js             gzipped JavaScript per page from scripts/js-budget.mts   ≤ 150,000 bytes
//                  (a participant's page; a staff page ≤ 170 KiB)
//   reminders      the daily reminder run for --reminders 10000 participants made due:
//                  queueDeadlineReminders as the daily job runs it, beside one plain
//                  INSERT … SELECT of the same messages and jobs (rolled back)   < 60 s;
//                  then the hand-off of every message to a fake WhatsApp Cloud API
//                  (lib/testing/fake-whatsapp.ts, 80 a second at most) by
//                  --reminder-workers 3 worker processes at WHATSAPP_MESSAGES_PER_SECOND
//                  70: the time from the run's end, and from its start, until all are
//                  sent, 429s, the rate achieved     from the start ≤ 1.1 × N / 70 s
//   reports        the month's report (monthlyReportFile, /pmo/reports' downloads) as xlsx
//                  and as PDF for the latest month with a target, for each kind of filter,
//                  beside the dashboard's plain SQL for that month (same_answer compares
//                  the report's figures with it)                          p95 < 5 s
//                  Each download is audited, as the PMO's would be: those events stay.
//   api-progress   (not in the default set: --only api-progress) the partner API's route
//                  handlers called with a Request and a key, as a partner's call runs:
//                  GET /api/v1/participants?limit=1000 (the first page, a page deep in the
//                  cursor, a delta by updated_since), beside the same page in plain SQL;
//                  GET /api/v1/progress beside the dashboard's plain SQL      p95 < 200 ms
//                  The bench's API client and its calls' audit events stay (revoked).
//   prakerja-status  a batch of --prakerja-events 10000 status events (a participant's next
//                  milestone for most, second steps, duplicates, unknown NIKs) through
//                  submitPrakerjaBatch (stored and queued) and the job's runPrakerjaBatch,
//                  beside plain SQL making the same updates (rolled back)      < 10 s
//                  Everything the batch wrote is taken out again afterwards.
//
// Options: --only dashboard,search,… (default all) --runs 30 --warmup 3 --plain-runs N (0: none)
// --import-rows 100000 --registrations 200 (each run) --registration-rounds 5
// --concurrency 4 --http-concurrency 8 --http-warmup 400 --no-http --reminders 10000
// --reminder-workers 3 --report-runs 5.
// What the import and registration add to the database is deleted again afterwards
// (needs a superuser: the service log, stage changes and audit log refuse deletes); the
// reminder run's card dates are put back and its messages, jobs and audit events deleted.
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { spawn } from "node:child_process";
import postgres from "postgres";
import { comparisonsSql, dashboardSql, weeklySql, type DashboardInput } from "./scale/plain-sql";
import { MemorySampler, mb, time, type Timing } from "./scale/stats";
import { writeCohortFile } from "./scale/cohort-file";
import { postgresCpuMs, processCpuMs } from "./scale/cpu";
import { removeGone } from "./scale/remove";
import { benchPerson, postRegistration, registrationFormFields } from "./scale/registration-http";
import { hasProductionBuild, startNextServer, type NextServer } from "./next-server";
import { servedHeaders } from "@/lib/testing/http";
import { startFakeWhatsApp } from "@/lib/testing/fake-whatsapp";
import { spawnWorker, started } from "@/lib/testing/worker-processes";
import { countDue, makeDue, plainReminders, restoreReminderRun } from "./scale/reminders";

const { values: args } = parseArgs({
  options: {
    only: { type: "string" },
    runs: { type: "string", default: "30" },
    warmup: { type: "string", default: "3" },
    "import-rows": { type: "string", default: "100000" },
    registrations: { type: "string", default: "200" },
    "http-concurrency": { type: "string", default: "8" },
    "http-warmup": { type: "string", default: "400" },
    "no-http": { type: "boolean", default: false },
    "registration-rounds": { type: "string", default: "5" },
    // Runs of the plain SQL (default: --runs); at 1M the dashboard's plain SQL takes 12-37 s a run.
    "plain-runs": { type: "string" },
    concurrency: { type: "string" },
    reminders: { type: "string", default: "10000" },
    "reminder-workers": { type: "string", default: "3" },
    "report-runs": { type: "string", default: "5" },
    "prakerja-events": { type: "string", default: "10000" },
  },
});
const RUNS = Number(args.runs);
const WARMUP = Number(args.warmup);
const PLAIN_RUNS = args["plain-runs"] === undefined ? RUNS : Number(args["plain-runs"]);
const only = new Set((args.only ?? "dashboard,search,caseload,export,import,registration,js,reminders,reports,prakerja-status").split(","));
const url = process.env.DATABASE_URL;
if (!url || !process.env.DATA_KEYS || !process.env.DATA_HASH_KEY) {
  console.error("npm run bench needs DATABASE_URL (a database filled by `npm run seed:scale`) and its DATA_KEYS and DATA_HASH_KEY.");
  process.exit(2);
}
const work = await mkdtemp(path.join(tmpdir(), "bench-"));

// The reminders' WhatsApp: a fake Cloud API at the real one's standard throughput (80
// messages a second per phone number), configured before any app module is imported,
// with the senders' default pace and no quiet hours (the bench may run at night in
// Indonesia). Without SMTP_URL an email is only recorded.
const WHATSAPP_API_RATE = 80;
const WHATSAPP_PACE = 70;
const fakeWhatsApp = only.has("reminders") ? await startFakeWhatsApp({ ratePerSecond: WHATSAPP_API_RATE }) : null;
if (fakeWhatsApp) {
  Object.assign(process.env, {
    WHATSAPP_TOKEN: "fake-whatsapp-token",
    WHATSAPP_PHONE_NUMBER_ID: fakeWhatsApp.phoneNumberId,
    WHATSAPP_API_BASE: fakeWhatsApp.base,
    WHATSAPP_QUIET_HOURS: "off",
    WHATSAPP_MESSAGES_PER_SECOND: String(WHATSAPP_PACE),
  });
  delete process.env.SMTP_URL;
}

const { db, closeDb } = await import("@/db");
const { getDashboard } = await import("@/lib/data/programme");
const { getWeeklyRegistrations } = await import("@/lib/data/trends");
const { getComparisons } = await import("@/lib/data/comparisons");
const { monthlyReportFile } = await import("@/lib/data/reports");
const { listParticipantsForPmo, exportParticipants, SEARCH_COUNT_CAP } = await import("@/lib/data/pmo-participants");
const { listCaseload } = await import("@/lib/data/caseload");
const { openNik } = await import("@/lib/crypto/identity");
const { todayInJakarta } = await import("@/lib/validation");
const { PMO_PAGE_SIZE } = await import("@/lib/validation/pmo-participants");
const { CASELOAD_PAGE_SIZE } = await import("@/lib/data/caseload");
void db;

const sql = postgres(url, { max: 4, onnotice: () => {} });
const [counts] = await sql<{ participants: number; logs: number }[]>`
  select (select count(*) from participants) as participants, (select count(*) from service_logs) as logs`;
const scale = { participants: Number(counts.participants), logs: Number(counts.logs) };
const [pmoRow] = await sql<{ id: string; name: string }[]>`select id, name from users where role = 'pmo' and disabled_at is null order by created_at limit 1`;
if (!pmoRow || scale.participants < 1) {
  console.error("No PMO account or no participants: fill the database with `npm run seed:scale` first.");
  process.exit(2);
}
const pmo = { id: pmoRow.id, role: "pmo" as const, name: pmoRow.name, locale: "id" as const };
const today = todayInJakarta();

class Rollback extends Error {}
const debug = (...a: unknown[]) => process.env.BENCH_DEBUG && console.error(new Date().toISOString(), ...a);
const out = (o: Record<string, unknown>) => console.log(JSON.stringify({ ...o, participants: scale.participants, logs: scale.logs }));
const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10) / 10 : null);

/** A figure: the data layer's timing, the plain SQL's, the ratio, the budget. */
async function figure<A, P>(
  name: string,
  detail: Record<string, unknown>,
  app: () => Promise<A>,
  plain: (() => Promise<P>) | null,
  budgetP95: number,
  compare?: (a: A, p: P) => Record<string, unknown>,
): Promise<Timing> {
  const a = await time(app, RUNS, WARMUP);
  // --plain-runs 0: the data layer only (a quick look; same_answer is then not checked).
  const p = plain && PLAIN_RUNS > 0 ? await time(plain, PLAIN_RUNS, Math.min(WARMUP, PLAIN_RUNS)) : null;
  out({
    figure: name,
    ...detail,
    ...(compare && p ? compare(a.first as A, p.first as P) : {}),
    runs: a.runs,
    p50_ms: a.p50_ms,
    p95_ms: a.p95_ms,
    max_ms: a.max_ms,
    sql_p50_ms: p?.p50_ms ?? null,
    sql_p95_ms: p?.p95_ms ?? null,
    ratio_p95: p ? ratio(a.p95_ms, p.p95_ms) : null,
    budget_p95_ms: budgetP95,
    pass: a.p95_ms < budgetP95,
  });
  return a;
}

// ---------------------------------------------------------------------------------------------
// Dashboard: the page's call (getDashboard resolves the filter, the default period included).
// ---------------------------------------------------------------------------------------------
if (only.has("dashboard")) {
  const [span] = await sql<{ first: string; last: string }[]>`select min(month) as first, max(month) as last from targets`;
  const [province] = await sql<{ code: string }[]>`select province_code as code from participants group by 1 order by count(*) desc limit 1`;
  const [cohort] = await sql<{ cohort: string }[]>`select cohort from imports where rows_imported > 0 order by created_at desc limit 1`;
  const filters: [string, DashboardInput][] = [
    ["default period (6 months)", {}],
    ["whole programme", { from: span?.first, to: span?.last }],
    ["one month", { from: span?.last, to: span?.last }],
    ["province", { provinceCode: province?.code }],
    ["migrant status", { migrantStatus: "mantan" }],
    ["source", { source: "assisted" }],
    ...(cohort ? ([["cohort", { cohort: cohort.cohort }]] as [string, DashboardInput][]) : []),
  ];
  for (const [kind, input] of filters) {
    await figure(
      "dashboard",
      { filter: kind },
      () => getDashboard(pmo, input),
      () => dashboardSql(sql, input, today),
      300,
      (a, p) => ({ same_answer: sameDashboard(a, p) }),
    );
    await figure(
      "dashboard weekly",
      { filter: kind },
      () => getWeeklyRegistrations(pmo, input),
      () => weeklySql(sql, input, today),
      300,
      (a, p) => ({ same_answer: sameWeeks(a, p) }),
    );
    await figure(
      "dashboard comparisons",
      { filter: kind },
      () => getComparisons(pmo, input),
      () => comparisonsSql(sql, input, today),
      300,
      (a, p) => ({ same_answer: sameComparisons(a, p) }),
    );
    // The page reads the weeks for the period getDashboard resolved (app/pmo/trend-section.tsx).
    await figure(
      "dashboard page (with weekly)",
      { filter: kind },
      async () => getWeeklyRegistrations(pmo, (await getDashboard(pmo, input)).filter),
      null,
      300,
    );
  }

  // A regional coordinator's dashboard (issue 19): the same figures for the provinces of
  // their region only, beside plain SQL restricted to those provinces.
  const coordinator = await benchCoordinator();
  const scoped: [string, DashboardInput][] = [
    ["default period (6 months)", {}],
    ["whole programme", { from: span?.first, to: span?.last }],
    ["province", { provinceCode: coordinator.provinces[0] }],
    ["migrant status", { migrantStatus: "mantan" }],
    ["source", { source: "assisted" }],
    ...(cohort ? ([["cohort", { cohort: cohort.cohort }]] as [string, DashboardInput][]) : []),
  ];
  const region = { region: coordinator.provinces.join("+") };
  for (const [kind, input] of scoped) {
    const plainInput = { ...input, provinces: coordinator.provinces };
    await figure(
      "coordinator dashboard",
      { filter: kind, ...region },
      () => getDashboard(coordinator.user, input),
      () => dashboardSql(sql, plainInput, today),
      300,
      (a, p) => ({ same_answer: sameDashboard(a, p) }),
    );
    await figure(
      "coordinator dashboard weekly",
      { filter: kind, ...region },
      () => getWeeklyRegistrations(coordinator.user, input),
      () => weeklySql(sql, plainInput, today),
      300,
      (a, p) => ({ same_answer: sameWeeks(a, p) }),
    );
    await figure(
      "coordinator dashboard comparisons",
      { filter: kind, ...region },
      () => getComparisons(coordinator.user, input),
      () => comparisonsSql(sql, plainInput, today),
      300,
      (a, p) => ({ same_answer: sameComparisons(a, p) }),
    );
  }
}

/**
 * A coordinator of a two-province region (the second and third largest provinces), made
 * once in the bench database (seed:scale makes no regions): committed, as the data layer
 * reads the coordinator's regions on its own connection.
 */
async function benchCoordinator() {
  const provinces = (
    await sql<{ code: string }[]>`select province_code as code from participants group by 1 order by count(*) desc offset 1 limit 2`
  )
    .map((r) => r.code)
    .sort();
  const user = await sql.begin(async (tx) => {
    const [region] = await tx<{ id: string }[]>`
      insert into regions (name) values ('Wilayah bench') on conflict (lower(name)) do update set updated_at = now() returning id`;
    await tx`delete from region_provinces where region_id = ${region.id}`;
    for (const code of provinces) {
      await tx`insert into region_provinces (province_code, region_id) values (${code}, ${region.id})
               on conflict (province_code) do update set region_id = excluded.region_id`;
    }
    const [account] = await tx<{ id: string; name: string }[]>`
      insert into users (role, name, email) values ('coordinator', 'Koordinator Bench', 'bench-koordinator@pendamping.test')
      on conflict (email) do update set disabled_at = null returning id, name`;
    await tx`insert into coordinator_regions (user_id, region_id) values (${account.id}, ${region.id}) on conflict do nothing`;
    return account;
  });
  return { provinces, user: { id: user.id, role: "coordinator" as const, name: user.name, locale: "id" as const } };
}

type Weeks = { filter: { from: string; to: string }; weeks: { week: string; calon: number; mantan: number }[] };
function sameWeeks(a: Weeks, b: Weeks): boolean | string {
  const shape = (w: Weeks) => JSON.stringify([w.filter.from, w.filter.to, w.weeks.map((x) => [x.week, x.calon, x.mantan])]);
  return shape(a) === shape(b) ? true : "differs";
}

type ComparedGroup = {
  registered: number;
  reached: Record<string, number | { count: number }>;
  medianDays: Record<string, number | null>;
  services: number;
  blocked: number;
  topBlockers: { code: string; count: number }[];
};
type Compared = {
  filter: { from: string; to: string };
  status: ComparedGroup[];
  source: ComparedGroup[];
  cohorts: { cohort: string; members: ComparedGroup; others: ComparedGroup }[];
};
function sameComparisons(a: Compared, b: Compared): boolean | string {
  const group = (g: ComparedGroup) => [
    g.registered,
    ...["training", "lms", "completed"].map((s) => {
      const r = g.reached[s];
      return typeof r === "number" ? r : r.count;
    }),
    ...["registration", "training", "lms", "completed"].map((s) => g.medianDays[s]?.toFixed(6) ?? null),
    g.services,
    g.blocked,
    g.topBlockers.map((x) => [x.code, x.count]),
  ];
  const differences: string[] = [];
  const same = (what: string, x: unknown, y: unknown) => {
    if (JSON.stringify(x) !== JSON.stringify(y)) differences.push(what);
  };
  same("period", a.filter.from + a.filter.to, b.filter.from + b.filter.to);
  same("status", a.status.map(group), b.status.map(group));
  same("source", a.source.map(group), b.source.map(group));
  same("cohorts", a.cohorts.map((c) => [c.cohort, group(c.members), group(c.others)]), b.cohorts.map((c) => [c.cohort, group(c.members), group(c.others)]));
  return differences.length === 0 ? true : `differs: ${differences.join(", ")}`;
}

type Comparable = {
  headline: Record<string, number>;
  perMonth: { month: string; services: number; target: number | null }[];
  funnel: { stage: string; reached: number; current: number; medianDays: number | null }[];
  withdrawn: number;
  blockers: { code: string; count: number }[];
  byProvince: { code: string; n: number }[];
  byCountry: { code: string; n: number }[];
  caseworkers: {
    id: string;
    caseload: number;
    services: number;
    servicesInPeriod: number;
    moves: number;
    medianDays: number | null;
    overdue: number;
    openHelp: number;
  }[];
};
function sameDashboard(a: Comparable, b: Comparable): boolean | string {
  const differences: string[] = [];
  const same = (what: string, x: unknown, y: unknown) => {
    if (JSON.stringify(x) !== JSON.stringify(y)) differences.push(what);
  };
  same("headline", a.headline, b.headline);
  same("perMonth", a.perMonth, b.perMonth);
  same("funnel", a.funnel.map((f) => [f.reached, f.current, f.medianDays?.toFixed(6)]), b.funnel.map((f) => [f.reached, f.current, f.medianDays?.toFixed(6)]));
  same("withdrawn", a.withdrawn, b.withdrawn);
  same("blockers", a.blockers.map((x) => [x.code, x.count]), b.blockers.map((x) => [x.code, x.count]));
  same("byProvince", a.byProvince, b.byProvince);
  same("byCountry", a.byCountry, b.byCountry);
  const cw = (list: Comparable["caseworkers"]) =>
    list
      .map((c) => [c.id, c.caseload, c.services, c.servicesInPeriod, c.moves, c.medianDays?.toFixed(6) ?? null, c.overdue, c.openHelp])
      .sort();
  same("caseworkers", cw(a.caseworkers), cw(b.caseworkers));
  return differences.length === 0 ? true : `differs: ${differences.join(", ")}`;
}

// ---------------------------------------------------------------------------------------------
// The month's report: the whole file (figures read, workbook or PDF built, download audited),
// for the latest month with a target, beside the dashboard's plain SQL for the same month.
// ---------------------------------------------------------------------------------------------
if (only.has("reports")) {
  const reportRuns = Number(args["report-runs"]);
  const [span] = await sql<{ last: string | null }[]>`select max(month) as last from targets`;
  const month = span?.last ?? today.slice(0, 7);
  const [province] = await sql<{ code: string }[]>`select province_code as code from participants group by 1 order by count(*) desc limit 1`;
  const [cohort] = await sql<{ cohort: string }[]>`select cohort from imports where rows_imported > 0 order by created_at desc limit 1`;
  const filters: [string, Omit<DashboardInput, "from" | "to">][] = [
    ["whole programme", {}],
    ["province", { provinceCode: province?.code }],
    ["migrant status", { migrantStatus: "mantan" }],
    ["source", { source: "assisted" }],
    ...(cohort ? ([["cohort", { cohort: cohort.cohort }]] as [string, Omit<DashboardInput, "from" | "to">][]) : []),
  ];
  for (const [kind, input] of filters) {
    const p = await time(() => dashboardSql(sql, { from: month, to: month, ...input }, today), Math.min(reportRuns, PLAIN_RUNS), 0);
    for (const format of ["xlsx", "pdf"] as const) {
      const a = await time(() => monthlyReportFile(pmo, { month, ...input }, format), reportRuns, 1);
      const file = a.first as Awaited<ReturnType<typeof monthlyReportFile>>;
      out({
        figure: "reports",
        format,
        month,
        filter: kind,
        bytes: file.body.byteLength,
        same_answer: sameReport(file.report, p.first as Comparable),
        runs: a.runs,
        p50_ms: a.p50_ms,
        p95_ms: a.p95_ms,
        max_ms: a.max_ms,
        sql_p50_ms: p.p50_ms,
        sql_p95_ms: p.p95_ms,
        ratio_p95: ratio(a.p95_ms, p.p95_ms),
        budget_p95_ms: 5000,
        pass: a.p95_ms < 5000,
      });
    }
  }
}

/** The report's figures against the dashboard's plain SQL for its month. */
function sameReport(r: Awaited<ReturnType<typeof monthlyReportFile>>["report"], b: Comparable): boolean | string {
  const differences: string[] = [];
  const same = (what: string, x: unknown, y: unknown) => {
    if (JSON.stringify(x) !== JSON.stringify(y)) differences.push(what);
  };
  const s = r.summary;
  same("headline", [s.registered, s.calon, s.mantan, s.servicesDelivered], [b.headline.registered, b.headline.calon, b.headline.mantan, b.headline.servicesDelivered]);
  same("target", s.target, b.perMonth[0]?.target ?? null);
  same("funnel", r.funnel.map((f) => [f.reached, f.current, f.medianDays?.toFixed(6)]), b.funnel.map((f) => [f.reached, f.current, f.medianDays?.toFixed(6)]));
  same("withdrawn", s.withdrawn, b.withdrawn);
  same("blockers", r.blockers.map((x) => [x.code, x.count]), b.blockers.map((x) => [x.code, x.count]));
  same("provinces", r.provinces.slice(0, 10).map((x) => ({ code: x.code, n: x.registered })), b.byProvince);
  same("countries", r.countries.slice(0, 10), b.byCountry);
  const cw = (list: [number, number, number][]) => list.map((c) => c.join(":")).sort();
  same("caseworkers", cw(r.caseworkers.map((c) => [c.caseload, c.services, c.overdue])), cw(b.caseworkers.map((c) => [c.caseload, c.services, c.overdue])));
  return differences.length === 0 ? true : `differs: ${differences.join(", ")}`;
}

// ---------------------------------------------------------------------------------------------
// PMO participant search: name, phone, whole NIK, filters; one page of 50 and the total.
// ---------------------------------------------------------------------------------------------
if (only.has("search")) {
  // A participant picked at random: their name, phone and (opened) NIK are searched for.
  type Someone = { full_name: string; phone: string; nik_enc: string; province_code: string; caseworker_id: string };
  // A 1 % page sample is cheap at a million rows but can be empty on a small database.
  const [someone] = [
    ...(await sql<Someone[]>`
      select p.full_name, u.phone, p.nik_enc, p.province_code, p.caseworker_id
      from participants p tablesample system (1) join users u on u.id = p.user_id
      where p.caseworker_id is not null limit 1`),
    ...(await sql<Someone[]>`
      select p.full_name, u.phone, p.nik_enc, p.province_code, p.caseworker_id
      from participants p join users u on u.id = p.user_id
      where p.caseworker_id is not null limit 1`),
  ];
  const nik = openNik({ nikEnc: someone.nik_enc })!;
  const national = `0${someone.phone.slice(3)}`; // +62812… typed as 0812…
  const select = sql`select p.id, p.full_name, p.nik_last4, u.phone, p.stage, p.province_code, p.country_code, cw.name as caseworker_name, p.created_at
    from participants p left join users u on u.id = p.user_id left join users cw on cw.id = p.caseworker_id`;
  // A search by part of a name or phone is counted up to SEARCH_COUNT_CAP (+1, to know
  // there are more), as the app does; the plain SQL asks the same question.
  const page = (where: ReturnType<typeof sql>, offset = 0, capped = false) =>
    Promise.all([
      capped
        ? sql`select count(*)::int as n from (select 1 from participants p left join users u on u.id = p.user_id where ${where} limit ${SEARCH_COUNT_CAP + 1}) x`
        : sql`select count(*)::int as n from participants p left join users u on u.id = p.user_id where ${where}`,
      sql`${select} where ${where} order by p.created_at desc, p.id desc limit ${PMO_PAGE_SIZE} offset ${offset}`,
    ]);
  const escaped = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
  const searches: [string, Record<string, unknown>, () => Promise<unknown>][] = [
    ["everyone, first page", {}, () => page(sql`true`)],
    ["everyone, page 20", { page: 20 }, () => page(sql`true`, 19 * PMO_PAGE_SIZE)],
    ["name (whole)", { q: someone.full_name }, () => page(sql`p.full_name ilike ${`%${escaped(someone.full_name)}%`}`, 0, true)],
    ["name (part)", { q: someone.full_name.slice(0, 4) }, () =>
      page(sql`p.full_name ilike ${`%${escaped(someone.full_name.slice(0, 4))}%`}`, 0, true)],
    ["phone (whole, 08…)", { q: national }, () => page(sql`u.phone ilike ${`%${national.slice(1)}%`}`, 0, true)],
    ["NIK (whole)", { q: nik }, async () => {
      const { identityHash } = await import("@/lib/crypto/identity");
      return page(sql`p.nik_hash = ${identityHash(nik)}`);
    }],
    ["stage + province", { stage: "training", provinceCode: someone.province_code }, () =>
      page(sql`p.stage = 'training' and p.province_code = ${someone.province_code}`)],
    ["caseworker", { caseworker: someone.caseworker_id }, () => page(sql`p.caseworker_id = ${someone.caseworker_id}`)],
    ["waiting for a caseworker", { caseworker: "none" }, () => page(sql`p.caseworker_id is null`)],
    ["name + stage", { q: someone.full_name, stage: "lms" }, () =>
      page(sql`p.full_name ilike ${`%${escaped(someone.full_name)}%`} and p.stage = 'lms'`, 0, true)],
  ];
  for (const [kind, filter, plain] of searches) {
    await figure("search", { search: kind }, () => listParticipantsForPmo(pmo, filter), plain, 100, (a) => ({
      total: a.total,
      total_is_at_least: a.totalIsAtLeast,
    }));
  }
}

// ---------------------------------------------------------------------------------------------
// Caseload: a caseworker with the median caseload.
// ---------------------------------------------------------------------------------------------
if (only.has("caseload")) {
  const [cw] = await sql<{ id: string; name: string; n: number }[]>`
    select u.id, u.name, count(*)::int as n from users u join participants p on p.caseworker_id = u.id
    where u.role = 'caseworker' group by u.id order by count(*), u.id offset (select count(*) / 2 from users where role = 'caseworker') limit 1`;
  const viewer = { id: cw.id, role: "caseworker" as const, name: cw.name, locale: "id" as const };
  const [mine] = await sql<{ full_name: string; nik_last4: string; phone: string }[]>`
    select p.full_name, p.nik_last4, u.phone from participants p join users u on u.id = p.user_id where p.caseworker_id = ${cw.id} limit 1`;
  // The caseload in one statement: the caseworker's participants read once.
  const plain = (where: ReturnType<typeof sql>, offset = 0) => sql`
    with mine as materialized (
      select p.id, p.full_name, p.nik_last4, p.stage, p.province_code, p.last_contact_on, p.next_follow_up_on,
             p.card_received_on, p.training_bought_on, p.user_id
      from participants p where p.caseworker_id = ${cw.id}
    ),
    open as (select h.participant_id, count(*)::int as n from help_requests h join mine m on m.id = h.participant_id
             where h.status = 'open' group by 1),
    hits as (select m.*, u.phone, coalesce(o.n, 0) as open_requests,
                    (m.next_follow_up_on <= ${today}::date and m.stage not in ('completed', 'withdrawn')) as due
             from mine m left join users u on u.id = m.user_id left join open o on o.participant_id = m.id where ${where})
    select
      (select count(*)::int from hits) as total,
      (select json_agg(x) from (select stage, count(*)::int as n from mine group by 1) x) as by_stage,
      (select count(*) filter (where next_follow_up_on = ${today}::date)::int from mine where stage not in ('completed', 'withdrawn')) as due_today,
      (select count(*) filter (where next_follow_up_on < ${today}::date)::int from mine where stage not in ('completed', 'withdrawn')) as overdue,
      (select count(*)::int from open) as with_open,
      (select json_agg(x) from (
         select id, full_name, nik_last4, phone, stage, province_code, last_contact_on, next_follow_up_on, open_requests
         from hits
         order by case when open_requests > 0 then 0 else 1 end, case when due then 0 else 1 end,
                  case when due then next_follow_up_on end asc, last_contact_on asc nulls first, full_name, id
         limit ${CASELOAD_PAGE_SIZE} offset ${offset}) x) as rows`;
  const shapes: [string, Record<string, unknown>, () => Promise<unknown>][] = [
    ["first page", {}, () => plain(sql`true`)],
    ["page 10", { page: 10 }, () => plain(sql`true`, 9 * CASELOAD_PAGE_SIZE)],
    ["stage filter", { stage: "training" }, () => plain(sql`m.stage = 'training'`)],
    ["search by name", { q: mine.full_name.split(" ")[0] }, () => plain(sql`m.full_name ilike ${`%${mine.full_name.split(" ")[0]}%`}`)],
    ["search by NIK last 4", { q: mine.nik_last4 }, () =>
      plain(sql`(u.phone like ${`%${mine.nik_last4}%`} or m.nik_last4 = ${mine.nik_last4})`)],
    ["search by phone", { q: `0${mine.phone.slice(3)}` }, () => plain(sql`u.phone like ${`%${mine.phone.slice(3)}%`}`)],
  ];
  for (const [kind, query, plainFn] of shapes) {
    await figure("caseload", { query: kind, caseload: cw.n }, () => listCaseload(viewer, query), plainFn, 100);
  }
}

// ---------------------------------------------------------------------------------------------
// Export: everyone, read to /dev/null as the route handler's response would be; the time,
// and the peak memory beside a tenth of the rows (memory must not grow with the rows).
// ---------------------------------------------------------------------------------------------
if (only.has("export")) {
  const devNull = () => createWriteStream("/dev/null");
  const exportOnce = async (filter: Record<string, unknown>, purpose: string | null) => {
    const memory = new MemorySampler().start();
    const base = process.memoryUsage();
    const t0 = performance.now();
    const result = await exportParticipants(pmo, { q: "", page: 1, ...filter }, { purpose });
    let bytes = 0;
    const body = Readable.fromWeb(result.stream as import("node:stream/web").ReadableStream<Uint8Array>);
    body.on("data", (chunk: Buffer) => (bytes += chunk.length));
    await pipeline(body, devNull());
    const ms = performance.now() - t0;
    memory.stop();
    return { rows: result.rowCount, ms, bytes, rssGrowth: memory.peakRss - base.rss, heapGrowth: memory.peakHeap - base.heapUsed, peakRss: memory.peakRss, peakHeap: memory.peakHeap };
  };
  // A tenth of the rows first (one province, or so), for the memory comparison.
  const [tenth] = await sql<{ code: string }[]>`
    select province_code as code from participants group by 1 order by abs(count(*) - ${Math.round(scale.participants / 10)}) limit 1`;
  for (const purpose of [null, "Benchmark: ekspor lengkap untuk uji kinerja"]) {
    debug("export tenth", purpose);
    const small = await exportOnce({ provinceCode: tenth.code }, purpose);
    debug("export all", purpose);
    const all = await exportOnce({}, purpose);
    debug("copy");
    const t0 = performance.now();
    // The plain SQL: the same rows as CSV straight from PostgreSQL (no NIK to open).
    // Its own connection: a second COPY TO STDOUT on a shared postgres.js client never ended here.
    const copier = postgres(url!, { max: 1, onnotice: () => {} });
    const copy = await copier`
      copy (select p.id, p.full_name, p.nik_last4, p.sex, p.birth_date, u.phone, u.email, p.province_code, p.regency_code,
                   p.migrant_status, p.country_code, p.sector, p.stage, p.source, cw.name, p.created_at, p.last_contact_on, p.next_follow_up_on
            from participants p left join users u on u.id = p.user_id left join users cw on cw.id = p.caseworker_id order by p.id)
      to stdout with (format csv, header)`.readable();
    await pipeline(copy, devNull());
    const sqlMs = performance.now() - t0;
    await copier.end();
    // Flat: the peak heap of the whole export within 32 MB of the tenth's.
    const flat = all.heapGrowth - small.heapGrowth < 32 * 1024 * 1024;
    out({
      figure: "export",
      nik: purpose ? "whole (with a purpose)" : "masked",
      rows: all.rows,
      seconds: Math.round(all.ms / 100) / 10,
      rows_per_second: Math.round(all.rows / (all.ms / 1000)),
      csv_mb: mb(all.bytes),
      peak_rss_mb: mb(all.peakRss),
      peak_heap_mb: mb(all.peakHeap),
      heap_growth_mb: mb(all.heapGrowth),
      tenth_rows: small.rows,
      tenth_heap_growth_mb: mb(small.heapGrowth),
      tenth_rss_growth_mb: mb(small.rssGrowth),
      rss_growth_mb: mb(all.rssGrowth),
      sql_seconds: Math.round(sqlMs / 100) / 10,
      ratio: ratio(all.ms, sqlMs),
      budget_seconds: 60,
      pass: all.ms < 60_000 && flat,
      memory_flat: flat,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Import: a generated cohort file into this database, through the page's functions.
// ---------------------------------------------------------------------------------------------
if (only.has("import")) {
  const rows = Number(args["import-rows"]);
  const { uploadImport, confirmImport, getImportProgress } = await import("@/lib/data/imports");
  const { startWorker } = await import("@/lib/jobs/worker");
  const { QUEUES } = await import("@/lib/jobs/queues");
  const file = path.join(work, "kohort.csv");
  await writeCohortFile(file, rows, { phonePrefix: "0819" });
  const bytes = (await stat(file)).size;
  const [{ max: auditBefore }] = await sql<{ max: string | null }[]>`select max(id)::text as max from audit_events`;
  const cws = await sql<{ id: string }[]>`select id from users where role = 'caseworker' and disabled_at is null order by id limit 2`;
  // Through the job queue, as in a deployment: the upload queues the check, the
  // confirmation the import, and a worker (here, in this process) runs them.
  const worker = await startWorker({ queues: [QUEUES.importCheck, QUEUES.importRun, QUEUES.importFailed], pollSeconds: 0.5, log: () => {} });
  const until = async (id: string, state: string) => {
    for (;;) {
      const p = await getImportProgress(pmo, id);
      if (p.state === state) return p;
      if (p.state === "failed") throw new Error(`import failed: ${p.error}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const memory = new MemorySampler().start(50);
  const steps: Record<string, number> = {};
  let t0 = performance.now();
  const uploaded = await uploadImport(pmo, { cohort: "Bench import", fileName: "kohort.csv", body: createReadStream(file) });
  if (!uploaded.ok) throw new Error(`upload refused: ${JSON.stringify(uploaded)}`);
  steps.upload_ms = performance.now() - t0;
  t0 = performance.now();
  await until(uploaded.importId, "checked");
  steps.check_ms = performance.now() - t0;
  t0 = performance.now();
  const confirmed = await confirmImport(pmo, { importId: uploaded.importId, caseworkerIds: cws.map((c) => c.id) });
  if (!confirmed.ok) throw new Error(`confirm refused: ${JSON.stringify(confirmed)}`);
  const done = await until(uploaded.importId, "imported");
  steps.import_ms = performance.now() - t0;
  memory.stop();
  await worker.stop();
  const result = { imported: done.totals.imported };
  const totalMs = steps.upload_ms + steps.check_ms + steps.import_ms;

  // The plain SQL: the same rows (sealed the same way) COPY'd into a staging table,
  // checked for duplicates and inserted in one statement, then rolled back.
  const plainMs = await plainImport(file);
  out({
    figure: "import",
    rows,
    file_mb: mb(bytes),
    imported: result.imported,
    upload_s: Math.round(steps.upload_ms / 100) / 10,
    check_s: Math.round(steps.check_ms / 100) / 10,
    import_s: Math.round(steps.import_ms / 100) / 10,
    seconds: Math.round(totalMs / 100) / 10,
    rows_per_second: Math.round(rows / (totalMs / 1000)),
    peak_rss_mb: mb(memory.peakRss),
    peak_heap_mb: mb(memory.peakHeap),
    sql_seconds: Math.round(plainMs / 100) / 10,
    ratio: ratio(totalMs, plainMs),
    budget_seconds: 60,
    pass: totalMs < 60_000,
  });
  await removeImport(uploaded.importId, auditBefore);
}

async function plainImport(file: string): Promise<number> {
  const { sealNik, identityHash } = await import("@/lib/crypto/identity");
  const { parse } = await import("csv-parse");
  const t0 = performance.now();
  await sql.begin(async (tx) => {
    await tx`create temp table staging (line int, nik_enc text, nik_hash text, nik_last4 text, full_name text, birth_date date,
             sex text, phone text, province_code text, country_code text, arrival date) on commit drop`;
    const target = await tx`copy staging from stdin`.writable();
    const lines = createReadStream(file).pipe(parse({ from_line: 2, relax_column_count: true }));
    let n = 0;
    async function* rowsOf() {
      let chunk = "";
      for await (const r of lines as AsyncIterable<string[]>) {
        n++;
        const [nik, name, birth, sex, phone, province, country, arrival] = r;
        if (!/^0\d{9,12}$/.test(phone)) continue;
        const sealed = sealNik(nik);
        chunk += [n, sealed.nikEnc, identityHash(nik), sealed.nikLast4, name, birth, sex, `+62${phone.slice(1)}`, province, country.length === 2 ? country : "MY", arrival].join("\t") + "\n";
        if (chunk.length > 256_000) {
          yield chunk;
          chunk = "";
        }
      }
      if (chunk) yield chunk;
    }
    await pipeline(rowsOf, target);
    await tx`
      with ready as (
        select distinct on (s.nik_hash) s.*, gen_random_uuid() as user_id, gen_random_uuid() as participant_id
        from staging s
        where not exists (select 1 from participants p where p.nik_hash = s.nik_hash)
          and not exists (select 1 from users u where u.phone = s.phone)
        order by s.nik_hash, s.line
      ),
      new_users as (insert into users (id, role, name, phone) select user_id, 'participant', full_name, phone from ready),
      new_participants as (
        insert into participants (id, user_id, full_name, nik_enc, nik_hash, nik_last4, birth_date, sex, province_code, migrant_status,
                                  country_code, return_date, arrival_date, quarantine_location, cohort, source)
        select participant_id, user_id, full_name, nik_enc, nik_hash, nik_last4, birth_date, sex, province_code, 'mantan', country_code,
               arrival, arrival, 'Wisma Atlet Kemayoran', 'Bench plain', 'import' from ready
      )
      insert into stage_changes (participant_id, from_stage, to_stage) select participant_id, null, 'registration' from ready`;
    throw new Rollback();
  }).catch((error) => {
    if (!(error instanceof Rollback)) throw error;
  });
  return performance.now() - t0;
}

/** Deletes what one import added. */
async function removeImport(importId: string, auditBefore: string | null): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`create temp table gone on commit drop as
             select r.participant_id as id, p.user_id from import_rows r join participants p on p.id = r.participant_id where r.import_id = ${importId}`;
    await removeGone(tx, auditBefore, async () => {
      await tx`delete from import_rows where import_id = ${importId}`;
      await tx`delete from imports where id = ${importId}`;
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Registration throughput and the machine's hashing bound.
// ---------------------------------------------------------------------------------------------
if (only.has("registration")) {
  const { hashPassword } = await import("@/lib/auth/password");
  const { registerSelf, registrationRow } = await import("@/lib/data/participants");
  const { credentialsSignIn } = await import("@/lib/auth/credentials");
  const { selfRegistrationSchema } = await import("@/lib/validation/registration");
  const { normalizePhone } = await import("@/lib/validation");
  const cores = availableParallelism();
  const concurrency = Number(args.concurrency ?? cores * 2);
  const httpConcurrency = Number(args["http-concurrency"]);
  const count = Number(args.registrations);
  const [{ max: auditBefore }] = await sql<{ max: string | null }[]>`select max(id)::text as max from audit_events`;

  // Every bench person has a phone of their own: the clean-up finds them by it, whichever
  // way they registered.
  let serial = Date.now() % 1_000_000;
  const phones: string[] = [];
  const person = () => {
    const p = benchPerson(serial++, 90_000_000);
    const phone = normalizePhone(p.phone);
    if (phone.ok) phones.push(phone.e164);
    return p;
  };

  // The app through its production server, when there is a build: the real page's form.
  let server: NextServer | null = null;
  let httpSkipped: string | null = null;
  if (args["no-http"]) httpSkipped = "--no-http";
  else if (!hasProductionBuild()) httpSkipped = "no production build in .next/: run `npm run build` first";
  else if (!process.env.AUTH_SECRET) httpSkipped = "AUTH_SECRET is not set";
  else server = await startNextServer();

  type Cpu = { bench: number; server: number; postgres: number };
  const cpuNow = (): Cpu => {
    const c = process.cpuUsage();
    return { bench: (c.user + c.system) / 1000, server: server ? processCpuMs(server.process.pid!) : 0, postgres: postgresCpuMs() };
  };
  /** Items per second with `width` at a time, and the CPU each item cost by process. */
  async function throughput(total: number, width: number, one: () => Promise<void>): Promise<{ perSecond: number; cpu: Cpu }> {
    let next = 0;
    const c0 = cpuNow();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: width }, async () => {
        while (next < total) {
          next++;
          await one();
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const c1 = cpuNow();
    const per = (k: keyof Cpu) => (c1[k] - c0[k]) / total;
    return { perSecond: total / seconds, cpu: { bench: per("bench"), server: per("server"), postgres: per("postgres") } };
  }

  const hashOnce = async () => {
    await hashPassword("bench-password-2021");
  };
  const parsedPerson = () => {
    const parsed = selfRegistrationSchema().safeParse(person());
    if (!parsed.success) throw new Error(`bench registration invalid: ${JSON.stringify(parsed.error.issues)}`);
    return parsed.data;
  };
  const registerOnce = async () => {
    const result = await registerSelf(parsedPerson());
    if (!result.ok) throw new Error(`registration refused: ${JSON.stringify(result.fieldErrors)}`);
  };
  // What the page's action does inside Next, without Next: register, then the body of
  // Auth.js's authorize with the registration's sign-in ticket.
  const registerAndSignInOnce = async () => {
    const data = parsedPerson();
    const result = await registerSelf(data);
    if (!result.ok || !result.signInTicket) throw new Error(`registration refused: ${JSON.stringify(result)}`);
    const signedIn = await credentialsSignIn({ identifier: data.phone, ticket: result.signInTicket }, servedHeaders("192.0.2.1"));
    if (signedIn?.status !== "ok") throw new Error(`sign-in after registration: ${signedIn?.status}`);
  };
  let hidden: Record<string, string> = {};
  const postOnce = async () => {
    const answer = await postRegistration(server!.baseURL, hidden, person());
    if (!answer.ok) throw new Error(`registration through /register: ${answer.problem}`);
  };

  /**
   * PostgreSQL's share that no client can save: the rows of `n` registrations (the checks,
   * the user, the participant, the first stage, the audit event, their indexes and the
   * counter triggers) written by one statement in a transaction that is rolled back. CPU
   * of PostgreSQL per registration, in ms.
   */
  async function postgresRowsFloor(n: number): Promise<number> {
    const passwordHash = await hashPassword("bench-password-2021");
    const rows = Array.from({ length: n }, () => registrationRow({ data: parsedPerson(), source: "self", passwordHash, actor: null }));
    const p0 = postgresCpuMs();
    try {
      await sql.begin(async (tx) => {
        const [{ created }] = await tx<{ created: number }[]>`
          select count(*) filter (where register_participant(r) ->> 'outcome' = 'created')::int as created
          from jsonb_array_elements(${tx.json(rows as postgres.JSONValue)}) r`;
        if (created !== n) throw new Error(`rows floor: ${created} of ${n} created`);
        throw new Rollback();
      });
    } catch (error) {
      if (!(error instanceof Rollback)) throw error;
    }
    return (postgresCpuMs() - p0) / n;
  }

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  type Round = { hashes: number; hashCpu: number; register: number; registerAndSignIn: number; http: number | null; httpCpu: Cpu | null };
  const rounds = Math.max(1, Number(args["registration-rounds"]));
  const perRound: Round[] = [];
  let emptyAction: Cpu | null = null;
  let rowsFloor = 0;
  try {
    await throughput(Math.min(count, 20), concurrency, hashOnce); // warm-up: the first hashes allocate the memory
    if (server) {
      hidden = await registrationFormFields(server.baseURL);
      // A server that has just started runs cold code: V8 compiles the hot paths over the
      // first few hundred requests, as a server in service has long done.
      await throughput(Number(args["http-warmup"]), httpConcurrency, postOnce);
      // The floor: the cheapest server action of the app (the language switch: a cookie and
      // a redirect) posted to the same page, after its own warm-up.
      const locale = localeSwitchPost(server.baseURL, await (await fetch(`${server.baseURL}/register`)).text());
      await throughput(1000, httpConcurrency, locale);
      emptyAction = (await throughput(2000, httpConcurrency, locale)).cpu;
    }
    // The figures are measured in turn, round after round, and each is the median of its
    // rounds: the machine's pace drifts by a third from one minute to the next.
    for (let r = 0; r < rounds; r++) {
      const hashes = await throughput(count, concurrency, hashOnce);
      const register = await throughput(count, concurrency, registerOnce);
      const registerAndSignIn = await throughput(count, concurrency, registerAndSignInOnce);
      const http = server ? await throughput(count, httpConcurrency, postOnce) : null;
      perRound.push({
        hashes: hashes.perSecond,
        hashCpu: hashes.cpu.bench,
        register: register.perSecond,
        registerAndSignIn: registerAndSignIn.perSecond,
        http: http?.perSecond ?? null,
        httpCpu: http?.cpu ?? null,
      });
    }
    await postgresRowsFloor(100); // warm-up
    rowsFloor = median([await postgresRowsFloor(500), await postgresRowsFloor(500), await postgresRowsFloor(500)]);
  } finally {
    await server?.stop();
    await sql.begin(async (tx) => {
      await tx`create temp table gone on commit drop as
               select p.id, p.user_id from participants p join users u on u.id = p.user_id where u.phone = any(${phones})`;
      await removeGone(tx, auditBefore);
      await tx`delete from auth_throttle where key like 'ip:192.0.2.1%'`;
    });
  }

  const round1 = (x: number) => Math.round(x * 10) / 10;
  const round2 = (x: number) => Math.round(x * 100) / 100;
  const hashes = median(perRound.map((x) => x.hashes));
  const hashCpu = median(perRound.map((x) => x.hashCpu));
  const registerOnly = median(perRound.map((x) => x.register));
  const registerAndSignIn = median(perRound.map((x) => x.registerAndSignIn));
  const http = server ? median(perRound.map((x) => x.http!)) : null;
  const httpCpu = (k: keyof Cpu) => round2(median(perRound.map((x) => x.httpCpu![k])));
  out({
    figure: "registration",
    cores,
    concurrency,
    registrations_per_run: count,
    rounds,
    argon2_hashes_per_second: round1(hashes),
    argon2_cpu_ms: round2(hashCpu),
    postgres_rows_floor_cpu_ms: round2(rowsFloor),
    register_per_second: round1(registerOnly),
    register_ratio_to_bound: round2(registerOnly / hashes),
    register_and_sign_in_per_second: round1(registerAndSignIn),
    register_and_sign_in_ratio_to_bound: round2(registerAndSignIn / hashes),
    ...(http === null
      ? { http: { skipped: httpSkipped } }
      : {
          http: {
            concurrency: httpConcurrency,
            per_second: round1(http),
            ratio_to_bound: round2(http / hashes),
            cpu_ms_per_registration: { server: httpCpu("server"), postgres: httpCpu("postgres"), load_generator: httpCpu("bench") },
            empty_action_server_cpu_ms: round2(emptyAction!.server),
            // The most a registration through a server action could reach on these cores
            // if it cost nothing but the hash, the cheapest action's own CPU and its rows in
            // PostgreSQL (a CPU sum, not a measured rate).
            ceiling_ratio_estimate: round2(hashCpu / (hashCpu + emptyAction!.server + rowsFloor)),
          },
        }),
    budget_ratio: 0.8,
    // The budget's figure is the real page's when there is a build.
    judged_on: http === null ? "register_and_sign_in" : "http",
    pass: (http ?? registerAndSignIn) / hashes >= 0.8,
    per_round: perRound.map((x) => ({
      hashes: round1(x.hashes),
      register: round1(x.register),
      register_and_sign_in: round1(x.registerAndSignIn),
      ...(x.http !== null && { http: round1(x.http) }),
    })),
    note: "medians of the rounds; the action hashes the password once (argon2) and signs in with the registration's ticket (HMAC, no second argon2); http posts /register's form as a phone without JavaScript, to `next start`, on the same cores",
  });
}

/** A poster of the page's language switch (its smallest server action) as the browser would post it. */
function localeSwitchPost(baseURL: string, html: string): () => Promise<void> {
  const actionField = /name="(\$ACTION_ID_[0-9a-f]+)"/.exec(html)?.[1];
  if (!actionField) throw new Error("no language switch on /register");
  return async () => {
    const form = new FormData();
    form.append(actionField, "");
    form.append("locale", "id");
    form.append("returnTo", "/register");
    const response = await fetch(`${baseURL}/register`, { method: "POST", body: form, redirect: "manual", headers: { origin: baseURL } });
    await response.arrayBuffer();
    if (response.status !== 303) throw new Error(`language switch: HTTP ${response.status}`);
  };
}

// ---------------------------------------------------------------------------------------------
// JavaScript per page: scripts/js-budget.mts needs a production build; none is made here.
// ---------------------------------------------------------------------------------------------
if (only.has("js")) {
  if (!hasProductionBuild()) {
    out({ figure: "js", skipped: "no production build in .next/: run `npm run build`, then `npm run bench -- --only js`" });
  } else {
    // js-budget serves the build on the demo database (the embedded one unless
    // BENCH_JS_DATABASE_URL names another) and signs in as the demo accounts.
    const env = { ...process.env };
    delete env.DATABASE_URL;
    if (process.env.BENCH_JS_DATABASE_URL) env.DATABASE_URL = process.env.BENCH_JS_DATABASE_URL;
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/js-budget.mts"], { env, stdio: ["ignore", "pipe", "inherit"] });
    let text = "";
    child.stdout.on("data", (chunk) => (text += chunk));
    await new Promise((resolve) => child.once("exit", resolve));
    for (const lineText of text.split("\n").filter((l) => l.startsWith("{"))) {
      const page = JSON.parse(lineText) as { page: string; gzipBytes: number; kb: number; scripts: number; budgetBytes: number };
      out({
        figure: "js",
        page: page.page,
        scripts: page.scripts,
        gzip_bytes: page.gzipBytes,
        gzip_kib: page.kb,
        budget_bytes: page.budgetBytes,
        pass: page.gzipBytes <= page.budgetBytes,
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The daily reminder run: N participants made due, queued as the daily job queues them,
// then handed to the fake WhatsApp by worker processes at the shared pace.
// ---------------------------------------------------------------------------------------------
if (only.has("reminders")) {
  const n = Number(args.reminders);
  const workerCount = Number(args["reminder-workers"]);
  const { queueDeadlineReminders } = await import("@/lib/data/reminders");
  const paceKey = `whatsapp:${fakeWhatsApp!.phoneNumberId}`;
  // A run that died midway left participants due: they are put back first.
  const leftover = await restoreReminderRun(sql, { paceKey });
  if (leftover) debug("a dead reminder run undone", leftover);
  const [{ max: auditBefore }] = await sql<{ max: string | null }[]>`select max(id)::text as max from audit_events`;
  const [{ n: pacedBefore }] = await sql<{ n: number }[]>`select count(*)::int as n from send_pace where key = ${paceKey}`;
  const alreadyDue = await countDue(sql, today);
  const madeDue = await makeDue(sql, n, today);
  const workers: ReturnType<typeof spawnWorker>[] = [];
  try {
    const due = await countDue(sql, today);
    // The plain SQL first: it writes the same dedupe keys, and is rolled back.
    await plainReminders(sql, today); // warm-up: the due rows read once
    const plain = await plainReminders(sql, today);

    // The workers are up before the run, as in a deployment (the daily job runs in one).
    for (let w = 0; w < workerCount; w++) workers.push(spawnWorker(`bench-reminders-${w + 1}`, { JOBS_MAINTENANCE_SECONDS: "60" }));
    await Promise.all(workers.map((w) => started(w, 60_000)));

    const [{ now: runStart }] = await sql<{ now: Date }[]>`select now()`;
    const t0 = performance.now();
    const run = await queueDeadlineReminders(new Date());
    const queueMs = performance.now() - t0;
    const tQueued = performance.now();

    // Every message of the run in a final state (sent, or recorded: an email without
    // SMTP), or the time is up: three times the pace's floor and two minutes more.
    const floorSeconds = n / WHATSAPP_PACE;
    const giveUp = Date.now() + (3 * floorSeconds + 120) * 1000;
    type States = { whatsapp: number; email: number; sent: number; recorded: number; failed: number; pending: number };
    const states = async () =>
      (
        await sql<States[]>`
          select count(*) filter (where channel = 'whatsapp')::int as whatsapp, count(*) filter (where channel = 'email')::int as email,
                 count(*) filter (where state = 'sent')::int as sent, count(*) filter (where state = 'recorded')::int as recorded,
                 count(*) filter (where state = 'failed')::int as failed,
                 count(*) filter (where state in ('pending', 'sending'))::int as pending
          from outbox_messages where kind = 'deadline_reminder' and created_at >= ${runStart}`
      )[0];
    let s = await states();
    while (s.pending > 0 && Date.now() < giveUp) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      s = await states();
    }
    const tDone = performance.now();
    const handoffMs = tDone - tQueued;
    const totalMs = tDone - t0;
    const accepted = fakeWhatsApp!.requests.filter((r) => r.status === 200);
    const refused429 = fakeWhatsApp!.requests.filter((r) => r.status === 429).length;
    const otherErrors = fakeWhatsApp!.requests.filter((r) => r.status !== 200 && r.status !== 429).length;
    // The senders' own rate: first to last accepted message.
    const spanMs = accepted.length > 1 ? accepted[accepted.length - 1].at - accepted[0].at : 0;
    // The most accepted in any one second (the fake's window): the pace kept under the limit.
    let peak = 0;
    for (let i = 0, j = 0; i < accepted.length; i++) {
      while (accepted[i].at - accepted[j].at >= 1000) j++;
      peak = Math.max(peak, i - j + 1);
    }
    const seconds = (ms: number) => Math.round(ms / 100) / 10;
    const allSent = s.pending === 0 && s.sent === s.whatsapp && s.failed === 0;
    out({
      figure: "reminders",
      step: "queue",
      made_due: madeDue,
      already_due: alreadyDue,
      due: run.due,
      due_by_sql: due,
      queued: run.queued,
      by_channel: { whatsapp: s.whatsapp, email: s.email },
      seconds: seconds(queueMs),
      messages_per_second: Math.round(run.queued / (queueMs / 1000)),
      sql_seconds: seconds(plain.ms),
      sql_messages: plain.messages,
      ratio: ratio(queueMs, plain.ms),
      // The run must end well inside its job's 15-minute expiry (lib/jobs/queues.ts), and
      // its messages are nobody's until it commits.
      budget_seconds: 60,
      pass: queueMs < 60_000 && run.queued === due,
    });
    out({
      figure: "reminders",
      step: "hand-off",
      messages: run.queued,
      workers: workerCount,
      pace_per_second: WHATSAPP_PACE,
      api_limit_per_second: WHATSAPP_API_RATE,
      sent: s.sent,
      recorded: s.recorded,
      failed: s.failed,
      still_pending: s.pending,
      api_accepted: accepted.length,
      api_429: refused429,
      api_other_errors: otherErrors,
      // From the run's end to the last message sent; queueDeadlineReminders commits in
      // chunks, so the first are being sent while it still writes the rest.
      seconds: seconds(handoffMs),
      seconds_from_run_start: seconds(totalMs),
      send_span_seconds: seconds(spanMs),
      achieved_per_second: spanMs > 0 ? Math.round((accepted.length - 1) / (spanMs / 1000) * 10) / 10 : null,
      peak_in_one_second: peak,
      floor_seconds: seconds((s.whatsapp / WHATSAPP_PACE) * 1000),
      // The budget: from the daily run's start to the last message handed over, within
      // 10 % of what the pace allows at best.
      ratio_to_floor: s.whatsapp > 0 ? Math.round((totalMs / 1000 / (s.whatsapp / WHATSAPP_PACE)) * 100) / 100 : null,
      budget_seconds: seconds(1.1 * (s.whatsapp / WHATSAPP_PACE) * 1000),
      pass: allSent && totalMs <= 1.1 * (s.whatsapp / WHATSAPP_PACE) * 1000,
    });
  } finally {
    for (const w of workers) w.child.kill("SIGTERM");
    await Promise.all(workers.map((w) => Promise.race([w.exited, new Promise((resolve) => setTimeout(resolve, 15_000))])));
    for (const w of workers) if (w.child.exitCode === null) w.child.kill("SIGKILL");
    const undone = await restoreReminderRun(sql, { auditBefore, paceKey: pacedBefore === 0 ? paceKey : null });
    debug("reminder run undone", undone);
  }
}

// ---------------------------------------------------------------------------------------------
// The partner API: a page of 1,000 participants, through the route handler (key, scope,
// rate limit, the data layer, the audit event), beside the same page in plain SQL.
// ---------------------------------------------------------------------------------------------
if (only.has("api-progress")) {
  process.env.API_RATE_LIMIT_PER_MINUTE = "1000000";
  const { createApiClient, revokeApiClient } = await import("@/lib/data/api-clients");
  const { newApiClientSchema } = await import("@/lib/validation/api-clients");
  const { encodeCursor } = await import("@/lib/data/api-participants");
  const participantsRoute = await import("@/app/api/v1/participants/route");
  const progressRoute = await import("@/app/api/v1/progress/route");
  const made = await createApiClient(pmo, newApiClientSchema.parse({ name: "Bench", organisation: "Bench", scopes: ["participants:read", "progress:read"] }));
  if (!made.ok) throw new Error(JSON.stringify(made));
  const call = async (handler: (r: Request) => Promise<Response>, path: string) => {
    const response = await handler(new Request(`http://bench${path}`, { headers: { authorization: `Bearer ${made.key}` } }));
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { data?: { id: string }[]; nextCursor?: string | null };
  };
  const stamp = (column: string) => sql.unsafe(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`);
  // A row in the middle of the (updated_at, id) order, for a page deep in the cursor.
  const [middle] = await sql<{ at: string; id: string }[]>`
    select ${stamp("updated_at")} as at, id from participants where consent_withdrawn_at is null and erased_at is null
    order by updated_at, id offset ${Math.floor(scale.participants / 2)} limit 1`;
  const [recent] = await sql<{ at: string }[]>`
    select ${stamp("updated_at")} as at from participants order by updated_at desc, id desc offset ${Math.min(5000, scale.participants - 1)} limit 1`;
  // Stamps are cast from text: postgres.js would send a timestamptz parameter through a JS
  // Date, losing the microseconds the cursor keeps.
  const plainPage = (where: ReturnType<typeof sql>) => sql`
    select p.id, p.nik_last4, p.province_code, p.regency_code, p.migrant_status, p.country_code, p.source, p.cohort, p.stage,
      p.stage_changed_at, p.created_at, p.card_received_on, p.training_bought_on, p.lms_session_on, p.training_completed_on,
      p.lms_completed_on, p.last_contact_on, ${stamp("p.updated_at")} as updated_at
    from participants p where p.consent_withdrawn_at is null and p.erased_at is null and ${where}
    order by p.updated_at, p.id limit 1001`;
  const pages: [string, string, ReturnType<typeof sql>][] = [
    ["first page", "/api/v1/participants?limit=1000", sql`true`],
    ...(middle
      ? ([["a page deep in the cursor", `/api/v1/participants?limit=1000&cursor=${encodeCursor(middle)}`, sql`(p.updated_at, p.id) > (${middle.at}::text::timestamptz, ${middle.id}::uuid)`]] as [string, string, ReturnType<typeof sql>][])
      : []),
    ...(recent
      ? ([["delta (updated_since)", `/api/v1/participants?limit=1000&updated_since=${encodeURIComponent(recent.at)}`, sql`p.updated_at >= ${recent.at}::text::timestamptz`]] as [string, string, ReturnType<typeof sql>][])
      : []),
  ];
  try {
    for (const [kind, path, where] of pages) {
      await figure("api-progress", { page: kind }, () => call(participantsRoute.GET, path), () => plainPage(where), 200, (a, p) => ({
        rows: a.data?.length ?? 0,
        same_answer: JSON.stringify(a.data?.map((r) => r.id)) === JSON.stringify((p as unknown as { id: string }[]).slice(0, 1000).map((r) => r.id)),
      }));
    }
    // The monthly figures: the dashboard's for the default period, through the API.
    await figure("api-progress", { page: "GET /api/v1/progress (default period)" }, () => call(progressRoute.GET, "/api/v1/progress"), null, 300);
  } finally {
    await revokeApiClient(pmo, made.clientId);
  }
}

// ---------------------------------------------------------------------------------------------
// Prakerja status in: a partner's batch of 10,000 events (issue 20, decisions 033 and 034).
// ---------------------------------------------------------------------------------------------
if (only.has("prakerja-status")) {
  const { submitPrakerjaBatch, runPrakerjaBatch } = await import("@/lib/data/prakerja-status");
  const { identityHash } = await import("@/lib/crypto/identity");
  const { prakerjaBatchSchema } = await import("@/lib/validation/prakerja-status");
  const { prakerjaBatchFor, plainPrakerjaApply, undoPrakerjaBatch } = await import("./scale/prakerja-status");
  const size = Number(args["prakerja-events"]);
  const [{ max: auditBefore }] = await sql<{ max: string | null }[]>`select max(id)::text as max from audit_events`;
  const clientId = crypto.randomUUID();
  await sql`insert into api_clients (id, name, organisation, scopes, key_prefix, secret_hash)
            values (${clientId}, 'Bench PMO Prakerja', 'Bench', array['prakerja-status:write'], ${`pk_${clientId.slice(0, 8)}`},
                    ${clientId.replace(/-/g, "").padEnd(64, "0")})`;
  const actor = { kind: "api_client" as const, id: clientId, name: "Bench PMO Prakerja", scopes: ["prakerja-status:write" as const], provinces: null };
  try {
    const { events, participants: sampled } = await prakerjaBatchFor(sql, size, openNik, today);
    const plain = await plainPrakerjaApply(sql, events, identityHash);
    const t0 = performance.now();
    const batch = prakerjaBatchSchema.parse({ events }); // as the route parses the body
    const parseMs = performance.now() - t0;
    const submitted = await submitPrakerjaBatch(actor, batch, { idempotencyKey: `bench-${clientId}`, requestHash: "bench" });
    const submitMs = performance.now() - t0 - parseMs;
    if (submitted.kind !== "queued") throw new Error(`not queued: ${submitted.kind}`);
    const t1 = performance.now();
    const run = await runPrakerjaBatch(submitted.batchId);
    const applyMs = performance.now() - t1;
    const [moves] = await sql<{ n: number }[]>`select count(*)::int as n from stage_changes where api_client_id = ${clientId}`;
    const totalMs = parseMs + submitMs + applyMs;
    out({
      figure: "prakerja-status",
      events: events.length,
      participants_sampled: sampled,
      state: run.state,
      ...run.counts,
      moves: moves.n,
      parse_ms: Math.round(parseMs),
      submit_ms: Math.round(submitMs),
      apply_ms: Math.round(applyMs),
      seconds: Math.round(totalMs / 100) / 10,
      sql_seconds: Math.round(plain.ms / 100) / 10,
      sql_applied: plain.applied,
      sql_moves: plain.moves,
      same_answer: run.counts?.applied === plain.applied && moves.n === plain.moves,
      ratio: ratio(totalMs, plain.ms),
      budget_seconds: 10,
      pass: run.state === "done" && totalMs < 10_000,
    });
  } finally {
    const undone = await undoPrakerjaBatch(sql, clientId, auditBefore);
    debug("prakerja batch undone", undone);
  }
}

await fakeWhatsApp?.close();
await sql.end();
await closeDb();
await rm(work, { recursive: true, force: true });
