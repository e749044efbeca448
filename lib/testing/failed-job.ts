// A job as the engine leaves it after its last attempt failed, written straight into
// pg-boss's table: for tests that need a failed job of a given age or queue without
// running a worker (lib/data/jobs.test.ts makes a real one through the worker too).
import { sql } from "drizzle-orm";
import { db, executeRows } from "@/db";
import type { QueueName } from "@/lib/jobs/queues";

export async function insertFailedJob(
  queue: QueueName,
  data: Record<string, unknown>,
  opts: { message?: string; attempts?: number; failedAt?: Date } = {},
): Promise<string> {
  const attempts = opts.attempts ?? 3;
  const failedAt = (opts.failedAt ?? new Date()).toISOString();
  const [row] = await executeRows<{ id: string }>(sql`
    insert into pgboss.job (name, data, state, retry_limit, retry_count, start_after, started_on, created_on, completed_on, output)
    values (${queue}, ${JSON.stringify(data)}::jsonb, 'failed', ${attempts - 1}, ${attempts - 1},
            ${failedAt}::timestamptz, ${failedAt}::timestamptz, ${failedAt}::timestamptz - interval '10 minutes', ${failedAt}::timestamptz,
            ${JSON.stringify({ message: opts.message ?? "Error message=\"connect ECONNREFUSED 127.0.0.1:5432\"" })}::jsonb)
    returning id::text as id`);
  return row.id;
}

/** Sets columns of one job row as a test needs them (state, times). */
export async function setJob(id: string, set: { state?: string; startAfter?: Date; completedOn?: Date | null; startedOn?: Date | null }): Promise<void> {
  const parts = [
    set.state !== undefined ? sql`state = ${set.state}::pgboss.job_state` : null,
    set.startAfter !== undefined ? sql`start_after = ${set.startAfter.toISOString()}::timestamptz` : null,
    set.completedOn !== undefined ? sql`completed_on = ${set.completedOn?.toISOString() ?? null}::timestamptz` : null,
    set.startedOn !== undefined ? sql`started_on = ${set.startedOn?.toISOString() ?? null}::timestamptz` : null,
  ].filter((p) => p !== null);
  await db.execute(sql`update pgboss.job set ${sql.join(parts, sql`, `)} where id = ${id}::uuid`);
}
