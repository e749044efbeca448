import { mkdtemp, rm } from "node:fs/promises";
import { createReadStream } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db, dbKind, executeRows } from "@/db";
import { createTestUser, freshDatabase } from "@/db/test-utils";
import { confirmImport, getImport, uploadImport } from "@/lib/data/imports";
import type { SessionUser } from "@/lib/data/permissions";
import { countersDrift } from "@/lib/testing/dashboard-counters";
import { spawnWorker, started, until, type WorkerProcess } from "@/lib/testing/worker-processes";
import { writeCohortFile } from "@/scripts/scale/cohort-file";
import { enqueue } from "./engine";
import { QUEUES } from "./queues";

// Workers as separate processes on one PostgreSQL database (the deployment's "M workers"):
// one killed with SIGKILL in the middle of a cohort's check and again in the middle of its
// import, and three draining 2,000 jobs. PostgreSQL only: the embedded database is opened
// by one process, which runs its own jobs.

const onPostgres = dbKind === "postgres";
const running: WorkerProcess[] = [];
let work: string;
let pmo: SessionUser;
let cw: SessionUser;

function worker(name: string, env: Record<string, string> = {}): WorkerProcess {
  const w = spawnWorker(name, env);
  running.push(w);
  return w;
}

async function kill(w: WorkerProcess, signal: NodeJS.Signals) {
  w.child.kill(signal);
  return w.exited;
}

beforeAll(async () => {
  if (!onPostgres) return;
  work = await mkdtemp(path.join(tmpdir(), "workers-test-"));
  await freshDatabase();
  pmo = await createTestUser("pmo");
  cw = await createTestUser("caseworker");
});
afterEach(async () => {
  for (const w of running.splice(0)) if (w.child.exitCode === null && w.child.signalCode === null) await kill(w, "SIGKILL");
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
  if (!onPostgres) return;
  // The test queue and its records go: the database is shared with the next test file.
  await db.execute(sql`delete from pgboss.job where name = 'test-echo'`);
  await db.execute(sql`select pgboss.delete_queue('test-echo')`);
  await db.execute(sql`drop table if exists test_job_runs`);
});

const importRow = async (id: string) =>
  (
    await executeRows<{ state: string; rows_checked: number; rows_ready: number; rows_imported: number }>(
      sql`select state, rows_checked, rows_ready, rows_imported from imports where id = ${id}`,
    )
  )[0];
const progressDone = async (id: string) =>
  (await executeRows<{ done: number }>(sql`select done from import_progress where import_id = ${id}`))[0]?.done ?? 0;

describe.skipIf(!onPostgres)("a worker killed in the middle (SIGKILL)", () => {
  it("of a 20,000-row check, and again of its import: another worker finishes each job; every row is imported once", { timeout: 240_000 }, async () => {
    // The import queues' expiry is how the engine finds a dead worker's job: short here.
    await db.execute(sql`update pgboss.queue set expire_seconds = 20, retry_delay = 1, retry_backoff = false where name in (${QUEUES.importCheck}, ${QUEUES.importRun})`);
    try {
      const file = path.join(work, "kohort.csv");
      await writeCohortFile(file, 20_000, { phonePrefix: "0817" });
      const up = await uploadImport(pmo, { cohort: "Kohort Mati Suri", fileName: "kohort.csv", body: createReadStream(file) });
      if (!up.ok) throw new Error(JSON.stringify(up));
      const id = up.importId;

      // Worker A dies in the middle of the check.
      const a = worker("A");
      await until(async () => (await importRow(id)).rows_checked >= 3_000, 90_000, "A to check 3,000 rows");
      expect((await kill(a, "SIGKILL")).signal).toBe("SIGKILL");
      const atDeath = await importRow(id);
      expect(atDeath.state).toBe("checking");
      expect(atDeath.rows_checked).toBeLessThan(20_000);

      // Worker B takes the job over once it has expired, and resumes.
      const b = worker("B");
      await until(async () => (await importRow(id)).state === "checked", 120_000, "B to finish the check");
      const [lines] = await executeRows<{ n: number; distinct: number; min: number; max: number }>(
        sql`select count(*)::int as n, count(distinct line)::int as distinct, min(line) as min, max(line) as max from import_rows where import_id = ${id}`,
      );
      expect(lines).toEqual({ n: 20_000, distinct: 20_000, min: 2, max: 20_001 });
      const checkedView = await getImport(pmo, id);
      expect(checkedView.totals.ready + checkedView.totals.refused + checkedView.totals.duplicate).toBe(20_000);
      const ready = checkedView.totals.ready;
      expect(ready).toBeGreaterThan(19_000);

      // B dies in the middle of the import; C finishes it.
      expect(await confirmImport(pmo, { importId: id, caseworkerIds: [cw.id] })).toEqual({ ok: true });
      await until(async () => (await progressDone(id)) >= 3_000, 90_000, "B to import 3,000 rows");
      await kill(b, "SIGKILL");
      expect((await importRow(id)).state).toBe("importing");
      const c = worker("C");
      await started(c);
      await until(async () => (await importRow(id)).state === "imported", 150_000, "C to finish the import");

      const [people] = await executeRows<{ n: number; niks: number }>(
        sql`select count(*)::int as n, count(distinct nik_hash)::int as niks from participants where cohort = 'Kohort Mati Suri'`,
      );
      expect(people).toEqual({ n: ready, niks: ready });
      const [imported] = await executeRows<{ n: number; linked: number }>(
        sql`select count(*)::int as n, count(distinct participant_id)::int as linked from import_rows where import_id = ${id} and status = 'imported'`,
      );
      expect(imported).toEqual({ n: ready, linked: ready });
      const view = await getImport(pmo, id);
      expect(view.progress.state).toBe("imported");
      expect(view.totals).toMatchObject({ rows: 20_000, imported: ready, ready });
      const [events] = await executeRows<{ checks: number; runs: number }>(
        sql`select count(*) filter (where action = 'import.check')::int as checks, count(*) filter (where action = 'import.run')::int as runs
            from audit_events where entity_id = ${id}`,
      );
      expect(events).toEqual({ checks: 1, runs: 1 });
      expect(await countersDrift()).toEqual({ missing: [], extra: [] });
    } finally {
      await db.execute(sql`update pgboss.queue set expire_seconds = 1800, retry_delay = 5, retry_backoff = true where name in (${QUEUES.importCheck}, ${QUEUES.importRun})`);
    }
  });
});

describe.skipIf(!onPostgres)("three workers on one database", () => {
  beforeAll(async () => {
    if (!onPostgres) return;
    await db.execute(sql`create table if not exists test_job_runs (job_id uuid not null, n int not null, worker text not null,
                         started_at timestamptz not null, finished_at timestamptz not null)`);
    await db.execute(sql`select pgboss.create_queue('test-echo', '{"policy":"standard","retryLimit":2,"retryDelay":1}'::json)`);
  });

  it("drain 2,000 jobs: each ran to completion exactly once, by its own record", { timeout: 180_000 }, async () => {
    await db.execute(sql`truncate test_job_runs`);
    await db.execute(sql`delete from pgboss.job where name = 'test-echo'`);
    const ids: string[] = [];
    await db.transaction(async (tx) => {
      for (let n = 0; n < 2_000; n++) ids.push((await enqueue(tx, "test-echo" as never, { n, sleepMs: 2 }))!);
    });
    // Two loops of ten jobs a fetch in each (pg-boss 10 rests after each fetch).
    const workers = ["W1", "W2", "W3"].map((name) => worker(name, { ECHO: "1", ECHO_CONCURRENCY: "2", ECHO_BATCH: "10" }));
    await until(
      async () => (await executeRows<{ n: number }>(sql`select count(*)::int as n from pgboss.job where name = 'test-echo' and state <> 'completed'`))[0].n === 0,
      150_000,
      "the queue to drain",
    );
    const [runs] = await executeRows<{ n: number; jobs: number; numbers: number; workers: number }>(
      sql`select count(*)::int as n, count(distinct job_id)::int as jobs, count(distinct n)::int as numbers, count(distinct worker)::int as workers from test_job_runs`,
    );
    expect(runs).toEqual({ n: 2_000, jobs: 2_000, numbers: 2_000, workers: 3 });
    const [unlisted] = await executeRows<{ n: number }>(
      sql`select count(*)::int as n from test_job_runs r where not exists (select 1 from pgboss.job j where j.id = r.job_id and j.state = 'completed' and j.retry_count = 0)`,
    );
    expect(unlisted.n, "every run is a completed job, on its first try").toBe(0);
    for (const w of workers) await kill(w, "SIGTERM");
  });

  it("while a worker is idle, no job waits longer than the poll interval plus its run time", { timeout: 120_000 }, async () => {
    await db.execute(sql`truncate test_job_runs`);
    await db.execute(sql`delete from pgboss.job where name = 'test-echo'`);
    const workers = ["I1", "I2", "I3"].map((name) => worker(name, { ECHO: "1" }));
    for (const w of workers) await started(w);
    // One job every 0.3 s: three idle workers polling every 0.5 s.
    for (let n = 0; n < 30; n++) {
      await db.transaction((tx) => enqueue(tx, "test-echo" as never, { n, sleepMs: 20 }));
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await until(
      async () => (await executeRows<{ n: number }>(sql`select count(*)::int as n from test_job_runs`))[0].n === 30,
      30_000,
      "30 runs",
    );
    const waits = await executeRows<{ n: number; wait_ms: number; run_ms: number }>(
      sql`select r.n, extract(epoch from (r.started_at - j.created_on)) * 1000 as wait_ms, extract(epoch from (r.finished_at - r.started_at)) * 1000 as run_ms
          from test_job_runs r join pgboss.job j on j.id = r.job_id order by r.n`,
    );
    const POLL_MS = 500;
    // Slack for a worker's own loop: pg-boss sleeps what is left of its interval after
    // a fetch, and the machine's timers are not exact.
    const late = waits.filter((w) => Number(w.wait_ms) > POLL_MS + Number(w.run_ms) + 250);
    expect(late, JSON.stringify(waits)).toEqual([]);
    for (const w of workers) await kill(w, "SIGTERM");
  });

  it("a poison job ends failed after its attempts, with its error, and the others keep flowing", { timeout: 120_000 }, async () => {
    await db.execute(sql`truncate test_job_runs`);
    await db.execute(sql`delete from pgboss.job where name = 'test-echo'`);
    // A check job whose payload no check can read: it throws on every try.
    const poison = await db.transaction((tx) => enqueue(tx, QUEUES.importCheck, { importId: "not-an-import" }));
    await db.execute(sql`update pgboss.job set retry_delay = 0, retry_backoff = false where id = ${poison}`);
    for (let n = 0; n < 50; n++) await db.transaction((tx) => enqueue(tx, "test-echo" as never, { n }));
    const w = worker("P", { ECHO: "1" });
    await until(
      async () =>
        (await executeRows<{ n: number }>(sql`select count(*)::int as n from test_job_runs`))[0].n === 50 &&
        (await executeRows<{ state: string }>(sql`select state from pgboss.job where id = ${poison}`))[0]?.state === "failed",
      60_000,
      "the echo jobs to run and the poison job to fail",
    );
    const [job] = await executeRows<{ state: string; retry_count: number; retry_limit: number; output: { message?: string } }>(
      sql`select state, retry_count, retry_limit, output from pgboss.job where id = ${poison}`,
    );
    expect(job).toMatchObject({ state: "failed", retry_count: job.retry_limit });
    expect(job.output.message).toContain("payload refused: importId: Invalid UUID");
    await kill(w, "SIGTERM");
  });
});

describe.skipIf(!onPostgres)("npm run worker", () => {
  it("stops on SIGTERM: finishes the job in hand, says so in its log, and exits 0", { timeout: 60_000 }, async () => {
    await db.execute(sql`truncate test_job_runs`);
    await db.execute(sql`delete from pgboss.job where name = 'test-echo'`);
    const w = worker("T", { ECHO: "1" });
    await started(w);
    await db.transaction((tx) => enqueue(tx, "test-echo" as never, { n: 1, sleepMs: 3_000 }));
    await until(
      async () => (await executeRows<{ n: number }>(sql`select count(*)::int as n from pgboss.job where name = 'test-echo' and state = 'active'`))[0].n === 1,
      10_000,
      "the job to be in hand",
    );
    const exit = await kill(w, "SIGTERM");
    expect(exit.code).toBe(0);
    expect(w.lines.map((l) => l.event)).toEqual(expect.arrayContaining(["worker-stopping", "job-done", "worker-stopped"]));
    expect((await executeRows<{ n: number }>(sql`select count(*)::int as n from test_job_runs`))[0].n).toBe(1);
  });

  it("the script itself starts on DATABASE_URL, and stops on SIGTERM with exit code 0", { timeout: 60_000 }, async () => {
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, ["--import", "tsx", "--import", "./scripts/register-server-only.mjs", "scripts/worker.mts"], {
      env: process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c));
    child.stderr.on("data", (c: Buffer) => (out += c));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await until(() => out.includes('"worker-started"'), 30_000, `the worker to start: ${out}`);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(out).toContain('"signal":"SIGTERM"');
    expect(out).toContain('"worker-stopped"');
  });
});
