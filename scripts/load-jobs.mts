// tsx --import ./scripts/register-server-only.mjs scripts/load-jobs.mts --messages 300 --rows 30000
// Run by scripts/load-check.mts's fault run on its throwaway database (DATABASE_URL), a few
// seconds before PostgreSQL is restarted: puts background work in flight for the workers
// (scripts/worker.mts) to carry through the restart, through the data layer as the app
// does: outbox messages to participants with an email address (each queued with its
// delivery job), and a cohort import of a generated file (uploaded, and confirmed once a
// worker has checked it). Waits, riding out the restart, until the import is imported
// (or the time is up), and prints JSON lines: {"queued": …} at once, {"done": …} at the end.
import { mkdtemp, rm } from "node:fs/promises";
import { createReadStream } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { and, eq, isNotNull, sql } from "drizzle-orm";
import { closeDb, db } from "@/db";
import { outboxMessages, participants, users } from "@/db/schema";
import { confirmImport, getImportProgress, uploadImport } from "@/lib/data/imports";
import { queueMessage } from "@/lib/data/outbox";
import type { SessionUser } from "@/lib/data/permissions";
import { writeCohortFile } from "./scale/cohort-file";
import { installPostgresWriteGuard } from "@/lib/process/postgres-write-guard.mjs";

// A restart can meet a write postgres.js has scheduled (porsager/postgres#1154).
installPostgresWriteGuard();

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "300" },
    rows: { type: "string", default: "30000" },
    seconds: { type: "string", default: "240" },
  },
});
const deadline = Date.now() + Number(values.seconds) * 1000;
const print = (o: Record<string, unknown>) => console.log(JSON.stringify({ at: new Date().toISOString(), ...o }));

/** Runs a step again until it succeeds (the database may be restarting) or the time is up. */
async function persistently<T>(what: string, step: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await step();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what}: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

const work = await mkdtemp(path.join(tmpdir(), "load-jobs-"));
try {
  // Every step may meet the restart (on a loaded machine this script can still be starting
  // when it comes): each is tried again until the database is back.
  const [pmoRow] = await persistently("pmo", () => db.select().from(users).where(eq(users.email, "pmo@pendamping.test")));
  const pmo: SessionUser = { id: pmoRow.id, role: "pmo", name: pmoRow.name, locale: "id" };
  const [cw] = await persistently("caseworker", () =>
    db.select({ id: users.id }).from(users).where(and(eq(users.role, "caseworker"), sql`${users.disabledAt} is null`)).limit(1),
  );
  const withEmail = await persistently("participants", () =>
    db
      .select({ id: participants.id })
      .from(participants)
      .innerJoin(users, eq(users.id, participants.userId))
      .where(isNotNull(users.email))
      .limit(50),
  );
  if (withEmail.length === 0) throw new Error("no participant with an email address");

  // The messages, in one transaction with their delivery jobs.
  // A transaction cut by the restart is rolled back whole, so trying it again is clean.
  const messageIds = await persistently("messages", () => db.transaction(async (tx) => {
    const ids: string[] = [];
    for (let i = 0; i < Number(values.messages); i++) {
      const id = await queueMessage(tx, { participantId: withEmail[i % withEmail.length].id, kind: "help_answered" });
      if (id) ids.push(id);
    }
    return ids;
  }));

  const file = path.join(work, "kohort.csv");
  await writeCohortFile(file, Number(values.rows), { phonePrefix: "0818" });
  // An upload cut by the restart leaves an abandoned one (the cleanup job's); a new one is made.
  const uploaded = await persistently("upload", () =>
    uploadImport(pmo, { cohort: "Kohort Gangguan", fileName: "kohort.csv", body: createReadStream(file) }),
  );
  if (!uploaded.ok) throw new Error(`upload refused: ${JSON.stringify(uploaded)}`);
  const importId = uploaded.importId;
  print({ queued: { messages: messageIds.length, importId, rows: Number(values.rows) } });

  // Checked by a worker (through the restart), then confirmed, then imported.
  let progress = await persistently("check", () => getImportProgress(pmo, importId));
  while (progress.state === "checking") {
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
    progress = await persistently("check", () => getImportProgress(pmo, importId));
  }
  if (progress.state === "checked") {
    const confirmed = await persistently("confirm", () => confirmImport(pmo, { importId, caseworkerIds: cw ? [cw.id] : [] }));
    if (!confirmed.ok) throw new Error(`confirm refused: ${JSON.stringify(confirmed)}`);
    print({ confirmed: importId, ready: progress.totals.ready });
    while (progress.state === "checked" || progress.state === "importing") {
      if (Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
      progress = await persistently("import", () => getImportProgress(pmo, importId));
    }
  }
  const [people] = await persistently("count", () =>
    db.select({ n: sql<number>`count(*)::int`, niks: sql<number>`count(distinct nik_hash)::int` }).from(participants).where(eq(participants.cohort, "Kohort Gangguan")),
  );
  // Messages still on their way get the rest of the time.
  let states: Record<string, number> = {};
  for (;;) {
    const rows = await persistently("messages", () =>
      db
        .select({ state: outboxMessages.state, n: sql<number>`count(*)::int` })
        .from(outboxMessages)
        .where(sql`${outboxMessages.id} in ${messageIds}`)
        .groupBy(outboxMessages.state),
    );
    states = Object.fromEntries(rows.map((r) => [r.state, r.n]));
    if ((states.sent ?? 0) + (states.failed ?? 0) === messageIds.length || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  print({
    done: {
      import: { id: importId, state: progress.state, error: progress.error, ...progress.totals },
      participants: people,
      messages: { queued: messageIds.length, ...states },
      messageIds,
    },
  });
} finally {
  await rm(work, { recursive: true, force: true });
  await closeDb();
}
