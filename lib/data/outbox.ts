import "server-only";
import { randomUUID } from "node:crypto";
import { and, count, desc, eq, inArray, or, sql } from "drizzle-orm";
import { createTranslator } from "next-intl";
import nodemailer, { type Transporter } from "nodemailer";
import { db, executeRows, type Tx } from "@/db";
import { OUTBOX_STATES, outboxMessages, participants, users, type Locale, type MessageChannel } from "@/db/schema";
import { messagesFor } from "@/lib/i18n/messages";
import { maskPhone } from "@/lib/validation";
import { awaitSendSlot } from "./send-pace";
import { nextSendTime } from "@/lib/channels/quiet-hours";
import { daysLeftText } from "@/lib/channels/templates";
import { advances, type MessageStatus } from "@/lib/channels/webhook-signature";
import { isUnreachableCode, sendTemplate, sendText, whatsappConfig, type WhatsAppConfig } from "@/lib/channels/whatsapp";
import { enqueue, enqueueMany } from "@/lib/jobs/engine";
import { QUEUES } from "@/lib/jobs/queues";
import { assignedParticipant } from "./casework";
import { requirePermission, type SessionUser } from "./permissions";

// Messages to participants (an email, or a WhatsApp text). A change that causes one
// writes it here in its own transaction, with the job that sends it (queue
// "outbox-deliver", lib/jobs/outbox-deliver.ts): a worker sends it afterwards, so a slow
// or broken mail server never holds up or undoes the change, and a failed send is tried
// again with growing pauses by the job engine, then ends "failed" with its last error.
// Without SMTP_URL, and for WhatsApp (no transport in this deployment yet), the row is
// "recorded": the outbox is the record, and the PMO reads it at /pmo/outbox.

export const OUTBOX_PAGE_SIZE = 50;
// registration_attempt: someone tried to self-register with an account holder's NIK, phone
// or email (lib/data/participants.ts); at most one a day per account (its dedupe key).
export const OUTBOX_KINDS = [
  "help_answered",
  "deadline_reminder",
  "registration_attempt",
  "activation_code",
  "phone_confirmation",
  "password_reset",
  "opt_out_confirmation",
  "opt_in_confirmation",
] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];
export type OutboxState = (typeof OUTBOX_STATES)[number];

/**
 * One-time codes (lib/data/verification-codes.ts): asked for by the person a moment ago,
 * so quiet hours do not hold them back, they never go by another channel than the one
 * asked for, and their text is wiped from the outbox once the message is handed over.
 */
export const CODE_KINDS: ReadonlySet<OutboxKind> = new Set(["activation_code", "phone_confirmation", "password_reset"]);
/**
 * The answer to the participant's own BERHENTI or MULAI: a free-form text inside the
 * 24-hour window their message opened; it goes out whatever the opt-out (it confirms it).
 */
export const REPLY_KINDS: ReadonlySet<OutboxKind> = new Set(["opt_out_confirmation", "opt_in_confirmation"]);

export type ContactChannels = {
  email: string | null;
  phone: string | null;
  preferredChannel: MessageChannel | null;
  /** WhatsApp said the number cannot receive it, or the participant replied BERHENTI. */
  whatsappBlocked: boolean;
};
export type ChosenChannel = { channel: MessageChannel; recipient: string };

/** Whether each channel can send in this deployment: SMTP_URL, and the Cloud API's settings. */
export function configuredChannels(): Record<MessageChannel, boolean> {
  return { email: Boolean(process.env.SMTP_URL), whatsapp: Boolean(whatsappConfig()) };
}

/**
 * Where a participant's message goes: their preferred channel (by default WhatsApp, when
 * it is configured and the phone can receive it, else email), else the other; first a channel that can send here and
 * reach them, then one that can reach them (the message is "recorded": nothing is
 * configured to send it), then the blocked phone (recorded, with the reason). Null:
 * no contact at all.
 */
export function chooseChannel(c: ContactChannels, configured: Record<MessageChannel, boolean>): ChosenChannel | null {
  // "WhatsApp by default when the phone can receive it": a deployment without the Cloud
  // API cannot reach any phone, so its messages go to an email address first.
  const first: MessageChannel = c.preferredChannel ?? (c.phone && !c.whatsappBlocked && configured.whatsapp ? "whatsapp" : "email");
  const order: MessageChannel[] = first === "whatsapp" ? ["whatsapp", "email"] : ["email", "whatsapp"];
  const reachable = (ch: MessageChannel) => (ch === "email" ? Boolean(c.email) : Boolean(c.phone) && !c.whatsappBlocked);
  const to = (ch: MessageChannel): ChosenChannel => ({ channel: ch, recipient: (ch === "email" ? c.email : c.phone)! });
  const ready = order.find((ch) => reachable(ch) && configured[ch]) ?? order.find(reachable);
  if (ready) return to(ready);
  return c.phone ? to("whatsapp") : null;
}

type Recipient = ChosenChannel & { locale: Locale; fullName: string; provinceCode: string | null; participantId: string | null };
type Whom = { participantId: string } | { userId: string };

/**
 * Participants' (or staff accounts') contact data and language, for choosing where each
 * message goes: one query for a whole batch. Keyed "p:<participant id>" or "u:<user id>".
 */
async function contactsOf(tx: Tx, whom: Whom[]): Promise<Map<string, Omit<Recipient, keyof ChosenChannel> & { contact: ContactChannels }>> {
  const participantIds = [...new Set(whom.flatMap((w) => ("participantId" in w ? [w.participantId] : [])))];
  const userIds = [...new Set(whom.flatMap((w) => ("userId" in w ? [w.userId] : [])))];
  const rows = await tx
    .select({
      userId: users.id,
      participantId: participants.id,
      email: users.email,
      phone: users.phone,
      locale: users.locale,
      preferredChannel: users.preferredChannel,
      unreachable: users.whatsappUnreachableAt,
      optedOut: users.whatsappOptedOutAt,
      fullName: sql<string>`coalesce(${participants.fullName}, ${users.name})`,
      provinceCode: participants.provinceCode,
    })
    .from(users)
    .leftJoin(participants, eq(participants.userId, users.id))
    .where(
      or(
        participantIds.length ? inArray(participants.id, participantIds) : undefined,
        userIds.length ? inArray(users.id, userIds) : undefined,
      ) ?? sql`false`,
    );
  const out = new Map<string, Omit<Recipient, keyof ChosenChannel> & { contact: ContactChannels }>();
  for (const row of rows) {
    const value = {
      locale: row.locale,
      fullName: row.fullName,
      provinceCode: row.provinceCode,
      participantId: row.participantId,
      contact: { email: row.email, phone: row.phone, preferredChannel: row.preferredChannel, whatsappBlocked: Boolean(row.unreachable || row.optedOut) },
    };
    if (row.participantId) out.set(`p:${row.participantId}`, value);
    out.set(`u:${row.userId}`, value);
  }
  return out;
}

type Translate = (key: string, values?: Record<string, string | number>) => string;

/** The catalogue's texts for messages, in the recipient's language, outside any request. */
export function outboxTranslator(locale: Locale): Translate {
  return createTranslator({
    locale,
    messages: messagesFor(locale) as never,
    namespace: "outboxText" as never,
  }) as unknown as Translate;
}

/** A date (YYYY-MM-DD) written out in the reader's language: "3 Juli 2021". */
export function longDate(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "id-ID", { dateStyle: "long", timeZone: "UTC" }).format(
    new Date(`${iso}T00:00:00Z`),
  );
}

export type MessageSpec = Whom & {
  kind: OutboxKind;
  dedupeKey?: string;
  values?: (locale: Locale) => Record<string, string | number>;
  to?: ChosenChannel;
};

/**
 * Writes one message to a participant (or to a staff account, by its user id: a password
 * reset code) inside the caller's transaction, in their language, and queues the job that
 * sends it in the same transaction. A dedupe key makes it once-only: a second call with the
 * same key writes nothing. `to` sends it by a given channel and address (a code goes where
 * it was asked for); otherwise chooseChannel decides. Returns the new row's id, or null
 * (no account to write to, or already queued).
 */
export async function queueMessage(tx: Tx, msg: MessageSpec): Promise<string | null> {
  return (await queueMessages(tx, [msg]))[0];
}

/**
 * queueMessage for many messages at once (the daily reminder run): one read of the
 * recipients, one insert of the messages, one insert of their delivery jobs, whatever the
 * number. Returns each message's new id, or null, in the order given.
 */
export async function queueMessages(tx: Tx, msgs: MessageSpec[], opts: { now?: Date } = {}): Promise<(string | null)[]> {
  if (msgs.length === 0) return [];
  const contacts = await contactsOf(tx, msgs);
  const configured = configuredChannels();
  // The quiet hours are judged at this instant (a test gives the daily run's 07:00).
  const nowMs = (opts.now ?? new Date()).getTime();
  const planned = msgs.map((msg) => {
    const found = contacts.get("participantId" in msg ? `p:${msg.participantId}` : `u:${msg.userId}`);
    if (!found) return null;
    const chosen = msg.to ?? chooseChannel(found.contact, configured);
    if (!chosen) return null;
    const t = outboxTranslator(found.locale);
    const values = { name: found.fullName, ...(msg.values?.(found.locale) ?? {}) };
    // WhatsApp templates are approved in Indonesian: their values are written in it. The
    // answer to BERHENTI or MULAI is a free text, not a template.
    const templateValues =
      chosen.channel === "whatsapp" && !REPLY_KINDS.has(msg.kind)
        ? whatsappValues(msg.kind, { name: found.fullName, ...(msg.values?.("id") ?? {}) })
        : null;
    // No WhatsApp message arrives in the quiet hours (21:00 to 07:00) where the participant
    // lives: one queued at night waits for the morning; a code or an answer the person
    // asked for just now does not wait. (Without WhatsApp configured it is only recorded.)
    const startAfter =
      chosen.channel === "whatsapp" && configured.whatsapp && !CODE_KINDS.has(msg.kind) && !REPLY_KINDS.has(msg.kind)
        ? nextSendTime(new Date(nowMs), found.provinceCode)
        : null;
    return {
      row: {
        id: randomUUID(),
        channel: chosen.channel,
        recipient: chosen.recipient,
        // Kept for WhatsApp too: the email a message falls back to when the phone cannot take it.
        subject: REPLY_KINDS.has(msg.kind) ? null : t(`${msg.kind}.subject`, values),
        body: t(`${msg.kind}.body`, values),
        kind: msg.kind,
        participantId: found.participantId,
        dedupeKey: msg.dedupeKey ?? null,
        templateValues,
      },
      startAfter: startAfter && startAfter.getTime() > nowMs ? startAfter.toISOString() : undefined,
    };
  });
  const toInsert = planned.filter((p) => p !== null);
  if (toInsert.length === 0) return planned.map(() => null);
  const inserted = new Set(
    (
      await tx
        .insert(outboxMessages)
        .values(toInsert.map((p) => p.row))
        .onConflictDoNothing({ target: outboxMessages.dedupeKey })
        .returning({ id: outboxMessages.id })
    ).map((r) => r.id),
  );
  await enqueueMany(
    tx,
    QUEUES.outboxDeliver,
    toInsert.filter((p) => inserted.has(p.row.id)).map((p) => ({ data: { messageId: p.row.id }, startAfter: p.startAfter })),
  );
  return planned.map((p) => (p && inserted.has(p.row.id) ? p.row.id : null));
}

/** A message kind's WhatsApp template values, from the values its email text uses. */
function whatsappValues(kind: OutboxKind, values: Record<string, string | number>): Record<string, string> {
  if (CODE_KINDS.has(kind)) return { code: String(values.code) };
  const name = String(values.name);
  if (kind === "deadline_reminder") return { name, date: String(values.date), daysLeft: daysLeftText(Number(values.days), "id") };
  return { name };
}

export type MailTransport = Pick<Transporter, "sendMail">;
export type Delivery = "sent" | "recorded" | "skipped" | "failed" | "deferred";

let smtp: Transporter | undefined;
/** The SMTP transport of SMTP_URL (smtp://user:pass@host:587, smtps://…), or null without it. */
export function transportFromEnv(): MailTransport | null {
  const url = process.env.SMTP_URL;
  if (!url) return null;
  // Short timeouts: a send must end well inside its job's expiry (lib/jobs/queues.ts).
  smtp ??= nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as never);
  return smtp;
}

const DEFAULT_FROM = "Pendamping PMI <no-reply@pendamping.invalid>";

/** Thrown when a send fails: the job engine tries the message again later. */
export class DeliveryFailed extends Error {}

/** A claim younger than this is a worker still sending: another run leaves the message to it. */
export const SENDING_CLAIM_SECONDS = 60;

/** Waits out a database that does not answer (a restart), for up to about half a minute. */
async function persistently<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= 30) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/**
 * Sends one message (the outbox-deliver job; the system acts), in three steps:
 *   1. the message is claimed ("sending", one attempt more) in a short transaction, so
 *      that no other run sends it meanwhile; a message already sent or recorded is
 *      skipped (running the job twice sends once), and without a transport for its
 *      channel it is "recorded";
 *   2. it is handed to the mail server, outside any transaction;
 *   3. "sent" is written, waiting out a database that is restarting, so that a message
 *      the mail server accepted is never sent again because the database was away.
 * A failed send puts it back to "pending" with its error and throws DeliveryFailed, for
 * the engine to retry with backoff; after the last retry the dead-letter job marks it
 * failed (failUndelivered). A "failed" one is sent again (the PMO retried its job).
 *
 * Only a worker killed between steps 2 and 3 leaves a message "sending" that was in fact
 * sent: its next run, a minute later, sends it again. Each email carries the message's
 * id as its Message-ID, so that a receiver can tell such a repeat.
 */
export async function deliverMessage(
  messageId: string,
  opts: { transport?: MailTransport | null; whatsapp?: WhatsAppConfig | null; from?: string; now?: () => Date } = {},
): Promise<Delivery> {
  const transport = opts.transport === undefined ? transportFromEnv() : opts.transport;
  const whatsapp = opts.whatsapp === undefined ? whatsappConfig() : opts.whatsapp;
  const from = opts.from ?? process.env.SMTP_FROM ?? DEFAULT_FROM;
  const now = opts.now ?? (() => new Date());
  const claimed = await db.transaction(async (tx) => {
    const [m] = await tx.select().from(outboxMessages).where(eq(outboxMessages.id, messageId)).for("update");
    if (!m || m.state === "sent" || m.state === "recorded") return "skipped" as const;
    const kind = m.kind as OutboxKind;
    const canSend = m.channel === "email" ? Boolean(transport) : Boolean(whatsapp && (m.templateValues || REPLY_KINDS.has(kind)));
    if (!canSend) {
      await tx
        .update(outboxMessages)
        .set({ state: "recorded", lastError: null, sendingSince: null, ...spentCode(m) })
        .where(eq(outboxMessages.id, m.id));
      return "recorded" as const;
    }
    if (m.channel === "whatsapp" && m.participantId && !REPLY_KINDS.has(kind)) {
      const [to] = await executeRows<{ opted_out: boolean; unreachable: boolean; province_code: string | null }>(
        sql`select u.whatsapp_opted_out_at is not null as opted_out, u.whatsapp_unreachable_at is not null as unreachable, p.province_code
            from participants p join users u on u.id = p.user_id where p.id = ${m.participantId}`,
        tx,
      );
      // Replied BERHENTI, or a number WhatsApp said it cannot reach: nothing more goes
      // there; the outbox keeps the record (and the case file says why).
      if (to?.opted_out || to?.unreachable) {
        const fallback = await fallBackToEmail(tx, m, transport);
        const why = (to.opted_out ? "opted out (BERHENTI)" : "unreachable on WhatsApp") + (fallback ? "; sent by email instead" : "");
        await tx
          .update(outboxMessages)
          .set({ state: "recorded", lastError: why, sendingSince: null, ...spentCode(m) })
          .where(eq(outboxMessages.id, m.id));
        return "recorded" as const;
      }
      // A retry that falls in the recipient's night waits for their morning, in a job of its
      // own; a code the person is waiting for does not.
      const next = nextSendTime(now(), to?.province_code ?? null);
      if (!CODE_KINDS.has(kind) && next.getTime() > now().getTime()) {
        await enqueue(tx, QUEUES.outboxDeliver, { messageId: m.id }, { startAfter: next.toISOString() });
        return "deferred" as const;
      }
    }
    if (m.state === "sending" && m.sendingSince && now().getTime() - m.sendingSince.getTime() < SENDING_CLAIM_SECONDS * 1000) {
      return "busy" as const;
    }
    await tx
      .update(outboxMessages)
      .set({ state: "sending", attempts: m.attempts + 1, sendingSince: now() })
      .where(eq(outboxMessages.id, m.id));
    return m;
  });
  if (claimed === "busy") throw new DeliveryFailed("being sent by another worker");
  if (typeof claimed === "string") return claimed;
  const m = claimed;
  if (m.channel === "whatsapp") return deliverWhatsApp(m, whatsapp!, transport, now);
  try {
    await transport!.sendMail({
      from,
      to: m.recipient,
      subject: m.subject ?? undefined,
      text: m.body,
      messageId: `<${m.id}@outbox.pendamping>`,
    });
  } catch (error) {
    const text = errorText(error);
    await persistently(() =>
      db
        .update(outboxMessages)
        .set({ state: "pending", lastError: text, sendingSince: null })
        .where(and(eq(outboxMessages.id, m.id), eq(outboxMessages.state, "sending"))),
    );
    throw new DeliveryFailed(text);
  }
  await persistently(() =>
    db
      .update(outboxMessages)
      .set({ state: "sent", sentAt: now(), lastError: null, sendingSince: null, ...spentCode(m) })
      .where(eq(outboxMessages.id, m.id)),
  );
  return "sent";
}

const CODE_MASK = "••••••";

/**
 * A code message's text once it has been handed over (or cannot be): the code is wiped,
 * so that neither the PMO's outbox nor a copy of the database holds a working code.
 */
function spentCode(m: { kind: string; body: string; subject?: string | null }) {
  if (!CODE_KINDS.has(m.kind as OutboxKind)) return {};
  return { body: maskCodes(m.body), templateValues: null };
}

/** Codes in a text replaced by dots (the PMO's outbox shows codes so): six digits, or an activation code "K7QM-4XPD". */
export function maskCodes(text: string): string {
  return text.replace(/\b\d{6}\b/g, CODE_MASK).replace(/\b[0-9A-Z]{4}-[0-9A-Z]{4}\b/g, `${CODE_MASK}-${CODE_MASK}`);
}

/**
 * A WhatsApp message that cannot reach the phone (opted out, or unreachable) goes to the
 * participant's email instead, when they have one and mail is configured: a copy of it
 * queued in the same transaction. A code never changes channel (it proves the phone it
 * was sent to), nor does an answer to BERHENTI. Returns whether a copy was queued.
 */
async function fallBackToEmail(tx: Tx, m: typeof outboxMessages.$inferSelect, transport: MailTransport | null): Promise<boolean> {
  const kind = m.kind as OutboxKind;
  if (!transport || !m.participantId || CODE_KINDS.has(kind) || REPLY_KINDS.has(kind)) return false;
  const [to] = await tx
    .select({ email: users.email })
    .from(participants)
    .innerJoin(users, eq(users.id, participants.userId))
    .where(eq(participants.id, m.participantId));
  if (!to?.email) return false;
  const [copy] = await tx
    .insert(outboxMessages)
    .values({
      channel: "email",
      recipient: to.email,
      subject: m.subject,
      body: m.body,
      kind: m.kind,
      participantId: m.participantId,
      dedupeKey: `fallback:${m.id}`,
    })
    .onConflictDoNothing({ target: outboxMessages.dedupeKey })
    .returning({ id: outboxMessages.id });
  if (copy) await enqueue(tx, QUEUES.outboxDeliver, { messageId: copy.id });
  return true;
}

/**
 * The WhatsApp half of deliverMessage, for a claimed message: its template through the
 * Cloud API. Accepted: "sent", with the API's message id (its statuses arrive by webhook).
 * A failure worth trying again (429, 5xx, a timeout): back to "pending", and
 * DeliveryFailed for the engine's retry. A permanent one (a number that is not on
 * WhatsApp, a template that does not exist): "failed" at once with the API's code, no
 * retry; a number that cannot receive WhatsApp is marked so on its account.
 */
async function deliverWhatsApp(
  m: typeof outboxMessages.$inferSelect,
  config: WhatsAppConfig,
  transport: MailTransport | null,
  now: () => Date,
): Promise<Delivery> {
  // Every worker together stays under the number's throughput (lib/data/send-pace.ts).
  await awaitSendSlot(`whatsapp:${config.phoneNumberId}`, config.messagesPerSecond);
  const result = REPLY_KINDS.has(m.kind as OutboxKind)
    ? await sendText({ to: m.recipient, body: m.body }, { config })
    : await sendTemplate({ to: m.recipient, template: m.kind as Exclude<OutboxKind, "opt_out_confirmation" | "opt_in_confirmation">, values: m.templateValues as never }, { config });
  if (result.ok) {
    await persistently(() =>
      db
        .update(outboxMessages)
        .set({
          state: "sent",
          sentAt: now(),
          lastError: null,
          sendingSince: null,
          providerMessageId: result.messageId,
          deliveryStatus: "sent",
          deliveryStatusAt: now(),
          ...spentCode(m),
        })
        .where(eq(outboxMessages.id, m.id)),
    );
    return "sent";
  }
  const text = `${result.code ?? result.status ?? result.reason}: ${result.message}`.slice(0, 500);
  if (result.retryable) {
    await persistently(() =>
      db
        .update(outboxMessages)
        .set({ state: "pending", lastError: text, errorCode: result.code, sendingSince: null })
        .where(and(eq(outboxMessages.id, m.id), eq(outboxMessages.state, "sending"))),
    );
    throw new DeliveryFailed(text);
  }
  await persistently(() =>
    db.transaction(async (tx) => {
      await tx
        .update(outboxMessages)
        .set({ state: "failed", lastError: text, errorCode: result.code, sendingSince: null, deliveryStatus: "failed", deliveryStatusAt: now(), ...spentCode(m) })
        .where(eq(outboxMessages.id, m.id));
      if (result.unreachable && m.participantId) {
        await markWhatsAppUnreachable(tx, m.participantId, now());
        await fallBackToEmail(tx, m, transport);
      }
    }),
  );
  return "failed";
}

/** The participant's phone cannot receive WhatsApp: their account says so (the case file shows it). */
async function markWhatsAppUnreachable(tx: Tx, participantId: string, at: Date): Promise<void> {
  await tx.execute(sql`update users u set whatsapp_unreachable_at = coalesce(u.whatsapp_unreachable_at, ${at.toISOString()}::timestamptz)
                       from participants p where p.id = ${participantId} and u.id = p.user_id`);
}

export type StatusEvent = { messageId: string; status: MessageStatus; at: Date; errorCode?: number };

/**
 * Statuses reported by WhatsApp's webhook (app/api/webhooks/whatsapp): each message's
 * status moves only forward (sent → delivered → read; failed ends one not yet delivered),
 * so a repeated or late status changes nothing. A "failed" with a code meaning the number
 * cannot receive WhatsApp marks the contact. The system acts; returns how many changed.
 */
export async function applyWhatsAppStatuses(events: StatusEvent[]): Promise<number> {
  let changed = 0;
  for (const e of events) {
    changed += await db.transaction(async (tx) => {
      const [m] = await tx
        .select({ id: outboxMessages.id, status: outboxMessages.deliveryStatus, participantId: outboxMessages.participantId })
        .from(outboxMessages)
        .where(eq(outboxMessages.providerMessageId, e.messageId))
        .for("update");
      if (!m || !advances(m.status as MessageStatus | null, e.status)) return 0;
      await tx
        .update(outboxMessages)
        .set({
          deliveryStatus: e.status,
          deliveryStatusAt: e.at,
          ...(e.status === "failed" ? { state: "failed", errorCode: e.errorCode ?? null, lastError: `WhatsApp ${e.errorCode ?? "failed"}` } : {}),
        })
        .where(eq(outboxMessages.id, m.id));
      if (e.status === "failed" && isUnreachableCode(e.errorCode) && m.participantId) await markWhatsAppUnreachable(tx, m.participantId, e.at);
      return 1;
    });
  }
  return changed;
}

/** The message's last try failed (its job's dead letter): it is failed, with its last error. */
export async function failUndelivered(messageId: string): Promise<boolean> {
  const failed = await db
    .update(outboxMessages)
    .set({ state: "failed", lastError: sql`coalesce(${outboxMessages.lastError}, 'undelivered')`, sendingSince: null })
    .where(and(eq(outboxMessages.id, messageId), inArray(outboxMessages.state, ["pending", "sending"])))
    .returning({ id: outboxMessages.id });
  return failed.length > 0;
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.slice(0, 500) || "error";
}

/** "ani•••@contoh.id": enough to recognise, not enough to copy. */
export function maskEmail(email: string): string {
  const at = email.indexOf("@");
  if (at < 1) return "•••";
  return `${email.slice(0, Math.min(3, at))}•••${email.slice(at)}`;
}

export type OutboxRow = {
  id: string;
  channel: string;
  recipientMasked: string;
  subject: string | null;
  body: string;
  state: OutboxState;
  attempts: number;
  lastError: string | null;
  kind: string;
  participantId: string | null;
  createdAt: Date;
  sentAt: Date | null;
  /** WhatsApp: the last status the webhook reported, and when. */
  deliveryStatus: MessageStatus | null;
  deliveryStatusAt: Date | null;
};

/** The outbox for the PMO: newest first, by state; recipients masked, as in every list. */
export async function listOutbox(viewer: SessionUser, query: { state?: OutboxState; page?: number } = {}) {
  requirePermission(viewer, "read:outbox:any");
  const page = Math.max(1, query.page ?? 1);
  const where = query.state ? eq(outboxMessages.state, query.state) : undefined;
  const [rows, [{ n: total }], stateRows] = await Promise.all([
    db
      .select()
      .from(outboxMessages)
      .where(where)
      .orderBy(desc(outboxMessages.createdAt), desc(outboxMessages.id))
      .limit(OUTBOX_PAGE_SIZE)
      .offset((page - 1) * OUTBOX_PAGE_SIZE),
    db.select({ n: count() }).from(outboxMessages).where(where),
    db.select({ state: outboxMessages.state, n: count() }).from(outboxMessages).groupBy(outboxMessages.state),
  ]);
  const byState = Object.fromEntries(OUTBOX_STATES.map((s) => [s, 0])) as Record<OutboxState, number>;
  for (const r of stateRows) byState[r.state as OutboxState] = r.n;
  return {
    rows: rows.map(
      (r): OutboxRow => ({
        id: r.id,
        channel: r.channel,
        recipientMasked: r.channel === "email" ? maskEmail(r.recipient) : maskPhone(r.recipient),
        subject: r.subject,
        // A code not yet handed over is in the row; nobody but its recipient reads it.
        body: CODE_KINDS.has(r.kind as OutboxKind) ? maskCodes(r.body) : r.body,
        state: r.state as OutboxState,
        attempts: r.attempts,
        lastError: r.lastError,
        kind: r.kind,
        participantId: r.participantId,
        createdAt: r.createdAt,
        sentAt: r.sentAt,
        deliveryStatus: r.deliveryStatus as MessageStatus | null,
        deliveryStatusAt: r.deliveryStatusAt,
      }),
    ),
    total,
    page,
    pageCount: Math.max(1, Math.ceil(total / OUTBOX_PAGE_SIZE)),
    byState,
  };
}

/** Counts of rows by state (the sender script prints them). System use: no viewer. */
export async function outboxCounts(): Promise<Record<OutboxState, number>> {
  const stateRows = await db.select({ state: outboxMessages.state, n: sql<number>`count(*)::int` }).from(outboxMessages).groupBy(outboxMessages.state);
  const byState = Object.fromEntries(OUTBOX_STATES.map((s) => [s, 0])) as Record<OutboxState, number>;
  for (const r of stateRows) byState[r.state as OutboxState] = r.n;
  return byState;
}

export type CasefileMessage = {
  id: string;
  kind: string;
  channel: string;
  recipientMasked: string;
  state: OutboxState;
  createdAt: Date;
  sentAt: Date | null;
  deliveryStatus: MessageStatus | null;
  deliveryStatusAt: Date | null;
  errorCode: number | null;
};

/** How many of a participant's messages the case file lists (newest first). */
export const CASEFILE_MESSAGES = 10;

/**
 * The messages sent to a participant, for their caseworker's case file: what, by which
 * channel, and the last status with its time (WhatsApp's webhook, or the outbox's state).
 * Not the texts (a code is in some). A participant who is not the caseworker's is a 404.
 */
export async function listCasefileMessages(viewer: SessionUser, participantId: string): Promise<CasefileMessage[]> {
  requirePermission(viewer, "read:participant:assigned");
  const p = await assignedParticipant(db, viewer, participantId);
  const rows = await db
    .select()
    .from(outboxMessages)
    .where(eq(outboxMessages.participantId, p.id))
    .orderBy(desc(outboxMessages.createdAt), desc(outboxMessages.id))
    .limit(CASEFILE_MESSAGES);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    channel: r.channel,
    recipientMasked: r.channel === "email" ? maskEmail(r.recipient) : maskPhone(r.recipient),
    state: r.state as OutboxState,
    createdAt: r.createdAt,
    sentAt: r.sentAt,
    deliveryStatus: r.deliveryStatus as MessageStatus | null,
    deliveryStatusAt: r.deliveryStatusAt,
    errorCode: r.errorCode,
  }));
}
