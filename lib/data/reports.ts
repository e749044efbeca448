import "server-only";
import { sql } from "drizzle-orm";
import { db, executeRows, readDb } from "@/db";
import type { Stage } from "@/db/schema";
import { buildMonthlyReportPdf } from "@/lib/reports/monthly-pdf";
import { buildMonthlyReportXlsx } from "@/lib/reports/monthly-xlsx";
import type { ReportFilterInput } from "@/lib/validation/reports";
import { recordAudit } from "./audit";
import type { SessionUser } from "./permissions";
import { requireScope } from "./scope";
import { counterDims, defaultPeriod, getDashboard, type DashboardFilter } from "./programme";
import { getSurveySummary, type SurveySummary } from "./survey";

// The month's report (/pmo/reports): the dashboard for one month, from the same functions
// the dashboard uses (getDashboard with from = to = the month, getSurveySummary), so every
// figure equals the dashboard's for the same month and filters (lib/data/reports.test.ts
// compares them). Only the lists the dashboard cuts to its top ten (provinces, countries)
// are read whole here, from the same counters (dash_cohort, dash_country) under the same
// filter. No personal data: counts, and the caseworkers' names (staff). The survey's free
// texts are left out, as participants may write anything in them.

export type ReportFormat = "xlsx" | "pdf";

export type MonthlyReport = {
  month: string;
  filter: DashboardFilter;
  /** When the figures were read. */
  takenAt: Date;
  summary: {
    registered: number;
    calon: number;
    mantan: number;
    servicesDelivered: number;
    /** The month's programme-wide target, or null when none is set. */
    target: number | null;
    withdrawn: number;
    /** Programme-wide, whatever the filter (as on the dashboard). */
    waiting: number;
  };
  funnel: { stage: Stage; reached: number; current: number; conversion: number | null; medianDays: number | null }[];
  blockers: { code: string; nameId: string; count: number }[];
  /** Every province with participants registered in the month, most first. */
  provinces: { code: string; registered: number; calon: number; mantan: number; byStage: Record<Stage, number> }[];
  /** Every country of placement of the month's participants, most first. */
  countries: { code: string; n: number }[];
  caseworkers: { name: string; disabled: boolean; caseload: number; services: number; overdue: number }[];
  survey: Omit<SurveySummary, "hardestOther">;
};

const rows = <T>(query: ReturnType<typeof sql>) => executeRows<T>(query, readDb);

/** The report's month: the one asked for, else the latest month of the dashboard's default period. */
async function reportMonth(input: ReportFilterInput): Promise<string> {
  return input.month ?? (await defaultPeriod()).to;
}

/** The month's report under the dashboard's filters. */
export async function getMonthlyReport(viewer: SessionUser, input: ReportFilterInput, now = new Date()): Promise<MonthlyReport> {
  const scope = await requireScope(viewer, "read:dashboard:any", "read:dashboard:region");
  const month = await reportMonth(input);
  const dims = { provinceCode: input.provinceCode, migrantStatus: input.migrantStatus, source: input.source, cohort: input.cohort };
  const scoped = { ...dims, provinces: scope };
  const monthStart = `${month}-01`;
  const [d, provinceRows, countries] = await Promise.all([
    getDashboard(viewer, { from: month, to: month, ...dims }),
    rows<{ code: string; stage: Stage; migrant_status: string; n: number }>(sql`
      select c.province_code as code, c.stage, c.migrant_status, sum(c.n)::int as n from dash_cohort c
      where c.month = ${monthStart}::date and ${counterDims(scoped, "c")}
      group by 1, 2, 3 having sum(c.n) > 0`),
    rows<{ code: string; n: number }>(sql`
      select c.country_code as code, sum(c.n)::int as n from dash_country c
      where c.month = ${monthStart}::date and ${counterDims(scoped, "c")} and c.country_code <> ''
      group by 1 having sum(c.n) > 0 order by n desc, code`),
  ]);
  const survey = await getSurveySummary(viewer, d.filter);

  const byCode = new Map<string, MonthlyReport["provinces"][number]>();
  for (const r of provinceRows) {
    let p = byCode.get(r.code);
    if (!p) {
      p = { code: r.code, registered: 0, calon: 0, mantan: 0, byStage: { registration: 0, training: 0, lms: 0, completed: 0, withdrawn: 0 } };
      byCode.set(r.code, p);
    }
    p.registered += r.n;
    if (r.migrant_status === "calon") p.calon += r.n;
    if (r.migrant_status === "mantan") p.mantan += r.n;
    p.byStage[r.stage] += r.n;
  }
  const provinces = [...byCode.values()].sort((a, b) => b.registered - a.registered || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));

  const { hardestOther: _freeTexts, ...surveyFigures } = survey;
  return {
    month,
    filter: d.filter,
    takenAt: now,
    summary: {
      registered: d.headline.registered,
      calon: d.headline.calon,
      mantan: d.headline.mantan,
      servicesDelivered: d.headline.servicesDelivered,
      target: d.perMonth[0]?.target ?? null,
      withdrawn: d.withdrawn,
      waiting: d.waiting.count,
    },
    funnel: d.funnel,
    blockers: d.blockers.map((b) => ({ code: b.code, nameId: b.nameId, count: b.count })),
    provinces,
    countries,
    caseworkers: d.caseworkers.map((c) => ({ name: c.name, disabled: c.disabled, caseload: c.caseload, services: c.servicesInPeriod, overdue: c.overdue })),
    survey: surveyFigures,
  };
}

export type MonthlyReportFile = { fileName: string; contentType: string; body: Uint8Array; report: MonthlyReport };

const CONTENT_TYPES: Record<ReportFormat, string> = {
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pdf: "application/pdf",
};

/** The month's report as a file, its download written to the audit log (who, month, filters, format). */
export async function monthlyReportFile(
  viewer: SessionUser,
  input: ReportFilterInput,
  format: ReportFormat,
  now = new Date(),
): Promise<MonthlyReportFile> {
  const report = await getMonthlyReport(viewer, input, now);
  const body = format === "pdf" ? await buildMonthlyReportPdf(report) : await buildMonthlyReportXlsx(report);
  // A coordinator's scope (their provinces) is recorded with the filters; the PMO's (null) is not.
  const { from: _from, to: _to, ...filter } = report.filter;
  await db.transaction((tx) =>
    recordAudit(tx, {
      actor: viewer,
      action: "report.download",
      entityType: "report",
      entityId: report.month,
      after: { month: report.month, filter: Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined && v !== null)), format },
    }),
  );
  return { fileName: `laporan-bulanan-${report.month}.${format}`, contentType: CONTENT_TYPES[format], body, report };
}
