import "server-only";
import { and, asc, count, eq, gte, inArray, isNotNull, isNull, lte, sql } from "drizzle-orm";
import { db } from "@/db";
import { helpRequests, participants, surveyResponses, type Locale, type Stage } from "@/db/schema";
import { todayInJakarta } from "@/lib/validation";
import { recordAudit } from "./audit";
import { DEADLINE_WARNING_DAYS, PURCHASE_DEADLINE_DAYS, purchaseDeadline } from "./casework";
import { longDate, queueMessages } from "./outbox";
import { requirePermission, type SessionUser } from "./permissions";
import { findOwnParticipant } from "./self-service";
import { SURVEY_EDIT_DAYS, surveyOpenFor } from "./survey";

// Reminders: what is due, for the caseworker on /caseworker and for the participant on
// /me, and the deadline messages the sender script queues (queueDeadlineReminders).

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const ACTIVE = sql`${participants.stage} not in ('completed', 'withdrawn')`;

/**
 * The purchase clock runs from the card's date until the training is bought (in the
 * registration or training stage); the deadline "comes within 3 days" when 0–3 days are
 * left, that is when the card arrived 12 to 15 days ago.
 */
function deadlineWithin(today: string) {
  return and(
    isNotNull(participants.cardReceivedOn),
    isNull(participants.trainingBoughtOn),
    inArray(participants.stage, ["registration", "training"]),
    gte(participants.cardReceivedOn, addDays(today, -PURCHASE_DEADLINE_DAYS)),
    lte(participants.cardReceivedOn, addDays(today, DEADLINE_WARNING_DAYS - PURCHASE_DEADLINE_DAYS)),
  );
}

export type CaseworkerReminders = {
  followUps: { id: string; fullName: string; stage: Stage; nextFollowUpOn: string; overdue: boolean }[];
  deadlines: { id: string; fullName: string; deadline: string; daysLeft: number }[];
  openRequests: { id: string; participantId: string; fullName: string; topic: string; createdAt: Date }[];
  openRequestCount: number;
};

const LIST_LIMIT = 50;

/** What the caseworker should do now: follow-ups due and overdue, deadlines near, open requests. */
export async function getCaseworkerReminders(viewer: SessionUser, today = todayInJakarta()): Promise<CaseworkerReminders> {
  requirePermission(viewer, "read:participant:assigned");
  const mine = and(eq(participants.caseworkerId, viewer.id), isNull(participants.erasedAt))!;
  const [followUps, deadlineRows, requests, [{ n: openRequestCount }]] = await Promise.all([
    db
      .select({ id: participants.id, fullName: participants.fullName, stage: participants.stage, nextFollowUpOn: participants.nextFollowUpOn })
      .from(participants)
      .where(and(mine, ACTIVE, lte(participants.nextFollowUpOn, today)))
      .orderBy(asc(participants.nextFollowUpOn), asc(participants.fullName))
      .limit(LIST_LIMIT),
    db
      .select({
        id: participants.id,
        fullName: participants.fullName,
        stage: participants.stage,
        cardReceivedOn: participants.cardReceivedOn,
        trainingBoughtOn: participants.trainingBoughtOn,
      })
      .from(participants)
      .where(and(mine, deadlineWithin(today)))
      .orderBy(asc(participants.cardReceivedOn), asc(participants.fullName))
      .limit(LIST_LIMIT),
    db
      .select({
        id: helpRequests.id,
        participantId: participants.id,
        fullName: participants.fullName,
        topic: helpRequests.topic,
        createdAt: helpRequests.createdAt,
      })
      .from(helpRequests)
      .innerJoin(participants, eq(participants.id, helpRequests.participantId))
      .where(and(mine, eq(helpRequests.status, "open")))
      .orderBy(asc(helpRequests.createdAt))
      .limit(LIST_LIMIT),
    db
      .select({ n: count() })
      .from(helpRequests)
      .innerJoin(participants, eq(participants.id, helpRequests.participantId))
      .where(and(mine, eq(helpRequests.status, "open"))),
  ]);
  return {
    followUps: followUps.map((r) => ({ ...r, nextFollowUpOn: r.nextFollowUpOn!, overdue: r.nextFollowUpOn! < today })),
    deadlines: deadlineRows.flatMap((r) => {
      const d = purchaseDeadline(r, today);
      return d ? [{ id: r.id, fullName: r.fullName, deadline: d.deadline, daysLeft: d.daysLeft }] : [];
    }),
    openRequests: requests,
    openRequestCount,
  };
}

export type OwnReminder =
  | { kind: "deadline"; date: string; daysLeft: number }
  | { kind: "followUp"; date: string }
  | { kind: "survey"; until: Date | null };

/**
 * What the participant should do next and by when: buy the training before the card's
 * deadline, the next contact their caseworker planned, the survey, unread answers.
 */
export async function getOwnReminders(viewer: SessionUser, now = new Date()): Promise<OwnReminder[]> {
  requirePermission(viewer, "read:participant:own");
  const p = await findOwnParticipant(db, viewer);
  if (!p) return [];
  const today = todayInJakarta(now);
  const out: OwnReminder[] = [];
  const deadline = purchaseDeadline(p, today);
  if (deadline && deadline.daysLeft >= 0) out.push({ kind: "deadline", date: deadline.deadline, daysLeft: deadline.daysLeft });
  if (p.nextFollowUpOn && p.nextFollowUpOn >= today && !["completed", "withdrawn"].includes(p.stage)) {
    out.push({ kind: "followUp", date: p.nextFollowUpOn });
  }
  if (surveyOpenFor(p)) {
    const [response] = await db
      .select({ submittedAt: surveyResponses.submittedAt })
      .from(surveyResponses)
      .where(eq(surveyResponses.participantId, p.id));
    if (!response) out.push({ kind: "survey", until: null });
    else {
      const until = new Date(response.submittedAt.getTime() + SURVEY_EDIT_DAYS * 86_400_000);
      if (now < until) out.push({ kind: "survey", until });
    }
  }
  return out;
}

/**
 * Due participants per transaction of queueDeadlineReminders. Each chunk commits its
 * messages, their delivery jobs and its audit event together, so workers start sending
 * while later chunks are still being written (10,000 due take most of a minute to queue,
 * and 143 s to send at 70 a second: docs/performance.md, "The daily reminder run"), and a
 * run that stops midway keeps what it committed; its retry queues the rest, the dedupe
 * keys skipping what is there.
 */
export const REMINDER_CHUNK = 500;

/**
 * Queues one message to each participant whose purchase deadline is 0–3 days away, once
 * per deadline (the dedupe key names the participant and the date, so running it again,
 * or from two machines, adds nothing), in transactions of REMINDER_CHUNK participants
 * (`opts.chunk`: another size, for a test).
 * Run by the daily deadline-reminders job (lib/jobs/deadline-reminders.ts); the system acts.
 */
export async function queueDeadlineReminders(
  now = new Date(),
  opts: { chunk?: number } = {},
): Promise<{ queued: number; due: number }> {
  const chunkSize = opts.chunk ?? REMINDER_CHUNK;
  const today = todayInJakarta(now);
  const due = await db
    .select({
      id: participants.id,
      stage: participants.stage,
      cardReceivedOn: participants.cardReceivedOn,
      trainingBoughtOn: participants.trainingBoughtOn,
    })
    .from(participants)
    .where(and(deadlineWithin(today), isNotNull(participants.userId)))
    .orderBy(asc(participants.id));
  let queued = 0;
  for (let start = 0; start < due.length; start += chunkSize) {
    const chunk = due.slice(start, start + chunkSize);
    queued += await db.transaction(async (tx) => {
      const messages = chunk.flatMap((p) => {
        const d = purchaseDeadline(p, today);
        if (!d) return [];
        return [
          {
            participantId: p.id,
            kind: "deadline_reminder" as const,
            dedupeKey: `deadline:${p.id}:${d.deadline}`,
            values: (locale: Locale) => ({ date: longDate(d.deadline, locale), days: d.daysLeft }),
          },
        ];
      });
      // One read, one insert of messages and one of jobs per chunk (lib/data/outbox.ts).
      const ids = (await queueMessages(tx, messages, { now })).filter((id) => id !== null);
      if (ids.length > 0) {
        await recordAudit(tx, {
          actor: null,
          action: "outbox.deadline_reminders",
          entityType: "outbox",
          after: { today, queued: ids.length },
        });
      }
      return ids.length;
    });
  }
  return { queued, due: due.length };
}
