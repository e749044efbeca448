// Jobs in tests: what the queue holds, and a worker run until the queue is drained.
import { sql } from "drizzle-orm";
import { executeRows } from "@/db";
import { startWorker, type ExtraKind } from "@/lib/jobs/worker";
import type { QueueName } from "@/lib/jobs/queues";

export type JobRow = {
  id: string;
  name: string;
  state: string;
  data: Record<string, unknown>;
  retry_count: number;
  retry_limit: number;
  output: Record<string, unknown> | null;
  start_after: Date;
  started_on: Date | null;
  completed_on: Date | null;
  created_on: Date;
};

/** Every job of a queue (or of all queues), oldest first. */
export async function jobsOf(queue?: string): Promise<JobRow[]> {
  return executeRows<JobRow>(
    sql`select id, name, state, data, retry_count, retry_limit, output, start_after, started_on, completed_on, created_on
        from pgboss.job ${queue ? sql`where name = ${queue}` : sql``} order by created_on, id`,
  );
}

/** Jobs not finished yet (waiting, retrying, running), of some queues or all. */
async function unfinished(queues?: string[]): Promise<number> {
  const [row] = await executeRows<{ n: number }>(
    sql`select count(*)::int as n from pgboss.job
        where state in ('created', 'retry', 'active')
          ${queues ? sql`and name in ${queues}` : sql``}`,
  );
  return row.n;
}

/**
 * Runs a worker in this process until no job of the given queues is waiting or running
 * (retries included: set their delays to 0 in the test, or this waits for them), then
 * stops it. Throws after timeoutMs.
 */
export async function drainJobs(opts: { queues?: QueueName[]; extra?: ExtraKind[]; timeoutMs?: number } = {}): Promise<void> {
  // No cron schedules: only the jobs the test queued run (a schedule due meanwhile would add one).
  const worker = await startWorker({ pollSeconds: 0.5, queues: opts.queues, extra: opts.extra, log: () => {}, schedule: false });
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  const names = opts.queues ? [...opts.queues, ...(opts.extra ?? []).map((e) => e.queue)] : undefined;
  try {
    while ((await unfinished(names)) > 0) {
      if (Date.now() > deadline) throw new Error("jobs still waiting after the time allowed");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await worker.stop(5_000);
  }
}
