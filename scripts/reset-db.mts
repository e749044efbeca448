// Empties the PostgreSQL database at DATABASE_URL for a fresh end-to-end run: drops the
// `public` and `drizzle` (migration bookkeeping) schemas with everything in them and
// creates them again, empty, and drops the job queue's schema (`pgboss`), which
// db:migrate installs again: no job of an earlier test run is left in the queues. Used by
// scripts/test.mjs. DESTROYS ALL DATA in that database.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/scratch npx tsx scripts/reset-db.mts
import postgres from "postgres";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("reset-db: DATABASE_URL is not set");
  process.exit(1);
}

const sql = postgres(url, { max: 1, onnotice: () => {} });
try {
  await sql.begin(async (tx) => {
    await tx.unsafe("DROP SCHEMA IF EXISTS pgboss CASCADE");
    await tx.unsafe("DROP SCHEMA IF EXISTS drizzle CASCADE");
    await tx.unsafe("DROP SCHEMA IF EXISTS public CASCADE");
    await tx.unsafe("CREATE SCHEMA public");
    await tx.unsafe("GRANT USAGE ON SCHEMA public TO PUBLIC");
    await tx.unsafe("CREATE SCHEMA drizzle");
  });
  const [{ db }] = await sql<{ db: string }[]>`SELECT current_database() AS db`;
  console.log(`reset-db: emptied database ${db} (schemas public and drizzle recreated, pgboss dropped)`);
} catch (error) {
  console.error(`reset-db: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await sql.end({ timeout: 5 });
}
