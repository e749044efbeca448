import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readImportRows, receiveImportFile } from "./import-file";

// The file check on its own: how the byte stream is cut, decoded and counted. (The
// fixtures' reports, with the database, are in imports.test.ts.)

const HEADER = "nik,nama_lengkap,tanggal_lahir,jenis_kelamin,no_hp,kode_provinsi,negara_penempatan,tanggal_kedatangan,lokasi_karantina";
const ROW = "3174011705900001,Budi Santoso,1990-05-17,L,081234567801,31,MY,2021-06-10,Wisma Atlet";

afterAll(() => rm(process.env.IMPORT_SPOOL_DIR!, { recursive: true, force: true }));
beforeAll(async () => {
  process.env.IMPORT_SPOOL_DIR = await mkdtemp(path.join(tmpdir(), "import-file-"));
});

async function rowsOf(chunks: (string | Buffer)[]) {
  const result = await receiveImportFile(chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c)));
  if (!result.ok) return result.error;
  const out = [];
  for await (const r of readImportRows(result.file.path)) out.push(r);
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

  it("keeps nothing in the spool folder from a refused file", async () => {
    const spooled = async () => (await readdir(process.env.IMPORT_SPOOL_DIR!)).length;
    const before = await spooled();
    expect(await rowsOf([`${HEADER}\n${ROW},extra\n`])).toMatchObject({ key: "tooManyFields", line: 2 });
    expect(await spooled()).toBe(before);
  });
});
