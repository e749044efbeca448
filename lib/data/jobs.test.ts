import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/db";
import { auditEvents, imports } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { enqueue } from "@/lib/jobs/engine";
import { QUEUE_NAMES, QUEUES, type QueueName } from "@/lib/jobs/queues";
import { changesOf, describeChanges } from "@/lib/testing/db-snapshot";
import { insertFailedJob, setJob } from "@/lib/testing/failed-job";
import { drainJobs, jobsOf } from "@/lib/testing/jobs";
import { makeNik, makePhone } from "@/lib/testing/identity";
import { createTestParticipant } from "@/lib/testing/participants";
import { failImportJob, uploadImport } from "./imports";
import { FAILED_JOBS_PAGE_SIZE, getJobsOverview, listFailedJobs, retryFailedJob, startOfJakartaDay } from "./jobs";
import type { SessionUser } from "./permissions";

let pmo: SessionUser;

beforeAll(async () => {
  process.env.IMPORT_SPOOL_DIR = await mkdtemp(path.join(tmpdir(), "jobs-test-"));
  await freshDatabase();
  pmo = await createTestUser("pmo");
});
afterAll(() => rm(process.env.IMPORT_SPOOL_DIR!, { recursive: true, force: true }));
beforeEach(async () => {
  await db.execute(sql`delete from pgboss.job`);
});

const queued = (queue: QueueName, data: object = {}, opts: { startAfter?: Date } = {}) =>
  db.transaction(async (tx) => (await enqueue(tx, queue, data, opts))!);

const overviewOf = async (queue: QueueName, now?: Date) => (await getJobsOverview(pmo, now)).find((q) => q.queue === queue)!;

async function auditCount(): Promise<number> {
  return (await db.select({ id: auditEvents.id }).from(auditEvents)).length;
}

describe("startOfJakartaDay", () => {
  it("is 00:00 in Jakarta (17:00 UTC the day before), whatever the time of day", () => {
    expect(startOfJakartaDay(new Date("2021-06-30T17:00:00Z")).toISOString()).toBe("2021-06-30T17:00:00.000Z");
    expect(startOfJakartaDay(new Date("2021-06-30T16:59:59Z")).toISOString()).toBe("2021-06-29T17:00:00.000Z");
    expect(startOfJakartaDay(new Date("2021-07-01T09:30:00+07:00")).toISOString()).toBe("2021-06-30T17:00:00.000Z");
  });
});

describe("getJobsOverview", () => {
  it("lists every queue in the order of lib/jobs/queues.ts, empty ones with zeros", async () => {
    const overview = await getJobsOverview(pmo);
    expect(overview.map((q) => q.queue)).toEqual(QUEUE_NAMES);
    for (const q of overview) {
      expect(q).toEqual({ queue: q.queue, waiting: 0, scheduled: 0, running: 0, doneToday: 0, failed: 0, oldestWaitingSeconds: null });
    }
  });

  it("counts each queue's jobs by state, as they were made", async () => {
    const now = new Date();
    await queued(QUEUES.cleanup);
    await queued(QUEUES.cleanup);
    await queued(QUEUES.cleanup, {}, { startAfter: new Date(now.getTime() + 3600_000) });
    const running = await queued(QUEUES.cleanup);
    await setJob(running, { state: "active", startedOn: now });
    const retrying = await queued(QUEUES.cleanup);
    await setJob(retrying, { state: "retry" });
    const done = await queued(QUEUES.cleanup);
    await setJob(done, { state: "completed", completedOn: now });
    await insertFailedJob(QUEUES.cleanup, {});
    await insertFailedJob(QUEUES.outboxDeliver, { messageId: crypto.randomUUID() });
    const cancelled = await queued(QUEUES.cleanup);
    await setJob(cancelled, { state: "cancelled", completedOn: now });

    expect(await overviewOf(QUEUES.cleanup)).toMatchObject({ waiting: 3, scheduled: 1, running: 1, doneToday: 1, failed: 1 });
    expect(await overviewOf(QUEUES.outboxDeliver)).toMatchObject({ waiting: 0, scheduled: 0, running: 0, doneToday: 0, failed: 1, oldestWaitingSeconds: null });
    expect(await overviewOf(QUEUES.importCheck)).toMatchObject({ waiting: 0, failed: 0 });
  });

  it("counts as done today what completed since 00:00 in Jakarta, not the evening before", async () => {
    // 10:00 in Jakarta on 10 March 2030; its day began at 17:00 UTC on the 9th.
    const now = new Date("2030-03-10T03:00:00Z");
    const at = async (iso: string) => setJob(await queued(QUEUES.dataRightsDeadlines), { state: "completed", completedOn: new Date(iso) });
    await at("2030-03-09T16:59:59Z"); // 23:59:59 on the 9th in Jakarta
    await at("2030-03-09T17:00:00Z"); // 00:00 on the 10th
    await at("2030-03-10T02:59:00Z");
    expect((await overviewOf(QUEUES.dataRightsDeadlines, now)).doneToday).toBe(2);
    // 23:59 on the 10th in Jakarta still counts them; at 00:00 on the 11th a new day starts.
    expect((await overviewOf(QUEUES.dataRightsDeadlines, new Date("2030-03-10T16:59:00Z"))).doneToday).toBe(2);
    expect((await overviewOf(QUEUES.dataRightsDeadlines, new Date("2030-03-10T17:00:00Z"))).doneToday).toBe(0);
  });

  it("gives the age of the longest-waiting due job, from when it fell due; a job due later waits apart", async () => {
    const now = new Date("2030-03-10T03:00:00Z");
    await setJob(await queued(QUEUES.deadlineReminders), { startAfter: new Date(now.getTime() - 90_000) });
    await setJob(await queued(QUEUES.deadlineReminders), { startAfter: new Date(now.getTime() - 30_000) });
    const later = await queued(QUEUES.deadlineReminders);
    await setJob(later, { startAfter: new Date(now.getTime() + 60_000) });
    const retry = await queued(QUEUES.deadlineReminders);
    await setJob(retry, { state: "retry", startAfter: new Date(now.getTime() + 120_000) });
    expect(await overviewOf(QUEUES.deadlineReminders, now)).toMatchObject({ waiting: 2, scheduled: 2, oldestWaitingSeconds: 90 });
  });
});

describe("a job that fails for real", () => {
  it("is listed with its queue, error, attempts and time once the worker has used up its retries", async () => {
    // A payload the handler refuses: every attempt throws, in the worker's own error path.
    const outboxJob = await queued(QUEUES.outboxDeliver, { messageId: "bukan-id" });
    const importJob = await queued(QUEUES.importCheck, { importId: "bukan-id" });
    // One retry, without pause, so the test is fast.
    await db.execute(sql`update pgboss.job set retry_limit = 1, retry_delay = 0, retry_backoff = false where id in (${outboxJob}::uuid, ${importJob}::uuid)`);
    const started = Date.now();
    await drainJobs({ queues: [QUEUES.outboxDeliver, QUEUES.importCheck] });

    const jobs = await jobsOf();
    expect(jobs.find((j) => j.id === outboxJob)).toMatchObject({ state: "failed", retry_count: 1 });
    const failed = await listFailedJobs(pmo);
    expect(failed.total).toBe(2);
    const row = failed.rows.find((r) => r.id === outboxJob)!;
    expect(row).toMatchObject({ queue: QUEUES.outboxDeliver, attempts: 2, subject: { kind: "outbox" } });
    expect(row.error).toMatch(/\S/);
    expect(row.error).not.toMatch(/\n\s+at /); // no stack
    expect(row.failedAt!.getTime()).toBeGreaterThanOrEqual(started - 1000);
    // An import job whose payload names no import links to nothing.
    expect(failed.rows.find((r) => r.id === importJob)).toMatchObject({ queue: QUEUES.importCheck, attempts: 2, subject: null });

    const overview = await getJobsOverview(pmo);
    expect(overview.find((q) => q.queue === QUEUES.outboxDeliver)).toMatchObject({ failed: 1, waiting: 0 });
    // Each failed job's dead letter waits in its queue.
    expect(overview.find((q) => q.queue === QUEUES.outboxFailed)).toMatchObject({ waiting: 1 });
    expect(overview.find((q) => q.queue === QUEUES.importFailed)).toMatchObject({ waiting: 1 });

    // The outbox job goes back to its queue; the import job names no import to reopen.
    expect(await retryFailedJob(pmo, { queue: QUEUES.outboxDeliver, jobId: outboxJob })).toEqual({ ok: true, id: outboxJob, queue: QUEUES.outboxDeliver });
    expect((await jobsOf(QUEUES.outboxDeliver))[0]).toMatchObject({ id: outboxJob, state: "retry" });
    const before = await auditCount();
    expect(await retryFailedJob(pmo, { queue: QUEUES.importCheck, jobId: importJob })).toEqual({ ok: false, reason: "importClosed" });
    expect((await jobsOf(QUEUES.importCheck))[0]).toMatchObject({ id: importJob, state: "failed" });
    expect(await auditCount()).toBe(before);
  }, 30_000);
});

describe("listFailedJobs", () => {
  it("shows the most recent failure first, 50 to a page, and links an import job to its import", async () => {
    const base = Date.now() - 3600_000;
    const importId = crypto.randomUUID();
    for (let i = 0; i < FAILED_JOBS_PAGE_SIZE; i++) await insertFailedJob(QUEUES.cleanup, {}, { failedAt: new Date(base + i * 1000) });
    const newest = await insertFailedJob(QUEUES.importRun, { importId, actorId: pmo.id }, { failedAt: new Date(base + 3600_000 - 1), message: "Error message=\"timeout\"" });
    const first = await listFailedJobs(pmo);
    expect(first).toMatchObject({ total: 51, page: 1, pageCount: 2 });
    expect(first.rows).toHaveLength(FAILED_JOBS_PAGE_SIZE);
    expect(first.rows[0]).toEqual({
      id: newest,
      queue: QUEUES.importRun,
      error: 'Error message="timeout"',
      attempts: 3,
      failedAt: new Date(base + 3600_000 - 1),
      subject: { kind: "import", importId },
    });
    const times = first.rows.map((r) => r.failedAt!.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const second = await listFailedJobs(pmo, { page: 2 });
    expect(second.rows.map((r) => r.failedAt)).toEqual([new Date(base)]);
    // A page past the end shows the last one.
    expect((await listFailedJobs(pmo, { page: 99 })).page).toBe(2);
  });

  it("keeps pg-boss's own error shape (a job that outlived its expiry) readable", async () => {
    const id = await insertFailedJob(QUEUES.cleanup, {});
    await db.execute(sql`update pgboss.job set output = '{"value": {"message": "job failed by timeout in active state"}}'::jsonb where id = ${id}::uuid`);
    expect((await listFailedJobs(pmo)).rows[0].error).toBe("job failed by timeout in active state");
  });
});

/** An uploaded cohort file whose row check failed for good: the import and its failed check job. */
async function failedCheck(): Promise<{ importId: string; jobId: string }> {
  const csv = [
    "nik,nama_lengkap,tanggal_lahir,jenis_kelamin,no_hp,kode_provinsi,negara_penempatan,tanggal_kedatangan,lokasi_karantina",
    `${makeNik({ birthDate: "1990-05-17", sex: "L" })},Budi Santoso,1990-05-17,L,${makePhone()},31,MY,2021-06-10,Wisma Atlet`,
    "",
  ].join("\n");
  const up = await uploadImport(pmo, { cohort: "Kohort Ulang", fileName: "ulang.csv", body: [Buffer.from(csv)] });
  if (!up.ok) throw new Error(JSON.stringify(up));
  const [job] = (await jobsOf(QUEUES.importCheck)).filter((j) => j.data.importId === up.importId);
  // As the engine leaves it after the last try, and as the dead letter (import-failed) settles it.
  await db.execute(sql`update pgboss.job set state = 'failed', retry_count = 3, completed_on = now(), output = '{"message": "Error message=\\"boom\\""}'::jsonb where id = ${job.id}::uuid`);
  expect(await failImportJob(up.importId, "checking", job.id)).toBe(true);
  return { importId: up.importId, jobId: job.id };
}

describe("retryFailedJob", () => {
  it("puts a failed job back in its queue and writes the audit event, in one transaction", async () => {
    const id = await insertFailedJob(QUEUES.cleanup, {}, { attempts: 3, message: "Error message=\"disk full\"" });
    const { result, changes } = await changesOf(() => retryFailedJob(pmo, { queue: QUEUES.cleanup, jobId: id.toUpperCase() }));
    expect(result).toEqual({ ok: true, id, queue: QUEUES.cleanup });
    const [job] = await jobsOf(QUEUES.cleanup);
    // pg-boss's retry: due now, one more try allowed.
    expect(job).toMatchObject({ id, state: "retry", retry_count: 2, retry_limit: 3 });
    expect(changes.map((c) => `${c.kind} ${c.table}`), describeChanges(changes)).toEqual(["insert audit_events"]);
    expect(changes[0].after).toMatchObject({
      actor_id: pmo.id,
      action: "job.retry",
      entity_type: "job",
      entity_id: id,
      before: { state: "failed", attempts: 3, error: 'Error message="disk full"' },
      after: { state: "retry", queue: QUEUES.cleanup },
    });
    expect((await overviewOf(QUEUES.cleanup)).waiting).toBe(1);
  });

  it("reopens the import of a retried check job, with the job and the audit event in the same transaction", async () => {
    const { importId, jobId } = await failedCheck();
    expect((await db.select().from(imports).where(eq(imports.id, importId)))[0]).toMatchObject({ state: "failed" });
    expect((await listFailedJobs(pmo)).rows[0]).toMatchObject({ id: jobId, subject: { kind: "import", importId } });

    const { result, changes } = await changesOf(() => retryFailedJob(pmo, { queue: QUEUES.importCheck, jobId }));
    expect(result).toEqual({ ok: true, id: jobId, queue: QUEUES.importCheck });
    const [row] = await db.select().from(imports).where(eq(imports.id, importId));
    expect(row).toMatchObject({ state: "checking", error: null });
    expect((await jobsOf(QUEUES.importCheck)).find((j) => j.id === jobId)).toMatchObject({ state: "retry" });
    const audit = changes.find((c) => c.table === "audit_events")!;
    const reopened = changes.find((c) => c.table === "imports")!;
    expect(audit.after).toMatchObject({ action: "job.retry", entity_id: jobId, after: { state: "retry", queue: QUEUES.importCheck } });
    expect(reopened.xmin).toBe(audit.xmin);

    // The worker then checks the file again, to the end.
    await drainJobs({ queues: [QUEUES.importCheck] });
    expect((await db.select().from(imports).where(eq(imports.id, importId)))[0]).toMatchObject({ state: "checked", rowsReady: 1 });
  }, 30_000);

  it("refuses, writing nothing, a job already retried, one not failed, an unknown one, and a queue or id that is not one", async () => {
    const id = await insertFailedJob(QUEUES.cleanup, {});
    expect((await retryFailedJob(pmo, { queue: QUEUES.cleanup, jobId: id })).ok).toBe(true);
    const waiting = await queued(QUEUES.cleanup);
    const done = await queued(QUEUES.cleanup);
    await setJob(done, { state: "completed", completedOn: new Date() });
    const cases: [unknown, string][] = [
      [{ queue: QUEUES.cleanup, jobId: id }, "notFailed"],
      [{ queue: QUEUES.cleanup, jobId: waiting }, "notFailed"],
      [{ queue: QUEUES.cleanup, jobId: done }, "notFailed"],
      [{ queue: QUEUES.cleanup, jobId: crypto.randomUUID() }, "notFound"],
      // The right id in another queue is not that job.
      [{ queue: QUEUES.outboxDeliver, jobId: id }, "notFound"],
      [{ queue: "pgboss", jobId: id }, "notFound"],
      [{ queue: QUEUES.cleanup, jobId: "1; drop table pgboss.job" }, "notFound"],
      [{}, "notFound"],
    ];
    for (const [input, reason] of cases) {
      const { result, error, changes } = await changesOf(() => retryFailedJob(pmo, input));
      expect(error, JSON.stringify(input)).toBeUndefined();
      expect(result, JSON.stringify(input)).toEqual({ ok: false, reason });
      expect(changes, JSON.stringify(input)).toEqual([]);
    }
    expect((await jobsOf(QUEUES.cleanup)).map((j) => j.state).sort()).toEqual(["completed", "created", "retry"]);
  });

  it("refuses a check job whose import can no longer go back (not failed, or failed otherwise), writing nothing", async () => {
    const { importId, jobId } = await failedCheck();
    // Failed for a reason a retry does not cure.
    await db.update(imports).set({ error: "caseworkerInvalid" }).where(eq(imports.id, importId));
    const { result, changes } = await changesOf(() => retryFailedJob(pmo, { queue: QUEUES.importCheck, jobId }));
    expect(result).toEqual({ ok: false, reason: "importClosed" });
    expect(changes).toEqual([]);
    expect((await jobsOf(QUEUES.importCheck)).find((j) => j.id === jobId)).toMatchObject({ state: "failed" });
  });
});

describe("who may", () => {
  it("gives the PMO's job functions 403 for caseworkers and participants, and writes nothing", async () => {
    const caseworker = await createTestUser("caseworker");
    const participant = (await createTestParticipant()).user;
    const id = await insertFailedJob(QUEUES.cleanup, {});
    for (const user of [caseworker, participant]) {
      expect(await statusOf(() => getJobsOverview(user))).toBe(403);
      expect(await statusOf(() => listFailedJobs(user))).toBe(403);
      const { result, changes } = await changesOf(() => statusOf(() => retryFailedJob(user, { queue: QUEUES.cleanup, jobId: id })));
      expect(result).toBe(403);
      expect(changes).toEqual([]);
    }
    expect((await jobsOf(QUEUES.cleanup))[0]).toMatchObject({ id, state: "failed" });
  });
});
