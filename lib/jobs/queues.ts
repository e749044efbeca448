// The job queues: their names, and what the engine (pg-boss) does with each job of them.
// Plain data, imported by the data layer (to queue a job in its own transaction), by the
// queue's installation (db:migrate) and by the worker. The handlers live beside this file,
// one per kind (lib/jobs/*.ts); docs/architecture.md describes each queue.
import type PgBoss from "pg-boss";

export const QUEUES = {
  /** Checks an uploaded cohort file's rows (lib/jobs/import-check.ts). */
  importCheck: "import-check",
  /** Imports a confirmed cohort in one transaction (lib/jobs/import-run.ts). */
  importRun: "import-run",
  /** Dead letters of the two above: the import is settled as failed (lib/jobs/import-failed.ts). */
  importFailed: "import-failed",
  /** Sends one outbox message (lib/jobs/outbox-deliver.ts). */
  outboxDeliver: "outbox-deliver",
  /** Dead letters of outbox-deliver: the message is marked failed (lib/jobs/outbox-failed.ts). */
  outboxFailed: "outbox-failed",
  /** Every day at 07:00 in Jakarta: the purchase-deadline reminders (lib/jobs/deadline-reminders.ts). */
  deadlineReminders: "deadline-reminders",
  /** Every hour: data-rights requests near their 3 × 24-hour deadline (lib/jobs/data-rights-deadlines.ts). */
  dataRightsDeadlines: "data-rights-deadlines",
  /** Applies a large batch of Prakerja status events (lib/jobs/prakerja-status.ts). */
  prakerjaStatus: "prakerja-status",
  /** Dead letters of prakerja-status: the batch is settled as failed (lib/jobs/prakerja-status-failed.ts). */
  prakerjaStatusFailed: "prakerja-status-failed",
  /** Every night: expired throttle rows, used activation codes, abandoned uploads (lib/jobs/cleanup.ts). */
  cleanup: "cleanup",
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const QUEUE_NAMES = Object.values(QUEUES) as QueueName[];

/** The engine's schema in the database. */
export const JOB_SCHEMA = "pgboss";

/**
 * How long a job may run before the engine takes it for dead and retries it (pg-boss 10
 * has no heartbeat: a worker killed in the middle of a job is found only this way). Each
 * must exceed its kind's longest honest run; the handlers are safe to run twice at once.
 * The import queues' figure can be set by the environment (tests use a few seconds).
 */
function importExpirySeconds(): number {
  const set = Number(process.env.JOBS_IMPORT_EXPIRE_SECONDS);
  return Number.isFinite(set) && set >= 1 ? Math.floor(set) : 30 * 60;
}

export type QueueSetting = Omit<PgBoss.Queue, "name"> & {
  /** A cron schedule (pg-boss's, checked once a minute), in Asia/Jakarta time. */
  cron?: string;
  /** Jobs of this queue one worker process runs at once. */
  concurrency: number;
  /**
   * Jobs one fetch takes, run one after another (default 1). pg-boss 10 waits out the
   * rest of its polling interval after each fetch, so a queue of many short jobs takes
   * them in batches.
   */
  batchSize?: number;
};

/** Each queue's retries, expiry, dead letter and schedule. Retry delays are in seconds. */
export function queueSettings(): Record<QueueName, QueueSetting> {
  // The check and the import: few, long, one at a time per worker; their dead letter
  // settles the import as failed.
  const importJob: QueueSetting = {
    retryLimit: 3,
    retryDelay: 5,
    retryBackoff: true,
    expireInSeconds: importExpirySeconds(),
    deadLetter: QUEUES.importFailed,
    concurrency: 1,
  };
  return {
    "import-check": importJob,
    "import-run": importJob,
    "import-failed": { retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 60, concurrency: 1 },
    // 30 s, 1 min, 2 min, 4 min, 8 min (with jitter): about a quarter of an hour of tries.
    "outbox-deliver": {
      retryLimit: 5,
      retryDelay: 30,
      retryBackoff: true,
      expireInSeconds: 120,
      deadLetter: QUEUES.outboxFailed,
      concurrency: 2,
      batchSize: 25,
    },
    "outbox-failed": { retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 60, concurrency: 1 },
    // A batch of up to 10,000 events in one transaction (seconds at 1M participants): a
    // few tries, then the dead letter settles the batch as failed.
    "prakerja-status": {
      retryLimit: 2,
      retryDelay: 10,
      retryBackoff: true,
      expireInSeconds: 5 * 60,
      deadLetter: QUEUES.prakerjaStatusFailed,
      concurrency: 1,
    },
    "prakerja-status-failed": { retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 60, concurrency: 1 },
    "deadline-reminders": {
      retryLimit: 3,
      retryDelay: 60,
      retryBackoff: true,
      expireInSeconds: 15 * 60,
      cron: "0 7 * * *",
      concurrency: 1,
      policy: "singleton",
    },
    "data-rights-deadlines": {
      retryLimit: 2,
      retryDelay: 60,
      expireInSeconds: 5 * 60,
      cron: "5 * * * *",
      concurrency: 1,
      policy: "singleton",
    },
    cleanup: { retryLimit: 2, retryDelay: 300, expireInSeconds: 15 * 60, cron: "30 2 * * *", concurrency: 1, policy: "singleton" },
  };
}

export const SCHEDULE_TIME_ZONE = "Asia/Jakarta";
