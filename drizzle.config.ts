import { defineConfig } from "drizzle-kit";

// Migrations are generated from db/schema.ts and committed; db/migrate.mts applies the
// same files to PostgreSQL and to the embedded PGlite database.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema.ts",
  out: "./db/migrations",
});
