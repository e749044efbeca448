import "server-only";
import { eq, sql } from "drizzle-orm";
import { db, type Tx } from "@/db";
import { participants, users, type Participant } from "@/db/schema";
import { maskPhone } from "@/lib/validation";
import type { OwnContactInput } from "@/lib/validation/own-contact";
import type { PreferredChannelInput } from "@/lib/validation/verification";
import { recordAudit } from "./audit";
import { chooseChannel, configuredChannels } from "./outbox";
import { scopedParticipant, type MutationResult } from "./casework";
import { isUniqueViolation, pgErrorInfo } from "./db-errors";
import { requirePermission, type SessionUser } from "./permissions";
import { checkOwnPassword, contactChange } from "./users";

// What a participant does for themself: the helpers that find their own record, and
// their contact data. The survey and help requests are in survey.ts and help.ts.


/** The signed-in participant's own record, or null (a participant user without one). */
export async function findOwnParticipant(tx: Tx | typeof db, viewer: SessionUser): Promise<Participant | null> {
  const [row] = await tx.select().from(participants).where(eq(participants.userId, viewer.id)).limit(1);
  return row ?? null;
}

/**
 * The participant a posted form names, if it is the viewer's own; otherwise HTTP 404.
 * Whatever ids a form carries, a participant only ever writes to their own record.
 */
export function ownParticipant(
  tx: Tx | typeof db,
  viewer: SessionUser,
  participantId: string,
  opts: { lock?: boolean } = {},
): Promise<Participant> {
  return scopedParticipant(tx, participantId, eq(participants.userId, viewer.id), opts);
}

export type OwnContact = {
  participantId: string;
  version: number;
  phone: string;
  email: string;
  address: string;
  provinceCode: string;
  regencyCode: string;
  /** Their own choice; null: none made. */
  preferredChannel: "whatsapp" | "email" | null;
  /** Where their messages go first now: their choice, or what chooseChannel picks without one. */
  channel: "whatsapp" | "email";
};

/** The contact data a participant may change at /me, whole (it is their own). */
export async function getOwnContact(viewer: SessionUser): Promise<OwnContact | null> {
  requirePermission(viewer, "read:participant:own");
  const [row] = await db
    .select({
      participantId: participants.id,
      version: participants.version,
      address: participants.address,
      provinceCode: participants.provinceCode,
      regencyCode: participants.regencyCode,
      phone: users.phone,
      email: users.email,
      preferredChannel: users.preferredChannel,
      whatsappBlocked: sql<boolean>`(${users.whatsappUnreachableAt} is not null or ${users.whatsappOptedOutAt} is not null)`,
    })
    .from(participants)
    .innerJoin(users, eq(users.id, participants.userId))
    .where(eq(participants.userId, viewer.id))
    .limit(1);
  if (!row) return null;
  return {
    participantId: row.participantId,
    version: row.version,
    phone: row.phone ?? "",
    email: row.email ?? "",
    address: row.address ?? "",
    provinceCode: row.provinceCode,
    regencyCode: row.regencyCode ?? "",
    preferredChannel: row.preferredChannel,
    channel:
      row.preferredChannel ??
      chooseChannel({ email: row.email, phone: row.phone, preferredChannel: null, whatsappBlocked: row.whatsappBlocked }, configuredChannels())?.channel ??
      "whatsapp",
  };
}

/**
 * A participant changes their phone, email and address. The phone and the email are how
 * they sign in, so changing either asks for the current password. Refused, with nothing
 * written, when the record changed since the form was loaded (its version moved on).
 */
export async function updateOwnContact(viewer: SessionUser, input: OwnContactInput): Promise<MutationResult> {
  requirePermission(viewer, "update:participant:own");
  await ownParticipant(db, viewer, input.participantId);
  const [account] = await db
    .select({ phone: users.phone, email: users.email, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, viewer.id));
  const signInChanged = account.phone !== input.phone || (account.email ?? null) !== input.email;
  // The password is checked outside the transaction: hashing takes a moment, and the
  // version check below refuses the write if anything changed meanwhile.
  if (signInChanged) {
    if (!input.currentPassword) return { ok: false, fieldErrors: { currentPassword: ["currentPassword.required"] } };
    const check = await checkOwnPassword(viewer, account, input.currentPassword, "participant.contact_update");
    if (check === "locked") return { ok: false, fieldErrors: { currentPassword: ["currentPassword.locked"] } };
    if (check === "wrong") return { ok: false, fieldErrors: { currentPassword: ["currentPassword.wrong"] } };
  }
  try {
    return await db.transaction(async (tx) => {
      const p = await ownParticipant(tx, viewer, input.participantId, { lock: true });
      if (p.version !== input.version) return { ok: false, fieldErrors: { form: ["record.stale"] } };
      const [before] = await tx.select({ phone: users.phone, email: users.email }).from(users).where(eq(users.id, viewer.id));
      if (before.phone !== account.phone || before.email !== account.email) {
        return { ok: false, fieldErrors: { form: ["record.stale"] } };
      }
      const now = new Date();
      await tx.update(users).set(contactChange(input, now)).where(eq(users.id, viewer.id));
      await tx
        .update(participants)
        .set({
          address: input.address,
          // A move to another province moves the participant to that province's region; the
          // caseworker stays until someone reassigns them (docs/decisions/037-province-moves.md).
          provinceCode: input.provinceCode,
          regencyCode: input.regencyCode,
          version: sql`${participants.version} + 1`,
          updatedAt: now,
        })
        .where(eq(participants.id, p.id));
      await recordAudit(tx, {
        actor: viewer,
        action: "participant.contact_update",
        entityType: "participant",
        entityId: p.id,
        // provinceCode in before and after: the audit trigger files a move under both
        // provinces, so the coordinators of both regions see it (migration 0021).
        before: {
          phone: before.phone ? maskPhone(before.phone) : null,
          email: before.email,
          provinceCode: p.provinceCode,
          regencyCode: p.regencyCode,
        },
        after: {
          phone: maskPhone(input.phone),
          email: input.email,
          addressChanged: (p.address ?? "") !== input.address,
          provinceCode: input.provinceCode,
          regencyCode: input.regencyCode,
          passwordChecked: signInChanged,
          by: "participant",
        },
      });
      return { ok: true } as const;
    });
  } catch (error) {
    const info = pgErrorInfo(error);
    if (isUniqueViolation(info, "users_phone_key")) return { ok: false, fieldErrors: { phone: ["phone.taken"] } };
    if (isUniqueViolation(info, "users_email_key")) return { ok: false, fieldErrors: { email: ["email.taken"] } };
    throw error;
  }
}

/**
 * The channel a participant's messages go by first (WhatsApp or email); the other is the
 * fallback. Only a channel they have a contact for. Audited when it changes.
 */
export async function setPreferredChannel(viewer: SessionUser, input: PreferredChannelInput): Promise<MutationResult> {
  requirePermission(viewer, "update:participant:own");
  return db.transaction(async (tx) => {
    const p = await ownParticipant(tx, viewer, input.participantId, { lock: true });
    const [account] = await tx
      .select({ phone: users.phone, email: users.email, preferredChannel: users.preferredChannel })
      .from(users)
      .where(eq(users.id, viewer.id))
      .for("update");
    if (input.preferredChannel === "email" && !account.email) return { ok: false, fieldErrors: { preferredChannel: ["preferredChannel.noEmail"] } };
    if (input.preferredChannel === "whatsapp" && !account.phone) return { ok: false, fieldErrors: { preferredChannel: ["preferredChannel.noPhone"] } };
    if (account.preferredChannel === input.preferredChannel) return { ok: true } as const;
    await tx.update(users).set({ preferredChannel: input.preferredChannel, updatedAt: new Date() }).where(eq(users.id, viewer.id));
    await recordAudit(tx, {
      actor: viewer,
      action: "participant.preferred_channel",
      entityType: "participant",
      entityId: p.id,
      before: { preferredChannel: account.preferredChannel },
      after: { preferredChannel: input.preferredChannel },
    });
    return { ok: true } as const;
  });
}
