import { sql, type SQL } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { loadDemoData } from "@/db/demo-data";
import { participants } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { makeNik } from "@/lib/testing/identity";
import { sealedIdentity } from "@/lib/testing/sealed";
import type { DashboardFilterInput } from "@/lib/validation/dashboard";
import { getDashboard } from "./programme";
import { getWeeklyRegistrations } from "./trends";

// Registrations per week by migrant status, recomputed from the raw participant rows: the
// Jakarta date of each registration worked out here in JavaScript (UTC + 7 hours), its
// Monday from the day of the week, on the demo data plus registrations on the edges of a
// week and of a month.

async function rows<T>(query: SQL): Promise<T[]> {
  const result = await db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

let pmo: Awaited<ReturnType<typeof createTestUser>>;

beforeAll(async () => {
  await freshDatabase();
  await loadDemoData();
  pmo = await createTestUser("pmo");
  const cw = await createTestUser("caseworker");
  const edge = [
    // Sunday 27 June 2021, 23:30 in Jakarta: the week of 21 June.
    { at: "2021-06-27T16:30:00Z", province: "35", status: "mantan" as const, source: "import" as const, cohort: "Kohort minggu" },
    // Monday 28 June 2021, 00:30 in Jakarta: the week of 28 June, which runs into July.
    { at: "2021-06-27T17:30:00Z", province: "35", status: "calon" as const, source: "self" as const },
    // Thursday 1 July 2021, 08:00 in Jakarta: the same week, in July.
    { at: "2021-07-01T01:00:00Z", province: "52", status: "mantan" as const, source: "assisted" as const },
    // Sunday 1 August 2021, 00:30 in Jakarta: the week of 26 July, in August.
    { at: "2021-07-31T17:30:00Z", province: "35", status: "calon" as const, source: "self" as const },
  ];
  for (const [i, e] of edge.entries()) {
    await db.insert(participants).values({
      fullName: `Tepi Minggu ${i}`,
      ...sealedIdentity(makeNik({ birthDate: "1988-03-09", sex: "L", regencyCode: e.province === "35" ? "3507" : "5201" })),
      birthDate: "1988-03-09",
      sex: "L",
      provinceCode: e.province,
      migrantStatus: e.status,
      returnDate: e.status === "mantan" ? "2021-05-01" : null,
      source: e.source,
      cohort: "cohort" in e ? e.cohort : null,
      caseworkerId: cw.id,
      createdAt: new Date(e.at),
    });
  }
});

const filters: DashboardFilterInput[] = [
  { from: "2021-06", to: "2021-08" },
  { from: "2021-06", to: "2021-06" },
  { from: "2021-07", to: "2021-07" },
  { from: "2021-07", to: "2021-08", provinceCode: "35" },
  { from: "2021-06", to: "2021-08", migrantStatus: "mantan" },
  { from: "2021-06", to: "2021-07", source: "assisted" },
  { from: "2021-06", to: "2021-08", provinceCode: "35", migrantStatus: "calon", source: "self" },
  { from: "2021-06", to: "2021-08", cohort: "Kohort minggu" },
  { from: "2020-01", to: "2020-03" },
  { from: "2021-01", to: "2021-12" },
];

type Plain = Map<string, { calon: number; mantan: number }>;

/** The filter's registrations in the period, counted by Monday in JavaScript. */
async function plainWeeks(f: DashboardFilterInput): Promise<Plain> {
  const found = await rows<{ created_at: string | Date; migrant_status: "calon" | "mantan" }>(sql`
    select p.created_at, p.migrant_status from participants p
    where ${f.provinceCode ? sql`p.province_code = ${f.provinceCode}` : sql`true`}
      and ${f.migrantStatus ? sql`p.migrant_status = ${f.migrantStatus}` : sql`true`}
      and ${f.source ? sql`p.source = ${f.source}` : sql`true`}
      and ${f.cohort ? sql`p.cohort = ${f.cohort}` : sql`true`}`);
  const weeks: Plain = new Map();
  for (const r of found) {
    const jakarta = new Date(new Date(r.created_at).getTime() + 7 * 3_600_000);
    const month = jakarta.toISOString().slice(0, 7);
    if (month < f.from! || month > f.to!) continue;
    const sinceMonday = (jakarta.getUTCDay() + 6) % 7;
    const monday = new Date(Date.UTC(jakarta.getUTCFullYear(), jakarta.getUTCMonth(), jakarta.getUTCDate() - sinceMonday)).toISOString().slice(0, 10);
    const week = weeks.get(monday) ?? { calon: 0, mantan: 0 };
    week[r.migrant_status] += 1;
    weeks.set(monday, week);
  }
  return weeks;
}

describe("registrations per week equal a count of the rows", () => {
  for (const f of filters) {
    it(`for ${JSON.stringify(f)}`, async () => {
      const { weeks, filter } = await getWeeklyRegistrations(pmo, f);
      expect(filter.from).toBe(f.from);
      expect(filter.to).toBe(f.to);
      const plain = await plainWeeks(f);
      if (f === filters[0]) expect(plain.size).toBeGreaterThan(3);
      // Every week with a registration is listed, with the same counts.
      for (const [monday, counts] of plain) {
        expect(weeks.find((w) => w.week === monday), monday).toMatchObject(counts);
      }
      for (const w of weeks) expect({ calon: w.calon, mantan: w.mantan }, w.week).toEqual(plain.get(w.week) ?? { calon: 0, mantan: 0 });
      // Consecutive Mondays from the period's first day to its last, the edges clipped.
      expect(new Date(`${weeks[0].week}T00:00:00Z`).getUTCDay()).toBe(1);
      for (let i = 1; i < weeks.length; i++) {
        expect(Date.parse(weeks[i].week) - Date.parse(weeks[i - 1].week)).toBe(7 * 86_400_000);
      }
      expect(weeks[0].from).toBe(`${f.from}-01`);
      expect(weeks.at(-1)!.to.slice(0, 7)).toBe(f.to);
      expect(weeks[0].partial).toBe(weeks[0].week !== `${f.from}-01`);
      // The weeks add up to the dashboard's registrations.
      const d = await getDashboard(pmo, f);
      expect(weeks.reduce((s, w) => s + w.calon, 0)).toBe(d.headline.calon);
      expect(weeks.reduce((s, w) => s + w.mantan, 0)).toBe(d.headline.mantan);
    });
  }

  it("puts Sunday 23:30 in Jakarta in the week before, Monday 00:30 in the new one, and splits a week across two months", async () => {
    const june = await getWeeklyRegistrations(pmo, { from: "2021-06", to: "2021-06", cohort: "Kohort minggu" });
    expect(june.weeks.find((w) => w.week === "2021-06-21")).toMatchObject({ mantan: 1, calon: 0, partial: false });
    const edges = await getWeeklyRegistrations(pmo, { from: "2021-06", to: "2021-07", provinceCode: "35", source: "self" });
    const byWeek = new Map(edges.weeks.map((w) => [w.week, w]));
    expect(byWeek.get("2021-06-28")).toMatchObject({ calon: 1, partial: false });
    // The week of 26 July ends on 1 August, outside the period: shown in part, without the August registration.
    expect(byWeek.get("2021-07-26")).toMatchObject({ from: "2021-07-26", to: "2021-07-31", partial: true, calon: 0 });
    const july = await getWeeklyRegistrations(pmo, { from: "2021-07", to: "2021-07" });
    expect(july.weeks[0]).toMatchObject({ week: "2021-06-28", from: "2021-07-01", to: "2021-07-04", partial: true });
    const august = await getWeeklyRegistrations(pmo, { from: "2021-08", to: "2021-08", provinceCode: "35", source: "self" });
    expect(august.weeks[0]).toMatchObject({ week: "2021-07-26", from: "2021-08-01", to: "2021-08-01", calon: 1 });
  });

  it("uses the dashboard's default period when none is chosen", async () => {
    const [{ weeks, filter }, d] = await Promise.all([getWeeklyRegistrations(pmo, {}), getDashboard(pmo, {})]);
    expect(filter).toEqual(d.filter);
    expect(weeks.reduce((s, w) => s + w.calon + w.mantan, 0)).toBe(d.headline.registered);
  });

  it("is refused to caseworkers and participants", async () => {
    for (const user of [await createTestUser("caseworker"), await createTestUser("participant")]) {
      expect(await statusOf(() => getWeeklyRegistrations(user, { from: "2021-06", to: "2021-08" }))).toBe(403);
    }
  });
});
