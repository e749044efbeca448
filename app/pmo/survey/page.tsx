import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { DashboardFilterFields } from "@/components/dashboard-filter-fields";
import { MonthPicker, pickerYears } from "@/components/month-picker";
import { canAny, READ_DASHBOARD } from "@/lib/data/permissions";
import { dashboardFilterFor } from "@/lib/data/programme";
import { getUser, requireUserWithAny } from "@/lib/data/session";
import { dashboardFilterFromParams, dashboardQueryFromPickers } from "@/lib/validation/dashboard";
import { queryFields } from "@/lib/validation/query";
import { SurveySection } from "../survey-section";

export async function generateMetadata(): Promise<Metadata> {
  if (!canAny(await getUser(), READ_DASHBOARD)) return {};
  return { title: (await getTranslations("pmoSurvey"))("title") };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The evaluation survey on its own page, with the dashboard's filters. */
export default async function PmoSurveyPage({ searchParams }: { searchParams: SearchParams }) {
  const viewer = await requireUserWithAny(READ_DASHBOARD);
  const fields = queryFields(await searchParams);
  // The month and year selects, as on the dashboard: the same page under from/to.
  const canonical = dashboardQueryFromPickers(fields);
  if (canonical !== null) redirect(canonical ? `/pmo/survey?${canonical}` : "/pmo/survey");
  const input = dashboardFilterFromParams(fields);
  const filter = await dashboardFilterFor(viewer, input);
  const t = await getTranslations("pmo");
  const tSurvey = await getTranslations("pmoSurvey");
  const tDash = await getTranslations("pmoDashboard");
  const locale = await getLocale();
  const years = pickerYears(filter.from, filter.to);
  const format = await getFormatter();
  const monthName = (m: string) => format.dateTime(new Date(`${m}-15T00:00:00Z`), { month: "long", year: "numeric" });

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">{tSurvey("title")}</h1>
      <form method="get" action="/pmo/survey" className="grid grid-cols-1 gap-3 rounded-lg border border-slate-200 bg-white p-4 min-[400px]:grid-cols-2 sm:grid-cols-3 lg:grid-cols-6">
        {(["from", "to"] as const).map((end) => (
          <MonthPicker
            key={end}
            name={end}
            legend={t(end)}
            value={filter[end]}
            monthLabel={tDash("pickerMonth")}
            yearLabel={tDash("pickerYear")}
            locale={locale}
            years={years}
          />
        ))}
        <DashboardFilterFields filter={filter} />
        <div className="flex items-end">
          <button type="submit" className="w-full rounded-md bg-teal-800 px-4 py-2 font-semibold text-white">
            {t("apply")}
          </button>
        </div>
      </form>
      <p className="text-slate-700">{t("period", { from: monthName(filter.from), to: monthName(filter.to) })}</p>
      <SurveySection viewer={viewer} filter={filter} />
    </div>
  );
}
