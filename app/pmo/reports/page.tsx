import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { DashboardFilterFields } from "@/components/dashboard-filter-fields";
import { MonthPicker, pickerYears } from "@/components/month-picker";
import { listCohorts } from "@/lib/data/imports";
import { canAny, READ_DASHBOARD } from "@/lib/data/permissions";
import { getMonthlyReport } from "@/lib/data/reports";
import { getUser, requireUserWithAny } from "@/lib/data/session";
import { queryFields } from "@/lib/validation/query";
import { reportFilterFromParams, reportQuery, reportQueryFromPickers } from "@/lib/validation/reports";

export async function generateMetadata(): Promise<Metadata> {
  if (!canAny(await getUser(), READ_DASHBOARD)) return {};
  return { title: (await getTranslations("pmoReports"))("title") };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * The month's report: a month and the dashboard's filters in a GET form (no JavaScript
 * needed), the month's key figures, and two plain links that download the report as Excel
 * and as PDF (app/pmo/reports/xlsx, app/pmo/reports/pdf) under the same query.
 */
export default async function PmoReportsPage({ searchParams }: { searchParams: SearchParams }) {
  const viewer = await requireUserWithAny(READ_DASHBOARD);
  const fields = queryFields(await searchParams);
  const canonical = reportQueryFromPickers(fields);
  if (canonical !== null) redirect(canonical ? `/pmo/reports?${canonical}` : "/pmo/reports");
  const input = reportFilterFromParams(fields);
  const [report, cohorts] = await Promise.all([getMonthlyReport(viewer, input), listCohorts(viewer)]);
  const t = await getTranslations("pmo");
  const tReports = await getTranslations("pmoReports");
  const tDash = await getTranslations("pmoDashboard");
  const locale = await getLocale();
  const format = await getFormatter();
  const monthName = format.dateTime(new Date(`${report.month}-15T00:00:00Z`), { month: "long", year: "numeric", timeZone: "UTC" });
  const num = (n: number) => format.number(n);
  const f = report.filter;
  const query = reportQuery({ ...f, month: report.month });
  const dashboardQuery = new URLSearchParams({ from: report.month, to: report.month });
  for (const key of ["provinceCode", "migrantStatus", "source", "cohort"] as const) if (f[key]) dashboardQuery.set(key, f[key]!);
  const s = report.summary;
  const figures: [string, string, string][] = [
    ["registered", t("registered"), num(s.registered)],
    ["services", t("servicesDelivered"), num(s.servicesDelivered)],
    ["target", t("target"), s.target === null ? t("noTarget") : num(s.target)],
    ["achieved", t("achieved"), s.target ? format.number(s.servicesDelivered / s.target, { style: "percent", maximumFractionDigits: 0 }) : "–"],
  ];

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">{tReports("title")}</h1>
      <p className="max-w-prose text-slate-700">{tReports("intro")}</p>

      <form method="get" action="/pmo/reports" className="grid grid-cols-1 gap-3 rounded-lg border border-slate-200 bg-white p-4 min-[400px]:grid-cols-2 sm:grid-cols-3 lg:grid-cols-6">
        <MonthPicker
          name="month"
          legend={tReports("month")}
          value={report.month}
          monthLabel={tDash("pickerMonth")}
          yearLabel={tDash("pickerYear")}
          locale={locale}
          years={pickerYears(report.month, report.month)}
        />
        <DashboardFilterFields filter={f} cohorts={cohorts} />
        <div className="flex items-end">
          <button type="submit" className="w-full rounded-md bg-teal-800 px-4 py-2 font-semibold text-white">
            {tReports("show")}
          </button>
        </div>
      </form>

      <section aria-labelledby="downloads-h" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4" data-month={report.month}>
        <h2 id="downloads-h" className="text-lg font-semibold">
          {tReports("downloads", { month: monthName })}
        </h2>
        <div className="flex flex-wrap gap-3">
          <a href={`/pmo/reports/xlsx?${query}`} className="rounded-md bg-teal-800 px-4 py-2 font-semibold text-white" data-download="xlsx">
            {tReports("downloadXlsx")}
          </a>
          <a href={`/pmo/reports/pdf?${query}`} className="rounded-md border border-teal-800 px-4 py-2 font-semibold text-teal-800" data-download="pdf">
            {tReports("downloadPdf")}
          </a>
        </div>
      </section>

      <section aria-labelledby="preview-h" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="preview-h" className="text-lg font-semibold">
          {tReports("previewTitle", { month: monthName })}
        </h2>
        <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4">
          {figures.map(([key, label, value]) => (
            <div key={key} className="rounded-lg border border-slate-200 p-3">
              <dt className="text-sm text-slate-700">{label}</dt>
              <dd className="text-2xl font-bold tabular-nums" data-figure={key}>
                {value}
              </dd>
            </div>
          ))}
        </dl>
        <p>
          <a href={`/pmo?${dashboardQuery}`} className="font-medium text-teal-800 underline">
            {tReports("dashboardLink")}
          </a>
        </p>
      </section>
    </div>
  );
}
