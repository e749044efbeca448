import "server-only";
import { and, count, desc, eq, inArray, sql } from "drizzle-orm";
import { createTranslator } from "next-intl";
import nodemailer, { type Transporter } from "nodemailer";
import { db, executeRows, type Tx } from "@/db";
import { OUTBOX_STATES, outboxMessages, participants, users, type Locale } from "@/db/schema";
import { messagesFor } from "@/lib/i18n/messages";
import { maskPhone } from "@/lib/validation";
import { awaitSendSlot } from "./send-pace";
import { nextSendTime } from "@/lib/channels/quiet-hours";
import { daysLeftText } from "@/lib/channels/templates";
import { advances, type MessageStatus } from "@/lib/channels/webhook-signature";
import { isUnreachableCode, sendTemplate, whatsappConfig, type WhatsAppConfig } from "@/lib/channels/whatsapp";
import { enqueue } from "@/lib/jobs/engine";
import { QUEUES } from "@/lib/jobs/queues";
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
export const OUTBOX_KINDS = ["help_answered", "deadline_reminder", "registration_attempt"] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];
export type OutboxState = (typeof OUTBOX_STATES)[number];

type Recipient = { channel: "email" | "whatsapp"; recipient: string; locale: Locale; fullName: string; provinceCode: string | null };

/** Where a participant's messages go: email when they have one, else WhatsApp to the phone. */
async function recipientOf(tx: Tx, participantId: string): Promise<Recipient | null> {
  const [row] = await tx
    .select({ email: users.email, phone: users.phone, locale: users.locale, fullName: participants.fullName, provinceCode: participants.provinceCode })
    .from(participants)
    .innerJoin(users, eq(users.id, participants.userId))
    .where(eq(participants.id, participantId));
  if (!row) return null;
  if (row.email) return { channel: "email", recipient: row.email, locale: row.locale, fullName: row.fullName, provinceCode: row.provinceCode };
  if (row.phone) return { channel: "whatsapp", recipient: row.phone, locale: row.locale, fullName: row.fullName, provinceCode: row.provinceCode };
  return null;
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

/**
 * Writes one message to a participant inside the caller's transaction, in their language,
 * and queues the job that sends it in the same transaction. A dedupe key makes it
 * once-only: a second call with the same key writes nothing. Returns the new row's id,
 * or null (no account to write to, or already queued).
 */
export async function queueMessage(
  tx: Tx,
  msg: { participantId: string; kind: OutboxKind; dedupeKey?: string; values?: (locale: Locale) => Record<string, string | number> },
): Promise<string | null> {
  const to = await recipientOf(tx, msg.participantId);
  if (!to) return null;
  const t = outboxTranslator(to.locale);
  const values = { name: to.fullName, ...(msg.values?.(to.locale) ?? {}) };
  // WhatsApp templates are approved in Indonesian: their values are written in it.
  const templateValues = to.channel === "whatsapp" ? whatsappValues(msg.kind, { name: to.fullName, ...(msg.values?.("id") ?? {}) }) : null;
  const [row] = await tx
    .insert(outboxMessages)
    .values({
      channel: to.channel,
      recipient: to.recipient,
      // WhatsApp has no subject line.
      subject: to.channel === "email" ? t(`${msg.kind}.subject`, values) : null,
      body: t(`${msg.kind}.body`, values),
      kind: msg.kind,
      participantId: msg.participantId,
      dedupeKey: msg.dedupeKey ?? null,
      templateValues,
    })
    .onConflictDoNothing({ target: outboxMessages.dedupeKey })
    .returning({ id: outboxMessages.id });
  if (!row) return null;
  // No WhatsApp message arrives between 21:00 and 07:00 where the participant lives: one
  // queued at night waits for the morning.
  // (Without WhatsApp configured the message is only recorded, at once.)
  const startAfter = to.channel === "whatsapp" && whatsappConfig() ? nextSendTime(new Date(), to.provinceCode) : null;
  await enqueue(tx, QUEUES.outboxDeliver, { messageId: row.id }, startAfter && startAfter.getTime() > Date.now() ? { startAfter: startAfter.toISOString() } : {});
  return row.id;
}

/** A message kind's WhatsApp template values, from the values its email text uses. */
function whatsappValues(kind: OutboxKind, values: Record<string, string | number>): Record<string, string> {
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
    const canSend = m.channel === "email" ? Boolean(transport) : Boolean(whatsapp && m.templateValues);
    if (!canSend) {
      await tx.update(outboxMessages).set({ state: "recorded", lastError: null, sendingSince: null }).where(eq(outboxMessages.id, m.id));
      return "recorded" as const;
    }
    if (m.channel === "whatsapp" && m.participantId) {
      const [to] = await executeRows<{ opted_out: boolean; unreachable: boolean; province_code: string | null }>(
        sql`select u.whatsapp_opted_out_at is not null as opted_out, u.whatsapp_unreachable_at is not null as unreachable, p.province_code
            from participants p join users u on u.id = p.user_id where p.id = ${m.participantId}`,
        tx,
      );
      // Replied BERHENTI, or a number WhatsApp said it cannot reach: nothing more goes
      // there; the outbox keeps the record (and the case file says why).
      if (to?.opted_out || to?.unreachable) {
        const why = to.opted_out ? "opted out (BERHENTI)" : "unreachable on WhatsApp";
        await tx.update(outboxMessages).set({ state: "recorded", lastError: why, sendingSince: null }).where(eq(outboxMessages.id, m.id));
        return "recorded" as const;
      }
      // A retry that falls in the recipient's night waits for their morning, in a job of its own.
      const next = nextSendTime(now(), to?.province_code ?? null);
      if (next.getTime() > now().getTime()) {
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
  if (m.channel === "whatsapp") return deliverWhatsApp(m, whatsapp!, now);
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
      .set({ state: "sent", sentAt: now(), lastError: null, sendingSince: null })
      .where(eq(outboxMessages.id, m.id)),
  );
  return "sent";
}

/**
 * The WhatsApp half of deliverMessage, for a claimed message: its template through the
 * Cloud API. Accepted: "sent", with the API's message id (its statuses arrive by webhook).
 * A failure worth trying again (429, 5xx, a timeout): back to "pending", and
 * DeliveryFailed for the engine's retry. A permanent one (a number that is not on
 * WhatsApp, a template that does not exist): "failed" at once with the API's code, no
 * retry; a number that cannot receive WhatsApp is marked so on its account.
 */
async function deliverWhatsApp(m: typeof outboxMessages.$inferSelect, config: WhatsAppConfig, now: () => Date): Promise<Delivery> {
  // Every worker together stays under the number's throughput (lib/data/send-pace.ts).
  await awaitSendSlot(`whatsapp:${config.phoneNumberId}`, config.messagesPerSecond);
  const result = await sendTemplate(
    { to: m.recipient, template: m.kind as OutboxKind, values: m.templateValues as never },
    { config },
  );
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
        .set({ state: "failed", lastError: text, errorCode: result.code, sendingSince: null, deliveryStatus: "failed", deliveryStatusAt: now() })
        .where(eq(outboxMessages.id, m.id));
      if (result.unreachable && m.participantId) await markWhatsAppUnreachable(tx, m.participantId, now());
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
        body: r.body,
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
