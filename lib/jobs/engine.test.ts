import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db, executeRows } from "@/db";
import { freshDatabase } from "@/db/test-utils";
import { jobsOf } from "@/lib/testing/jobs";
import { enqueue } from "./engine";
import { QUEUE_NAMES, queueSettings, QUEUES } from "./queues";

beforeAll(freshDatabase);

describe("the job queue's installation", () => {
  it("makes every queue with its settings, and the schedules in Jakarta time", async () => {
    const queues = await executeRows<{ name: string; retry_limit: number; retry_delay: number; retry_backoff: boolean; dead_letter: string | null; expire_seconds: number }>(
      sql`select name, retry_limit, retry_delay, retry_backoff, dead_letter, expire_seconds from pgboss.queue`,
    );
    const settings = queueSettings();
    // (On a shared PostgreSQL test database another file's test queue may be there too.)
    expect(queues.map((q) => q.name)).toEqual(expect.arrayContaining([...QUEUE_NAMES]));
    for (const q of queues.filter((q) => (QUEUE_NAMES as string[]).includes(q.name))) {
      const s = settings[q.name as keyof typeof settings];
      expect(q, q.name).toMatchObject({ retry_limit: s.retryLimit, retry_delay: s.retryDelay, dead_letter: s.deadLetter ?? null, expire_seconds: s.expireInSeconds });
    }
    const schedules = await executeRows<{ name: string; cron: string; timezone: string }>(sql`select name, cron, timezone from pgboss.schedule order by name`);
    expect(schedules).toEqual([
      { name: QUEUES.cleanup, cron: "30 2 * * *", timezone: "Asia/Jakarta" },
      { name: QUEUES.dataRightsDeadlines, cron: "5 * * * *", timezone: "Asia/Jakarta" },
      { name: QUEUES.deadlineReminders, cron: "0 7 * * *", timezone: "Asia/Jakarta" },
    ]);
  });
});

describe("enqueue", () => {
  it("queues a job in the caller's transaction: committed, it is there; rolled back, it is not", async () => {
    const kept = await db.transaction((tx) => enqueue(tx, QUEUES.cleanup, { n: 1 }));
    await expect(
      db.transaction(async (tx) => {
        await enqueue(tx, QUEUES.cleanup, { n: 2 });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    const jobs = await jobsOf(QUEUES.cleanup);
    expect(jobs.map((j) => j.data)).toEqual([{ n: 1 }]);
    expect(jobs[0]).toMatchObject({ id: kept, state: "created", retry_limit: queueSettings().cleanup.retryLimit });
  });
});
