import "server-only";
import { z } from "zod";
import { buildWhatsAppTemplate, TemplateValuesInvalid, type TemplateKey, type TemplateValues } from "./templates";

// The WhatsApp Business Platform's Cloud API: one template message per call, to POST
// {WHATSAPP_API_BASE}/{WHATSAPP_PHONE_NUMBER_ID}/messages with the system user's token.
// A send never throws: it answers what happened, and whether trying again later could
// help, so that the job that sends (lib/jobs) retries with backoff, or ends the message
// as failed at once and, when the number cannot receive WhatsApp, marks the contact.
// Nothing here logs: the token and the recipient's number must never reach a log, and
// the texts returned are scrubbed of both.

/** The Graph API version is pinned: a new version can change shapes, and is adopted on purpose. */
export const DEFAULT_WHATSAPP_API_BASE = "https://graph.facebook.com/v21.0";

/** A send must end well inside its job's expiry (lib/jobs/queues.ts), as the SMTP timeouts do. */
export const WHATSAPP_TIMEOUT_MS = 15_000;

export type WhatsAppConfig = {
  token: string;
  phoneNumberId: string;
  apiBase: string;
  /** For the webhook's signatures (WHATSAPP_APP_SECRET); null: the webhook refuses every POST. */
  appSecret: string | null;
  /** For the webhook's GET handshake (WHATSAPP_VERIFY_TOKEN); null: no handshake succeeds. */
  verifyToken: string | null;
  /**
   * Sends a second from this number, all workers together (WHATSAPP_MESSAGES_PER_SECOND,
   * default 70: under the Cloud API's standard 80 a second per phone number).
   */
  messagesPerSecond: number;
};

/**
 * The Cloud API's settings from the environment, or null without a token and a phone
 * number ID: the app runs without WhatsApp, and messages to phones stay "recorded".
 */
export function whatsappConfig(env: Record<string, string | undefined> = process.env): WhatsAppConfig | null {
  const token = env.WHATSAPP_TOKEN?.trim();
  const phoneNumberId = env.WHATSAPP_PHONE_NUMBER_ID?.trim();
  if (!token || !phoneNumberId) return null;
  return {
    token,
    phoneNumberId,
    apiBase: (env.WHATSAPP_API_BASE?.trim() || DEFAULT_WHATSAPP_API_BASE).replace(/\/+$/, ""),
    appSecret: env.WHATSAPP_APP_SECRET?.trim() || null,
    verifyToken: env.WHATSAPP_VERIFY_TOKEN?.trim() || null,
    messagesPerSecond: perSecond(env.WHATSAPP_MESSAGES_PER_SECOND),
  };
}

function perSecond(value: string | undefined): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 && n <= 1000 ? n : 70;
}

/**
 * Why a send failed, for the PMO's outbox and the retry decision:
 * rate_limited and unavailable pass (retryable); recipient, template, request, auth and
 * account need someone to act (permanent); network and timeout are retryable.
 */
export type FailureReason =
  | "rate_limited"
  | "unavailable"
  | "network"
  | "timeout"
  | "recipient"
  | "template"
  | "request"
  | "auth"
  | "account"
  | "unknown";

export type SendResult =
  | { ok: true; messageId: string; waId: string | null }
  | {
      ok: false;
      retryable: boolean;
      /** The number cannot receive WhatsApp: mark the contact, use the other channel. */
      unreachable: boolean;
      /** The API's error code (error.code), or null when there was no API answer. */
      code: number | null;
      /** The HTTP status, or null when there was no HTTP answer. */
      status: number | null;
      reason: FailureReason;
      message: string;
    };

// Error codes from Meta's "WhatsApp error codes" page (developers.facebook.com/
// documentation/business-messaging/whatsapp/support/error-codes), which asks that error
// handling be built on `code` (and error_data.details), never on the message's title.
//
// Throughput and pair limits pass with time: 130429 rate limit hit (the phone number's
// messages per second), 131056 (business, consumer) pair rate limit hit, 80007 the
// WhatsApp Business Account's rate limit, 4 the app's API call limit, 131048 spam rate
// limit (the number's quality; may last longer than the retries, then ends failed).
const RATE_LIMITED = new Set([130429, 131056, 80007, 4, 131048]);
// 131000 something went wrong, 131016 service unavailable, 2 API service (temporary
// downtime or overload), 1 API unknown ("possible server error").
const UNAVAILABLE = new Set([131000, 131016, 2, 1]);
// 131026 message undeliverable: the number is not on WhatsApp, or its owner has not
// accepted the current terms, or runs a WhatsApp too old for the message. The only code
// that says the recipient cannot receive WhatsApp. 131030 (not in the allowed list) is
// a test account's limit, and 131021 (recipient cannot be sender) our own number: both
// permanent, neither says anything about the contact. 100 is sometimes returned for a
// number that is not on WhatsApp, but is also every malformed parameter, so it does not
// mark a contact.
const UNREACHABLE = new Set([131026]);
const RECIPIENT = new Set([131026, 131030, 131021]);
// 132000 parameter count mismatch, 132001 template does not exist (in that language),
// 132005 translated text too long, 132007 format character policy violated, 132012
// parameter format mismatch, 132015 template paused, 132016 template disabled.
const TEMPLATE = new Set([132000, 132001, 132005, 132007, 132012, 132015, 132016]);
// 100 invalid parameter, 131008 required parameter missing, 131009 parameter value not
// valid, 131051 unsupported message type, 131047 re-engagement (outside the 24-hour
// window without a template), 131052/131053 media download/upload error.
const REQUEST = new Set([100, 131008, 131009, 131051, 131047, 131052, 131053]);
// 0 and 190 the token (missing, expired, invalid), 3 capability, 10 permission denied.
const AUTH = new Set([0, 190, 3, 10]);
// 131031 account locked, 131042 business eligibility (payment), 368 temporarily blocked
// for policy violations: not for a retry a few minutes later to fix.
const ACCOUNT = new Set([131031, 131042, 368]);

/**
 * Retryable or permanent, from the API's code first (the more precise), then from the
 * HTTP status: 429 and 5xx pass, any other 4xx does not.
 */
export function classifyError(status: number | null, code: number | null): { retryable: boolean; unreachable: boolean; reason: FailureReason } {
  const permanent = (reason: FailureReason) => ({ retryable: false, unreachable: code !== null && UNREACHABLE.has(code), reason });
  if (code !== null) {
    if (RATE_LIMITED.has(code)) return { retryable: true, unreachable: false, reason: "rate_limited" };
    if (UNAVAILABLE.has(code)) return { retryable: true, unreachable: false, reason: "unavailable" };
    if (RECIPIENT.has(code)) return permanent("recipient");
    if (TEMPLATE.has(code)) return permanent("template");
    if (REQUEST.has(code)) return permanent("request");
    if (AUTH.has(code) || (code >= 200 && code <= 299)) return permanent("auth");
    if (ACCOUNT.has(code)) return permanent("account");
  }
  if (status === 429) return { retryable: true, unreachable: false, reason: "rate_limited" };
  if (status !== null && status >= 500) return { retryable: true, unreachable: false, reason: "unavailable" };
  if (status === 401 || status === 403) return permanent("auth");
  return permanent("unknown");
}

/** Whether an error code (from a send, or a "failed" status webhook) means: not on WhatsApp. */
export function isUnreachableCode(code: number | null | undefined): boolean {
  return typeof code === "number" && UNREACHABLE.has(code);
}

const successSchema = z.object({
  messaging_product: z.literal("whatsapp"),
  contacts: z.array(z.object({ input: z.string(), wa_id: z.string() })).optional(),
  messages: z.array(z.object({ id: z.string().min(1) })).min(1),
});

const errorSchema = z.object({
  error: z.object({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.coerce.number().int().optional(),
    error_subcode: z.coerce.number().int().optional(),
    error_data: z.object({ details: z.string().optional() }).loose().optional(),
    fbtrace_id: z.string().optional(),
  }),
});

const E164 = /^\+[1-9]\d{6,14}$/;

/** The token and anything that looks like a phone number taken out of a text we keep. */
function scrub(text: string, token: string): string {
  let out = text;
  if (token) out = out.split(token).join("[token]");
  return out.replace(/\+?\d[\d\s-]{6,}\d/g, "[digits]").slice(0, 300);
}

function fail(status: number | null, code: number | null, message: string, token: string): SendResult {
  return { ok: false, ...classifyError(status, code), code, status, message: scrub(message, token) };
}

export type SendTemplateInput<K extends TemplateKey> = {
  /** The recipient in E.164 ("+6281234567890"). */
  to: string;
  template: K;
  values: TemplateValues<K>;
};

/**
 * Sends one template message. Without configuration (whatsappConfig() null) it sends
 * nothing and says so: a permanent "auth" failure, code null.
 */
export async function sendTemplate<K extends TemplateKey>(
  input: SendTemplateInput<K>,
  opts: { config?: WhatsAppConfig | null; timeoutMs?: number } = {},
): Promise<SendResult> {
  const config = opts.config === undefined ? whatsappConfig() : opts.config;
  if (!config) return { ok: false, retryable: false, unreachable: false, code: null, status: null, reason: "auth", message: "WhatsApp is not configured" };
  if (!E164.test(input.to)) {
    return { ok: false, retryable: false, unreachable: false, code: null, status: null, reason: "request", message: "recipient is not an E.164 number" };
  }
  let template;
  try {
    template = buildWhatsAppTemplate(input.template, input.values);
  } catch (error) {
    if (error instanceof TemplateValuesInvalid) {
      return { ok: false, retryable: false, unreachable: false, code: null, status: null, reason: "request", message: error.message };
    }
    throw error;
  }

  return post(config, input.to, { type: "template", template }, opts.timeoutMs);
}

/**
 * Sends a free-form text: allowed only inside the 24-hour window after the person wrote to
 * the number (the answer to their BERHENTI or MULAI). Same answers as sendTemplate.
 */
export async function sendText(
  input: { to: string; body: string },
  opts: { config?: WhatsAppConfig | null; timeoutMs?: number } = {},
): Promise<SendResult> {
  const config = opts.config === undefined ? whatsappConfig() : opts.config;
  if (!config) return { ok: false, retryable: false, unreachable: false, code: null, status: null, reason: "auth", message: "WhatsApp is not configured" };
  if (!E164.test(input.to)) {
    return { ok: false, retryable: false, unreachable: false, code: null, status: null, reason: "request", message: "recipient is not an E.164 number" };
  }
  const body = input.body.trim();
  if (!body || body.length > 4096) {
    return { ok: false, retryable: false, unreachable: false, code: null, status: null, reason: "request", message: "text body empty or over 4096 characters" };
  }
  return post(config, input.to, { type: "text", text: { preview_url: false, body } }, opts.timeoutMs);
}

/** POSTs one message to the Cloud API and reads its answer. */
async function post(config: WhatsAppConfig, to: string, message: Record<string, unknown>, timeoutMs?: number): Promise<SendResult> {
  const { token } = config;
  let response: Response;
  try {
    response = await fetch(`${config.apiBase}/${encodeURIComponent(config.phoneNumberId)}/messages`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({
        messaging_product: "whatsapp",
        recipient_type: "individual",
        // The API takes the number's digits; it accepts a "+" too, but its examples and
        // the wa_id it answers are digits only.
        to: to.slice(1),
        ...message,
      }),
      signal: AbortSignal.timeout(timeoutMs ?? WHATSAPP_TIMEOUT_MS),
    });
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === "TimeoutError" || name === "AbortError") {
      return { ok: false, retryable: true, unreachable: false, code: null, status: null, reason: "timeout", message: "no answer from the WhatsApp API in time" };
    }
    // fetch's own message ("fetch failed") and its cause's code (ECONNREFUSED…), nothing more.
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const detail = cause && typeof cause.code === "string" ? ` (${cause.code})` : "";
    return { ok: false, retryable: true, unreachable: false, code: null, status: null, reason: "network", message: scrub(`could not reach the WhatsApp API${detail}`, token) };
  }

  let json: unknown = null;
  try {
    json = await response.json();
  } catch {
    // A proxy's HTML error page, or a body cut off: judged by the status alone.
  }

  if (response.ok) {
    const parsed = successSchema.safeParse(json);
    if (parsed.success) return { ok: true, messageId: parsed.data.messages[0].id, waId: parsed.data.contacts?.[0]?.wa_id ?? null };
    // Accepted without a message id: it may have gone out, so it is not sent again.
    return { ok: false, retryable: false, unreachable: false, code: null, status: response.status, reason: "unknown", message: `unexpected answer (HTTP ${response.status})` };
  }

  const parsed = errorSchema.safeParse(json);
  if (!parsed.success) return fail(response.status, null, `HTTP ${response.status}`, token);
  const e = parsed.data.error;
  const code = e.code ?? null;
  const details = e.error_data?.details;
  // Meta's message already starts "(#131026) …" as a rule; the code is added when not.
  const title = e.message ?? `HTTP ${response.status}`;
  const head = code !== null && !title.startsWith("(#") ? `(#${code}) ${title}` : title;
  return fail(response.status, code, details ? `${head}: ${details}` : head, token);
}
