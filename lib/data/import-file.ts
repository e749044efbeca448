import "server-only";
import { isUtf8 } from "node:buffer";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CsvError, parse, type Info, type Options } from "csv-parse";
import { and, eq, lt, sql } from "drizzle-orm";
import { db } from "@/db";
import { importFileChunks, imports } from "@/db/schema";
import {
  checkHeader,
  IMPORT_COLUMNS,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_ROWS,
  MAX_LINE_CHARS,
  normalizeHeader,
  type ImportColumn,
  type ImportRecord,
} from "@/lib/validation/import";

// The import file on its way in: streamed, never whole in memory. The upload is copied
// into the database (import_file_chunks, pieces of 1 MB under the upload's id) while it
// is checked as a file (size, binary, UTF-8, the header, the number of fields on each
// line, the number of rows); only a file that passes is kept, for the row check that a
// worker runs after the upload has been answered. No server's disk holds it.
// CSV is parsed by csv-parse in streaming mode; this module only cuts the byte stream at
// line ends to check each line's UTF-8 and to name the line of a problem.

/** What is wrong with a file as a whole: one message, and nothing is written. */
export type ImportFileError =
  | { key: "empty" }
  | { key: "noRows" }
  | { key: "tooLarge"; max: number }
  | { key: "tooManyRows"; max: number }
  | { key: "binary" }
  | { key: "spreadsheet" }
  | { key: "notUtf8"; line: number }
  | { key: "delimiter" }
  | { key: "header"; missing: string[]; unknown: string[]; repeated: string[] }
  | { key: "tooManyFields"; line: number; count: number; expected: number }
  | { key: "tooFewFields"; line: number; count: number; expected: number }
  | { key: "malformed"; line: number }
  | { key: "lineTooLong"; line: number; max: number }
  | { key: "incomplete" };

export class ImportFileProblem extends Error {
  constructor(readonly problem: ImportFileError) {
    super(`import file: ${problem.key}`);
  }
}

export type ReceivedFile = { uploadId: string; sha256: string; bytes: number; rows: number };

export type FileLimits = { maxBytes?: number; maxRows?: number };

/** The size of the pieces a file is stored in. */
export const FILE_CHUNK_BYTES = 1024 * 1024;

const CSV_OPTIONS: Options = {
  bom: true,
  info: true,
  skip_empty_lines: true,
  // Spreadsheets save rows they think are used as ",,,,,,,,": not a row of data.
  skip_records_with_empty_values: true,
  record_delimiter: ["\r\n", "\n", "\r"],
  max_record_size: MAX_LINE_CHARS,
};

type Parsed = { record: string[]; info: Info };

/** A csv-parse error as the file's problem, with the line it names. */
function csvProblem(error: unknown, expected: number): ImportFileError | null {
  if (!(error instanceof CsvError)) return null;
  const e = error as CsvError & { lines?: number; record?: string[] };
  const line = e.lines ?? 0;
  if (e.code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH") {
    const count = e.record?.length ?? 0;
    return { key: count > expected ? "tooManyFields" : "tooFewFields", line, count, expected };
  }
  if (e.code === "CSV_MAX_RECORD_SIZE") return { key: "lineTooLong", line, max: MAX_LINE_CHARS };
  return { key: "malformed", line };
}

/** The first line of a record: the line it ends on, less the line breaks inside its quoted fields. */
function startLine(parsed: Parsed): number {
  let inside = 0;
  for (const field of parsed.record) {
    if (field.includes("\n") || field.includes("\r")) inside += field.match(/\r\n|\r|\n/g)?.length ?? 0;
  }
  return parsed.info.lines - inside;
}

const NEWLINE = 0x0a;

/**
 * The upload's bytes, cut at line ends, each piece checked: not binary, UTF-8, not over
 * the size limit; copied to `out` and hashed on the way. Throws ImportFileProblem.
 */
/**
 * The input in pieces of at most 64 KB. The CSV parser parses a whole piece before the
 * first record reaches the header check, so a body that arrives as one large chunk (a
 * client's own buffer) would be parsed whole before a wrong header could stop it.
 */
async function* slices(input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Buffer> {
  const PIECE = 64 * 1024;
  for await (const raw of input) {
    const chunk = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let at = 0; at < chunk.length; at += PIECE) yield chunk.subarray(at, at + PIECE);
  }
}

async function* checkedBytes(
  input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  sink: { write: (chunk: Uint8Array) => Promise<unknown>; hash: ReturnType<typeof createHash>; bytes: number },
  maxBytes: number,
  stop: (problem: ImportFileProblem) => never,
): AsyncGenerator<Buffer> {
  let pending: Buffer = Buffer.alloc(0);
  let line = 1;
  let first = true;
  const checkUtf8 = (piece: Buffer) => {
    if (isUtf8(piece)) return;
    // Find the line: newlines are single bytes in UTF-8, never inside a character.
    let start = 0;
    let at = line;
    for (;;) {
      const end = piece.indexOf(NEWLINE, start);
      const part = piece.subarray(start, end === -1 ? piece.length : end);
      if (!isUtf8(part)) stop(new ImportFileProblem({ key: "notUtf8", line: at }));
      if (end === -1) break;
      start = end + 1;
      at++;
    }
    stop(new ImportFileProblem({ key: "notUtf8", line }));
  };
  const countLines = (piece: Buffer) => {
    let i = -1;
    while ((i = piece.indexOf(NEWLINE, i + 1)) !== -1) line++;
  };

  for await (const chunk of slices(input)) {
    if (chunk.length === 0) continue;
    sink.bytes += chunk.length;
    if (sink.bytes > maxBytes) stop(new ImportFileProblem({ key: "tooLarge", max: maxBytes }));
    if (first) {
      first = false;
      const head = chunk.subarray(0, 4);
      // xlsx and ods are zip files; xls is an OLE compound file.
      if (head.equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) || head.equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
        stop(new ImportFileProblem({ key: "spreadsheet" }));
      }
      // "Unicode text" from Excel is UTF-16.
      if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
        stop(new ImportFileProblem({ key: "notUtf8", line: 1 }));
      }
    }
    if (chunk.includes(0)) stop(new ImportFileProblem({ key: "binary" }));
    sink.hash.update(chunk);
    await sink.write(chunk);

    const joined = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    const lastNewline = joined.lastIndexOf(NEWLINE);
    if (lastNewline === -1) {
      pending = joined;
    } else {
      const complete = joined.subarray(0, lastNewline + 1);
      pending = Buffer.from(joined.subarray(lastNewline + 1));
      checkUtf8(complete);
      countLines(complete);
      yield complete;
    }
    // A "line" of megabytes is not a row of a list (and must not grow in memory).
    if (pending.length > MAX_LINE_CHARS * 4) stop(new ImportFileProblem({ key: "lineTooLong", line, max: MAX_LINE_CHARS }));
  }
  if (pending.length) {
    checkUtf8(pending);
    yield pending;
  }
}

/**
 * Receives an upload under `uploadId`: copies it into the database while checking it as a
 * file, and counts its rows. A file that fails gets its one problem and its pieces are
 * deleted; the caller writes nothing. The input is read to its end only when the file
 * passes.
 */
export async function receiveImportFile(
  input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  uploadId: string,
  limits: FileLimits = {},
): Promise<{ ok: true; file: ReceivedFile } | { ok: false; error: ImportFileError }> {
  const maxBytes = limits.maxBytes ?? MAX_IMPORT_BYTES;
  const maxRows = limits.maxRows ?? MAX_IMPORT_ROWS;
  let buffered: Buffer[] = [];
  let bufferedBytes = 0;
  let seq = 0;
  const flush = async () => {
    if (bufferedBytes === 0) return;
    const bytes = Buffer.concat(buffered, bufferedBytes);
    buffered = [];
    bufferedBytes = 0;
    await db.insert(importFileChunks).values({ uploadId, seq: seq++, bytes });
  };
  const write = async (chunk: Uint8Array) => {
    buffered.push(Buffer.from(chunk));
    bufferedBytes += chunk.length;
    if (bufferedBytes >= FILE_CHUNK_BYTES) await flush();
  };
  const sink = { write, hash: createHash("sha256"), bytes: 0 };
  let rows = 0;
  let header = false;
  // The first problem found. Stopping a pipeline part-way makes its other streams fail
  // with AbortError, which can be what the pipeline itself reports.
  let problem: ImportFileProblem | null = null;
  const stop = (error: ImportFileProblem): never => {
    problem ??= error;
    throw error;
  };
  let expected: number = IMPORT_COLUMNS.length;
  try {
    try {
      await pipeline(Readable.from(checkedBytes(input, sink, maxBytes, stop)), parse(CSV_OPTIONS), async (records: AsyncIterable<Parsed>) => {
        for await (const parsed of records) {
          if (parsed.info.records === 1) {
            expected = parsed.record.length;
            try {
              assertHeader(parsed.record);
            } catch (error) {
              stop(error as ImportFileProblem);
            }
            header = true;
            continue;
          }
          rows++;
          if (rows > maxRows) stop(new ImportFileProblem({ key: "tooManyRows", max: maxRows }));
        }
      });
    } catch (error) {
      if (problem) throw problem;
      if (error instanceof ImportFileProblem) throw error;
      const parsing = csvProblem(error, expected);
      if (parsing) throw new ImportFileProblem(parsing);
      throw error;
    }
    if (rows === 0) throw new ImportFileProblem({ key: header ? "noRows" : "empty" });
    await flush();
    return { ok: true, file: { uploadId, sha256: sink.hash.digest("hex"), bytes: sink.bytes, rows } };
  } catch (error) {
    await dropImportFile(uploadId);
    if (error instanceof ImportFileProblem) return { ok: false, error: error.problem };
    throw error;
  }
}

function assertHeader(header: string[]): void {
  // Only blanks where the header should be: there is nothing in the file.
  if (header.every((f) => f.trim() === "")) throw new ImportFileProblem({ key: "empty" });
  if (header.length === 1 && /[;\t|]/.test(header[0])) throw new ImportFileProblem({ key: "delimiter" });
  const { missing, unknown, repeated } = checkHeader(header);
  if (missing.length || unknown.length || repeated.length) {
    throw new ImportFileProblem({ key: "header", missing, unknown, repeated });
  }
}

/** The stored file's bytes, one piece at a time (one piece in memory). */
async function* storedBytes(importId: string): AsyncGenerator<Buffer> {
  for (let seq = 0; ; seq++) {
    const [piece] = await db
      .select({ bytes: importFileChunks.bytes })
      .from(importFileChunks)
      .where(and(eq(importFileChunks.uploadId, importId), eq(importFileChunks.seq, seq)));
    if (!piece) return;
    yield piece.bytes;
  }
}

/**
 * The data rows of an accepted file, one at a time, with the line each starts on, read
 * from the database. The file was checked on receipt; a problem found now throws.
 */
export async function* readImportRows(importId: string): AsyncGenerator<{ line: number; record: ImportRecord }> {
  let columns: ImportColumn[] = [];
  const source = Readable.from(storedBytes(importId));
  const parser = parse(CSV_OPTIONS);
  // pipe() does not pass a source's error on: a failed read (the database went away)
  // must end the parser's iteration with that error, not crash the process.
  source.on("error", (error) => parser.destroy(error));
  source.pipe(parser);
  for await (const parsed of parser as AsyncIterable<Parsed>) {
    if (parsed.info.records === 1) {
      assertHeader(parsed.record);
      columns = parsed.record.map((h) => normalizeHeader(h) as ImportColumn);
      continue;
    }
    const record = {} as ImportRecord;
    for (let i = 0; i < columns.length; i++) record[columns[i]] = parsed.record[i] ?? "";
    yield { line: startLine(parsed), record };
  }
}

/** Deletes an upload's stored pieces. */
export async function dropImportFile(uploadId: string): Promise<void> {
  await db.delete(importFileChunks).where(eq(importFileChunks.uploadId, uploadId));
}

/**
 * Pieces of uploads that never became an import (the server died while receiving it),
 * older than a day, are deleted (the cleanup job). Returns how many pieces went.
 */
export async function dropAbandonedUploads(now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - 24 * 60 * 60 * 1000);
  const gone = await db
    .delete(importFileChunks)
    .where(
      and(
        lt(importFileChunks.createdAt, before),
        sql`not exists (select 1 from ${imports} i where i.id = ${importFileChunks.uploadId} and i.state = 'checking')`,
      ),
    )
    .returning({ seq: importFileChunks.seq });
  return gone.length;
}
