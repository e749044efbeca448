import "server-only";
import { and, asc, count, eq, ilike, isNull, or, sql, type SQL } from "drizzle-orm";
import { db } from "@/db";
import { helpRequests, participants, STAGES, users, type Stage } from "@/db/schema";
import { maskNikLast4, maskPhone, todayInJakarta } from "@/lib/validation";
import type { CaseloadQuery } from "@/lib/validation/caseworker";
import { purchaseDeadline } from "./casework";
import { requirePermission, type SessionUser } from "./permissions";

export const CASELOAD_PAGE_SIZE = 25;

export type CaseloadRow = {
  id: string;
  fullName: string;
  nikMasked: string;
  phoneMasked: string | null;
  stage: Stage;
  provinceCode: string;
  lastContactOn: string | null;
  nextFollowUpOn: string | null;
  followUpDue: boolean;
  deadline: { deadline: string; daysLeft: number; warn: boolean } | null;
  /** Help requests from this participant waiting for an answer. */
  openRequests: number;
};

export type Caseload = {
  rows: CaseloadRow[];
  total: number;
  page: number;
  pageCount: number;
  byStage: Record<Stage, number>;
  all: number;
  dueToday: number;
  overdue: number;
  /** Participants in the caseload with a help request waiting. */
  withOpenRequests: number;
};

/** Name, phone (any spelling) or the last four digits of the NIK. */
function searchCondition(q: string): SQL | undefined {
  const text = q.trim();
  if (!text) return undefined;
  const digits = text.replace(/[\s().+-]/g, "");
  if (/^\d+$/.test(digits)) {
    // 0812… and 62812… are both +62812… in the database; a 0 or 62 is a prefix only
    // before the 8 of a mobile number (as in lib/data/pmo-participants.ts).
    const national = digits.replace(/^(?:0|62)(?=8)/, "") || digits;
    const conditions: SQL[] = [sql`${users.phone} like ${`%${national}%`}`];
    if (digits.length === 4) conditions.push(eq(participants.nikLast4, digits));
    return or(...conditions);
  }
  const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  return ilike(participants.fullName, `%${escaped}%`);
}

/**
 * The viewing caseworker's caseload, and nobody else's: participants with an open help
 * request first, then follow-ups due or overdue, then those not contacted for longest;
 * search, stage filter, paging; counts per stage.
 */
export async function listCaseload(viewer: SessionUser, query: Partial<CaseloadQuery> = {}): Promise<Caseload> {
  requirePermission(viewer, "read:participant:assigned");
  const today = todayInJakarta();
  // Erased participants (UU PDP deletion) are anonymous rows for the counts, not casework.
  const mine = and(eq(participants.caseworkerId, viewer.id), isNull(participants.erasedAt))!;
  const search = searchCondition(query.q ?? "");
  const where = and(mine, search, query.stage ? eq(participants.stage, query.stage) : undefined);
  const page = Math.max(1, query.page ?? 1);
  const due = sql`(${participants.nextFollowUpOn} <= ${today} and ${participants.stage} not in ('completed', 'withdrawn'))`;
  const openRequests = sql<number>`(select count(*) from help_requests h where h.participant_id = ${participants.id} and h.status = 'open')`.mapWith(Number);

  const base = db.select({ n: count() }).from(participants).leftJoin(users, eq(users.id, participants.userId));
  const [[{ n: total }], stageRows, [followUps], [withOpen]] = await Promise.all([
    base.where(where),
    db
      .select({ stage: participants.stage, n: count() })
      .from(participants)
      .where(mine)
      .groupBy(participants.stage),
    db
      .select({
        due: sql<number>`count(*) filter (where ${participants.nextFollowUpOn} = ${today})`.mapWith(Number),
        overdue: sql<number>`count(*) filter (where ${participants.nextFollowUpOn} < ${today})`.mapWith(Number),
      })
      .from(participants)
      .where(and(mine, sql`${participants.stage} not in ('completed', 'withdrawn')`)),
    db
      .select({ n: sql<number>`count(distinct ${participants.id})`.mapWith(Number) })
      .from(participants)
      .innerJoin(helpRequests, and(eq(helpRequests.participantId, participants.id), eq(helpRequests.status, "open")))
      .where(mine),
  ]);

  const rows = await db
    .select({
      id: participants.id,
      fullName: participants.fullName,
      nikLast4: participants.nikLast4,
      phone: users.phone,
      stage: participants.stage,
      provinceCode: participants.provinceCode,
      lastContactOn: participants.lastContactOn,
      nextFollowUpOn: participants.nextFollowUpOn,
      cardReceivedOn: participants.cardReceivedOn,
      trainingBoughtOn: participants.trainingBoughtOn,
      openRequests,
    })
    .from(participants)
    .leftJoin(users, eq(users.id, participants.userId))
    .where(where)
    .orderBy(
      sql`case when ${openRequests} > 0 then 0 else 1 end`,
      sql`case when ${due} then 0 else 1 end`,
      sql`case when ${due} then ${participants.nextFollowUpOn} end asc`,
      sql`${participants.lastContactOn} asc nulls first`,
      asc(participants.fullName),
      asc(participants.id),
    )
    .limit(CASELOAD_PAGE_SIZE)
    .offset((page - 1) * CASELOAD_PAGE_SIZE);

  const byStage = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
  for (const r of stageRows) byStage[r.stage] = r.n;
  return {
    rows: rows.map((r) => ({
      id: r.id,
      fullName: r.fullName,
      nikMasked: maskNikLast4(r.nikLast4),
      phoneMasked: r.phone ? maskPhone(r.phone) : null,
      stage: r.stage,
      provinceCode: r.provinceCode,
      lastContactOn: r.lastContactOn,
      nextFollowUpOn: r.nextFollowUpOn,
      followUpDue: r.nextFollowUpOn !== null && r.nextFollowUpOn <= today && !["completed", "withdrawn"].includes(r.stage),
      deadline: purchaseDeadline(r, today),
      openRequests: r.openRequests,
    })),
    total,
    page,
    pageCount: Math.max(1, Math.ceil(total / CASELOAD_PAGE_SIZE)),
    byStage,
    all: stageRows.reduce((sum, r) => sum + r.n, 0),
    dueToday: followUps?.due ?? 0,
    overdue: followUps?.overdue ?? 0,
    withOpenRequests: withOpen?.n ?? 0,
  };
}
