import "server-only";
import { and, asc, count, eq, isNull, or, sql, type SQL } from "drizzle-orm";
import { notFound } from "next/navigation";
import { db, type Tx } from "@/db";
import { participants, STAGES, users, type Stage } from "@/db/schema";
import { maskPhone } from "@/lib/validation";
import type { CaseworkerProvinceInput, NewCaseworker } from "@/lib/validation/pmo-staff";
import { createActivationCode, type IssuedCode } from "./activation";
import { recordAudit } from "./audit";
import { isUniqueViolation, pgErrorInfo } from "./db-errors";
import { requirePermission, type SessionUser } from "./permissions";
import { provinceScope, requireScope, type ProvinceScope } from "./scope";

// Caseworker accounts, managed by the PMO everywhere and by a regional coordinator in the
// provinces of their regions (a caseworker belongs to the region of their province;
// docs/decisions/028 and 030): the list with caseload sizes, new accounts (no password, a
// one-time activation code instead), disabling and enabling.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type StaffFieldErrors = Partial<Record<"name" | "email" | "phone" | "provinceCode" | "form", string[]>>;

/** Where the viewer manages caseworkers: everywhere (the PMO), their regions' provinces (a coordinator); 403 otherwise. */
const caseworkerScope = (viewer: SessionUser) => requireScope(viewer, "manage:caseworker:any", "manage:caseworker:region");

/** A caseworker account's province kept to the scope, in SQL (none: everywhere). A caseworker with no province is in no region. */
function inScope(scope: ProvinceScope): SQL | undefined {
  return scope === null ? undefined : provinceScope(scope, sql`${users.provinceCode}`);
}

/** A province a coordinator may give a new (or moved) caseworker: one of theirs; anything for the PMO. */
const provinceAllowed = (scope: ProvinceScope, provinceCode: string | null) => scope === null || (provinceCode !== null && scope.includes(provinceCode));

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
  /** Participants waiting for a caseworker (a coordinator: those of their provinces). */
  unassigned: number;
  /** The largest caseload, for drawing the bars to one scale. */
  largest: number;
  /** The provinces the viewer manages: null for everywhere (the PMO), a coordinator's list. */
  scope: ProvinceScope;
};

const emptyStages = () => Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;

/**
 * Every caseworker account in the viewer's scope with its caseload by stage: active
 * accounts first, then by name. The counts are one grouped scan of the (caseworker, stage)
 * index; a coordinator's are those of their caseworkers (whoever assigned the
 * participants) and of their provinces' unassigned participants.
 */
export async function listCaseworkers(viewer: SessionUser): Promise<CaseworkerOverview> {
  const scope = await caseworkerScope(viewer);
  const loadScope =
    scope === null
      ? undefined
      : or(
          sql`${participants.caseworkerId} in (select u.id from users u where u.role = 'caseworker' and ${provinceScope(scope, sql`u.province_code`)})`,
          and(isNull(participants.caseworkerId), provinceScope(scope, sql`${participants.provinceCode}`)),
        );
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
      .where(and(eq(users.role, "caseworker"), inScope(scope)))
      .orderBy(sql`${users.disabledAt} is not null`, asc(users.name), asc(users.id)),
    db
      .select({ caseworkerId: participants.caseworkerId, stage: participants.stage, n: count() })
      .from(participants)
      .where(loadScope)
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
    scope,
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

/**
 * A new caseworker account (see insertStaffAccount), optionally with a province; a
 * coordinator's must have one of their provinces (a caseworker without one is in no
 * region, and out of their reach at once).
 */
export async function createCaseworker(viewer: SessionUser, input: NewCaseworker): Promise<CreateCaseworkerResult> {
  const scope = await caseworkerScope(viewer);
  if (!provinceAllowed(scope, input.provinceCode)) return { ok: false, fieldErrors: { provinceCode: ["caseworker.provinceOutsideScope"] } };
  try {
    return await db.transaction((tx) => insertStaffAccount(tx, viewer, { role: "caseworker", ...input }));
  } catch (error) {
    const fieldErrors = staffConstraintErrors(error);
    if (fieldErrors) return { ok: false, fieldErrors };
    throw error;
  }
}

export type StatusChange = { ok: true; changed: boolean; name: string };

/**
 * Where the viewer manages accounts of the role: caseworkers everywhere or in a
 * coordinator's provinces; coordinators (lib/data/regions.ts) only by the PMO, everywhere.
 */
async function managedScope(viewer: SessionUser, role: "caseworker" | "coordinator"): Promise<ProvinceScope> {
  if (role === "caseworker") return caseworkerScope(viewer);
  requirePermission(viewer, "manage:region:any");
  return null;
}

/**
 * Disables or enables a staff account of the role (a caseworker's, or a regional
 * coordinator's from lib/data/regions.ts), audited as `<role>.disable` / `<role>.enable`.
 * 404 for an id that is not an account of that role in the viewer's scope.
 */
export async function setStaffDisabled(viewer: SessionUser, role: "caseworker" | "coordinator", accountId: string, disable: boolean): Promise<StatusChange> {
  const scope = await managedScope(viewer, role);
  if (!UUID.test(accountId)) notFound();
  const result = await db.transaction(async (tx): Promise<StatusChange | null> => {
    // Locked: an assignment to this caseworker (which takes a share lock on the row)
    // waits for the change, so nobody is assigned to an account being disabled.
    const [account] = await tx
      .select({ id: users.id, name: users.name, disabledAt: users.disabledAt })
      .from(users)
      .where(and(eq(users.id, accountId), eq(users.role, role), inScope(scope)))
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
  // Not an id of that role in scope (a participant's, the PMO's own, another region's
  // caseworker included): nothing to change.
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
  const scope = await caseworkerScope(viewer);
  if (!UUID.test(caseworkerId)) notFound();
  const result = await db.transaction(async (tx): Promise<CaseworkerCodeResult | null> => {
    const [account] = await tx
      .select({ id: users.id, name: users.name, disabledAt: users.disabledAt })
      .from(users)
      .where(and(eq(users.id, caseworkerId), eq(users.role, "caseworker"), inScope(scope)))
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

export type ProvinceChange = StatusChange | { ok: false; fieldErrors: StaffFieldErrors };

/**
 * Sets or clears a caseworker's province (docs/decisions/020): the automatic assignment
 * rule gives a new participant to a caseworker of their province first. Their current
 * caseload stays where it is. 404 for an id that is not a caseworker's in the viewer's
 * scope; a coordinator moves a caseworker only between their own provinces.
 */
export async function setCaseworkerProvince(viewer: SessionUser, input: CaseworkerProvinceInput): Promise<ProvinceChange> {
  const scope = await caseworkerScope(viewer);
  if (!UUID.test(input.caseworkerId)) notFound();
  const result = await db.transaction(async (tx): Promise<ProvinceChange | null> => {
    const [account] = await tx
      .select({ id: users.id, name: users.name, provinceCode: users.provinceCode })
      .from(users)
      .where(and(eq(users.id, input.caseworkerId), eq(users.role, "caseworker"), inScope(scope)))
      .for("update");
    if (!account) return null;
    if (account.provinceCode === input.provinceCode) return { ok: true, changed: false, name: account.name };
    if (!provinceAllowed(scope, input.provinceCode)) return { ok: false, fieldErrors: { provinceCode: ["caseworker.provinceOutsideScope"] } };
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
