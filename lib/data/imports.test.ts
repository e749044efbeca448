import { createReadStream, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { auditEvents, importFileChunks, importRows, imports, participants, stageChanges, users } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { decryptIdentity, identityHash, sealNik } from "@/lib/crypto/identity";
import { QUEUES } from "@/lib/jobs/queues";
import { drainJobs, jobsOf } from "@/lib/testing/jobs";
import { makeNik } from "@/lib/testing/identity";
import { CONSENT_VERSION } from "@/lib/validation/registration";
import { activateAccount, issueActivationCode } from "./activation";
import { listCaseload } from "./caseload";
import {
  checkImport,
  confirmImport,
  getImport,
  getImportProgress,
  importReportCsv,
  listCohorts,
  listImports,
  failImportJob,
  runImport,
  uploadImport,
  type RunOptions,
} from "./imports";
import type { SessionUser } from "./permissions";

// The cohort import against a real database: each fixture file under
// test/fixtures/imports/ gives the report expected.json names; bad files write nothing;
// the import is one transaction, re-checked at import time, and never imports a NIK twice.

const FIXTURES = path.join(process.cwd(), "test/fixtures/imports");
const TODAY = "2021-07-01";
type Expected = {
  rows: Record<string, { setup?: { nik?: string; phone?: string }; totals: Record<string, number>; lines: { line: number; status: string; reasons: string[] }[] }>;
  files: Record<string, Record<string, unknown>>;
};
const expected: Expected = JSON.parse(readFileSync(path.join(FIXTURES, "expected.json"), "utf8"));
let pmo: SessionUser;
let cw1: SessionUser;
let cw2: SessionUser;

beforeAll(async () => {
  await freshDatabase();
  pmo = await createTestUser("pmo");
  cw1 = await createTestUser("caseworker", { name: "Pendamping Satu" });
  cw2 = await createTestUser("caseworker", { name: "Pendamping Dua" });
});

const count = async (table: PgTable) =>
  (await db.select({ n: sql<number>`count(*)::int` }).from(table))[0].n;
const snapshot = async () => ({
  participants: await count(participants),
  users: await count(users),
  stageChanges: await count(stageChanges),
});

function upload(file: string, cohort = "Wisma Atlet Juni 2021", viewer = pmo) {
  return uploadImport(viewer, { cohort, fileName: file, body: createReadStream(path.join(FIXTURES, file)) });
}

/** Upload and check, as the upload route and its check job do. */
async function checked(file: string, cohort?: string): Promise<string> {
  const result = await upload(file, cohort);
  if (!result.ok) throw new Error(`${file}: ${JSON.stringify(result)}`);
  await checkImport(result.importId, { today: TODAY });
  return result.importId;
}

/** Upload, check, confirm and import. */
async function imported(file: string, caseworkerIds: string[] = [], run: RunOptions = {}) {
  const id = await checked(file);
  expect(await confirmImport(pmo, { importId: id, caseworkerIds })).toEqual({ ok: true });
  const result = await runImport(id, pmo.id, run);
  return { id, result };
}

/** A CSV made of generated rows that pass every rule, with unique NIKs and phones. */
function csvOf(people: { nik: string; phone: string; name?: string }[]): string {
  const header = "nik,nama_lengkap,tanggal_lahir,jenis_kelamin,no_hp,kode_provinsi,negara_penempatan,tanggal_kedatangan,lokasi_karantina";
  return [header, ...people.map((p, i) => `${p.nik},${p.name ?? `Pekerja ${"ABCDEFGHIJ"[i % 10]}`},1991-04-12,L,${p.phone},31,HK,2021-06-0${1 + (i % 9)},Wisma Atlet`)].join("\n") + "\n";
}
let phoneSerial = 0;
function people(n: number) {
  return Array.from({ length: n }, () => ({
    nik: makeNik({ birthDate: "1991-04-12", sex: "L" }),
    phone: `+62813${String(55_000_000 + ++phoneSerial).padStart(8, "0")}`,
  }));
}
async function uploadText(text: string, cohort = "Kohort uji") {
  const result = await uploadImport(pmo, { cohort, fileName: "daftar.csv", body: [Buffer.from(text)] });
  if (!result.ok) throw new Error(JSON.stringify(result));
  await checkImport(result.importId, { today: TODAY });
  return result.importId;
}

describe("the check of each fixture gives the expected report and writes nothing to participants", () => {
  it.each(Object.keys(expected.rows))("%s", async (file) => {
    const want = expected.rows[file];
    if (want.setup?.nik) {
      await db.insert(participants).values({
        fullName: "Sudah Terdaftar",
        ...sealNik(want.setup.nik),
        birthDate: "1992-08-27",
        sex: "P",
        provinceCode: "35",
        migrantStatus: "calon",
        source: "self",
      });
    }
    if (want.setup?.phone) await createTestUser("participant", { phone: want.setup.phone });
    const before = await snapshot();

    const id = await checked(file);
    const view = await getImport(pmo, id);
    expect(view.progress.state).toBe("checked");
    expect(view.totals).toMatchObject(want.totals);
    expect(view.report.lines.map((l) => ({ line: l.line, status: l.status, reasons: l.reasons.map((r) => [r.column, r.key, r.line].filter((x) => x !== undefined).join(":")) }))).toEqual(want.lines);
    expect(await snapshot()).toEqual(before);
  });

  it("stores each line's result, the ready ones with their normalised data and the NIK only sealed", async () => {
    const id = await checked("good.csv");
    const stored = await db.select().from(importRows).where(eq(importRows.importId, id)).orderBy(importRows.line);
    const niks = ["3174011705900001", "3507025203880002", "3301016108950003"];
    expect(stored.map((r) => [r.line, r.status, r.nikHash])).toEqual(niks.map((nik, i) => [i + 2, "ready", identityHash(nik)]));
    for (const [i, r] of stored.entries()) {
      const data = r.data as Record<string, string>;
      expect(decryptIdentity("nik", data.nikEnc)).toBe(niks[i]);
      expect(data).toMatchObject({ nikHash: identityHash(niks[i]), nikLast4: niks[i].slice(-4) });
      expect(r.legacyNik).toBeNull();
      expect(JSON.stringify(r)).not.toContain(niks[i]);
    }
    expect(stored[1].data).toEqual({
      nikEnc: expect.any(String),
      nikHash: identityHash(niks[1]),
      nikLast4: "0002",
      fullName: "Siti Aminah",
      birthDate: "1988-03-12",
      sex: "P",
      phone: "+6281234567802",
      provinceCode: "35",
      countryCode: "SA",
      arrivalDate: "2021-06-05",
      quarantineLocation: "Wisma Atlet, Tower 4",
    });
    expect(stored[2].data).toMatchObject({ phone: "+85291234567", countryCode: "HK", quarantineLocation: null });
    const [row] = await db.select().from(imports).where(eq(imports.id, id));
    expect(row).toMatchObject({ state: "checked", rowsTotal: 3, rowsChecked: 3, rowsReady: 3, rowsRefused: 0, rowsDuplicate: 0, createdBy: pmo.id });
    expect(row.fileSha256).toMatch(/^[0-9a-f]{64}$/);
    const events = await db.select().from(auditEvents).where(eq(auditEvents.entityId, id)).orderBy(auditEvents.id);
    expect(events.map((e) => e.action)).toEqual(["import.upload", "import.check"]);
    expect(events[1].after).toEqual({ rows: 3, ready: 3, refused: 0, duplicate: 0 });
  });
});

describe("a bad file gets one clear message, and nothing is written", () => {
  it.each(Object.keys(expected.files))("%s", async (file) => {
    const before = { ...(await snapshot()), imports: await count(imports), importRows: await count(importRows), audit: await count(auditEvents) };
    const result = await upload(file);
    expect(result).toEqual({ ok: false, field: "file", error: expected.files[file] });
    expect({ ...(await snapshot()), imports: await count(imports), importRows: await count(importRows), audit: await count(auditEvents) }).toEqual(before);
    expect(await count(importFileChunks), "no piece of the refused file is kept").toBe(0);
  });

  it("over 50 MB", async () => {
    const line = Buffer.from(`${"3174011705900001,Budi Santoso,1990-05-17,L,081234567801,31,MY,2021-06-10,".padEnd(1023, "x")}\n`);
    async function* big() {
      yield Buffer.from("nik,nama_lengkap,tanggal_lahir,jenis_kelamin,no_hp,kode_provinsi,negara_penempatan,tanggal_kedatangan,lokasi_karantina\n");
      for (let i = 0; i < 51 * 1024; i++) yield line;
    }
    const result = await uploadImport(pmo, { cohort: "Besar", fileName: "besar.csv", body: big() });
    expect(result).toEqual({ ok: false, field: "file", error: { key: "tooLarge", max: 50 * 1024 * 1024 } });
    // 50 MB go into the embedded database's file pieces before the size is known (the HTTP
    // route refuses by Content-Length at once): 17 s alone on PGlite here, over 30 s on a
    // loaded 2-core machine.
  }, 120_000);

  it("over 200,000 rows", async () => {
    async function* many() {
      yield Buffer.from("nik,nama_lengkap,tanggal_lahir,jenis_kelamin,no_hp,kode_provinsi,negara_penempatan,tanggal_kedatangan,lokasi_karantina\n");
      const row = "3174011705900001,Budi,1990-05-17,L,081234567801,31,MY,2021-06-10,\n";
      for (let i = 0; i < 2001; i++) yield Buffer.from(row.repeat(100));
    }
    const result = await uploadImport(pmo, { cohort: "Banyak", fileName: "banyak.csv", body: many() });
    expect(result).toEqual({ ok: false, field: "file", error: { key: "tooManyRows", max: 200_000 } });
  });

  it("a cohort name that is blank or too long is refused before the file is read", async () => {
    const before = await count(imports);
    expect(await upload("good.csv", "   ")).toEqual({ ok: false, field: "cohort", key: "cohortRequired" });
    expect(await upload("good.csv", "x".repeat(201))).toEqual({ ok: false, field: "cohort", key: "cohortTooLong" });
    expect(await count(imports)).toBe(before);
  });
});

describe("progress, history and the report", () => {
  it("the upload queues its check job with it; a worker runs it; the file leaves the database when checked", async () => {
    const result = await uploadImport(pmo, { cohort: "Kohort latar", fileName: "latar.csv", body: [Buffer.from(csvOf(people(3)))] });
    if (!result.ok) throw new Error("upload");
    expect(await getImportProgress(pmo, result.importId)).toMatchObject({ state: "checking", total: 3 });
    const jobs = (await jobsOf(QUEUES.importCheck)).filter((j) => j.data.importId === result.importId);
    expect(jobs).toMatchObject([{ state: "created", data: { importId: result.importId } }]);
    expect(await db.select({ seq: importFileChunks.seq }).from(importFileChunks).where(eq(importFileChunks.uploadId, result.importId))).toHaveLength(1);
    await drainJobs({ queues: [QUEUES.importCheck] });
    expect(await getImportProgress(pmo, result.importId)).toMatchObject({ state: "checked", done: 3, total: 3 });
    expect((await jobsOf(QUEUES.importCheck)).find((j) => j.id === jobs[0].id)?.state).toBe("completed");
    expect(await db.select().from(importFileChunks).where(eq(importFileChunks.uploadId, result.importId))).toEqual([]);
  });

  it("a check run again resumes after the last line written, and settles the import once", async () => {
    const rowsIn = people(25);
    const result = await uploadImport(pmo, { cohort: "Kohort ulang", fileName: "ulang.csv", body: [Buffer.from(csvOf(rowsIn))] });
    if (!result.ok) throw new Error("upload");
    // The first run dies after its first batch of 10 (a worker killed in the middle).
    await expect(
      checkImport(result.importId, {
        today: TODAY,
        batchSize: 10,
        afterBatch: () => {
          throw new Error("worker died");
        },
      }),
    ).rejects.toThrow("worker died");
    expect((await getImportProgress(pmo, result.importId)).done).toBe(10);
    // Two runs at once finish it: one settles it, the other finds it settled.
    const outcomes = await Promise.all([checkImport(result.importId, { today: TODAY, batchSize: 10 }), checkImport(result.importId, { today: TODAY, batchSize: 7 })]);
    expect(outcomes.sort()).toEqual(["checked", "skipped"]);
    const lines = await db.select({ line: importRows.line }).from(importRows).where(eq(importRows.importId, result.importId));
    expect(lines.map((l) => l.line).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 2));
    expect(await getImportProgress(pmo, result.importId)).toMatchObject({ state: "checked", totals: { rows: 25, ready: 25 } });
    const events = await db.select().from(auditEvents).where(and(eq(auditEvents.entityId, result.importId), eq(auditEvents.action, "import.check")));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: pmo.id, actorRole: "pmo" });
  });

  it("a job that fails for good settles its import as failed, with an error id; a second settlement changes nothing", async () => {
    const result = await uploadImport(pmo, { cohort: "Kohort gagal", fileName: "gagal.csv", body: [Buffer.from(csvOf(people(2)))] });
    if (!result.ok) throw new Error("upload");
    expect(await failImportJob(result.importId, "checking", "0badc0de-0000-4000-8000-000000000000")).toBe(true);
    expect((await getImport(pmo, result.importId)).progress).toMatchObject({ state: "failed", error: "checkFailed:0badc0de" });
    expect(await failImportJob(result.importId, "checking", "0badc0de-0000-4000-8000-000000000000")).toBe(false);
    // A late check of the failed import writes nothing.
    expect(await checkImport(result.importId, { today: TODAY })).toBe("skipped");
    expect(await db.select().from(importRows).where(eq(importRows.importId, result.importId))).toEqual([]);
  });

  it("the history lists each import with who, when, file, cohort and counts", async () => {
    const id = await checked("bad-phone.csv", "Kohort riwayat");
    const history = await listImports(pmo);
    const row = history.rows.find((r) => r.id === id)!;
    expect(row).toMatchObject({ cohort: "Kohort riwayat", fileName: "bad-phone.csv", createdBy: pmo.name, totals: { rows: 3, refused: 2, imported: 0 } });
    expect(row.createdAt).toBeInstanceOf(Date);
    expect(history.rows[0].createdAt.getTime()).toBeGreaterThanOrEqual(history.rows.at(-1)!.createdAt.getTime());
  });

  it("the report downloads as CSV in the reader's words, NIKs masked, and the download is audited", async () => {
    const id = await checked("bad-date.csv", "Kohort laporan");
    const { fileName, stream } = await importReportCsv(pmo, id, {
      status: (s) => (s === "refused" ? "Ditolak" : "Ganda"),
      reason: (r) => `${r.column}: ${r.key}${r.line ? ` (${r.line})` : ""}`,
    });
    expect(fileName).toMatch(/^laporan-impor-kohort-laporan-\d{8}\.csv$/);
    const bytes = Buffer.from(await new Response(stream).arrayBuffer());
    expect([...bytes.subarray(0, 3)], "UTF-8 byte-order mark").toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString("utf8");
    expect(text.startsWith("\ufeffbaris,status,nik,nama_lengkap,alasan\r\n")).toBe(true);
    const table: string[][] = parse(text, { bom: true });
    expect(table.slice(1)).toEqual([
      ["3", "Ditolak", "••••••••••••0002", "Agus Salim", "tanggal_lahir: date.invalid"],
      ["4", "Ditolak", "••••••••••••0003", "Eko Prasetyo", "tanggal_kedatangan: date.invalid"],
      ["5", "Ditolak", "••••••••••••0004", "Joko Susilo", "tanggal_kedatangan: returnDate.future"],
    ]);
    const events = await db.select().from(auditEvents).where(and(eq(auditEvents.entityId, id), eq(auditEvents.action, "import.report_download")));
    expect(events).toHaveLength(1);
  });
});

describe("import on confirmation", () => {
  it("makes each ready row a participant with an account, spread over the caseworkers, in one audited transaction", async () => {
    const before = await snapshot();
    const { id, result } = await imported("good.csv", [cw1.id, cw2.id]);
    expect(result).toEqual({ imported: 3, skippedSinceCheck: 0 });
    const after = await snapshot();
    expect(after).toEqual({ participants: before.participants + 3, users: before.users + 3, stageChanges: before.stageChanges + 3 });

    const rows = await db
      .select({ p: participants, u: users })
      .from(importRows)
      .innerJoin(participants, eq(participants.id, importRows.participantId))
      .innerJoin(users, eq(users.id, participants.userId))
      .where(eq(importRows.importId, id))
      .orderBy(importRows.line);
    expect(rows.map((r) => r.p.caseworkerId)).toEqual([cw1.id, cw2.id, cw1.id]);
    expect(rows[1].p).toMatchObject({
      fullName: "Siti Aminah",
      nikHash: identityHash("3507025203880002"),
      nikLast4: "0002",
      birthDate: "1988-03-12",
      sex: "P",
      provinceCode: "35",
      countryCode: "SA",
      migrantStatus: "mantan",
      returnDate: "2021-06-05",
      arrivalDate: "2021-06-05",
      quarantineLocation: "Wisma Atlet, Tower 4",
      cohort: "Wisma Atlet Juni 2021",
      source: "import",
      stage: "registration",
      consentAt: null,
      consentVersion: null,
      kkHash: null,
      legacyNik: null,
    });
    expect(rows[1].u).toMatchObject({ role: "participant", name: "Siti Aminah", phone: "+6281234567802", passwordHash: null, email: null });
    const changes = await db.select().from(stageChanges).where(inArray(stageChanges.participantId, rows.map((r) => r.p.id)));
    expect(changes.map((c) => [c.fromStage, c.toStage, c.changedBy])).toEqual(Array(3).fill([null, "registration", pmo.id]));

    const view = await getImport(pmo, id);
    expect(view.progress.state).toBe("imported");
    expect(view.totals).toMatchObject({ rows: 3, ready: 3, imported: 3, skippedSinceCheck: 0 });
    expect(view.caseworkers).toEqual([
      { id: cw1.id, name: "Pendamping Satu", assigned: 2 },
      { id: cw2.id, name: "Pendamping Dua", assigned: 1 },
    ]);
    const events = await db.select().from(auditEvents).where(eq(auditEvents.entityId, id)).orderBy(auditEvents.id);
    expect(events.map((e) => e.action)).toEqual(["import.upload", "import.check", "import.confirm", "import.run"]);
    expect(events[3].after).toEqual({ cohort: "Wisma Atlet Juni 2021", imported: 3, skippedSinceCheck: 0, refused: 0, duplicate: 0, caseworkers: 2 });
    expect(await listCohorts(pmo)).toContain("Wisma Atlet Juni 2021");

    // In the caseworker's caseload; the worker activates with a code and confirms consent then.
    const caseload = await listCaseload(cw1, { q: "Budi Santoso" });
    expect(caseload.rows.map((r) => r.id)).toContain(rows[0].p.id);
    const code = await issueActivationCode(cw1, rows[0].p.id);
    expect(await activateAccount({ identifier: "081234567801", code: code.code, password: "kata-sandi-baru-1", consent: false })).toMatchObject({
      ok: false,
      fieldErrors: { consent: ["consent.required"] },
    });
    expect(await activateAccount({ identifier: "081234567801", code: code.code, password: "kata-sandi-baru-1", consent: true })).toMatchObject({ ok: true });
    const [p] = await db.select().from(participants).where(eq(participants.id, rows[0].p.id));
    expect(p.consentVersion).toBe(CONSENT_VERSION);
  });

  it("the same file again imports nothing new, and says so", async () => {
    const before = await snapshot();
    const id = await checked("good.csv");
    const view = await getImport(pmo, id);
    expect(view.totals).toMatchObject({ rows: 3, ready: 0, duplicate: 3 });
    expect(view.report.lines.every((l) => l.status === "duplicate" && l.reasons[0].key === "nik.taken")).toBe(true);
    expect(view.sameFile.length).toBeGreaterThanOrEqual(1);
    expect(await confirmImport(pmo, { importId: id, caseworkerIds: [] })).toEqual({ ok: false, key: "nothingToImport" });
    expect(await snapshot()).toEqual(before);
  });

  it("an overlapping file checked before the other was imported imports only the new NIKs, and says so", async () => {
    const a = people(4);
    const b = [...a.slice(2), ...people(3)];
    const first = await uploadText(csvOf(a), "Kohort A");
    const second = await uploadText(csvOf(b), "Kohort B");
    expect((await getImport(pmo, second)).totals).toMatchObject({ rows: 5, ready: 5 });

    await confirmImport(pmo, { importId: first, caseworkerIds: [cw2.id] });
    expect(await runImport(first, pmo.id)).toEqual({ imported: 4, skippedSinceCheck: 0 });
    await confirmImport(pmo, { importId: second, caseworkerIds: [] });
    expect(await runImport(second, pmo.id)).toEqual({ imported: 3, skippedSinceCheck: 2 });

    const view = await getImport(pmo, second);
    expect(view.totals).toMatchObject({ rows: 5, ready: 5, imported: 3, duplicate: 2, skippedSinceCheck: 2 });
    expect(view.report.lines.map((l) => [l.line, l.status, l.reasons.map((r) => r.key)])).toEqual([
      [2, "duplicate", ["nik.taken"]],
      [3, "duplicate", ["nik.taken"]],
    ]);
    const niks = await db
      .select({ cohort: participants.cohort, cw: participants.caseworkerId })
      .from(participants)
      .where(inArray(participants.nikHash, b.map((p) => identityHash(p.nik))));
    expect(niks.filter((n) => n.cohort === "Kohort A").map((n) => n.cw)).toEqual([cw2.id, cw2.id]);
    expect(niks.filter((n) => n.cohort === "Kohort B").map((n) => n.cw)).toEqual([null, null, null]);
  });

  it("a failure midway leaves nothing imported; the job's retries, then its dead letter, leave the import failed, its report intact", async () => {
    const id = await uploadText(csvOf(people(5)), "Kohort gagal");
    await confirmImport(pmo, { importId: id, caseworkerIds: [cw1.id] });
    const before = await snapshot();
    const auditBefore = await count(auditEvents);
    const midway = () =>
      runImport(id, pmo.id, {
        batchSize: 2,
        afterBatch: (n) => {
          if (n >= 4) throw new Error("injected failure after two batches");
        },
      });
    // A try that fails throws, for the engine to retry, and leaves the import to its retry.
    await expect(midway()).rejects.toThrow("injected failure");
    expect(await snapshot()).toEqual(before);
    expect((await db.select().from(imports).where(eq(imports.id, id)))[0].state).toBe("importing");
    // After the last retry, the dead letter settles it.
    expect(await failImportJob(id, "importing", "5eed0000-0000-4000-8000-000000000000")).toBe(true);
    const [row] = await db.select().from(imports).where(eq(imports.id, id));
    expect(row).toMatchObject({ state: "failed", rowsImported: 0, rowsReady: 5, error: "importFailed:5eed0000" });
    const statuses = await db.select({ s: importRows.status, p: importRows.participantId }).from(importRows).where(eq(importRows.importId, id));
    expect(statuses.every((r) => r.s === "ready" && r.p === null)).toBe(true);
    const events = await db.select().from(auditEvents).where(and(eq(auditEvents.entityId, id), sql`${auditEvents.id} > 0`)).orderBy(auditEvents.id);
    expect(events.map((e) => e.action)).toEqual(["import.upload", "import.check", "import.confirm", "import.fail"]);
    expect(await count(auditEvents)).toBe(auditBefore + 1);
    // A late run of the job imports nothing, and a failed import cannot be confirmed again.
    expect(await runImport(id, pmo.id)).toBeNull();
    expect(await snapshot()).toEqual(before);
    expect(await confirmImport(pmo, { importId: id, caseworkerIds: [] })).toEqual({ ok: false, key: "notReady" });
  });


  it("imports in batches: more rows than one batch all arrive, spread evenly", async () => {
    const id = await uploadText(csvOf(people(7)), "Kohort batch");
    await confirmImport(pmo, { importId: id, caseworkerIds: [cw1.id, cw2.id] });
    expect(await runImport(id, pmo.id, { batchSize: 3 })).toEqual({ imported: 7, skippedSinceCheck: 0 });
    const spread = await db
      .select({ cw: participants.caseworkerId, n: sql<number>`count(*)::int` })
      .from(participants)
      .where(eq(participants.cohort, "Kohort batch"))
      .groupBy(participants.caseworkerId);
    expect(Object.fromEntries(spread.map((s) => [s.cw, s.n]))).toEqual({ [cw1.id]: 4, [cw2.id]: 3 });
  });

  it("refuses a disabled caseworker or someone who is not a caseworker, and confirms only once", async () => {
    const id = await uploadText(csvOf(people(2)), "Kohort pilihan");
    const disabled = await createTestUser("caseworker");
    await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, disabled.id));
    expect(await confirmImport(pmo, { importId: id, caseworkerIds: [disabled.id] })).toEqual({ ok: false, key: "caseworkerInvalid" });
    expect(await confirmImport(pmo, { importId: id, caseworkerIds: [pmo.id] })).toEqual({ ok: false, key: "caseworkerInvalid" });
    expect(await confirmImport(pmo, { importId: id, caseworkerIds: [cw1.id] })).toEqual({ ok: true });
    expect(await confirmImport(pmo, { importId: id, caseworkerIds: [cw1.id] })).toEqual({ ok: false, key: "notReady" });
    // The confirmation queued one import job, for the PMO who confirmed; a worker runs it.
    expect((await jobsOf(QUEUES.importRun)).filter((j) => j.data.importId === id)).toMatchObject([{ data: { importId: id, actorId: pmo.id } }]);
    await drainJobs({ queues: [QUEUES.importRun] });
    expect((await getImportProgress(pmo, id)).state).toBe("imported");
  });
});

describe("refusals", () => {
  it("every function refuses caseworkers and participants (403), writing nothing", async () => {
    const id = await checked("good-bom.csv", "Kohort tolak");
    const before = { imports: await count(imports), audit: await count(auditEvents) };
    for (const role of ["caseworker", "participant"] as const) {
      const user = await createTestUser(role);
      const calls: [string, () => Promise<unknown>][] = [
        ["uploadImport", () => uploadImport(user, { cohort: "x", fileName: "x.csv", body: createReadStream(path.join(FIXTURES, "good.csv")) })],
        ["confirmImport", () => confirmImport(user, { importId: id, caseworkerIds: [] })],
        ["getImport", () => getImport(user, id)],
        ["getImportProgress", () => getImportProgress(user, id)],
        ["listImports", () => listImports(user)],
        ["importReportCsv", () => importReportCsv(user, id, { status: String, reason: String })],
        ["listCohorts", () => listCohorts(user)],
      ];
      for (const [name, call] of calls) expect(await statusOf(call), `${role} ${name}`).toBe(403);
    }
    expect({ imports: await count(imports), audit: await count(auditEvents) }).toEqual(before);
    expect((await getImport(pmo, id)).progress.state).toBe("checked");
  });

  it("an unknown or malformed import id is a 404", async () => {
    expect(await statusOf(() => getImport(pmo, "nope"))).toBe(404);
    expect(await statusOf(() => getImport(pmo, crypto.randomUUID()))).toBe(404);
  });
});
