import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { syncCatalogue } from "./catalogue";
import { encryptLegacyIdentities } from "./identity-keys";
import { installJobQueues } from "@/lib/jobs/engine";
import { db, dbKind } from "./index";

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

/**
 * Applies every committed migration that has not run yet, on either database, then
 * encrypts any NIK or KK still in clear from before migration 0005 (the key lives in the
 * environment, out of the SQL's reach), then the catalogue, then the job queue's own
 * tables (pg-boss, schema "pgboss") with each queue's settings and schedule.
 */
export async function migrateDatabase(): Promise<void> {
  if (dbKind === "pglite") {
    await migratePglite(db as unknown as PgliteDatabase, { migrationsFolder });
  } else {
    await migratePostgres(db, { migrationsFolder });
  }
  await encryptLegacyIdentities(db);
  await syncCatalogue(db);
  await installJobQueues();
}
