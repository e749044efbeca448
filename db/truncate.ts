import { sql } from "drizzle-orm";
import type { Db } from "./index";

/**
 * Empties every table but the reference catalogue (services, blockers), for tests and
 * `db:seed --reset`. TRUNCATE bypasses the append-only row triggers on purpose.
 */
export async function truncateData(db: Db): Promise<void> {
  const result = await db.execute(
    sql`select tablename from pg_tables where schemaname = 'public' and tablename not in ('services', 'blockers')`,
  );
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { tablename: string }[];
  if (rows.length === 0) return;
  const names = rows.map((r) => `"${r.tablename.replace(/"/g, '""')}"`).join(", ");
  await db.execute(sql.raw(`truncate ${names} restart identity cascade`));
  // The job queue's jobs (its queues and schedules stay: db:migrate made them).
  const queue = await db.execute(sql`select 1 from pg_tables where schemaname = 'pgboss' and tablename = 'job'`);
  if (((Array.isArray(queue) ? queue : (queue as { rows: unknown[] }).rows) as unknown[]).length > 0) {
    await db.execute(sql.raw(`truncate pgboss.job, pgboss.archive`));
  }
}
