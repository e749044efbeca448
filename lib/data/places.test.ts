import { sql, type SQL } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { loadDemoData } from "@/db/demo-data";
import { participants } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { provinces } from "@/lib/reference/regions";
import { makeNik } from "@/lib/testing/identity";
import { sealedIdentity } from "@/lib/testing/sealed";
import type { DashboardFilterInput } from "@/lib/validation/dashboard";
import { getProvinceFigures } from "./places";

// The map's figures per province, recomputed with plain SQL over the participants
// themselves (not the dash_* counters the implementation reads), on the demo data plus
// rows on the edges: registrations at the turn of a month in Jakarta time, completed ones
// in a province the demo data has none in, a new Papua province.

async function rows<T>(query: SQL): Promise<T[]> {
  const result = await db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

let pmo: Awaited<ReturnType<typeof createTestUser>>;

beforeAll(async () => {
  await freshDatabase();
  await loadDemoData();
  pmo = await createTestUser("pmo");
  const edge = [
    // 2021-06-30 23:30 in Jakarta: June.
    { at: "2021-06-30T16:30:00Z", province: "35", regency: "3507", stage: "completed" as const, status: "mantan" as const, source: "import" as const, cohort: "Wisma Atlet Juni 2021" },
    // 2021-08-01 00:30 in Jakarta: August.
    { at: "2021-07-31T17:30:00Z", province: "35", regency: "3507", stage: "completed" as const, status: "calon" as const, source: "self" as const },
    { at: "2021-07-15T03:00:00Z", province: "94", regency: "9404", stage: "completed" as const, status: "mantan" as const, source: "assisted" as const },
    { at: "2021-07-16T03:00:00Z", province: "94", regency: "9404", stage: "withdrawn" as const, status: "calon" as const, source: "assisted" as const },
    { at: "2021-06-10T03:00:00Z", province: "65", regency: "6501", stage: "lms" as const, status: "mantan" as const, source: "self" as const },
  ];
  for (const [i, e] of edge.entries()) {
    await db.insert(participants).values({
      fullName: `Peta Tepi ${i}`,
      ...sealedIdentity(makeNik({ birthDate: "1987-02-11", sex: "P", regencyCode: e.regency })),
      birthDate: "1987-02-11",
      sex: "P",
      provinceCode: e.province,
      migrantStatus: e.status,
      returnDate: e.status === "mantan" ? "2021-05-01" : null,
      countryCode: "MY",
      source: e.source,
      cohort: "cohort" in e ? e.cohort : null,
      stage: e.stage,
      withdrawnReason: e.stage === "withdrawn" ? "Berangkat kerja" : null,
      createdAt: new Date(e.at),
    });
  }
});

const filters: DashboardFilterInput[] = [
  { from: "2021-06", to: "2021-08" },
  { from: "2021-06", to: "2021-06" },
  { from: "2021-07", to: "2021-08", provinceCode: "35" },
  { from: "2021-06", to: "2021-08", migrantStatus: "mantan" },
  { from: "2021-06", to: "2021-07", source: "assisted" },
  { from: "2021-06", to: "2021-08", provinceCode: "31", migrantStatus: "calon", source: "self" },
  { from: "2020-01", to: "2020-03" },
  { from: "2021-06", to: "2021-08", cohort: "Wisma Atlet Juni 2021" },
];

/** The filter without its province: the map shows every province. */
function where(f: DashboardFilterInput): SQL {
  return sql.join(
    [
      sql`to_char(p.created_at at time zone 'UTC' + interval '7 hours', 'YYYY-MM') between ${f.from} and ${f.to}`,
      f.migrantStatus ? sql`p.migrant_status = ${f.migrantStatus}` : sql`true`,
      f.source ? sql`p.source = ${f.source}` : sql`true`,
      f.cohort ? sql`p.cohort = ${f.cohort}` : sql`true`,
    ],
    sql` and `,
  );
}

describe("the figures per province equal plain SQL over the participants", () => {
  for (const f of filters) {
    it(`for ${JSON.stringify(f)}`, async () => {
      const m = await getProvinceFigures(pmo, f);
      const expected = await rows<{ code: string; n: number; done: number }>(sql`
        select p.province_code as code, count(*)::int as n, count(*) filter (where p.stage = 'completed')::int as done
        from participants p where ${where(f)} group by 1`);
      for (const province of m.provinces) {
        const row = expected.find((r) => r.code === province.code);
        expect(province.participants, province.code).toBe(row?.n ?? 0);
        expect(province.completed, province.code).toBe(row?.done ?? 0);
        expect(province.completionRate, province.code).toBe(row ? row.done / row.n : null);
      }
      // Every province with participants is there, and each of the 38 even without.
      expect(expected.map((r) => r.code).filter((c) => !m.provinces.some((p) => p.code === c))).toEqual([]);
      expect(m.provinces.slice(0, 38).map((p) => p.code)).toEqual(provinces.map((p) => p.code));
      expect(m.total.participants).toBe(expected.reduce((s, r) => s + r.n, 0));
      expect(m.selected).toBe(f.provinceCode ?? null);
    });
  }

  it("are not all zero on the demo data, and count the edge rows where they belong", async () => {
    const m = await getProvinceFigures(pmo, { from: "2021-06", to: "2021-08" });
    expect(m.provinces.filter((p) => p.participants > 0).length).toBeGreaterThan(3);
    const papuaTengah = m.provinces.find((p) => p.code === "94")!;
    expect(papuaTengah).toEqual({ code: "94", participants: 2, completed: 1, completionRate: 0.5 });
    const june = await getProvinceFigures(pmo, { from: "2021-06", to: "2021-06" });
    expect(june.provinces.find((p) => p.code === "65")).toEqual({ code: "65", participants: 1, completed: 0, completionRate: 0 });
  });

  it("are refused to caseworkers and participants", async () => {
    const cw = await createTestUser("caseworker");
    const participant = await createTestUser("participant");
    for (const user of [cw, participant]) expect(await statusOf(() => getProvinceFigures(user, {}))).toBe(403);
  });
});
