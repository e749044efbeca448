import "server-only";
import { PassThrough } from "node:stream";
import { stringify } from "csv-stringify/sync";
import ExcelJS from "exceljs";
import { and, asc, count, desc, eq, gt, ilike, isNull, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { notFound } from "next/navigation";
import { db, executeRows, readCursor, readDb } from "@/db";
import { identityHash, openKk, openNik } from "@/lib/crypto/identity";
import {
  participants,
  users,
  type MigrantStatus,
  type Sex,
  type Source,
  type Stage,
} from "@/db/schema";
import { safeCsvText } from "@/lib/csv-cell";
import { messagesFor } from "@/lib/i18n/messages";
import { countryName } from "@/lib/reference/countries";
import { findProvince, findRegency } from "@/lib/reference/regions";
import { maskNik, maskNikLast4, maskPhone } from "@/lib/validation";
import {
  exportPurposeSchema,
  filterOnly,
  NOT_ASSIGNED,
  PMO_PAGE_SIZE,
  type ParticipantFilter,
} from "@/lib/validation/pmo-participants";
import { recordAudit } from "./audit";
import { purchaseDeadline, registeredOn, timelineOf } from "./casework";
import { counterDims } from "./programme";
import { type SessionUser } from "./permissions";
import { provinceScope, requireScope, type ProvinceScope } from "./scope";

// The PMO's read-only view of every participant: the list with its filter, one
// participant's file, and the CSV export of exactly the list's filter. Everything here
// needs "read:participant:any"; the export also "read:export:any". A regional coordinator
// holds the ":region" forms of both and gets the same, in the query, for the participants
// of their regions' provinces only (docs/decisions/029-coordinator-reads.md).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const caseworker = alias(users, "caseworker");

/**
 * Name (part of it, any case), phone number (part of it, in any spelling: 0812…, +62 812…,
 * 62812…) or a whole NIK (16 digits, exact). A part of a NIK finds nothing: the PMO sees
 * every participant, and a search by partial NIK would let anyone with the console list
 * people by region and birth date.
 */
export function participantSearch(q: string): SQL | undefined {
  const text = q.trim();
  if (!text) return undefined;
  const digits = text.replace(/[\s().+-]/g, "");
  if (/^\d+$/.test(digits)) {
    if (digits.length === 16) return eq(participants.nikHash, identityHash(digits));
    // Phones are stored in E.164: 0812… and 62812… are both +62812…. Only a mobile prefix
    // (0 or 62 before the 8 every Indonesian mobile number starts with) is taken for one:
    // "04512" is the end of a number, and finds the numbers that hold 04512.
    const national = digits.replace(/^(?:0|62)(?=8)/, "") || digits;
    return ilike(users.phone, `%${national}%`);
  }
  const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  return ilike(participants.fullName, `%${escaped}%`);
}

/** How many matches of a search by part of a name or phone are counted (and listed). */
export const SEARCH_COUNT_CAP = 1000;

/** A search by part of a name or phone (a whole NIK is an exact search). */
function isPartSearch(q: string): boolean {
  const text = q.trim();
  if (!text) return false;
  const digits = text.replace(/[\s().+-]/g, "");
  return !(/^\d+$/.test(digits) && digits.length === 16);
}

/** The WHERE clause of a filter, over participants left-joined to their own user row (for the phone). */
export function participantFilterCondition(filter: Partial<ParticipantFilter>): SQL | undefined {
  return and(
    participantSearch(filter.q ?? ""),
    filter.stage ? eq(participants.stage, filter.stage) : undefined,
    filter.provinceCode ? eq(participants.provinceCode, filter.provinceCode) : undefined,
    filter.migrantStatus ? eq(participants.migrantStatus, filter.migrantStatus) : undefined,
    filter.countryCode ? eq(participants.countryCode, filter.countryCode) : undefined,
    filter.caseworker === NOT_ASSIGNED
      ? isNull(participants.caseworkerId)
      : filter.caseworker
        ? eq(participants.caseworkerId, filter.caseworker)
        : undefined,
    filter.source ? eq(participants.source, filter.source) : undefined,
    filter.cohort ? eq(participants.cohort, filter.cohort) : undefined,
  );
}

export type PmoParticipantRow = {
  id: string;
  fullName: string;
  nikMasked: string;
  phoneMasked: string | null;
  stage: Stage;
  provinceCode: string;
  countryCode: string | null;
  caseworkerName: string | null;
  registeredOn: string;
};

export type PmoParticipantList = {
  rows: PmoParticipantRow[];
  /** The number of matches, or SEARCH_COUNT_CAP when totalIsAtLeast (a part search with more). */
  total: number;
  totalIsAtLeast: boolean;
  page: number;
  pageCount: number;
  pageSize: number;
  /** The provinces the viewer may read (a coordinator's), or null for every province. */
  provinces: string[] | null;
};

/**
 * The list's total read from the dashboard's counters (dash_*, kept in step with every
 * write by triggers) when the filter is one they are keyed by: a sum over a few thousand
 * rows instead of counting a million participants. Null when the filter needs the rows
 * themselves (a search text; a stage with a country or a caseworker).
 */
async function totalFromCounters(filter: Partial<ParticipantFilter>, scope: ProvinceScope): Promise<number | null> {
  if (filter.q?.trim()) return null;
  // The counters are keyed by province: a coordinator's scope is one more condition on them.
  const dims = (alias: string) => counterDims({ ...filter, provinces: scope }, alias);
  const all = sql`(select coalesce(sum(c.n), 0) from dash_cohort c where ${dims("c")}
    ${filter.stage ? sql`and c.stage = ${filter.stage}` : sql``})`;
  const assigned = sql`(select coalesce(sum(l.n), 0) from dash_caseload l where ${dims("l")}
    ${filter.caseworker && filter.caseworker !== NOT_ASSIGNED ? sql`and l.caseworker_id = ${filter.caseworker}` : sql``})`;
  let query: SQL | null = null;
  if (!filter.caseworker && !filter.countryCode) query = all;
  else if (!filter.caseworker && filter.countryCode && !filter.stage) {
    query = sql`(select coalesce(sum(k.n), 0) from dash_country k where ${dims("k")} and k.country_code = ${filter.countryCode})`;
  } else if (filter.caseworker === NOT_ASSIGNED && !filter.countryCode && !filter.stage) query = sql`${all} - ${assigned}`;
  else if (filter.caseworker && !filter.countryCode && !filter.stage) query = assigned;
  if (!query) return null;
  const [row] = await executeRows<{ n: number }>(sql`select (${query})::int as n`, readDb);
  return row.n;
}

/** Where a viewer may read participants: everywhere (null) or their regions' provinces; 403 otherwise. */
function participantScope(viewer: SessionUser): Promise<ProvinceScope> {
  return requireScope(viewer, "read:participant:any", "read:participant:region");
}

/** The filter's WHERE clause kept to a scope (a coordinator's provinces). */
function scopedCondition(filter: Partial<ParticipantFilter>, scope: ProvinceScope): SQL | undefined {
  return and(participantFilterCondition(filter), scope ? provinceScope(scope, sql`${participants.provinceCode}`) : undefined);
}

/** The participants matching a WHERE clause, counted up to `upTo` when given. */
async function countRows(where: SQL | undefined, upTo: number | null): Promise<number> {
  const matches = readDb
    .select({ one: sql`1`.as("one") })
    .from(participants)
    .leftJoin(users, eq(users.id, participants.userId))
    .where(where);
  const [{ n }] = await readDb
    .select({ n: count() })
    .from((upTo === null ? matches : matches.limit(upTo)).as("matches"));
  return n;
}

/** Every participant matching the filter, newest registration first, one page of them. */
export async function listParticipantsForPmo(
  viewer: SessionUser,
  filter: Partial<ParticipantFilter> = {},
  { countCap = SEARCH_COUNT_CAP }: { countCap?: number } = {},
): Promise<PmoParticipantList> {
  const scope = await participantScope(viewer);
  const where = scopedCondition(filter, scope);
  // A search by part of a name or phone is counted up to SEARCH_COUNT_CAP matches: past
  // that, the list says "more than 1,000" and shows the first 1,000 (counting 40,000
  // "Siti" would read 40,000 rows for a figure no one needs). Everything else is exact.
  const capped = isPartSearch(filter.q ?? "");
  const counted = (await totalFromCounters(filter, scope)) ?? (await countRows(where, capped ? countCap + 1 : null));
  const totalIsAtLeast = capped && counted > countCap;
  const total = totalIsAtLeast ? countCap : counted;
  const pageCount = Math.max(1, Math.ceil(total / PMO_PAGE_SIZE));
  // A page past the end (a link from before some rows went away) shows the last page.
  const page = Math.min(Math.max(1, filter.page ?? 1), pageCount);
  const rows = await readDb
    .select({
      id: participants.id,
      fullName: participants.fullName,
      nikLast4: participants.nikLast4,
      phone: users.phone,
      stage: participants.stage,
      provinceCode: participants.provinceCode,
      countryCode: participants.countryCode,
      caseworkerName: caseworker.name,
      createdAt: participants.createdAt,
    })
    .from(participants)
    .leftJoin(users, eq(users.id, participants.userId))
    .leftJoin(caseworker, eq(caseworker.id, participants.caseworkerId))
    .where(where)
    .orderBy(desc(participants.createdAt), desc(participants.id))
    .limit(totalIsAtLeast ? Math.min(PMO_PAGE_SIZE, total - (page - 1) * PMO_PAGE_SIZE) : PMO_PAGE_SIZE)
    .offset((page - 1) * PMO_PAGE_SIZE);
  return {
    rows: rows.map((r) => ({
      id: r.id,
      fullName: r.fullName,
      nikMasked: maskNikLast4(r.nikLast4),
      phoneMasked: r.phone ? maskPhone(r.phone) : null,
      stage: r.stage,
      provinceCode: r.provinceCode,
      countryCode: r.countryCode,
      caseworkerName: r.caseworkerName,
      registeredOn: registeredOn(r),
    })),
    total,
    totalIsAtLeast,
    page,
    pageCount,
    pageSize: PMO_PAGE_SIZE,
    provinces: scope,
  };
}

/**
 * The caseworkers the filter offers (disabled ones too: they may still have participants).
 * A coordinator gets the caseworkers of their provinces (users.province_code).
 */
export async function listCaseworkerChoices(
  viewer: SessionUser,
): Promise<{ id: string; name: string; disabled: boolean }[]> {
  const scope = await participantScope(viewer);
  const rows = await db
    .select({ id: users.id, name: users.name, disabledAt: users.disabledAt })
    .from(users)
    .where(and(eq(users.role, "caseworker"), scope ? provinceScope(scope, sql`${users.provinceCode}`) : undefined))
    .orderBy(asc(users.name), asc(users.id));
  return rows.map((r) => ({ id: r.id, name: r.name, disabled: r.disabledAt !== null }));
}

export type PmoParticipantFile = Awaited<ReturnType<typeof getParticipantForPmo>>;

/**
 * One participant's file for the PMO, read-only: identity with the whole NIK and KK (each
 * showing is written to the audit log, as for the caseworker), contact, migrant data,
 * stage, caseworker, milestones and the timeline. A malformed or unknown id is HTTP 404.
 *
 * A coordinator reads the files of their provinces' participants only (any other id is
 * 404 and writes nothing), with the NIK, KK and phone masked and no address: those are
 * whole only for the assigned caseworker and the PMO (DESIGN.md). Their reading is
 * audited as "participant.view".
 */
export async function getParticipantForPmo(viewer: SessionUser, participantId: string) {
  const scope = await participantScope(viewer);
  if (!UUID.test(participantId)) notFound();
  const [row] = await db
    .select({
      p: participants,
      phone: users.phone,
      email: users.email,
      caseworkerName: caseworker.name,
      caseworkerEmail: caseworker.email,
    })
    .from(participants)
    .leftJoin(users, eq(users.id, participants.userId))
    .leftJoin(caseworker, eq(caseworker.id, participants.caseworkerId))
    .where(and(eq(participants.id, participantId), scope ? provinceScope(scope, sql`${participants.provinceCode}`) : undefined))
    .limit(1);
  if (!row) notFound();
  const p = row.p;
  const { logs, stageChanges: changes } = await timelineOf(p.id);
  const masked = scope !== null;

  await db.transaction((tx) =>
    recordAudit(tx, { actor: viewer, action: masked ? "participant.view" : "participant.view_nik", entityType: "participant", entityId: p.id }),
  );
  const kk = openKk(p);

  return {
    participant: {
      id: p.id,
      fullName: p.fullName,
      nik: masked ? maskNikLast4(p.nikLast4) : openNik(p),
      kk: masked ? (kk ? maskNikLast4(kk.slice(-4)) : null) : kk,
      /** True when the NIK, KK and phone are masked and the address withheld (a coordinator). */
      identityMasked: masked,
      birthDate: p.birthDate,
      sex: p.sex,
      provinceCode: p.provinceCode,
      regencyCode: p.regencyCode,
      address: masked ? null : p.address,
      phone: masked ? (row.phone ? maskPhone(row.phone) : null) : row.phone,
      email: row.email,
      hasAccount: p.userId !== null,
      migrantStatus: p.migrantStatus,
      countryCode: p.countryCode,
      sector: p.sector,
      returnDate: p.returnDate,
      idPmi: p.idPmi,
      arrivalDate: p.arrivalDate,
      quarantineLocation: p.quarantineLocation,
      cohort: p.cohort,
      stage: p.stage,
      stageChangedAt: p.stageChangedAt,
      withdrawnReason: p.withdrawnReason,
      source: p.source,
      registeredOn: registeredOn(p),
      consentAt: p.consentAt,
      caseworker: p.caseworkerId ? { name: row.caseworkerName ?? "", email: row.caseworkerEmail } : null,
      lastContactOn: p.lastContactOn,
      nextFollowUpOn: p.nextFollowUpOn,
      cardNumber: p.cardNumber,
      cardReceivedOn: p.cardReceivedOn,
      wave: p.wave,
      trainingBoughtOn: p.trainingBoughtOn,
      lmsSessionOn: p.lmsSessionOn,
      deadline: purchaseDeadline(p),
    },
    logs,
    stageChanges: changes,
  };
}

// ---------------------------------------------------------------------------
// CSV export
// ---------------------------------------------------------------------------

/** The export's columns, in order (the header row). Codes where the import file uses codes. */
export const EXPORT_COLUMNS = [
  "id",
  "nama_lengkap",
  "nik",
  "jenis_kelamin",
  "tanggal_lahir",
  "no_hp",
  "email",
  "kode_provinsi",
  "provinsi",
  "kode_kabupaten",
  "kabupaten",
  "status_migran",
  "negara_penempatan",
  "sektor",
  "tahap",
  "sumber",
  "pendamping",
  "terdaftar",
  "kontak_terakhir",
  "tindak_lanjut",
] as const;
export type ExportColumn = (typeof EXPORT_COLUMNS)[number];

export const EXPORT_BATCH_SIZE = 5000;

type ExportRow = {
  id: string;
  fullName: string;
  nikEnc: string | null;
  nikLast4: string | null;
  sex: Sex;
  birthDate: string;
  phone: string | null;
  email: string | null;
  provinceCode: string;
  regencyCode: string | null;
  migrantStatus: MigrantStatus;
  countryCode: string | null;
  sector: string | null;
  stage: Stage;
  source: Source;
  caseworkerName: string | null;
  createdAt: Date;
  lastContactOn: string | null;
  nextFollowUpOn: string | null;
};

/** Free text typed by people, safe to open in a spreadsheet (lib/csv-cell.ts). */
const text = safeCsvText;

function toRecord(r: ExportRow, full: boolean): Record<ExportColumn, string> {
  return {
    id: r.id,
    nama_lengkap: text(r.fullName),
    nik: full ? (openNik(r) ?? "") : maskNikLast4(r.nikLast4),
    jenis_kelamin: r.sex,
    tanggal_lahir: r.birthDate,
    no_hp: r.phone ? maskPhone(r.phone) : "",
    email: text(r.email),
    kode_provinsi: r.provinceCode,
    provinsi: findProvince(r.provinceCode)?.name ?? "",
    kode_kabupaten: r.regencyCode ?? "",
    kabupaten: r.regencyCode ? (findRegency(r.regencyCode)?.name ?? "") : "",
    status_migran: r.migrantStatus,
    negara_penempatan: r.countryCode ?? "",
    sektor: text(r.sector),
    tahap: r.stage,
    sumber: r.source,
    pendamping: text(r.caseworkerName),
    terdaftar: registeredOn(r),
    kontak_terakhir: r.lastContactOn ?? "",
    tindak_lanjut: r.nextFollowUpOn ?? "",
  };
}

/** One batch of the export: the rows after `afterId` in id order (keyset paging on the primary key). */
function exportBatch(where: SQL | undefined, afterId: string | null, size: number): Promise<ExportRow[]> {
  return readDb
    .select({
      id: participants.id,
      fullName: participants.fullName,
      nikEnc: participants.nikEnc,
      nikLast4: participants.nikLast4,
      sex: participants.sex,
      birthDate: participants.birthDate,
      phone: users.phone,
      email: users.email,
      provinceCode: participants.provinceCode,
      regencyCode: participants.regencyCode,
      migrantStatus: participants.migrantStatus,
      countryCode: participants.countryCode,
      sector: participants.sector,
      stage: participants.stage,
      source: participants.source,
      caseworkerName: caseworker.name,
      createdAt: participants.createdAt,
      lastContactOn: participants.lastContactOn,
      nextFollowUpOn: participants.nextFollowUpOn,
    })
    .from(participants)
    .leftJoin(users, eq(users.id, participants.userId))
    .leftJoin(caseworker, eq(caseworker.id, participants.caseworkerId))
    .where(and(where, afterId ? gt(participants.id, afterId) : undefined))
    .orderBy(asc(participants.id))
    .limit(size);
}

/**
 * The export's rows in one statement, for a server-side cursor (PostgreSQL): the same
 * columns as exportBatch, in id order.
 */
function exportQuery(where: SQL | undefined): SQL {
  return sql`
    select participants.id, participants.full_name as "fullName", participants.nik_enc as "nikEnc",
      participants.nik_last4 as "nikLast4", participants.sex, participants.birth_date::text as "birthDate",
      users.phone, users.email, participants.province_code as "provinceCode", participants.regency_code as "regencyCode",
      participants.migrant_status as "migrantStatus", participants.country_code as "countryCode", participants.sector,
      participants.stage, participants.source, caseworker.name as "caseworkerName",
      to_char(participants.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "createdAt",
      participants.last_contact_on::text as "lastContactOn", participants.next_follow_up_on::text as "nextFollowUpOn"
    from participants
    left join users on users.id = participants.user_id
    left join users caseworker on caseworker.id = participants.caseworker_id
    ${where ? sql`where ${where}` : sql``}
    order by participants.id`;
}

/**
 * The export's rows, a batch at a time: from one cursor on PostgreSQL, else (PGlite) by
 * keyset pages on the primary key.
 */
async function* exportRows(where: SQL | undefined, batchSize: number): AsyncGenerator<ExportRow[]> {
  const cursor = readCursor<Omit<ExportRow, "createdAt"> & { createdAt: string }>(exportQuery(where), batchSize);
  if (cursor) {
    for await (const batch of cursor) yield batch.map((r) => ({ ...r, createdAt: new Date(r.createdAt) }));
    return;
  }
  let afterId: string | null = null;
  for (;;) {
    const batch = await exportBatch(where, afterId, batchSize);
    if (batch.length > 0) yield batch;
    if (batch.length < batchSize) return;
    afterId = batch[batch.length - 1].id;
  }
}

/**
 * The CSV as a stream: UTF-8 with a byte-order mark (so that Excel reads it as UTF-8),
 * CRLF line ends, a header row. Each pull reads one batch from the database and turns it
 * into CSV, and the next batch is read only when the reader has taken the last one, so
 * memory holds about one batch whatever the number of rows. A reader that goes away
 * closes the cursor.
 */
function csvStream(where: SQL | undefined, full: boolean, batchSize: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const batches = exportRows(where, batchSize);
  let first = true;
  const toCsv = (rows: ExportRow[]) =>
    stringify(
      rows.map((r) => toRecord(r, full)),
      { header: first, bom: first, columns: [...EXPORT_COLUMNS], record_delimiter: "windows" },
    );
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { value, done } = await batches.next();
        const csv = done ? (first ? toCsv([]) : "") : toCsv(value);
        first = false;
        if (csv) controller.enqueue(encoder.encode(csv));
        if (done) controller.close();
      },
      async cancel() {
        await batches.return(undefined);
      },
    },
    // Nothing is read ahead of the reader: the first query runs on the first read.
    { highWaterMark: 0 },
  );
}

// The Excel workbook: Indonesian column labels from the catalogue, labels instead of codes,
// dates as date cells, NIK and phone numbers as text cells (never a number that loses its
// leading zero or its last digits). Written with exceljs's streaming writer, each row
// committed as it is written, so memory holds about one batch whatever the number of rows.

export const XLSX_BATCH_SIZE = 1000;

const XLSX_COLUMNS: { key: ExportColumn; width: number; kind?: "date" | "text" }[] = [
  { key: "nama_lengkap", width: 28 },
  { key: "nik", width: 20, kind: "text" },
  { key: "jenis_kelamin", width: 12 },
  { key: "tanggal_lahir", width: 13, kind: "date" },
  { key: "no_hp", width: 18, kind: "text" },
  { key: "email", width: 26 },
  { key: "provinsi", width: 20 },
  { key: "kabupaten", width: 22 },
  { key: "status_migran", width: 26 },
  { key: "negara_penempatan", width: 18 },
  { key: "sektor", width: 20 },
  { key: "tahap", width: 14 },
  { key: "sumber", width: 22 },
  { key: "pendamping", width: 22 },
  { key: "terdaftar", width: 13, kind: "date" },
  { key: "kontak_terakhir", width: 13, kind: "date" },
  { key: "tindak_lanjut", width: 13, kind: "date" },
  { key: "id", width: 38 },
];

const DATE_FORMAT = "dd/mm/yyyy";

/** A YYYY-MM-DD day as the date cell Excel shows as that day (midnight UTC: no time-zone shift). */
const dateCell = (iso: string) => (iso ? new Date(`${iso}T00:00:00Z`) : null);

function xlsxLabels() {
  const id = messagesFor("id") as unknown as {
    stage: Record<string, string>;
    migrantStatus: Record<string, string>;
    sex: Record<string, string>;
    pmoParticipants: { sourceSelf: string; sourceAssisted: string; sourceImport: string; xlsx: { sheet: string; columns: Record<ExportColumn, string> } };
  };
  const l = id.pmoParticipants;
  return {
    sheet: l.xlsx.sheet,
    columns: l.xlsx.columns,
    stage: id.stage,
    migrantStatus: id.migrantStatus,
    sex: id.sex,
    source: { self: l.sourceSelf, assisted: l.sourceAssisted, import: l.sourceImport } as Record<string, string>,
  };
}

function xlsxStream(where: SQL | undefined, full: boolean, batchSize: number): ReadableStream<Uint8Array> {
  const labels = xlsxLabels();
  const out = new PassThrough();
  const pending: Buffer[] = [];
  let ended = false;
  let failed: unknown = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  out.on("data", (chunk: Buffer) => {
    pending.push(chunk);
    notify();
  });
  out.on("end", () => {
    ended = true;
    notify();
  });
  out.on("error", (e) => {
    failed = e;
    notify();
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(labels.sheet, { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = XLSX_COLUMNS.map((c) => ({
    header: labels.columns[c.key],
    key: c.key,
    width: c.width,
    style: c.kind === "date" ? { numFmt: DATE_FORMAT } : c.kind === "text" ? { numFmt: "@" } : {},
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  const batches = exportRows(where, batchSize);
  let finishing: Promise<void> | null = null;

  const cells = (r: ExportRow) => {
    const rec = toRecord(r, full);
    return {
      ...rec,
      // A spreadsheet cell holds text as text: no apostrophe against formulas needed here.
      nama_lengkap: r.fullName,
      email: r.email ?? "",
      sektor: r.sector ?? "",
      pendamping: r.caseworkerName ?? "",
      jenis_kelamin: labels.sex[r.sex] ?? r.sex,
      tanggal_lahir: dateCell(r.birthDate),
      status_migran: labels.migrantStatus[r.migrantStatus] ?? r.migrantStatus,
      negara_penempatan: r.countryCode ? countryName(r.countryCode, "id") : "",
      tahap: labels.stage[r.stage] ?? r.stage,
      sumber: labels.source[r.source] ?? r.source,
      terdaftar: dateCell(rec.terdaftar),
      kontak_terakhir: r.lastContactOn ? dateCell(r.lastContactOn) : null,
      tindak_lanjut: r.nextFollowUpOn ? dateCell(r.nextFollowUpOn) : null,
    };
  };
  const waitForOutput = () => new Promise<void>((resolve) => (wake = resolve));

  return new ReadableStream<Uint8Array>(
    {
      // Each pull hands over what the zip has written; only when it has nothing does the
      // next batch go in, so the rows in flight stay about one batch.
      async pull(controller) {
        for (;;) {
          if (failed) throw failed;
          if (pending.length > 0) {
            controller.enqueue(new Uint8Array(Buffer.concat(pending.splice(0))));
            return;
          }
          if (ended) {
            controller.close();
            return;
          }
          if (finishing) {
            await waitForOutput();
            continue;
          }
          const { value, done } = await batches.next();
          if (done) {
            sheet.commit();
            finishing = workbook.commit().then(notify, (e: unknown) => {
              failed = e;
              notify();
            });
            continue;
          }
          for (const r of value) sheet.addRow(cells(r)).commit();
          // Let the zip compress what the rows wrote before deciding what to hand over.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      },
      async cancel() {
        await batches.return(undefined);
        out.destroy();
      },
    },
    { highWaterMark: 0 },
  );
}

/** The filter as the audit log keeps it: no paging, and a whole NIK searched for is masked. */
function auditFilter(filter: ParticipantFilter): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(filterOnly(filter))) {
    if (!value) continue;
    out[key] = key === "q" && /^\d{16}$/.test(String(value).replace(/[\s().+-]/g, "")) ? maskNik(String(value)) : String(value);
  }
  return out;
}

export type ParticipantExport = { full: boolean; rowCount: number; stream: ReadableStream<Uint8Array> };

/**
 * The participants matching the filter (all pages) as CSV, NIKs masked; with a purpose,
 * NIKs whole; with `format: "xlsx"`, the same rows as an Excel workbook (labels, dates as
 * dates; the audit event says so). Writes the audit event ("participant.export", or "participant.export_full"
 * with the purpose) with the filter and the row count before the first row leaves. Rows
 * that change between the count and the first read may be counted differently from what
 * the stream then reads (on PostgreSQL the rows are one statement's snapshot).
 */
export async function exportParticipants(
  viewer: SessionUser,
  filter: ParticipantFilter,
  opts: { purpose?: string | null; batchSize?: number; format?: "csv" | "xlsx" } = {},
): Promise<ParticipantExport> {
  // A coordinator exports their provinces' participants only, by the same rules (masked;
  // whole NIKs with a purpose, audited).
  const scope = await requireScope(viewer, "read:export:any", "read:export:region");
  await participantScope(viewer);
  const full = opts.purpose != null;
  const purpose = full ? exportPurposeSchema.parse({ purpose: opts.purpose }).purpose : null;
  const where = scopedCondition(filter, scope);
  const rowCount = (await totalFromCounters(filter, scope)) ?? (await countRows(where, null));
  await db.transaction((tx) =>
    recordAudit(tx, {
      actor: viewer,
      action: full ? "participant.export_full" : "participant.export",
      entityType: "participant",
      after: {
        filter: auditFilter(filter),
        rowCount,
        ...(scope ? { provinces: scope } : {}),
        ...(full ? { purpose } : {}),
        ...(opts.format === "xlsx" ? { format: "xlsx" } : {}),
      },
      // The provinces whose participants the file holds, for their coordinators' audit log:
      // the filter's province, or the exporting coordinator's; a PMO export of everything
      // concerns no region in particular.
      provinces: filter.provinceCode && (scope === null || scope.includes(filter.provinceCode)) ? [filter.provinceCode] : scope,
    }),
  );
  const stream =
    opts.format === "xlsx"
      ? xlsxStream(where, full, opts.batchSize ?? XLSX_BATCH_SIZE)
      : csvStream(where, full, opts.batchSize ?? EXPORT_BATCH_SIZE);
  return { full, rowCount, stream };
}
