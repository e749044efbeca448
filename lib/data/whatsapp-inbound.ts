import "server-only";
import { createHash } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import { db } from "@/db";
import { participants, users } from "@/db/schema";
import { HELP_MESSAGE_MAX, helpRequestSchema } from "@/lib/validation/help";
import { recordAudit } from "./audit";
import { createHelpRequest } from "./help";
import { queueMessage } from "./outbox";
import type { SessionUser } from "./permissions";

// A participant writes to the programme's WhatsApp number (the status webhook hands each
// inbound message here; the system acts for the participant whose phone it came from):
//   BERHENTI or STOP   no more messages to them on WhatsApp (audited), but its confirmation
//   MULAI or START     messages again (audited, and confirmed)
//   anything else      a help request in their caseworker's queue (or the PMO's), as if
//                      asked on /me/help; Meta's retries of one message make one request.
// A number that is no participant's is ignored.

const STOP_WORDS = new Set(["BERHENTI", "STOP"]);
const START_WORDS = new Set(["MULAI", "START"]);

export type InboundMessage = { from: string; waMessageId: string; at: Date; text: string | null };
export type InboundOutcome = { kind: "help_request"; id: string } | { kind: "opted_out" | "opted_in" | "unknown_sender" | "ignored" };

/** A stable UUID for one WhatsApp message: its help request's submission id. */
function submissionIdOf(waMessageId: string): string {
  const h = createHash("sha256").update(`whatsapp:${waMessageId}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export async function receiveWhatsAppMessage(m: InboundMessage): Promise<InboundOutcome> {
  const [account] = await db
    .select({ id: users.id, role: users.role, name: users.name, locale: users.locale, participantId: participants.id })
    .from(users)
    .innerJoin(participants, and(eq(participants.userId, users.id), isNull(participants.erasedAt)))
    .where(and(eq(users.phone, m.from), isNull(users.disabledAt)));
  if (!account || account.role !== "participant") return { kind: "unknown_sender" };
  const viewer: SessionUser = { id: account.id, role: "participant", name: account.name, locale: account.locale };
  const word = (m.text ?? "").trim().toUpperCase();

  if (STOP_WORDS.has(word) || START_WORDS.has(word)) {
    const stop = STOP_WORDS.has(word);
    return db.transaction(async (tx) => {
      const changed = await tx
        .update(users)
        .set({ whatsappOptedOutAt: stop ? m.at : null })
        .where(and(eq(users.id, account.id), stop ? sql`${users.whatsappOptedOutAt} is null` : sql`${users.whatsappOptedOutAt} is not null`))
        .returning({ id: users.id });
      if (changed.length > 0) {
        await recordAudit(tx, {
          actor: viewer,
          action: stop ? "participant.whatsapp_opt_out" : "participant.whatsapp_opt_in",
          entityType: "participant",
          entityId: account.participantId,
          after: { word, at: m.at.toISOString() },
        });
        // The one message that follows a BERHENTI: its confirmation, as a free text in the
        // window their message opened (and MULAI's likewise). Meta's retry of the same
        // message finds nothing changed and sends nothing.
        await queueMessage(tx, {
          participantId: account.participantId,
          kind: stop ? "opt_out_confirmation" : "opt_in_confirmation",
          to: { channel: "whatsapp", recipient: m.from },
          dedupeKey: `reply:${m.waMessageId}`,
        });
      }
      return { kind: stop ? "opted_out" : "opted_in" } as InboundOutcome;
    });
  }

  const text = (m.text ?? "").trim();
  if (!text) return { kind: "ignored" };
  const input = helpRequestSchema.safeParse({
    participantId: account.participantId,
    submissionId: submissionIdOf(m.waMessageId),
    topic: "other",
    message: [...text].slice(0, HELP_MESSAGE_MAX).join(""),
  });
  if (!input.success) return { kind: "ignored" };
  const result = await createHelpRequest(viewer, input.data);
  // Too many open requests already: the caseworker has them; this one is not added.
  return result.ok ? { kind: "help_request", id: result.id } : { kind: "ignored" };
}
