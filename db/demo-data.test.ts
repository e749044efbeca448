import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { db } from "@/db";
import { freshDatabase } from "@/db/test-utils";
import { loadDemoData } from "./demo-data";

// The demo tells the seed's story: 92 services planned for June and July 2021 (targets 23
// and 69), and about that many delivered, so /pmo?from=2021-06&to=2021-07 makes sense.

beforeAll(async () => {
  await freshDatabase();
  await loadDemoData();
}, 60_000);

it("delivers close to each month's target in June and July 2021", async () => {
  const result = await db.execute(sql`
    select to_char(s.occurred_on, 'YYYY-MM') as month, count(*)::int as services, t.count as target
    from service_logs s left join targets t on t.month = to_char(s.occurred_on, 'YYYY-MM')
    group by 1, t.count order by 1`);
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { month: string; services: number; target: number }[];
  expect(rows.map((r) => r.month)).toEqual(["2021-06", "2021-07"]);
  for (const r of rows) {
    expect(r.services / r.target, r.month).toBeGreaterThanOrEqual(0.9);
    expect(r.services / r.target, r.month).toBeLessThanOrEqual(1.1);
  }
});

it("still holds 40 participants in every stage", async () => {
  const result = await db.execute(sql`select stage, count(*)::int as n from participants group by 1 order by 1`);
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { stage: string; n: number }[];
  expect(Object.fromEntries(rows.map((r) => [r.stage, r.n]))).toEqual({ completed: 7, lms: 10, registration: 9, training: 11, withdrawn: 3 });
});

it("holds one failed job for /pmo/jobs to show: last night's cleanup", async () => {
  const result = await db.execute(sql`select name, state, retry_count, output->>'message' as message from pgboss.job`);
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { name: string; state: string; retry_count: number; message: string }[];
  expect(rows).toEqual([{ name: "cleanup", state: "failed", retry_count: 2, message: expect.stringContaining("statement timeout") }]);
});
