// npm run bench:import — the cohort import at the size the issue names: a generated file
// of 100,000 rows (1 % refused, 0.5 % repeated NIKs) is uploaded, checked and imported,
// spread over two caseworkers, through the same data-layer functions the page uses.
// Prints one JSON line per step (rows per second) and one with the totals and the peak
// memory (RSS and V8 heap, sampled every 50 ms, and the process's maximum RSS). Budget:
// check + import under 60 s, memory not growing with the file: compare BENCH_ROWS=20000
// and 200000, or cap the heap (NODE_OPTIONS=--max-old-space-size=64 still runs 200,000
// rows; without a cap V8 simply collects later).
// Runs on a throwaway PGlite database in a temporary folder by default;
// BENCH_DATABASE_URL=postgres://… runs it on that PostgreSQL database (emptied first).
import { createReadStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { writeCohortFile } from "./scale/cohort-file";

const work = await mkdtemp(path.join(tmpdir(), "bench-import-"));
const url = process.env.BENCH_DATABASE_URL;
if (url) process.env.DATABASE_URL = url;
else {
  delete process.env.DATABASE_URL;
  // On disk rather than "memory://": an in-memory database would grow the process with
  // the data it holds, hiding what the import itself uses.
  process.env.PGLITE_DIR = process.env.BENCH_PGLITE_DIR ?? path.join(work, "pglite");
}

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const BUDGET_SECONDS = 60;

const { closeDb, dbKind } = await import("@/db");
const { freshDatabase, createTestUser } = await import("@/db/test-utils");
const { uploadImport, checkImport, confirmImport, runImport, getImport } = await import("@/lib/data/imports");

// Memory: sampled often, so a peak between two steps is not missed.
let peakRss = 0;
let peakHeap = 0;
const sample = () => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
};
const sampler = setInterval(sample, 50);
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

// The file: valid NIKs (region + birth date + serial, unique), unique mobile numbers.
const file = path.join(work, "kohort.csv");
await writeCohortFile(file, ROWS);
const bytes = (await stat(file)).size;

await freshDatabase();
const pmo = await createTestUser("pmo");
const cw1 = await createTestUser("caseworker");
const cw2 = await createTestUser("caseworker");
sample();
const baseline = { rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed };

const line = (o: Record<string, unknown>) => console.log(JSON.stringify({ database: dbKind, rows: ROWS, ...o }));
const perSecond = (n: number, ms: number) => Math.round(n / (ms / 1000));

let t = performance.now();
const uploaded = await uploadImport(pmo, { cohort: "Bench Wisma Atlet", fileName: "kohort.csv", body: createReadStream(file) });
if (!uploaded.ok) throw new Error(`upload refused: ${JSON.stringify(uploaded)}`);
const uploadMs = performance.now() - t;
line({ step: "upload (file checks, stored in the database)", ms: Math.round(uploadMs), rows_per_second: perSecond(ROWS, uploadMs), file_mb: mb(bytes) });

t = performance.now();
await checkImport(uploaded.importId);
const checkMs = performance.now() - t;
const afterCheck = await getImport(pmo, uploaded.importId);
line({ step: "check (rows, duplicates)", ms: Math.round(checkMs), rows_per_second: perSecond(ROWS, checkMs), ...afterCheck.totals });

t = performance.now();
const confirmed = await confirmImport(pmo, { importId: uploaded.importId, caseworkerIds: [cw1.id, cw2.id] });
if (!confirmed.ok) throw new Error(`confirm refused: ${JSON.stringify(confirmed)}`);
const result = await runImport(uploaded.importId, pmo.id);
const importMs = performance.now() - t;
if (!result) throw new Error(`import failed: ${JSON.stringify((await getImport(pmo, uploaded.importId)).progress)}`);
line({ step: "import (one transaction)", ms: Math.round(importMs), rows_per_second: perSecond(result.imported, importMs), imported: result.imported });

clearInterval(sampler);
sample();
const totalMs = uploadMs + checkMs + importMs;
line({
  step: "total",
  seconds: Math.round(totalMs / 100) / 10,
  budget_seconds: BUDGET_SECONDS,
  within_budget: totalMs / 1000 < BUDGET_SECONDS,
  rows_per_second: perSecond(ROWS, totalMs),
  peak_rss_mb: mb(peakRss),
  peak_heap_mb: mb(peakHeap),
  max_rss_mb: mb(process.resourceUsage().maxRSS * 1024),
  rss_before_mb: mb(baseline.rss),
  heap_before_mb: mb(baseline.heap),
});
await closeDb();
await rm(work, { recursive: true, force: true });
