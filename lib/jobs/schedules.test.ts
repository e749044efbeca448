import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { activationCodes, authThrottle, dataRequests, outboxMessages } from "@/db/schema";
import { createTestUser, freshDatabase } from "@/db/test-utils";
import { issueActivationCode } from "@/lib/data/activation";
import { requestDeletion } from "@/lib/data/data-rights";
import { drainJobs, jobsOf } from "@/lib/testing/jobs";
import { createTestParticipant } from "@/lib/testing/participants";
import { todayInJakarta } from "@/lib/validation";
import { dataRequestSchema } from "@/lib/validation/data-rights";
import { enqueue } from "./engine";
import { QUEUES } from "./queues";

// The scheduled jobs, each run once through a worker as its cron would start it (the cron
// expressions themselves are checked in engine.test.ts), and run again to show that a
// second run changes nothing.

beforeAll(freshDatabase);

const daysFrom = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const run = async (queue: (typeof QUEUES)[keyof typeof QUEUES]) => {
  await db.transaction((tx) => enqueue(tx, queue, {}));
  await drainJobs({ queues: [queue] });
  return (await jobsOf(queue)).at(-1)!;
};

describe("deadline-reminders (every day at 07:00 in Jakarta)", () => {
  it("queues one message, with its delivery job, to each participant 0–3 days from the purchase deadline; a second run queues none", async () => {
    const today = todayInJakarta();
    const due = await createTestParticipant({ stage: "training", set: { cardReceivedOn: daysFrom(today, -13) } });
    const later = await createTestParticipant({ stage: "training", set: { cardReceivedOn: daysFrom(today, -5) } });
    const first = await run(QUEUES.deadlineReminders);
    expect(first).toMatchObject({ state: "completed", output: { queued: 1 } });
    const [message] = await db.select().from(outboxMessages).where(eq(outboxMessages.participantId, due.participantId));
    expect(message).toMatchObject({ kind: "deadline_reminder", state: "pending" });
    expect((await jobsOf(QUEUES.outboxDeliver)).filter((j) => j.data.messageId === message.id)).toHaveLength(1);
    expect(await db.select().from(outboxMessages).where(eq(outboxMessages.participantId, later.participantId))).toEqual([]);
    expect(await run(QUEUES.deadlineReminders)).toMatchObject({ state: "completed", output: { queued: 0 } });
    expect(await db.select().from(outboxMessages).where(eq(outboxMessages.participantId, due.participantId))).toHaveLength(1);
  });
});

describe("data-rights-deadlines (every hour)", () => {
  it("raises an open request within a day of its deadline to the PMO, once; not one with more time", async () => {
    const near = await createTestParticipant();
    const far = await createTestParticipant();
    const asked = async (p: Awaited<ReturnType<typeof createTestParticipant>>) => {
      const r = await requestDeletion(p.user, dataRequestSchema.parse({ participantId: p.participantId, reason: "Saya tidak ikut lagi.", confirm: "on" }));
      if (!r.ok) throw new Error(JSON.stringify(r));
      return r.id;
    };
    const nearId = await asked(near);
    const farId = await asked(far);
    await db
      .update(dataRequests)
      .set({ requestedAt: new Date(Date.now() - 60 * 3_600_000), dueAt: new Date(Date.now() + 12 * 3_600_000) })
      .where(eq(dataRequests.id, nearId));
    expect(await run(QUEUES.dataRightsDeadlines)).toMatchObject({ state: "completed", output: { raised: 1 } });
    const [raised] = await db.select().from(dataRequests).where(eq(dataRequests.id, nearId));
    const [notYet] = await db.select().from(dataRequests).where(eq(dataRequests.id, farId));
    expect(raised.raisedAt).toBeInstanceOf(Date);
    expect(notYet.raisedAt).toBeNull();
    expect(await run(QUEUES.dataRightsDeadlines)).toMatchObject({ output: { raised: 0 } });
    const events = await db.execute(sql`select actor_role, action from audit_events where entity_id = ${nearId} and action = 'data_request.raise'`);
    const list = (Array.isArray(events) ? events : (events as { rows: unknown[] }).rows) as { actor_role: string }[];
    expect(list).toEqual([{ actor_role: "system", action: "data_request.raise" }]);
  });
});

describe("cleanup (every night)", () => {
  it("deletes throttle rows past their window and codes spent a week ago, and nothing still in use", async () => {
    const old = new Date(Date.now() - 3 * 86_400_000);
    await db.insert(authThrottle).values([
      { key: "ip:10.0.0.1", failures: 4, lastFailureAt: old },
      { key: "ip:10.0.0.2", failures: 9, lastFailureAt: old, lockedUntil: new Date(Date.now() + 3_600_000) },
      { key: "ip:10.0.0.3", failures: 1 },
    ]);
    const cw = await createTestUser("caseworker");
    const spent = await createTestParticipant({ caseworkerId: cw.id });
    const fresh = await createTestParticipant({ caseworkerId: cw.id });
    await issueActivationCode(cw, spent.participantId);
    await db.update(activationCodes).set({ expiresAt: new Date(Date.now() - 10 * 86_400_000) }).where(eq(activationCodes.userId, spent.user.id));
    await issueActivationCode(cw, fresh.participantId);
    expect(await run(QUEUES.cleanup)).toMatchObject({ state: "completed", output: { throttleRows: 1, activationCodes: 1, uploadPieces: 0 } });
    expect((await db.select({ key: authThrottle.key }).from(authThrottle)).map((r) => r.key).sort()).toEqual(["ip:10.0.0.2", "ip:10.0.0.3"]);
    expect(await db.select().from(activationCodes).where(eq(activationCodes.userId, spent.user.id))).toEqual([]);
    expect(await db.select().from(activationCodes).where(eq(activationCodes.userId, fresh.user.id))).toHaveLength(1);
    expect(await run(QUEUES.cleanup)).toMatchObject({ output: { throttleRows: 0, activationCodes: 0 } });
  });
});
