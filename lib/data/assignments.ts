import "server-only";
import { and, asc, count, eq, ilike, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { db } from "@/db";
import { participants, programmeSettings, users, type Stage } from "@/db/schema";
import { maskNikLast4 } from "@/lib/validation";
import type { AssignmentInput, AssignmentQuery, AssignmentRuleInput } from "@/lib/validation/pmo-staff";
import { recordAudit } from "./audit";
import { requirePermission, type SessionUser } from "./permissions";
import { provinceScope, requireScope, type ProvinceScope } from "./scope";

// Which caseworker assists which participant, set by the PMO everywhere, or by a regional
// coordinator among the participants and caseworkers of their provinces (docs/decisions/
// 030): one participant or many at once, always all or nothing.

export const ASSIGNMENT_PAGE_SIZE = 50;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type AssignableRow = {
  id: string;
  fullName: string;
  nikMasked: string;
  stage: Stage;
  provinceCode: string;
  caseworkerId: string | null;
  caseworkerName: string | null;
  createdAt: Date;
};

export type AssignableList = {
  rows: AssignableRow[];
  total: number;
  page: number;
  pageCount: number;
  /** Participants with no caseworker, whatever the filter. */
  unassigned: number;
};

const caseworker = alias(users, "caseworker");

/** Where the viewer assigns: everywhere (the PMO), their regions' provinces (a coordinator); 403 otherwise. */
const assignmentScope = (viewer: SessionUser) => requireScope(viewer, "update:assignment:any", "update:assignment:region");

/** Participants kept to the scope, by the province of their address. */
const participantsIn = (scope: ProvinceScope): SQL | undefined =>
  scope === null ? undefined : provinceScope(scope, sql`${participants.provinceCode}`);

/** Caseworker accounts kept to the scope, by their province (none: in no region). */
const caseworkersIn = (scope: ProvinceScope): SQL | undefined => (scope === null ? undefined : provinceScope(scope, sql`${users.provinceCode}`));

function listCondition(query: Partial<AssignmentQuery>): SQL | undefined {
  const assigned = query.assigned ?? "unassigned";
  const q = query.q?.trim();
  return and(
    assigned === "unassigned"
      ? isNull(participants.caseworkerId)
      : assigned === "all"
        ? undefined
        : eq(participants.caseworkerId, assigned),
    query.stage ? eq(participants.stage, query.stage) : undefined,
    query.province ? eq(participants.provinceCode, query.province) : undefined,
    q ? ilike(participants.fullName, `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : undefined,
  );
}

/**
 * Participants to assign, in the viewer's scope: by default those waiting for a
 * caseworker, longest waiting first; or everyone, or one caseworker's caseload; by stage,
 * province and name.
 */
export async function listAssignable(viewer: SessionUser, query: Partial<AssignmentQuery> = {}): Promise<AssignableList> {
  const scope = await assignmentScope(viewer);
  const where = and(listCondition(query), participantsIn(scope));
  const page = Math.max(1, query.page ?? 1);
  const [[{ n: total }], [{ n: unassigned }], rows] = await Promise.all([
    db.select({ n: count() }).from(participants).where(where),
    db.select({ n: count() }).from(participants).where(and(isNull(participants.caseworkerId), participantsIn(scope))),
    db
      .select({
        id: participants.id,
        fullName: participants.fullName,
        nikLast4: participants.nikLast4,
        stage: participants.stage,
        provinceCode: participants.provinceCode,
        caseworkerId: participants.caseworkerId,
        caseworkerName: caseworker.name,
        createdAt: participants.createdAt,
      })
      .from(participants)
      .leftJoin(caseworker, eq(caseworker.id, participants.caseworkerId))
      .where(where)
      .orderBy(asc(participants.createdAt), asc(participants.id))
      .limit(ASSIGNMENT_PAGE_SIZE)
      .offset((page - 1) * ASSIGNMENT_PAGE_SIZE),
  ]);
  return {
    rows: rows.map(({ nikLast4, ...r }) => ({ ...r, nikMasked: maskNikLast4(nikLast4) })),
    total,
    page,
    pageCount: Math.max(1, Math.ceil(total / ASSIGNMENT_PAGE_SIZE)),
    unassigned,
  };
}

/** Active caseworkers in the viewer's scope: who may receive participants. */
export async function listAssignableCaseworkers(viewer: SessionUser): Promise<{ id: string; name: string; email: string | null }[]> {
  const scope = await assignmentScope(viewer);
  return db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(and(eq(users.role, "caseworker"), isNull(users.disabledAt), caseworkersIn(scope)))
    .orderBy(asc(users.name), asc(users.id));
}

export type AssignmentFieldErrors = Partial<Record<"participantIds" | "caseworkerId" | "form", string[]>>;
export type AssignmentResult =
  | { ok: true; changed: number; unchanged: number; caseworkerName: string | null }
  | { ok: false; fieldErrors: AssignmentFieldErrors };

/**
 * Assigns every listed participant to the caseworker (or removes the assignment when
 * caseworkerId is null), in one transaction: if any id is unknown, or the target is not
 * an active caseworker, nothing changes. Each participant that moves gets its version
 * bumped (an edit open in the old caseworker's browser is then refused as stale) and
 * its own audit event with the caseworker before and after, so the participant's
 * history in the audit log (filtered by record) shows every move. A coordinator's
 * participants and target must all be of their provinces: an id outside them reads as
 * unknown, and the whole submission is refused.
 */
export async function assignParticipants(viewer: SessionUser, input: AssignmentInput): Promise<AssignmentResult> {
  const scope = await assignmentScope(viewer);
  const ids = [...new Set(input.participantIds.map((id) => id.toLowerCase()))];
  const target = input.caseworkerId?.toLowerCase() ?? null;
  if (ids.length === 0) return { ok: false, fieldErrors: { participantIds: ["assignment.noneSelected"] } };
  if (!ids.every((id) => UUID.test(id))) return { ok: false, fieldErrors: { participantIds: ["assignment.unknownParticipant"] } };
  if (target !== null && !UUID.test(target)) return { ok: false, fieldErrors: { caseworkerId: ["assignment.caseworkerUnavailable"] } };

  return db.transaction(async (tx): Promise<AssignmentResult> => {
    let caseworkerName: string | null = null;
    if (target) {
      // A share lock: disabling this caseworker (an update lock) waits until this
      // transaction ends, and this one sees the account as it is after a disable.
      const [account] = await tx
        .select({ role: users.role, name: users.name, disabledAt: users.disabledAt })
        .from(users)
        .where(and(eq(users.id, target), caseworkersIn(scope)))
        .for("share");
      if (!account || account.role !== "caseworker" || account.disabledAt) {
        return { ok: false, fieldErrors: { caseworkerId: ["assignment.caseworkerUnavailable"] } };
      }
      caseworkerName = account.name;
    }
    // Locked in id order, so two bulk moves over overlapping lists cannot deadlock, and
    // the "before" in each audit event is the value this transaction replaces.
    const current = await tx
      .select({ id: participants.id, caseworkerId: participants.caseworkerId })
      .from(participants)
      .where(and(inArray(participants.id, ids), participantsIn(scope)))
      .orderBy(asc(participants.id))
      .for("update");
    if (current.length !== ids.length) {
      return { ok: false, fieldErrors: { participantIds: ["assignment.unknownParticipant"] } };
    }
    const moving = current.filter((p) => p.caseworkerId !== target);
    // Names as they are today go into the events, so the log reads without lookups.
    const previousIds = [...new Set(moving.map((p) => p.caseworkerId).filter((id): id is string => id !== null))];
    const names = new Map(
      previousIds.length > 0
        ? (await tx.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, previousIds))).map((u) => [u.id, u.name])
        : [],
    );
    if (moving.length > 0) {
      await tx
        .update(participants)
        .set({ caseworkerId: target, version: sql`${participants.version} + 1`, updatedAt: new Date() })
        .where(
          inArray(
            participants.id,
            moving.map((p) => p.id),
          ),
        );
      for (const p of moving) {
        await recordAudit(tx, {
          actor: viewer,
          action: target ? "participant.assign" : "participant.unassign",
          entityType: "participant",
          entityId: p.id,
          before: { caseworkerId: p.caseworkerId, caseworkerName: p.caseworkerId ? (names.get(p.caseworkerId) ?? null) : null },
          after: { caseworkerId: target, caseworkerName },
        });
      }
    }
    return { ok: true, changed: moving.length, unchanged: current.length - moving.length, caseworkerName };
  });
}

export type AssignmentRule = { autoAssign: boolean; updatedAt: Date | null };

/**
 * The automatic assignment rule (docs/decisions/020): while on, a self-registered
 * participant goes at once to an enabled caseworker of their province with the smallest
 * open caseload (when the province has none, of another province of its region: decision
 * 030; outside every region, of no region). The rule itself runs in the
 * registration's statement (register_participant, migration 0009). No settings row reads
 * as off.
 */
export async function getAssignmentRule(viewer: SessionUser): Promise<AssignmentRule> {
  requirePermission(viewer, "update:assignment:any");
  const [row] = await db
    .select({ autoAssign: programmeSettings.autoAssign, updatedAt: programmeSettings.updatedAt })
    .from(programmeSettings)
    .where(eq(programmeSettings.id, true));
  return row ?? { autoAssign: false, updatedAt: null };
}

/**
 * Switches the automatic assignment rule on or off, with its audit event (before and
 * after) in the same transaction. The row is locked, so two PMOs switching at once
 * each record what they really replaced. Setting it to what it is changes nothing.
 */
export async function setAssignmentRule(viewer: SessionUser, input: AssignmentRuleInput): Promise<{ changed: boolean }> {
  requirePermission(viewer, "update:assignment_rule:any");
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ autoAssign: programmeSettings.autoAssign })
      .from(programmeSettings)
      .where(eq(programmeSettings.id, true))
      .for("update");
    const before = current?.autoAssign ?? false;
    if (before === input.autoAssign) return { changed: false };
    await tx
      .insert(programmeSettings)
      .values({ id: true, autoAssign: input.autoAssign, updatedBy: viewer.id, updatedAt: new Date() })
      .onConflictDoUpdate({
        target: programmeSettings.id,
        set: { autoAssign: input.autoAssign, updatedBy: viewer.id, updatedAt: new Date() },
      });
    await recordAudit(tx, {
      actor: viewer,
      action: "assignment_rule.set",
      entityType: "programme_settings",
      entityId: "auto_assign",
      before: { autoAssign: before },
      after: { autoAssign: input.autoAssign },
    });
    return { changed: true };
  });
}
