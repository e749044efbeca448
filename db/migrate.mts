import { closeDb, dbKind } from "./index";
import { migrateDatabase } from "./migrate-lib";

await migrateDatabase();
console.log(`Migrations applied (${dbKind === "postgres" ? "PostgreSQL at DATABASE_URL" : "embedded PGlite"}).`);
await closeDb();
