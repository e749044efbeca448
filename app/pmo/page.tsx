import type { Metadata } from "next";
import { NextIntlClientProvider } from "next-intl";
import { getFormatter, getLocale, getMessages, getTranslations } from "next-intl/server";
import Link from "next/link";
import { redirect } from "next/navigation";
import { BarTable, TargetBar } from "@/components/charts";
import { DashboardFilterFields } from "@/components/dashboard-filter-fields";
import { MonthPicker, pickerYears } from "@/components/month-picker";
import { ScrollRegion } from "@/components/scroll-region";
import { ASSIGN, can, canAny, READ_DASHBOARD } from "@/lib/data/permissions";
import { listCohorts } from "@/lib/data/imports";
import { getDashboard } from "@/lib/data/programme";
import { getUser, requireUserWithAny } from "@/lib/data/session";
import { countryName } from "@/lib/reference/countries";
import { findProvince } from "@/lib/reference/regions";
import { wholePercentages } from "@/lib/percent";
import { caseworkerSortFromParams, nextSort, sortCaseworkers, type CaseworkerSort, type CaseworkerSortKey } from "@/lib/validation/caseworker-sort";
import { DASHBOARD_QUERY_KEYS, dashboardFilterFromParams, dashboardQueryFromPickers } from "@/lib/validation/dashboard";
import { mapByFromParams } from "@/lib/validation/province-map";
import { queryFields } from "@/lib/validation/query";
import { ComparisonSection } from "./comparison-section";
import { ProvinceMapSection } from "./province-map-section";
import { SurveySection } from "./survey-section";
import { TargetForm } from "./target-form";
import { TrendSection } from "./trend-section";

export async function generateMetadata(): Promise<Metadata> {
  if (!canAny(await getUser(), READ_DASHBOARD)) return {};
  return { title: (await getTranslations("pmo"))("title") };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function PmoDashboardPage({ searchParams }: { searchParams: SearchParams }) {
  const viewer = await requireUserWithAny(READ_DASHBOARD);
  const fields = queryFields(await searchParams);
  // The month and year selects arrive as fromMonth/fromYear/…: the same page under the
  // query every link uses (from=YYYY-MM&to=YYYY-MM).
  const canonical = dashboardQueryFromPickers(fields);
  if (canonical !== null) redirect(canonical ? `/pmo?${canonical}` : "/pmo");
  const input = dashboardFilterFromParams(fields);
  const [d, cohorts] = await Promise.all([getDashboard(viewer, input), listCohorts(viewer)]);
  const t = await getTranslations("pmo");
  const tStage = await getTranslations("stage");
  const tDash = await getTranslations("pmoDashboard");
  const format = await getFormatter();
  const locale = (await getLocale()) === "en" ? "en" : "id";
  const messages = await getMessages();
  const monthName = (m: string) => format.dateTime(new Date(`${m}-15T00:00:00Z`), { month: "long", year: "numeric" });
  const pct = (x: number) => format.number(x, { style: "percent", maximumFractionDigits: 0 });
  const num = (x: number) => format.number(x);
  const { headline } = d;
  // Whole percentages that add up to 100 (largest remainder), not each rounded alone.
  const [calonPct, mantanPct] = wholePercentages([headline.calon, headline.mantan]);
  const share = (whole: number) => (headline.registered ? format.number(whole / 100, { style: "percent" }) : "–");
  const period = (from: string, to: string) => t("period", { from: monthName(from), to: monthName(to) });
  const years = pickerYears(d.filter.from, d.filter.to);
  // Cells get room on both sides, so neighbouring headers and figures never run together.
  const cell = "px-2 py-1";
  const { waiting } = d;
  // The caseworker table sorts on the server: each heading links to the same dashboard
  // (filters and map shading kept) sorted by its column, back at the table.
  const tCw = await getTranslations("pmoDashboard.caseworkerTable");
  const cwSort = caseworkerSortFromParams(fields);
  const mapBy = mapByFromParams(fields);
  const cwSortHref = (sort: CaseworkerSort) => {
    const q = new URLSearchParams();
    const { provinces: _scope, ...chosen } = d.filter;
    const values: Record<string, string | undefined> = chosen;
    for (const key of DASHBOARD_QUERY_KEYS) if (values[key]) q.set(key, values[key]!);
    if (mapBy !== "participants") q.set("mapBy", mapBy);
    q.set("cwSort", sort.key);
    q.set("cwDir", sort.dir);
    return `/pmo?${q}#cw-h`;
  };
  const periodNames = { from: monthName(d.filter.from), to: monthName(d.filter.to) };
  const cwColumns: { key: CaseworkerSortKey; column: string; label: string }[] = [
    { key: "name", column: "name", label: t("caseworker") },
    { key: "caseload", column: "caseload", label: t("caseload") },
    { key: "servicesInPeriod", column: "period-services", label: tDash("servicesInPeriod", periodNames) },
    { key: "services", column: "month-services", label: t("servicesIn", { month: monthName(d.thisMonth) }) },
    { key: "moves", column: "moves", label: tCw("moves", periodNames) },
    { key: "medianDays", column: "median-days", label: tCw("medianDays") },
    { key: "overdue", column: "overdue", label: t("overdue") },
    { key: "openHelp", column: "open-help", label: tCw("openHelp") },
  ];

  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-bold">{t("title")}</h1>

      <form method="get" action="/pmo" className="grid grid-cols-1 gap-3 rounded-lg border border-slate-200 bg-white p-4 min-[400px]:grid-cols-2 sm:grid-cols-3 lg:grid-cols-4">
        <MonthPicker
          name="from"
          legend={t("from")}
          value={d.filter.from}
          monthLabel={tDash("pickerMonth")}
          yearLabel={tDash("pickerYear")}
          locale={locale}
          years={years}
        />
        <MonthPicker
          name="to"
          legend={t("to")}
          value={d.filter.to}
          monthLabel={tDash("pickerMonth")}
          yearLabel={tDash("pickerYear")}
          locale={locale}
          years={years}
        />
        <DashboardFilterFields filter={d.filter} cohorts={cohorts} />
        <div className="flex items-end">
          <button type="submit" className="w-full rounded-md bg-teal-800 px-4 py-2 font-semibold text-white">
            {t("apply")}
          </button>
        </div>
      </form>

      <p className="text-slate-700">{period(d.filter.from, d.filter.to)}</p>

      {d.empty ? (
        <div data-notice="empty-period" className="rounded-lg border border-amber-300 bg-amber-50 p-4">
          <p className="font-semibold">{tDash("emptyPeriod", { from: monthName(d.filter.from), to: monthName(d.filter.to) })}</p>
          {d.latestWithData ? (
            <p className="mt-1">
              <Link
                href={`/pmo?from=${d.latestWithData.from}&to=${d.latestWithData.to}`}
                className="font-medium text-teal-800 underline"
              >
                {tDash("latestPeriodLink", { from: monthName(d.latestWithData.from), to: monthName(d.latestWithData.to) })}
              </Link>
            </p>
          ) : (
            <p className="mt-1">{tDash("noDataYet")}</p>
          )}
        </div>
      ) : null}

      <section aria-labelledby="waiting-h" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="waiting-h" className="text-lg font-semibold">{tDash("waitingTitle")}</h2>
        {waiting.count > 0 ? (
          <>
            <p className="mt-1">
              <span className="text-3xl font-bold tabular-nums" data-figure="waiting">{num(waiting.count)}</span>{" "}
              {tDash("waitingCount", { count: waiting.count })}
            </p>
            {waiting.oldestSince ? (
              <p className="text-sm text-slate-700" data-figure="oldest-wait">
                {tDash("oldestWait", {
                  date: format.dateTime(waiting.oldestSince, { day: "numeric", month: "long", year: "numeric", timeZone: "Asia/Jakarta" }),
                  days: waiting.oldestDays ?? 0,
                  daysText: num(waiting.oldestDays ?? 0),
                })}
              </p>
            ) : null}
            {canAny(viewer, ASSIGN) ? (
              <p className="mt-2">
                <Link href="/pmo/caseworkers#assign" className="font-medium text-teal-800 underline">
                  {tDash("assignLink")}
                </Link>
              </p>
            ) : null}
          </>
        ) : (
          <p className="mt-1" data-figure="waiting-none">{tDash("noneWaiting")}</p>
        )}
      </section>

      <section aria-label={t("registered")}>
        <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4">
          <div className="rounded-lg border border-slate-200 bg-white p-4">
            <dt className="text-sm text-slate-700">{t("registered")}</dt>
            <dd className="text-3xl font-bold tabular-nums" data-figure="registered">{num(headline.registered)}</dd>
          </div>
          <div className="rounded-lg border border-slate-200 bg-white p-4">
            <dt className="text-sm text-slate-700">{t("calonShare")}</dt>
            <dd className="text-3xl font-bold tabular-nums" data-figure="calon">{share(calonPct)}</dd>
            <dd className="text-sm text-slate-600">{num(headline.calon)}</dd>
          </div>
          <div className="rounded-lg border border-slate-200 bg-white p-4">
            <dt className="text-sm text-slate-700">{t("mantanShare")}</dt>
            <dd className="text-3xl font-bold tabular-nums" data-figure="mantan">{share(mantanPct)}</dd>
            <dd className="text-sm text-slate-600">{num(headline.mantan)}</dd>
          </div>
          <div className="rounded-lg border border-slate-200 bg-white p-4">
            <dt className="text-sm text-slate-700">{t("servicesDelivered")}</dt>
            <dd className="text-3xl font-bold tabular-nums" data-figure="services">{num(headline.servicesDelivered)}</dd>
            <dd className="text-sm text-slate-600">
              {headline.targetTotal ? t("ofTarget", { target: num(headline.targetTotal) }) : t("noTarget")}
            </dd>
          </div>
        </dl>
      </section>

      <TrendSection viewer={viewer} filter={d.filter} perMonth={d.perMonth} />

      <section aria-labelledby="months-h" className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="months-h" className="text-lg font-semibold">{t("perMonth")}</h2>
        <ScrollRegion labelledBy="months-h">
          <table className="w-full text-sm">
            <thead>
              <tr className="text-left align-bottom">
                <th scope="col" className={cell}>{t("month")}</th>
                <th scope="col" className={`${cell} text-right`}>{t("servicesDelivered")}</th>
                <th scope="col" className={`${cell} text-right`}>{t("target")}</th>
                <th scope="col" className={`${cell} text-right`}>{t("achieved")}</th>
                <th scope="col" className={`${cell} w-1/4 min-w-16`}><span className="sr-only">{t("achieved")}</span></th>
              </tr>
            </thead>
            <tbody>
              {d.perMonth.map((m) => (
                <tr key={m.month} data-month={m.month}>
                  <th scope="row" className={`${cell} text-left font-normal`}>{monthName(m.month)}</th>
                  <td className={`${cell} text-right tabular-nums`}>{num(m.services)}</td>
                  <td className={`${cell} text-right tabular-nums`}>{m.target === null ? "–" : num(m.target)}</td>
                  <td className={`${cell} text-right tabular-nums`}>{m.target ? pct(m.services / m.target) : "–"}</td>
                  <td className={cell}>
                    <TargetBar value={m.services} target={m.target} label={monthName(m.month)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
        <p className="text-sm text-slate-600">{t("targetNote")}</p>
        <p className="text-sm">{t("targetTotal", { total: num(headline.targetTotal) })}</p>
      </section>

      <section aria-labelledby="funnel-h" className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="funnel-h" className="text-lg font-semibold">{t("funnel")}</h2>
        <p className="text-sm text-slate-600">{t("funnelNote")}</p>
        {/* The bar sits under the stage's name rather than in a column of its own, so the
            table fits a 360 px screen with its bars; wider figures scroll inside the region. */}
        <ScrollRegion labelledBy="funnel-h">
          <table className="w-full text-sm">
            <thead>
              <tr className="text-left align-bottom">
                <th scope="col" className={`${cell} w-1/3`}>{t("stage")}</th>
                <th scope="col" className={`${cell} text-right`}>{t("reached")}</th>
                <th scope="col" className={`${cell} text-right`}>{t("current")}</th>
                <th scope="col" className={`${cell} text-right`}>{t("conversion")}</th>
                <th scope="col" className={`${cell} text-right`}>{t("medianDays")}</th>
              </tr>
            </thead>
            <tbody>
              {d.funnel.map((row) => (
                <tr key={row.stage} data-stage={row.stage}>
                  <th scope="row" className={`${cell} text-left font-normal`}>
                    {tStage(row.stage)}
                    <div className="mt-1 h-3 min-w-16 rounded bg-slate-100" aria-hidden="true" data-bar="funnel">
                      <div className="h-3 rounded bg-teal-700" style={{ width: `${headline.registered ? (row.reached / Math.max(1, d.funnel[0].reached)) * 100 : 0}%` }} />
                    </div>
                  </th>
                  <td className={`${cell} text-right tabular-nums`}>{num(row.reached)}</td>
                  <td className={`${cell} text-right tabular-nums`}>{num(row.current)}</td>
                  <td className={`${cell} text-right tabular-nums`}>{row.conversion === null ? "–" : pct(row.conversion)}</td>
                  <td className={`${cell} text-right tabular-nums`}>
                    {row.medianDays === null ? "–" : t("days", { days: format.number(row.medianDays, { maximumFractionDigits: 1 }) })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
        <p className="text-sm">{t("withdrawn", { count: num(d.withdrawn) })}</p>
      </section>

      <ComparisonSection viewer={viewer} filter={d.filter} />

      <ProvinceMapSection viewer={viewer} filter={d.filter} mapBy={mapBy} />

      <div className="grid gap-6 lg:grid-cols-2">
        <section className="min-w-0 rounded-lg border border-slate-200 bg-white p-4">
          <BarTable
            caption={t("blockers")}
            labelHeader={t("blocker")}
            valueHeader={t("count")}
            empty={t("noBlockers")}
            tone="red"
            rows={d.blockers.map((b) => ({ key: b.code, label: locale === "en" ? b.nameEn : b.nameId, value: b.count }))}
          />
        </section>
        <section className="min-w-0 rounded-lg border border-slate-200 bg-white p-4">
          <BarTable
            caption={t("byProvince")}
            labelHeader={t("province")}
            valueHeader={t("count")}
            empty={t("none")}
            rows={d.byProvince.map((p) => ({ key: p.code, label: findProvince(p.code)?.name ?? p.code, value: p.n }))}
          />
        </section>
        <section className="min-w-0 rounded-lg border border-slate-200 bg-white p-4">
          <BarTable
            caption={t("byCountry")}
            labelHeader={t("country")}
            valueHeader={t("count")}
            empty={t("none")}
            tone="amber"
            rows={d.byCountry.map((c) => ({ key: c.code, label: countryName(c.code, locale), value: c.n }))}
          />
        </section>
      </div>

      <section aria-labelledby="cw-h" className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="cw-h" className="text-lg font-semibold">{t("caseworkers")}</h2>
        <p className="text-sm text-slate-600">{tCw("note")}</p>
        <ScrollRegion labelledBy="cw-h">
          <table className="w-full text-sm" data-table="caseworkers" data-sort={`${cwSort.key}-${cwSort.dir}`}>
            <thead>
              <tr className="text-left align-bottom">
                {cwColumns.map((col) => {
                  const sorted = cwSort.key === col.key;
                  const next = nextSort(cwSort, col.key);
                  return (
                    <th
                      key={col.key}
                      scope="col"
                      className={`${cell} ${col.key === "name" ? "" : "text-right"}`}
                      data-column={col.column}
                      aria-sort={sorted ? (cwSort.dir === "asc" ? "ascending" : "descending") : undefined}
                    >
                      <Link
                        href={cwSortHref(next)}
                        prefetch={false}
                        data-sort-link={col.key}
                        className={`text-teal-900 underline ${sorted ? "font-bold" : "font-semibold"}`}
                      >
                        {col.label}
                        {sorted ? (
                          <span aria-hidden="true"> {cwSort.dir === "asc" ? "▲" : "▼"}</span>
                        ) : null}
                      </Link>
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {sortCaseworkers(d.caseworkers, cwSort).map((c) => (
                <tr key={c.id} data-caseworker={c.id}>
                  <th scope="row" className={`${cell} text-left font-normal`} data-figure="name">
                    {c.name}
                    {c.disabled ? <span className="text-slate-600"> ({t("disabled")})</span> : null}
                  </th>
                  <td className={`${cell} text-right tabular-nums`} data-figure="caseload">{num(c.caseload)}</td>
                  <td className={`${cell} text-right tabular-nums`} data-figure="period-services">{num(c.servicesInPeriod)}</td>
                  <td className={`${cell} text-right tabular-nums`} data-figure="month-services">{num(c.services)}</td>
                  <td className={`${cell} text-right tabular-nums`} data-figure="moves">{num(c.moves)}</td>
                  <td className={`${cell} text-right tabular-nums`} data-figure="median-days">
                    {c.medianDays === null ? "–" : format.number(c.medianDays, { maximumFractionDigits: 1 })}
                  </td>
                  <td className={`${cell} text-right tabular-nums ${c.overdue ? "font-bold text-red-800" : ""}`} data-figure="overdue">{num(c.overdue)}</td>
                  <td className={`${cell} text-right tabular-nums`} data-figure="open-help">{num(c.openHelp)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      </section>

      <SurveySection viewer={viewer} filter={d.filter} />

      {can(viewer, "update:target:any") ? (
        <section aria-labelledby="target-h" className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="target-h" className="text-lg font-semibold">{t("targetsTitle")}</h2>
          <NextIntlClientProvider messages={{ pmo: messages.pmo }}>
            <TargetForm defaultMonth={d.filter.to} />
          </NextIntlClientProvider>
        </section>
      ) : null}
    </div>
  );
}
