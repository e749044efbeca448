import "server-only";
import { and, desc, eq, ne, sql } from "drizzle-orm";
import { db, executeRows, type Tx } from "@/db";
import { FIRST_SESSION_VERSION, participants, serviceLogs, services, stageChanges, users, type Stage } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { identityHash, sealKk, sealNik } from "@/lib/crypto/identity";
import { makeSignInTicket } from "@/lib/crypto/sign-in-ticket";
import { maskNikLast4, maskPhone, MAX_PARTICIPANTS_PER_KK, type ValidationKey } from "@/lib/validation";
import { todayInJakarta } from "@/lib/validation/dates";
import { CONSENT_VERSION, type RegistrationData, type SelfRegistrationData } from "@/lib/validation/registration";
import { recordAudit } from "./audit";
import { isUniqueViolation, pgErrorInfo } from "./db-errors";
import { queueMessage } from "./outbox";
import { requirePermission, type SessionUser } from "./permissions";
import { lockedUntil, recordFailure, registerIdKey, registerIpKey } from "./throttle";

export type FieldErrors = Partial<Record<string, ValidationKey[]>>;
export type RegisterResult =
  | { ok: true; userId: string; participantId: string; repeated: boolean }
  | { ok: false; fieldErrors: FieldErrors };

/** What register_participant answers (db/migrations/0008, with the assignment rule since 0009). */
type Stored =
  | { outcome: "created" | "repeated"; user_id: string; participant_id: string }
  | { outcome: "other_form" }
  | { outcome: "conflict"; nik_taken: boolean; kk_full: boolean; phone_taken: boolean; email_taken: boolean };

export type NewRegistration = {
  data: RegistrationData;
  source: "self" | "assisted";
  /** Self-registration: the hash of the chosen password; assisted: none (an activation code follows). */
  passwordHash: string | null;
  /** Who registers: null for the worker themselves (the new account acts and consents). */
  actor: SessionUser | null;
};

/**
 * Stores one registration in one statement: the checks (a double submit of the same form,
 * NIK taken, KK full, phone or email taken, every problem at once), then the user, the
 * participant, the first stage and the audit event, and under the automatic assignment rule
 * the caseworker with its event (register_participant, a SQL function, decision 020:
 * one round trip, docs/decisions/017). The unique indexes and the KK trigger still stand
 * against a race the checks cannot see; the caller turns those errors into answers.
 */
export async function storeRegistration(runner: Tx | typeof db, reg: NewRegistration): Promise<RegisterResult> {
  const row = registrationRow(reg);
  const [{ r }] = await executeRows<{ r: Stored }>(sql`select register_participant(${JSON.stringify(row)}::jsonb) as r`, runner);
  switch (r.outcome) {
    case "created":
    case "repeated":
      return { ok: true, userId: r.user_id, participantId: r.participant_id, repeated: r.outcome === "repeated" };
    case "other_form":
      // The same form posted again with a different person in it: ask for a fresh form.
      return { ok: false, fieldErrors: { form: ["form.error"] } };
    case "conflict": {
      const fieldErrors: FieldErrors = {};
      if (r.nik_taken) fieldErrors.nik = ["nik.taken"];
      if (r.kk_full) fieldErrors.kk = ["kk.limit"];
      if (r.phone_taken) fieldErrors.phone = ["phone.taken"];
      if (r.email_taken) fieldErrors.email = ["email.taken"];
      return { ok: false, fieldErrors };
    }
  }
}

/**
 * What register_participant takes for one registration: the sealed NIK and KK, the
 * password's hash, the participant's columns and the audit event's details.
 */
export function registrationRow(reg: NewRegistration): Record<string, unknown> {
  const { data } = reg;
  // Assisted: the caseworker is assigned and collected the consent.
  const caseworkerId = reg.source === "assisted" ? (reg.actor?.id ?? null) : null;
  const nik = sealNik(data.nik);
  const kk = sealKk(data.kk);
  return {
    submission_id: data.submissionId,
    nik_enc: nik.nikEnc,
    nik_hash: nik.nikHash,
    nik_last4: nik.nikLast4,
    kk_enc: kk.kkEnc,
    kk_hash: kk.kkHash,
    kk_limit: MAX_PARTICIPANTS_PER_KK,
    full_name: data.fullName,
    email: data.email,
    phone: data.phone,
    password_hash: reg.passwordHash,
    birth_date: data.birthDate,
    sex: data.sex,
    province_code: data.provinceCode,
    regency_code: data.regencyCode,
    address: data.address,
    migrant_status: data.migrantStatus,
    country_code: data.countryCode,
    sector: data.sector,
    return_date: data.returnDate,
    source: reg.source,
    caseworker_id: caseworkerId,
    actor_id: reg.actor?.id ?? null,
    actor_role: reg.actor?.role ?? "participant",
    consent_version: CONSENT_VERSION,
    audit_after: {
      ...auditView(data),
      source: reg.source,
      ...(caseworkerId && { caseworkerId }),
      consentVersion: CONSENT_VERSION,
      ...(caseworkerId && { consentCollectedBy: caseworkerId }),
    },
  };
}

/** A constraint violation from a race that the pre-check could not see, as a field error. */
export function constraintToFieldErrors(error: unknown): FieldErrors | null {
  const info = pgErrorInfo(error);
  if (isUniqueViolation(info, "participants_nik_key")) return { nik: ["nik.taken"] };
  if (isUniqueViolation(info, "users_phone_key")) return { phone: ["phone.taken"] };
  if (isUniqueViolation(info, "users_email_key")) return { email: ["email.taken"] };
  if (info?.code === "23514" && info.message.includes("kk_limit")) return { kk: ["kk.limit"] };
  return null;
}

/** The registration this form already made, if it was submitted before (one read, no hashing). */
async function findSubmission(data: RegistrationData, source: NewRegistration["source"], actor: SessionUser | null): Promise<RegisterResult | null> {
  const [{ r }] = await executeRows<{ r: Stored | null }>(
    sql`select registration_of_form(${JSON.stringify({
      submission_id: data.submissionId,
      nik_hash: identityHash(data.nik),
      source,
      caseworker_id: source === "assisted" ? actor?.id : null,
    })}::jsonb) as r`,
  );
  if (!r) return null;
  if (r.outcome === "other_form") return { ok: false, fieldErrors: { form: ["form.error"] } };
  return r.outcome === "repeated" ? { ok: true, userId: r.user_id, participantId: r.participant_id, repeated: true } : null;
}

/**
 * A registration, with the answer to a race: a second submit racing the first trips a
 * unique index (submission id, NIK, phone); if the first one has committed by now, this
 * is the same registration. Other constraint errors become field errors.
 */
export async function withRaceAnswers<R>(
  reg: Pick<NewRegistration, "data" | "source" | "actor">,
  store: () => Promise<R | RegisterResult>,
): Promise<R | RegisterResult> {
  try {
    return await store();
  } catch (error) {
    if (isUniqueViolation(pgErrorInfo(error))) {
      const repeated = await findSubmission(reg.data, reg.source, reg.actor);
      if (repeated) return repeated;
    }
    const fieldErrors = constraintToFieldErrors(error);
    if (fieldErrors) return { ok: false, fieldErrors };
    throw error;
  }
}

export const auditView = (data: RegistrationData) => ({
  nik: maskNikLast4(data.nik.slice(-4)),
  provinceCode: data.provinceCode,
  migrantStatus: data.migrantStatus,
  countryCode: data.countryCode,
});

/**
 * A new registration comes with a sign-in ticket for its account (decision 015): the
 * account was made by this call, so it has never signed in and has the first session
 * version, and the ticket needs no read. A repeated form gets none: the account may have
 * signed in since, and there the password decides.
 */
export type SelfRegisterResult =
  | (Extract<RegisterResult, { ok: true }> & { signInTicket: string | null })
  | Extract<RegisterResult, { ok: false }>;

/**
 * Self-registration at /register: creates the user and the participant in one
 * transaction. Anyone may call it (it is how a worker gets an account). A repeated
 * submit of the same form (same submission id) returns the participant it created.
 *
 * Unlike assisted registration (a caseworker, trusted and audited, gets the precise
 * answers), it never says which of NIK, phone or email is registered already, and it is
 * throttled per client address and per identifier: see refuseSelfRegistration and
 * docs/decisions/019-registration-conflicts.md. `ip` is the client's address (clientIp),
 * null when it cannot be told; then only the identifiers are counted.
 */
export async function registerSelf(data: SelfRegistrationData, ip: string | null = null): Promise<SelfRegisterResult> {
  // The one read before the hash: while the address or an identifier of the form is
  // locked, the answer is the lock, and nothing is hashed or written.
  if (await lockedUntil(registrationKeys(data, ip))) return { ok: false, fieldErrors: { form: ["registration.locked"] } };
  const reg = { data, source: "self" as const, actor: null };
  // A double submit hashes once more and then gets its first answer: looking for the form
  // first would cost every registration a round trip to save the rare repeat a hash.
  const passwordHash = await hashPassword(data.password);
  // One statement: atomic without an explicit transaction.
  const result = await withRaceAnswers(reg, () => storeRegistration(db, { ...reg, passwordHash }));
  if (!result.ok) return refuseSelfRegistration(data, ip, result.fieldErrors);
  const signInTicket = result.repeated
    ? null
    : makeSignInTicket({ userId: result.userId, sessionVersion: FIRST_SESSION_VERSION, lastLogin: null });
  return { ...result, signInTicket };
}

const IDENTIFIERS = ["nik", "phone", "email"] as const;
type Identifier = (typeof IDENTIFIERS)[number];

/** The throttle's keys of a self-registration: the address, and each NIK, phone and email typed. */
function registrationKeys(data: SelfRegistrationData, ip: string | null): string[] {
  return [
    ...(ip ? [registerIpKey(ip)] : []),
    registerIdKey("nik", data.nik),
    registerIdKey("phone", data.phone),
    ...(data.email ? [registerIdKey("email", data.email)] : []),
  ];
}

/**
 * A refused self-registration. Being in this programme says that a person is or was a
 * migrant worker, so the form is never told which of NIK, phone or email is registered:
 * a conflict gets one answer for all three, which tells a real owner how to get in (sign
 * in, or an activation code from the caseworker). In one transaction, the account
 * holders named are told through the outbox (at most once a day each), each gets an
 * audit event, and the address and every identifier of the form count towards the
 * throttle, which bounds how often anyone can ask.
 *
 * A full KK keeps its precise answer: it is the programme's rule (2 participants per
 * family card), not an identifier of a person; a third family member cannot fix it by
 * signing in and must read why. Since it still says something about other people's
 * records, it counts towards the address's limit. When an identifier matched as well,
 * the general answer alone is given.
 */
async function refuseSelfRegistration(
  data: SelfRegistrationData,
  ip: string | null,
  fieldErrors: FieldErrors,
): Promise<SelfRegisterResult> {
  const matched = IDENTIFIERS.filter((field) => fieldErrors[field]?.includes(`${field}.taken`));
  const kkFull = Boolean(fieldErrors.kk?.includes("kk.limit"));
  // Nothing about anyone else (the same form id posted with another person): as it is.
  if (matched.length === 0 && !kkFull) return { ok: false, fieldErrors };
  if (matched.length === 0) {
    if (ip) await recordFailure([registerIpKey(ip)]);
    return { ok: false, fieldErrors: { kk: ["kk.limit"] } };
  }
  await db.transaction(async (tx) => {
    await recordFailure(registrationKeys(data, ip), tx);
    await noticeAccountHolders(tx, data, ip, matched);
  });
  return { ok: false, fieldErrors: { form: ["registration.conflict"] } };
}

/**
 * Tells each account whose NIK, phone or email a refused self-registration used that
 * someone tried (a registration_attempt message, nothing of what was typed, at most one
 * per account and day in Jakarta), with an audit event per account in the caller's
 * transaction. Staff accounts (a reused email) get the event only: the outbox writes to
 * participants.
 */
async function noticeAccountHolders(tx: Tx, data: SelfRegistrationData, ip: string | null, matched: Identifier[]): Promise<void> {
  // Three lookups by unique index; the checks of register_participant answered flags only.
  const rows = await executeRows<{ participant_id: string | null; user_id: string | null; field: Identifier }>(
    sql`select p.id as participant_id, p.user_id, 'nik' as field from participants p where p.nik_hash = ${identityHash(data.nik)}
        union all
        select p.id, u.id, 'phone' from users u left join participants p on p.user_id = u.id where u.phone = ${data.phone}
        union all
        select p.id, u.id, 'email' from users u left join participants p on p.user_id = u.id where u.email = ${data.email}`,
    tx,
  );
  const accounts = new Map<string, { participantId: string | null; userId: string | null; fields: Identifier[] }>();
  for (const row of rows) {
    const key = row.user_id ?? row.participant_id!;
    const account = accounts.get(key) ?? { participantId: row.participant_id, userId: row.user_id, fields: [] };
    account.fields.push(row.field);
    accounts.set(key, account);
  }
  // The record went in the moment between (an erasure): the attempt is still audited.
  if (accounts.size === 0) accounts.set("", { participantId: null, userId: null, fields: matched });
  const today = todayInJakarta();
  for (const account of accounts.values()) {
    const noticeId = account.participantId
      ? await queueMessage(tx, {
          participantId: account.participantId,
          kind: "registration_attempt",
          dedupeKey: `registration_attempt:${account.participantId}:${today}`,
        })
      : null;
    await recordAudit(tx, {
      actor: null,
      action: "participant.register_conflict",
      entityType: account.participantId || !account.userId ? "participant" : "user",
      entityId: account.participantId ?? account.userId,
      after: { matched: account.fields, ip, noticeQueued: noticeId !== null },
    });
  }
}

export type TimelineEntry =
  | {
      kind: "service";
      id: string;
      on: string;
      at: Date;
      serviceCode: string;
      serviceNameId: string;
      serviceNameEn: string;
      outcome: string;
    }
  | { kind: "stage"; id: string; at: Date; fromStage: Stage | null; toStage: Stage };

export type ParticipantHome = {
  fullName: string;
  stage: Stage;
  stageChangedAt: Date;
  migrantStatus: string;
  countryCode: string | null;
  nikMasked: string;
  phoneMasked: string | null;
  email: string | null;
  caseworker: { name: string } | null;
  timeline: TimelineEntry[];
};

/**
 * What a participant sees on /me: their own record only. Caseworker notes and the
 * caseworker's contact data stay internal.
 */
export async function getOwnHome(viewer: SessionUser): Promise<ParticipantHome | null> {
  requirePermission(viewer, "read:participant:own");
  const [row] = await db
    .select({
      id: participants.id,
      fullName: participants.fullName,
      stage: participants.stage,
      stageChangedAt: participants.stageChangedAt,
      migrantStatus: participants.migrantStatus,
      countryCode: participants.countryCode,
      nikLast4: participants.nikLast4,
      caseworkerId: participants.caseworkerId,
      phone: users.phone,
      email: users.email,
    })
    .from(participants)
    .innerJoin(users, eq(users.id, participants.userId))
    .where(eq(participants.userId, viewer.id))
    .limit(1);
  if (!row) return null;

  const [caseworker] = row.caseworkerId
    ? await db.select({ name: users.name }).from(users).where(eq(users.id, row.caseworkerId)).limit(1)
    : [];

  // A corrected log is replaced by its correction: the participant sees the final word.
  const logs = await db
    .select({
      id: serviceLogs.id,
      on: serviceLogs.occurredOn,
      at: serviceLogs.createdAt,
      serviceCode: serviceLogs.serviceCode,
      serviceNameId: services.nameId,
      serviceNameEn: services.nameEn,
      outcome: serviceLogs.outcome,
      correctsId: serviceLogs.correctsId,
    })
    .from(serviceLogs)
    .innerJoin(services, eq(services.code, serviceLogs.serviceCode))
    .where(eq(serviceLogs.participantId, row.id))
    .orderBy(desc(serviceLogs.occurredOn), desc(serviceLogs.createdAt));
  const corrected = new Set(logs.map((l) => l.correctsId).filter(Boolean));
  const changes = await db
    .select({ id: stageChanges.id, at: stageChanges.createdAt, fromStage: stageChanges.fromStage, toStage: stageChanges.toStage })
    .from(stageChanges)
    .where(and(eq(stageChanges.participantId, row.id), ne(stageChanges.toStage, "registration")))
    .orderBy(desc(stageChanges.createdAt));

  const timeline: TimelineEntry[] = [
    ...logs
      .filter((l) => !corrected.has(l.id))
      .map(({ correctsId: _c, ...l }) => ({ kind: "service" as const, ...l })),
    ...changes.map((c) => ({ kind: "stage" as const, ...c })),
  ].sort((a, b) => sortKey(b).localeCompare(sortKey(a)));

  return {
    fullName: row.fullName,
    stage: row.stage,
    stageChangedAt: row.stageChangedAt,
    migrantStatus: row.migrantStatus,
    countryCode: row.countryCode,
    nikMasked: maskNikLast4(row.nikLast4),
    phoneMasked: row.phone ? maskPhone(row.phone) : null,
    email: row.email,
    caseworker: caseworker ?? null,
    timeline,
  };
}

function sortKey(entry: TimelineEntry): string {
  return entry.kind === "service" ? `${entry.on}T${entry.at.toISOString().slice(11)}` : entry.at.toISOString();
}
