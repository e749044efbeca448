import { sql } from "drizzle-orm";
import type { Db } from "./index";

/**
 * The demo's one failed background job, so that /pmo/jobs shows what a failure looks like
 * and its retry can be tried: last night's cleanup (lib/jobs/cleanup.ts), which failed on
 * each of its three attempts. A retry runs the real cleanup, which is harmless at any time.
 * The error is in the form the worker keeps (lib/jobs/worker.ts jobError).
 */
export async function loadDemoJobs(tx: Pick<Db, "execute">): Promise<void> {
  await tx.execute(sql`
    insert into pgboss.job (name, data, state, retry_limit, retry_count, retry_delay, start_after, started_on, created_on, completed_on, output)
    values ('cleanup', '{}'::jsonb, 'failed', 2, 2, 300,
            now() - interval '50 minutes', now() - interval '50 minutes', now() - interval '1 hour', now() - interval '49 minutes',
            ${JSON.stringify({ message: 'Error code=57014 message="canceling statement due to statement timeout"' })}::jsonb)`);
}
