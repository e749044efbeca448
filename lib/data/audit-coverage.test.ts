import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { eq, sql } from "drizzle-orm";
import { db } from "@/db";
import { activationCodes, apiClients, authThrottle, coordinatorRegions, dataRequests, importFileChunks, imports, outboxMessages, participants, participants as participantRows, programmeSettings, regionProvinces, users } from "@/db/schema";
import { createTestUser, freshDatabase } from "@/db/test-utils";
import { QUEUES } from "@/lib/jobs/queues";
import { changesOf, describeChanges, type Change } from "@/lib/testing/db-snapshot";
import { insertFailedJob } from "@/lib/testing/failed-job";
import { jobsOf } from "@/lib/testing/jobs";
import { withWhatsAppEnv } from "@/lib/testing/whatsapp-env";
import { makeKk, makeNik, makePhone, registrationForm } from "@/lib/testing/identity";
import { openNik } from "@/lib/crypto/identity";
import { createTestParticipant, TEST_PASSWORD, type TestParticipant } from "@/lib/testing/participants";
import { todayInJakarta } from "@/lib/validation";
import { contactSchema, milestonesSchema, serviceLogSchema } from "@/lib/validation/caseworker";
import { dataDecisionSchema, dataRefusalSchema, dataRequestSchema } from "@/lib/validation/data-rights";
import { helpRequestSchema } from "@/lib/validation/help";
import { ownContactSchema } from "@/lib/validation/own-contact";
import { passwordChangeSchema } from "@/lib/validation/password-change";
import { newCaseworkerSchema } from "@/lib/validation/pmo-staff";
import { coordinatorRegionsSchema, newCoordinatorSchema, newRegionSchema, regionUpdateSchema } from "@/lib/validation/regions";
import { provinces as allProvinces } from "@/lib/reference/regions";
import { participantFilterSchema } from "@/lib/validation/pmo-participants";
import { assistedRegistrationSchema, selfRegistrationSchema } from "@/lib/validation/registration";
import { surveySchema } from "@/lib/validation/survey";
import { activateAccount, deleteSpentActivationCodes, issueActivationCode } from "./activation";
import { assignParticipants, getAssignmentRule, listAssignable, listAssignableCaseworkers, setAssignmentRule } from "./assignments";
import { registerAssisted } from "./assisted";
import { recordAudit } from "./audit";
import { auditFilterOptions, listAuditEvents } from "./audit-log";
import { listCaseload } from "./caseload";
import { getComparisons } from "./comparisons";
import { assignedParticipant, changeStage, getCasefile, timelineOf, updateContact, updateMilestones } from "./casework";
import {
  completeDataRequest,
  countOpenDataRequests,
  getOwnDataRights,
  listDataRequests,
  ownDataExport,
  raiseLapsingDataRequests,
  refuseDataRequest,
  requestDeletion,
  withdrawConsent,
} from "./data-rights";
import { checkDatabase } from "./health";
import {
  answerHelpRequest,
  answerUnassignedHelpRequest,
  createHelpRequest,
  getOwnHelpContext,
  getOwnHelpRequest,
  listCasefileHelpRequests,
  listOwnHelpRequests,
  listPmoHelpQueue,
} from "./help";
import { dropAbandonedUploads, dropImportFile, receiveImportFile } from "./import-file";
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
} from "./imports";
import { getJobsOverview, listFailedJobs, retryFailedJob } from "./jobs";
import { awaitSendSlot } from "./send-pace";
import { receiveWhatsAppMessage } from "./whatsapp-inbound";
import { applyWhatsAppStatuses, deliverMessage, failUndelivered, listCasefileMessages, listOutbox, outboxCounts } from "./outbox";
import { getOwnHome, registerSelf, storeRegistration } from "./participants";
import { deleteExpiredIdempotencyKeys, failPrakerjaBatch, getPrakerjaBatch, PRAKERJA_SYNC_MAX, runPrakerjaBatch, submitPrakerjaBatch } from "./prakerja-status";
import type { SessionUser } from "./permissions";
import { getProvinceFigures } from "./places";
import { exportParticipants, getParticipantForPmo, listCaseworkerChoices, listParticipantsForPmo } from "./pmo-participants";
import { defaultPeriod, getDashboard, getProgrammeSummary, getProgressForApi, dashboardFilterFor, resolveDashboardFilter, setTarget } from "./programme";
import type { ApiClientActor } from "./api-actor";
import { recordApiCall, takeApiRequest } from "./api-calls";
import { authenticateApiKey, createApiClient, listApiClients, revokeApiClient } from "./api-clients";
import { listParticipantsForApi } from "./api-participants";
import { newApiClientSchema } from "@/lib/validation/api-clients";
import { getCaseworkerReminders, getOwnReminders, queueDeadlineReminders } from "./reminders";
import { getMonthlyReport, monthlyReportFile } from "./reports";
import { findOwnParticipant, getOwnContact, setPreferredChannel, updateOwnContact } from "./self-service";
import {
  confirmPhone,
  deleteSpentVerificationCodes,
  getPhoneStatus,
  requestPasswordReset,
  resetPasswordWithCode,
  sendPhoneConfirmation,
} from "./verification-codes";
import { insertServiceLog, recordService } from "./service-logs";
import { getUser, requireUser, requireUserWith, requireUserWithAny } from "./session";
import { createCaseworker, disableCaseworker, enableCaseworker, issueCaseworkerCode, listCaseworkers, setCaseworkerProvince, setStaffDisabled } from "./staff";
import { createCoordinator, createRegion, listRegions, setCoordinatorDisabled, setCoordinatorRegions, updateRegion } from "./regions";
import { coordinatorProvinces, requireScope } from "./scope";
import { getOwnSurvey, getSurveySummary, submitSurvey } from "./survey";
import { clearFailures, deleteExpiredThrottleRows, identifierKey, ipKey, lockedUntil, recordFailure, throttleState } from "./throttle";
import { getWeeklyRegistrations } from "./trends";
import {
  authenticate,
  changeOwnPassword,
  checkOwnPassword,
  createStaffUser,
  endAllSessions,
  findSessionUser,
  issueSignInTicket,
  signInAttempt,
  ticketSignInAttempt,
} from "./users";

// "Every write in the data layer leaves its audit event in the same transaction."
//
// 1. Every exported function of every module in lib/data/ is found by this test itself
//    and must be in TABLE below: read-only (with the reason), mutating (with scenarios
//    that call it with valid arguments), or a helper that writes inside its caller's
//    transaction (with the callers whose scenarios prove it). A new function without an
//    entry fails the first test, naming it.
// 2. Each scenario runs between two snapshots of every table (lib/testing/db-snapshot.ts).
//    Every row the call inserted or changed must carry the transaction id (xmin) of one of
//    the audit events it wrote: same xmin, same transaction. The events must name the
//    actor, the action and the entity, with "before" where the call edits an existing
//    record. Reads are run too, and must write nothing at all.
// 3. The few writes that are not audited on purpose (throttle counters, last_seen_at,
//    outbox delivery state, the import check's row batches) are scenarios of their own,
//    each with its reason, limited to the tables and columns named.

// The session comes from Auth.js; here nobody is signed in (getUser answers null).
vi.mock("@/lib/auth", () => ({ auth: vi.fn(async () => null) }));

const DATA_DIR = path.join(process.cwd(), "lib/data");

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

let pmo: SessionUser;
let cw: SessionUser;
/** A participant assigned to cw, for the reads. */
let reader: TestParticipant;
/** An import being checked, for the reads. */
let readImportId: string;
/** A partner's API client, for the reads. */
let partner: ApiClientActor;
/** A partner's queued batch of status events, for the reads. */
let readBatch: { actor: ApiClientActor; id: string };
const JUNE = new Date("2021-06-01T09:00:00+07:00");

beforeAll(async () => {
  await freshDatabase();
  pmo = await createTestUser("pmo");
  cw = await createTestUser("caseworker", { name: "Pendamping Audit" });
  reader = await participant({ caseworker: cw });
  readImportId = await checkingImport();
  partner = await apiActor();
  const statusPartner = await statusClient();
  const queued = await submitPrakerjaBatch(statusPartner, { events: await statusBatch(PRAKERJA_SYNC_MAX + 1) }, { idempotencyKey: null, requestHash: "h" });
  if (queued.kind !== "queued") throw new Error("not queued");
  readBatch = { actor: statusPartner, id: queued.batchId };
});
// A scenario may switch the automatic assignment rule on (decision 020); the next one
// starts with it off, so its registrations are not assigned (outside any snapshot).
afterEach(async () => {
  await db.update(programmeSettings).set({ autoAssign: false });
});

/** A self-registered participant (with an account), registered on 2021-06-01. */
function participant(opts: { caseworker?: SessionUser | null; stage?: "registration" | "completed"; set?: Record<string, unknown> } = {}) {
  return createTestParticipant({
    caseworkerId: opts.caseworker?.id ?? null,
    stage: opts.stage,
    set: { createdAt: JUNE, ...opts.set },
  });
}

const logInput = (participantId: string, extra: Record<string, string> = {}) =>
  serviceLogSchema().parse({
    participantId,
    submissionId: crypto.randomUUID(),
    serviceCode: "prakerja_account",
    occurredOn: "2021-06-10",
    channel: "whatsapp",
    outcome: "done",
    ...extra,
  });

const helpInput = (participantId: string) =>
  helpRequestSchema.parse({ participantId, submissionId: crypto.randomUUID(), topic: "other", message: "Saya lupa kata sandi Prakerja" });

const surveyInput = (participantId: string, satisfaction = "4") =>
  surveySchema.parse({ participantId, employmentStatus: "looking", trainingHelped: "yes", satisfaction, plansAbroad: "no", hardest: [] });

const dataAsk = (participantId: string) => dataRequestSchema.parse({ participantId, reason: "Saya tidak ingin ikut lagi.", confirm: "on" });
const dataDecision = (requestId: string, note = "") => dataDecisionSchema.parse({ requestId, note, confirm: "on" });

/** A participant's open data request of the kind; its id. */
async function dataRequested(p: TestParticipant, kind: "deletion" | "consent_withdrawal"): Promise<string> {
  const result = kind === "deletion" ? await requestDeletion(p.user, dataAsk(p.participantId)) : await withdrawConsent(p.user, dataAsk(p.participantId));
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.id;
}

/** A quarantine list of `n` valid rows. */
function cohortCsv(n: number): string {
  const names = ["Budi Santoso", "Ani Lestari", "Dewi Sartika", "Agus Salim"];
  const lines = ["nik,nama_lengkap,tanggal_lahir,jenis_kelamin,no_hp,kode_provinsi,negara_penempatan,tanggal_kedatangan,lokasi_karantina"];
  for (let i = 0; i < n; i++) {
    const nik = makeNik({ birthDate: "1990-05-17", sex: "L" });
    lines.push(`${nik},${names[i % names.length]},1990-05-17,L,${makePhone()},31,MY,2021-06-10,Wisma Atlet`);
  }
  return `${lines.join("\n")}\n`;
}

async function uploaded(rows = 2): Promise<string> {
  const result = await uploadImport(pmo, { cohort: "Kohort Audit", fileName: "audit.csv", body: [Buffer.from(cohortCsv(rows))] });
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.importId;
}
async function checked(): Promise<string> {
  const id = await uploaded();
  await checkImport(id);
  return id;
}
async function confirmed(): Promise<string> {
  const id = await checked();
  const result = await confirmImport(pmo, { importId: id, caseworkerIds: [cw.id] });
  if (!result.ok) throw new Error(JSON.stringify(result));
  return id;
}
/** An import being checked (its job's worker died, say). */
async function checkingImport(): Promise<string> {
  const [row] = await db
    .insert(imports)
    .values({
      cohort: "Kohort Basi",
      fileName: "basi.csv",
      fileSha256: "0".repeat(64),
      fileBytes: 100,
      state: "checking",
      rowsTotal: 1,
      createdBy: pmo.id,
      createdAt: new Date(Date.now() - 60 * 60_000),
    })
    .returning({ id: imports.id });
  return row.id;
}

async function assistedWithCode() {
  const data = assistedRegistrationSchema().parse(registrationForm());
  const result = await registerAssisted(cw, data);
  if (!result.ok || result.repeated) throw new Error(JSON.stringify(result));
  return { ...result, phone: data.phone, code: result.activation.code };
}

/** Provinces in no region yet (each scenario takes its own). */
async function unplacedProvinces(n: number): Promise<string[]> {
  const placed = new Set((await db.select().from(regionProvinces)).map((r) => r.provinceCode));
  const free = allProvinces.map((p) => p.code).filter((c) => !placed.has(c)).slice(0, n);
  if (free.length < n) throw new Error("no province left for a region");
  return free;
}

/** A coordinator of a region holding the participant's province (made outside the snapshots). */
async function coordinatorOf(participantId: string): Promise<SessionUser> {
  const [{ provinceCode }] = await db.select({ provinceCode: participants.provinceCode }).from(participants).where(eq(participants.id, participantId));
  let [placed] = await db.select().from(regionProvinces).where(eq(regionProvinces.provinceCode, provinceCode));
  if (!placed) {
    const made = await createRegion(pmo, newRegionSchema.parse({ name: `Wilayah ${crypto.randomUUID().slice(0, 8)}`, provinceCodes: [provinceCode] }));
    if (!made.ok) throw new Error(JSON.stringify(made));
    placed = { provinceCode, regionId: made.regionId };
  }
  const coordinator = await createTestUser("coordinator");
  await db.insert(coordinatorRegions).values({ userId: coordinator.id, regionId: placed.regionId });
  return coordinator;
}

/** A region made outside the snapshots; its id. */
async function newRegionId(n: number): Promise<string> {
  const result = await createRegion(pmo, newRegionSchema.parse({ name: `Wilayah ${crypto.randomUUID().slice(0, 8)}`, provinceCodes: await unplacedProvinces(n) }));
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.regionId;
}

const apiClientInput = () => newApiClientSchema.parse({ name: "Mitra Uji", organisation: "Prakerja", scopes: ["participants:read", "progress:read"] });

/** A partner's client as the data layer sees it (a real row: audit events point at it). */
async function apiActor(): Promise<ApiClientActor> {
  const made = await createApiClient(pmo, apiClientInput());
  if (!made.ok) throw new Error(JSON.stringify(made));
  return { kind: "api_client", id: made.clientId, name: "Mitra Uji", scopes: ["participants:read", "progress:read"], provinces: null };
}

// --- the Prakerja PMO through /api/v1 (prakerja-status.ts) ---
async function statusClient(): Promise<ApiClientActor> {
  const id = crypto.randomUUID();
  await db.insert(apiClients).values({
    id,
    name: "PMO Prakerja",
    organisation: "Manajemen Pelaksana Prakerja",
    scopes: ["prakerja-status:write"],
    keyPrefix: `pk_${id.slice(0, 8)}`,
    secretHash: id.replace(/-/g, "").padEnd(64, "0"),
  });
  return { kind: "api_client", id, name: "PMO Prakerja", scopes: ["prakerja-status:write"], provinces: null };
}
/** An audit event's actor when a partner made it: no user, the role api_client. */
const asPartner = { id: null, role: "api_client" } as unknown as Pick<SessionUser, "id" | "role">;
async function statusBatch(size: number): Promise<{ nik: string; event: "card_received"; occurred_on: string }[]> {
  const p = await createTestParticipant();
  await db.update(participantRows).set({ createdAt: new Date("2021-06-01T03:00:00Z") }).where(eq(participantRows.id, p.participantId));
  const [row] = await db.select().from(participantRows).where(eq(participantRows.id, p.participantId));
  return Array.from({ length: size }, () => ({ nik: openNik(row)!, event: "card_received" as const, occurred_on: "2021-06-10" }));
}
const STATUS_FACTS =
  "an event fills an empty milestone only (a recorded date is never overwritten) and moves the stage forward only; each applied event is a service log row and each move a stage_changes row (from_stage is the before), and the batch's event counts them";

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------

// A partner's client (actor_role 'api_client', its id in api_client_id) or a user.
type Actor = Pick<SessionUser, "id" | "role"> | { id: string; role: "api_client" } | null;
/** An audit event the call must write. actor null = the system (no person behind it). */
type Expected = {
  actor: Actor;
  action: string;
  entityType: string;
  /** undefined: any id; null: none */
  entityId?: string | null;
  /** The values before the change must be recorded. */
  before?: boolean;
  /** The values after the change must be recorded. */
  after?: boolean;
};
/** Tables (all columns: "*") or columns whose writes need no audit event, and why. */
type Unaudited = { why: string; allow: Record<string, "*" | string[]> };
type Plan<R> = {
  act: () => Promise<R>;
  events: Expected[] | ((result: R) => Expected[]);
  /** Writes nothing but its audit event (a showing of whole NIKs, an export). */
  auditOnly?: boolean;
  /** Writes besides those of the audited transaction that are not audited on purpose. */
  unaudited?: Unaudited;
  /** The call answers a refusal ({ ok: false }) and still writes its audit event. */
  refused?: boolean;
  /**
   * The call changes existing rows, yet no event records "before": why that is right
   * (a state the action's name implies, a secret, a summary derived from other rows).
   */
  noBefore?: string;
};
type Scenario = { name: string; arrange: () => Promise<Plan<unknown>> };

type Entry =
  | { kind: "read"; why: string; probe?: () => Promise<unknown> }
  | { kind: "write"; scenarios: Scenario[] }
  // Writes inside the caller's transaction and leaves the audit event to the caller: the
  // callers' scenarios must show a write to `table` under their audit event.
  | { kind: "within"; why: string; table: string; coveredBy: string[] }
  // Writes without any audit event, on purpose.
  | { kind: "unaudited"; scenarios: UnauditedCase[] };

/** A call that writes without an audit event: act() prepares and returns the call. */
type UnauditedCase = { name: string; why: string; allow: Record<string, "*" | string[]>; act: () => Promise<() => Promise<unknown>> };

const read = (why: string, probe?: () => Promise<unknown>): Entry => ({ kind: "read", why, probe });
const pure = (why = "pure: computes from its arguments, no database"): Entry => ({ kind: "read", why });
const scenario = <R,>(name: string, arrange: () => Promise<Plan<R>>): Scenario => ({
  name,
  arrange: arrange as unknown as () => Promise<Plan<unknown>>,
});
const write = (...scenarios: Scenario[]): Entry => ({ kind: "write", scenarios });

// Why some changes of existing rows carry no "before" in their event (see Plan.noBefore).
const SUMMARY =
  "the participant's contact summary (last_contact_on, next_follow_up_on) is derived from the service logs and recomputed in the same transaction; the log itself is the record";
const IMPORT_STATE = "the import's state moves as the action's name says (checking → checked → importing → imported, or → failed); the counts are in after";
const SIGN_IN = "last_login_at and last_seen_at are bookkeeping of the sign-in, which is the event";

/** Runs `fn` with WhatsApp and mail "configured" (messages go to the outbox only). */
const withWhatsApp = <T,>(fn: () => Promise<T>) => withWhatsAppEnv(fn, { SMTP_URL: "smtp://127.0.0.1:1" });

/** The code of the newest message of the kind to the participant (as their phone shows it). */
async function sentCode(participantIdOrUser: { participantId?: string; userId?: string }, kind: "phone_confirmation" | "password_reset"): Promise<string> {
  const rows = await db
    .select({ values: outboxMessages.templateValues, body: outboxMessages.body, participantId: outboxMessages.participantId, createdAt: outboxMessages.createdAt })
    .from(outboxMessages)
    .where(eq(outboxMessages.kind, kind));
  const mine = rows
    .filter((r) => !participantIdOrUser.participantId || r.participantId === participantIdOrUser.participantId)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  return (mine.values as { code?: string } | null)?.code ?? /\b(\d{6})\b/.exec(mine.body)![1];
}

const DELETED =
  "a deleted row carries no transaction id to compare; the event's before and after list what the row said (the provinces, the regions), and the rows inserted beside it carry the event's id";

const THROTTLE = "attempt counters of the sign-in throttle (auth_throttle): security bookkeeping, not a business record; the attempt itself is what is audited where there is an account to name";

/** The participant's own contact form with a new phone, which asks for the password. */
const newPhoneForm = (p: { participantId: string; email: string | null }, currentPassword: string) =>
  ownContactSchema.parse({
    participantId: p.participantId,
    version: "1",
    phone: makePhone(),
    email: p.email ?? "",
    address: "Jl. Kenanga No. 3, Depok",
    provinceCode: "31",
    regencyCode: "3174",
    currentPassword,
  });

const TABLE: Record<string, Entry> = {
  // --- activation.ts ---
  "activation.normalizeCode": pure(),
  "activation.formatCode": pure(),
  "activation.hashCode": pure(),
  "activation.createActivationCode": {
    kind: "within",
    why: "makes a code inside the caller's transaction; the caller writes activation_code.issue",
    table: "activation_codes",
    coveredBy: ["activation.issueActivationCode", "assisted.registerAssisted", "staff.createCaseworker", "staff.issueCaseworkerCode", "regions.createCoordinator"],
  },
  "activation.sendActivationCode": {
    kind: "within",
    why: "writes the worker's copy of a code to the outbox inside the caller's transaction; the caller writes activation_code.issue",
    table: "outbox_messages",
    coveredBy: ["activation.issueActivationCode", "assisted.registerAssisted"],
  },
  "outbox.queueMessages": {
    kind: "within",
    why: "queueMessage for many messages, inside the caller's transaction; the caller writes the event of the run",
    table: "outbox_messages",
    coveredBy: ["reminders.queueDeadlineReminders"],
  },
  "activation.issueActivationCode": write(
    scenario("a first code", async () => {
      const p = await participant({ caseworker: cw });
      return {
        act: () => issueActivationCode(cw, p.participantId),
        events: [{ actor: cw, action: "activation_code.issue", entityType: "user", entityId: p.user.id, after: true }],
      };
    }),
    scenario("a new code revokes the earlier one", async () => {
      const p = await participant({ caseworker: cw });
      await issueActivationCode(cw, p.participantId);
      return {
        act: () => issueActivationCode(cw, p.participantId),
        events: [{ actor: cw, action: "activation_code.issue", entityType: "user", entityId: p.user.id, after: true }],
        noBefore: "the earlier unused code is revoked by the new one, as activation_code.issue means; codes are secrets and never logged",
      };
    }),
  ),
  "activation.deleteSpentActivationCodes": {
    kind: "unaudited",
    scenarios: [
      {
        name: "a code expired a month ago deleted",
        why: "the cleanup job: a code already used or expired, kept SPENT_CODE_DAYS for the participant's data download; its issue and its use are in the audit log",
        allow: { activation_codes: "*" },
        act: async () => {
          const p = await participant({ caseworker: cw });
          await issueActivationCode(cw, p.participantId);
          // By its account: PostgreSQL keeps microseconds, so the code's expiry as a Date matches no row.
          await db.update(activationCodes).set({ expiresAt: new Date(Date.now() - 30 * 86_400_000) }).where(eq(activationCodes.userId, p.user.id));
          return () => deleteSpentActivationCodes();
        },
      },
    ],
  },
  "activation.activateAccount": write(
    scenario("a good code sets the password", async () => {
      const a = await assistedWithCode();
      return {
        act: () => activateAccount({ identifier: a.phone, code: a.code, password: "sandi-baru-yang-panjang", consent: true, ip: "10.9.0.1" }),
        events: [{ actor: { id: a.userId, role: "participant" }, action: "auth.activate", entityType: "user", entityId: a.userId }],
        noBefore: "the code is used up and a password set (never logged) with a new session version: auth.activate says all of it",
      };
    }),
    scenario("a wrong code is audited and counted", async () => {
      const a = await assistedWithCode();
      return {
        act: () => activateAccount({ identifier: a.phone, code: "2222-2222", password: "sandi-baru-yang-panjang", ip: "10.9.0.2" }),
        events: [{ actor: null, action: "auth.activation_failed", entityType: "user", entityId: a.userId }],
        auditOnly: true,
        refused: true,
        unaudited: { why: THROTTLE, allow: { auth_throttle: "*" } },
      };
    }),
  ),

  // --- api-clients.ts, api-calls.ts, api-participants.ts (the partner API) ---
  "api-actor.hasApiScope": pure(),
  "api-clients.apiClientState": pure(),
  "api-clients.listApiClients": read("the PMO's list of API clients", () => listApiClients(pmo)),
  "api-clients.createApiClient": write(
    scenario("a client and its key", async () => ({
      act: () => createApiClient(pmo, apiClientInput()),
      events: (r: Awaited<ReturnType<typeof createApiClient>>) => [
        { actor: pmo, action: "api_client.create", entityType: "api_client", entityId: r.ok ? r.clientId : "?", after: true },
      ],
    })),
  ),
  "api-clients.revokeApiClient": write(
    scenario("a key revoked", async () => {
      const made = await createApiClient(pmo, apiClientInput());
      if (!made.ok) throw new Error(JSON.stringify(made));
      return {
        act: () => revokeApiClient(pmo, made.clientId),
        events: [{ actor: pmo, action: "api_client.revoke", entityType: "api_client", entityId: made.clientId, before: true, after: true }],
      };
    }),
  ),
  "api-clients.authenticateApiKey": {
    kind: "unaudited",
    scenarios: [
      {
        name: "a key's first use notes last_used_at",
        why: "bookkeeping of the key's last use (shown to the PMO), at most once a minute; the call itself is audited as api.call by the route",
        allow: { api_clients: ["last_used_at"] },
        act: async () => {
          const made = await createApiClient(pmo, apiClientInput());
          if (!made.ok) throw new Error(JSON.stringify(made));
          return () => authenticateApiKey(made.key);
        },
      },
    ],
  },
  "api-calls.apiRateLimit": pure("reads the environment"),
  "api-calls.takeApiRequest": {
    kind: "unaudited",
    scenarios: [
      {
        name: "a request counted in the client's window",
        why: "the rate limit's counter (api_rate_limits): request bookkeeping like the sign-in throttle's, not a business record; each call is audited as api.call",
        allow: { api_rate_limits: "*" },
        act: async () => {
          const client = await apiActor();
          return () => takeApiRequest(client);
        },
      },
    ],
  },
  "api-calls.recordApiCall": write(
    scenario("a call of a partner", async () => {
      const client = await apiActor();
      return {
        act: () => recordApiCall(client, { method: "GET", route: "GET /api/v1/progress", status: 200, count: null }),
        events: [{ actor: { id: client.id, role: "api_client" }, action: "api.call", entityType: "api_client", entityId: client.id, after: true }],
        auditOnly: true,
      };
    }),
  ),
  "api-participants.BadCursorError": pure("an error class"),
  "api-participants.encodeCursor": pure(),
  "api-participants.decodeCursor": pure(),
  "api-participants.listParticipantsForApi": read("a page of participants for a partner", () => listParticipantsForApi(partner, { limit: 10 })),

  // --- assignments.ts ---
  "assignments.listAssignable": read("lists participants to assign", () => listAssignable(pmo, { assigned: "all" })),
  "assignments.listAssignableCaseworkers": read("lists active caseworkers", () => listAssignableCaseworkers(pmo)),
  "assignments.getAssignmentRule": read("whether the automatic assignment rule is on", () => getAssignmentRule(pmo)),
  "assignments.setAssignmentRule": write(
    scenario("the rule switched on", async () => ({
      act: () => setAssignmentRule(pmo, { autoAssign: true }),
      events: [{ actor: pmo, action: "assignment_rule.set", entityType: "programme_settings", entityId: "auto_assign", before: true, after: true }],
    })),
    scenario("the rule switched off", async () => {
      await setAssignmentRule(pmo, { autoAssign: true });
      return {
        act: () => setAssignmentRule(pmo, { autoAssign: false }),
        events: [{ actor: pmo, action: "assignment_rule.set", entityType: "programme_settings", entityId: "auto_assign", before: true, after: true }],
      };
    }),
  ),
  "assignments.assignParticipants": write(
    scenario("two participants to a caseworker", async () => {
      const [a, b] = [await participant(), await participant()];
      const event = (p: TestParticipant): Expected => ({
        actor: pmo,
        action: "participant.assign",
        entityType: "participant",
        entityId: p.participantId,
        before: true,
        after: true,
      });
      return {
        act: () => assignParticipants(pmo, { participantIds: [a.participantId, b.participantId], caseworkerId: cw.id }),
        events: [event(a), event(b)],
      };
    }),
    scenario("the assignment removed", async () => {
      const p = await participant({ caseworker: cw });
      return {
        act: () => assignParticipants(pmo, { participantIds: [p.participantId], caseworkerId: null }),
        events: [{ actor: pmo, action: "participant.unassign", entityType: "participant", entityId: p.participantId, before: true, after: true }],
      };
    }),
  ),

  // --- assisted.ts ---
  "assisted.registerAssisted": write(
    scenario("a worker registered by a caseworker", async () => {
      const data = assistedRegistrationSchema().parse(registrationForm());
      return {
        act: () => registerAssisted(cw, data),
        events: (r: Awaited<ReturnType<typeof registerAssisted>>) => {
          const ids = r.ok ? r : { participantId: "?", userId: "?" };
          return [
            { actor: cw, action: "participant.register", entityType: "participant", entityId: ids.participantId, after: true },
            { actor: cw, action: "activation_code.issue", entityType: "user", entityId: ids.userId, after: true },
          ];
        },
      };
    }),
  ),

  // --- audit-log.ts ---
  "audit-log.jakartaDayStart": pure(),
  "audit-log.listAuditEvents": read("the audit log, for the PMO (or a coordinator's regions)", () => listAuditEvents(pmo, { action: "participant.register" })),
  "audit-log.auditFilterOptions": read("the audit log's filter choices", () => auditFilterOptions(pmo)),

  // --- audit.ts ---
  "audit.recordAudit": write(
    scenario("the audit writer itself, inside a transaction", async () => ({
      act: () => db.transaction((tx) => recordAudit(tx, { actor: pmo, action: "test.audit_coverage", entityType: "test", entityId: "1" })),
      events: [{ actor: pmo, action: "test.audit_coverage", entityType: "test", entityId: "1" }],
      auditOnly: true,
    })),
  ),

  // --- caseload.ts ---
  "caseload.listCaseload": read("the caseworker's caseload", () => listCaseload(cw, { q: "", page: 1 })),

  // --- comparisons.ts ---
  "comparisons.getComparisons": read("the PMO dashboard's comparisons: calon and purna, sources, cohorts", () =>
    getComparisons(pmo, { from: "2021-06", to: "2021-07" }),
  ),

  // --- casework.ts ---
  "casework.scopedParticipant": read("finds (and for writes locks) one participant in scope; the lock writes nothing", () =>
    assignedParticipant(db, cw, reader.participantId),
  ),
  "casework.assignedParticipant": read("scopedParticipant for a caseworker's caseload", () => assignedParticipant(db, cw, reader.participantId)),
  "casework.registeredOn": pure(),
  "casework.purchaseDeadline": pure(),
  "casework.timelineOf": read("a participant's service logs and stage changes", () => timelineOf(reader.participantId)),
  "casework.getCasefile": write(
    scenario("the whole NIK shown to the assigned caseworker", async () => {
      const p = await participant({ caseworker: cw });
      return {
        act: () => getCasefile(cw, p.participantId),
        events: [{ actor: cw, action: "participant.view_nik", entityType: "participant", entityId: p.participantId }],
        auditOnly: true,
      };
    }),
  ),
  "casework.changeStage": write(
    scenario("to the next stage", async () => {
      const p = await participant({ caseworker: cw });
      return {
        act: () => changeStage(cw, { participantId: p.participantId, version: 1, toStage: "training", reason: "Kartu sudah diterima" }),
        events: [{ actor: cw, action: "participant.stage_change", entityType: "participant", entityId: p.participantId, before: true, after: true }],
      };
    }),
    scenario("withdrawn", async () => {
      const p = await participant({ caseworker: cw });
      return {
        act: () => changeStage(cw, { participantId: p.participantId, version: 1, toStage: "withdrawn", reason: "Berangkat kerja ke luar negeri" }),
        events: [{ actor: cw, action: "participant.stage_change", entityType: "participant", entityId: p.participantId, before: true, after: true }],
      };
    }),
  ),
  "casework.updateContact": write(
    scenario("phone, email and address", async () => {
      const p = await participant({ caseworker: cw });
      const input = contactSchema.parse({
        participantId: p.participantId,
        version: "1",
        phone: makePhone(),
        email: `baru${Date.now()}@contoh.id`,
        address: "Jl. Melati No. 9, Bekasi",
        provinceCode: "31",
        regencyCode: "3174",
      });
      return {
        act: () => updateContact(cw, input),
        events: [{ actor: cw, action: "participant.contact_update", entityType: "participant", entityId: p.participantId, before: true, after: true }],
      };
    }),
    scenario("a move to another province (one event, provinceCode before and after)", async () => {
      const p = await participant({ caseworker: cw });
      const input = contactSchema.parse({
        participantId: p.participantId,
        version: "1",
        phone: p.phone,
        email: p.email ?? "",
        address: "Jl. Pandanaran No. 5, Semarang",
        provinceCode: "33",
        regencyCode: "3374",
      });
      return {
        act: () => updateContact(cw, input),
        events: [{ actor: cw, action: "participant.contact_update", entityType: "participant", entityId: p.participantId, before: true, after: true }],
      };
    }),
  ),
  "casework.updateMilestones": write(
    scenario("card, wave and purchase", async () => {
      const p = await participant({ caseworker: cw });
      const input = milestonesSchema().parse({
        participantId: p.participantId,
        version: "1",
        cardNumber: "1234 5678 1234 5678",
        cardReceivedOn: "2021-06-05",
        wave: "17",
        trainingBoughtOn: "2021-06-08",
      });
      return {
        act: () => updateMilestones(cw, input),
        events: [{ actor: cw, action: "participant.milestones_update", entityType: "participant", entityId: p.participantId, before: true, after: true }],
      };
    }),
  ),

  // --- data-rights.ts ---
  "data-rights.getOwnDataRights": read("the participant's consent and their data requests", () => getOwnDataRights(reader.user)),
  "data-rights.listDataRequests": read("the PMO's list of data requests", () => listDataRequests(pmo, { status: "all" })),
  "data-rights.countOpenDataRequests": read("open and overdue data requests, for the menu and the dashboard", () => countOpenDataRequests(pmo)),
  "data-rights.raiseLapsingDataRequests": write(
    scenario("an open request within a day of its deadline raised to the PMO", async () => {
      const p = await participant();
      const asked = await requestDeletion(p.user, dataAsk(p.participantId));
      if (!asked.ok) throw new Error(JSON.stringify(asked));
      await db.update(dataRequests).set({ requestedAt: new Date(Date.now() - 60 * 3600_000), dueAt: new Date(Date.now() + 12 * 3600_000) }).where(eq(dataRequests.id, asked.id));
      return {
        act: () => raiseLapsingDataRequests(),
        events: [{ actor: null, action: "data_request.raise", entityType: "data_request", entityId: asked.id, after: true }],
        noBefore: "raising only sets raised_at on an open request; the kind and the deadline are in after",
      };
    }),
  ),
  "data-rights.ownDataExport": write(
    scenario("the participant downloads everything held about them (whole NIK and KK)", async () => {
      const p = await participant({ caseworker: cw });
      await recordService(cw, logInput(p.participantId, { notes: "Dibantu lewat WhatsApp" }));
      return {
        act: () => ownDataExport(p.user),
        events: [{ actor: p.user, action: "participant.data_export", entityType: "participant", entityId: p.participantId, after: true }],
        auditOnly: true,
      };
    }),
  ),
  "data-rights.requestDeletion": write(
    scenario("a deletion request, due in 3 × 24 hours", async () => {
      const p = await participant({ caseworker: cw });
      return {
        act: () => requestDeletion(p.user, dataAsk(p.participantId)),
        events: (r: Awaited<ReturnType<typeof requestDeletion>>) => [
          { actor: p.user, action: "data_request.create", entityType: "data_request", entityId: r.ok ? r.id : "?", after: true },
        ],
      };
    }),
  ),
  "data-rights.withdrawConsent": write(
    scenario("consent withdrawn, in effect at once", async () => {
      const p = await participant({ caseworker: cw });
      return {
        act: () => withdrawConsent(p.user, dataAsk(p.participantId)),
        events: (r: Awaited<ReturnType<typeof withdrawConsent>>) => [
          { actor: p.user, action: "data_request.create", entityType: "data_request", entityId: r.ok ? r.id : "?", after: true },
        ],
        noBefore:
          "consent_withdrawn_at goes from null (a withdrawal already in effect is refused) to the moment of the request, as the withdrawal says; the event's after records it",
      };
    }),
  ),
  "data-rights.completeDataRequest": write(
    scenario("a consent withdrawal recorded: the stage becomes withdrawn", async () => {
      const p = await participant({ caseworker: cw });
      const id = await dataRequested(p, "consent_withdrawal");
      return {
        act: () => completeDataRequest(pmo, dataDecision(id, "Dicatat.")),
        events: [
          { actor: pmo, action: "participant.stage_change", entityType: "participant", entityId: p.participantId, before: true, after: true },
          { actor: pmo, action: "data_request.complete", entityType: "data_request", entityId: id, before: true, after: true },
        ],
      };
    }),
    scenario("a deletion completed: the identity erased, the account disabled", async () => {
      const p = await participant({ caseworker: cw, stage: "completed" });
      await recordService(cw, logInput(p.participantId, { notes: "Dibantu lewat WhatsApp" }));
      await submitSurvey(
        p.user,
        surveySchema.parse({
          participantId: p.participantId,
          employmentStatus: "looking",
          trainingHelped: "yes",
          satisfaction: "4",
          plansAbroad: "no",
          hardest: ["other"],
          hardestOther: "Sinyal di kampung lemah",
        }),
      );
      const id = await dataRequested(p, "deletion");
      return {
        act: () => completeDataRequest(pmo, dataDecision(id, "Dihapus sesuai permintaan.")),
        events: [
          { actor: pmo, action: "data_request.complete", entityType: "data_request", entityId: id, before: true, after: true },
          { actor: pmo, action: "participant.erase", entityType: "participant", entityId: p.participantId, before: true, after: true },
        ],
      };
    }),
    scenario("a deletion beside an open consent withdrawal completes both", async () => {
      const p = await participant({ caseworker: cw });
      const withdrawal = await dataRequested(p, "consent_withdrawal");
      const deletion = await dataRequested(p, "deletion");
      return {
        act: () => completeDataRequest(pmo, dataDecision(deletion)),
        events: [
          { actor: pmo, action: "participant.stage_change", entityType: "participant", entityId: p.participantId, before: true, after: true },
          { actor: pmo, action: "data_request.complete", entityType: "data_request", entityId: withdrawal, before: true, after: true },
          { actor: pmo, action: "data_request.complete", entityType: "data_request", entityId: deletion, before: true, after: true },
          { actor: pmo, action: "participant.erase", entityType: "participant", entityId: p.participantId, before: true, after: true },
        ],
      };
    }),
  ),
  "data-rights.refuseDataRequest": write(
    scenario("a deletion refused, with the reason the participant reads", async () => {
      const p = await participant({ caseworker: cw });
      const id = await dataRequested(p, "deletion");
      return {
        act: () => refuseDataRequest(pmo, dataRefusalSchema.parse({ requestId: id, note: "Data masih wajib disimpan menurut aturan program." })),
        events: [{ actor: pmo, action: "data_request.refuse", entityType: "data_request", entityId: id, before: true, after: true }],
      };
    }),
  ),

  // --- db-errors.ts ---
  "db-errors.pgErrorInfo": pure(),
  "db-errors.isUniqueViolation": pure(),

  // --- health.ts ---
  "health.checkDatabase": read("select 1", () => checkDatabase()),

  // --- help.ts ---
  "help.createHelpRequest": write(
    scenario("a participant asks their caseworker", async () => {
      const p = await participant({ caseworker: cw });
      return {
        act: () => createHelpRequest(p.user, helpInput(p.participantId)),
        events: (r: Awaited<ReturnType<typeof createHelpRequest>>) => [
          { actor: p.user, action: "help_request.create", entityType: "help_request", entityId: r.ok ? r.id : "?", after: true },
        ],
      };
    }),
  ),
  "help.listOwnHelpRequests": read("the participant's own requests", () => listOwnHelpRequests(reader.user)),
  "help.getOwnHelpRequest": read("one of the participant's own requests", async () => {
    const mine = await listOwnHelpRequests(reader.user);
    return mine[0] ? getOwnHelpRequest(reader.user, mine[0].id) : null;
  }),
  "help.listCasefileHelpRequests": read("the requests in a case file", () => listCasefileHelpRequests(cw, reader.participantId)),
  "help.answerHelpRequest": write(
    scenario("the caseworker answers with a logged service (and a message is queued)", async () => {
      const p = await participant({ caseworker: cw });
      const asked = await createHelpRequest(p.user, helpInput(p.participantId));
      if (!asked.ok) throw new Error(JSON.stringify(asked));
      return {
        act: () => answerHelpRequest(cw, { requestId: asked.id, answer: "Sudah saya bantu lewat telepon", service: logInput(p.participantId) }),
        events: [
          { actor: cw, action: "service_log.create", entityType: "service_log", after: true },
          { actor: cw, action: "help_request.answer", entityType: "help_request", entityId: asked.id, before: true, after: true },
        ],
      };
    }),
  ),
  "help.listPmoHelpQueue": read("the PMO's queue", () => listPmoHelpQueue(pmo)),
  "help.answerUnassignedHelpRequest": write(
    scenario("the PMO answers a participant without a caseworker (and a message is queued)", async () => {
      const p = await participant();
      const asked = await createHelpRequest(p.user, helpInput(p.participantId));
      if (!asked.ok) throw new Error(JSON.stringify(asked));
      return {
        act: () => answerUnassignedHelpRequest(pmo, { requestId: asked.id, answer: "Silakan hubungi pusat bantuan" }),
        events: [{ actor: pmo, action: "help_request.answer", entityType: "help_request", entityId: asked.id, before: true, after: true }],
      };
    }),
  ),
  "help.getOwnHelpContext": read("what the help form needs", () => getOwnHelpContext(reader.user)),

  // --- import-file.ts ---
  "import-file.ImportFileProblem": pure("an error class"),
  "import-file.receiveImportFile": {
    kind: "unaudited",
    scenarios: [
      {
        name: "an upload's pieces stored",
        why: "the bytes of a file being received, under an id that no import has yet; uploadImport makes the import, audited, when the file passes, and deletes the pieces when it does not",
        allow: { import_file_chunks: "*" },
        act: async () => async () => receiveImportFile([Buffer.from(cohortCsv(1))], crypto.randomUUID()),
      },
    ],
  },
  "import-file.readImportRows": read("reads a stored file's rows"),
  "import-file.dropImportFile": {
    kind: "unaudited",
    scenarios: [
      {
        name: "an upload's pieces deleted",
        why: "the stored bytes of a refused upload (or a test's); the import's own history is in its audit events",
        allow: { import_file_chunks: "*" },
        act: async () => {
          const received = await receiveImportFile([Buffer.from(cohortCsv(1))], crypto.randomUUID());
          if (!received.ok) throw new Error("file");
          return () => dropImportFile(received.file.uploadId);
        },
      },
    ],
  },
  "import-file.dropAbandonedUploads": {
    kind: "unaudited",
    scenarios: [
      {
        name: "an upload abandoned a day ago deleted",
        why: "the cleanup job: bytes of an upload that never became an import (its server died while receiving it); nothing else refers to them",
        allow: { import_file_chunks: "*" },
        act: async () => {
          await db.insert(importFileChunks).values({ uploadId: crypto.randomUUID(), seq: 0, bytes: Buffer.from("x"), createdAt: new Date(Date.now() - 2 * 86_400_000) });
          return () => dropAbandonedUploads();
        },
      },
    ],
  },

  // --- imports.ts ---
  "imports.cleanFileName": pure(),
  "imports.uploadImport": write(
    scenario("a good file becomes an import", async () => ({
      act: () => uploadImport(pmo, { cohort: "Kohort Audit", fileName: "audit.csv", body: [Buffer.from(cohortCsv(2))] }),
      events: (r: Awaited<ReturnType<typeof uploadImport>>) => [
        { actor: pmo, action: "import.upload", entityType: "import", entityId: r.ok ? r.importId : "?", after: true },
      ],
      unaudited: {
        why: "the file's bytes are stored as they arrive, before it is known to pass (import-file.receiveImportFile); the import, made when it passes, is audited",
        allow: { import_file_chunks: "*" },
      },
    })),
  ),
  "imports.checkImport": write(
    scenario("every row checked", async () => {
      const id = await uploaded();
      return {
        act: () => checkImport(id),
        events: [{ actor: { id: pmo.id, role: "pmo" }, action: "import.check", entityType: "import", entityId: id, after: true }],
        noBefore: IMPORT_STATE,
        unaudited: {
          why:
            "the check's per-line results (import_rows) and its progress (imports.rows_checked) are written batch by batch, " +
            "so that a 200,000-row file neither waits for one huge transaction nor holds it in memory; the state change to " +
            "'checked' is audited (import.check), and a failed check deletes its rows under import.fail",
          allow: { import_rows: "*", imports: ["rows_checked"], import_file_chunks: "*" },
        },
      };
    }),
  ),
  "imports.confirmImport": write(
    scenario("a checked import confirmed", async () => {
      const id = await checked();
      return {
        act: () => confirmImport(pmo, { importId: id, caseworkerIds: [cw.id] }),
        events: [{ actor: pmo, action: "import.confirm", entityType: "import", entityId: id, after: true }],
        noBefore: IMPORT_STATE,
      };
    }),
  ),
  "imports.runImport": write(
    scenario("the ready rows become participants, in one transaction", async () => {
      const id = await confirmed();
      return {
        act: () => runImport(id, pmo.id),
        events: [{ actor: { id: pmo.id, role: "pmo" }, action: "import.run", entityType: "import", entityId: id, after: true }],
        noBefore: IMPORT_STATE,
      };
    }),
  ),
  "imports.failImportJob": write(
    scenario("a check whose job failed for good settled as failed", async () => {
      const id = await checkingImport();
      return {
        act: () => failImportJob(id, "checking", "0badc0de-0000-4000-8000-000000000000"),
        events: [{ actor: null, action: "import.fail", entityType: "import", entityId: id, after: true }],
        noBefore: IMPORT_STATE,
      };
    }),
  ),
  "imports.getImport": read("one import with its report", () => getImport(pmo, readImportId)),
  "imports.getImportProgress": read("an import's progress", () => getImportProgress(pmo, readImportId)),
  "imports.listImports": read("the history of imports", () => listImports(pmo)),
  "imports.importReportCsv": write(
    scenario("the report's download", async () => {
      const id = await checked();
      const words = { status: (s: string) => s, reason: (r: { key: string }) => r.key };
      return {
        act: async () => {
          const { stream } = await importReportCsv(pmo, id, words);
          await new Response(stream).text();
        },
        events: [{ actor: pmo, action: "import.report_download", entityType: "import", entityId: id }],
        auditOnly: true,
      };
    }),
  ),
  "imports.listCohorts": read("the imported cohorts' names", () => listCohorts(pmo)),
  "imports.reopenFailedImport": {
    kind: "within",
    why: "puts a failed import back in its phase inside the caller's transaction; the PMO's retry of its job writes job.retry",
    table: "imports",
    coveredBy: ["jobs.retryFailedJob"],
  },

  // --- jobs.ts ---
  "jobs.startOfJakartaDay": pure(),
  "jobs.getJobsOverview": read("each queue's jobs by state, for the PMO", () => getJobsOverview(pmo)),
  "jobs.listFailedJobs": read("the failed jobs, for the PMO", () => listFailedJobs(pmo)),
  "jobs.retryFailedJob": write(
    scenario("a failed job put back in its queue", async () => {
      const jobId = await insertFailedJob(QUEUES.cleanup, {});
      return {
        act: () => retryFailedJob(pmo, { queue: QUEUES.cleanup, jobId }),
        events: [{ actor: pmo, action: "job.retry", entityType: "job", entityId: jobId, before: true, after: true }],
        // The job's own row is in the engine's schema (pgboss), which the snapshots do not
        // read; lib/data/jobs.test.ts checks it moves to "retry".
        auditOnly: true,
      };
    }),
    scenario("a failed row check retried: its import reopened", async () => {
      const importId = await uploaded();
      const [job] = (await jobsOf(QUEUES.importCheck)).filter((j) => j.data.importId === importId);
      await db.execute(sql`update pgboss.job set state = 'failed', completed_on = now() where id = ${job.id}::uuid`);
      await failImportJob(importId, "checking", job.id);
      return {
        act: () => retryFailedJob(pmo, { queue: QUEUES.importCheck, jobId: job.id }),
        events: [{ actor: pmo, action: "job.retry", entityType: "job", entityId: job.id, before: true, after: true }],
      };
    }),
  ),

  // --- outbox.ts ---
  "outbox.outboxTranslator": pure(),
  "outbox.longDate": pure(),
  "outbox.maskEmail": pure(),
  "outbox.maskCodes": pure(),
  "outbox.chooseChannel": pure(),
  "outbox.configuredChannels": pure("which channels this deployment configured (the environment); no database"),
  "outbox.queueMessage": {
    kind: "within",
    why: "writes a message inside the caller's transaction; the caller writes the event of the change that causes it",
    table: "outbox_messages",
    coveredBy: ["help.answerHelpRequest", "help.answerUnassignedHelpRequest", "participants.registerSelf", "reminders.queueDeadlineReminders"],
  },
  "outbox.DeliveryFailed": pure("an error class"),
  "outbox.transportFromEnv": pure("the SMTP transport of the environment; no database"),
  "outbox.deliverMessage": {
    kind: "unaudited",
    scenarios: [
      {
        name: "a pending message recorded",
        why: "delivery state of a message (state, attempts, last_error, sent_at): the message itself was written, with its cause's audit event, when it was queued; sending is bookkeeping",
        allow: { outbox_messages: ["state", "attempts", "last_error", "sent_at"] },
        act: async () => {
          const p = await participant();
          const asked = await createHelpRequest(p.user, helpInput(p.participantId));
          if (!asked.ok) throw new Error(JSON.stringify(asked));
          await answerUnassignedHelpRequest(pmo, { requestId: asked.id, answer: "Jawaban untuk dikirim" });
          const [m] = await db.select({ id: outboxMessages.id }).from(outboxMessages).where(eq(outboxMessages.participantId, p.participantId));
          return async () => deliverMessage(m.id, { transport: null });
        },
      },
    ],
  },
  "outbox.applyWhatsAppStatuses": {
    kind: "unaudited",
    scenarios: [
      {
        name: "a status from WhatsApp's webhook recorded",
        why: "delivery state reported by WhatsApp (delivery_status and its time, a failure's code), as deliverMessage's: bookkeeping of a message written with its cause's audit event",
        allow: { outbox_messages: ["delivery_status", "delivery_status_at", "state", "error_code", "last_error"], users: ["whatsapp_unreachable_at"] },
        act: async () => {
          const p = await participant();
          const asked = await createHelpRequest(p.user, helpInput(p.participantId));
          if (!asked.ok) throw new Error(JSON.stringify(asked));
          await answerUnassignedHelpRequest(pmo, { requestId: asked.id, answer: "Jawaban lewat WhatsApp" });
          const [m] = await db.select({ id: outboxMessages.id }).from(outboxMessages).where(eq(outboxMessages.participantId, p.participantId));
          await db.update(outboxMessages).set({ state: "sent", providerMessageId: `wamid.${m.id}`, deliveryStatus: "sent" }).where(eq(outboxMessages.id, m.id));
          return async () => applyWhatsAppStatuses([{ messageId: `wamid.${m.id}`, status: "delivered", at: new Date() }]);
        },
      },
    ],
  },
  "whatsapp-inbound.receiveWhatsAppMessage": write(
    scenario("BERHENTI: no more WhatsApp messages", async () => {
      const p = await participant();
      return {
        act: () => receiveWhatsAppMessage({ from: p.phone!, waMessageId: `wamid.stop.${p.participantId}`, at: new Date(), text: "BERHENTI" }),
        events: [{ actor: { id: p.user.id, role: "participant" }, action: "participant.whatsapp_opt_out", entityType: "participant", entityId: p.participantId, after: true }],
        noBefore: "the opt-out is a time where there was none; the word and the time are in after",
      };
    }),
    scenario("a reply becomes a help request", async () => {
      const p = await participant();
      return {
        act: () => receiveWhatsAppMessage({ from: p.phone!, waMessageId: `wamid.help.${p.participantId}`, at: new Date(), text: "Saya butuh bantuan" }),
        events: (r: Awaited<ReturnType<typeof receiveWhatsAppMessage>>) => [
          { actor: { id: p.user.id, role: "participant" }, action: "help_request.create", entityType: "help_request", entityId: r.kind === "help_request" ? r.id : "?", after: true },
        ],
      };
    }),
  ),
  "send-pace.awaitSendSlot": {
    kind: "unaudited",
    scenarios: [
      {
        name: "a send's turn reserved",
        why: "the pace of sends to an outside API shared by the workers (the next free moment per sender): bookkeeping, no one's data",
        allow: { send_pace: "*" },
        act: async () => async () => awaitSendSlot("test:audit", 100),
      },
    ],
  },
  "outbox.failUndelivered": {
    kind: "unaudited",
    scenarios: [
      {
        name: "a message whose last try failed marked failed",
        why: "delivery state, as deliverMessage: the dead letter of its delivery job",
        allow: { outbox_messages: ["state", "last_error"] },
        act: async () => {
          const p = await participant();
          const asked = await createHelpRequest(p.user, helpInput(p.participantId));
          if (!asked.ok) throw new Error(JSON.stringify(asked));
          await answerUnassignedHelpRequest(pmo, { requestId: asked.id, answer: "Jawaban yang gagal" });
          const [m] = await db.select({ id: outboxMessages.id }).from(outboxMessages).where(eq(outboxMessages.participantId, p.participantId));
          return async () => failUndelivered(m.id);
        },
      },
    ],
  },
  "outbox.listOutbox": read("the outbox, for the PMO", () => listOutbox(pmo)),
  "outbox.listCasefileMessages": read("a participant's messages and their last status, for the caseworker", () => listCasefileMessages(cw, reader.participantId)),
  "outbox.outboxCounts": read("counts by state", () => outboxCounts()),

  // --- participants.ts ---
  "participants.withRaceAnswers": read("runs the caller's store; on a unique violation reads the form's earlier registration"),
  "participants.storeRegistration": write(
    scenario("one registration stored in one statement, with its audit event", async () => {
      const data = selfRegistrationSchema().parse(registrationForm({ password: TEST_PASSWORD }));
      return {
        act: () => storeRegistration(db, { data, source: "self", passwordHash: null, actor: null }),
        events: (r: Awaited<ReturnType<typeof storeRegistration>>) => {
          const ids = r.ok ? r : { userId: "?", participantId: "?" };
          return [
            { actor: { id: ids.userId, role: "participant" }, action: "participant.register", entityType: "participant", entityId: ids.participantId, after: true },
          ];
        },
      };
    }),
  ),
  "participants.constraintToFieldErrors": pure(),
  "participants.auditView": pure(),
  "participants.registrationRow": pure(),
  "participants.registerSelf": write(
    scenario("self-registration", async () => {
      const data = selfRegistrationSchema().parse(registrationForm({ password: TEST_PASSWORD }));
      return {
        act: () => registerSelf(data),
        events: (r: Awaited<ReturnType<typeof registerSelf>>) => {
          const ids = r.ok ? r : { userId: "?", participantId: "?" };
          return [
            { actor: { id: ids.userId, role: "participant" }, action: "participant.register", entityType: "participant", entityId: ids.participantId, after: true },
          ];
        },
      };
    }),
    // The automatic assignment rule on (decision 020): the caseworker and its event are
    // written by the registration's own statement.
    scenario("self-registration with the automatic assignment rule on", async () => {
      await setAssignmentRule(pmo, { autoAssign: true });
      const data = selfRegistrationSchema().parse(registrationForm({ password: TEST_PASSWORD }));
      return {
        act: () => registerSelf(data),
        events: (r: Awaited<ReturnType<typeof registerSelf>>) => {
          const ids = r.ok ? r : { userId: "?", participantId: "?" };
          return [
            { actor: { id: ids.userId, role: "participant" }, action: "participant.register", entityType: "participant", entityId: ids.participantId, after: true },
            { actor: null, action: "participant.assign", entityType: "participant", entityId: ids.participantId, before: true, after: true },
          ];
        },
      };
    }),
    // Refused with the general answer: the account holder's notice, the throttle's counts
    // and the event that names the account, in one transaction.
    scenario("a registered NIK: the account holder told, counted and audited", async () => {
      // registrationForm's birth date and sex, so that the NIK agrees with them.
      const nik = makeNik({ birthDate: "1990-05-17", sex: "P" });
      const holder = await createTestParticipant({ form: { nik } });
      const data = selfRegistrationSchema().parse(registrationForm({ nik }));
      return {
        act: () => registerSelf(data, "10.9.0.9"),
        events: [{ actor: null, action: "participant.register_conflict", entityType: "participant", entityId: holder.participantId, after: true }],
        refused: true,
      };
    }),
  ),
  "participants.getOwnHome": read("the participant's /me", () => getOwnHome(reader.user)),

  // --- permissions.ts ---
  "permissions.can": pure(),
  "permissions.requirePermission": pure("throws forbidden() or returns; no database"),
  "permissions.canAny": pure(),

  // --- prakerja-status.ts ---
  "prakerja-status.submitPrakerjaBatch": write(
    scenario("a small batch applied at once, with an idempotency key", async () => {
      const actor = await statusClient();
      const events = await statusBatch(2);
      return {
        act: () => submitPrakerjaBatch(actor, { events }, { idempotencyKey: "kunci-1", requestHash: "h" }),
        events: [{ actor: asPartner, action: "prakerja.status", entityType: "prakerja_batch", entityId: null, after: true }],
        noBefore: STATUS_FACTS,
      };
    }),
    scenario("a large batch stored and queued for the job", async () => {
      const actor = await statusClient();
      const events = await statusBatch(PRAKERJA_SYNC_MAX + 1);
      return {
        act: () => submitPrakerjaBatch(actor, { events }, { idempotencyKey: null, requestHash: "h" }),
        events: [{ actor: asPartner, action: "prakerja.status_queue", entityType: "prakerja_batch", after: true }],
      };
    }),
  ),
  "prakerja-status.runPrakerjaBatch": write(
    scenario("the job applies a queued batch", async () => {
      const actor = await statusClient();
      const answer = await submitPrakerjaBatch(actor, { events: await statusBatch(PRAKERJA_SYNC_MAX + 1) }, { idempotencyKey: null, requestHash: "h" });
      if (answer.kind !== "queued") throw new Error("not queued");
      return {
        act: () => runPrakerjaBatch(answer.batchId),
        events: [{ actor: asPartner, action: "prakerja.status", entityType: "prakerja_batch", entityId: answer.batchId, after: true }],
        noBefore: `${STATUS_FACTS}; the batch's state moves as the action says (queued → running → done)`,
        unaudited: {
          why: "the batch is marked running in its own short transaction before the run, so that its status shows it; the run's event follows",
          allow: { prakerja_batches: ["state", "started_at"] },
        },
      };
    }),
  ),
  "prakerja-status.failPrakerjaBatch": write(
    scenario("a batch whose job failed for good settled as failed", async () => {
      const actor = await statusClient();
      const answer = await submitPrakerjaBatch(actor, { events: await statusBatch(PRAKERJA_SYNC_MAX + 1) }, { idempotencyKey: null, requestHash: "h" });
      if (answer.kind !== "queued") throw new Error("not queued");
      return {
        act: () => failPrakerjaBatch(answer.batchId, "0badc0de-0000-4000-8000-000000000000"),
        events: [{ actor: null, action: "prakerja.status_fail", entityType: "prakerja_batch", entityId: answer.batchId, after: true }],
        noBefore: "the batch's state moves as the action says (queued or running → failed); its stored events are dropped with it",
      };
    }),
  ),
  "prakerja-status.deleteExpiredIdempotencyKeys": {
    kind: "unaudited",
    scenarios: [
      {
        name: "a key expired deleted",
        why: "the cleanup job: an idempotency key past its day; the batch it answered has its own audit event",
        allow: { prakerja_idempotency: "*" },
        act: async () => {
          const actor = await statusClient();
          await submitPrakerjaBatch(actor, { events: await statusBatch(1) }, { idempotencyKey: "alt", requestHash: "h" });
          await db.execute(sql`update prakerja_idempotency set expires_at = now() - interval '1 minute' where api_client_id = ${actor.id}`);
          return () => deleteExpiredIdempotencyKeys();
        },
      },
    ],
  },
  "prakerja-status.getPrakerjaBatch": read("a queued batch's state and results, for its own client", () =>
    getPrakerjaBatch(readBatch.actor, readBatch.id),
  ),

  // --- places.ts ---
  "places.getProvinceFigures": read("the dashboard's map: figures per province", () => getProvinceFigures(pmo, {})),

  // --- pmo-participants.ts ---
  "pmo-participants.participantSearch": pure("builds a SQL condition"),
  "pmo-participants.participantFilterCondition": pure("builds a SQL condition"),
  "pmo-participants.listParticipantsForPmo": read("every participant, for the PMO", () => listParticipantsForPmo(pmo, {})),
  "pmo-participants.listCaseworkerChoices": read("the filter's caseworkers", () => listCaseworkerChoices(pmo)),
  "pmo-participants.getParticipantForPmo": write(
    scenario("the whole NIK shown to the PMO", async () => ({
      act: () => getParticipantForPmo(pmo, reader.participantId),
      events: [{ actor: pmo, action: "participant.view_nik", entityType: "participant", entityId: reader.participantId }],
      auditOnly: true,
    })),
    scenario("a coordinator's reading of a file in their region, NIK masked", async () => {
      const coordinator = await coordinatorOf(reader.participantId);
      return {
        act: () => getParticipantForPmo(coordinator, reader.participantId),
        events: [{ actor: coordinator, action: "participant.view", entityType: "participant", entityId: reader.participantId }],
        auditOnly: true,
      };
    }),
  ),
  "pmo-participants.exportParticipants": write(
    scenario("the masked export", async () => ({
      act: async () => {
        const { stream } = await exportParticipants(pmo, participantFilterSchema.parse({ stage: "registration" }));
        await new Response(stream).text();
      },
      events: [{ actor: pmo, action: "participant.export", entityType: "participant", entityId: null, after: true }],
      auditOnly: true,
    })),
    scenario("the export with whole NIKs, with a purpose", async () => ({
      act: async () => {
        const { stream } = await exportParticipants(pmo, participantFilterSchema.parse({}), { purpose: "Verifikasi data dengan BP2MI" });
        await new Response(stream).text();
      },
      events: [{ actor: pmo, action: "participant.export_full", entityType: "participant", entityId: null, after: true }],
      auditOnly: true,
    })),
    scenario("a coordinator's export of their region, with a purpose", async () => {
      const coordinator = await coordinatorOf(reader.participantId);
      return {
        act: async () => {
          const { stream } = await exportParticipants(coordinator, participantFilterSchema.parse({}), { purpose: "Verifikasi data dengan BP2MI" });
          await new Response(stream).text();
        },
        events: [{ actor: coordinator, action: "participant.export_full", entityType: "participant", entityId: null, after: true }],
        auditOnly: true,
      };
    }),
  ),

  // --- programme.ts ---
  "programme.counterDims": pure("builds a SQL condition from the filter, runs nothing"),
  "programme.defaultPeriod": read("the dashboard's default months", () => defaultPeriod()),
  "programme.resolveDashboardFilter": read("the dashboard's filter", () => resolveDashboardFilter({})),
  "programme.dashboardFilterFor": read("the dashboard's filter with the viewer's scope", () => dashboardFilterFor(pmo, {})),
  "programme.getDashboard": read("the PMO dashboard", () => getDashboard(pmo, {})),
  "programme.getProgrammeSummary": read("programme-wide counts", () => getProgrammeSummary(pmo)),
  "programme.getProgressForApi": read("the dashboard's figures for a partner", () => getProgressForApi(partner, {})),
  "programme.setTarget": write(
    scenario("a month's first target", async () => ({
      act: () => setTarget(pmo, { month: "2021-06", count: 23 }),
      events: [{ actor: pmo, action: "target.set", entityType: "target", entityId: "2021-06", after: true }],
    })),
    scenario("a month's target changed", async () => {
      await setTarget(pmo, { month: "2021-07", count: 60 });
      return {
        act: () => setTarget(pmo, { month: "2021-07", count: 69 }),
        events: [{ actor: pmo, action: "target.set", entityType: "target", entityId: "2021-07", before: true, after: true }],
      };
    }),
  ),

  // --- reports.ts ---
  "reports.getMonthlyReport": read("the month's report for the PMO", () => getMonthlyReport(pmo, { month: "2021-06" })),
  "reports.monthlyReportFile": write(
    scenario("the month's report as a workbook", async () => ({
      act: () => monthlyReportFile(pmo, { month: "2021-06", provinceCode: "35" }, "xlsx"),
      events: [{ actor: pmo, action: "report.download", entityType: "report", entityId: "2021-06", after: true }],
      auditOnly: true,
    })),
    scenario("the month's report as a PDF", async () => ({
      act: () => monthlyReportFile(pmo, { month: "2021-06" }, "pdf"),
      events: [{ actor: pmo, action: "report.download", entityType: "report", entityId: "2021-06", after: true }],
      auditOnly: true,
    })),
  ),

  // --- reminders.ts ---
  "reminders.getCaseworkerReminders": read("what is due, for the caseworker", () => getCaseworkerReminders(cw)),
  "reminders.getOwnReminders": read("what is due, for the participant", () => getOwnReminders(reader.user)),
  "reminders.queueDeadlineReminders": write(
    scenario("a deadline three days away", async () => {
      await participant({ set: { cardReceivedOn: addDays(todayInJakarta(), -12) } });
      return {
        act: () => queueDeadlineReminders(),
        events: [{ actor: null, action: "outbox.deadline_reminders", entityType: "outbox", entityId: null, after: true }],
      };
    }),
  ),

  // --- self-service.ts ---
  "self-service.findOwnParticipant": read("the participant's own record", () => findOwnParticipant(db, reader.user)),
  "self-service.ownParticipant": read("the participant's own record by id (and for writes, locked)"),
  "self-service.getOwnContact": read("the participant's contact data", () => getOwnContact(reader.user)),
  "self-service.updateOwnContact": write(
    scenario("a new phone, with the password", async () => {
      const p = await participant();
      const input = newPhoneForm(p, TEST_PASSWORD);
      return {
        act: () => updateOwnContact(p.user, input),
        events: [{ actor: p.user, action: "participant.contact_update", entityType: "participant", entityId: p.participantId, before: true, after: true }],
      };
    }),
    scenario("a wrong current password: counted by the throttle and audited, nothing changed", async () => {
      const p = await participant();
      const input = newPhoneForm(p, "bukan-sandi-yang-benar");
      return {
        act: () => updateOwnContact(p.user, input),
        events: [{ actor: p.user, action: "auth.password_check_failed", entityType: "user", entityId: p.user.id, after: true }],
        refused: true,
      };
    }),
  ),

  "self-service.setPreferredChannel": write(
    scenario("email first instead of WhatsApp", async () => {
      const p = await participant();
      return {
        act: () => setPreferredChannel(p.user, { participantId: p.participantId, preferredChannel: "email" }),
        events: [{ actor: p.user, action: "participant.preferred_channel", entityType: "participant", entityId: p.participantId, before: true, after: true }],
      };
    }),
  ),

  // --- verification-codes.ts ---
  "verification-codes.normalizeDigits": pure(),
  "verification-codes.resetDestination": pure(),
  "verification-codes.getPhoneStatus": read("whether the phone is confirmed and a code can go", () => getPhoneStatus(reader.user, reader.participantId)),
  "verification-codes.sendPhoneConfirmation": write(
    scenario("a code to the participant's WhatsApp", async () => {
      const p = await participant();
      return {
        act: () => withWhatsApp(() => sendPhoneConfirmation(p.user, p.participantId)),
        events: [{ actor: p.user, action: "phone.confirmation_sent", entityType: "participant", entityId: p.participantId, after: true }],
      };
    }),
  ),
  "verification-codes.confirmPhone": write(
    scenario("the right code confirms the phone", async () => {
      const p = await participant({ caseworker: cw });
      await withWhatsApp(() => sendPhoneConfirmation(cw, p.participantId));
      const code = await sentCode({ participantId: p.participantId }, "phone_confirmation");
      return {
        act: () => confirmPhone(cw, { participantId: p.participantId, code }, "10.9.0.30"),
        events: [{ actor: cw, action: "phone.confirmed", entityType: "participant", entityId: p.participantId, after: true }],
        noBefore: "the phone was unconfirmed (the only state a code confirms) and the code is used up: phone.confirmed says both",
      };
    }),
    scenario("a wrong code is audited and counted", async () => {
      const p = await participant();
      await withWhatsApp(() => sendPhoneConfirmation(p.user, p.participantId));
      const code = await sentCode({ participantId: p.participantId }, "phone_confirmation");
      return {
        act: () => confirmPhone(p.user, { participantId: p.participantId, code: code === "000000" ? "999999" : "000000" }, "10.9.0.31"),
        events: [{ actor: p.user, action: "phone.confirmation_failed", entityType: "participant", entityId: p.participantId }],
        refused: true,
        noBefore: "a wrong try counted on the code (failed_attempts), the event says so",
        unaudited: { why: THROTTLE, allow: { auth_throttle: "*" } },
      };
    }),
  ),
  "verification-codes.requestPasswordReset": write(
    scenario("a code to the account's email", async () => {
      const p = await participant();
      return {
        act: () => withWhatsApp(() => requestPasswordReset({ identifier: p.email!, ip: "10.9.0.32" })),
        events: [{ actor: null, action: "auth.password_reset_requested", entityType: "user", entityId: p.user.id, after: true }],
        unaudited: { why: "requests counted per address (auth_throttle), as sign-ins are", allow: { auth_throttle: "*" } },
      };
    }),
  ),
  "verification-codes.resetPasswordWithCode": write(
    scenario("the code sets a new password and ends every session", async () => {
      const p = await participant();
      await withWhatsApp(() => requestPasswordReset({ identifier: p.email!, ip: "10.9.0.33" }));
      const code = await sentCode({ participantId: p.participantId }, "password_reset");
      return {
        act: () => resetPasswordWithCode({ identifier: p.email!, code, password: "sandi-baru-yang-panjang", ip: "10.9.0.33" }),
        events: [{ actor: { id: p.user.id, role: "participant" }, action: "auth.password_reset", entityType: "user", entityId: p.user.id, after: true }],
        noBefore: "a password (never logged) and a new session version; the code used up: auth.password_reset says all of it",
      };
    }),
    scenario("a wrong code is audited and counted", async () => {
      const p = await participant();
      await withWhatsApp(() => requestPasswordReset({ identifier: p.email!, ip: "10.9.0.34" }));
      const code = await sentCode({ participantId: p.participantId }, "password_reset");
      return {
        act: () => resetPasswordWithCode({ identifier: p.email!, code: code === "000000" ? "999999" : "000000", password: "sandi-baru-yang-panjang", ip: "10.9.0.34" }),
        events: [{ actor: null, action: "auth.password_reset_failed", entityType: "user", entityId: p.user.id }],
        refused: true,
        noBefore: "a wrong try counted on the code (failed_attempts), the event says so",
        unaudited: { why: THROTTLE, allow: { auth_throttle: "*" } },
      };
    }),
  ),
  "verification-codes.deleteSpentVerificationCodes": {
    kind: "unaudited",
    scenarios: [
      {
        name: "a code expired two days ago deleted",
        why: "the cleanup job: a code used or expired; its sending and its use are in the audit log",
        allow: { verification_codes: "*" },
        act: async () => {
          const p = await participant();
          await withWhatsApp(() => sendPhoneConfirmation(p.user, p.participantId));
          await db.execute(sql`update verification_codes set expires_at = now() - interval '2 days' where user_id = ${p.user.id}`);
          return () => deleteSpentVerificationCodes();
        },
      },
    ],
  },

  // --- service-logs.ts ---
  "service-logs.recordService": write(
    scenario("a service logged", async () => {
      const p = await participant({ caseworker: cw });
      return {
        act: () => recordService(cw, logInput(p.participantId, { nextFollowUpOn: "2021-06-20", notes: "Dibantu lewat WhatsApp" })),
        events: (r: Awaited<ReturnType<typeof recordService>>) => [
          { actor: cw, action: "service_log.create", entityType: "service_log", entityId: r.ok ? r.id : "?", after: true },
        ],
        noBefore: SUMMARY,
      };
    }),
    scenario("a correction of a logged service", async () => {
      const p = await participant({ caseworker: cw });
      const first = await recordService(cw, logInput(p.participantId));
      if (!first.ok) throw new Error(JSON.stringify(first));
      return {
        act: () => recordService(cw, logInput(p.participantId, { correctsId: first.id, occurredOn: "2021-06-11" })),
        events: [{ actor: cw, action: "service_log.correct", entityType: "service_log", after: true }],
        noBefore: SUMMARY,
      };
    }),
  ),
  "service-logs.insertServiceLog": write(
    scenario("inside a transaction of its own", async () => {
      const p = await participant({ caseworker: cw });
      return {
        act: () =>
          db.transaction(async (tx) => {
            const row = await assignedParticipant(tx, cw, p.participantId, { lock: true });
            return insertServiceLog(tx, cw, row, logInput(p.participantId));
          }),
        events: [{ actor: cw, action: "service_log.create", entityType: "service_log", after: true }],
        noBefore: SUMMARY,
      };
    }),
  ),

  // --- session.ts ---
  "session.getUser": read("the signed-in user; its only write is users.last_seen_at, through users.findSessionUser", () => getUser()),
  "session.requireUser": read("getUser, or a redirect to /login", () => requireUser()),
  "session.requireUserWithAny": read("requireUser plus one of the permissions", () => requireUserWithAny(["read:dashboard:any"])),
  "session.requireUserWith": read("requireUser plus a permission", () => requireUserWith("read:dashboard:any")),

  // --- staff.ts ---
  "staff.insertStaffAccount": {
    kind: "within",
    why: "makes the account, its activation code and their two audit events in the caller's transaction",
    table: "users",
    coveredBy: ["staff.createCaseworker", "regions.createCoordinator"],
  },
  "staff.staffConstraintErrors": pure(),
  "staff.setStaffDisabled": write(
    scenario("a caseworker disabled through the shared function", async () => {
      const other = await createTestUser("caseworker");
      return {
        act: () => setStaffDisabled(pmo, "caseworker", other.id, true),
        events: [{ actor: pmo, action: "caseworker.disable", entityType: "user", entityId: other.id, before: true, after: true }],
      };
    }),
  ),
  "staff.listCaseworkers": read("caseworker accounts with caseloads", () => listCaseworkers(pmo)),
  "staff.createCaseworker": write(
    scenario("a new caseworker account with its code", async () => {
      const input = newCaseworkerSchema.parse({ name: "Rina Wati", email: `rina${Date.now()}@bp2mi.go.id`, phone: "" });
      return {
        act: () => createCaseworker(pmo, input),
        events: (r: Awaited<ReturnType<typeof createCaseworker>>) => [
          { actor: pmo, action: "caseworker.create", entityType: "user", entityId: r.ok ? r.userId : "?", after: true },
          { actor: pmo, action: "activation_code.issue", entityType: "user", entityId: r.ok ? r.userId : "?", after: true },
        ],
      };
    }),
  ),
  "staff.setCaseworkerProvince": write(
    scenario("a caseworker's province set", async () => {
      const other = await createTestUser("caseworker");
      return {
        act: () => setCaseworkerProvince(pmo, { caseworkerId: other.id, provinceCode: "31" }),
        events: [{ actor: pmo, action: "caseworker.province", entityType: "user", entityId: other.id, before: true, after: true }],
      };
    }),
  ),
  "staff.disableCaseworker": write(
    scenario("a caseworker disabled", async () => {
      const other = await createTestUser("caseworker");
      return {
        act: () => disableCaseworker(pmo, other.id),
        events: [{ actor: pmo, action: "caseworker.disable", entityType: "user", entityId: other.id, before: true, after: true }],
      };
    }),
  ),
  "staff.enableCaseworker": write(
    scenario("a disabled caseworker enabled", async () => {
      const other = await createTestUser("caseworker");
      await disableCaseworker(pmo, other.id);
      return {
        act: () => enableCaseworker(pmo, other.id),
        events: [{ actor: pmo, action: "caseworker.enable", entityType: "user", entityId: other.id, before: true, after: true }],
      };
    }),
  ),
  "staff.issueCaseworkerCode": write(
    scenario("a new code for a caseworker", async () => {
      const other = await createTestUser("caseworker");
      return {
        act: () => issueCaseworkerCode(pmo, other.id),
        events: [{ actor: pmo, action: "activation_code.issue", entityType: "user", entityId: other.id, after: true }],
      };
    }),
  ),

  // --- regions.ts ---
  "regions.listRegions": read("regions, their provinces and coordinators", () => listRegions(pmo, allProvinces.map((p) => p.code))),
  "regions.createRegion": write(
    scenario("a new region with two provinces", async () => {
      const input = newRegionSchema.parse({ name: `Wilayah ${Date.now()}`, provinceCodes: await unplacedProvinces(2) });
      return {
        act: () => createRegion(pmo, input),
        events: (r: Awaited<ReturnType<typeof createRegion>>) => [{ actor: pmo, action: "region.create", entityType: "region", entityId: r.ok ? r.regionId : "?", after: true }],
      };
    }),
  ),
  "regions.updateRegion": write(
    scenario("a region renamed, a province given up and another taken", async () => {
      const regionId = await newRegionId(2);
      const [kept] = (await db.select().from(regionProvinces).where(eq(regionProvinces.regionId, regionId))).map((r) => r.provinceCode);
      const input = regionUpdateSchema.parse({ regionId, name: `Wilayah Baru ${Date.now()}`, provinceCodes: [kept, ...(await unplacedProvinces(1))] });
      return {
        act: () => updateRegion(pmo, input),
        events: [{ actor: pmo, action: "region.update", entityType: "region", entityId: regionId, before: true, after: true }],
        unaudited: { why: DELETED, allow: { region_provinces: "*" } },
      };
    }),
  ),
  "regions.createCoordinator": write(
    scenario("a new coordinator for a region, with a code", async () => {
      const input = newCoordinatorSchema.parse({ name: "Sari Wulan", email: `sari${Date.now()}@bp2mi.go.id`, regionIds: [await newRegionId(1)] });
      return {
        act: () => createCoordinator(pmo, input),
        events: (r: Awaited<ReturnType<typeof createCoordinator>>) => [
          { actor: pmo, action: "coordinator.create", entityType: "user", entityId: r.ok ? r.userId : "?", after: true },
          { actor: pmo, action: "activation_code.issue", entityType: "user", entityId: r.ok ? r.userId : "?", after: true },
        ],
      };
    }),
  ),
  "regions.setCoordinatorRegions": write(
    scenario("a coordinator moved to another region", async () => {
      const created = await createCoordinator(pmo, newCoordinatorSchema.parse({ name: "Dodi Wira", email: `dodi${Date.now()}@bp2mi.go.id`, regionIds: [await newRegionId(1)] }));
      if (!created.ok) throw new Error(JSON.stringify(created));
      const input = coordinatorRegionsSchema.parse({ coordinatorId: created.userId, regionIds: [await newRegionId(1)] });
      return {
        act: () => setCoordinatorRegions(pmo, input),
        events: [{ actor: pmo, action: "coordinator.regions", entityType: "user", entityId: created.userId, before: true, after: true }],
        unaudited: { why: DELETED, allow: { coordinator_regions: "*" } },
      };
    }),
  ),

  "regions.setCoordinatorDisabled": write(
    scenario("a coordinator disabled", async () => {
      const made = await createCoordinator(pmo, newCoordinatorSchema.parse({ name: "Rina Wilayah", email: `rinaw${Date.now()}@bp2mi.go.id`, regionIds: [await newRegionId(1)] }));
      if (!made.ok) throw new Error(JSON.stringify(made));
      return {
        act: () => setCoordinatorDisabled(pmo, made.userId, true),
        events: [{ actor: pmo, action: "coordinator.disable", entityType: "user", entityId: made.userId, before: true, after: true }],
      };
    }),
  ),

  // --- scope.ts ---
  "scope.coordinatorProvinces": read("the provinces of a coordinator's regions", () => coordinatorProvinces(pmo.id)),
  "scope.requireScope": read("the viewer's province scope for a permission", () => requireScope(pmo, "read:dashboard:any", "read:dashboard:any")),
  "scope.provinceScope": pure("builds a SQL condition, runs nothing"),

  // --- survey.ts ---
  "survey.surveyOpenFor": pure(),
  "survey.getOwnSurvey": read("the participant's own survey", () => getOwnSurvey(reader.user)),
  "survey.getSurveySummary": read("survey figures for the PMO", () => getSurveySummary(pmo, { from: "2021-06", to: "2021-07" })),
  "survey.submitSurvey": write(
    scenario("the first answer", async () => {
      const p = await participant({ stage: "completed" });
      return {
        act: () => submitSurvey(p.user, surveyInput(p.participantId)),
        events: [{ actor: p.user, action: "survey.submit", entityType: "survey_response", after: true }],
      };
    }),
    scenario("the answer changed within 7 days", async () => {
      const p = await participant({ stage: "completed" });
      await submitSurvey(p.user, surveyInput(p.participantId, "3"));
      return {
        act: () => submitSurvey(p.user, surveyInput(p.participantId, "5")),
        events: [{ actor: p.user, action: "survey.update", entityType: "survey_response", before: true, after: true }],
      };
    }),
  ),

  // --- throttle.ts ---
  "throttle.identifierKey": pure(),
  "throttle.ipKey": pure(),
  "throttle.registerIdKey": pure("a keyed hash of its arguments; no database"),
  "throttle.registerIpKey": pure(),
  "throttle.resetRequestIpKey": pure(),
  "throttle.clientIp": pure(),
  "throttle.lockedUntil": read("reads the throttle's locks", () => lockedUntil([ipKey("10.9.9.9")])),
  "throttle.throttleState": read("reads the throttle's locks and counts", () => throttleState([ipKey("10.9.9.9")])),
  "throttle.recordFailure": {
    kind: "unaudited",
    scenarios: [{ name: "a failure counted", why: THROTTLE, allow: { auth_throttle: "*" }, act: async () => () => recordFailure([ipKey("10.9.0.3")]) }],
  },
  "throttle.deleteExpiredThrottleRows": {
    kind: "unaudited",
    scenarios: [
      {
        name: "a counter past its window deleted",
        why: "the cleanup job: a failure count that no longer counts and holds no lock; " + THROTTLE,
        allow: { auth_throttle: "*" },
        act: async () => {
          await db.insert(authThrottle).values({ key: `ip:10.9.${Date.now() % 250}.9`, failures: 3, lastFailureAt: new Date(Date.now() - 3 * 86_400_000) });
          return () => deleteExpiredThrottleRows();
        },
      },
    ],
  },
  "throttle.clearFailures": {
    kind: "unaudited",
    scenarios: [
      {
        name: "a count cleared",
        why: THROTTLE,
        allow: { auth_throttle: "*" },
        act: async () => {
          const key = identifierKey(`hapus${Date.now()}@contoh.id`);
          await recordFailure([key]);
          return () => clearFailures(key);
        },
      },
    ],
  },

  // --- trends.ts ---
  "trends.mondayOf": pure(),
  "trends.getWeeklyRegistrations": read("registrations per week for the PMO dashboard", () =>
    getWeeklyRegistrations(pmo, { from: "2021-06", to: "2021-07" }),
  ),

  // --- users.ts ---
  "users.contactChange": pure("the columns of a contact change; the callers write them with their audit event"),
  "users.authenticate": write(
    scenario("a good password", async () => {
      const user = await createTestUser("caseworker", { password: TEST_PASSWORD });
      return {
        act: () => authenticate(user.email, TEST_PASSWORD),
        events: [{ actor: user, action: "auth.sign_in", entityType: "user", entityId: user.id }],
        noBefore: SIGN_IN,
      };
    }),
  ),
  "users.signInAttempt": write(
    scenario("a good password", async () => {
      const user = await createTestUser("caseworker", { password: TEST_PASSWORD });
      return {
        act: () => signInAttempt(user.email, TEST_PASSWORD, "10.9.0.4"),
        events: [{ actor: user, action: "auth.sign_in", entityType: "user", entityId: user.id }],
        noBefore: SIGN_IN,
      };
    }),
    // A failure is counted by the throttle and audited in one transaction, for a known
    // account (the event names it) and for an unknown identifier alike.
    scenario("a wrong password", async () => {
      const user = await createTestUser("caseworker", { password: TEST_PASSWORD });
      return {
        act: () => signInAttempt(user.email, "sandi-yang-salah-sekali", "10.9.0.5"),
        events: [{ actor: null, action: "auth.sign_in_failed", entityType: "user", entityId: user.id, after: true }],
      };
    }),
    scenario("an unknown account", async () => ({
      act: () => signInAttempt(`tidak.ada.${Date.now()}@contoh.id`, "sandi-yang-salah-sekali", "10.9.0.6"),
      events: [{ actor: null, action: "auth.sign_in_failed", entityType: "user", entityId: null, after: true }],
    })),
  ),
  "users.issueSignInTicket": read(
    "signs a short-lived ticket over the account's session version and last sign-in; the sign-in that takes it is audited",
    () => issueSignInTicket(reader.user.id),
  ),
  "users.ticketSignInAttempt": write(
    scenario("a ticket from the registration", async () => {
      const p = await participant();
      const ticket = (await issueSignInTicket(p.user.id))!;
      return {
        act: () => ticketSignInAttempt(p.phone, ticket, "10.9.0.7"),
        events: [{ actor: p.user, action: "auth.sign_in", entityType: "user", entityId: p.user.id, after: true }],
        noBefore: SIGN_IN,
      };
    }),
    // Refused like a wrong password: counted by the throttle and audited in one transaction.
    scenario("a ticket used already", async () => {
      const p = await participant();
      const ticket = (await issueSignInTicket(p.user.id))!;
      await ticketSignInAttempt(p.phone, ticket, "10.9.0.8");
      return {
        act: () => ticketSignInAttempt(p.phone, ticket, "10.9.0.8"),
        events: [{ actor: null, action: "auth.sign_in_failed", entityType: "user", entityId: p.user.id, after: true }],
      };
    }),
  ),
  "users.findSessionUser": read("checks a session; see the unaudited last_seen_at below"),
  "users.endAllSessions": write(
    scenario("sign-out everywhere", async () => {
      const user = await createTestUser("participant", { phone: makePhone() });
      return {
        act: () => endAllSessions(user),
        events: [{ actor: user, action: "auth.sign_out", entityType: "user", entityId: user.id }],
        noBefore: "the session version moves on, which is what auth.sign_out means",
      };
    }),
  ),
  "users.changeOwnPassword": write(
    scenario("a new password, with the current one: every session ends", async () => {
      const user = await createTestUser("caseworker", { password: TEST_PASSWORD });
      return {
        act: () => changeOwnPassword(user, passwordChangeSchema.parse({ currentPassword: TEST_PASSWORD, newPassword: "kebun teh di puncak" })),
        events: [{ actor: user, action: "auth.password_change", entityType: "user", entityId: user.id, after: true }],
        noBefore: "the password hash is a secret and the session version moves on, which is what auth.password_change means",
      };
    }),
    scenario("a wrong current password: counted by the throttle and audited, nothing changed", async () => {
      const user = await createTestUser("caseworker", { password: TEST_PASSWORD });
      return {
        act: () => changeOwnPassword(user, passwordChangeSchema.parse({ currentPassword: "bukan-sandi-ini", newPassword: "kebun teh di puncak" })),
        events: [{ actor: user, action: "auth.password_check_failed", entityType: "user", entityId: user.id, after: true }],
        refused: true,
      };
    }),
  ),
  "users.checkOwnPassword": write(
    scenario("a wrong password guessed by a signed-in user: counted and audited", async () => {
      const user = await createTestUser("pmo", { password: TEST_PASSWORD });
      const [account] = await db.select().from(users).where(eq(users.id, user.id));
      return {
        act: () => checkOwnPassword(user, account, "tebakan-yang-salah", "auth.password_change"),
        events: [{ actor: user, action: "auth.password_check_failed", entityType: "user", entityId: user.id, after: true }],
      };
    }),
  ),
  "users.createStaffUser": write(
    scenario("the first PMO account, from the command line", async () => {
      const email = `pmo${Date.now()}@bp2mi.go.id`;
      return {
        act: () => createStaffUser({ role: "pmo", email, name: "Ana Pertama", password: "sandi-pmo-yang-panjang" }),
        events: (r: { id: string }) => [{ actor: null, action: "user.create", entityType: "user", entityId: r.id, after: true }],
      };
    }),
  ),
};

/** Writes without an audit event that belong to functions listed above under another kind. */
const UNAUDITED_PATHS: (UnauditedCase & { fn: string })[] = [
  {
    fn: "participants.registerSelf",
    name: "a third participant on a full KK is counted against the address",
    why: `${THROTTLE}; a full KK is the programme's rule and names no account, so there is no account to audit`,
    allow: { auth_throttle: "*" },
    act: async () => {
      const kk = makeKk("3275");
      for (let i = 0; i < 2; i++) await createTestParticipant({ form: { kk } });
      const data = selfRegistrationSchema().parse(registrationForm({ kk }));
      return () => registerSelf(data, "10.9.0.10");
    },
  },
  {
    fn: "users.findSessionUser",
    name: "a request moves last_seen_at",
    why: "users.last_seen_at feeds the idle timeout: moved at most once a minute on any request, it is bookkeeping, not a change of the account",
    allow: { users: ["last_seen_at"] },
    act: async () => {
      const user = await createTestUser("pmo");
      return () => findSessionUser(user.id, 1);
    },
  },
];

// ---------------------------------------------------------------------------
// Discovery
// ---------------------------------------------------------------------------

function moduleFiles(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...moduleFiles(full, `${prefix}${name}/`));
    else if (name.endsWith(".ts") && !name.endsWith(".test.ts") && !name.endsWith(".d.ts")) out.push(`${prefix}${name}`);
  }
  return out;
}

async function exportedFunctions(): Promise<string[]> {
  const names: string[] = [];
  for (const file of moduleFiles(DATA_DIR)) {
    const mod = (await import(path.join(DATA_DIR, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) {
      if (typeof value === "function") names.push(`${file.replace(/\.ts$/, "")}.${name}`);
    }
  }
  return names.sort();
}

// ---------------------------------------------------------------------------
// The checks
// ---------------------------------------------------------------------------

/** Changes by scenario ("fn › scenario"), for the "within" entries. */
const seen = new Map<string, Change[]>();

const allowedBy = (allow: Record<string, "*" | string[]> | undefined, c: Change) => {
  const rule = allow?.[c.table];
  if (!rule) return false;
  if (rule === "*") return true;
  return c.kind === "update" && c.columns.every((col) => rule.includes(col));
};

function refusal(result: unknown): string | null {
  if (result && typeof result === "object" && "ok" in result && (result as { ok: unknown }).ok === false) return JSON.stringify(result);
  return null;
}

function matches(event: Record<string, unknown>, e: Expected): boolean {
  return (
    event.action === e.action &&
    event.entity_type === e.entityType &&
    (e.entityId === undefined || event.entity_id === e.entityId) &&
    (e.actor?.role === "api_client"
      ? event.actor_id === null && (e.actor.id === null || event.api_client_id === e.actor.id)
      : event.actor_id === (e.actor?.id ?? null)) &&
    event.actor_role === (e.actor?.role ?? "system")
  );
}

describe("the table of data-layer functions", () => {
  it("lists every exported function of lib/data, and nothing else", async () => {
    const found = await exportedFunctions();
    const missing = found.filter((name) => !(name in TABLE));
    const stale = Object.keys(TABLE).filter((name) => !found.includes(name));
    expect(missing, `exported from lib/data but not in the audit-coverage table (add each as read, write, within or unaudited): ${missing.join(", ")}`).toEqual([]);
    expect(stale, `in the audit-coverage table but no longer exported from lib/data: ${stale.join(", ")}`).toEqual([]);
  });

  it("names, for each helper that writes inside its caller's transaction, callers that are audited writes", () => {
    for (const [name, entry] of Object.entries(TABLE)) {
      if (entry.kind !== "within") continue;
      for (const caller of entry.coveredBy) expect(TABLE[caller]?.kind, `${name} is covered by ${caller}`).toBe("write");
    }
  });
});

describe("every write leaves its audit event in the same transaction", () => {
  for (const [fn, entry] of Object.entries(TABLE)) {
    if (entry.kind !== "write") continue;
    for (const s of entry.scenarios) {
      it(`${fn} › ${s.name}`, async () => {
        const plan = await s.arrange();
        const { result, error, changes } = await changesOf(plan.act);
        if (error) throw error;
        if (plan.refused) expect(refusal(result), `${fn} should refuse the scenario's call`).not.toBeNull();
        else expect(refusal(result), `${fn} refused the scenario's call`).toBeNull();
        seen.set(`${fn} › ${s.name}`, changes);
        const report = `changes:\n${describeChanges(changes)}`;

        // The audit log is append-only.
        const audit = changes.filter((c) => c.table === "audit_events");
        expect(audit.filter((c) => c.kind !== "insert"), report).toEqual([]);
        const events: Record<string, unknown>[] = audit.map((c) => ({ ...c.after, xmin: c.xmin }));
        expect(events.length, `${fn} wrote no audit event\n${report}`).toBeGreaterThan(0);

        // Every other row written is in one of the audit events' transactions.
        const auditXmins = new Set(events.map((e) => e.xmin));
        const data = changes.filter((c) => c.table !== "audit_events");
        const audited = data.filter((c) => c.xmin !== null && auditXmins.has(c.xmin));
        const outside = data.filter((c) => !audited.includes(c) && !allowedBy(plan.unaudited?.allow, c));
        expect(outside.map((c) => `${c.kind} ${c.table} ${c.key}`), `${fn} wrote rows outside the audit event's transaction\n${report}`).toEqual([]);
        if (plan.auditOnly) expect(audited.map((c) => `${c.kind} ${c.table}`), `${fn} should write its audit event only`).toEqual([]);
        else expect(audited.length, `${fn}: no data change in the audit event's transaction\n${report}`).toBeGreaterThan(0);

        // A change of an existing record says what was there before, or the table says why not.
        // The dashboard's counters (dash_*) are derived from the rows the event describes, by
        // triggers in the same transaction (their xmin is checked above); they carry no "before".
        const updated = audited.filter((c) => c.kind === "update" && !c.table.startsWith("dash_"));
        if (plan.noBefore) {
          expect(updated.length, `${fn}: noBefore is given, but the call changes no existing row`).toBeGreaterThan(0);
        } else if (updated.length > 0) {
          const txs = new Set(updated.map((c) => c.xmin));
          const tables = [...new Set(updated.map((c) => `${c.table} [${c.columns.join(", ")}]`))].join("; ");
          expect(
            events.filter((e) => txs.has(e.xmin as string) && e.before !== null).length,
            `${fn} changes existing rows (${tables}) but no audit event records "before": record it, or say why not in noBefore`,
          ).toBeGreaterThan(0);
        }

        // The events: actor, action, entity, before/after.
        const expected = typeof plan.events === "function" ? plan.events(result) : plan.events;
        const unmatched = [...events];
        for (const e of expected) {
          const i = unmatched.findIndex((event) => matches(event, e));
          expect(i, `${fn}: no audit event ${JSON.stringify({ ...e, actor: e.actor?.id ?? "system" })} among\n${JSON.stringify(events, null, 1)}`).toBeGreaterThanOrEqual(0);
          const event = unmatched.splice(i, 1)[0];
          expect(String(event.action)).toMatch(/^[a-z_]+\.[a-z_]+$/);
          if (e.before) expect(event.before, `${fn}: ${e.action} without "before"`).not.toBeNull();
          if (e.after) expect(event.after, `${fn}: ${e.action} without "after"`).not.toBeNull();
        }
        expect(unmatched.map((e) => e.action), `${fn} wrote audit events the table does not expect`).toEqual([]);
      });
    }
  }
});

describe("helpers that write inside their caller's transaction", () => {
  for (const [fn, entry] of Object.entries(TABLE)) {
    if (entry.kind !== "within") continue;
    it(`${fn} › its table (${entry.table}) is written under the audit event of each caller`, () => {
      for (const caller of entry.coveredBy) {
        const runs = [...seen.entries()].filter(([key]) => key.startsWith(`${caller} › `));
        expect(runs.length, `${caller}'s scenarios ran before this check`).toBeGreaterThan(0);
        const proven = runs.some(([, changes]) => {
          const xmins = new Set(changes.filter((c) => c.table === "audit_events").map((c) => c.xmin));
          return changes.some((c) => c.table === entry.table && c.xmin !== null && xmins.has(c.xmin));
        });
        expect(proven, `${caller} writes ${entry.table} under its audit event`).toBe(true);
      }
    });
  }
});

describe("writes that are not audited, on purpose", () => {
  const cases = [
    ...Object.entries(TABLE).flatMap(([fn, entry]) => (entry.kind === "unaudited" ? entry.scenarios.map((s) => ({ fn, ...s })) : [])),
    ...UNAUDITED_PATHS,
  ];
  for (const c of cases) {
    it(`${c.fn} › ${c.name}`, async () => {
      expect(c.why.length).toBeGreaterThan(20);
      const call = await c.act();
      const { error, changes } = await changesOf(call);
      if (error) throw error;
      const report = `changes:\n${describeChanges(changes)}`;
      expect(changes.length, `${c.fn}: the scenario wrote nothing, so the exception is not exercised\n${report}`).toBeGreaterThan(0);
      expect(changes.filter((x) => x.table === "audit_events").length, report).toBe(0);
      expect(changes.filter((x) => !allowedBy(c.allow, x)).map((x) => `${x.kind} ${x.table} [${x.columns.join(", ")}]`), report).toEqual([]);
    });
  }
});

describe("reads write nothing", () => {
  for (const [fn, entry] of Object.entries(TABLE)) {
    if (entry.kind !== "read" || !entry.probe) continue;
    const probe = entry.probe;
    it(fn, async () => {
      const { error, changes } = await changesOf(probe);
      // requireUser without a session redirects: a refusal writes nothing either.
      const digest = (error as { digest?: string } | undefined)?.digest ?? "";
      if (error && !digest.startsWith("NEXT_")) throw error;
      expect(changes.map((c) => `${c.kind} ${c.table} [${c.columns.join(", ")}]`)).toEqual([]);
    });
  }
});

