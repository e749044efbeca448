import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { mkdirSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import * as schema from "./schema";

// One Drizzle object for the whole app. With DATABASE_URL it talks to PostgreSQL through
// postgres.js; without it, to an embedded PGlite database in PGLITE_DIR (default .data/pglite;
// "memory://" for a throwaway one). Both expose the same PgDatabase API, so the rest of the
// code is typed against the postgres.js flavour.
export type Db = PostgresJsDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

type Handle = { db: Db; close: () => Promise<void>; kind: "postgres" | "pglite" };

function open(): Handle {
  const url = process.env.DATABASE_URL;
  if (url) {
    const client = postgres(url, {
      max: Number(process.env.DATABASE_POOL_MAX ?? 10),
      onnotice: () => {},
    });
    return { db: drizzlePostgres({ client, schema }), close: () => client.end(), kind: "postgres" };
  }
  const dir = process.env.PGLITE_DIR ?? path.join(process.cwd(), ".data", "pglite");
  if (!dir.includes("://")) mkdirSync(dir, { recursive: true });
  const client = new PGlite(dir);
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  return { db, close: () => client.close(), kind: "pglite" };
}

// Cached on globalThis so that hot reload in development does not open a second pool
// (or a second PGlite instance on the same folder, which would corrupt it).
const globalForDb = globalThis as unknown as { __pendampingDb?: Handle };
const handle = globalForDb.__pendampingDb ?? open();
globalForDb.__pendampingDb = handle;

export const db = handle.db;
export const dbKind = handle.kind;
export const closeDb = handle.close;
export { schema };
