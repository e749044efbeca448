import { eq, sql, type SQL } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { loadDemoData } from "@/db/demo-data";
import { auditEvents, participants, serviceLogs, stageChanges, surveyResponses, targets } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { makeNik } from "@/lib/testing/identity";
import { sealedIdentity } from "@/lib/testing/sealed";
import type { ReportFilterInput } from "@/lib/validation/reports";
import type { SessionUser } from "./permissions";
import { getDashboard } from "./programme";
import { getMonthlyReport, monthlyReportFile } from "./reports";
import { getSurveySummary } from "./survey";

// The month's report equals the dashboard for the same month and filters, figure by figure,
// for several months and filters, on the demo data plus generated rows on the edges (a
// registration at 23:30 Jakarta time on a month's last day, a correction that moves a
// service to the next month, an imported cohort, survey answers); and a few figures are
// recomputed with plain SQL over the raw rows, written without the implementation's helpers.

async function rows<T>(query: SQL): Promise<T[]> {
  const result = await db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

let pmo: SessionUser;
const COHORT = "Wisma Atlet Juni 2021";

beforeAll(async () => {
  await freshDatabase();
  await loadDemoData();
  pmo = await createTestUser("pmo");
  const cw = await createTestUser("caseworker", { name: "Pendamping Laporan" });
  const edge = [
    { at: "2021-06-30T16:30:00Z", province: "35", status: "mantan" as const, source: "import" as const, cohort: COHORT, stage: "completed" as const },
    { at: "2021-07-31T17:30:00Z", province: "35", status: "calon" as const, source: "self" as const, stage: "registration" as const },
    { at: "2021-07-15T03:00:00Z", province: "52", status: "mantan" as const, source: "assisted" as const, stage: "withdrawn" as const },
  ];
  for (const [i, e] of edge.entries()) {
    const [p] = await db
      .insert(participants)
      .values({
        fullName: `Tepi Laporan ${i}`,
        ...sealedIdentity(makeNik({ birthDate: "1988-03-09", sex: "L", regencyCode: e.province === "35" ? "3507" : "5201" })),
        birthDate: "1988-03-09",
        sex: "L",
        provinceCode: e.province,
        migrantStatus: e.status,
        returnDate: e.status === "mantan" ? "2021-05-01" : null,
        countryCode: "TW",
        source: e.source,
        cohort: "cohort" in e ? e.cohort : null,
        caseworkerId: cw.id,
        stage: e.stage,
        withdrawnReason: e.stage === "withdrawn" ? "Berangkat kerja" : null,
        createdAt: new Date(e.at),
      })
      .returning();
    await db.insert(stageChanges).values([
      { participantId: p.id, toStage: "registration", createdAt: new Date(e.at) },
      { participantId: p.id, fromStage: "registration", toStage: e.stage, createdAt: new Date(Date.parse(e.at) + 4 * 86_400_000) },
    ]);
    const [log] = await db
      .insert(serviceLogs)
      .values({ participantId: p.id, caseworkerId: cw.id, serviceCode: "prakerja_account", occurredOn: "2021-07-31", channel: "phone", outcome: "blocked", blockerCode: "otp_not_received" })
      .returning();
    // The correction moves the record to August: it counts once, in August.
    await db.insert(serviceLogs).values({
      participantId: p.id,
      caseworkerId: cw.id,
      serviceCode: "prakerja_account",
      occurredOn: "2021-08-01",
      channel: "phone",
      outcome: "done",
      correctsId: log.id,
    });
    if (e.stage !== "registration") {
      await db.insert(surveyResponses).values({
        participantId: p.id,
        employmentStatus: "looking",
        trainingHelped: "yes",
        satisfaction: 4,
        hardest: ["otp_not_received"],
        hardestOther: "Sinyal di kampung +6281234567890",
        plansAbroad: "unsure",
      });
    }
  }
  await db.insert(targets).values({ month: "2021-08", count: 40 }).onConflictDoNothing();
});

const filters: ReportFilterInput[] = [
  { month: "2021-06" },
  { month: "2021-07" },
  { month: "2021-08" },
  { month: "2021-07", provinceCode: "35" },
  { month: "2021-06", migrantStatus: "mantan" },
  { month: "2021-07", source: "assisted" },
  { month: "2021-06", cohort: COHORT },
  { month: "2021-06", provinceCode: "33", migrantStatus: "calon", source: "self" },
  { month: "2020-01" },
  {},
];

describe("the month's report equals the dashboard for the same month and filters", () => {
  for (const f of filters) {
    it(`for ${JSON.stringify(f)}`, async () => {
      const report = await getMonthlyReport(pmo, f);
      const { month: _month, ...dims } = f;
      const month = f.month ?? report.month;
      const d = await getDashboard(pmo, { from: month, to: month, ...dims });
      expect(report.month).toBe(month);
      expect(report.filter).toEqual(d.filter);

      expect(report.summary).toEqual({
        registered: d.headline.registered,
        calon: d.headline.calon,
        mantan: d.headline.mantan,
        servicesDelivered: d.headline.servicesDelivered,
        target: d.perMonth[0].target,
        withdrawn: d.withdrawn,
        waiting: d.waiting.count,
      });
      expect(d.perMonth).toHaveLength(1);
      expect(report.funnel).toEqual(d.funnel);
      expect(report.blockers).toEqual(d.blockers.map((b) => ({ code: b.code, nameId: b.nameId, count: b.count })));
      // The dashboard shows the top ten; the report has them all, the same ten first.
      expect(report.provinces.slice(0, 10).map((p) => ({ code: p.code, n: p.registered }))).toEqual(d.byProvince);
      expect(report.countries.slice(0, 10)).toEqual(d.byCountry);
      expect(report.provinces.reduce((s, p) => s + p.registered, 0)).toBe(d.headline.registered);
      expect(report.provinces.reduce((s, p) => s + p.calon, 0)).toBe(d.headline.calon);
      expect(report.provinces.reduce((s, p) => s + p.mantan, 0)).toBe(d.headline.mantan);
      for (const stage of ["registration", "training", "lms", "completed"] as const) {
        expect(report.provinces.reduce((s, p) => s + p.byStage[stage], 0), stage).toBe(d.funnel.find((r) => r.stage === stage)!.current);
      }
      expect(report.provinces.reduce((s, p) => s + p.byStage.withdrawn, 0)).toBe(d.withdrawn);
      expect(report.caseworkers).toEqual(
        d.caseworkers.map((c) => ({ name: c.name, disabled: c.disabled, caseload: c.caseload, services: c.servicesInPeriod, overdue: c.overdue })),
      );
      const { hardestOther: _texts, ...survey } = await getSurveySummary(pmo, d.filter);
      expect(report.survey).toEqual(survey);
    });
  }
});

/** The filter's dimensions on participants p, written without the implementation's helpers. */
function where(f: ReportFilterInput): SQL {
  const parts = [sql`true`];
  if (f.provinceCode) parts.push(sql`p.province_code = ${f.provinceCode}`);
  if (f.migrantStatus) parts.push(sql`p.migrant_status = ${f.migrantStatus}`);
  if (f.source) parts.push(sql`p.source = ${f.source}`);
  if (f.cohort) parts.push(sql`p.cohort = ${f.cohort}`);
  return sql.join(parts, sql` and `);
}
const registeredIn = (month: string) => sql`to_char(p.created_at at time zone 'UTC' + interval '7 hours', 'YYYY-MM') = ${month}`;

it("compares months that hold data", async () => {
  const july = await getMonthlyReport(pmo, { month: "2021-07" });
  expect(july.summary.registered).toBeGreaterThan(0);
  expect(july.summary.servicesDelivered).toBeGreaterThan(0);
  expect(july.summary.target).toBe(69);
  expect(july.blockers.length).toBeGreaterThan(0);
  expect(july.provinces.length).toBeGreaterThan(1);
  expect(july.caseworkers.some((c) => c.services > 0)).toBe(true);
  expect((await getMonthlyReport(pmo, { month: "2021-06" })).survey.responses).toBeGreaterThan(0);
});

describe("the report's figures recomputed with plain SQL", () => {
  for (const f of filters.filter((x) => x.month)) {
    it(`for ${JSON.stringify(f)}`, async () => {
      const report = await getMonthlyReport(pmo, f);
      const month = f.month!;
      const [reg] = await rows<{ n: number }>(sql`select count(*)::int n from participants p where ${where(f)} and ${registeredIn(month)}`);
      expect(report.summary.registered).toBe(reg.n);
      const [svc] = await rows<{ n: number }>(sql`
        select count(*)::int n from service_logs l join participants p on p.id = l.participant_id
        where not exists (select 1 from service_logs c where c.corrects_id = l.id)
          and ${where(f)} and to_char(l.occurred_on, 'YYYY-MM') = ${month}`);
      expect(report.summary.servicesDelivered).toBe(svc.n);
      const [target] = await rows<{ count: number }>(sql`select count from targets where month = ${month}`);
      expect(report.summary.target).toBe(target?.count ?? null);
      const provinces = await rows<{ code: string; n: number; withdrawn: number }>(sql`
        select p.province_code code, count(*)::int n, count(*) filter (where p.stage = 'withdrawn')::int withdrawn
        from participants p where ${where(f)} and ${registeredIn(month)} group by 1 order by 2 desc, 1`);
      expect(report.provinces.map((p) => ({ code: p.code, n: p.registered, withdrawn: p.byStage.withdrawn }))).toEqual(provinces);
      const countries = await rows<{ code: string; n: number }>(sql`
        select p.country_code code, count(*)::int n from participants p
        where ${where(f)} and ${registeredIn(month)} and p.country_code is not null group by 1 order by 2 desc, 1`);
      expect(report.countries).toEqual(countries);
    });
  }
});

describe("the report's files", () => {
  it("are audited: who, which month, which filters, which format", async () => {
    for (const format of ["xlsx", "pdf"] as const) {
      const file = await monthlyReportFile(pmo, { month: "2021-07", provinceCode: "35", cohort: COHORT }, format);
      expect(file.fileName).toBe(`laporan-bulanan-2021-07.${format}`);
      expect(file.body.byteLength).toBeGreaterThan(1000);
    }
    const events = await db.select().from(auditEvents).where(eq(auditEvents.action, "report.download"));
    expect(events.map((e) => ({ actor: e.actorId, entity: e.entityId, after: e.after }))).toEqual([
      { actor: pmo.id, entity: "2021-07", after: { month: "2021-07", filter: { provinceCode: "35", cohort: COHORT }, format: "xlsx" } },
      { actor: pmo.id, entity: "2021-07", after: { month: "2021-07", filter: { provinceCode: "35", cohort: COHORT }, format: "pdf" } },
    ]);
  });

  it("hold none of the participants' free texts", async () => {
    const report = await getMonthlyReport(pmo, { month: "2021-06" });
    expect(JSON.stringify(report)).not.toContain("Sinyal di kampung");
    expect(JSON.stringify(report)).not.toContain("Tepi Laporan");
  });
});

describe("refusals", () => {
  it("refuses caseworkers and participants (403), and writes no audit event", async () => {
    const before = await db.select().from(auditEvents).where(eq(auditEvents.action, "report.download"));
    for (const role of ["caseworker", "participant"] as const) {
      const user = await createTestUser(role);
      expect(await statusOf(() => getMonthlyReport(user, { month: "2021-07" })), role).toBe(403);
      expect(await statusOf(() => monthlyReportFile(user, { month: "2021-07" }, "xlsx")), role).toBe(403);
      expect(await statusOf(() => monthlyReportFile(user, { month: "2021-07" }, "pdf")), role).toBe(403);
    }
    const after = await db.select().from(auditEvents).where(eq(auditEvents.action, "report.download"));
    expect(after).toHaveLength(before.length);
  });
});
