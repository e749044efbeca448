import { eq } from "drizzle-orm";
import nodemailer from "nodemailer";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/db";
import { outboxMessages } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { createTestParticipant } from "@/lib/testing/participants";
import { deliverOutbox, listOutbox, maskEmail, queueMessage, type MailTransport } from "./outbox";

beforeAll(freshDatabase);
beforeEach(async () => {
  await db.delete(outboxMessages);
});
const smtpUrl = process.env.SMTP_URL;
afterEach(() => {
  if (smtpUrl === undefined) delete process.env.SMTP_URL;
  else process.env.SMTP_URL = smtpUrl;
});

async function queued(opts: { email?: boolean; locale?: "id" | "en" } = {}) {
  const p = await createTestParticipant({ form: opts.email === false ? { email: "" } : {}, locale: opts.locale });
  const id = await db.transaction((tx) => queueMessage(tx, { participantId: p.participantId, kind: "help_answered" }));
  return { ...p, messageId: id! };
}

const rowOf = async (id: string) => (await db.select().from(outboxMessages).where(eq(outboxMessages.id, id)))[0];

describe("queueMessage", () => {
  it("writes an email to a participant with an email, in their language", async () => {
    const p = await queued({ locale: "en" });
    expect(await rowOf(p.messageId)).toMatchObject({
      channel: "email",
      recipient: p.email,
      state: "pending",
      attempts: 0,
      subject: "Your question has been answered",
      participantId: p.participantId,
    });
    expect((await rowOf(p.messageId)).body).toContain(`Hello ${p.user.name}`);
  });

  it("writes a WhatsApp text (no subject) to a participant without email", async () => {
    const p = await queued({ email: false });
    expect(await rowOf(p.messageId)).toMatchObject({ channel: "whatsapp", recipient: p.phone, subject: null });
    expect((await rowOf(p.messageId)).body).toContain("sudah dijawab");
  });

  it("writes once per dedupe key", async () => {
    const p = await createTestParticipant();
    const again = () =>
      db.transaction((tx) => queueMessage(tx, { participantId: p.participantId, kind: "help_answered", dedupeKey: `k:${p.participantId}` }));
    expect(await again()).not.toBeNull();
    expect(await again()).toBeNull();
    expect(await db.select().from(outboxMessages).where(eq(outboxMessages.participantId, p.participantId))).toHaveLength(1);
  });
});

describe("deliverOutbox", () => {
  it("pending → sent through an injected nodemailer transport (JSON)", async () => {
    const p = await queued();
    const transport = nodemailer.createTransport({ jsonTransport: true });
    const sent: string[] = [];
    const spy: MailTransport = {
      sendMail: async (mail: Parameters<MailTransport["sendMail"]>[0]) => {
        const info = await transport.sendMail(mail);
        sent.push(String((info as unknown as { message: string }).message));
        return info;
      },
    } as MailTransport;
    const report = await deliverOutbox({ transport: spy, from: "PMO <pmo@test.id>" });
    expect(report).toMatchObject({ sent: 1, recorded: 0, failed: 0, errors: 0 });
    const row = await rowOf(p.messageId);
    expect(row).toMatchObject({ state: "sent", attempts: 1, lastError: null });
    expect(row.sentAt).toBeInstanceOf(Date);
    const mail = JSON.parse(sent[0]);
    expect(mail.to[0].address).toBe(p.email);
    expect(mail.subject).toBe("Pertanyaan Anda sudah dijawab");
    expect(mail.text).toContain("sudah dijawab");
  });

  it("pending → sent through a stream transport: a real message is composed", async () => {
    const p = await queued();
    const report = await deliverOutbox({ transport: nodemailer.createTransport({ streamTransport: true, buffer: true }) });
    expect(report.sent).toBe(1);
    expect((await rowOf(p.messageId)).state).toBe("sent");
  });

  it("pending → failed after the last attempt; each run tries a message once", async () => {
    const p = await queued();
    let calls = 0;
    const broken: MailTransport = {
      sendMail: async () => {
        calls++;
        throw new Error("connect ECONNREFUSED 10.0.0.1:587");
      },
    } as unknown as MailTransport;
    expect(await deliverOutbox({ transport: broken, maxAttempts: 3 })).toMatchObject({ retried: 1, failed: 0 });
    expect(calls).toBe(1);
    expect(await rowOf(p.messageId)).toMatchObject({ state: "pending", attempts: 1, lastError: "connect ECONNREFUSED 10.0.0.1:587" });
    await deliverOutbox({ transport: broken, maxAttempts: 3 });
    expect(await deliverOutbox({ transport: broken, maxAttempts: 3 })).toMatchObject({ failed: 1 });
    expect(await rowOf(p.messageId)).toMatchObject({ state: "failed", attempts: 3 });
    // A failed message is not tried again.
    await deliverOutbox({ transport: broken, maxAttempts: 3 });
    expect(calls).toBe(3);
  });

  it("never throws, even when the transport throws synchronously", async () => {
    await queued();
    const throwing = { sendMail: () => { throw new Error("boom"); } } as unknown as MailTransport;
    await expect(deliverOutbox({ transport: throwing })).resolves.toMatchObject({ retried: 1, errors: 0 });
  });

  it("pending → recorded without SMTP_URL, and for WhatsApp whatever the transport", async () => {
    delete process.env.SMTP_URL;
    const email = await queued();
    const whatsapp = await queued({ email: false });
    expect(await deliverOutbox()).toMatchObject({ recorded: 2, sent: 0 });
    expect(await rowOf(email.messageId)).toMatchObject({ state: "recorded", attempts: 0 });
    expect(await rowOf(whatsapp.messageId)).toMatchObject({ state: "recorded" });

    const later = await queued({ email: false });
    await deliverOutbox({ transport: nodemailer.createTransport({ jsonTransport: true }) });
    expect((await rowOf(later.messageId)).state).toBe("recorded");
  });

  it("two senders at once send each message once (FOR UPDATE SKIP LOCKED)", async () => {
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push((await queued()).messageId);
    const to: string[] = [];
    const slow = {
      sendMail: async (mail: { to: string }) => {
        to.push(mail.to);
        await new Promise((r) => setTimeout(r, 20));
        return {};
      },
    } as unknown as MailTransport;
    const [a, b] = await Promise.all([deliverOutbox({ transport: slow }), deliverOutbox({ transport: slow })]);
    expect(a.sent + b.sent).toBe(4);
    expect(new Set(to).size).toBe(4);
    expect(to).toHaveLength(4);
    for (const id of ids) expect((await rowOf(id)).state).toBe("sent");
  });
});

describe("listOutbox", () => {
  it("is the PMO's, with recipients masked and counts by state", async () => {
    const a = await queued();
    await queued({ email: false });
    await db.update(outboxMessages).set({ state: "recorded" }).where(eq(outboxMessages.id, a.messageId));
    const pmo = await createTestUser("pmo");
    const all = await listOutbox(pmo);
    expect(all.total).toBe(2);
    expect(all.byState).toMatchObject({ pending: 1, recorded: 1, sent: 0, failed: 0 });
    expect(all.rows.map((r) => r.recipientMasked).join(" ")).toContain("•");
    expect(JSON.stringify(all.rows)).not.toContain(a.email!);
    expect((await listOutbox(pmo, { state: "recorded" })).rows.map((r) => r.id)).toEqual([a.messageId]);
    expect(await statusOf(async () => listOutbox(await createTestUser("caseworker")))).toBe(403);
    expect(await statusOf(() => listOutbox(a.user))).toBe(403);
  });

  it("masks emails", () => {
    expect(maskEmail("ani.susanti@contoh.id")).toBe("ani•••@contoh.id");
    expect(maskEmail("a@b.id")).toBe("a•••@b.id");
  });
});
