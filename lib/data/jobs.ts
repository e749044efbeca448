import "server-only";
import { sql } from "drizzle-orm";
import { db, executeRows, type Tx } from "@/db";
import { retryJobs } from "@/lib/jobs/engine";
import { QUEUE_NAMES, QUEUES, type QueueName } from "@/lib/jobs/queues";
import { jobRetrySchema } from "@/lib/validation/jobs";
import { recordAudit } from "./audit";
import { reopenFailedImport } from "./imports";
import { requirePermission, type SessionUser } from "./permissions";

// What the PMO sees of the background jobs (/pmo/jobs): each queue's jobs by state, the
// failed ones, and the retry of a failed job. The jobs are pg-boss's rows (schema
// "pgboss", lib/jobs/engine.ts); a job's payload holds only ids, and of it the page shows
// no more than a link to the record it concerns. A job's error is what the worker kept
// (lib/jobs/worker.ts jobError: the message, without stack or query parameters).

export const FAILED_JOBS_PAGE_SIZE = 50;
/** The longest error message shown (the worker's are at most a few hundred characters). */
const ERROR_MAX = 500;

/** Jakarta has kept UTC+7 all year since 1964: its day starts at 17:00 UTC the day before. */
const JAKARTA_OFFSET_MS = 7 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/** 00:00 of now's day in Asia/Jakarta, as an instant. */
export function startOfJakartaDay(now: Date): Date {
  return new Date(Math.floor((now.getTime() + JAKARTA_OFFSET_MS) / DAY_MS) * DAY_MS - JAKARTA_OFFSET_MS);
}

export type QueueOverview = {
  queue: QueueName;
  /** Created or to be retried, and due: a worker may take them now. */
  waiting: number;
  /** Created or to be retried, not due yet (a retry's pause, a job queued for later). */
  scheduled: number;
  running: number;
  /** Completed since 00:00 today in Jakarta. */
  doneToday: number;
  failed: number;
  /** How long the longest-waiting due job has been due, in whole seconds; null when none waits. */
  oldestWaitingSeconds: number | null;
};

/** Every queue (the order of lib/jobs/queues.ts: imports, messages, schedules), empty ones too. */
export async function getJobsOverview(viewer: SessionUser, now: Date = new Date()): Promise<QueueOverview[]> {
  requirePermission(viewer, "read:jobs:any");
  const at = now.toISOString();
  const since = startOfJakartaDay(now).toISOString();
  // One pass over the job table; "due" is measured from start_after, so a job that waits
  // out a retry's pause is not counted as waiting, and its age starts when it falls due.
  const rows = await executeRows<{
    name: string;
    waiting: number;
    scheduled: number;
    running: number;
    done_today: number;
    failed: number;
    oldest: number | null;
  }>(sql`
    select name,
      count(*) filter (where state in ('created', 'retry') and start_after <= ${at}::timestamptz)::int as waiting,
      count(*) filter (where state in ('created', 'retry') and start_after > ${at}::timestamptz)::int as scheduled,
      count(*) filter (where state = 'active')::int as running,
      count(*) filter (where state = 'completed' and completed_on >= ${since}::timestamptz)::int as done_today,
      count(*) filter (where state = 'failed')::int as failed,
      floor(extract(epoch from ${at}::timestamptz
        - min(start_after) filter (where state in ('created', 'retry') and start_after <= ${at}::timestamptz)))::int as oldest
    from pgboss.job
    where name in ${QUEUE_NAMES}
    group by name`);
  const byName = new Map(rows.map((r) => [r.name, r]));
  return QUEUE_NAMES.map((queue) => {
    const r = byName.get(queue);
    return {
      queue,
      waiting: r?.waiting ?? 0,
      scheduled: r?.scheduled ?? 0,
      running: r?.running ?? 0,
      doneToday: r?.done_today ?? 0,
      failed: r?.failed ?? 0,
      oldestWaitingSeconds: r?.oldest == null ? null : Math.max(0, Number(r.oldest)),
    };
  });
}

/** What a failed job concerns, as a link the page may show: never the payload itself. */
export type JobSubject = { kind: "import"; importId: string } | { kind: "outbox" } | null;

export type FailedJob = {
  id: string;
  queue: QueueName;
  /** The last attempt's error message (empty when the engine kept none). */
  error: string;
  /** Attempts made: the first run and each retry. */
  attempts: number;
  failedAt: Date | null;
  subject: JobSubject;
};

export type FailedJobsPage = { rows: FailedJob[]; total: number; page: number; pageCount: number };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const IMPORT_QUEUES: readonly string[] = [QUEUES.importCheck, QUEUES.importRun, QUEUES.importFailed];
const OUTBOX_QUEUES: readonly string[] = [QUEUES.outboxDeliver, QUEUES.outboxFailed];

function subjectOf(queue: string, importId: unknown): JobSubject {
  if (IMPORT_QUEUES.includes(queue)) return typeof importId === "string" && UUID.test(importId) ? { kind: "import", importId: importId.toLowerCase() } : null;
  if (OUTBOX_QUEUES.includes(queue)) return { kind: "outbox" };
  return null;
}

/**
 * The error a failed job's record keeps: the worker's {"message": …}, or pg-boss's own
 * {"value": {"message": …}} (a job that outlived its expiry).
 */
const errorOf = sql`coalesce(output->>'message', output->'value'->>'message', '')`;

/** Failed jobs, the most recent failure first, a page at a time. */
export async function listFailedJobs(viewer: SessionUser, opts: { page?: number } = {}): Promise<FailedJobsPage> {
  requirePermission(viewer, "read:jobs:any");
  const [{ n }] = await executeRows<{ n: number }>(
    sql`select count(*)::int as n from pgboss.job where state = 'failed' and name in ${QUEUE_NAMES}`,
  );
  const pageCount = Math.max(1, Math.ceil(n / FAILED_JOBS_PAGE_SIZE));
  const page = Math.min(Math.max(1, Math.floor(opts.page ?? 1)), pageCount);
  const rows = await executeRows<{ id: string; name: string; retry_count: number; error: string; completed_on: string | Date | null; import_id: unknown }>(sql`
    select id::text as id, name, retry_count, left(${errorOf}, ${ERROR_MAX}) as error, completed_on, data->>'importId' as import_id
    from pgboss.job
    where state = 'failed' and name in ${QUEUE_NAMES}
    order by completed_on desc nulls last, id
    limit ${FAILED_JOBS_PAGE_SIZE} offset ${(page - 1) * FAILED_JOBS_PAGE_SIZE}`);
  return {
    rows: rows.map((r) => ({
      id: r.id,
      queue: r.name as QueueName,
      error: r.error,
      attempts: r.retry_count + 1,
      failedAt: r.completed_on == null ? null : new Date(r.completed_on),
      subject: subjectOf(r.name, r.import_id),
    })),
    total: n,
    page,
    pageCount,
  };
}

export type RetryRefusal = "notFound" | "notFailed" | "importClosed";
export type RetryResult = { ok: true; id: string; queue: QueueName } | { ok: false; reason: RetryRefusal };

/** The phase a retried import job puts its import back in. */
const IMPORT_PHASE: Partial<Record<QueueName, "checking" | "importing">> = {
  [QUEUES.importCheck]: "checking",
  [QUEUES.importRun]: "importing",
};

class RolledBack extends Error {}

/**
 * Puts one failed job back in its queue (the PMO's "retry"): in one transaction, the job
 * is locked and checked to be failed; a check or import job first puts its import back in
 * that phase (refused when the import can no longer go back: imported since, or failed for
 * a reason a retry does not cure); then the engine's retry, and the audit event. A job that
 * is not failed (already retried, finished, or never there) is refused and nothing is written.
 */
export async function retryFailedJob(viewer: SessionUser, input: unknown): Promise<RetryResult> {
  requirePermission(viewer, "update:jobs:any");
  const parsed = jobRetrySchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: "notFound" };
  const queue = parsed.data.queue as QueueName;
  const { jobId } = parsed.data;
  try {
    return await db.transaction(async (tx): Promise<RetryResult> => {
      const [job] = await executeRows<{ state: string; retry_count: number; error: string; import_id: unknown }>(
        sql`select state, retry_count, left(${errorOf}, ${ERROR_MAX}) as error, data->>'importId' as import_id
            from pgboss.job where name = ${queue} and id = ${jobId}::uuid for update`,
        tx,
      );
      if (!job) return { ok: false, reason: "notFound" };
      if (job.state !== "failed") return { ok: false, reason: "notFailed" };
      const phase = IMPORT_PHASE[queue];
      if (phase) {
        const importId = typeof job.import_id === "string" && UUID.test(job.import_id) ? job.import_id : null;
        // reopenFailedImport writes nothing when it answers false.
        if (!importId || !(await reopenFailedImport(tx, importId, phase))) return { ok: false, reason: "importClosed" };
      }
      // The row is locked and failed: the engine's retry moves exactly it.
      if ((await retryJobs(tx, queue, [jobId])) !== 1) throw new RolledBack();
      await audit(tx, viewer, { id: jobId, queue, attempts: job.retry_count + 1, error: job.error });
      return { ok: true, id: jobId, queue };
    });
  } catch (error) {
    if (error instanceof RolledBack) return { ok: false, reason: "notFailed" };
    throw error;
  }
}

async function audit(tx: Tx, viewer: SessionUser, job: { id: string; queue: QueueName; attempts: number; error: string }): Promise<void> {
  await recordAudit(tx, {
    actor: viewer,
    action: "job.retry",
    entityType: "job",
    entityId: job.id,
    before: { state: "failed", attempts: job.attempts, error: job.error },
    after: { state: "retry", queue: job.queue },
  });
}
