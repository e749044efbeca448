import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db, executeRows } from "@/db";
import { loadDemoData } from "@/db/demo-data";
import { regionProvinces, regions, users } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { provinces } from "@/lib/reference/regions";
import { newCoordinatorSchema, regionUpdateSchema } from "@/lib/validation/regions";
import type { DashboardFilterInput } from "@/lib/validation/dashboard";
import { getComparisons } from "./comparisons";
import { listCohorts } from "./imports";
import type { SessionUser } from "./permissions";
import { getProvinceFigures } from "./places";
import { getDashboard } from "./programme";
import { createCoordinator, updateRegion } from "./regions";
import { getMonthlyReport } from "./reports";
import { getSurveySummary } from "./survey";
import { getWeeklyRegistrations } from "./trends";

// A regional coordinator's dashboard (issue 19): every figure computed for the provinces of
// their regions only. On the demo data, whose two regions are East Java (35) and Central
// Java with Yogyakarta (33, 34): a coordinator of a one-province region must read exactly
// what the PMO reads with that province as the filter; a coordinator's figures and the
// provinces in no region must add up to the PMO's; plain SQL over the participants agrees.

let pmo: SessionUser;
let east: SessionUser;
let central: SessionUser;
let eastRegionId: string;
const PERIOD: DashboardFilterInput = { from: "2021-06", to: "2021-08" };

async function sessionOf(email: string): Promise<SessionUser> {
  const [u] = await db.select().from(users).where(eq(users.email, email));
  return { id: u.id, role: u.role, name: u.name, locale: "id" };
}

beforeAll(async () => {
  await freshDatabase();
  await loadDemoData();
  pmo = await createTestUser("pmo");
  east = await sessionOf("koordinator1@pendamping.test");
  central = await sessionOf("koordinator2@pendamping.test");
  [{ id: eastRegionId }] = await db.select({ id: regions.id }).from(regions).where(eq(regions.name, "Kantor Wilayah Jawa Timur"));
});

const placed = async () => (await db.select().from(regionProvinces)).map((r) => r.provinceCode);

/** Registrations in the period in the provinces, counted from the participants themselves. */
async function registeredIn(codes: string[]): Promise<number> {
  if (codes.length === 0) return 0;
  const [row] = await executeRows<{ n: number }>(sql`
    select count(*)::int as n from participants
    where province_code in (${sql.join(
      codes.map((c) => sql`${c}`),
      sql`, `,
    )})
      and ((created_at at time zone 'UTC') + interval '7 hours')::date >= '2021-06-01'
      and ((created_at at time zone 'UTC') + interval '7 hours')::date < '2021-09-01'`);
  return row.n;
}

/** The figures of a dashboard that do not depend on who reads them. */
const figures = (d: Awaited<ReturnType<typeof getDashboard>>) => ({
  headline: d.headline,
  perMonth: d.perMonth,
  funnel: d.funnel,
  withdrawn: d.withdrawn,
  blockers: d.blockers,
  byProvince: d.byProvince,
  byCountry: d.byCountry,
});

describe("a coordinator's dashboard", () => {
  it("equals the PMO's with their one province as the filter, and plain SQL over the participants", async () => {
    const mine = await getDashboard(east, PERIOD);
    const theirs = await getDashboard(pmo, { ...PERIOD, provinceCode: "35" });
    expect(mine.headline.registered).toBeGreaterThan(0);
    expect(figures(mine)).toEqual(figures(theirs));
    expect(mine.headline.registered).toBe(await registeredIn(["35"]));
    expect(mine.byProvince.map((p) => p.code)).toEqual(["35"]);
  });

  it("lists only the caseworkers of their provinces, with the PMO's figures for them under that filter", async () => {
    const mine = await getDashboard(east, PERIOD);
    const theirs = await getDashboard(pmo, { ...PERIOD, provinceCode: "35" });
    const inEast = await db.select({ id: users.id }).from(users).where(eq(users.provinceCode, "35"));
    expect(mine.caseworkers.map((c) => c.id).sort()).toEqual(inEast.map((c) => c.id).sort());
    for (const row of mine.caseworkers) expect(row).toEqual(theirs.caseworkers.find((c) => c.id === row.id));
  });

  it("counts those waiting for a caseworker in their provinces only", async () => {
    const mine = await getDashboard(east, PERIOD);
    const [row] = await executeRows<{ n: number }>(sql`select count(*)::int as n from participants where caseworker_id is null and province_code = '35'`);
    expect(mine.waiting.count).toBe(row.n);
  });

  it("of a two-province region adds up its provinces; the regions and the provinces in no region add up to the PMO's", async () => {
    const two = await getDashboard(central, PERIOD);
    const [p33, p34] = await Promise.all(["33", "34"].map((provinceCode) => getDashboard(pmo, { ...PERIOD, provinceCode })));
    expect(two.headline.registered).toBe(p33.headline.registered + p34.headline.registered);
    expect(two.headline.servicesDelivered).toBe(p33.headline.servicesDelivered + p34.headline.servicesDelivered);
    expect(two.headline.registered).toBe(await registeredIn(["33", "34"]));

    const all = await getDashboard(pmo, PERIOD);
    const inRegions = await placed();
    const unplaced = provinces.map((p) => p.code).filter((c) => !inRegions.includes(c));
    const elsewhere = await Promise.all(unplaced.map((provinceCode) => getDashboard(pmo, { ...PERIOD, provinceCode })));
    const eastDash = await getDashboard(east, PERIOD);
    const sum = (pick: (d: Awaited<ReturnType<typeof getDashboard>>) => number) =>
      pick(eastDash) + pick(two) + elsewhere.reduce((n, d) => n + pick(d), 0);
    expect(sum((d) => d.headline.registered)).toBe(all.headline.registered);
    expect(sum((d) => d.headline.servicesDelivered)).toBe(all.headline.servicesDelivered);
    expect(sum((d) => d.withdrawn)).toBe(all.withdrawn);
    for (const [i, stage] of all.funnel.entries()) expect(sum((d) => d.funnel[i].reached)).toBe(stage.reached);
  });

  it("a province filter outside their regions shows nothing, not that province", async () => {
    const outside = await getDashboard(east, { ...PERIOD, provinceCode: "33" });
    expect(outside.headline.registered).toBe(0);
    expect(outside.headline.servicesDelivered).toBe(0);
    expect((await getDashboard(pmo, { ...PERIOD, provinceCode: "33" })).headline.registered).toBeGreaterThan(0);
  });
});

describe("the other pictures of the dashboard, for a coordinator", () => {
  it("weekly registrations, comparisons, the report and the survey equal the PMO's under their province", async () => {
    const asPmo = { ...PERIOD, provinceCode: "35" };
    expect((await getWeeklyRegistrations(east, PERIOD)).weeks).toEqual((await getWeeklyRegistrations(pmo, asPmo)).weeks);
    const [mine, theirs] = [await getComparisons(east, PERIOD), await getComparisons(pmo, asPmo)];
    expect({ status: mine.status, source: mine.source, cohorts: mine.cohorts }).toEqual({ status: theirs.status, source: theirs.source, cohorts: theirs.cohorts });
    const now = new Date("2021-09-01T00:00:00Z");
    const [myReport, theirReport] = [await getMonthlyReport(east, { month: "2021-07" }, now), await getMonthlyReport(pmo, { month: "2021-07", provinceCode: "35" }, now)];
    // "Waiting for a caseworker" is programme-wide for the PMO whatever the filter, and the
    // coordinator's own provinces for a coordinator.
    const { waiting: myWaiting, ...mySummary } = myReport.summary;
    const { waiting: _all, ...theirSummary } = theirReport.summary;
    expect(mySummary).toEqual(theirSummary);
    const [unassigned] = await executeRows<{ n: number }>(sql`select count(*)::int as n from participants where caseworker_id is null and province_code = '35'`);
    expect(myWaiting).toBe(unassigned.n);
    expect(myReport.provinces).toEqual(theirReport.provinces);
    expect(myReport.countries).toEqual(theirReport.countries);
    // The PMO's table lists every caseworker; the coordinator's, those of their provinces.
    expect(myReport.caseworkers.length).toBeGreaterThan(0);
    expect(myReport.caseworkers).toEqual(theirReport.caseworkers.filter((c) => myReport.caseworkers.some((m) => m.name === c.name)));
    const filter = { from: "2021-06", to: "2021-08" };
    expect(await getSurveySummary(east, filter)).toEqual(await getSurveySummary(pmo, { ...filter, provinceCode: "35" }));
  });

  it("the map shades their provinces only", async () => {
    const map = await getProvinceFigures(central, PERIOD);
    const shaded = map.provinces.filter((p) => p.participants > 0).map((p) => p.code);
    expect(shaded.length).toBeGreaterThan(0);
    for (const code of shaded) expect(["33", "34"]).toContain(code);
  });

  it("lists the cohorts of their provinces", async () => {
    expect(await listCohorts(east)).toEqual([]);
  });

  it("a survey filter handed in with another scope still reads the viewer's own", async () => {
    const widened = await getSurveySummary(east, { ...PERIOD, from: "2021-06", to: "2021-08", provinces: null });
    expect(widened).toEqual(await getSurveySummary(pmo, { from: "2021-06", to: "2021-08", provinceCode: "35" }));
  });
});

describe("regions change, scope follows", () => {
  it("a coordinator without regions sees nothing; one given a region sees it at once; a province taken out is gone at once", async () => {
    const made = await createCoordinator(pmo, newCoordinatorSchema.parse({ name: "Tanpa Wilayah", email: `tanpa${Date.now()}@bp2mi.go.id`, regionIds: [eastRegionId] }));
    if (!made.ok) throw new Error(JSON.stringify(made));
    const coordinator: SessionUser = { id: made.userId, role: "coordinator", name: "Tanpa Wilayah", locale: "id" };
    expect((await getDashboard(coordinator, PERIOD)).headline.registered).toBe(await registeredIn(["35"]));

    // East Java gets Bali (51) too, then gives East Java up.
    await updateRegion(pmo, regionUpdateSchema.parse({ regionId: eastRegionId, name: "Kantor Wilayah Jawa Timur", provinceCodes: ["35", "51"] }));
    expect((await getDashboard(coordinator, PERIOD)).headline.registered).toBe(await registeredIn(["35", "51"]));
    await updateRegion(pmo, regionUpdateSchema.parse({ regionId: eastRegionId, name: "Kantor Wilayah Jawa Timur", provinceCodes: ["51"] }));
    const now = await getDashboard(coordinator, PERIOD);
    expect(now.headline.registered).toBe(await registeredIn(["51"]));
    expect(now.caseworkers).toEqual([]);
    await updateRegion(pmo, regionUpdateSchema.parse({ regionId: eastRegionId, name: "Kantor Wilayah Jawa Timur", provinceCodes: ["35"] }));

    // No region at all: nothing, never everything.
    await db.execute(sql`delete from coordinator_regions where user_id = ${made.userId}`);
    const none = await getDashboard(coordinator, PERIOD);
    expect(none.headline.registered).toBe(0);
    expect(none.waiting.count).toBe(0);
    expect(none.caseworkers).toEqual([]);
    const weeks = (await getWeeklyRegistrations(coordinator, PERIOD)).weeks;
    expect(weeks.reduce((n, w) => n + w.calon + w.mantan, 0)).toBe(0);
  });
});

describe("refusals", () => {
  it("participants and caseworkers read no dashboard figure", async () => {
    const participantRow = (await db.select().from(users).where(eq(users.email, "peserta1@pendamping.test")))[0];
    const participant: SessionUser = { id: participantRow.id, role: "participant", name: participantRow.name, locale: "id" };
    const caseworker = await sessionOf("pendamping1@pendamping.test");
    for (const viewer of [participant, caseworker]) {
      expect(await statusOf(() => getDashboard(viewer, PERIOD))).toBe(403);
      expect(await statusOf(() => getWeeklyRegistrations(viewer, PERIOD))).toBe(403);
      expect(await statusOf(() => getComparisons(viewer, PERIOD))).toBe(403);
      expect(await statusOf(() => getProvinceFigures(viewer, PERIOD))).toBe(403);
      expect(await statusOf(() => getMonthlyReport(viewer, { month: "2021-07" }))).toBe(403);
      expect(await statusOf(() => getSurveySummary(viewer, { from: "2021-06", to: "2021-08" }))).toBe(403);
      expect(await statusOf(() => listCohorts(viewer))).toBe(403);
    }
  });
});
