import "server-only";
import { randomUUID } from "node:crypto";
import { stringify } from "csv-stringify/sync";
import { and, asc, desc, eq, gt, inArray, isNull, lte, ne, sql } from "drizzle-orm";
import { notFound } from "next/navigation";
import { db, dbKind, executeRows, type Tx } from "@/db";
import { auditEvents, importRows, imports, users } from "@/db/schema";
import { sealNik } from "@/lib/crypto/identity";
import { logError } from "@/lib/log";
import { safeCsvText } from "@/lib/csv-cell";
import { maskNikLast4, todayInJakarta } from "@/lib/validation";
import {
  checkImportRow,
  cohortSchema,
  parseReason,
  REPORT_PAGE_SIZE,
  type ConfirmImportInput,
  type ImportReason,
} from "@/lib/validation/import";
import { recordAudit } from "./audit";
import {
  dropSpooled,
  keepSpooled,
  readImportRows,
  receiveImportFile,
  spoolPath,
  type FileLimits,
  type ImportFileError,
} from "./import-file";
import { requirePermission, type SessionUser } from "./permissions";

// Cohort import (a quarantine list → participants). Three steps, each its own function:
//   1. uploadImport    the file is received and checked as a file; an imports row is made
//   2. checkImport     every row is checked (background): import_rows gets each line's
//                      result; nothing is written to participants
//   3. confirmImport + runImport
//                      the ready rows become participants, users and stage changes in one
//                      transaction, re-checked against the data of that moment (background)
// The background steps run in the server process after the request that started them
// has been answered (startImportCheck / startImport); the page shows their progress.
// Everything here needs "create:import:any" (the PMO).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const CHECK_BATCH_SIZE = 1000;
export const IMPORT_BATCH_SIZE = 1000;
/**
 * A check or import that no server process is running and that has not finished this
 * long after it started is treated as dead (a restart killed it) and shown as failed.
 * With the embedded database there is only one process, which knows its own tasks, so a
 * task it does not run is dead at once.
 */
export const STALE_AFTER_MINUTES = 15;

export type ImportState = (typeof imports.$inferSelect)["state"];
type ImportRow = typeof imports.$inferSelect;

// ---------------------------------------------------------------------------
// The tasks this process runs, with their progress (an import's progress lives inside
// its uncommitted transaction, where no other connection can see it).
// ---------------------------------------------------------------------------

type Running = { phase: "checking" | "importing"; done: number; total: number };
const globalForImports = globalThis as unknown as { __pendampingImportTasks?: Map<string, Running> };
const running: Map<string, Running> = (globalForImports.__pendampingImportTasks ??= new Map());

/** An error the user can act on, stored in imports.error as "key" or "key:detail". */
class ImportFailure extends Error {
  constructor(readonly key: string) {
    super(key);
  }
}
/** The import was settled (as failed) by someone else while this task ran: stop quietly. */
class Abandoned extends Error {}

function errorId(): string {
  return randomUUID().slice(0, 8);
}

const rows = executeRows;

// ---------------------------------------------------------------------------
// 1. Upload
// ---------------------------------------------------------------------------

export type UploadInput = {
  cohort: string;
  fileName: string;
  /** The file's bytes as they arrive. */
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  limits?: FileLimits;
};

export type UploadResult =
  | { ok: true; importId: string; rows: number }
  | { ok: false; field: "cohort"; key: "cohortRequired" | "cohortTooLong" }
  | { ok: false; field: "file"; error: ImportFileError };

/** What the history shows of a file name: its last path part, printable, at most 200 characters. */
export function cleanFileName(name: string): string {
  const base = String(name ?? "").split(/[\\/]/).pop() ?? "";
  const printable = base.replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return [...(printable || "import.csv")].slice(0, 200).join("");
}

/**
 * Receives a file with its cohort name. A bad cohort name is answered before the file is
 * read (the caller discards the rest of the body). A bad file gets its one problem and
 * writes nothing. A good one becomes an import in state "checking"; the caller then
 * starts its row check (startImportCheck).
 */
export async function uploadImport(viewer: SessionUser, input: UploadInput): Promise<UploadResult> {
  requirePermission(viewer, "create:import:any");
  const cohort = cohortSchema.safeParse(input.cohort ?? "");
  if (!cohort.success) {
    return { ok: false, field: "cohort", key: cohort.error.issues[0]?.message === "cohortTooLong" ? "cohortTooLong" : "cohortRequired" };
  }
  const received = await receiveImportFile(input.body, input.limits);
  if (!received.ok) return { ok: false, field: "file", error: received.error };
  const file = received.file;
  const fileName = cleanFileName(input.fileName);
  try {
    const importId = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(imports)
        .values({
          cohort: cohort.data,
          fileName,
          fileSha256: file.sha256,
          fileBytes: file.bytes,
          rowsTotal: file.rows,
          state: "checking",
          createdBy: viewer.id,
        })
        .returning({ id: imports.id });
      await recordAudit(tx, {
        actor: viewer,
        action: "import.upload",
        entityType: "import",
        entityId: row.id,
        after: { cohort: cohort.data, fileName, fileBytes: file.bytes, fileSha256: file.sha256, rows: file.rows },
      });
      return row.id;
    });
    await keepSpooled(file, importId);
    running.set(importId, { phase: "checking", done: 0, total: file.rows });
    return { ok: true, importId, rows: file.rows };
  } catch (error) {
    await dropSpooled(file.path);
    throw error;
  }
}

// ---------------------------------------------------------------------------
// 2. Row check
// ---------------------------------------------------------------------------

/** Starts the row check without waiting for it (errors end in the import's state). */
export function startImportCheck(viewer: SessionUser, importId: string): Promise<void> {
  requirePermission(viewer, "create:import:any");
  const task = running.get(importId);
  running.set(importId, { phase: "checking", done: task?.done ?? 0, total: task?.total ?? 0 });
  return checkImport(viewer, importId).then(
    () => undefined,
    (error) => logError(`[import ${importId}] check stopped`, error),
  );
}

export type CheckOptions = { batchSize?: number; today?: string };

/**
 * Checks every row of an uploaded file with registration's rules, then against the data:
 * NIKs already registered and NIKs repeated in the file (later lines are duplicates of
 * the first), phones already used by an account and phones repeated in the file. Each
 * line's result goes to import_rows in batches; the import's rows_checked moves as it
 * goes. Writes nothing to participants or users.
 */
export async function checkImport(viewer: SessionUser, importId: string, opts: CheckOptions = {}): Promise<void> {
  requirePermission(viewer, "create:import:any");
  const batchSize = opts.batchSize ?? CHECK_BATCH_SIZE;
  const today = opts.today ?? todayInJakarta();
  const [current] = await db.select().from(imports).where(eq(imports.id, importId));
  if (!current || current.state !== "checking") {
    running.delete(importId);
    return;
  }
  const task: Running = running.get(importId) ?? { phase: "checking", done: 0, total: current.rowsTotal };
  task.total = current.rowsTotal;
  running.set(importId, task);
  const filePath = spoolPath(importId);

  // One batch is written while the next is read and checked.
  let writing: Promise<void> = Promise.resolve();
  try {
    type Checked = { line: number; status: "ready" | "refused"; nikHash: string | null; reasons: string[]; data: unknown };
    let batch: Checked[] = [];
    let checked = 0;
    const write = async (lines: Checked[]) => {
      // The batch travels as one JSON parameter: one insert statement per batch, and no
      // thousands of bind parameters to build.
      await db.execute(sql`
        insert into import_rows (import_id, line, status, nik_hash, reasons, data)
        select ${importId}, (e->>'line')::int, e->>'status', e->>'nikHash',
               array(select jsonb_array_elements_text(e->'reasons')), e->'data'
        from jsonb_array_elements(${JSON.stringify(lines)}::jsonb) e`);
      checked += lines.length;
      const moved = await db
        .update(imports)
        .set({ rowsChecked: checked })
        .where(and(eq(imports.id, importId), eq(imports.state, "checking")))
        .returning({ id: imports.id });
      if (moved.length === 0) throw new Abandoned();
      task.done = checked;
    };
    const flush = async () => {
      await writing;
      if (batch.length === 0) return;
      const lines = batch;
      batch = [];
      writing = write(lines);
      // A failed write must not go unobserved until the next flush.
      writing.catch(() => {});
    };
    for await (const { line, record } of readImportRows(filePath)) {
      const result = checkImportRow(record, today);
      const ok = result.reasons.length === 0;
      // The NIK is kept only as the participant row will hold it: encrypted, its keyed
      // hash (for the duplicate checks) and its last four digits (for the report).
      const sealed = result.nik ? sealNik(result.nik) : null;
      const { nik: _nik, ...data } = result.data as { nik?: string };
      batch.push({
        line,
        status: ok ? "ready" : "refused",
        nikHash: sealed?.nikHash ?? null,
        reasons: result.reasons,
        data: ok ? { ...data, ...sealed } : { ...data, phone: result.phone, nikLast4: sealed?.nikLast4 ?? null },
      });
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    await writing;

    await markDuplicates(importId);
    const totals = await countRows(db, importId);
    await db.transaction(async (tx) => {
      const done = await tx
        .update(imports)
        .set({
          state: "checked",
          rowsChecked: checked,
          rowsTotal: checked,
          rowsReady: totals.ready,
          rowsRefused: totals.refused,
          rowsDuplicate: totals.duplicate,
        })
        .where(and(eq(imports.id, importId), eq(imports.state, "checking")))
        .returning({ id: imports.id });
      if (done.length === 0) throw new Abandoned();
      await recordAudit(tx, {
        actor: viewer,
        action: "import.check",
        entityType: "import",
        entityId: importId,
        after: { rows: checked, ready: totals.ready, refused: totals.refused, duplicate: totals.duplicate },
      });
    });
  } catch (error) {
    // Let a batch still being written land before cleaning up after it.
    await writing.catch(() => {});
    if (error instanceof Abandoned) {
      // Settled as failed while this ran: what it wrote after that goes too.
      await db.delete(importRows).where(eq(importRows.importId, importId));
    } else {
      const id = errorId();
      logError(`[import ${importId}] row check failed (error ${id})`, error);
      await failImport(viewer, importId, "checking", `checkFailed:${id}`);
    }
  } finally {
    running.delete(importId);
    await dropSpooled(filePath);
  }
}

/**
 * The checks against the data, as set operations over the import's rows (so memory does
 * not grow with the file): NIKs registered, NIKs repeated in the file, then, for rows
 * that are not duplicates, phones used by an account and phones repeated in the file.
 */
async function markDuplicates(importId: string): Promise<void> {
  await db.execute(sql`
    update import_rows r set status = 'duplicate', reasons = coalesce(r.reasons, '{}') || array['nik:nik.taken']
    where r.import_id = ${importId} and r.nik_hash is not null
      and exists (select 1 from participants p where p.nik_hash = r.nik_hash)`);
  await db.execute(sql`
    update import_rows r set status = 'duplicate', reasons = coalesce(r.reasons, '{}') || array['nik:import.nikInFile:' || d.first_line]
    from (
      select line, min(line) over (partition by nik_hash) as first_line
      from import_rows where import_id = ${importId} and nik_hash is not null
    ) d
    where r.import_id = ${importId} and r.line = d.line and d.line > d.first_line`);
  await db.execute(sql`
    update import_rows r set status = 'refused', reasons = coalesce(r.reasons, '{}') || array['no_hp:phone.taken']
    where r.import_id = ${importId} and r.status <> 'duplicate' and r.data->>'phone' is not null
      and exists (select 1 from users u where u.phone = r.data->>'phone')`);
  await db.execute(sql`
    update import_rows r set status = 'refused', reasons = coalesce(r.reasons, '{}') || array['no_hp:import.phoneInFile:' || d.first_line]
    from (
      select line, min(line) over (partition by data->>'phone') as first_line
      from import_rows where import_id = ${importId} and status <> 'duplicate' and data->>'phone' is not null
    ) d
    where r.import_id = ${importId} and r.line = d.line and d.line > d.first_line`);
}

type Totals = { ready: number; refused: number; duplicate: number; imported: number };

async function countRows(runner: Pick<Tx, "execute">, importId: string): Promise<Totals> {
  const counted = await rows<{ status: string; n: number }>(
    sql`select status, count(*)::int as n from import_rows where import_id = ${importId} group by status`,
    runner,
  );
  const get = (s: string) => counted.find((c) => c.status === s)?.n ?? 0;
  return { ready: get("ready"), refused: get("refused"), duplicate: get("duplicate"), imported: get("imported") };
}

/**
 * Settles a running import as failed, if it is still in `from`: a failed check leaves no
 * rows behind (its report would be partial); a failed import keeps its check's report.
 */
async function failImport(actor: SessionUser | null, importId: string, from: "checking" | "importing", error: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const failed = await tx
      .update(imports)
      .set({ state: "failed", error })
      .where(and(eq(imports.id, importId), eq(imports.state, from)))
      .returning({ id: imports.id });
    if (failed.length === 0) return false;
    if (from === "checking") {
      await tx.delete(importRows).where(eq(importRows.importId, importId));
      await tx.update(imports).set({ rowsChecked: 0 }).where(eq(imports.id, importId));
      // A dead check's file, if this server holds it.
      await dropSpooled(spoolPath(importId));
    }
    await recordAudit(tx, { actor, action: "import.fail", entityType: "import", entityId: importId, after: { phase: from, error } });
    return true;
  });
}

// ---------------------------------------------------------------------------
// 3. Confirmation and import
// ---------------------------------------------------------------------------

export type ConfirmResult =
  | { ok: true }
  | { ok: false; key: "notReady" | "nothingToImport" | "caseworkerInvalid" };

/**
 * The PMO confirms a checked import, naming the caseworkers (none, or several) to spread
 * the new participants over. The import itself then runs in the background (startImport).
 */
export async function confirmImport(viewer: SessionUser, input: ConfirmImportInput): Promise<ConfirmResult> {
  requirePermission(viewer, "create:import:any");
  const current = await settled(await findImport(input.importId));
  if (current.state !== "checked") return { ok: false, key: "notReady" };
  if (current.rowsReady === 0) return { ok: false, key: "nothingToImport" };
  if (!(await caseworkersActive(db, input.caseworkerIds))) return { ok: false, key: "caseworkerInvalid" };
  return db.transaction(async (tx): Promise<ConfirmResult> => {
    const moved = await tx
      .update(imports)
      .set({ state: "importing", caseworkerIds: input.caseworkerIds.length ? input.caseworkerIds : null, error: null })
      .where(and(eq(imports.id, current.id), eq(imports.state, "checked")))
      .returning({ id: imports.id });
    if (moved.length === 0) return { ok: false, key: "notReady" };
    await recordAudit(tx, {
      actor: viewer,
      action: "import.confirm",
      entityType: "import",
      entityId: current.id,
      after: { ready: current.rowsReady, caseworkerIds: input.caseworkerIds },
    });
    running.set(current.id, { phase: "importing", done: 0, total: current.rowsReady });
    return { ok: true };
  });
}

async function caseworkersActive(runner: Pick<Tx, "select">, ids: string[]): Promise<boolean> {
  if (ids.length === 0) return true;
  const found = await runner
    .select({ id: users.id })
    .from(users)
    .where(and(inArray(users.id, ids), eq(users.role, "caseworker"), isNull(users.disabledAt)));
  return found.length === ids.length;
}

/** Starts the confirmed import without waiting for it (errors end in the import's state). */
export function startImport(viewer: SessionUser, importId: string): Promise<void> {
  requirePermission(viewer, "create:import:any");
  if (!running.has(importId)) running.set(importId, { phase: "importing", done: 0, total: 0 });
  return runImport(viewer, importId).then(
    () => undefined,
    (error) => logError(`[import ${importId}] import stopped`, error),
  );
}

export type RunOptions = {
  batchSize?: number;
  /** Called inside the transaction after each batch with the rows imported so far. */
  afterBatch?: (imported: number) => void | Promise<void>;
};

export type RunResult = { imported: number; skippedSinceCheck: number } | null;

/**
 * Imports the ready rows of a confirmed import in ONE transaction: for each row a user
 * (participant, the phone, no password: a caseworker gives an activation code), a
 * participant (source "import", the cohort, "mantan" with the arrival date as return
 * date, consent pending until the worker confirms it when activating), a first stage
 * change, spread round-robin over the chosen caseworkers; and one audit event with the
 * counts. Before writing, the rows are checked again against the data of that moment: a
 * NIK or phone registered since the check is skipped and reported (another import of an
 * overlapping file, a registration). Imports run one at a time. Any failure rolls all
 * of it back and leaves the import failed, its report intact.
 */
export async function runImport(viewer: SessionUser, importId: string, opts: RunOptions = {}): Promise<RunResult> {
  requirePermission(viewer, "create:import:any");
  const batchSize = opts.batchSize ?? IMPORT_BATCH_SIZE;
  const [current] = await db.select().from(imports).where(eq(imports.id, importId));
  if (!current || current.state !== "importing") {
    running.delete(importId);
    return null;
  }
  const task: Running = running.get(importId) ?? { phase: "importing", done: 0, total: current.rowsReady };
  task.total = current.rowsReady;
  running.set(importId, task);

  try {
    return await db.transaction(async (tx) => {
      // One import at a time: the next one's re-check sees this one's participants.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('pendamping.imports'))`);
      const [locked] = await tx.select().from(imports).where(eq(imports.id, importId)).for("update");
      if (!locked || locked.state !== "importing") throw new Abandoned();
      const caseworkerIds = locked.caseworkerIds ?? [];
      if (!(await caseworkersActive(tx, caseworkerIds))) throw new ImportFailure("caseworkerInvalid");

      // Registered since the check: skipped, with the reason the check would have given.
      const lateNik = await rows<{ line: number }>(
        sql`update import_rows r set status = 'duplicate', reasons = coalesce(r.reasons, '{}') || array['nik:nik.taken']
            where r.import_id = ${importId} and r.status = 'ready'
              and exists (select 1 from participants p where p.nik_hash = r.nik_hash)
            returning r.line`,
        tx,
      );
      const latePhone = await rows<{ line: number }>(
        sql`update import_rows r set status = 'refused', reasons = coalesce(r.reasons, '{}') || array['no_hp:phone.taken']
            where r.import_id = ${importId} and r.status = 'ready'
              and exists (select 1 from users u where u.phone = r.data->>'phone')
            returning r.line`,
        tx,
      );
      task.total = locked.rowsReady - lateNik.length - latePhone.length;

      const cwArray = caseworkerIds.length ? sql`${`{${caseworkerIds.join(",")}}`}::uuid[]` : sql`null::uuid[]`;
      let imported = 0;
      const [{ last }] = await rows<{ last: number | null }>(
        sql`select max(line) as last from import_rows where import_id = ${importId}`,
        tx,
      );
      // Windows of `batchSize` lines, read along the primary key (import_id, line).
      for (let after = 0; after < (last ?? 0); after += batchSize) {
        const [batch] = await rows<{ n: number }>(
          sql`
          with src as materialized (
            -- The ids are drawn here, so that each insert below reads them from this one
            -- list instead of joining on what the previous insert returned.
            select r.line, r.data, gen_random_uuid() as user_id, gen_random_uuid() as participant_id,
                   row_number() over (order by r.line) as n
            from import_rows r
            where r.import_id = ${importId} and r.line > ${after} and r.line <= ${after + batchSize} and r.status = 'ready'
          ),
          new_users as (
            insert into users (id, role, name, phone)
            select s.user_id, 'participant', s.data->>'fullName', s.data->>'phone' from src s
          ),
          new_participants as (
            insert into participants (
              id, user_id, full_name, nik_enc, nik_hash, nik_last4, birth_date, sex, province_code, migrant_status, country_code,
              return_date, arrival_date, quarantine_location, cohort, caseworker_id, source
            )
            select s.participant_id, s.user_id, s.data->>'fullName', s.data->>'nikEnc', s.data->>'nikHash', s.data->>'nikLast4',
                   (s.data->>'birthDate')::date,
                   s.data->>'sex', s.data->>'provinceCode', 'mantan', s.data->>'countryCode',
                   (s.data->>'arrivalDate')::date, (s.data->>'arrivalDate')::date, s.data->>'quarantineLocation',
                   ${locked.cohort},
                   (${cwArray})[((${imported}::int + s.n::int - 1) % greatest(${caseworkerIds.length}::int, 1)) + 1],
                   'import'
            from src s
          ),
          first_stage as (
            insert into stage_changes (participant_id, from_stage, to_stage, changed_by)
            select s.participant_id, null, 'registration', ${viewer.id}::uuid from src s
          ),
          marked as (
            update import_rows r set status = 'imported', participant_id = s.participant_id
            from src s
            where r.import_id = ${importId} and r.line = s.line
            returning r.line
          )
          select count(*)::int as n from marked`,
          tx,
        );
        if (!batch || batch.n === 0) continue;
        imported += batch.n;
        task.done = imported;
        await opts.afterBatch?.(imported);
      }

      const totals = await countRows(tx, importId);
      const finished = await tx
        .update(imports)
        .set({
          state: "imported",
          rowsImported: totals.imported,
          rowsRefused: totals.refused,
          rowsDuplicate: totals.duplicate,
          importedAt: sql`now()`,
        })
        .where(and(eq(imports.id, importId), eq(imports.state, "importing")))
        .returning({ id: imports.id });
      if (finished.length === 0) throw new Abandoned();
      const skippedSinceCheck = lateNik.length + latePhone.length;
      await recordAudit(tx, {
        actor: viewer,
        action: "import.run",
        entityType: "import",
        entityId: importId,
        after: {
          cohort: locked.cohort,
          imported,
          skippedSinceCheck,
          refused: totals.refused,
          duplicate: totals.duplicate,
          caseworkers: caseworkerIds.length,
        },
      });
      return { imported, skippedSinceCheck };
    });
  } catch (error) {
    if (error instanceof Abandoned) return null;
    const key = error instanceof ImportFailure ? error.key : `importFailed:${errorId()}`;
    if (!(error instanceof ImportFailure)) logError(`[import ${importId}] import failed (error ${key.split(":")[1]})`, error);
    await failImport(viewer, importId, "importing", key);
    return null;
  } finally {
    running.delete(importId);
  }
}

// ---------------------------------------------------------------------------
// Reading: one import with its report, the history, the report as CSV, the cohorts
// ---------------------------------------------------------------------------

async function findImport(importId: string): Promise<ImportRow> {
  if (!UUID.test(importId)) notFound();
  const [row] = await db.select().from(imports).where(eq(imports.id, importId));
  if (!row) notFound();
  return row;
}

/** When the running phase began: the upload for a check, the confirmation for an import. */
async function phaseStartedAt(row: ImportRow): Promise<Date> {
  if (row.state === "checking") return row.createdAt;
  const [confirmed] = await db
    .select({ at: auditEvents.createdAt })
    .from(auditEvents)
    .where(and(eq(auditEvents.entityType, "import"), eq(auditEvents.entityId, row.id), eq(auditEvents.action, "import.confirm")))
    .orderBy(desc(auditEvents.id))
    .limit(1);
  return confirmed?.at ?? row.createdAt;
}

/**
 * The import as it stands, a dead task settled: a check or import that no process runs
 * (see STALE_AFTER_MINUTES) becomes "failed" with the error "stale".
 */
async function settled(row: ImportRow, now = new Date()): Promise<ImportRow> {
  if (row.state !== "checking" && row.state !== "importing") return row;
  if (running.has(row.id)) return row;
  if (dbKind !== "pglite") {
    const started = await phaseStartedAt(row);
    if (now.getTime() - started.getTime() < STALE_AFTER_MINUTES * 60_000) return row;
  }
  await failImport(null, row.id, row.state, "stale");
  const [again] = await db.select().from(imports).where(eq(imports.id, row.id));
  return again;
}

export type ImportProgress = {
  state: ImportState;
  /** Rows done in the running phase (checked, or imported) and of how many. */
  done: number;
  total: number;
  error: string | null;
};

function progressOf(row: ImportRow): ImportProgress {
  const task = running.get(row.id);
  if (row.state === "importing") {
    return { state: row.state, done: task?.done ?? 0, total: task?.total || row.rowsReady, error: null };
  }
  if (row.state === "checking") {
    return { state: row.state, done: Math.max(row.rowsChecked, task?.done ?? 0), total: row.rowsTotal, error: null };
  }
  return { state: row.state, done: row.rowsChecked, total: row.rowsTotal, error: row.error };
}

export type ReportLine = {
  line: number;
  status: "refused" | "duplicate";
  fullName: string;
  nikMasked: string | null;
  reasons: { column: string; key: string; line?: number }[];
};

export type ImportView = {
  id: string;
  cohort: string;
  fileName: string;
  fileBytes: number;
  createdAt: Date;
  createdBy: string;
  importedAt: Date | null;
  progress: ImportProgress;
  totals: { rows: number; ready: number; refused: number; duplicate: number; imported: number; skippedSinceCheck: number };
  caseworkers: { id: string; name: string; assigned: number }[];
  /** Earlier imports of a file with the same content. */
  sameFile: { id: string; createdAt: Date; state: ImportState; cohort: string }[];
  report: { lines: ReportLine[]; page: number; pageCount: number };
};

/** One import for its page: progress, totals, the report's lines (refused and duplicate), one page of them. */
export async function getImport(viewer: SessionUser, importId: string, opts: { page?: number } = {}): Promise<ImportView> {
  requirePermission(viewer, "create:import:any");
  const row = await settled(await findImport(importId));
  const [author] = await db.select({ name: users.name }).from(users).where(eq(users.id, row.createdBy));
  const problems = row.rowsRefused + row.rowsDuplicate;
  const pageCount = Math.max(1, Math.ceil(problems / REPORT_PAGE_SIZE));
  const page = Math.min(Math.max(1, opts.page ?? 1), pageCount);
  const done = row.state === "checked" || row.state === "importing" || row.state === "imported" || (row.state === "failed" && row.rowsChecked > 0);
  const lines = done ? await reportLines(importId, { limit: REPORT_PAGE_SIZE, offset: (page - 1) * REPORT_PAGE_SIZE }) : [];

  const chosen = row.caseworkerIds ?? [];
  const names = chosen.length
    ? await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, chosen))
    : [];
  const assigned =
    row.state === "imported" && chosen.length
      ? await rows<{ id: string; n: number }>(sql`
          select p.caseworker_id as id, count(*)::int as n
          from import_rows r join participants p on p.id = r.participant_id
          where r.import_id = ${importId} and r.status = 'imported'
          group by p.caseworker_id`)
      : [];
  const sameFile = await db
    .select({ id: imports.id, createdAt: imports.createdAt, state: imports.state, cohort: imports.cohort })
    .from(imports)
    .where(and(eq(imports.fileSha256, row.fileSha256), ne(imports.id, row.id), lte(imports.createdAt, row.createdAt)))
    .orderBy(asc(imports.createdAt))
    .limit(5);

  return {
    id: row.id,
    cohort: row.cohort,
    fileName: row.fileName,
    fileBytes: row.fileBytes,
    createdAt: row.createdAt,
    createdBy: author?.name ?? "",
    importedAt: row.importedAt,
    progress: progressOf(row),
    totals: {
      rows: row.rowsTotal,
      ready: row.rowsReady,
      refused: row.rowsRefused,
      duplicate: row.rowsDuplicate,
      imported: row.rowsImported,
      skippedSinceCheck: row.state === "imported" ? Math.max(0, row.rowsReady - row.rowsImported) : 0,
    },
    caseworkers: chosen.map((id) => ({
      id,
      name: names.find((n) => n.id === id)?.name ?? "",
      assigned: assigned.find((a) => a.id === id)?.n ?? 0,
    })),
    sameFile,
    report: { lines, page, pageCount },
  };
}

async function reportLines(importId: string, window: { limit: number; offset?: number; afterLine?: number }): Promise<ReportLine[]> {
  const found = await db
    .select({ line: importRows.line, status: importRows.status, reasons: importRows.reasons, data: importRows.data })
    .from(importRows)
    .where(
      and(
        eq(importRows.importId, importId),
        inArray(importRows.status, ["refused", "duplicate"]),
        window.afterLine !== undefined ? gt(importRows.line, window.afterLine) : undefined,
      ),
    )
    .orderBy(asc(importRows.line))
    .limit(window.limit)
    .offset(window.offset ?? 0);
  return found.map((r) => ({
    line: r.line,
    status: r.status as "refused" | "duplicate",
    fullName: String((r.data as { fullName?: string } | null)?.fullName ?? ""),
    nikMasked: maskNikLast4((r.data as { nikLast4?: string | null } | null)?.nikLast4 ?? null) || null,
    reasons: (r.reasons ?? []).map((reason: ImportReason) => parseReason(reason)),
  }));
}

/** The progress alone, for the page's refresh and the progress route. */
export async function getImportProgress(viewer: SessionUser, importId: string): Promise<ImportProgress & { totals: ImportView["totals"] }> {
  requirePermission(viewer, "create:import:any");
  const row = await settled(await findImport(importId));
  return {
    ...progressOf(row),
    totals: {
      rows: row.rowsTotal,
      ready: row.rowsReady,
      refused: row.rowsRefused,
      duplicate: row.rowsDuplicate,
      imported: row.rowsImported,
      skippedSinceCheck: row.state === "imported" ? Math.max(0, row.rowsReady - row.rowsImported) : 0,
    },
  };
}

export type ImportHistoryRow = {
  id: string;
  cohort: string;
  fileName: string;
  createdAt: Date;
  createdBy: string;
  progress: ImportProgress;
  totals: { rows: number; ready: number; refused: number; duplicate: number; imported: number };
};

export const HISTORY_PAGE_SIZE = 50;

/** Every import, newest first: who, when, file, cohort, state and counts. */
export async function listImports(viewer: SessionUser, opts: { page?: number } = {}): Promise<{ rows: ImportHistoryRow[]; page: number; pageCount: number }> {
  requirePermission(viewer, "create:import:any");
  const [{ n }] = await rows<{ n: number }>(sql`select count(*)::int as n from imports`);
  const pageCount = Math.max(1, Math.ceil(n / HISTORY_PAGE_SIZE));
  const page = Math.min(Math.max(1, opts.page ?? 1), pageCount);
  const found = await db
    .select({ i: imports, createdBy: users.name })
    .from(imports)
    .innerJoin(users, eq(users.id, imports.createdBy))
    .orderBy(desc(imports.createdAt), desc(imports.id))
    .limit(HISTORY_PAGE_SIZE)
    .offset((page - 1) * HISTORY_PAGE_SIZE);
  const out: ImportHistoryRow[] = [];
  for (const { i, createdBy } of found) {
    const row = await settled(i);
    out.push({
      id: row.id,
      cohort: row.cohort,
      fileName: row.fileName,
      createdAt: row.createdAt,
      createdBy,
      progress: progressOf(row),
      totals: { rows: row.rowsTotal, ready: row.rowsReady, refused: row.rowsRefused, duplicate: row.rowsDuplicate, imported: row.rowsImported },
    });
  }
  return { rows: out, page, pageCount };
}

export const REPORT_COLUMNS = ["baris", "status", "nik", "nama_lengkap", "alasan"] as const;
export const REPORT_BATCH_SIZE = 1000;

export type ReportWords = {
  status: (status: "refused" | "duplicate") => string;
  reason: (reason: { column: string; key: string; line?: number }) => string;
};

/**
 * The report (refused and duplicate lines) as CSV in the reader's language: UTF-8 with a
 * byte-order mark, CRLF, NIKs masked, read in batches as the reader takes them. The
 * download is written to the audit log.
 */
export async function importReportCsv(
  viewer: SessionUser,
  importId: string,
  words: ReportWords,
): Promise<{ fileName: string; stream: ReadableStream<Uint8Array> }> {
  requirePermission(viewer, "create:import:any");
  const row = await findImport(importId);
  await db.transaction((tx) =>
    recordAudit(tx, { actor: viewer, action: "import.report_download", entityType: "import", entityId: importId }),
  );
  const encoder = new TextEncoder();
  let afterLine = 0;
  let first = true;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const batch = await reportLines(importId, { limit: REPORT_BATCH_SIZE, afterLine });
        const csv = stringify(
          batch.map((l) => [
            String(l.line),
            words.status(l.status),
            l.nikMasked ?? "",
            safeCsvText(l.fullName),
            l.reasons.map((r) => words.reason(r)).join("; "),
          ]),
          { header: first, bom: first, columns: [...REPORT_COLUMNS], record_delimiter: "windows" },
        );
        first = false;
        if (csv) controller.enqueue(encoder.encode(csv));
        if (batch.length < REPORT_BATCH_SIZE) controller.close();
        else afterLine = batch[batch.length - 1].line;
      },
    },
    { highWaterMark: 0 },
  );
  const slug = row.cohort
    .normalize("NFKD")
    .replace(/[^\w]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .toLowerCase()
    .slice(0, 60);
  return { fileName: `laporan-impor-${slug || "kohort"}-${row.createdAt.toISOString().slice(0, 10).replaceAll("-", "")}.csv`, stream };
}

/** The cohort names of imported participants, for the dashboard's and the list's filters. */
export async function listCohorts(viewer: SessionUser): Promise<string[]> {
  requirePermission(viewer, "read:participant:any");
  const found = await db
    .selectDistinct({ cohort: imports.cohort })
    .from(imports)
    .where(gt(imports.rowsImported, 0))
    .orderBy(asc(imports.cohort));
  return found.map((f) => f.cohort);
}
