import "server-only";
import type PgBoss from "pg-boss";
import { safeErrorSummary } from "@/lib/log";
import { cleanup } from "./cleanup";
import { dataRightsDeadlines } from "./data-rights-deadlines";
import { deadlineReminders } from "./deadline-reminders";
import { newEngine } from "./engine";
import { importCheck } from "./import-check";
import { importFailed } from "./import-failed";
import { importRun } from "./import-run";
import type { JobKind } from "./kind";
import { outboxDeliver } from "./outbox-deliver";
import { outboxFailed } from "./outbox-failed";
import { prakerjaStatus } from "./prakerja-status";
import { prakerjaStatusFailed } from "./prakerja-status-failed";
import { queueSettings, type QueueName, type QueueSetting } from "./queues";

// A worker: one engine instance that takes jobs from every queue (each queue's
// concurrency from lib/jobs/queues.ts), expires the jobs of dead workers, and runs the
// cron schedules. `npm run worker` runs one on its own (scripts/worker.mts); the web
// server runs one in its own process when JOBS_IN_PROCESS is on (the embedded demo).

export const JOB_KINDS: JobKind<never>[] = [
  importCheck,
  importRun,
  importFailed,
  outboxDeliver,
  outboxFailed,
  prakerjaStatus,
  prakerjaStatusFailed,
  deadlineReminders,
  dataRightsDeadlines,
  cleanup,
] as unknown as JobKind<never>[];

/** A job that is not one of these kinds' (tests add their own). */
export type ExtraKind = JobKind<never> & { concurrency?: number; batchSize?: number };

export type WorkerOptions = {
  /** Seconds between polls of an idle queue (pg-boss's pollingIntervalSeconds; default 2). */
  pollSeconds?: number;
  /** Only these queues (default: all). */
  queues?: QueueName[];
  extra?: ExtraKind[];
  log?: (line: Record<string, unknown>) => void;
  /**
   * Run the cron schedules (default: yes, as every worker does). A test's worker does not:
   * a schedule falling due during the test (the hourly data-rights job at minute 5) would
   * add a job the test did not ask for.
   */
  schedule?: boolean;
};

export type Worker = {
  /** Stops taking jobs; waits up to timeoutMs for the jobs in hand, then releases them for another worker. */
  stop: (timeoutMs?: number) => Promise<{ released: boolean }>;
  engine: PgBoss;
};

const defaultLog = (line: Record<string, unknown>) => console.log(JSON.stringify({ at: new Date().toISOString(), ...line }));

/**
 * A job's error as the engine keeps it (on its record, shown on /pmo/jobs): what
 * happened, without the stack or a query's parameters, which may hold personal data.
 */
export function jobError(error: unknown): Error {
  const summary = safeErrorSummary(error);
  // A plain error of the app's own ("payload refused: …") reads as its message alone.
  const plain = /^Error message="([^"]*)"$/.exec(summary);
  const clean = new Error(plain ? plain[1] : summary);
  clean.stack = undefined;
  return clean;
}

/**
 * Settles a job (done, or failed for a retry) however long the database is away, up to
 * about half a minute; past that the job's expiry brings it back (the handlers are safe
 * to run twice).
 */
async function settle(write: () => Promise<unknown>, log: (line: Record<string, unknown>) => void, job: string): Promise<void> {
  for (let attempt = 1; attempt <= 30; attempt++) {
    try {
      await write();
      return;
    } catch (error) {
      if (attempt === 30) log({ event: "job-settle-failed", job, error: safeErrorSummary(error) });
      else await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

export async function startWorker(opts: WorkerOptions = {}): Promise<Worker> {
  const log = opts.log ?? defaultLog;
  const engine = newEngine({ supervise: true, schedule: opts.schedule ?? true });
  engine.on("error", (error: unknown) => log({ event: "engine-error", error: safeErrorSummary(error) }));
  await engine.start();
  const settings = queueSettings();
  const kinds = [...JOB_KINDS, ...(opts.extra ?? [])].filter((k) => !opts.queues || opts.queues.includes(k.queue));
  let inHand = 0;
  for (const kind of kinds) {
    const setting = settings[kind.queue] as QueueSetting | undefined;
    const concurrency = (kind as ExtraKind).concurrency ?? setting?.concurrency ?? 1;
    const batchSize = (kind as ExtraKind).batchSize ?? setting?.batchSize ?? 1;
    for (let i = 0; i < concurrency; i++) {
      await engine.work(
        kind.queue,
        { batchSize, includeMetadata: true, pollingIntervalSeconds: opts.pollSeconds ?? 2 },
        // Each job of a batch is run and settled on its own (pg-boss then settles nothing
        // more: it completes only jobs still active), so one job's failure is its own.
        async (jobs: PgBoss.JobWithMetadata<unknown>[]) => {
          for (const job of jobs) {
            inHand++;
            const started = Date.now();
            try {
              const parsed = kind.payload.safeParse(job.data ?? {});
              if (!parsed.success) {
                throw new Error(`payload refused: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(payload)"}: ${i.message}`).join("; ")}`);
              }
              const data = parsed.data;
              const output = await kind.handle(data, { id: job.id, retryCount: job.retryCount });
              log({ event: "job-done", queue: kind.queue, job: job.id, ms: Date.now() - started });
              await settle(() => engine.complete(kind.queue, job.id, (output ?? {}) as object), log, job.id);
            } catch (error) {
              const clean = jobError(error);
              log({ event: "job-failed", queue: kind.queue, job: job.id, attempt: job.retryCount + 1, ms: Date.now() - started, error: clean.message });
              await settle(() => engine.fail(kind.queue, job.id, { message: clean.message }), log, job.id);
            } finally {
              inHand--;
            }
          }
        },
      );
    }
  }
  log({ event: "worker-started", queues: kinds.map((k) => k.queue) });
  return {
    engine,
    stop: async (timeoutMs = 20_000) => {
      const busy = inHand;
      log({ event: "worker-stopping", jobsInHand: busy, waitMs: timeoutMs });
      await engine.stop({ graceful: true, timeout: timeoutMs, wait: true });
      // pg-boss fails (for a retry elsewhere) whatever was still running at the timeout.
      const released = inHand > 0;
      log({ event: "worker-stopped", released: released ? inHand : 0 });
      return { released };
    },
  };
}
