import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { auditEvents, participants, serviceLogs, stageChanges, users, type Source, type Stage } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { decryptIdentity, identityHash, sealNik } from "@/lib/crypto/identity";
import { maskNik, maskNikLast4, maskPhone } from "@/lib/validation";
import {
  exportPurposeSchema,
  NOT_ASSIGNED,
  parseParticipantFilter,
  PMO_PAGE_SIZE,
  type ParticipantFilter,
} from "@/lib/validation/pmo-participants";
import { queryFields } from "@/lib/validation/query";
import type { SessionUser } from "./permissions";
import {
  EXPORT_COLUMNS,
  exportParticipants,
  getParticipantForPmo,
  listCaseworkerChoices,
  listParticipantsForPmo,
} from "./pmo-participants";

async function rows<T>(query: SQL): Promise<T[]> {
  const result = await db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");
/** A NIK in the database's format, unique per index. */
const nikOf = (i: number) => `3174${pad(1 + Math.floor(i / 9000))}150590${pad((i % 9000) + 1, 4)}`;

let pmo: SessionUser;
let cw1: SessionUser;
let cw2: SessionUser;
let cwOff: SessionUser;

const STAGE_CYCLE: Stage[] = ["registration", "training", "lms", "completed", "withdrawn", "training", "lms"];
const PROVINCES = ["35", "33", "32", "52", "35"];
const COUNTRIES = ["MY", "HK", "TW", "SA", "MY", null];
const FAMILY = ["Lestari", "Rahayu", "Wijaya", "Saputra", "Hidayat", "Kusuma"];
const FIRST = ["Siti", "Dewi", "Budi", "Agus", "Ani", "Rina", "Eko", "Sri"];

/**
 * 120 participants spread over every filter: stage, province, status, country, caseworker
 * (two active, one disabled, none), source (import ones without an account, hence no phone).
 */
async function seedParticipants() {
  pmo = await createTestUser("pmo");
  cw1 = await createTestUser("caseworker", { name: "Andi Prasetyo" });
  cw2 = await createTestUser("caseworker", { name: "Sri Mulyani" });
  cwOff = await createTestUser("caseworker", { name: "Zainal Nonaktif" });
  await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, cwOff.id));
  const caseworkers = [cw1.id, cw2.id, null, cw1.id, cwOff.id];
  for (let i = 0; i < 120; i++) {
    const source: Source = (["self", "assisted", "import"] as const)[i % 3];
    const [user] =
      source === "import"
        ? [null]
        : await db
            .insert(users)
            .values({ role: "participant", name: `p${i}`, phone: `+62813${pad(55_000_000 + i, 8)}` })
            .returning({ id: users.id });
    const stage = STAGE_CYCLE[i % STAGE_CYCLE.length];
    const status = i % 4 === 0 ? "calon" : "mantan";
    await db.insert(participants).values({
      userId: user?.id ?? null,
      fullName: `${FIRST[i % FIRST.length]} ${FAMILY[i % FAMILY.length]} ${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`,
      ...sealNik(nikOf(i)),
      birthDate: "1990-05-15",
      sex: i % 2 ? "L" : "P",
      provinceCode: PROVINCES[i % PROVINCES.length],
      regencyCode: i % 5 === 0 ? "3578" : null,
      migrantStatus: status,
      countryCode: COUNTRIES[i % COUNTRIES.length],
      sector: i === 7 ? "=HYPERLINK(\"http://evil\")" : "Pabrik",
      returnDate: status === "mantan" ? "2021-05-01" : null,
      stage,
      withdrawnReason: stage === "withdrawn" ? "Berangkat" : null,
      caseworkerId: caseworkers[i % caseworkers.length],
      source,
      cohort: source === "import" ? (i % 2 ? "Wisma Atlet Juni 2021" : "Wisma Atlet Juli 2021") : null,
      // Some share a registration time: the order then falls back to the id.
      createdAt: new Date(Date.UTC(2021, 5, 1 + (i % 40), 3, i % 3 === 0 ? 0 : i)),
    });
  }
}

beforeAll(async () => {
  await freshDatabase();
  await seedParticipants();
});

/** Ids a plain SQL query finds, in the list's order (newest registration first). */
async function sqlIds(where: SQL, order: "list" | "id" = "list"): Promise<string[]> {
  const result = await rows<{ id: string }>(sql`
    select p.id from participants p left join users u on u.id = p.user_id
    where ${where}
    order by ${order === "list" ? sql`p.created_at desc, p.id desc` : sql`p.id`}`);
  return result.map((r) => r.id);
}

/** Every page of the list for a filter, ids in order. */
async function listedIds(filter: Partial<ParticipantFilter>) {
  const first = await listParticipantsForPmo(pmo, { ...filter, page: 1 });
  const ids = first.rows.map((r) => r.id);
  for (let page = 2; page <= first.pageCount; page++) {
    ids.push(...(await listParticipantsForPmo(pmo, { ...filter, page })).rows.map((r) => r.id));
  }
  return { total: first.total, pageCount: first.pageCount, ids };
}

function combos(): { name: string; filter: Partial<ParticipantFilter>; where: SQL }[] {
  return [
    { name: "no filter", filter: {}, where: sql`true` },
    { name: "stage", filter: { stage: "training" }, where: sql`p.stage = 'training'` },
    {
      name: "province + status",
      filter: { provinceCode: "35", migrantStatus: "mantan" },
      where: sql`p.province_code = '35' and p.migrant_status = 'mantan'`,
    },
    {
      name: "not assigned + import",
      filter: { caseworker: NOT_ASSIGNED, source: "import" },
      where: sql`p.caseworker_id is null and p.source = 'import'`,
    },
    {
      name: "imported cohort + stage",
      filter: { cohort: "Wisma Atlet Juni 2021", stage: "registration" },
      where: sql`p.cohort = 'Wisma Atlet Juni 2021' and p.stage = 'registration'`,
    },
    // The totals of these come from the dashboard's counters (dash_country, dash_caseload).
    { name: "country", filter: { countryCode: "MY" }, where: sql`p.country_code = 'MY'` },
    {
      name: "country + province + source",
      filter: { countryCode: "HK", provinceCode: "33", source: "assisted" },
      where: sql`p.country_code = 'HK' and p.province_code = '33' and p.source = 'assisted'`,
    },
    { name: "caseworker", filter: { caseworker: cw2.id }, where: sql`p.caseworker_id = ${cw2.id}` },
    {
      name: "caseworker + status",
      filter: { caseworker: cw1.id, migrantStatus: "calon" },
      where: sql`p.caseworker_id = ${cw1.id} and p.migrant_status = 'calon'`,
    },
    { name: "not assigned", filter: { caseworker: NOT_ASSIGNED }, where: sql`p.caseworker_id is null` },
    {
      name: "not assigned + province",
      filter: { caseworker: NOT_ASSIGNED, provinceCode: "32" },
      where: sql`p.caseworker_id is null and p.province_code = '32'`,
    },
    {
      name: "caseworker + stage + country",
      filter: { caseworker: cw1.id, stage: "lms", countryCode: "MY" },
      where: sql`p.caseworker_id = ${cw1.id} and p.stage = 'lms' and p.country_code = 'MY'`,
    },
    {
      name: "name search + province",
      filter: { q: "lestari", provinceCode: "33" },
      where: sql`p.full_name ilike '%lestari%' and p.province_code = '33'`,
    },
    {
      // Participant 0 and whoever shares all its values: self, cw1, registration, 35, calon, MY.
      name: "everything at once",
      filter: { stage: "registration", provinceCode: "35", migrantStatus: "calon", countryCode: "MY", caseworker: cw1.id, source: "self" },
      where: sql`p.stage = 'registration' and p.province_code = '35' and p.migrant_status = 'calon' and p.country_code = 'MY'
        and p.caseworker_id = ${cw1.id} and p.source = 'self'`,
    },
  ];
}

describe("listParticipantsForPmo", () => {
  it("finds exactly what a plain SQL query finds, page by page, for each filter", async () => {
    for (const c of combos()) {
      const expected = await sqlIds(c.where);
      expect(expected.length, `${c.name} finds someone`).toBeGreaterThan(0);
      const listed = await listedIds(c.filter);
      expect(listed.total, c.name).toBe(expected.length);
      expect(listed.ids, c.name).toEqual(expected);
      expect(listed.pageCount, c.name).toBe(Math.max(1, Math.ceil(expected.length / PMO_PAGE_SIZE)));
    }
    // The unfiltered list really has several pages.
    expect((await listParticipantsForPmo(pmo, {})).pageCount).toBeGreaterThan(2);
  });

  it("shows masked NIKs and phones, the caseworker's name or nothing, and clamps the page", async () => {
    const list = await listParticipantsForPmo(pmo, { source: "import", page: 999 });
    expect(list.page).toBe(list.pageCount);
    for (const r of list.rows) {
      expect(r.nikMasked).toMatch(/^•{12}\d{4}$/);
      expect(r.phoneMasked).toBeNull();
    }
    const withPhone = await listParticipantsForPmo(pmo, { source: "self" });
    expect(withPhone.rows.every((r) => r.phoneMasked && r.phoneMasked.includes("•"))).toBe(true);
    const unassigned = await listParticipantsForPmo(pmo, { caseworker: NOT_ASSIGNED });
    expect(unassigned.rows.every((r) => r.caseworkerName === null)).toBe(true);
    const assigned = await listParticipantsForPmo(pmo, { caseworker: cw2.id });
    expect(assigned.rows.every((r) => r.caseworkerName === "Sri Mulyani")).toBe(true);
  });

  it("searches by whole NIK (exactly, in any spacing), never by a part of it", async () => {
    const [found] = await rows<{ id: string }>(sql`select id from participants where nik_hash = ${identityHash(nikOf(42))}`);
    const target = { id: found.id, nik: nikOf(42) };
    const spaced = `${target.nik.slice(0, 4)} ${target.nik.slice(4, 8)}.${target.nik.slice(8, 12)}-${target.nik.slice(12)}`;
    for (const q of [target.nik, spaced]) {
      const list = await listParticipantsForPmo(pmo, { q });
      expect(list.rows.map((r) => r.id), q).toEqual([target.id]);
    }
    expect((await listParticipantsForPmo(pmo, { q: target.nik.slice(0, 12) })).total).toBe(0);
    expect((await listParticipantsForPmo(pmo, { q: target.nik.slice(-4) })).rows.map((r) => r.id)).not.toContain(target.id);
  });

  it("counts a search by part of a name or phone up to the cap, and then says 'more than'", async () => {
    const all = await sqlIds(sql`p.full_name ilike '%a%'`);
    expect(all.length).toBeGreaterThan(20);
    const capped = await listParticipantsForPmo(pmo, { q: "a", page: 99 }, { countCap: 10 });
    expect(capped).toMatchObject({ total: 10, totalIsAtLeast: true, pageCount: Math.ceil(10 / PMO_PAGE_SIZE) });
    expect(capped.rows.map((r) => r.id)).toEqual(all.slice(0, Math.min(10, PMO_PAGE_SIZE)));
    const exact = await listParticipantsForPmo(pmo, { q: "a" }, { countCap: all.length });
    expect(exact).toMatchObject({ total: all.length, totalIsAtLeast: false });
    // Filters without a search text are always counted exactly.
    const everyone = await listParticipantsForPmo(pmo, {}, { countCap: 10 });
    expect(everyone).toMatchObject({ total: (await sqlIds(sql`true`)).length, totalIsAtLeast: false });
  });

  it("searches by name, ignoring case, and treats % and _ as letters", async () => {
    const expected = await sqlIds(sql`p.full_name ilike '%siti lestari%'`);
    expect(expected.length).toBeGreaterThan(0);
    expect((await listedIds({ q: "SITI lestari" })).ids).toEqual(expected);
    expect((await listParticipantsForPmo(pmo, { q: "%" })).total).toBe(0);
    expect((await listParticipantsForPmo(pmo, { q: "S_ti" })).total).toBe(0);
  });

  it("searches by phone in any spelling", async () => {
    const [target] = await rows<{ id: string; phone: string }>(sql`
      select p.id, u.phone from participants p join users u on u.id = p.user_id order by p.id limit 1`);
    const national = target.phone.slice(3); // +62 813…
    for (const q of [target.phone, `0${national}`, `62${national}`, `+62 ${national.slice(0, 3)}-${national.slice(3, 7)}-${national.slice(7)}`, `(0${national.slice(0, 3)}) ${national.slice(3)}`]) {
      const list = await listParticipantsForPmo(pmo, { q });
      expect(list.rows.map((r) => r.id), q).toEqual([target.id]);
    }
    // Five digits from the end; a piece that begins like a mobile prefix (08…, 628…) is
    // read as one, so the test takes a longer piece then.
    let tail = national.slice(-5);
    for (let n = 6; /^(?:0|62)8/.test(tail) && n <= national.length; n++) tail = national.slice(-n);
    const byTail = await sqlIds(sql`u.phone like ${`%${tail}%`}`);
    expect((await listedIds({ q: tail })).ids).toEqual(byTail);
    // A piece starting with 0 that is no mobile prefix is searched as it is.
    for (const piece of ["04512", "0451", "6245"]) {
      expect((await listedIds({ q: piece })).ids, piece).toEqual(await sqlIds(sql`u.phone like ${`%${piece}%`}`));
    }
  });

  it("offers every caseworker in the filter, disabled ones marked", async () => {
    const choices = await listCaseworkerChoices(pmo);
    expect(choices.map((c) => c.name)).toEqual(["Andi Prasetyo", "Sri Mulyani", "Zainal Nonaktif"]);
    expect(choices.find((c) => c.id === cwOff.id)?.disabled).toBe(true);
  });
});

describe("parseParticipantFilter", () => {
  it("keeps good values and drops bad ones, field by field", () => {
    expect(
      parseParticipantFilter({
        q: "  Siti ",
        stage: "lms",
        provinceCode: "35",
        migrantStatus: "mantan",
        countryCode: "my",
        caseworker: NOT_ASSIGNED,
        source: "import",
        page: "2",
      }),
    ).toEqual({ q: "Siti", stage: "lms", provinceCode: "35", migrantStatus: "mantan", countryCode: "MY", caseworker: "none", source: "import", page: 2 });
    expect(
      parseParticipantFilter(
        queryFields(new URLSearchParams("stage=flying&provinceCode=99&migrantStatus=x&countryCode=ZZ&caseworker=bob&source=web&page=-3")),
      ),
    ).toEqual({ q: "", page: 1, stage: undefined, provinceCode: undefined, migrantStatus: undefined, countryCode: undefined, caseworker: undefined, source: undefined });
    expect(parseParticipantFilter(queryFields({ stage: ["lms", "training"], q: "x".repeat(101) }))).toMatchObject({ stage: "lms", q: "" });
    expect(parseParticipantFilter(queryFields({ cohort: "Wisma\u0000 Atlet", q: "\u0000" }))).toMatchObject({ cohort: "Wisma Atlet", q: "" });
  });
});

// ---------------------------------------------------------------------------

/** The stream's text, its byte-order mark kept (Response.text() would drop it). */
async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
}

type CsvRow = Record<(typeof EXPORT_COLUMNS)[number], string>;

function parseCsv(text: string): { header: string[]; records: CsvRow[] } {
  expect(text.charCodeAt(0), "starts with a UTF-8 byte-order mark").toBe(0xfeff);
  const table: string[][] = parse(text, { bom: true });
  const [header, ...body] = table;
  return { header, records: body.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]])) as CsvRow) };
}

async function exportEvents(action: string) {
  return db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, action), eq(auditEvents.actorId, pmo.id)))
    .orderBy(desc(auditEvents.id));
}

describe("exportParticipants", () => {
  it("writes exactly the filter's rows (every page, across batches), NIKs and phones masked", async () => {
    let result!: Awaited<ReturnType<typeof exportParticipants>>;
    for (const c of combos()) {
      const expected = await rows<{ id: string; nik_last4: string; phone: string | null; stage: string; province_code: string; full_name: string; caseworker: string | null }>(sql`
        select p.id, p.nik_last4, u.phone, p.stage, p.province_code, p.full_name, cw.name as caseworker
        from participants p left join users u on u.id = p.user_id left join users cw on cw.id = p.caseworker_id
        where ${c.where} order by p.id`);
      // A batch of 7 makes even the small filters take several batches.
      result = await exportParticipants(pmo, parseParticipantFilter(c.filter as Record<string, string>), { batchSize: 7 });
      expect(result.rowCount, c.name).toBe(expected.length);
      const { header, records } = parseCsv(await readAll(result.stream));
      expect(header, c.name).toEqual([...EXPORT_COLUMNS]);
      expect(records.map((r) => r.id), c.name).toEqual(expected.map((e) => e.id));
      records.forEach((r, i) => {
        const e = expected[i];
        expect(r.nik).toBe(maskNikLast4(e.nik_last4));
        expect(r.nik).toMatch(/^•{12}\d{4}$/);
        expect(r.no_hp).toBe(e.phone ? maskPhone(e.phone) : "");
        expect(r.tahap).toBe(e.stage);
        expect(r.kode_provinsi).toBe(e.province_code);
        expect(r.nama_lengkap).toBe(e.full_name);
        expect(r.pendamping).toBe(e.caseworker ?? "");
      });
    }
    const [event] = await exportEvents("participant.export");
    expect(event.after).toEqual({
      filter: { stage: "registration", provinceCode: "35", migrantStatus: "calon", countryCode: "MY", caseworker: cw1.id, source: "self" },
      rowCount: result.rowCount,
    });
  });

  it("holds no whole NIK anywhere in the masked file, and neutralises formulas in free text", async () => {
    const text = await readAll((await exportParticipants(pmo, parseParticipantFilter({}))).stream);
    const niks = (await rows<{ nik_enc: string }>(sql`select nik_enc from participants`)).map((r) => decryptIdentity("nik", r.nik_enc));
    for (const nik of niks) expect(text).not.toContain(nik);
    const { records } = parseCsv(text);
    expect(records).toHaveLength(niks.length);
    expect(records.find((r) => r.sektor.includes("HYPERLINK"))?.sektor).toBe(`'=HYPERLINK("http://evil")`);
    expect(records.every((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.terdaftar))).toBe(true);
    const jatim = records.find((r) => r.kode_kabupaten === "3578");
    expect(jatim).toMatchObject({ kabupaten: "Kota Surabaya" });
  });

  it("writes the audit event with the filter and the row count, the searched NIK masked", async () => {
    const filter = parseParticipantFilter({ q: nikOf(5), stage: "completed", page: "3" });
    const result = await exportParticipants(pmo, filter);
    await readAll(result.stream);
    const [event] = await exportEvents("participant.export");
    expect(event.entityType).toBe("participant");
    expect(event.after).toEqual({ filter: { q: maskNik(nikOf(5)), stage: "completed" }, rowCount: result.rowCount });
  });

  it("gives whole NIKs only with a purpose, and records the purpose, the filter and the count", async () => {
    const purpose = "Pencocokan dengan data BP2MI untuk laporan Juli";
    const expected = (
      await rows<{ id: string; nik_enc: string }>(sql`
        select p.id, p.nik_enc from participants p where p.stage = 'lms' and p.province_code = '35' order by p.id`)
    ).map((e) => ({ id: e.id, nik: decryptIdentity("nik", e.nik_enc) }));
    expect(expected.length).toBeGreaterThan(0);
    const filter = parseParticipantFilter({ stage: "lms", provinceCode: "35" });
    const result = await exportParticipants(pmo, filter, { purpose: `  ${purpose} ` });
    expect(result.full).toBe(true);
    const { records } = parseCsv(await readAll(result.stream));
    expect(records.map((r) => [r.id, r.nik])).toEqual(expected.map((e) => [e.id, e.nik]));
    const [event] = await exportEvents("participant.export_full");
    expect(event.after).toEqual({ filter: { stage: "lms", provinceCode: "35" }, rowCount: expected.length, purpose });
  });

  it("refuses a full export without a valid purpose, before anything is written", async () => {
    const before = (await exportEvents("participant.export_full")).length;
    await expect(exportParticipants(pmo, parseParticipantFilter({}), { purpose: "short" })).rejects.toThrow();
    expect((await exportEvents("participant.export_full")).length).toBe(before);
    expect(exportPurposeSchema.safeParse({}).error?.issues[0].message).toBe("purposeRequired");
    expect(exportPurposeSchema.safeParse({ purpose: "   " }).error?.issues[0].message).toBe("purposeRequired");
    expect(exportPurposeSchema.safeParse({ purpose: "terlalu" }).error?.issues[0].message).toBe("purposeTooShort");
    expect(exportPurposeSchema.safeParse({ purpose: "x".repeat(501) }).error?.issues[0].message).toBe("purposeTooLong");
    expect(exportPurposeSchema.safeParse({ purpose: "x".repeat(500) }).success).toBe(true);
  });

  it("writes the header row alone when nothing matches", async () => {
    const result = await exportParticipants(pmo, parseParticipantFilter({ q: "Tidak Ada Nama Ini" }));
    expect(result.rowCount).toBe(0);
    const { header, records } = parseCsv(await readAll(result.stream));
    expect(header).toEqual([...EXPORT_COLUMNS]);
    expect(records).toEqual([]);
  });
});

/** The workbook a stream holds, opened with exceljs: the header's labels and the rows by label. */
async function openXlsx(stream: ReadableStream<Uint8Array>) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await new Response(stream).arrayBuffer());
  const sheet = workbook.worksheets[0];
  const header = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
  const rows: Record<string, ExcelJS.Cell>[] = [];
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    rows.push(Object.fromEntries(header.map((label, i) => [label, row.getCell(i + 1)])));
  });
  return { sheet, header, rows };
}

describe("exportParticipants as Excel", () => {
  it("writes the same rows as the CSV, with Indonesian labels, dates as dates, NIK and phone as text", async () => {
    const filter = parseParticipantFilter({ provinceCode: "35" });
    const csv = parseCsv(await readAll((await exportParticipants(pmo, filter)).stream)).records;
    // A small batch size, so that the rows cross several batches.
    const result = await exportParticipants(pmo, filter, { format: "xlsx", batchSize: 7 });
    const { sheet, header, rows } = await openXlsx(result.stream);
    expect(sheet.name).toBe("Peserta");
    expect(header.slice(0, 5)).toEqual(["Nama lengkap", "NIK", "Jenis kelamin", "Tanggal lahir", "Nomor HP"]);
    expect(header).toEqual(expect.arrayContaining(["Tahap", "Cara daftar", "Status PMI", "Negara penempatan", "Tanggal daftar", "ID sistem"]));
    expect(rows.map((r) => r["ID sistem"].value)).toEqual(csv.map((r) => r.id));
    expect(rows.length).toBe(result.rowCount);

    const byId = new Map(rows.map((r) => [r["ID sistem"].value as string, r]));
    for (const c of csv) {
      const x = byId.get(c.id)!;
      // NIK masked as in the CSV, phone masked, both text cells.
      expect(x["NIK"].type).toBe(ExcelJS.ValueType.String);
      expect(x["NIK"].value).toBe(c.nik);
      if (c.no_hp) {
        expect(x["Nomor HP"].type).toBe(ExcelJS.ValueType.String);
        expect(x["Nomor HP"].value).toBe(c.no_hp);
      }
      // Dates are date cells, the same day as the CSV's.
      expect(x["Tanggal lahir"].type).toBe(ExcelJS.ValueType.Date);
      expect((x["Tanggal lahir"].value as Date).toISOString().slice(0, 10)).toBe(c.tanggal_lahir);
      expect((x["Tanggal daftar"].value as Date).toISOString().slice(0, 10)).toBe(c.terdaftar);
      expect(x["Tanggal lahir"].numFmt).toBe("dd/mm/yyyy");
      // Labels, not codes.
      expect(x["Tahap"].value).toBe({ registration: "Pendaftaran", training: "Pelatihan", lms: "Belajar di LMS", completed: "Selesai", withdrawn: "Mengundurkan diri" }[c.tahap]);
      expect(x["Cara daftar"].value).toBe({ self: "Daftar sendiri", assisted: "Didaftarkan pendamping", import: "Impor data karantina" }[c.sumber]);
      expect(x["Jenis kelamin"].value).toBe({ L: "Laki-laki", P: "Perempuan" }[c.jenis_kelamin]);
      expect(String(x["Status PMI"].value)).toMatch(c.status_migran === "calon" ? /^Calon PMI/ : /^Purna PMI/);
      if (c.negara_penempatan === "MY") expect(x["Negara penempatan"].value).toBe("Malaysia");
    }
    // A formula-looking text is a plain text cell in a workbook, never a formula.
    const evil = rows.find((r) => String(r["Sektor"].value).includes("HYPERLINK"));
    if (evil) expect(evil["Sektor"].type).toBe(ExcelJS.ValueType.String);

    const [event] = await exportEvents("participant.export");
    expect(event.after).toEqual({ filter: { provinceCode: "35" }, rowCount: rows.length, format: "xlsx" });
  });

  it("gives whole NIKs, as text, only with a purpose", async () => {
    const filter = parseParticipantFilter({ stage: "lms", provinceCode: "35" });
    const purpose = "Pencocokan dengan data BP2MI untuk laporan Juli";
    const { rows } = await openXlsx((await exportParticipants(pmo, filter, { purpose, format: "xlsx" })).stream);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r["NIK"].type).toBe(ExcelJS.ValueType.String);
      expect(r["NIK"].value).toMatch(/^\d{16}$/);
    }
    const [event] = await exportEvents("participant.export_full");
    expect(event.after).toMatchObject({ purpose, format: "xlsx" });
  });

  it("writes the header row alone when nothing matches", async () => {
    const { header, rows } = await openXlsx((await exportParticipants(pmo, parseParticipantFilter({ q: "Tidak Ada Nama Ini" }), { format: "xlsx" })).stream);
    expect(header[0]).toBe("Nama lengkap");
    expect(rows).toEqual([]);
  });
});

describe("getParticipantForPmo", () => {
  it("shows the whole NIK, contact, caseworker and the timeline newest first, and audits the showing", async () => {
    const [found] = await rows<{ id: string; nik_enc: string; phone: string }>(sql`
      select p.id, p.nik_enc, u.phone from participants p join users u on u.id = p.user_id
      where p.caseworker_id = ${cw1.id} order by p.id limit 1`);
    const p = { ...found, nik: decryptIdentity("nik", found.nik_enc) };
    const log = (occurredOn: string, extra: Partial<typeof serviceLogs.$inferInsert> = {}) =>
      db
        .insert(serviceLogs)
        .values({ participantId: p.id, caseworkerId: cw1.id, serviceCode: "prakerja_account", occurredOn, channel: "whatsapp", outcome: "done", ...extra })
        .returning({ id: serviceLogs.id });
    const [wrong] = await log("2021-06-10", { serviceCode: "email_verified", notes: "salah layanan" });
    const [fixed] = await log("2021-06-10", { serviceCode: "dukcapil_matched", correctsId: wrong.id });
    const [later] = await log("2021-06-20", { outcome: "blocked", blockerCode: "otp_not_received" });
    await db.insert(stageChanges).values([
      { participantId: p.id, fromStage: null, toStage: "registration", changedBy: cw1.id, createdAt: new Date("2021-06-01T02:00:00Z") },
      { participantId: p.id, fromStage: "registration", toStage: "training", reason: "Kartu diterima", changedBy: cw1.id, createdAt: new Date("2021-06-25T02:00:00Z") },
    ]);

    const file = await getParticipantForPmo(pmo, p.id);
    expect(file.participant.nik).toBe(p.nik);
    expect(file.participant.phone).toBe(p.phone);
    expect(file.participant.caseworker?.name).toBe("Andi Prasetyo");
    expect(file.logs.map((l) => l.id)).toEqual([later.id, fixed.id, wrong.id]);
    expect(file.logs.find((l) => l.id === wrong.id)?.correctedById).toBe(fixed.id);
    expect(file.logs.find((l) => l.id === fixed.id)?.correctsId).toBe(wrong.id);
    expect(file.logs[0].blockerNameId).toBeTruthy();
    expect(file.stageChanges.map((c) => c.toStage)).toEqual(["training", "registration"]);

    const views = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "participant.view_nik"), eq(auditEvents.entityId, p.id), eq(auditEvents.actorId, pmo.id)));
    expect(views).toHaveLength(1);
    await getParticipantForPmo(pmo, p.id);
    expect(
      await db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.action, "participant.view_nik"), eq(auditEvents.entityId, p.id))),
    ).toHaveLength(2);
  });

  it("shows an imported participant without an account or a caseworker", async () => {
    const [p] = await rows<{ id: string }>(sql`select id from participants where user_id is null and caseworker_id is null limit 1`);
    const file = await getParticipantForPmo(pmo, p.id);
    expect(file.participant).toMatchObject({ hasAccount: false, phone: null, email: null, caseworker: null, source: "import" });
    expect(file.logs).toEqual([]);
  });

  it("answers 404 for a malformed or unknown id", async () => {
    expect(await statusOf(() => getParticipantForPmo(pmo, "not-a-uuid"))).toBe(404);
    expect(await statusOf(() => getParticipantForPmo(pmo, "00000000-0000-4000-8000-000000000000"))).toBe(404);
  });
});

describe("refusals", () => {
  it("refuses caseworkers and participants the list, the detail, the filter's caseworkers and both exports (403), writing nothing", async () => {
    const [p] = await rows<{ id: string; caseworker_id: string }>(sql`
      select id, caseworker_id from participants where caseworker_id = ${cw1.id} limit 1`);
    const eventsBefore = (await rows<{ n: number }>(sql`select count(*)::int as n from audit_events`))[0].n;
    const own = await createTestUser("participant");
    // Even the caseworker assigned to this participant: this is the PMO's door, not theirs.
    for (const user of [cw1, await createTestUser("caseworker"), own]) {
      expect(await statusOf(() => listParticipantsForPmo(user, {})), user.role).toBe(403);
      expect(await statusOf(() => listCaseworkerChoices(user)), user.role).toBe(403);
      expect(await statusOf(() => getParticipantForPmo(user, p.id)), user.role).toBe(403);
      expect(await statusOf(() => getParticipantForPmo(user, "not-a-uuid")), user.role).toBe(403);
      expect(await statusOf(() => exportParticipants(user, parseParticipantFilter({}))), user.role).toBe(403);
      expect(
        await statusOf(() => exportParticipants(user, parseParticipantFilter({}), { purpose: "Laporan bulanan BP2MI" })),
        user.role,
      ).toBe(403);
    }
    const eventsAfter = (await rows<{ n: number }>(sql`select count(*)::int as n from audit_events`))[0].n;
    expect(eventsAfter).toBe(eventsBefore);
  });
});

// A manual check that the export's memory does not grow with the number of rows:
//   EXPORT_MEMORY_ROWS=20000 NODE_OPTIONS=--expose-gc npx vitest run lib/data/pmo-participants.test.ts -t memory
describe.runIf(Boolean(process.env.EXPORT_MEMORY_ROWS))("export memory", () => {
  it("keeps the heap flat while streaming many rows", { timeout: 600_000 }, async () => {
    const n = Number(process.env.EXPORT_MEMORY_ROWS);
    await db.execute(sql`
      with u as (
        insert into users (role, name, phone)
        select 'participant', 'm' || g, '+62819' || lpad(g::text, 8, '0') from generate_series(1, ${n}) g
        returning id, phone
      )
      , n as (
        select u.id, u.phone, '3275' || lpad((1 + (right(u.phone, 8)::int / 9000))::text, 2, '0') || '150590' || lpad((right(u.phone, 8)::int % 9000 + 1)::text, 4, '0') as nik
        from u
      )
      -- A masked export never opens nik_enc, so a stand-in ciphertext does here.
      insert into participants (user_id, full_name, nik_enc, nik_hash, nik_last4, birth_date, sex, province_code, migrant_status, country_code, sector, stage, source, caseworker_id)
      select n.id, 'Peserta Massal ' || right(n.phone, 8), 'mem:' || n.nik, encode(sha256(convert_to(n.nik, 'UTF8')), 'hex'), right(n.nik, 4),
        '1990-05-15', 'L', '32', 'calon', 'MY', 'Perkebunan', 'registration', 'self', ${cw1.id}
      from n`);
    const gc = (globalThis as { gc?: () => void }).gc;
    const heap = () => {
      gc?.();
      return process.memoryUsage().heapUsed;
    };
    const base = heap();
    const started = Date.now();
    const result = await exportParticipants(pmo, parseParticipantFilter({ provinceCode: "32" }));
    const reader = result.stream.getReader();
    const samples: number[] = [];
    let bytes = 0;
    let chunks = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (++chunks % 2 === 0) samples.push(heap());
    }
    const mb = (x: number) => Math.round((x / 1024 / 1024) * 10) / 10;
    const peak = Math.max(...samples);
    const firstQuarter = Math.max(...samples.slice(0, Math.ceil(samples.length / 4)));
    const lastQuarter = Math.max(...samples.slice(-Math.ceil(samples.length / 4)));
    console.log(
      JSON.stringify({
        rows: result.rowCount,
        exportMs: Date.now() - started,
        chunks,
        csvMB: mb(bytes),
        gcExposed: Boolean(gc),
        baseHeapMB: mb(base),
        peakHeapMB: mb(peak),
        firstQuarterMaxMB: mb(firstQuarter),
        lastQuarterMaxMB: mb(lastQuarter),
      }),
    );
    expect(result.rowCount).toBeGreaterThanOrEqual(n);
    // Flat: the end of the stream holds about what its start held, and the whole run a
    // few MB at most (one batch and the driver's buffers), whatever the number of rows.
    expect(lastQuarter - firstQuarter).toBeLessThan(2 * 1024 * 1024);
    expect(peak - base).toBeLessThan(8 * 1024 * 1024);
  });

  // The Excel workbook of the same rows (run after the CSV's test, which inserts them):
  // peak RSS growth over the whole stream against the growth while its first 10,000 rows
  // were written. Flat: the whole run grows no more than a few MB past the first tenth.
  it("keeps RSS flat while streaming the same rows as Excel", { timeout: 900_000 }, async () => {
    const n = Number(process.env.EXPORT_MEMORY_ROWS);
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const base = process.memoryUsage().rss;
    const started = Date.now();
    const result = await exportParticipants(pmo, parseParticipantFilter({ provinceCode: "32" }), { format: "xlsx" });
    const reader = result.stream.getReader();
    let bytes = 0;
    let peak = base;
    const samples: { bytes: number; peak: number }[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      peak = Math.max(peak, process.memoryUsage().rss);
      samples.push({ bytes, peak });
    }
    // Rows go out in id order and are about the same size: the first 10,000 rows are the
    // first 10,000 / rows of the bytes.
    const first10kBytes = (bytes * 10_000) / Math.max(1, result.rowCount);
    const peakAtFirst10k = samples.filter((x) => x.bytes <= first10kBytes).at(-1)?.peak ?? base;
    const mb = (x: number) => Math.round((x / 1024 / 1024) * 10) / 10;
    console.log(
      JSON.stringify({
        format: "xlsx",
        rows: result.rowCount,
        exportMs: Date.now() - started,
        xlsxMB: mb(bytes),
        bytesPerRow: Math.round(bytes / Math.max(1, result.rowCount)),
        baseRssMB: mb(base),
        peakRssGrowthFirst10kMB: mb(peakAtFirst10k - base),
        peakRssGrowthAllMB: mb(peak - base),
      }),
    );
    expect(result.rowCount).toBeGreaterThanOrEqual(n);
    expect(peak - peakAtFirst10k).toBeLessThan(32 * 1024 * 1024);
  });
});
