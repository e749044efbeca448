import "server-only";
import { and, asc, count, eq, or, sql } from "drizzle-orm";
import { notFound } from "next/navigation";
import { db, type Tx } from "@/db";
import { participants, STAGES, users, type Stage } from "@/db/schema";
import { maskPhone } from "@/lib/validation";
import type { CaseworkerProvinceInput, NewCaseworker } from "@/lib/validation/pmo-staff";
import { createActivationCode, type IssuedCode } from "./activation";
import { recordAudit } from "./audit";
import { isUniqueViolation, pgErrorInfo } from "./db-errors";
import { requirePermission, type SessionUser } from "./permissions";

// Caseworker accounts, managed by the PMO: the list with caseload sizes, new accounts
// (no password, a one-time activation code instead), disabling and enabling.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type StaffFieldErrors = Partial<Record<"name" | "email" | "phone" | "form", string[]>>;

export type CaseworkerRow = {
  id: string;
  name: string;
  email: string | null;
  phoneMasked: string | null;
  /** The province whose new participants the automatic assignment rule gives them first. */
  provinceCode: string | null;
  disabled: boolean;
  /** Has set a password (at /activate, or made with one by user:create). */
  activated: boolean;
  lastLoginAt: Date | null;
  /** Participants assigned, all stages. */
  caseload: number;
  byStage: Record<Stage, number>;
};

export type CaseworkerOverview = {
  rows: CaseworkerRow[];
  /** Participants waiting for a caseworker. */
  unassigned: number;
  /** The largest caseload, for drawing the bars to one scale. */
  largest: number;
};

const emptyStages = () => Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;

/**
 * Every caseworker account with its caseload by stage: active accounts first, then by
 * name. The counts are one grouped scan of the (caseworker, stage) index.
 */
export async function listCaseworkers(viewer: SessionUser): Promise<CaseworkerOverview> {
  requirePermission(viewer, "manage:caseworker:any");
  const [accounts, loads] = await Promise.all([
    db
      .select({
        id: users.id,
        name: users.name,
        email: users.email,
        phone: users.phone,
        provinceCode: users.provinceCode,
        disabledAt: users.disabledAt,
        activated: sql<boolean>`${users.passwordHash} is not null`,
        lastLoginAt: users.lastLoginAt,
      })
      .from(users)
      .where(eq(users.role, "caseworker"))
      .orderBy(sql`${users.disabledAt} is not null`, asc(users.name), asc(users.id)),
    db
      .select({ caseworkerId: participants.caseworkerId, stage: participants.stage, n: count() })
      .from(participants)
      .groupBy(participants.caseworkerId, participants.stage),
  ]);
  const byCaseworker = new Map<string | null, Record<Stage, number>>();
  for (const l of loads) {
    const stages = byCaseworker.get(l.caseworkerId) ?? emptyStages();
    stages[l.stage] = l.n;
    byCaseworker.set(l.caseworkerId, stages);
  }
  const sum = (s: Record<Stage, number> | undefined) => (s ? Object.values(s).reduce((a, b) => a + b, 0) : 0);
  const rows = accounts.map((a) => {
    const byStage = byCaseworker.get(a.id) ?? emptyStages();
    return {
      id: a.id,
      name: a.name,
      email: a.email,
      phoneMasked: a.phone ? maskPhone(a.phone) : null,
      provinceCode: a.provinceCode,
      disabled: a.disabledAt !== null,
      activated: Boolean(a.activated),
      lastLoginAt: a.lastLoginAt,
      caseload: sum(byStage),
      byStage,
    };
  });
  return {
    rows,
    unassigned: sum(byCaseworker.get(null)),
    largest: Math.max(0, ...rows.map((r) => r.caseload)),
  };
}

export type CreateCaseworkerResult =
  | { ok: true; userId: string; activation: IssuedCode }
  | { ok: false; fieldErrors: StaffFieldErrors };

/**
 * A new staff account inside the caller's transaction: no password, and a one-time
 * activation code (returned once, stored only as a hash) with which its holder sets a
 * password at /activate; audited as `<role>.create` and `activation_code.issue`. Email
 * (and phone, when given) must not belong to any other account. Shared by caseworkers
 * and regional coordinators (lib/data/regions.ts).
 */
export async function insertStaffAccount(
  tx: Tx,
  viewer: SessionUser,
  input: { role: "caseworker" | "coordinator"; name: string; email: string; phone: string | null; provinceCode?: string | null },
  auditAfter: Record<string, unknown> = {},
): Promise<CreateCaseworkerResult> {
  const taken = await tx
    .select({ email: users.email, phone: users.phone })
    .from(users)
    .where(or(eq(users.email, input.email), input.phone ? eq(users.phone, input.phone) : undefined));
  const fieldErrors: StaffFieldErrors = {};
  if (taken.some((u) => u.email === input.email)) fieldErrors.email = ["email.taken"];
  if (input.phone && taken.some((u) => u.phone === input.phone)) fieldErrors.phone = ["phone.taken"];
  if (Object.keys(fieldErrors).length > 0) return { ok: false, fieldErrors };

  const [user] = await tx
    .insert(users)
    .values({
      role: input.role,
      name: input.name,
      email: input.email,
      phone: input.phone,
      provinceCode: input.provinceCode ?? null,
      passwordHash: null,
    })
    .returning({ id: users.id });
  const activation = await createActivationCode(tx, { userId: user.id, createdBy: viewer.id });
  await recordAudit(tx, {
    actor: viewer,
    action: `${input.role}.create`,
    entityType: "user",
    entityId: user.id,
    after: {
      role: input.role,
      name: input.name,
      email: input.email,
      phone: input.phone ? maskPhone(input.phone) : null,
      ...(input.role === "caseworker" ? { provinceCode: input.provinceCode ?? null } : {}),
      ...auditAfter,
    },
  });
  await recordAudit(tx, {
    actor: viewer,
    action: "activation_code.issue",
    entityType: "user",
    entityId: user.id,
    after: { expiresAt: activation.expiresAt.toISOString() },
  });
  return { ok: true, userId: user.id, activation };
}

/** Another account took the email or phone between the check and the insert. */
export function staffConstraintErrors(error: unknown): StaffFieldErrors | null {
  const info = pgErrorInfo(error);
  if (isUniqueViolation(info, "users_email_key")) return { email: ["email.taken"] };
  if (isUniqueViolation(info, "users_phone_key")) return { phone: ["phone.taken"] };
  return null;
}

/** A new caseworker account (see insertStaffAccount), optionally with a province. */
export async function createCaseworker(viewer: SessionUser, input: NewCaseworker): Promise<CreateCaseworkerResult> {
  requirePermission(viewer, "manage:caseworker:any");
  try {
    return await db.transaction((tx) => insertStaffAccount(tx, viewer, { role: "caseworker", ...input }));
  } catch (error) {
    const fieldErrors = staffConstraintErrors(error);
    if (fieldErrors) return { ok: false, fieldErrors };
    throw error;
  }
}

export type StatusChange = { ok: true; changed: boolean; name: string };

/** Who may disable and enable each kind of staff account. */
const MANAGED_BY = { caseworker: "manage:caseworker:any", coordinator: "manage:region:any" } as const;

/**
 * Disables or enables a staff account of the role (a caseworker's, or a regional
 * coordinator's from lib/data/regions.ts), audited as `<role>.disable` / `<role>.enable`.
 * 404 for an id that is not an account of that role.
 */
export async function setStaffDisabled(viewer: SessionUser, role: keyof typeof MANAGED_BY, accountId: string, disable: boolean): Promise<StatusChange> {
  requirePermission(viewer, MANAGED_BY[role]);
  if (!UUID.test(accountId)) notFound();
  const result = await db.transaction(async (tx): Promise<StatusChange | null> => {
    // Locked: an assignment to this caseworker (which takes a share lock on the row)
    // waits for the change, so nobody is assigned to an account being disabled.
    const [account] = await tx
      .select({ id: users.id, name: users.name, disabledAt: users.disabledAt })
      .from(users)
      .where(and(eq(users.id, accountId), eq(users.role, role)))
      .for("update");
    if (!account) return null;
    if ((account.disabledAt !== null) === disable) return { ok: true, changed: false, name: account.name };
    const [after] = await tx
      .update(users)
      .set(
        disable
          ? // The version bump ends every session the account has open, at its next request.
            { disabledAt: sql`now()`, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() }
          : { disabledAt: null, updatedAt: new Date() },
      )
      .where(eq(users.id, account.id))
      .returning({ disabledAt: users.disabledAt });
    await recordAudit(tx, {
      actor: viewer,
      action: `${role}.${disable ? "disable" : "enable"}`,
      entityType: "user",
      entityId: account.id,
      before: { disabledAt: account.disabledAt?.toISOString() ?? null },
      after: { disabledAt: after.disabledAt?.toISOString() ?? null },
    });
    return { ok: true, changed: true, name: account.name };
  });
  // Not an id of that role (a participant's or the PMO's own included): nothing to change.
  if (!result) notFound();
  return result;
}

/**
 * Disables a caseworker account and ends its sessions at once (requireUser refuses a
 * disabled account and an old session version). Their participants stay assigned until
 * the PMO moves them. Doing it twice changes nothing the second time.
 */
export function disableCaseworker(viewer: SessionUser, caseworkerId: string): Promise<StatusChange> {
  return setStaffDisabled(viewer, "caseworker", caseworkerId, true);
}

/** Enables a disabled caseworker account again: they sign in with their password. */
export function enableCaseworker(viewer: SessionUser, caseworkerId: string): Promise<StatusChange> {
  return setStaffDisabled(viewer, "caseworker", caseworkerId, false);
}

export type CaseworkerCodeResult =
  | { ok: true; name: string; activation: IssuedCode }
  | { ok: false; fieldErrors: StaffFieldErrors };

/**
 * A new one-time code for a caseworker whose code expired or got lost, or who forgot the
 * password; older codes stop working. Not for a disabled account (it could not be used).
 */
export async function issueCaseworkerCode(viewer: SessionUser, caseworkerId: string): Promise<CaseworkerCodeResult> {
  requirePermission(viewer, "manage:caseworker:any");
  if (!UUID.test(caseworkerId)) notFound();
  const result = await db.transaction(async (tx): Promise<CaseworkerCodeResult | null> => {
    const [account] = await tx
      .select({ id: users.id, name: users.name, disabledAt: users.disabledAt })
      .from(users)
      .where(and(eq(users.id, caseworkerId), eq(users.role, "caseworker")))
      .for("update");
    if (!account) return null;
    if (account.disabledAt) return { ok: false, fieldErrors: { form: ["caseworker.disabled"] } };
    const activation = await createActivationCode(tx, { userId: account.id, createdBy: viewer.id });
    await recordAudit(tx, {
      actor: viewer,
      action: "activation_code.issue",
      entityType: "user",
      entityId: account.id,
      after: { expiresAt: activation.expiresAt.toISOString() },
    });
    return { ok: true, name: account.name, activation };
  });
  if (!result) notFound();
  return result;
}

/**
 * Sets or clears a caseworker's province (docs/decisions/020): the automatic assignment
 * rule gives a new participant to a caseworker of their province first. Their current
 * caseload stays where it is. 404 for an id that is not a caseworker's.
 */
export async function setCaseworkerProvince(viewer: SessionUser, input: CaseworkerProvinceInput): Promise<StatusChange> {
  requirePermission(viewer, "manage:caseworker:any");
  if (!UUID.test(input.caseworkerId)) notFound();
  const result = await db.transaction(async (tx): Promise<StatusChange | null> => {
    const [account] = await tx
      .select({ id: users.id, name: users.name, provinceCode: users.provinceCode })
      .from(users)
      .where(and(eq(users.id, input.caseworkerId), eq(users.role, "caseworker")))
      .for("update");
    if (!account) return null;
    if (account.provinceCode === input.provinceCode) return { ok: true, changed: false, name: account.name };
    await tx.update(users).set({ provinceCode: input.provinceCode, updatedAt: new Date() }).where(eq(users.id, account.id));
    await recordAudit(tx, {
      actor: viewer,
      action: "caseworker.province",
      entityType: "user",
      entityId: account.id,
      before: { provinceCode: account.provinceCode },
      after: { provinceCode: input.provinceCode },
    });
    return { ok: true, changed: true, name: account.name };
  });
  if (!result) notFound();
  return result;
}
