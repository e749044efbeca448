import "server-only";
import { Param, sql, type SQL } from "drizzle-orm";
import PgBoss from "pg-boss";
import { db, executeRows, pgliteClient, type Tx } from "@/db";
import { JOB_SCHEMA, QUEUE_NAMES, queueSettings, SCHEDULE_TIME_ZONE, type QueueName } from "./queues";

// The job engine, pg-boss 10 (docs/decisions/021-job-queue-engine.md), set up for both of
// the app's databases. pg-boss talks to PostgreSQL through an "executor" (executeSql):
// - on PostgreSQL a worker uses pg-boss's own connection pool (node-postgres);
// - on PGlite everything goes through the one embedded database (query, or exec for the
//   engine's multi-statement set-up and maintenance);
// - a job queued by the data layer goes through the caller's Drizzle transaction, so that
//   the job exists exactly when the change that causes it commits.

type Runner = Pick<Tx, "execute"> | typeof db;
type Executor = { executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> };

/** A value as a bind parameter: objects as JSON (as node-postgres sends them). */
function bindable(value: unknown): unknown {
  if (value === undefined) return null;
  if (value === null || value instanceof Date || Array.isArray(value) || typeof value !== "object") return value;
  return JSON.stringify(value);
}

/** pg-boss's SQL with $n placeholders as a Drizzle query, each placeholder bound to its value. */
function asDrizzle(text: string, values: unknown[]): SQL {
  if (values.length === 0) return sql.raw(text);
  const chunks: SQL[] = [];
  let last = 0;
  for (const match of text.matchAll(/\$(\d+)/g)) {
    chunks.push(sql.raw(text.slice(last, match.index)));
    // A Param binds an array as one array value (a bare array would become a list).
    chunks.push(sql`${new Param(bindable(values[Number(match[1]) - 1]))}`);
    last = match.index + match[0].length;
  }
  chunks.push(sql.raw(text.slice(last)));
  return sql.join(chunks, sql.raw(""));
}

/** An executor over Drizzle: the app's database, or a transaction of the caller's. */
export function drizzleExecutor(runner: Runner): Executor {
  return { executeSql: async (text, values = []) => ({ rows: await executeRows(asDrizzle(text, values), runner) }) };
}

/** The embedded database as an executor: multi-statement text (no values) goes to exec. */
function pgliteExecutor(): Executor {
  const client = pgliteClient!;
  return {
    executeSql: async (text, values) => {
      if (values && values.length) return client.query(text, values.map(bindable));
      const results = await client.exec(text);
      return results.findLast((r) => r.rows.length > 0) ?? results.at(-1) ?? { rows: [] };
    },
  };
}

export type EngineOptions = {
  /** Supervise: expire jobs of dead workers, archive finished ones (workers do it; a web server does not). */
  supervise?: boolean;
  /** Run the cron schedules (workers do it). */
  schedule?: boolean;
};

/** A new engine instance on the app's database (not started). */
export function newEngine(opts: EngineOptions = {}): PgBoss {
  const maintenance = Number(process.env.JOBS_MAINTENANCE_SECONDS);
  const common = {
    schema: JOB_SCHEMA,
    supervise: opts.supervise ?? false,
    schedule: opts.schedule ?? false,
    // The worker never changes the engine's tables: db:migrate installs them.
    migrate: false,
    maintenanceIntervalSeconds: Number.isFinite(maintenance) && maintenance >= 1 ? maintenance : 60,
    // Finished jobs stay visible a week (the PMO's "done today", failed jobs to retry).
    archiveCompletedAfterSeconds: 7 * 24 * 3600,
    archiveFailedAfterSeconds: 30 * 24 * 3600,
  } satisfies PgBoss.ConstructorOptions;
  if (pgliteClient) return new PgBoss({ ...common, db: pgliteExecutor() as PgBoss.Db });
  return new PgBoss({
    ...common,
    connectionString: process.env.DATABASE_URL,
    max: Number(process.env.JOBS_POOL_MAX ?? 4),
    application_name: "pendamping-worker",
  } as PgBoss.ConstructorOptions);
}

// The instance that queues jobs (never started: sending needs no start, and the data
// layer passes its own transaction as the executor).
const globalForJobs = globalThis as unknown as { __pendampingSender?: PgBoss };
function sender(): PgBoss {
  return (globalForJobs.__pendampingSender ??= new PgBoss({ schema: JOB_SCHEMA, db: drizzleExecutor(db) as PgBoss.Db, migrate: false }));
}

export type EnqueueOptions = Pick<PgBoss.SendOptions, "singletonKey" | "startAfter" | "expireInSeconds" | "priority" | "id">;

/**
 * Queues a job in the caller's transaction: it exists if and only if the transaction
 * commits. The queue's retries, expiry and dead letter come from its settings (installed
 * by db:migrate). Returns the job's id, or null when a singleton key already has one.
 */
export async function enqueue(tx: Tx, queue: QueueName, data: object, opts: EnqueueOptions = {}): Promise<string | null> {
  const id = await sender().send(queue, data, { ...opts, db: drizzleExecutor(tx) as PgBoss.Db });
  if (id === null && !opts.singletonKey) throw new Error(`queue "${queue}" is not installed (run npm run db:migrate)`);
  return id;
}

/**
 * Queues many jobs of one queue in the caller's transaction, in one statement (a run of
 * thousands of messages); each job's retries, expiry and dead letter come from its queue's
 * settings, as enqueue's do. Returns how many were queued.
 */
export async function enqueueMany(tx: Tx, queue: QueueName, jobs: { data: object; startAfter?: string }[]): Promise<number> {
  if (jobs.length === 0) return 0;
  const ids = await sender().insert(
    jobs.map((j) => ({ name: queue, data: j.data, ...(j.startAfter ? { startAfter: j.startAfter } : {}) })) as PgBoss.JobInsert[],
    { db: drizzleExecutor(tx) as PgBoss.Db } as never,
  );
  return (ids as unknown as string[] | null)?.length ?? jobs.length;
}

/** Puts failed jobs back in their queue, in the caller's transaction (the PMO's retry). */
export async function retryJobs(tx: Tx, queue: QueueName, ids: string[]): Promise<number> {
  const engine = new PgBoss({ schema: JOB_SCHEMA, db: drizzleExecutor(tx) as PgBoss.Db, migrate: false });
  const result = (await engine.retry(queue, ids)) as unknown as { affected?: number } | undefined;
  return result?.affected ?? 0;
}

/**
 * Installs or upgrades the engine's tables (schema "pgboss"), then creates each queue with
 * its settings and each schedule. Part of db:migrate: safe to run again, and the current
 * settings win.
 */
export async function installJobQueues(): Promise<void> {
  const engine = pgliteClient
    ? new PgBoss({ schema: JOB_SCHEMA, db: pgliteExecutor() as PgBoss.Db, migrate: true, supervise: false, schedule: false })
    : new PgBoss({ schema: JOB_SCHEMA, connectionString: process.env.DATABASE_URL, max: 2, migrate: true, supervise: false, schedule: false });
  engine.on("error", () => {});
  await engine.start();
  try {
    const settings = queueSettings();
    // Dead-letter queues first: a queue names its dead letter's row.
    const names = QUEUE_NAMES.slice().sort((a, b) => Number(Boolean(settings[b].deadLetter === undefined)) - Number(Boolean(settings[a].deadLetter === undefined)));
    for (const name of names) {
      const { cron, concurrency: _concurrency, batchSize: _batchSize, ...options } = settings[name];
      await engine.createQueue(name, { name, ...options });
      await engine.updateQueue(name, { name, ...options });
      if (cron) await engine.schedule(name, cron, {}, { tz: SCHEDULE_TIME_ZONE });
    }
  } finally {
    await engine.stop({ graceful: false, close: true });
  }
}
