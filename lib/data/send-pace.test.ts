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
    // Another sender is not held up by the first one's queue.
    const other = Date.now();
    await awaitSendSlot("test:b", 10);
    expect(Date.now() - other).toBeLessThan(150);
    const rows = await db.execute(sql`select key from send_pace order by key`);
    expect((Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows).length).toBe(2);
  });
});
