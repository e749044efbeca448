import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakeWhatsApp, type FakeWhatsApp } from "@/lib/testing/fake-whatsapp";
import { TEMPLATES } from "./templates";
import { parseStatusWebhook, verifyMetaSignature } from "./webhook-signature";
import {
  classifyError,
  DEFAULT_WHATSAPP_API_BASE,
  isUnreachableCode,
  sendTemplate,
  whatsappConfig,
  type SendResult,
  type WhatsAppConfig,
} from "./whatsapp";

const TOKEN = "EAAG-test-token-0123456789abcdef";
const APP_SECRET = "test-app-secret";
const PHONE = "+6281234567890";

let fake: FakeWhatsApp;
let config: WhatsAppConfig;

beforeAll(async () => {
  fake = await startFakeWhatsApp({ token: TOKEN, appSecret: APP_SECRET, phoneNumberId: "1065403522" });
  config = whatsappConfig({ WHATSAPP_TOKEN: TOKEN, WHATSAPP_PHONE_NUMBER_ID: "1065403522", WHATSAPP_API_BASE: fake.base })!;
});
afterAll(() => fake.close());
afterEach(() => fake.setDelay(0));

const reminder = (to = PHONE) =>
  sendTemplate({ to, template: "deadline_reminder", values: { name: "Siti Aminah", date: "6 Juli 2026", daysLeft: "3 hari lagi" } }, { config });

function expectFailure(result: SendResult) {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error("sent");
  // The token and the recipient's number never come back in a failure's text.
  expect(result.message).not.toContain(TOKEN);
  expect(result.message).not.toContain("81234567890");
  return result;
}

describe("whatsappConfig", () => {
  it("is null without a token or a phone number ID", () => {
    expect(whatsappConfig({})).toBeNull();
    expect(whatsappConfig({ WHATSAPP_TOKEN: "t" })).toBeNull();
    expect(whatsappConfig({ WHATSAPP_PHONE_NUMBER_ID: "1" })).toBeNull();
    expect(whatsappConfig({ WHATSAPP_TOKEN: " ", WHATSAPP_PHONE_NUMBER_ID: "1" })).toBeNull();
  });

  it("defaults to the pinned Graph API version, and takes another base without its trailing slash", () => {
    expect(whatsappConfig({ WHATSAPP_TOKEN: "t", WHATSAPP_PHONE_NUMBER_ID: "1" })).toEqual({
      token: "t",
      phoneNumberId: "1",
      apiBase: DEFAULT_WHATSAPP_API_BASE,
      appSecret: null,
      verifyToken: null,
      messagesPerSecond: 70,
    });
    expect(whatsappConfig({ WHATSAPP_TOKEN: "t", WHATSAPP_PHONE_NUMBER_ID: "1", WHATSAPP_MESSAGES_PER_SECOND: "250" })?.messagesPerSecond).toBe(250);
    expect(whatsappConfig({ WHATSAPP_TOKEN: "t", WHATSAPP_PHONE_NUMBER_ID: "1", WHATSAPP_MESSAGES_PER_SECOND: "lots" })?.messagesPerSecond).toBe(70);
    expect(DEFAULT_WHATSAPP_API_BASE).toBe("https://graph.facebook.com/v21.0");
    const c = whatsappConfig({
      WHATSAPP_TOKEN: "t",
      WHATSAPP_PHONE_NUMBER_ID: "1",
      WHATSAPP_API_BASE: "http://127.0.0.1:9/v21.0/",
      WHATSAPP_APP_SECRET: "s",
      WHATSAPP_VERIFY_TOKEN: "v",
    });
    expect(c).toMatchObject({ apiBase: "http://127.0.0.1:9/v21.0", appSecret: "s", verifyToken: "v" });
  });

  it("sends nothing when not configured", async () => {
    const before = fake.requests.length;
    const result = await sendTemplate({ to: PHONE, template: "help_answered", values: { name: "Budi" } }, { config: null });
    expect(expectFailure(result)).toMatchObject({ retryable: false, unreachable: false, code: null });
    expect(fake.requests.length).toBe(before);
  });
});

describe("sendTemplate", () => {
  it("posts the documented template message and returns the message id", async () => {
    const result = await reminder();
    expect(result).toEqual({ ok: true, messageId: expect.stringMatching(/^wamid\./), waId: "6281234567890" });
    const request = fake.requests.at(-1)!;
    expect(request).toMatchObject({ version: "v21.0", phoneNumberId: "1065403522", authorized: true, status: 200 });
    expect(request.contentType).toMatch(/^application\/json/);
    expect(request.body).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "6281234567890",
      type: "template",
      template: {
        name: TEMPLATES.deadline_reminder.whatsapp.name,
        language: { code: "id" },
        components: [
          {
            type: "body",
            parameters: [
              { type: "text", text: "Siti Aminah" },
              { type: "text", text: "6 Juli 2026" },
              { type: "text", text: "3 hari lagi" },
            ],
          },
        ],
      },
    });
    expect(result.ok && result.messageId).toBe(request.messageId);
  });

  it("is refused with the documented OAuthException for a wrong token: permanent, not the contact's fault", async () => {
    const result = expectFailure(await sendTemplate({ to: PHONE, template: "help_answered", values: { name: "Budi" } }, { config: { ...config, token: "wrong-token" } }));
    expect(result).toMatchObject({ retryable: false, unreachable: false, code: 190, status: 401, reason: "auth" });
    expect(result.message).toContain("(#190)");
    expect(fake.requests.at(-1)).toMatchObject({ authorized: false, status: 401 });
  });

  const cases: [string, { status: number; code: number }, { retryable: boolean; unreachable: boolean; reason: string }][] = [
    ["throughput limit", { status: 429, code: 130429 }, { retryable: true, unreachable: false, reason: "rate_limited" }],
    ["pair rate limit", { status: 400, code: 131056 }, { retryable: true, unreachable: false, reason: "rate_limited" }],
    ["account rate limit", { status: 400, code: 80007 }, { retryable: true, unreachable: false, reason: "rate_limited" }],
    ["something went wrong", { status: 500, code: 131000 }, { retryable: true, unreachable: false, reason: "unavailable" }],
    ["service unavailable", { status: 503, code: 131016 }, { retryable: true, unreachable: false, reason: "unavailable" }],
    ["not a WhatsApp number", { status: 400, code: 131026 }, { retryable: false, unreachable: true, reason: "recipient" }],
    ["not in the allowed list", { status: 400, code: 131030 }, { retryable: false, unreachable: false, reason: "recipient" }],
    ["invalid parameter", { status: 400, code: 100 }, { retryable: false, unreachable: false, reason: "request" }],
    ["required parameter missing", { status: 400, code: 131008 }, { retryable: false, unreachable: false, reason: "request" }],
    ["parameter value not valid", { status: 400, code: 131009 }, { retryable: false, unreachable: false, reason: "request" }],
    ["unsupported message type", { status: 400, code: 131051 }, { retryable: false, unreachable: false, reason: "request" }],
    ["parameter count mismatch", { status: 400, code: 132000 }, { retryable: false, unreachable: false, reason: "template" }],
    ["template does not exist", { status: 404, code: 132001 }, { retryable: false, unreachable: false, reason: "template" }],
    ["format character policy", { status: 400, code: 132007 }, { retryable: false, unreachable: false, reason: "template" }],
    ["an unknown code on a 5xx", { status: 502, code: 999999 }, { retryable: true, unreachable: false, reason: "unavailable" }],
    ["an unknown code on a 4xx", { status: 400, code: 999999 }, { retryable: false, unreachable: false, reason: "unknown" }],
  ];

  it.each(cases)("classifies %s", async (_name, error, expected) => {
    fake.failNext(1, error);
    const result = expectFailure(await reminder());
    expect(result).toMatchObject({ ...expected, code: error.code, status: error.status });
    expect(result.message).toContain(`(#${error.code})`);
    // Only the one failure was asked for: the next send goes through.
    expect((await reminder()).ok).toBe(true);
  });

  it("classifies a failure by its HTTP status when the body is not the API's", async () => {
    expect(classifyError(429, null)).toEqual({ retryable: true, unreachable: false, reason: "rate_limited" });
    expect(classifyError(500, null)).toEqual({ retryable: true, unreachable: false, reason: "unavailable" });
    expect(classifyError(403, null)).toEqual({ retryable: false, unreachable: false, reason: "auth" });
    expect(classifyError(400, null)).toEqual({ retryable: false, unreachable: false, reason: "unknown" });
    expect(isUnreachableCode(131026)).toBe(true);
    expect(isUnreachableCode(131030)).toBe(false);
    expect(isUnreachableCode(undefined)).toBe(false);
  });

  it("keeps the token and numbers out of an error text that echoes them", async () => {
    fake.failNext(1, { status: 400, code: 100, message: `(#100) Invalid parameter ${TOKEN} for 6281234567890` });
    const result = expectFailure(await reminder());
    expect(result.message).toContain("[token]");
    expect(result.message).toContain("[digits]");
  });

  it("answers the throughput limit with 429/130429 beyond the fake's rate, and the client calls it retryable", async () => {
    const limited = await startFakeWhatsApp({ token: TOKEN, phoneNumberId: "1", ratePerSecond: 3 });
    try {
      const c = { ...config, phoneNumberId: "1", apiBase: limited.base };
      const results = await Promise.all(Array.from({ length: 5 }, () => sendTemplate({ to: PHONE, template: "help_answered", values: { name: "Budi" } }, { config: c })));
      expect(results.filter((r) => r.ok)).toHaveLength(3);
      for (const r of results.filter((r) => !r.ok)) expect(r).toMatchObject({ retryable: true, code: 130429, status: 429 });
    } finally {
      await limited.close();
    }
  });

  it("is answered 404/132001 and 400/132000 by a fake that knows which templates are approved", async () => {
    const strict = await startFakeWhatsApp({ token: TOKEN, phoneNumberId: "1", templates: { [TEMPLATES.help_answered.whatsapp.name]: 1, [TEMPLATES.deadline_reminder.whatsapp.name]: 2 } });
    try {
      const c = { ...config, phoneNumberId: "1", apiBase: strict.base };
      expect((await sendTemplate({ to: PHONE, template: "help_answered", values: { name: "Budi" } }, { config: c })).ok).toBe(true);
      const mismatch = await sendTemplate({ to: PHONE, template: "deadline_reminder", values: { name: "A", date: "B", daysLeft: "C" } }, { config: c });
      expect(mismatch).toMatchObject({ ok: false, retryable: false, code: 132000, status: 400 });
      const missing = await sendTemplate({ to: PHONE, template: "phone_confirmation", values: { code: "482913" } }, { config: c });
      expect(missing).toMatchObject({ ok: false, retryable: false, code: 132001, status: 404, reason: "template" });
    } finally {
      await strict.close();
    }
  });

  it("refuses without a request a number not in E.164 or values the template cannot take", async () => {
    const before = fake.requests.length;
    expect(expectFailure(await reminder("081234567890"))).toMatchObject({ retryable: false, unreachable: false, reason: "request" });
    const bad = await sendTemplate({ to: PHONE, template: "help_answered", values: { name: "" } }, { config });
    expect(expectFailure(bad)).toMatchObject({ retryable: false, unreachable: false, reason: "request" });
    expect(fake.requests.length).toBe(before);
  });

  it("gives up on an API that does not answer in time: retryable", async () => {
    fake.setDelay(1_000);
    const started = Date.now();
    const result = expectFailure(await sendTemplate({ to: PHONE, template: "help_answered", values: { name: "Budi" } }, { config, timeoutMs: 200 }));
    expect(result).toMatchObject({ retryable: true, unreachable: false, reason: "timeout", code: null, status: null });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it("calls a server that cannot be reached retryable", async () => {
    const gone = await startFakeWhatsApp({ token: TOKEN, phoneNumberId: "1" });
    await gone.close();
    const result = expectFailure(await sendTemplate({ to: PHONE, template: "help_answered", values: { name: "Budi" } }, { config: { ...config, apiBase: gone.base } }));
    expect(result).toMatchObject({ retryable: true, unreachable: false, reason: "network", code: null, status: null });
  });

  it("judges a non-JSON error page by its status, and an answer without a message id as not to be sent again", async () => {
    const odd = createServer((req, res) => {
      if (req.url?.includes("html")) {
        res.writeHead(502, { "Content-Type": "text/html" });
        res.end("<html>Bad gateway</html>");
      } else {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end("{}");
      }
    });
    await new Promise<void>((resolve) => odd.listen(0, "127.0.0.1", resolve));
    const port = (odd.address() as AddressInfo).port;
    try {
      const html = await sendTemplate({ to: PHONE, template: "help_answered", values: { name: "Budi" } }, { config: { ...config, apiBase: `http://127.0.0.1:${port}/html` } });
      expect(expectFailure(html)).toMatchObject({ retryable: true, code: null, status: 502 });
      const empty = await sendTemplate({ to: PHONE, template: "help_answered", values: { name: "Budi" } }, { config: { ...config, apiBase: `http://127.0.0.1:${port}/v21.0` } });
      expect(expectFailure(empty)).toMatchObject({ retryable: false, code: null, status: 200 });
    } finally {
      await new Promise((resolve) => odd.close(resolve));
    }
  });
});

describe("the fake's webhooks", () => {
  let received: { signature: string | undefined; raw: string }[];
  let url: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    received = [];
    // A stand-in for the app's route: checks the signature first, as the route must.
    const server = createServer(async (req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const raw = Buffer.concat(chunks);
      const signature = req.headers["x-hub-signature-256"] as string | undefined;
      received.push({ signature, raw: raw.toString("utf8") });
      res.writeHead(verifyMetaSignature(raw, signature ?? null, APP_SECRET) ? 200 : 401);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/whatsapp`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  });
  afterAll(() => close());

  it("sends statuses in any order, signed with the app secret, in the documented shape", async () => {
    const sent = await reminder();
    const messageId = sent.ok ? sent.messageId : "";
    const t = 1_751_520_000;
    for (const [status, ts] of [["read", t + 30], ["sent", t], ["delivered", t + 10]] as const) {
      expect((await fake.sendStatus(url, { messageId, status, recipient: PHONE, timestamp: ts })).status).toBe(200);
    }
    const events = received.slice(-3).flatMap((r) => parseStatusWebhook(JSON.parse(r.raw)) ?? []);
    expect(events.map((e) => e.kind === "status" && [e.messageId, e.status, e.at.getTime() / 1000])).toEqual([
      [messageId, "read", t + 30],
      [messageId, "sent", t],
      [messageId, "delivered", t + 10],
    ]);
  });

  it("sends a failed status with its error code, and an inbound text", async () => {
    expect((await fake.sendStatus(url, { messageId: "wamid.X", status: "failed", recipient: PHONE, errorCode: 131026 })).status).toBe(200);
    expect((await fake.sendInbound(url, { from: PHONE, text: "BERHENTI" })).status).toBe(200);
    const [failed, inbound] = received.slice(-2).map((r) => parseStatusWebhook(JSON.parse(r.raw))?.[0]);
    expect(failed).toMatchObject({ kind: "status", status: "failed", errorCode: 131026 });
    expect(inbound).toMatchObject({ kind: "inbound", from: PHONE, text: "BERHENTI" });
  });

  it("can forge: another secret, no signature, or a given header, which the route refuses", async () => {
    const update = { messageId: "wamid.Y", status: "read" as const, recipient: PHONE };
    expect((await fake.sendStatus(url, update, { secret: "not-the-app-secret" })).status).toBe(401);
    expect((await fake.sendStatus(url, update, { header: null })).status).toBe(401);
    expect(received.at(-1)!.signature).toBeUndefined();
    expect((await fake.sendStatus(url, update, { header: "sha256=00" })).status).toBe(401);
  });
});
