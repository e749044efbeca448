import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { freshDatabase } from "@/db/test-utils";
import { awaitSendSlot } from "./send-pace";

beforeAll(freshDatabase);

describe("awaitSendSlot", () => {
  it("spaces sends evenly at the given rate, however many ask at once, and apart per sender", async () => {
    const started = Date.now();
    const done: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        await awaitSendSlot("test:a", 10);
        done.push(Date.now() - started);
      }),
    );
    done.sort((a, b) => a - b);
    // 20 sends at 10 a second: the last may go 1.9 s after the first, and not before.
    expect(done.at(-1)!).toBeGreaterThanOrEqual(1850);
    // Another sender is not held up by the first one's queue: with 2 s of the first's sends
    // waiting, the other's first send waits 0 ms (the wait it was given, not a clock: a
    // bound in ms failed under CI's load).
    const queued = Promise.all(Array.from({ length: 20 }, () => awaitSendSlot("test:a", 10)));
    expect(await awaitSendSlot("test:b", 10)).toBe(0);
    expect(Math.max(...(await queued))).toBeGreaterThan(1500);
    const rows = await db.execute(sql`select key from send_pace order by key`);
    expect((Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows).length).toBe(2);
  });
});
