import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { eq, sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/db";
import { auditEvents, importFileChunks, imports } from "@/db/schema";
import { createTestUser, freshDatabase } from "@/db/test-utils";
import type { SessionUser } from "@/lib/data/permissions";
import { getUser } from "@/lib/data/session";
import { QUEUES } from "@/lib/jobs/queues";
import { drainJobs, jobsOf } from "@/lib/testing/jobs";
import { GET as progress } from "./[id]/progress/route";
import { GET as report } from "./[id]/report/route";
import { IMPORT_COLUMNS } from "@/lib/validation/import";
import { queryFields } from "@/lib/validation/query";
import { readUploadProblem, uploadProblemQuery } from "./upload-error";
import { POST as upload } from "./upload/route";

// The import's route handlers: their HTTP answers, with the signed-in user stubbed (the
// session is Auth.js's, tested end to end) and the jobs the upload queues run by a worker
// in the test; the data layer, the multipart parsing and the database are real.

vi.mock("@/lib/data/session", () => ({ getUser: vi.fn() }));
vi.mock("next-intl/server", () => ({
  getTranslations: async () =>
    Object.assign((key: string, values?: Record<string, unknown>) => (values?.line ? `${key}(${values.line})` : key), { has: () => true }),
}));

const signedIn = (user: SessionUser | null) => vi.mocked(getUser).mockResolvedValue(user);
const ORIGIN = "http://pendamping.test";
const FIXTURES = path.join(process.cwd(), "test/fixtures/imports");
let pmo: SessionUser;

beforeAll(async () => {
  await freshDatabase();
  pmo = await createTestUser("pmo");
});
beforeEach(() => {
  vi.mocked(getUser).mockReset();
});

async function post(fields: { cohort?: string; file?: string | null }, origin: string | null = ORIGIN) {
  const body = new FormData();
  if (fields.cohort !== undefined) body.set("cohort", fields.cohort);
  if (fields.file) body.set("file", new File([await readFile(path.join(FIXTURES, fields.file))], fields.file, { type: "text/csv" }));
  else if (fields.file === null) body.set("file", new File([], "", { type: "application/octet-stream" }));
  const headers: Record<string, string> = { host: new URL(ORIGIN).host };
  if (origin) headers.origin = origin;
  return upload(new NextRequest(`${ORIGIN}/pmo/imports/upload`, { method: "POST", body, headers }));
}
const ctx = (id: string) => ({ params: Promise.resolve({ id }) });
const auditCount = async () => (await db.select({ n: sql<number>`count(*)::int` }).from(auditEvents))[0].n;
const importCount = async () => (await db.select({ n: sql<number>`count(*)::int` }).from(imports))[0].n;
const storedPieces = async () => (await db.select({ n: sql<number>`count(*)::int` }).from(importFileChunks))[0].n;
const checkJobs = async () => (await jobsOf(QUEUES.importCheck)).length;

describe("POST /pmo/imports/upload", () => {
  it("takes a good file, answers at once with the import's page, and queues its check, which a worker runs", async () => {
    signedIn(pmo);
    const response = await post({ cohort: "Wisma Atlet Juni 2021", file: "good.csv" });
    expect(response.status).toBe(303);
    const location = response.headers.get("location")!;
    expect(location).toMatch(/^\/pmo\/imports\/[0-9a-f-]{36}$/);
    const id = location.split("/").pop()!;
    const [row] = await db.select().from(imports).where(eq(imports.id, id));
    expect(row).toMatchObject({ state: "checking", cohort: "Wisma Atlet Juni 2021", fileName: "good.csv", rowsTotal: 3 });

    // The check is a job, queued with the import: a worker runs it.
    expect((await jobsOf(QUEUES.importCheck)).filter((j) => j.data.importId === id)).toHaveLength(1);
    await drainJobs({ queues: [QUEUES.importCheck] });
    const answer = await progress(new NextRequest(`${ORIGIN}/pmo/imports/${id}/progress`), ctx(id));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ state: "checked", done: 3, total: 3, totals: { rows: 3, ready: 3, refused: 0, duplicate: 0 } });
  });

  it("sends a bad file back to the form with its one problem, the cohort kept, and writes nothing", async () => {
    signedIn(pmo);
    const before = await importCount();
    const jobsBefore = await checkJobs();
    const response = await post({ cohort: "Kohort A", file: "wrong-header.csv" });
    expect(response.status).toBe(303);
    const url = new URL(response.headers.get("location")!, ORIGIN);
    expect(url.pathname).toBe("/pmo/imports");
    expect(url.hash).toBe("#upload");
    expect(readUploadProblem(queryFields(url.searchParams))).toMatchObject({
      field: "file",
      error: { key: "header", missing: ["nama_lengkap", "tanggal_lahir"], unknown: ["nama", "tgl_lahir"] },
    });
    expect(url.searchParams.get("cohort")).toBe("Kohort A");
    expect(await importCount()).toBe(before);
    expect(await checkJobs()).toBe(jobsBefore);

    for (const [fields, error] of [
      [{ cohort: "  ", file: "good.csv" }, "cohortRequired"],
      [{ cohort: "Kohort B" }, "noFile"],
      [{ cohort: "Kohort B", file: null }, "noFile"],
      [{ cohort: "Kohort B", file: "too-many-fields.csv" }, "tooManyFields"],
      [{ cohort: "Kohort B", file: "not-utf8.csv" }, "notUtf8"],
      [{ cohort: "Kohort B", file: "empty.csv" }, "empty"],
    ] as const) {
      const answer = await post(fields);
      expect(new URL(answer.headers.get("location")!, ORIGIN).searchParams.get("error"), JSON.stringify(fields)).toBe(error);
    }
    expect(await importCount()).toBe(before);
  });

  // Hardening issue, point 1: refusals of files over ~64 KB never came back (the file's
  // stream was torn down by the check, the parser waited on it, the body stalled).
  describe("a refused large file is answered at once, writes nothing and keeps no piece of the file", () => {
    const header = `${IMPORT_COLUMNS.join(",")}\n`;
    const row = "3174011507800001,Nama,1980-07-15,L,081234567890,31,MY,2021-06-01,Wisma Atlet\n";
    // `start`, then `fill`'s pieces (in blocks of about 64 KB) up to `size` bytes.
    const filled = (start: string | Buffer, size: number, fill: (i: number) => Buffer) => {
      const pieces: Buffer[] = [];
      for (let i = 0, n = 0; n < 64 * 1024; i++) n += pieces[pieces.push(fill(i)) - 1].length;
      const block = Buffer.concat(pieces);
      const out = Buffer.alloc(size, 0x20);
      let at = Buffer.from(start).copy(out, 0);
      while (at < size) at += block.copy(out, at);
      return out;
    };
    const kinds: [string, string, (size: number) => Buffer][] = [
      ["zip", "spreadsheet", (size) => filled(Buffer.from([0x50, 0x4b, 0x03, 0x04]), size, (i) => Buffer.from([i % 251, 7, 9, 200]))],
      ["binary", "binary", (size) => filled("", size, (i) => Buffer.from([0, i % 256, 1, 2]))],
      ["non-UTF-8", "notUtf8", (size) => filled(header, size, () => Buffer.from("3174011507800001,Nam\xe9,1980-07-15,L,0812,31,MY,,\n", "latin1"))],
      ["a very long line", "lineTooLong", (size) => filled(header, size, () => Buffer.from("a".repeat(1000)))],
      ["a wrong header", "header", (size) => filled("nik,nama,tgl_lahir\n", size, () => Buffer.from("1,2,3\n"))],
      ["a short row", "tooFewFields", (size) => filled(header + row + "1,2,3\n", size, () => Buffer.from(row))],
    ];

    for (const size of [1_000_000, 20_000_000]) {
      for (const [name, key, make] of kinds) {
        it(`${name}, ${size / 1_000_000} MB`, async () => {
          signedIn(pmo);
          const before = { imports: await importCount(), audit: await auditCount() };
          const body = new FormData();
          body.set("cohort", "Kohort besar");
          body.set("file", new File([new Uint8Array(make(size))], "kohort.csv", { type: "text/csv" }));
          const started = performance.now();
          const response = await upload(new NextRequest(`${ORIGIN}/pmo/imports/upload`, { method: "POST", body, headers: { host: new URL(ORIGIN).host, origin: ORIGIN } }));
          const elapsed = performance.now() - started;
          expect(response.status).toBe(303);
          expect(new URL(response.headers.get("location")!, ORIGIN).searchParams.get("error")).toBe(key);
          expect(elapsed).toBeLessThan(2000);
          expect(await importCount()).toBe(before.imports);
          expect(await auditCount()).toBe(before.audit);
          expect(await storedPieces()).toBe(0);
        });
      }
    }

    it("answers without waiting for the rest of the body, which is still on its way", async () => {
      signedIn(pmo);
      const boundary = "----hardening";
      const head = `--${boundary}\r\nContent-Disposition: form-data; name="cohort"\r\n\r\nKohort lambat\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.zip"\r\nContent-Type: application/zip\r\n\r\n`;
      let sent = 0;
      let finished = false;
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (sent === 0) controller.enqueue(new TextEncoder().encode(head));
          // The first 256 KB at once (enough for the check to refuse), then 64 KB a tenth of a second.
          if (sent >= 256 * 1024) await new Promise((r) => setTimeout(r, 100));
          const chunk = new Uint8Array(64 * 1024);
          if (sent === 0) chunk.set([0x50, 0x4b, 0x03, 0x04]);
          controller.enqueue(chunk);
          sent += 64 * 1024;
          if (sent >= 5_000_000) {
            controller.enqueue(new TextEncoder().encode(`\r\n--${boundary}--\r\n`));
            finished = true;
            controller.close();
          }
        },
      });
      const started = performance.now();
      const response = await upload(
        new NextRequest(`${ORIGIN}/pmo/imports/upload`, {
          method: "POST",
          body: stream,
          duplex: "half",
          headers: { host: new URL(ORIGIN).host, origin: ORIGIN, "content-type": `multipart/form-data; boundary=${boundary}` },
        } as ConstructorParameters<typeof NextRequest>[1] & { duplex: "half" }),
      );
      expect(response.status).toBe(303);
      expect(new URL(response.headers.get("location")!, ORIGIN).searchParams.get("error")).toBe("spreadsheet");
      expect(response.headers.get("connection")).toBe("close");
      expect(performance.now() - started).toBeLessThan(2000);
      // The rest (about 75 chunks at 10 a second) is still arriving, and is read and dropped.
      expect(finished).toBe(false);
      await vi.waitFor(() => expect(finished).toBe(true), { timeout: 20_000, interval: 200 });
      expect(await storedPieces()).toBe(0);
    }, 30_000);
  });

  it("refuses caseworkers and participants (403), sends visitors to /login, and refuses other origins", async () => {
    const before = await importCount();
    for (const role of ["caseworker", "participant"] as const) {
      signedIn(await createTestUser(role));
      expect((await post({ cohort: "x", file: "good.csv" })).status, role).toBe(403);
    }
    signedIn(null);
    const visitor = await post({ cohort: "x", file: "good.csv" });
    expect(visitor.status).toBe(303);
    expect(visitor.headers.get("location")).toBe("/login");
    signedIn(pmo);
    expect((await post({ cohort: "x", file: "good.csv" }, "http://evil.test")).status).toBe(403);
    expect(await importCount()).toBe(before);
  });
});

describe("GET /pmo/imports/[id]/report and /progress", () => {
  it("downloads the report as CSV in the reader's words, and refuses other roles", async () => {
    signedIn(pmo);
    const response = await post({ cohort: "Kohort laporan", file: "bad-phone.csv" });
    const id = response.headers.get("location")!.split("/").pop()!;
    await drainJobs({ queues: [QUEUES.importCheck] });

    const csv = await report(new NextRequest(`${ORIGIN}/pmo/imports/${id}/report`), ctx(id));
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toMatch(/^attachment; filename="laporan-impor-kohort-laporan-\d{8}\.csv"$/);
    const rows: string[][] = parse(Buffer.from(await csv.arrayBuffer()).toString("utf8"), { bom: true });
    expect(rows).toEqual([
      ["baris", "status", "nik", "nama_lengkap", "alasan"],
      ["3", "lineStatus.refused", "••••••••••••0002", "Agus Salim", "column.no_hp: reason.phone.invalid"],
      ["4", "lineStatus.refused", "••••••••••••0003", "Eko Prasetyo", "column.no_hp: reason.phone.notMobile"],
    ]);
    expect(await db.select().from(auditEvents).where(eq(auditEvents.action, "import.report_download"))).toHaveLength(1);

    for (const role of ["caseworker", "participant"] as const) {
      signedIn(await createTestUser(role));
      const refused = await report(new NextRequest(`${ORIGIN}/pmo/imports/${id}/report`), ctx(id));
      expect(refused.status, role).toBe(403);
      expect(await refused.text()).not.toContain("•");
      const noProgress = await progress(new NextRequest(`${ORIGIN}/pmo/imports/${id}/progress`), ctx(id));
      expect(noProgress.status, role).toBe(403);
    }
    signedIn(null);
    expect((await report(new NextRequest(`${ORIGIN}/pmo/imports/${id}/report`), ctx(id))).headers.get("location")).toBe("/login");
    expect(await db.select().from(auditEvents).where(eq(auditEvents.action, "import.report_download"))).toHaveLength(1);
  });
});

describe("the upload problem in the query string", () => {
  it("reads back what was written, and ignores what it does not know", () => {
    const query = uploadProblemQuery({ field: "file", error: { key: "tooFewFields", line: 4, count: 7, expected: 9 } }, "Wisma");
    expect(readUploadProblem(queryFields(new URLSearchParams(query)))).toMatchObject({
      field: "file",
      error: { key: "tooFewFields", line: 4, count: 7, expected: 9 },
    });
    expect(readUploadProblem(queryFields({ error: "<script>" }))).toBeNull();
    expect(readUploadProblem(queryFields({ error: "cohortTooLong" }))).toEqual({ field: "cohort", key: "cohortTooLong" });
  });
});
