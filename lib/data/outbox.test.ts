import { eq } from "drizzle-orm";
import nodemailer from "nodemailer";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db, executeRows } from "@/db";
import { outboxMessages } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { createTestParticipant } from "@/lib/testing/participants";
import { QUEUES, queueSettings } from "@/lib/jobs/queues";
import { startFakeSmtp, type FakeSmtp } from "@/lib/testing/fake-smtp";
import { drainJobs, jobsOf } from "@/lib/testing/jobs";
import { chooseChannel, DeliveryFailed, deliverMessage, failUndelivered, listOutbox, maskEmail, queueMessage, type MailTransport } from "./outbox";

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

  it("writes a WhatsApp text to a participant without email (with the subject an email copy would need)", async () => {
    const p = await queued({ email: false });
    expect(await rowOf(p.messageId)).toMatchObject({ channel: "whatsapp", recipient: p.phone, subject: "Pertanyaan Anda sudah dijawab" });
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

describe("deliverMessage", () => {
  it("pending → sent through an injected nodemailer transport (JSON), with the message's id as its Message-ID", async () => {
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
    expect(await deliverMessage(p.messageId, { transport: spy, from: "PMO <pmo@test.id>" })).toBe("sent");
    const row = await rowOf(p.messageId);
    expect(row).toMatchObject({ state: "sent", attempts: 1, lastError: null });
    expect(row.sentAt).toBeInstanceOf(Date);
    const mail = JSON.parse(sent[0]);
    expect(mail.to[0].address).toBe(p.email);
    expect(mail.subject).toBe("Pertanyaan Anda sudah dijawab");
    expect(mail.text).toContain("sudah dijawab");
    expect(mail.messageId).toBe(`<${p.messageId}@outbox.pendamping>`);
    // Run again (a job run twice): skipped, nothing sent.
    expect(await deliverMessage(p.messageId, { transport: spy })).toBe("skipped");
    expect(sent).toHaveLength(1);
  });

  it("pending → sent through a stream transport: a real message is composed", async () => {
    const p = await queued();
    expect(await deliverMessage(p.messageId, { transport: nodemailer.createTransport({ streamTransport: true, buffer: true }) })).toBe("sent");
    expect((await rowOf(p.messageId)).state).toBe("sent");
  });

  it("a failed send counts the attempt, keeps the error, stays pending and throws for a retry; the dead letter fails it", async () => {
    const p = await queued();
    const broken = { sendMail: async () => { throw new Error("connect ECONNREFUSED 10.0.0.1:587"); } } as unknown as MailTransport;
    await expect(deliverMessage(p.messageId, { transport: broken })).rejects.toBeInstanceOf(DeliveryFailed);
    await expect(deliverMessage(p.messageId, { transport: broken })).rejects.toThrow("ECONNREFUSED");
    expect(await rowOf(p.messageId)).toMatchObject({ state: "pending", attempts: 2, lastError: "connect ECONNREFUSED 10.0.0.1:587" });
    expect(await failUndelivered(p.messageId)).toBe(true);
    expect(await rowOf(p.messageId)).toMatchObject({ state: "failed", attempts: 2, lastError: "connect ECONNREFUSED 10.0.0.1:587" });
    expect(await failUndelivered(p.messageId)).toBe(false);
  });

  it("a transport that throws synchronously is a failed send like any other", async () => {
    const p = await queued();
    const throwing = { sendMail: () => { throw new Error("boom"); } } as unknown as MailTransport;
    await expect(deliverMessage(p.messageId, { transport: throwing })).rejects.toThrow("boom");
    expect(await rowOf(p.messageId)).toMatchObject({ state: "pending", attempts: 1, lastError: "boom" });
  });

  it("pending → recorded without SMTP_URL, and for WhatsApp whatever the transport", async () => {
    delete process.env.SMTP_URL;
    const email = await queued();
    const whatsapp = await queued({ email: false });
    expect(await deliverMessage(email.messageId)).toBe("recorded");
    expect(await deliverMessage(whatsapp.messageId, { transport: nodemailer.createTransport({ jsonTransport: true }) })).toBe("recorded");
    expect(await rowOf(email.messageId)).toMatchObject({ state: "recorded", attempts: 0 });
    expect(await rowOf(whatsapp.messageId)).toMatchObject({ state: "recorded" });
  });

  it("two deliveries of one message at once send it once: the second finds it claimed and leaves it for a retry", async () => {
    const p = await queued();
    const to: string[] = [];
    const slow = {
      sendMail: async (mail: { to: string }) => {
        to.push(mail.to);
        await new Promise((r) => setTimeout(r, 20));
        return {};
      },
    } as unknown as MailTransport;
    const outcomes = await Promise.allSettled([deliverMessage(p.messageId, { transport: slow }), deliverMessage(p.messageId, { transport: slow })]);
    expect(outcomes.map((o) => (o.status === "fulfilled" ? o.value : String(o.reason))).sort()).toEqual([
      "Error: being sent by another worker",
      "sent",
    ]);
    expect(to).toHaveLength(1);
    expect(await rowOf(p.messageId)).toMatchObject({ state: "sent", attempts: 1, sendingSince: null });
  });

  it("a claim left by a worker that died is taken over after a minute; the message goes out again", async () => {
    const p = await queued();
    const sent: string[] = [];
    const ok = { sendMail: async (mail: { to: string }) => (sent.push(mail.to), {}) } as unknown as MailTransport;
    await db.update(outboxMessages).set({ state: "sending", attempts: 1, sendingSince: new Date(Date.now() - 30_000) }).where(eq(outboxMessages.id, p.messageId));
    await expect(deliverMessage(p.messageId, { transport: ok })).rejects.toThrow("being sent by another worker");
    expect(sent).toEqual([]);
    await db.update(outboxMessages).set({ sendingSince: new Date(Date.now() - 61_000) }).where(eq(outboxMessages.id, p.messageId));
    expect(await deliverMessage(p.messageId, { transport: ok })).toBe("sent");
    expect(await rowOf(p.messageId)).toMatchObject({ state: "sent", attempts: 2 });
  });

});

describe("delivery as jobs", () => {
  let smtp: FakeSmtp;
  beforeAll(async () => {
    smtp = await startFakeSmtp();
  });
  afterAll(() => smtp.close());

  it("a queued message has its delivery job, queued in the same transaction: a rollback queues neither", async () => {
    const p = await queued();
    const jobs = (await jobsOf(QUEUES.outboxDeliver)).filter((j) => j.data.messageId === p.messageId);
    expect(jobs).toHaveLength(1);
    // Queued in one statement with others (queueMessages), it still takes its queue's settings.
    expect(jobs[0].retry_limit).toBe(queueSettings()[QUEUES.outboxDeliver].retryLimit);
    const [policy] = await executeRows<{ dead_letter: string | null }>(sql`select dead_letter from pgboss.job where id = ${jobs[0].id}`);
    expect(policy.dead_letter).toBe(QUEUES.outboxFailed);
    const q = await createTestParticipant();
    const jobsBefore = (await jobsOf(QUEUES.outboxDeliver)).length;
    await expect(
      db.transaction(async (tx) => {
        await queueMessage(tx, { participantId: q.participantId, kind: "help_answered" });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await db.select().from(outboxMessages).where(eq(outboxMessages.participantId, q.participantId))).toEqual([]);
    expect((await jobsOf(QUEUES.outboxDeliver)).length).toBe(jobsBefore);
  });

  it("a worker sends each message once through SMTP; a temporary refusal is retried by the engine", async () => {
    process.env.SMTP_URL = smtp.url;
    await db.execute(sql`update pgboss.queue set retry_delay = 0, retry_backoff = false where name = ${QUEUES.outboxDeliver}`);
    try {
      await db.execute(sql`delete from pgboss.job where name = ${QUEUES.outboxDeliver}`);
      const a = await queued();
      const b = await queued();
      smtp.refuseNext(1, 451);
      await drainJobs({ queues: [QUEUES.outboxDeliver, QUEUES.outboxFailed] });
      for (const m of [a, b]) expect(await rowOf(m.messageId)).toMatchObject({ state: "sent" });
      const ids = smtp.received.map((r) => r.messageId);
      expect(ids.filter((id) => id === `<${a.messageId}@outbox.pendamping>`)).toHaveLength(1);
      expect(ids.filter((id) => id === `<${b.messageId}@outbox.pendamping>`)).toHaveLength(1);
      const attempts = (await rowOf(a.messageId)).attempts + (await rowOf(b.messageId)).attempts;
      expect(attempts, "one of the two was refused once, then sent").toBe(3);
    } finally {
      await db.execute(sql`update pgboss.queue set retry_delay = 30, retry_backoff = true where name = ${QUEUES.outboxDeliver}`);
    }
  });

  it("a message that keeps failing ends failed with its last error after its retries, never retried forever", async () => {
    process.env.SMTP_URL = smtp.url;
    await db.execute(sql`delete from pgboss.job where name = ${QUEUES.outboxDeliver}`);
    const p = await queued();
    // The job's own retry settings: two retries, no pause (the queue's are 5 from 30 s).
    await db.execute(sql`update pgboss.job set retry_limit = 2, retry_delay = 0, retry_backoff = false where name = ${QUEUES.outboxDeliver}`);
    smtp.refuseNext(100, 550);
    try {
      await drainJobs({ queues: [QUEUES.outboxDeliver, QUEUES.outboxFailed] });
    } finally {
      smtp.refuseNext(0);
    }
    expect(await rowOf(p.messageId)).toMatchObject({ state: "failed", attempts: 3 });
    expect((await rowOf(p.messageId)).lastError).toMatch(/550/);
    const [job] = (await jobsOf(QUEUES.outboxDeliver)).filter((j) => j.data.messageId === p.messageId);
    expect(job).toMatchObject({ state: "failed", retry_count: 2 });
    expect(String(job.output?.message)).toMatch(/550/);
    expect((await jobsOf(QUEUES.outboxFailed)).filter((j) => j.data.messageId === p.messageId)).toMatchObject([{ state: "completed" }]);
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

describe("chooseChannel", () => {
  const both = { email: "ani@contoh.id", phone: "+6281234567890", preferredChannel: null, whatsappBlocked: false } as const;
  const all = { email: true, whatsapp: true };

  it("WhatsApp by default when it is configured and the phone can receive it; the preferred channel otherwise", () => {
    expect(chooseChannel(both, all)).toEqual({ channel: "whatsapp", recipient: "+6281234567890" });
    expect(chooseChannel({ ...both, preferredChannel: "email" }, all)).toEqual({ channel: "email", recipient: "ani@contoh.id" });
    expect(chooseChannel({ ...both, preferredChannel: "whatsapp" }, all)).toEqual({ channel: "whatsapp", recipient: "+6281234567890" });
  });

  it("falls back to the other channel when the preferred one is not configured", () => {
    expect(chooseChannel(both, { email: true, whatsapp: false })).toMatchObject({ channel: "email" });
    expect(chooseChannel({ ...both, preferredChannel: "whatsapp" }, { email: true, whatsapp: false })).toMatchObject({ channel: "email" });
    expect(chooseChannel({ ...both, preferredChannel: "email" }, { email: false, whatsapp: true })).toMatchObject({ channel: "whatsapp" });
  });

  it("falls back to email when the phone was found unreachable or opted out, whatever the preference", () => {
    const blocked = { ...both, whatsappBlocked: true };
    expect(chooseChannel(blocked, all)).toMatchObject({ channel: "email" });
    expect(chooseChannel({ ...blocked, preferredChannel: "whatsapp" }, all)).toMatchObject({ channel: "email" });
    // Only a blocked phone: recorded there, with the reason, rather than nowhere.
    expect(chooseChannel({ ...blocked, email: null }, all)).toEqual({ channel: "whatsapp", recipient: "+6281234567890" });
  });

  it("with nothing configured, writes where the person can be reached (the outbox records it)", () => {
    const none = { email: false, whatsapp: false };
    expect(chooseChannel(both, none)).toMatchObject({ channel: "email" });
    expect(chooseChannel({ ...both, preferredChannel: "whatsapp" }, none)).toMatchObject({ channel: "whatsapp" });
    expect(chooseChannel({ ...both, email: null }, none)).toMatchObject({ channel: "whatsapp" });
    expect(chooseChannel({ ...both, phone: null }, all)).toMatchObject({ channel: "email" });
    expect(chooseChannel({ ...both, phone: null, email: null }, all)).toBeNull();
  });
});
