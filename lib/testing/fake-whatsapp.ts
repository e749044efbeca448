// A WhatsApp Cloud API for tests: a local HTTP server (node:http; nothing outside the
// machine is reached) that speaks the documented shapes. POST /{version}/{phone number
// id}/messages checks the bearer token and the message, records it, and answers the
// documented success with a new "wamid." id; it can be told to answer the next sends
// with a documented error, to hold to a rate (messages per second) as the real
// throughput limit does, and to take its time. It also plays Meta's side of the
// webhook: status updates (in any order) and inbound messages, POSTed to a URL and
// signed with the app secret as Meta signs them. The app reaches it through
// WHATSAPP_API_BASE, as it would the real one.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { metaSignature } from "@/lib/channels/webhook-signature";

export type RecordedRequest = {
  at: number;
  version: string;
  phoneNumberId: string;
  /** Whether the bearer token was the expected one (the token itself is not kept). */
  authorized: boolean;
  contentType: string | null;
  body: unknown;
  /** The answer given: the HTTP status, and the message id when accepted. */
  status: number;
  messageId: string | null;
};

export type FakeError = { status: number; code: number; message?: string; details?: string };

export type StatusUpdate = {
  messageId: string;
  status: "sent" | "delivered" | "read" | "failed";
  /** The recipient's number, digits or E.164. */
  recipient: string;
  /** Seconds since 1970; now by default. */
  timestamp?: number;
  /** For "failed": the error code (131026…) and its title. */
  errorCode?: number;
  errorTitle?: string;
};

export type InboundText = { from: string; text: string; id?: string; timestamp?: number; name?: string };

/** Whose signature a webhook carries: the app secret's (default), another secret's, a given header, or none. */
export type SignAs = { secret?: string; header?: string | null };

export type FakeWhatsApp = {
  /** The value for WHATSAPP_API_BASE: "http://127.0.0.1:<port>/v21.0". */
  base: string;
  port: number;
  phoneNumberId: string;
  requests: RecordedRequest[];
  /** The messages accepted, in order (the successful requests' bodies). */
  /** Template messages carry `template`; a free-form answer (to BERHENTI, MULAI) carries `text` instead. */
  accepted: () => { to: string; template: { name: string; language: { code: string }; components: unknown[] }; text: string | null; messageId: string }[];
  failNext: (n: number, error: FakeError) => void;
  /** Each answer waits this long first (0: none); a timeout test sets it above the client's. */
  setDelay: (ms: number) => void;
  sendStatus: (url: string, update: StatusUpdate | StatusUpdate[], sign?: SignAs) => Promise<{ status: number; body: string }>;
  sendInbound: (url: string, message: InboundText, sign?: SignAs) => Promise<{ status: number; body: string }>;
  /** Any payload, signed like the others (for forged or malformed webhooks). */
  sendWebhook: (url: string, payload: unknown, sign?: SignAs) => Promise<{ status: number; body: string }>;
  close: () => Promise<void>;
};

// The documented titles of the codes a test is likely to ask for; the message is
// "(#code) title", as the Graph API writes it.
const TITLES: Record<number, string> = {
  1: "API Unknown",
  2: "API Service",
  4: "API Too Many Calls",
  100: "Invalid parameter",
  190: "Invalid OAuth access token - Cannot parse access token",
  80007: "Rate limit issues",
  130429: "Rate limit hit",
  131000: "Something went wrong",
  131008: "Required parameter is missing",
  131009: "Parameter value is not valid",
  131016: "Service unavailable",
  131021: "Recipient cannot be sender",
  131026: "Message Undeliverable.",
  131030: "Recipient phone number not in allowed list",
  131047: "Re-engagement message",
  131048: "Spam rate limit hit",
  131051: "Unsupported message type",
  131056: "(Business Account, Consumer Account) pair rate limit hit",
  132000: "Number of parameters does not match the expected number of params",
  132001: "Template name does not exist in the translation",
  132007: "Template Format Character Policy Violated",
};

function traceId(): string {
  return randomBytes(9).toString("base64url");
}

function errorBody(code: number, message?: string, details?: string, type = "OAuthException") {
  const title = message ?? TITLES[code] ?? "Error";
  return {
    error: {
      message: title.startsWith("(#") ? title : `(#${code}) ${title}`,
      type,
      code,
      error_data: { messaging_product: "whatsapp", details: details ?? title },
      fbtrace_id: traceId(),
    },
  };
}

/** The error of a "failed" status webhook, as documented: code, title, message, details. */
function statusError(code: number, title = TITLES[code] ?? "Error") {
  return { code, title, message: title, error_data: { details: title } };
}

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=UTF-8", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const digits = (phone: string) => phone.replace(/^\+/, "");

/** What is wrong with a message body, as the API would answer it, or null. */
function checkMessage(body: unknown): { code: number; details: string } | null {
  if (typeof body !== "object" || body === null) return { code: 100, details: "The request body is not a JSON object" };
  const b = body as Record<string, unknown>;
  for (const field of ["messaging_product", "to", "type"]) {
    if (b[field] === undefined) return { code: 131008, details: `The parameter ${field} is required.` };
  }
  if (b.messaging_product !== "whatsapp") return { code: 100, details: "messaging_product must be whatsapp" };
  if (b.recipient_type !== undefined && b.recipient_type !== "individual") return { code: 100, details: "recipient_type must be individual" };
  if (typeof b.to !== "string" || !/^\+?\d{7,15}$/.test(b.to)) return { code: 100, details: "to is not a phone number" };
  if (b.type === "text") {
    // A free-form text: only inside the 24-hour window after the person wrote (the app sends
    // one only as the answer to BERHENTI or MULAI).
    const text = b.text as { body?: unknown } | undefined;
    if (!text || typeof text.body !== "string" || !text.body.trim()) return { code: 131008, details: "The parameter text['body'] is required." };
    if (text.body.length > 4096) return { code: 100, details: "text['body'] is longer than 4096 characters" };
    return null;
  }
  if (b.type !== "template") return { code: 131051, details: "This fake accepts template and text messages only" };
  const t = b.template as Record<string, unknown> | undefined;
  if (!t || typeof t !== "object") return { code: 131008, details: "The parameter template is required." };
  if (typeof t.name !== "string" || !t.name) return { code: 131008, details: "The parameter template['name'] is required." };
  const language = t.language as { code?: unknown } | undefined;
  if (!language || typeof language.code !== "string") return { code: 131008, details: "The parameter template['language']['code'] is required." };
  if (t.components !== undefined && !Array.isArray(t.components)) return { code: 100, details: "template['components'] must be an array" };
  for (const c of (t.components as Record<string, unknown>[] | undefined) ?? []) {
    if (typeof c?.type !== "string" || !Array.isArray(c.parameters)) return { code: 100, details: "Each component needs a type and parameters" };
    for (const p of c.parameters as Record<string, unknown>[]) {
      if (p?.type !== "text" || typeof p.text !== "string" || p.text === "") return { code: 131009, details: "Each parameter needs a type and a non-empty text" };
      if (/[\n\t]/.test(p.text) || / {5,}/.test(p.text)) {
        return { code: 100, details: "Param text cannot have new-line/tab characters or more than 4 consecutive spaces" };
      }
    }
  }
  return null;
}

export async function startFakeWhatsApp(
  opts: {
    /** The bearer token it expects. */
    token?: string;
    /** Signs the webhooks it sends (X-Hub-Signature-256). */
    appSecret?: string;
    /** The phone number ID it answers for; another ID in the path is a 400, code 100. */
    phoneNumberId?: string;
    /** Messages accepted per second at most; beyond it, 429 with code 130429. */
    ratePerSecond?: number;
    /** Approved templates by name, with how many body parameters each takes: another name is 404/132001, another count 400/132000. */
    templates?: Record<string, number>;
    port?: number;
  } = {},
): Promise<FakeWhatsApp> {
  const token = opts.token ?? "fake-whatsapp-token";
  const appSecret = opts.appSecret ?? "fake-whatsapp-app-secret";
  const phoneNumberId = opts.phoneNumberId ?? "106540352242922";
  const requests: RecordedRequest[] = [];
  const failures: FakeError[] = [];
  const acceptedTimes: number[] = [];
  let delayMs = 0;
  const timers = new Set<NodeJS.Timeout>();

  function accepted() {
    return requests
      .filter((r) => r.messageId)
      .map((r) => {
        const b = r.body as { to: string; template: { name: string; language: { code: string }; components: unknown[] }; text?: { body: string } };
        return { to: b.to, template: b.template, text: b.text?.body ?? null, messageId: r.messageId! };
      });
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const raw = await readBody(req);
    if (delayMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, delayMs);
        timers.add(timer);
      });
      if (res.destroyed) return;
    }
    const path = new URL(req.url ?? "/", "http://fake").pathname;
    // Not the API: what a test in another process (a Playwright spec) reads back, as a
    // person reads their phone: the messages accepted, newest last.
    if (req.method === "GET" && path === "/__fake/accepted") return send(res, 200, accepted());
    const match = /^\/(v\d+\.\d+)\/([^/]+)\/messages$/.exec(path);
    if (req.method !== "POST" || !match) {
      // The Graph API's answer to a path it does not know.
      return send(res, 400, errorBody(2500, `Unknown path components: ${path}`, undefined, "OAuthException"));
    }
    const authorized = req.headers.authorization === `Bearer ${token}`;
    let body: unknown = null;
    try {
      body = JSON.parse(raw);
    } catch {
      body = raw;
    }
    const record: RecordedRequest = {
      at: Date.now(),
      version: match[1],
      phoneNumberId: decodeURIComponent(match[2]),
      authorized,
      contentType: req.headers["content-type"] ?? null,
      body,
      status: 0,
      messageId: null,
    };
    requests.push(record);
    const answer = (status: number, payload: unknown) => {
      record.status = status;
      send(res, status, payload);
    };

    // The order a real call meets its checks in: the token, the path, the message, then
    // the throughput limit; a failure asked for by the test comes before the limit.
    if (!authorized) return answer(401, errorBody(190, undefined, undefined, "OAuthException"));
    if (record.phoneNumberId !== phoneNumberId) {
      return answer(400, errorBody(100, "Unsupported post request. Object with ID does not exist, cannot be loaded due to missing permissions, or does not support this operation"));
    }
    const wrong = checkMessage(body);
    if (wrong) return answer(400, errorBody(wrong.code, undefined, wrong.details));
    const message = body as { to: string; template?: { name: string; components?: { type: string; parameters: unknown[] }[] } };
    if (opts.templates && message.template) {
      const count = opts.templates[message.template.name];
      if (count === undefined) return answer(404, errorBody(132001, undefined, `template name (${message.template.name}) does not exist in the translation`));
      const given = message.template.components?.find((c) => c.type === "body")?.parameters.length ?? 0;
      if (given !== count) return answer(400, errorBody(132000, undefined, `body: number of localizable_params (${given}) does not match the expected number of params (${count})`));
    }
    const failure = failures.shift();
    if (failure) return answer(failure.status, errorBody(failure.code, failure.message, failure.details));
    if (opts.ratePerSecond) {
      const now = Date.now();
      while (acceptedTimes.length && acceptedTimes[0] <= now - 1000) acceptedTimes.shift();
      if (acceptedTimes.length >= opts.ratePerSecond) return answer(429, errorBody(130429));
      acceptedTimes.push(now);
    }
    const messageId = `wamid.${randomBytes(24).toString("base64").replace(/=+$/, "")}`;
    record.messageId = messageId;
    return answer(200, {
      messaging_product: "whatsapp",
      contacts: [{ input: message.to, wa_id: digits(message.to) }],
      messages: [{ id: messageId }],
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, errorBody(131000));
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  const metadata = { display_phone_number: "15550783881", phone_number_id: phoneNumberId };
  const envelope = (value: Record<string, unknown>) => ({
    object: "whatsapp_business_account",
    entry: [{ id: "102290129340398", changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata, ...value } }] }],
  });

  async function sendWebhook(url: string, payload: unknown, sign: SignAs = {}) {
    const raw = JSON.stringify(payload);
    const header = "header" in sign ? sign.header : metaSignature(raw, sign.secret ?? appSecret);
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (header !== null && header !== undefined) headers["X-Hub-Signature-256"] = header;
    const response = await fetch(url, { method: "POST", headers, body: raw, signal: AbortSignal.timeout(15_000) });
    return { status: response.status, body: await response.text() };
  }

  const now = () => Math.floor(Date.now() / 1000);

  return {
    base: `http://127.0.0.1:${port}/v21.0`,
    port,
    phoneNumberId,
    requests,
    accepted,
    failNext: (n, error) => {
      for (let i = 0; i < n; i++) failures.push(error);
    },
    setDelay: (ms) => {
      delayMs = ms;
    },
    sendStatus: (url, update, sign) => {
      const updates = Array.isArray(update) ? update : [update];
      return sendWebhook(
        url,
        envelope({
          statuses: updates.map((u) => ({
            id: u.messageId,
            status: u.status,
            timestamp: String(u.timestamp ?? now()),
            recipient_id: digits(u.recipient),
            ...(u.status === "failed"
              ? { errors: [statusError(u.errorCode ?? 131026, u.errorTitle)] }
              : { conversation: { id: "CONVERSATION_ID", origin: { type: "utility" } }, pricing: { billable: true, pricing_model: "PMP", category: "utility" } }),
          })),
        }),
        sign,
      );
    },
    sendInbound: (url, message, sign) =>
      sendWebhook(
        url,
        envelope({
          contacts: [{ profile: { name: message.name ?? "Peserta" }, wa_id: digits(message.from) }],
          messages: [
            {
              from: digits(message.from),
              id: message.id ?? `wamid.${randomBytes(24).toString("base64").replace(/=+$/, "")}`,
              timestamp: String(message.timestamp ?? now()),
              type: "text",
              text: { body: message.text },
            },
          ],
        }),
        sign,
      ),
    sendWebhook,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
