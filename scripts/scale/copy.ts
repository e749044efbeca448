// COPY … FROM STDIN in PostgreSQL's text format through postgres.js, fed by a generator
// of rows, with backpressure (the generator runs only as fast as the server takes rows).
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Sql, TransactionSql } from "postgres";

/** One value in COPY's text format: \N for null, backslash escapes for the special characters. */
export function field(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "\\N";
  if (typeof value !== "string") return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c]!) : value;
}

export const line = (values: (string | number | boolean | null | undefined)[]) => values.map(field).join("\t") + "\n";

export type Progress = { rows: number };

/**
 * Streams the rows (each a line made with `line`) into table(columns). Rows are sent in
 * chunks of about 256 KB. Returns the number of rows.
 */
export async function copyRows(
  sql: Sql | TransactionSql,
  table: string,
  columns: string[],
  rows: Iterable<string>,
  progress: Progress = { rows: 0 },
): Promise<number> {
  const target = await sql.unsafe(`copy ${table} (${columns.join(", ")}) from stdin`).writable();
  function* chunks() {
    let chunk = "";
    for (const row of rows) {
      chunk += row;
      progress.rows++;
      if (chunk.length > 256_000) {
        yield chunk;
        chunk = "";
      }
    }
    if (chunk) yield chunk;
  }
  await pipeline(Readable.from(chunks(), { objectMode: false }), target);
  return progress.rows;
}
