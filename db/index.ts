import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import type { SQL } from "drizzle-orm";
import { PgDialect, withReplicas } from "drizzle-orm/pg-core";
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

type Cursor = (text: string, params: unknown[], batchSize: number) => AsyncIterable<Record<string, unknown>[]>;
type Handle = { db: Db; close: () => Promise<void>; kind: "postgres" | "pglite"; cursor?: Cursor; pglite?: PGlite };

// Why the PostgreSQL pool renews itself. postgres.js 3.4.9 (the newest release) can leave a
// pooled connection unable to send anything after its socket dies in the middle of a
// transaction: the ROLLBACK it then writes to the dead socket throws from a setImmediate
// (logged as "uncaughtException: TypeError: Cannot read properties of null (reading
// 'write')") and leaves a stale write timer behind, so every later connect on that slot
// sends nothing and waits for connect_timeout, again and again (porsager/postgres#1154,
// #1208; the fixes are not released). Seen here when PostgreSQL
// was restarted under load (scripts/load-check.mts, fault run; docs/load-and-faults.md):
// uncaught TypeErrors, requests that hung 30 s, and in a driver-level test 6 of 10 slots
// stuck and throughput halved for the rest of the test. The driver keeps its connection objects for the
// life of the client, so the cure is a fresh client: when any connection of the current
// pool closes (a restart, a failover, a killed backend, or max_lifetime), new queries go
// to a new pool, and the old one finishes what it is doing, however long (a cohort
// import's one transaction may take a minute), and ends; a query caught on a broken slot
// of the old pool fails at connect_timeout. At most one renewal a second, so an outage
// does not churn pools (a pool made during the outage has had no open connection to lose,
// so nothing to poison).
const RENEW_AT_MOST_EVERY_MS = 1000;

function openPostgres(url: string): Handle {
  type Pool = { client: postgres.Sql; db: Db; openedAt: number };
  let current: Pool;
  let closing = false;

  function newPool(): Pool {
    const pool: Pool = {
      client: postgres(url, {
        max: Number(process.env.DATABASE_POOL_MAX ?? 10),
        // Behind PgBouncer in transaction mode (DATABASE_PGBOUNCER=1), a connection may
        // serve another client between transactions: no named prepared statements.
        prepare: process.env.DATABASE_PGBOUNCER !== "1",
        // A database that does not answer fails a request in 10 s instead of 30 s.
        connect_timeout: 10,
        // After failed connects, a query waits this long before its connection tries again.
        // The default grows with every failure the pool has seen (3^n / 100 s, up to 20 s),
        // so requests made during and just after a 3-second restart waited up to 20 s
        // (measured: scripts/load-check.mts fault run, and a driver-level test with 30
        // clients: 19.9 s with the default, 1.1 s with this). Ten connections retrying once
        // a second are no burden on a recovering server.
        backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
        onnotice: () => {},
        onclose: () => {
          if (!closing && pool === current && Date.now() - pool.openedAt >= RENEW_AT_MOST_EVERY_MS) renew();
        },
      }),
      db: undefined as unknown as Db,
      openedAt: Date.now(),
    };
    pool.db = drizzlePostgres({ client: pool.client, schema });
    return pool;
  }

  function renew() {
    const old = current;
    current = newPool();
    // No timeout: nothing running is cut off, and no timer keeps a script alive.
    old.client.end().catch(() => {});
  }

  current = newPool();
  // Every use of `db` reads the current pool's Drizzle object; a transaction stays on the
  // pool it began on.
  const db = new Proxy({} as Db, {
    get(_, property) {
      const value = Reflect.get(current.db, property, current.db);
      return typeof value === "function" ? value.bind(current.db) : value;
    },
  });
  return {
    db,
    close: async () => {
      closing = true;
      await current.client.end();
    },
    kind: "postgres",
    cursor: (text, params, batchSize) => current.client.unsafe(text, params as never[]).cursor(batchSize),
  };
}

/**
 * Reads that may lag the primary by a moment (the PMO's dashboard, lists, export and audit
 * log) go to PostgreSQL read replicas when DATABASE_REPLICA_URLS names any
 * (comma-separated), through Drizzle's withReplicas: selects go to a replica picked at
 * random, writes and transactions to the primary. Raw SQL (`execute`) is a read here too,
 * so it goes to a replica as well. Without replicas this is the primary itself.
 */
function withReadReplicas(primary: Handle, urls: string[]): Handle & { read: Db } {
  const replicas = urls.map((u) => openPostgres(u));
  const pickReplica = () => replicas[Math.floor(Math.random() * replicas.length)];
  const pick = () => pickReplica().db;
  const routed = withReplicas(primary.db, replicas.map((r) => r.db) as [Db, ...Db[]], pick);
  const read = new Proxy({} as Db, {
    get(_, property) {
      if (property === "execute") return (...args: Parameters<Db["execute"]>) => pick().execute(...args);
      // The select family comes from withReplicas; anything else the read side has no use for.
      const source: object = property in routed ? routed : primary.db;
      const value = Reflect.get(source, property, source);
      return typeof value === "function" ? value.bind(source) : value;
    },
  });
  return {
    ...primary,
    read,
    cursor: (...args) => pickReplica().cursor!(...args),
    close: async () => {
      await Promise.all([primary.close(), ...replicas.map((r) => r.close())]);
    },
  };
}

function open(): Handle & { read: Db } {
  const url = process.env.DATABASE_URL;
  const replicaUrls = (process.env.DATABASE_REPLICA_URLS ?? "").split(",").map((u) => u.trim()).filter(Boolean);
  if (url && replicaUrls.length > 0) return withReadReplicas(openPostgres(url), replicaUrls);
  if (url) {
    const primary = openPostgres(url);
    return { ...primary, read: primary.db };
  }
  const dir = process.env.PGLITE_DIR ?? path.join(process.cwd(), ".data", "pglite");
  if (!dir.includes("://")) mkdirSync(dir, { recursive: true });
  // pg_trgm: the trigram indexes of the PMO search (migration 0007), as on PostgreSQL.
  const client = new PGlite(dir, { extensions: { pg_trgm } });
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  return { db, read: db, close: () => client.close(), kind: "pglite", pglite: client };
}

// Cached on globalThis so that hot reload in development does not open a second pool
// (or a second PGlite instance on the same folder, which would corrupt it).
const globalForDb = globalThis as unknown as { __pendampingDb?: Handle & { read: Db } };
const handle = globalForDb.__pendampingDb ?? open();
globalForDb.__pendampingDb = handle;

export const db = handle.db;
/** For reads that may lag by a moment (PMO reporting): a read replica when configured, else `db`. */
export const readDb = handle.read;
export const dbKind = handle.kind;
/** The embedded database itself (null on PostgreSQL): the job queue runs its multi-statement set-up through it. */
export const pgliteClient: PGlite | null = handle.pglite ?? null;

const dialect = new PgDialect();
/**
 * A read query's rows in batches from one server-side cursor, on a replica when there is
 * one: one statement and one snapshot, and the planner is free to scan and join in bulk
 * (an export of a million rows by key-ordered pages reads the heap at random instead).
 * The cursor holds one connection until it is read to the end or closed (`return()`).
 * Null on PGlite, where callers page by key.
 */
export function readCursor<T>(query: SQL, batchSize: number): AsyncIterable<T[]> | null {
  if (!handle.cursor) return null;
  const { sql, params } = dialect.sqlToQuery(query);
  return handle.cursor(sql, params, batchSize) as AsyncIterable<T[]>;
}
/**
 * The rows of a raw SQL query, on the primary, a replica (`readDb`) or in a transaction:
 * postgres.js answers an array, PGlite an object with `rows`.
 */
export async function executeRows<T>(query: SQL, runner: Pick<Db, "execute"> | Pick<Tx, "execute"> = db): Promise<T[]> {
  const result: unknown = await runner.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
export const closeDb = handle.close;
export { schema };
