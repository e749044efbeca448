import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  advances,
  MESSAGE_STATUSES,
  metaSignature,
  parseStatusWebhook,
  statusRank,
  verifyHandshake,
  verifyMetaSignature,
  type MessageStatus,
} from "./webhook-signature";

const SECRET = "app-secret-for-tests";
const BODY = JSON.stringify({ object: "whatsapp_business_account", entry: [] });
const hex = (body: string | Buffer, secret = SECRET) => createHmac("sha256", secret).update(body).digest("hex");

describe("verifyMetaSignature", () => {
  it("accepts the HMAC-SHA256 of the raw body with the app secret", () => {
    expect(verifyMetaSignature(BODY, `sha256=${hex(BODY)}`, SECRET)).toBe(true);
    expect(verifyMetaSignature(Buffer.from(BODY), `sha256=${hex(BODY)}`, SECRET)).toBe(true);
    expect(verifyMetaSignature(BODY, `sha256=${hex(BODY).toUpperCase()}`, SECRET)).toBe(true);
    expect(verifyMetaSignature(BODY, metaSignature(BODY, SECRET), SECRET)).toBe(true);
  });

  it("checks the bytes as sent: non-ASCII text signed as UTF-8", () => {
    const body = JSON.stringify({ text: "Terima kasih, Bu — sudah saya baca ✓" });
    expect(verifyMetaSignature(Buffer.from(body, "utf8"), `sha256=${hex(Buffer.from(body, "utf8"))}`, SECRET)).toBe(true);
  });

  it("refuses a tampered body", () => {
    const signature = `sha256=${hex(BODY)}`;
    expect(verifyMetaSignature(BODY.replace("[]", "[{}]"), signature, SECRET)).toBe(false);
    expect(verifyMetaSignature(`${BODY} `, signature, SECRET)).toBe(false);
    // The same JSON written again differently is not the body that was signed.
    expect(verifyMetaSignature(JSON.stringify(JSON.parse(BODY), null, 2), signature, SECRET)).toBe(false);
  });

  it("refuses a signature made with another secret, or checked without one", () => {
    expect(verifyMetaSignature(BODY, `sha256=${hex(BODY, "another-secret")}`, SECRET)).toBe(false);
    expect(verifyMetaSignature(BODY, `sha256=${hex(BODY, "")}`, "")).toBe(false);
  });

  it("refuses a missing or garbled header", () => {
    for (const header of [
      null,
      undefined,
      "",
      "sha256=",
      hex(BODY), // no "sha256=" prefix
      `sha1=${hex(BODY)}`,
      `sha256=${hex(BODY).slice(0, 63)}z`,
      `sha256=${hex(BODY)}, sha256=${hex(BODY)}`,
    ]) {
      expect(verifyMetaSignature(BODY, header, SECRET), String(header)).toBe(false);
    }
  });

  it("refuses a header of a different length without throwing", () => {
    expect(verifyMetaSignature(BODY, `sha256=${hex(BODY).slice(0, 62)}`, SECRET)).toBe(false);
    expect(verifyMetaSignature(BODY, `sha256=${hex(BODY)}00`, SECRET)).toBe(false);
    expect(verifyMetaSignature(BODY, `sha256=${"ab".repeat(200)}`, SECRET)).toBe(false);
  });
});

describe("verifyHandshake", () => {
  const query = (mode: string, token: string, challenge = "1158201444") =>
    new URLSearchParams({ "hub.mode": mode, "hub.verify_token": token, "hub.challenge": challenge });

  it("answers the challenge to a subscribe with our verify token", () => {
    expect(verifyHandshake(query("subscribe", "vt-123"), "vt-123")).toBe("1158201444");
    expect(verifyHandshake({ "hub.mode": "subscribe", "hub.verify_token": "vt-123", "hub.challenge": "42" }, "vt-123")).toBe("42");
  });

  it("answers nothing to a wrong token, another mode, a missing part, or without a configured token", () => {
    expect(verifyHandshake(query("subscribe", "vt-12"), "vt-123")).toBeNull();
    expect(verifyHandshake(query("subscribe", "vt-1234"), "vt-123")).toBeNull();
    expect(verifyHandshake(query("unsubscribe", "vt-123"), "vt-123")).toBeNull();
    expect(verifyHandshake(new URLSearchParams({ "hub.mode": "subscribe", "hub.verify_token": "vt-123" }), "vt-123")).toBeNull();
    expect(verifyHandshake(new URLSearchParams({ "hub.mode": "subscribe", "hub.challenge": "1" }), "vt-123")).toBeNull();
    expect(verifyHandshake({ "hub.mode": "subscribe", "hub.verify_token": ["vt-123", "vt-123"], "hub.challenge": "1" }, "vt-123")).toBeNull();
    expect(verifyHandshake(query("subscribe", ""), "")).toBeNull();
    expect(verifyHandshake(query("subscribe", "x"), undefined)).toBeNull();
  });
});

describe("statusRank and advances", () => {
  it("orders sent < delivered < read", () => {
    expect(statusRank("sent")).toBeLessThan(statusRank("delivered"));
    expect(statusRank("delivered")).toBeLessThan(statusRank("read"));
  });

  it("never goes backwards, whatever order the statuses come in", () => {
    const orders: MessageStatus[][] = [];
    const permute = (rest: MessageStatus[], acc: MessageStatus[]) => {
      if (rest.length === 0) orders.push(acc);
      rest.forEach((s, i) => permute([...rest.slice(0, i), ...rest.slice(i + 1)], [...acc, s]));
    };
    permute(["sent", "delivered", "read"], []);
    for (const order of orders) {
      let current: MessageStatus | null = null;
      for (const next of [...order, ...order]) {
        if (advances(current, next)) {
          if (current) expect(statusRank(next)).toBeGreaterThan(statusRank(current));
          current = next;
        }
      }
      expect(current, order.join(",")).toBe("read");
    }
  });

  it("treats failed as an end that only a message not yet delivered reaches", () => {
    expect(advances(null, "failed")).toBe(true);
    expect(advances("sent", "failed")).toBe(true);
    expect(advances("delivered", "failed")).toBe(false);
    expect(advances("read", "failed")).toBe(false);
    for (const next of MESSAGE_STATUSES) expect(advances("failed", next), next).toBe(false);
  });

  it("is no change for the same status again", () => {
    for (const s of MESSAGE_STATUSES) expect(advances(s, s), s).toBe(false);
  });
});

// The documented example payloads, trimmed to what matters, with the unknown fields a real
// one carries (pricing, conversation, contacts) left in.
function statusBody(statuses: unknown[]) {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: "102290129340398",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550783881", phone_number_id: "106540352242922" },
              statuses,
            },
          },
        ],
      },
    ],
  };
}

const status = (id: string, s: string, ts: number, extra: object = {}) => ({
  id,
  status: s,
  timestamp: String(ts),
  recipient_id: "6281234567890",
  conversation: { id: "c1", origin: { type: "utility" } },
  pricing: { billable: true, pricing_model: "PMP", category: "utility" },
  ...extra,
});

describe("parseStatusWebhook", () => {
  it("reads statuses in the order they came, out of order as they may be", () => {
    const events = parseStatusWebhook(
      statusBody([status("wamid.A", "read", 1751520300), status("wamid.A", "sent", 1751520000), status("wamid.A", "delivered", 1751520100)]),
    );
    expect(events).toEqual([
      { kind: "status", messageId: "wamid.A", status: "read", at: new Date(1751520300_000), recipientId: "6281234567890" },
      { kind: "status", messageId: "wamid.A", status: "sent", at: new Date(1751520000_000), recipientId: "6281234567890" },
      { kind: "status", messageId: "wamid.A", status: "delivered", at: new Date(1751520100_000), recipientId: "6281234567890" },
    ]);
  });

  it("keeps a failed status's error code", () => {
    const events = parseStatusWebhook(
      statusBody([
        status("wamid.B", "failed", 1751520000, {
          errors: [{ code: 131026, title: "Message undeliverable", message: "Message undeliverable", error_data: { details: "Message Undeliverable." } }],
        }),
      ]),
    );
    expect(events).toEqual([{ kind: "status", messageId: "wamid.B", status: "failed", at: new Date(1751520000_000), recipientId: "6281234567890", errorCode: 131026 }]);
  });

  it("reads an inbound text and a quick-reply button, with the sender in E.164", () => {
    const body = {
      object: "whatsapp_business_account",
      entry: [
        {
          id: "102290129340398",
          changes: [
            {
              field: "messages",
              value: {
                messaging_product: "whatsapp",
                metadata: { display_phone_number: "15550783881", phone_number_id: "106540352242922" },
                contacts: [{ profile: { name: "Siti" }, wa_id: "6281234567890" }],
                messages: [
                  { from: "6281234567890", id: "wamid.IN1", timestamp: "1751520000", type: "text", text: { body: "Bagaimana cara beli pelatihan?" } },
                  { from: "6281234567890", id: "wamid.IN2", timestamp: "1751520060", type: "button", button: { text: "BERHENTI", payload: "stop" } },
                  { from: "6281234567890", id: "wamid.IN3", timestamp: "1751520120", type: "image", image: { id: "m1", mime_type: "image/jpeg" } },
                ],
              },
            },
          ],
        },
      ],
    };
    expect(parseStatusWebhook(body)).toEqual([
      { kind: "inbound", from: "+6281234567890", waMessageId: "wamid.IN1", at: new Date(1751520000_000), type: "text", text: "Bagaimana cara beli pelatihan?" },
      { kind: "inbound", from: "+6281234567890", waMessageId: "wamid.IN2", at: new Date(1751520060_000), type: "button", text: "BERHENTI" },
      { kind: "inbound", from: "+6281234567890", waMessageId: "wamid.IN3", at: new Date(1751520120_000), type: "image", text: null },
    ]);
  });

  it("ignores unknown fields, other webhook fields and status values it does not know", () => {
    const body = statusBody([status("wamid.C", "delivered", 1751520000, { biz_opaque_callback_data: "x" }), status("wamid.C", "deleted", 1751520001)]);
    (body.entry[0].changes as unknown[]).push({ field: "message_template_status_update", value: { event: "APPROVED", message_template_name: "x" } });
    (body as Record<string, unknown>).extra = true;
    expect(parseStatusWebhook(body)).toEqual([
      { kind: "status", messageId: "wamid.C", status: "delivered", at: new Date(1751520000_000), recipientId: "6281234567890" },
    ]);
    expect(parseStatusWebhook({ object: "whatsapp_business_account", entry: [] })).toEqual([]);
  });

  it("refuses garbage", () => {
    for (const junk of [
      null,
      "text",
      42,
      [],
      {},
      { object: "page", entry: [] },
      { object: "whatsapp_business_account" },
      { object: "whatsapp_business_account", entry: [{ id: "1", changes: [{ field: "messages", value: { messaging_product: "sms" } }] }] },
      statusBody([{ id: "wamid.D", status: "sent" }]), // no timestamp, no recipient
      statusBody([status("wamid.E", "sent", 1, { timestamp: "yesterday" })]),
    ]) {
      expect(parseStatusWebhook(junk), JSON.stringify(junk)).toBeNull();
    }
  });
});
