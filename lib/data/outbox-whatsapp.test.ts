import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/db";
import { auditEvents, helpRequests, outboxMessages, participants, users } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { whatsappConfig, type WhatsAppConfig } from "@/lib/channels/whatsapp";
import { QUEUES } from "@/lib/jobs/queues";
import { startFakeWhatsApp, type FakeWhatsApp } from "@/lib/testing/fake-whatsapp";
import { jobsOf } from "@/lib/testing/jobs";
import { setWhatsAppEnv } from "@/lib/testing/whatsapp-env";
import { createTestParticipant } from "@/lib/testing/participants";
import { GET, POST } from "@/app/api/webhooks/whatsapp/route";
import { contactSchema } from "@/lib/validation/caseworker";
import { getCasefile, updateContact } from "./casework";
import { deliverMessage, listCasefileMessages, longDate, queueMessage } from "./outbox";
import { queueDeadlineReminders } from "./reminders";

// WhatsApp delivery against a fake Cloud API (lib/testing/fake-whatsapp.ts), and its
// status webhook (app/api/webhooks/whatsapp) fed by the fake's signed deliveries.

/** 10:00 in Jakarta: outside the quiet hours (lib/channels/quiet-hours.ts). */
const DAYTIME = new Date("2026-12-03T03:00:00Z");
let fake: FakeWhatsApp;
let config: WhatsAppConfig;
let hook: http.Server;
let hookUrl: string;
const env = { ...process.env };

beforeAll(async () => {
  await freshDatabase();
  fake = await startFakeWhatsApp({ templates: { pmi_pertanyaan_dijawab: 1, pmi_batas_beli_pelatihan: 3, pmi_percobaan_pendaftaran: 1, pmi_kode_konfirmasi: 1, pmi_kode_atur_sandi: 1 } });
  config = whatsappConfig({ WHATSAPP_TOKEN: "fake-whatsapp-token", WHATSAPP_PHONE_NUMBER_ID: fake.phoneNumberId, WHATSAPP_API_BASE: fake.base })!;
  process.env.WHATSAPP_APP_SECRET = "fake-whatsapp-app-secret";
  process.env.WHATSAPP_VERIFY_TOKEN = "verify-me";
  // The route handler behind a plain HTTP server, so the fake posts to it as Meta would.
  hook = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const request = new NextRequest(`http://127.0.0.1${req.url}`, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: req.method === "POST" ? Buffer.concat(chunks) : undefined,
    });
    const answer = await (req.method === "POST" ? POST(request) : GET(request));
    res.writeHead(answer.status, Object.fromEntries(answer.headers));
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/api/webhooks/whatsapp`;
});
afterAll(async () => {
  process.env = env;
  await fake.close();
  await new Promise((resolve) => hook.close(resolve));
});
beforeEach(() => fake.failNext(0, { status: 500, code: 131000 }));

const rowOf = async (id: string) => (await db.select().from(outboxMessages).where(eq(outboxMessages.id, id)))[0];
async function whatsappMessage(kind: "help_answered" | "deadline_reminder" = "help_answered") {
  const p = await createTestParticipant({ form: { email: "" } });
  const id = await db.transaction((tx) =>
    queueMessage(tx, {
      participantId: p.participantId,
      kind,
      values: kind === "deadline_reminder" ? (locale) => ({ date: longDate("2021-07-03", locale), days: 3 }) : undefined,
    }),
  );
  return { ...p, messageId: id! };
}

describe("delivery by WhatsApp", () => {
  it("sends the kind's approved template with its values in Indonesian, and keeps the API's message id", async () => {
    const m = await whatsappMessage("deadline_reminder");
    expect(await rowOf(m.messageId)).toMatchObject({ channel: "whatsapp", templateValues: { name: m.user.name, date: "3 Juli 2021", daysLeft: "3 hari lagi" } });
    expect(await deliverMessage(m.messageId, { whatsapp: config, now: () => DAYTIME })).toBe("sent");
    const sent = fake.accepted().at(-1)!;
    expect(sent.to).toBe(m.phone!.slice(1));
    expect(sent.template).toMatchObject({ name: "pmi_batas_beli_pelatihan", language: { code: "id" } });
    expect(JSON.stringify(sent.template.components)).toContain("3 hari lagi");
    expect(await rowOf(m.messageId)).toMatchObject({ state: "sent", providerMessageId: sent.messageId, deliveryStatus: "sent" });
    // Run again: nothing more is sent.
    expect(await deliverMessage(m.messageId, { whatsapp: config, now: () => DAYTIME })).toBe("skipped");
    expect(fake.accepted().filter((a) => a.messageId === sent.messageId)).toHaveLength(1);
  });

  it("a rate limit (429) is tried again and then sent; the API saw two requests, one accepted", async () => {
    const m = await whatsappMessage();
    const before = fake.requests.length;
    fake.failNext(1, { status: 429, code: 130429 });
    await expect(deliverMessage(m.messageId, { whatsapp: config, now: () => DAYTIME })).rejects.toThrow("130429");
    expect(await rowOf(m.messageId)).toMatchObject({ state: "pending", errorCode: 130429 });
    expect(await deliverMessage(m.messageId, { whatsapp: config, now: () => DAYTIME })).toBe("sent");
    expect(fake.requests.length - before).toBe(2);
  });

  it("a number not on WhatsApp ends failed at once with the API's code, and the contact is marked unreachable", async () => {
    const m = await whatsappMessage();
    fake.failNext(1, { status: 400, code: 131026 });
    expect(await deliverMessage(m.messageId, { whatsapp: config, now: () => DAYTIME })).toBe("failed");
    expect(await rowOf(m.messageId)).toMatchObject({ state: "failed", errorCode: 131026, deliveryStatus: "failed" });
    const [user] = await db.select().from(users).where(eq(users.id, m.user.id));
    expect(user.whatsappUnreachableAt).toBeInstanceOf(Date);
  });

  it("at 22:00 where the participant lives, nothing is sent: the message waits for 07:00 there in a job of its own", async () => {
    const m = await whatsappMessage();
    await db.update(participants).set({ provinceCode: "91", regencyCode: "9171" }).where(eq(participants.id, m.participantId));
    const before = fake.requests.length;
    // 13:00 UTC is 22:00 in Papua (WIT, UTC+9).
    expect(await deliverMessage(m.messageId, { whatsapp: config, now: () => new Date("2026-12-03T13:00:00Z") })).toBe("deferred");
    expect(fake.requests.length).toBe(before);
    const waiting = (await jobsOf(QUEUES.outboxDeliver)).filter((j) => j.data.messageId === m.messageId && j.state === "created");
    expect(waiting.map((j) => new Date(j.start_after).toISOString())).toContain("2026-12-03T22:00:00.000Z");
    expect((await rowOf(m.messageId)).state).toBe("pending");
  });

  it("a participant who replied BERHENTI gets nothing more on WhatsApp; the message is recorded", async () => {
    const m = await whatsappMessage();
    await db.update(users).set({ whatsappOptedOutAt: new Date() }).where(eq(users.id, m.user.id));
    const before = fake.requests.length;
    expect(await deliverMessage(m.messageId, { whatsapp: config, now: () => DAYTIME })).toBe("recorded");
    expect(fake.requests.length).toBe(before);
    expect(await rowOf(m.messageId)).toMatchObject({ state: "recorded", lastError: "opted out (BERHENTI)" });
  });

  it("a number not on WhatsApp: the message goes to the participant's email instead, once", async () => {
    const p = await createTestParticipant();
    const id = await db.transaction((tx) =>
      queueMessage(tx, { participantId: p.participantId, kind: "help_answered", to: { channel: "whatsapp", recipient: p.phone! } }),
    );
    const mails: unknown[] = [];
    const transport = { sendMail: async (mail: unknown) => void mails.push(mail) };
    fake.failNext(1, { status: 400, code: 131026 });
    expect(await deliverMessage(id!, { whatsapp: config, transport, now: () => DAYTIME })).toBe("failed");
    const [copy] = await db.select().from(outboxMessages).where(eq(outboxMessages.dedupeKey, `fallback:${id}`));
    expect(copy).toMatchObject({ channel: "email", recipient: p.email, kind: "help_answered", subject: "Pertanyaan Anda sudah dijawab" });
    expect((await jobsOf(QUEUES.outboxDeliver)).some((j) => j.data.messageId === copy.id)).toBe(true);
    expect(await deliverMessage(copy.id, { whatsapp: config, transport, now: () => DAYTIME })).toBe("sent");
    expect(mails).toHaveLength(1);
    // The next message is chosen for email at once: the phone is marked.
    const next = await db.transaction((tx) => queueMessage(tx, { participantId: p.participantId, kind: "help_answered" }));
    expect((await rowOf(next!)).channel).toBe("email");
  });

  it("a code is never sent by another channel, nor held back by the night", async () => {
    const p = await createTestParticipant();
    const id = await db.transaction((tx) =>
      queueMessage(tx, {
        participantId: p.participantId,
        kind: "phone_confirmation",
        to: { channel: "whatsapp", recipient: p.phone! },
        values: () => ({ code: "493817", minutes: 10 }),
      }),
    );
    expect(await rowOf(id!)).toMatchObject({ templateValues: { code: "493817" } });
    // 23:00 in Jakarta: a code the person is waiting for goes at once.
    expect(await deliverMessage(id!, { whatsapp: config, now: () => new Date("2026-12-03T16:00:00Z") })).toBe("sent");
    expect(JSON.stringify(fake.accepted().at(-1)!.template)).toContain("493817");
    // Once handed over, the outbox keeps no working code.
    const row = await rowOf(id!);
    expect(row.body).not.toContain("493817");
    expect(row.templateValues).toBeNull();
    const failing = await db.transaction((tx) =>
      queueMessage(tx, {
        participantId: p.participantId,
        kind: "phone_confirmation",
        to: { channel: "whatsapp", recipient: p.phone! },
        values: () => ({ code: "111222", minutes: 10 }),
      }),
    );
    fake.failNext(1, { status: 400, code: 131026 });
    expect(await deliverMessage(failing!, { whatsapp: config, transport: { sendMail: async () => undefined }, now: () => DAYTIME })).toBe("failed");
    expect(await db.select().from(outboxMessages).where(eq(outboxMessages.dedupeKey, `fallback:${failing}`))).toEqual([]);
    expect((await rowOf(failing!)).body).not.toContain("111222");
  });

  it("a number found unreachable gets nothing more, until the caseworker or the participant changes it", async () => {
    const cw = await createTestUser("caseworker");
    const p = await createTestParticipant({ form: { email: "" }, caseworkerId: cw.id });
    await db.update(users).set({ whatsappUnreachableAt: new Date() }).where(eq(users.id, p.user.id));
    const first = await db.transaction((tx) => queueMessage(tx, { participantId: p.participantId, kind: "help_answered" }));
    expect(await deliverMessage(first!, { whatsapp: config, now: () => DAYTIME })).toBe("recorded");
    expect((await rowOf(first!)).lastError).toBe("unreachable on WhatsApp");
    const file = await getCasefile(cw, p.participantId);
    expect(file.participant.whatsappUnreachableAt).toBeInstanceOf(Date);
    const updated = await updateContact(
      cw,
      contactSchema.parse({ participantId: p.participantId, version: String(file.participant.version), phone: "081377771234", email: "", address: "Jl. Melati No. 3, Jakarta", provinceCode: "31", regencyCode: "3174" }),
    );
    expect(updated).toMatchObject({ ok: true });
    expect((await db.select().from(users).where(eq(users.id, p.user.id)))[0].whatsappUnreachableAt).toBeNull();
  });

  it("many messages at once go at the number's pace: the API's rate limit is never hit", async () => {
    const limited = await startFakeWhatsApp({ ratePerSecond: 10, phoneNumberId: "2000000001" });
    try {
      const paced = { ...whatsappConfig({ WHATSAPP_TOKEN: "fake-whatsapp-token", WHATSAPP_PHONE_NUMBER_ID: limited.phoneNumberId, WHATSAPP_API_BASE: limited.base })!, messagesPerSecond: 8 };
      const messages = [];
      for (let i = 0; i < 16; i++) messages.push(await whatsappMessage());
      const outcomes = await Promise.all(messages.map((m) => deliverMessage(m.messageId, { whatsapp: paced, now: () => DAYTIME })));
      expect(outcomes.every((o) => o === "sent")).toBe(true);
      expect(limited.requests.filter((r) => r.status === 429)).toEqual([]);
      expect(limited.accepted()).toHaveLength(16);
    } finally {
      await limited.close();
    }
  });

  it("without WhatsApp configured the message is recorded, as before", async () => {
    const m = await whatsappMessage();
    expect(await deliverMessage(m.messageId, { whatsapp: null })).toBe("recorded");
  });
});

describe("the status webhook", () => {
  it("answers Meta's verification handshake, and refuses a wrong token", async () => {
    const ok = await fetch(`${hookUrl}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("1158201444");
    expect((await fetch(`${hookUrl}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`)).status).toBe(403);
  });

  it("statuses out of order end as read, never backwards; a repeat changes nothing", async () => {
    const m = await whatsappMessage();
    await deliverMessage(m.messageId, { whatsapp: config, now: () => DAYTIME });
    const wamid = (await rowOf(m.messageId)).providerMessageId!;
    const t = Math.floor(Date.now() / 1000);
    for (const status of ["read", "sent", "delivered", "read"] as const) {
      expect((await fake.sendStatus(hookUrl, { messageId: wamid, status, recipient: m.phone!, timestamp: t + (status === "read" ? 20 : 10) })).status).toBe(200);
    }
    expect(await rowOf(m.messageId)).toMatchObject({ deliveryStatus: "read", state: "sent" });
    expect((await rowOf(m.messageId)).deliveryStatusAt!.getTime()).toBe((t + 20) * 1000);
    // A late failure cannot undo a message that was read.
    await fake.sendStatus(hookUrl, { messageId: wamid, status: "failed", recipient: m.phone!, errorCode: 131026 });
    expect(await rowOf(m.messageId)).toMatchObject({ deliveryStatus: "read", state: "sent" });
  });

  it("the case file lists each message with its last status and time, for the assigned caseworker only", async () => {
    const cw = await createTestUser("caseworker");
    const other = await createTestUser("caseworker");
    const pmo = await createTestUser("pmo");
    const p = await createTestParticipant({ form: { email: "" }, caseworkerId: cw.id });
    const id = await db.transaction((tx) => queueMessage(tx, { participantId: p.participantId, kind: "help_answered" }));
    await deliverMessage(id!, { whatsapp: config, now: () => DAYTIME });
    const wamid = (await rowOf(id!)).providerMessageId!;
    const t = Math.floor(Date.now() / 1000);
    await fake.sendStatus(hookUrl, { messageId: wamid, status: "delivered", recipient: p.phone!, timestamp: t });
    const listed = await listCasefileMessages(cw, p.participantId);
    expect(listed).toMatchObject([{ kind: "help_answered", channel: "whatsapp", state: "sent", deliveryStatus: "delivered" }]);
    expect(listed[0].deliveryStatusAt!.getTime()).toBe(t * 1000);
    expect(listed[0].recipientMasked).not.toBe(p.phone);
    expect(JSON.stringify(listed)).not.toContain("sudah dijawab");
    expect(await statusOf(() => listCasefileMessages(other, p.participantId))).toBe(404);
    expect(await statusOf(() => listCasefileMessages(pmo, p.participantId))).toBe(403);
    expect(await statusOf(() => listCasefileMessages(p.user, p.participantId))).toBe(403);
  });

  it("a forged or unsigned delivery is 401 and changes nothing; garbage that is signed is 400", async () => {
    const m = await whatsappMessage();
    await deliverMessage(m.messageId, { whatsapp: config, now: () => DAYTIME });
    const wamid = (await rowOf(m.messageId)).providerMessageId!;
    expect((await fake.sendStatus(hookUrl, { messageId: wamid, status: "read", recipient: m.phone! }, { secret: "not-the-app-secret" })).status).toBe(401);
    expect((await fake.sendStatus(hookUrl, { messageId: wamid, status: "read", recipient: m.phone! }, { header: null })).status).toBe(401);
    expect((await rowOf(m.messageId)).deliveryStatus).toBe("sent");
    expect((await fake.sendWebhook(hookUrl, { object: "something else" })).status).toBe(400);
  });

  it("a failed status on a sent message fails it, with the code, and marks a number that cannot receive WhatsApp", async () => {
    const m = await whatsappMessage();
    await deliverMessage(m.messageId, { whatsapp: config, now: () => DAYTIME });
    const wamid = (await rowOf(m.messageId)).providerMessageId!;
    await fake.sendStatus(hookUrl, { messageId: wamid, status: "failed", recipient: m.phone!, errorCode: 131026 });
    expect(await rowOf(m.messageId)).toMatchObject({ state: "failed", deliveryStatus: "failed", errorCode: 131026 });
    expect((await db.select().from(users).where(eq(users.id, m.user.id)))[0].whatsappUnreachableAt).toBeInstanceOf(Date);
  });

  it("refuses a body over 1 MB at once", async () => {
    const answer = await fetch(hookUrl, { method: "POST", body: "x".repeat(1024 * 1024 + 1), headers: { "content-type": "application/json" } });
    expect(answer.status).toBe(413);
  });
});

describe("replies on WhatsApp", () => {
  it("a participant's message becomes one help request in their caseworker's queue, however often Meta delivers it", async () => {
    const p = await createTestParticipant({ form: { email: "" } });
    const inbound = { from: p.phone!, text: "Kode redeem saya ditolak, tolong dibantu", id: `wamid.reply.${p.participantId}` };
    expect((await fake.sendInbound(hookUrl, inbound)).status).toBe(200);
    expect((await fake.sendInbound(hookUrl, inbound)).status).toBe(200);
    const requests = await db.select().from(helpRequests).where(eq(helpRequests.participantId, p.participantId));
    expect(requests).toMatchObject([{ topic: "other", message: "Kode redeem saya ditolak, tolong dibantu", status: "open" }]);
  });

  it("BERHENTI stops WhatsApp messages (audited), MULAI starts them again; a stranger's message changes nothing", async () => {
    const p = await createTestParticipant({ form: { email: "" } });
    await fake.sendInbound(hookUrl, { from: p.phone!, text: " berhenti " });
    expect((await db.select().from(users).where(eq(users.id, p.user.id)))[0].whatsappOptedOutAt).toBeInstanceOf(Date);
    await fake.sendInbound(hookUrl, { from: p.phone!, text: "MULAI" });
    expect((await db.select().from(users).where(eq(users.id, p.user.id)))[0].whatsappOptedOutAt).toBeNull();
    const events = await db.select({ action: auditEvents.action, actorId: auditEvents.actorId }).from(auditEvents).where(eq(auditEvents.entityId, p.participantId));
    expect(events.filter((e) => e.action.startsWith("participant.whatsapp"))).toEqual([
      { action: "participant.whatsapp_opt_out", actorId: p.user.id },
      { action: "participant.whatsapp_opt_in", actorId: p.user.id },
    ]);
    expect(await db.select().from(helpRequests).where(eq(helpRequests.participantId, p.participantId))).toEqual([]);
    // Each is confirmed, once (Meta's retry of a message adds nothing), in a free text.
    const replies = await db.select().from(outboxMessages).where(eq(outboxMessages.participantId, p.participantId));
    expect(replies.map((r) => r.kind).sort()).toEqual(["opt_in_confirmation", "opt_out_confirmation"]);
    const again = { from: p.phone!, text: "STOP", id: `wamid.stop.${p.participantId}` };
    await fake.sendInbound(hookUrl, again);
    await fake.sendInbound(hookUrl, again);
    const stops = (await db.select().from(outboxMessages).where(eq(outboxMessages.participantId, p.participantId))).filter(
      (r) => r.kind === "opt_out_confirmation",
    );
    expect(stops).toHaveLength(2);
    const before = (await db.select().from(helpRequests)).length;
    expect((await fake.sendInbound(hookUrl, { from: "+6281299990000", text: "halo" })).status).toBe(200);
    expect((await db.select().from(helpRequests)).length).toBe(before);
  });
});

describe("after BERHENTI", () => {
  it("nothing but the confirmation is sent: the confirmation goes (even at night), a reminder does not", async () => {
    const p = await createTestParticipant({ form: { email: "" } });
    await fake.sendInbound(hookUrl, { from: p.phone!, text: "BERHENTI", id: `wamid.berhenti.${p.participantId}` });
    const [confirmation] = await db.select().from(outboxMessages).where(eq(outboxMessages.participantId, p.participantId));
    expect(confirmation).toMatchObject({ kind: "opt_out_confirmation", channel: "whatsapp", templateValues: null });
    expect(await deliverMessage(confirmation.id, { whatsapp: config, now: () => new Date("2026-12-03T16:00:00Z") })).toBe("sent");
    const sent = fake.accepted().at(-1)!;
    expect(sent.to).toBe(p.phone!.slice(1));
    expect(sent.text).toContain("MULAI");
    const reminder = await db.transaction((tx) => queueMessage(tx, { participantId: p.participantId, kind: "help_answered" }));
    const before = fake.requests.length;
    expect(await deliverMessage(reminder!, { whatsapp: config, now: () => DAYTIME })).toBe("recorded");
    expect(fake.requests.length).toBe(before);
  });
});

describe("the daily reminder, end to end", () => {
  it("a participant 3 days from the deadline gets exactly one template message with the right parameters, at 07:00 their time", async () => {
    const restore = setWhatsAppEnv({ WHATSAPP_API_BASE: fake.base, WHATSAPP_PHONE_NUMBER_ID: fake.phoneNumberId });
    try {
      // The daily run at 06:30 in Jakarta (a worker that started early): the message waits.
      const now = new Date("2026-12-02T23:30:00Z");
      const p = await createTestParticipant({ form: { email: "" }, stage: "training", set: { cardReceivedOn: "2026-11-21" } });
      await db.update(participants).set({ provinceCode: "32", regencyCode: "3201" }).where(eq(participants.id, p.participantId));
      await queueDeadlineReminders(now);
      await queueDeadlineReminders(now);
      const mine = await db.select().from(outboxMessages).where(eq(outboxMessages.participantId, p.participantId));
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({
        kind: "deadline_reminder",
        channel: "whatsapp",
        templateValues: { name: p.user.name, date: "6 Desember 2026", daysLeft: "3 hari lagi" },
      });
      const jobs = (await jobsOf(QUEUES.outboxDeliver)).filter((j) => j.data.messageId === mine[0].id);
      expect(jobs.map((j) => new Date(j.start_after).toISOString())).toEqual(["2026-12-03T00:00:00.000Z"]);
      // At 07:00 WIB the worker hands it over.
      expect(await deliverMessage(mine[0].id, { whatsapp: config, now: () => new Date("2026-12-03T00:00:00Z") })).toBe("sent");
      const toThem = fake.accepted().filter((a) => a.to === p.phone!.slice(1));
      expect(toThem).toHaveLength(1);
      expect(toThem[0].template).toMatchObject({
        name: "pmi_batas_beli_pelatihan",
        language: { code: "id" },
        components: [{ type: "body", parameters: [{ type: "text", text: p.user.name }, { type: "text", text: "6 Desember 2026" }, { type: "text", text: "3 hari lagi" }] }],
      });
    } finally {
      restore();
    }
  });
});
