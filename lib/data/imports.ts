import "server-only";
import { randomUUID } from "node:crypto";
import { stringify } from "csv-stringify/sync";
import { and, asc, desc, eq, gt, inArray, isNull, lte, ne, sql } from "drizzle-orm";
import { notFound } from "next/navigation";
import { db, dbKind, executeRows, type Tx } from "@/db";
import { importFileChunks, importProgress, importRows, imports, users } from "@/db/schema";
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
import { enqueue } from "@/lib/jobs/engine";
import { QUEUES } from "@/lib/jobs/queues";
import { dropImportFile, readImportRows, receiveImportFile, type FileLimits, type ImportFileError } from "./import-file";
import { requirePermission, type SessionUser } from "./permissions";
import { provinceScope, requireScope } from "./scope";

// Cohort import (a quarantine list → participants). Three steps, each its own function:
//   1. uploadImport    the file is received and checked as a file, and stored in the
//                      database; an imports row is made, with its check job
//   2. checkImport     every row is checked (job "import-check"): import_rows gets each
//                      line's result; nothing is written to participants
//   3. confirmImport + runImport
//                      the ready rows become participants, users and stage changes in one
//                      transaction, re-checked against the data of that moment (job
//                      "import-run")
// The jobs are queued in the transaction of the step that causes them and run by any
// worker (lib/jobs/import-check.ts, import-run.ts); a worker that dies leaves its job to
// be run again by another, which is safe: the check resumes after the last line written
// and settles once, the import is one transaction. A job that fails for good settles the
// import as failed (failImportJob, the queues' dead letter). The PMO's functions here need
// "create:import:any"; the jobs' functions act for the PMO who started them.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const CHECK_BATCH_SIZE = 1000;
export const IMPORT_BATCH_SIZE = 1000;

export type ImportState = (typeof imports.$inferSelect)["state"];
type ImportRow = typeof imports.$inferSelect;

// ---------------------------------------------------------------------------
// The imports this process runs, with their progress. An import's rows live inside its
// uncommitted transaction, where no other connection can see them, so the worker also
// writes its progress to import_progress outside that transaction (PostgreSQL). On the
// embedded database the worker shares the web server's process, and this map is read.
// ---------------------------------------------------------------------------

type Running = { done: number; total: number };
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
 * writes nothing. A good one is stored in the database and becomes an import in state
 * "checking", with its row-check job, in one transaction.
 */
export async function uploadImport(viewer: SessionUser, input: UploadInput): Promise<UploadResult> {
  requirePermission(viewer, "create:import:any");
  const cohort = cohortSchema.safeParse(input.cohort ?? "");
  if (!cohort.success) {
    return { ok: false, field: "cohort", key: cohort.error.issues[0]?.message === "cohortTooLong" ? "cohortTooLong" : "cohortRequired" };
  }
  const uploadId = randomUUID();
  const received = await receiveImportFile(input.body, uploadId, input.limits);
  if (!received.ok) return { ok: false, field: "file", error: received.error };
  const file = received.file;
  const fileName = cleanFileName(input.fileName);
  try {
    const importId = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(imports)
        .values({
          id: uploadId,
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
      await enqueue(tx, QUEUES.importCheck, { importId: row.id });
      return row.id;
    });
    return { ok: true, importId, rows: file.rows };
  } catch (error) {
    await dropImportFile(uploadId);
    throw error;
  }
}

// ---------------------------------------------------------------------------
// 2. Row check
// ---------------------------------------------------------------------------

export type CheckOptions = { batchSize?: number; today?: string; afterBatch?: (checked: number) => void | Promise<void> };

/**
 * Checks every row of an uploaded file with registration's rules, then against the data:
 * NIKs already registered and NIKs repeated in the file (later lines are duplicates of
 * the first), phones already used by an account and phones repeated in the file. Each
 * line's result goes to import_rows in batches; the import's rows_checked moves as it
 * goes. Writes nothing to participants or users. (The import-check job; it acts for the
 * PMO who uploaded the file.)
 *
 * Safe to run again, and at once: a run picks up after the last line already written
 * (a line is written once: the key is import and line), and the import is settled as
 * checked once, in a transaction that locks it, with the data checks, the totals, the
 * audit event and the file's deletion. An error throws, for the job engine to retry.
 */
export async function checkImport(importId: string, opts: CheckOptions = {}): Promise<"checked" | "skipped"> {
  const batchSize = opts.batchSize ?? CHECK_BATCH_SIZE;
  const today = opts.today ?? todayInJakarta();
  const [current] = await db.select().from(imports).where(eq(imports.id, importId));
  if (!current || current.state !== "checking") return "skipped";
  const [{ last, n }] = await rows<{ last: number | null; n: number }>(
    sql`select max(line) as last, count(*)::int as n from import_rows where import_id = ${importId}`,
  );
  const resumeAfter = last ?? 0;

  // One batch is written while the next is read and checked.
  let writing: Promise<void> = Promise.resolve();
  try {
    type Checked = { line: number; status: "ready" | "refused"; nikHash: string | null; reasons: string[]; data: unknown };
    let batch: Checked[] = [];
    let checked = n;
    const write = async (lines: Checked[]) => {
      // The batch travels as one JSON parameter: one insert statement per batch, and no
      // thousands of bind parameters to build. Written only while the import is being
      // checked, and a line already written (by an earlier run) is left as it is.
      await db.execute(sql`
        insert into import_rows (import_id, line, status, nik_hash, reasons, data)
        select ${importId}, (e->>'line')::int, e->>'status', e->>'nikHash',
               array(select jsonb_array_elements_text(e->'reasons')), e->'data'
        from jsonb_array_elements(${JSON.stringify(lines)}::jsonb) e
        where exists (select 1 from imports where id = ${importId} and state = 'checking')
        on conflict (import_id, line) do nothing`);
      checked += lines.length;
      const moved = await db
        .update(imports)
        .set({ rowsChecked: sql`greatest(${imports.rowsChecked}, ${checked})` })
        .where(and(eq(imports.id, importId), eq(imports.state, "checking")))
        .returning({ id: imports.id });
      if (moved.length === 0) throw new Abandoned();
      await opts.afterBatch?.(checked);
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
    for await (const { line, record } of readImportRows(importId)) {
      if (line <= resumeAfter) continue;
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

    return await db.transaction(async (tx) => {
      const [locked] = await tx.select().from(imports).where(eq(imports.id, importId)).for("update");
      // Settled by another run, or failed, while this one read the file.
      if (!locked || locked.state !== "checking") return "skipped" as const;
      await markDuplicates(tx, importId);
      const totals = await countRows(tx, importId);
      const all = totals.ready + totals.refused + totals.duplicate;
      await tx
        .update(imports)
        .set({
          state: "checked",
          rowsChecked: all,
          rowsTotal: all,
          rowsReady: totals.ready,
          rowsRefused: totals.refused,
          rowsDuplicate: totals.duplicate,
        })
        .where(eq(imports.id, importId));
      await tx.delete(importFileChunks).where(eq(importFileChunks.uploadId, importId));
      await recordAudit(tx, {
        actor: { id: locked.createdBy, role: "pmo" },
        action: "import.check",
        entityType: "import",
        entityId: importId,
        after: { rows: all, ready: totals.ready, refused: totals.refused, duplicate: totals.duplicate },
      });
      return "checked" as const;
    });
  } catch (error) {
    // Let a batch still being written land before giving up.
    await writing.catch(() => {});
    if (error instanceof Abandoned) return "skipped";
    throw error;
  }
}

/**
 * The checks against the data, as set operations over the import's rows (so memory does
 * not grow with the file): NIKs registered, NIKs repeated in the file, then, for rows
 * that are not duplicates, phones used by an account and phones repeated in the file.
 */
async function markDuplicates(tx: Tx, importId: string): Promise<void> {
  await tx.execute(sql`
    update import_rows r set status = 'duplicate', reasons = coalesce(r.reasons, '{}') || array['nik:nik.taken']
    where r.import_id = ${importId} and r.nik_hash is not null
      and exists (select 1 from participants p where p.nik_hash = r.nik_hash)`);
  await tx.execute(sql`
    update import_rows r set status = 'duplicate', reasons = coalesce(r.reasons, '{}') || array['nik:import.nikInFile:' || d.first_line]
    from (
      select line, min(line) over (partition by nik_hash) as first_line
      from import_rows where import_id = ${importId} and nik_hash is not null
    ) d
    where r.import_id = ${importId} and r.line = d.line and d.line > d.first_line`);
  await tx.execute(sql`
    update import_rows r set status = 'refused', reasons = coalesce(r.reasons, '{}') || array['no_hp:phone.taken']
    where r.import_id = ${importId} and r.status <> 'duplicate' and r.data->>'phone' is not null
      and exists (select 1 from users u where u.phone = r.data->>'phone')`);
  await tx.execute(sql`
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
async function failImport(actor: Pick<SessionUser, "id" | "role"> | null, importId: string, from: "checking" | "importing", error: string): Promise<boolean> {
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
 * the new participants over; the import job is queued in the same transaction.
 */
export async function confirmImport(viewer: SessionUser, input: ConfirmImportInput): Promise<ConfirmResult> {
  requirePermission(viewer, "create:import:any");
  const current = await findImport(input.importId);
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
    await enqueue(tx, QUEUES.importRun, { importId: current.id, actorId: viewer.id });
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

export type RunOptions = {
  batchSize?: number;
  /** Called inside the transaction after each batch with the rows imported so far. */
  afterBatch?: (imported: number) => void | Promise<void>;
};

export type RunResult = { imported: number; skippedSinceCheck: number } | null;

/**
 * The progress of a running import, outside its transaction (see `running`). The row is
 * made before the transaction begins and only updated inside it: an insert would wait
 * for the import's row, which the transaction holds locked.
 */
async function reportProgress(importId: string, progress: Running, first = false): Promise<void> {
  running.set(importId, progress);
  // On PGlite the one connection is held by the import's transaction: the map is enough.
  if (dbKind === "pglite") return;
  if (first) {
    await db
      .insert(importProgress)
      .values({ importId, done: progress.done, total: progress.total })
      .onConflictDoUpdate({ target: importProgress.importId, set: { done: progress.done, total: progress.total, updatedAt: sql`now()` } });
  } else {
    await db
      .update(importProgress)
      .set({ done: progress.done, total: progress.total, updatedAt: sql`now()` })
      .where(eq(importProgress.importId, importId));
  }
}

/**
 * Imports the ready rows of a confirmed import in ONE transaction: for each row a user
 * (participant, the phone, no password: a caseworker gives an activation code), a
 * participant (source "import", the cohort, "mantan" with the arrival date as return
 * date, consent pending until the worker confirms it when activating), a first stage
 * change, spread round-robin over the chosen caseworkers; and one audit event with the
 * counts. Before writing, the rows are checked again against the data of that moment: a
 * NIK or phone registered since the check is skipped and reported (another import of an
 * overlapping file, a registration). Imports run one at a time. Any failure rolls all
 * of it back; a failure the PMO can act on (a chosen caseworker was disabled since)
 * leaves the import failed at once, its report intact; any other error throws, for the
 * job engine to retry (the import-run job, acting for the PMO who confirmed it).
 *
 * Safe to run again, and at once: the advisory lock makes a second run wait for the
 * first, and then find the import no longer "importing"; a worker that dies in the
 * middle takes its uncommitted transaction with it, and the next run starts afresh.
 */
export async function runImport(importId: string, actorId: string, opts: RunOptions = {}): Promise<RunResult> {
  const batchSize = opts.batchSize ?? IMPORT_BATCH_SIZE;
  const [current] = await db.select().from(imports).where(eq(imports.id, importId));
  if (!current || current.state !== "importing") return null;
  const actor = { id: actorId, role: "pmo" as const };
  const task: Running = { done: 0, total: current.rowsReady };
  await reportProgress(importId, task, true);

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
      await reportProgress(importId, task);

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
            select s.participant_id, null, 'registration', ${actorId}::uuid from src s
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
        await reportProgress(importId, task);
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
        actor,
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
    if (!(error instanceof ImportFailure)) throw error;
    await failImport(actor, importId, "importing", error.key);
    return null;
  } finally {
    running.delete(importId);
    if (dbKind !== "pglite") await db.delete(importProgress).where(eq(importProgress.importId, importId)).catch(() => {});
  }
}

/**
 * A check or import job failed for good (its last retry, or its worker died on each
 * try): the import is settled as failed, with an error id the log names. The dead-letter
 * job of the import queues; the system acts.
 */
export async function failImportJob(importId: string, phase: "checking" | "importing", jobId: string): Promise<boolean> {
  const id = jobId.slice(0, 8);
  logError(`[import ${importId}] ${phase === "checking" ? "row check" : "import"} failed for good (error ${id})`, new Error(`job ${jobId}`));
  return failImport(null, importId, phase, `${phase === "checking" ? "checkFailed" : "importFailed"}:${id}`);
}

/**
 * Puts a failed import back in the phase its job failed in, for the PMO's retry of that
 * job (lib/data/jobs.ts), in the caller's transaction. False when the import is not
 * failed in that way (imported since, or failed for a reason a retry does not cure).
 */
export async function reopenFailedImport(tx: Tx, importId: string, phase: "checking" | "importing"): Promise<boolean> {
  const [row] = await tx.select().from(imports).where(eq(imports.id, importId)).for("update");
  if (!row || row.state !== "failed") return false;
  if (phase === "checking") {
    if (!(row.error ?? "").startsWith("checkFailed")) return false;
    const [piece] = await tx.select({ seq: importFileChunks.seq }).from(importFileChunks).where(eq(importFileChunks.uploadId, importId)).limit(1);
    if (!piece) return false;
  } else if (!(row.error ?? "").startsWith("importFailed")) return false;
  await tx.update(imports).set({ state: phase, error: null }).where(eq(imports.id, importId));
  return true;
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

export type ImportProgress = {
  state: ImportState;
  /** Rows done in the running phase (checked, or imported) and of how many. */
  done: number;
  total: number;
  error: string | null;
};

/** Where a running import stands: this process's own count, else what its worker reported. */
async function progressOf(row: ImportRow): Promise<ImportProgress> {
  if (row.state === "importing") {
    const task = running.get(row.id);
    const [reported] = task
      ? [task]
      : await db.select({ done: importProgress.done, total: importProgress.total }).from(importProgress).where(eq(importProgress.importId, row.id));
    return { state: row.state, done: reported?.done ?? 0, total: reported?.total || row.rowsReady, error: null };
  }
  if (row.state === "checking") return { state: row.state, done: row.rowsChecked, total: row.rowsTotal, error: null };
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
  const row = await findImport(importId);
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
    progress: await progressOf(row),
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
  const row = await findImport(importId);
  return {
    ...(await progressOf(row)),
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
    const row = i;
    out.push({
      id: row.id,
      cohort: row.cohort,
      fileName: row.fileName,
      createdAt: row.createdAt,
      createdBy,
      progress: await progressOf(row),
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

/**
 * The cohort names of imported participants, for the dashboard's and the list's filters.
 * A coordinator gets the cohorts that have participants in their provinces (from the
 * dashboard's counters), not every import's name.
 */
export async function listCohorts(viewer: SessionUser): Promise<string[]> {
  const scope = await requireScope(viewer, "read:participant:any", "read:dashboard:region");
  if (scope !== null) {
    const held = await executeRows<{ cohort: string }>(sql`
      select c.cohort from dash_cohort c where c.cohort <> '' and ${provinceScope(scope, sql`c.province_code`)}
      group by 1 having sum(c.n) > 0 order by 1`);
    return held.map((h) => h.cohort);
  }
  const found = await db
    .selectDistinct({ cohort: imports.cohort })
    .from(imports)
    .where(gt(imports.rowsImported, 0))
    .orderBy(asc(imports.cohort));
  return found.map((f) => f.cohort);
}
