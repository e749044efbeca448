// npm run bench:caseload — the caseload page's data at the size the issue names: 500
// participants and 10,000 logged services assigned to one caseworker. Prints one JSON
// line per query shape with p50/p95/max in milliseconds over repeated runs.
// Runs on a throwaway in-memory PGlite by default; BENCH_DATABASE_URL=postgres://… runs
// it on that PostgreSQL database instead (its tables are emptied first).
import { performance } from "node:perf_hooks";

const url = process.env.BENCH_DATABASE_URL;
if (url) process.env.DATABASE_URL = url;
else {
  delete process.env.DATABASE_URL;
  process.env.PGLITE_DIR = "memory://";
}

const { db, closeDb, dbKind } = await import("@/db");
const { freshDatabase, createTestUser } = await import("@/db/test-utils");
const { refreshContactSummary } = await import("@/db/derived");
const { participants, serviceLogs, ALL_STAGE_LIST } = await import("@/db/schema").then((m) => ({ ...m, ALL_STAGE_LIST: m.STAGES }));
const { listCaseload } = await import("@/lib/data/caseload");
const { ALL_SERVICES } = await import("@/lib/reference/services");
const { todayInJakarta } = await import("@/lib/validation");
if (url && !process.env.DATA_KEYS) {
  // A throwaway benchmark database: throwaway NIK keys.
  const { randomBytes } = await import("node:crypto");
  process.env.DATA_KEYS = `bench:${randomBytes(32).toString("base64")}`;
  process.env.DATA_HASH_KEY = randomBytes(32).toString("base64");
}
const { sealNik } = await import("@/lib/crypto/identity");

const PARTICIPANTS = Number(process.env.BENCH_PARTICIPANTS ?? 500);
const LOGS = Number(process.env.BENCH_LOGS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);

await freshDatabase();
const caseworker = await createTestUser("caseworker");
const other = await createTestUser("caseworker");

const stages = ALL_STAGE_LIST;
const rows = Array.from({ length: PARTICIPANTS * 2 }, (_, i) => {
  const mine = i % 2 === 0;
  const day = 1 + (i % 28);
  return {
    fullName: `Peserta ${["Ani", "Budi", "Citra", "Dewi", "Eko", "Fitri"][i % 6]} ${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(97 + ((i / 26) | 0) % 26)}`,
    ...sealNik(`3174${String(1 + (i % 40)).padStart(2, "0")}${String(day).padStart(2, "0")}0690${String(1 + i).padStart(4, "0")}`),
    birthDate: `1990-06-${String(day).padStart(2, "0")}`,
    sex: "L" as const,
    provinceCode: "31",
    migrantStatus: "calon" as const,
    source: "import" as const,
    stage: stages[i % 4],
    caseworkerId: mine ? caseworker.id : other.id,
    createdAt: new Date("2021-06-01T00:00:00Z"),
  };
});
const ids: string[] = [];
for (let i = 0; i < rows.length; i += 500) {
  const inserted = await db.insert(participants).values(rows.slice(i, i + 500)).returning({ id: participants.id, cw: participants.caseworkerId });
  ids.push(...inserted.filter((r) => r.cw === caseworker.id).map((r) => r.id));
}
const today = todayInJakarta();
const logs = Array.from({ length: LOGS }, (_, i) => ({
  participantId: ids[i % ids.length],
  caseworkerId: caseworker.id,
  serviceCode: ALL_SERVICES[i % ALL_SERVICES.length].code,
  occurredOn: `2021-0${6 + (i % 2)}-${String(1 + (i % 28)).padStart(2, "0")}`,
  channel: "whatsapp" as const,
  outcome: "done" as const,
  nextFollowUpOn: i % 7 === 0 ? today : null,
}));
for (let i = 0; i < logs.length; i += 1000) await db.insert(serviceLogs).values(logs.slice(i, i + 1000));
await db.execute(refreshContactSummary());

const viewer = { id: caseworker.id, role: "caseworker" as const, name: "bench", locale: "id" as const };
const shapes: [string, Parameters<typeof listCaseload>[1]][] = [
  ["caseload first page", {}],
  ["caseload page 10", { page: 10 }],
  ["caseload stage filter", { stage: "training" }],
  ["caseload search by name", { q: "citra" }],
  ["caseload search by NIK last 4", { q: "0421" }],
  ["caseload search by phone", { q: "0812345" }],
];
for (const [name, query] of shapes) {
  for (let i = 0; i < 10; i++) await listCaseload(viewer, query); // warm-up
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await listCaseload(viewer, query);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Number(times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(2));
  console.log(
    JSON.stringify({ figure: name, database: dbKind, participants: PARTICIPANTS, logs: LOGS, runs: RUNS, p50_ms: at(0.5), p95_ms: at(0.95), max_ms: at(1), budget_p95_ms: 100 }),
  );
}
await closeDb();
