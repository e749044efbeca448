import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { importFileChunks } from "@/db/schema";
import { freshDatabase } from "@/db/test-utils";
import { dropAbandonedUploads, dropImportFile, FILE_CHUNK_BYTES, readImportRows, receiveImportFile } from "./import-file";

// The file check on its own: how the byte stream is cut, decoded and counted. (The
// fixtures' reports, with the database, are in imports.test.ts.)

const HEADER = "nik,nama_lengkap,tanggal_lahir,jenis_kelamin,no_hp,kode_provinsi,negara_penempatan,tanggal_kedatangan,lokasi_karantina";
const ROW = "3174011705900001,Budi Santoso,1990-05-17,L,081234567801,31,MY,2021-06-10,Wisma Atlet";

beforeAll(freshDatabase);

const pieces = async () => (await db.select({ n: sql<number>`count(*)::int` }).from(importFileChunks))[0].n;

async function rowsOf(chunks: (string | Buffer)[]) {
  const result = await receiveImportFile(
    chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c)),
    randomUUID(),
  );
  if (!result.ok) return result.error;
  const out = [];
  for await (const r of readImportRows(result.file.uploadId)) out.push(r);
  await dropImportFile(result.file.uploadId);
  return { rows: result.file.rows, bytes: result.file.bytes, lines: out.map((r) => r.line), records: out.map((r) => r.record) };
}

describe("receiveImportFile", () => {
  it("reads a character split between two chunks, CRLF line ends and a header in any order and case", async () => {
    const name = Buffer.from("Ren\u00e9 Siti");
    const cut = name.indexOf(0xc3) + 1; // inside the two bytes of "é"
    const header = "NAMA_LENGKAP ,nik,tanggal_lahir,jenis_kelamin,no_hp,kode_provinsi,negara_penempatan,tanggal_kedatangan,lokasi_karantina\r\n";
    const got = await rowsOf([header, name.subarray(0, cut), Buffer.concat([name.subarray(cut), Buffer.from(",3174011705900001,1990-05-17,L,0812,31,MY,2021-06-10,W\r\n")])]);
    expect(got).toMatchObject({ rows: 1, lines: [2] });
    expect((got as { records: Record<string, string>[] }).records[0]).toMatchObject({ nama_lengkap: "Ren\u00e9 Siti", nik: "3174011705900001", lokasi_karantina: "W" });
  });

  it("numbers a row by the line it starts on, past quoted line breaks, blank lines and empty rows", async () => {
    const got = await rowsOf([`${HEADER}\n${ROW}\n\n"3174011705900002","Budi\nSantoso",1990-05-17,L,081234567802,31,MY,2021-06-10,W\n,,,,,,,,\n${ROW}`]);
    expect(got).toMatchObject({ rows: 3, lines: [2, 4, 7] });
  });

  it("names the line that is not UTF-8, even in a later chunk", async () => {
    const bad = Buffer.concat([Buffer.from(`${ROW}\n${ROW.replace("Budi", "B")}`), Buffer.from([0xff]), Buffer.from("udi\n")]);
    expect(await rowsOf([`${HEADER}\n${ROW}\n`, bad])).toEqual({ key: "notUtf8", line: 4 });
  });

  it("refuses a line far too long, and UTF-16 text", async () => {
    expect(await rowsOf([`${HEADER}\n`, "x".repeat(20_000)])).toMatchObject({ key: "lineTooLong", line: 2 });
    expect(await rowsOf([Buffer.from([0xff, 0xfe]), Buffer.from(HEADER, "utf16le")])).toEqual({ key: "notUtf8", line: 1 });
  });

  it("keeps no piece of a refused file in the database", async () => {
    const before = await pieces();
    expect(await rowsOf([`${HEADER}\n${ROW},extra\n`])).toMatchObject({ key: "tooManyFields", line: 2 });
    // A refusal found after the first megabyte was stored.
    const long = `${HEADER}\n${`${ROW}\n`.repeat(Math.ceil((FILE_CHUNK_BYTES * 1.5) / (ROW.length + 1)))}${ROW},extra\n`;
    expect(await rowsOf([long])).toMatchObject({ key: "tooManyFields" });
    expect(await pieces()).toBe(before);
  });

  it("stores a file in pieces of 1 MB and reads it back whole, in order", async () => {
    const count = Math.ceil((FILE_CHUNK_BYTES * 2.5) / (ROW.length + 1));
    const text = `${HEADER}\n${`${ROW}\n`.repeat(count)}`;
    const uploadId = randomUUID();
    const result = await receiveImportFile([Buffer.from(text)], uploadId);
    if (!result.ok) throw new Error(JSON.stringify(result));
    expect(result.file).toMatchObject({ rows: count, bytes: Buffer.byteLength(text) });
    const stored = await db.select({ seq: importFileChunks.seq, n: sql<number>`length(bytes)` }).from(importFileChunks).where(sql`upload_id = ${uploadId}`).orderBy(importFileChunks.seq);
    expect(stored.map((s) => s.seq)).toEqual([0, 1, 2]);
    expect(stored.slice(0, 2).every((s) => s.n >= FILE_CHUNK_BYTES)).toBe(true);
    let n = 0;
    for await (const r of readImportRows(uploadId)) {
      n++;
      expect(r.line).toBe(n + 1);
    }
    expect(n).toBe(count);
    await dropImportFile(uploadId);
  });

  it("the cleanup drops the pieces of an upload abandoned over a day ago, not a fresh one", async () => {
    const abandoned = randomUUID();
    await db.insert(importFileChunks).values({ uploadId: abandoned, seq: 0, bytes: Buffer.from("x"), createdAt: new Date(Date.now() - 25 * 3600_000) });
    const fresh = randomUUID();
    await db.insert(importFileChunks).values({ uploadId: fresh, seq: 0, bytes: Buffer.from("y") });
    expect(await dropAbandonedUploads()).toBe(1);
    const left = await db.select({ id: importFileChunks.uploadId }).from(importFileChunks);
    expect(left.map((l) => l.id)).toContain(fresh);
    expect(left.map((l) => l.id)).not.toContain(abandoned);
    await dropImportFile(fresh);
  });
});
