import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";

// What comes back from the WhatsApp Business Platform: the GET handshake that subscribes
// the webhook, the signature on each POST, and the statuses and inbound messages inside
// it. The route that receives them (app/api/webhooks/whatsapp) checks the signature on
// the raw body before parsing anything, and hands the parsed events to lib/ code.

/**
 * Whether `X-Hub-Signature-256` ("sha256=<hex>") is the HMAC-SHA256 of the raw body with
 * the app secret. Meta signs the bytes it sent, so the body must be the raw bytes, never
 * JSON parsed and written again. A missing, garbled or differently long header is false;
 * the comparison takes the same time whatever the first differing byte.
 */
export function verifyMetaSignature(rawBody: Buffer | string, header: string | null | undefined, appSecret: string): boolean {
  if (!appSecret || typeof header !== "string") return false;
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!match) return false;
  const given = Buffer.from(match[1], "hex");
  const expected = createHmac("sha256", appSecret).update(rawBody).digest();
  // The regular expression already fixes the length; checked again because
  // timingSafeEqual throws on buffers of different lengths.
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** `sha256=<hex>`: the header Meta sends with a body (the fake server signs with it too). */
export function metaSignature(rawBody: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac("sha256", appSecret).update(rawBody).digest("hex")}`;
}

type Query = URLSearchParams | Record<string, string | string[] | undefined>;

function param(query: Query, name: string): string | null {
  const value = query instanceof URLSearchParams ? query.get(name) : query[name];
  if (Array.isArray(value)) return null;
  return typeof value === "string" ? value : null;
}

/** Equal strings, compared in constant time over their digests (which have one length). */
function sameSecret(a: string, b: string): boolean {
  const da = createHash("sha256").update(a).digest();
  const db = createHash("sha256").update(b).digest();
  return timingSafeEqual(da, db);
}

/**
 * The GET handshake Meta makes when the webhook is subscribed: with `hub.mode=subscribe`
 * and our verify token, the answer is `hub.challenge` as it came; anything else is null
 * (the route answers 403). No verify token configured: nothing is ever confirmed.
 */
export function verifyHandshake(query: Query, verifyToken: string | null | undefined): string | null {
  if (!verifyToken) return null;
  const mode = param(query, "hub.mode");
  const token = param(query, "hub.verify_token");
  const challenge = param(query, "hub.challenge");
  if (mode !== "subscribe" || token === null || challenge === null) return null;
  return sameSecret(token, verifyToken) ? challenge : null;
}

// Message statuses in the order a message goes through them. "failed" is an end: nothing
// follows it. Statuses arrive out of order (each is its own HTTP call, retried by Meta),
// so a status is stored only when it moves the message forward.
export const MESSAGE_STATUSES = ["sent", "delivered", "read", "failed"] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** sent 1 < delivered 2 < read 3; failed is apart (terminal), ranked 0 here. */
export function statusRank(status: MessageStatus): number {
  return status === "failed" ? 0 : MESSAGE_STATUSES.indexOf(status) + 1;
}

/**
 * Whether a status reported now should replace the stored one. Never backwards: a late
 * "sent" after "read" changes nothing. "failed" ends a message that has not reached the
 * phone (nothing stored, or "sent"); once delivered or read, a "failed" cannot undo that,
 * and once failed, nothing later revives it. The same status again is no change.
 */
export function advances(current: MessageStatus | null | undefined, next: MessageStatus): boolean {
  if (!current) return true;
  if (current === "failed") return false;
  if (next === "failed") return current === "sent";
  return statusRank(next) > statusRank(current);
}

export type WebhookEvent =
  | { kind: "status"; messageId: string; status: MessageStatus; at: Date; recipientId: string; errorCode?: number }
  | { kind: "inbound"; from: string; waMessageId: string; at: Date; type: string; text: string | null };

// The documented shape of a "messages" webhook. Fields not named here (pricing,
// conversation, contacts, biz_opaque_callback_data…) are dropped by zod; a future status
// value or message type is skipped rather than refusing the whole delivery.
const unixSeconds = z.union([z.string().regex(/^\d{1,12}$/), z.number().int().nonnegative()]).transform((s) => new Date(Number(s) * 1000));

const statusSchema = z.object({
  id: z.string().min(1),
  status: z.string(),
  timestamp: unixSeconds,
  recipient_id: z.string(),
  errors: z
    .array(
      z.object({
        code: z.coerce.number().int(),
        title: z.string().optional(),
        message: z.string().optional(),
        error_data: z.object({ details: z.string().optional() }).optional(),
      }),
    )
    .optional(),
});

const inboundSchema = z.object({
  from: z.string().regex(/^\d{6,15}$/),
  id: z.string().min(1),
  timestamp: unixSeconds,
  type: z.string(),
  text: z.object({ body: z.string() }).optional(),
  // A tap on a template's quick-reply button ("BERHENTI") comes as type "button".
  button: z.object({ text: z.string() }).optional(),
});

const messagesValueSchema = z.object({
  messaging_product: z.literal("whatsapp"),
  metadata: z.object({ display_phone_number: z.string(), phone_number_id: z.string() }),
  statuses: z.array(statusSchema).optional(),
  messages: z.array(inboundSchema).optional(),
});

const webhookSchema = z.object({
  object: z.literal("whatsapp_business_account"),
  entry: z.array(
    z.object({
      id: z.string(),
      changes: z.array(z.object({ field: z.string(), value: z.unknown() })),
    }),
  ),
});

function isStatus(s: string): s is MessageStatus {
  return (MESSAGE_STATUSES as readonly string[]).includes(s);
}

/**
 * The events in a webhook body (already verified by its signature): a flat list of
 * statuses and inbound messages, in the order they appear. Null when the body is not a
 * WhatsApp Business Account webhook, or a "messages" change in it is malformed. Changes
 * of other fields (template reviews, account updates) carry no events here.
 */
export function parseStatusWebhook(json: unknown): WebhookEvent[] | null {
  const parsed = webhookSchema.safeParse(json);
  if (!parsed.success) return null;
  const events: WebhookEvent[] = [];
  for (const entry of parsed.data.entry) {
    for (const change of entry.changes) {
      if (change.field !== "messages") continue;
      const value = messagesValueSchema.safeParse(change.value);
      if (!value.success) return null;
      for (const s of value.data.statuses ?? []) {
        if (!isStatus(s.status)) continue;
        const errorCode = s.errors?.[0]?.code;
        events.push({
          kind: "status",
          messageId: s.id,
          status: s.status,
          at: s.timestamp,
          recipientId: s.recipient_id,
          ...(errorCode === undefined ? {} : { errorCode }),
        });
      }
      for (const m of value.data.messages ?? []) {
        events.push({
          kind: "inbound",
          // wa_id and "from" are the number's digits without "+".
          from: `+${m.from}`,
          waMessageId: m.id,
          at: m.timestamp,
          type: m.type,
          text: m.text?.body ?? m.button?.text ?? null,
        });
      }
    }
  }
  return events;
}
