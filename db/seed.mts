// npm run db:seed — loads the demo data (db/demo-data.ts) into DATABASE_URL or the
// embedded database. Refuses with NODE_ENV=production unless given --force; --reset
// empties the tables first.
import { loadDemoData } from "./demo-data";
import { closeDb } from "./index";
import { migrateDatabase } from "./migrate-lib";

const args = new Set(process.argv.slice(2));
if (process.env.NODE_ENV === "production" && !args.has("--force")) {
  console.error("Refusing to load demo data with NODE_ENV=production (pass --force if you really mean it).");
  process.exit(1);
}

await migrateDatabase();
const result = await loadDemoData({ reset: args.has("--reset") });
console.log(
  result.loaded
    ? `Demo data loaded: 4 demo accounts, ${result.participants} participants, ${result.serviceLogs} logged services.`
    : "Demo data is already loaded (run with --reset to load it again).",
);
await closeDb();
