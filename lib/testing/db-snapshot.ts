// Every row of every table with the transaction that last wrote it (PostgreSQL's xmin),
// so that a test can tell exactly which rows a call inserted, changed or deleted, and in
// which transaction. Works on PGlite and PostgreSQL alike (Vitest only: it talks to the
// database). The catalogue tables are read too: nothing should write them either.
import { sql, type SQL } from "drizzle-orm";
import { db } from "@/db";

export type Row = Record<string, unknown>;
export type RowState = { xmin: string; row: Row };
/** table → primary key (as JSON) → the row and its xmin */
export type Snapshot = Map<string, Map<string, RowState>>;

export type Change = {
  table: string;
  kind: "insert" | "update" | "delete";
  key: string;
  /** The transaction that wrote the row (null for a deleted row: nothing is left to read). */
  xmin: string | null;
  before: Row | null;
  after: Row | null;
  /** The columns whose values differ (an update), all columns for an insert or a delete. */
  columns: string[];
};

async function rows<T>(query: SQL): Promise<T[]> {
  const result = await db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

let keysCache: Map<string, string[]> | null = null;

/** Each table of the public schema with its primary key columns (none: the whole row is the key). */
export async function tableKeys(): Promise<Map<string, string[]>> {
  if (keysCache) return keysCache;
  const tables = await rows<{ name: string }>(sql`select tablename as name from pg_tables where schemaname = 'public' order by 1`);
  const keys = await rows<{ name: string; col: string }>(sql`
    select c.relname as name, a.attname as col
    from pg_index i
    join pg_class c on c.oid = i.indrelid
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum = any(i.indkey)
    where n.nspname = 'public' and i.indisprimary
    order by c.relname, a.attnum`);
  const found = new Map<string, string[]>(tables.map((t) => [t.name, []]));
  for (const k of keys) found.get(k.name)?.push(k.col);
  keysCache = found;
  return found;
}

/** Every row of every table, with the id of the transaction that wrote it. */
export async function snapshot(): Promise<Snapshot> {
  const out: Snapshot = new Map();
  for (const [table, key] of await tableKeys()) {
    const found = await rows<{ xmin: string; row: Row }>(
      sql`select xmin::text as xmin, to_jsonb(t) as row from ${sql.identifier(table)} t`,
    );
    const byKey = new Map<string, RowState>();
    for (const f of found) {
      const id = JSON.stringify(key.length ? key.map((c) => f.row[c]) : f.row);
      byKey.set(id, { xmin: f.xmin, row: f.row });
    }
    out.set(table, byKey);
  }
  return out;
}

export type DiffOptions = {
  /** Columns whose change alone does not count as a write (e.g. users.last_seen_at). */
  ignoreColumns?: Record<string, string[]>;
};

/** What changed between two snapshots: inserted, updated and deleted rows. */
export function diff(before: Snapshot, after: Snapshot, opts: DiffOptions = {}): Change[] {
  const changes: Change[] = [];
  const tables = new Set([...before.keys(), ...after.keys()]);
  for (const table of tables) {
    const was = before.get(table) ?? new Map<string, RowState>();
    const now = after.get(table) ?? new Map<string, RowState>();
    const ignored = new Set(opts.ignoreColumns?.[table] ?? []);
    for (const [key, state] of now) {
      const old = was.get(key);
      if (!old) {
        changes.push({ table, kind: "insert", key, xmin: state.xmin, before: null, after: state.row, columns: Object.keys(state.row) });
        continue;
      }
      if (old.xmin === state.xmin) continue;
      const columns = [...new Set([...Object.keys(old.row), ...Object.keys(state.row)])].filter(
        (c) => JSON.stringify(old.row[c]) !== JSON.stringify(state.row[c]),
      );
      // A rewrite of ignored columns only is bookkeeping, not a change of the record.
      if (columns.length > 0 && columns.every((c) => ignored.has(c))) continue;
      changes.push({ table, kind: "update", key, xmin: state.xmin, before: old.row, after: state.row, columns });
    }
    for (const [key, old] of was) {
      if (!now.has(key)) changes.push({ table, kind: "delete", key, xmin: null, before: old.row, after: null, columns: Object.keys(old.row) });
    }
  }
  return changes;
}

/** A short description of changes for a failure message. */
export function describeChanges(changes: Change[]): string {
  if (changes.length === 0) return "(no change)";
  return changes
    .map((c) => `${c.kind} ${c.table} ${c.key}${c.kind === "update" ? ` [${c.columns.join(", ")}]` : ""} xmin=${c.xmin ?? "-"}`)
    .join("\n");
}

/** Runs fn between two snapshots and returns its result (or what it threw) with the changes. */
export async function changesOf<T>(
  fn: () => Promise<T>,
  opts: DiffOptions = {},
): Promise<{ result?: T; error?: unknown; changes: Change[] }> {
  const before = await snapshot();
  let result: T | undefined;
  let error: unknown;
  try {
    result = await fn();
  } catch (e) {
    error = e;
  }
  const changes = diff(before, await snapshot(), opts);
  return { result, error, changes };
}
