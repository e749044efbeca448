import { getFormatter, getTranslations } from "next-intl/server";
import { ColumnChart } from "@/components/column-chart";
import type { SessionUser } from "@/lib/data/permissions";
import type { Dashboard, DashboardFilter } from "@/lib/data/programme";
import { getWeeklyRegistrations } from "@/lib/data/trends";

// The colours of the two statuses and of the services: teal-700 and orange-700, each
// above 3:1 against white (WCAG non-text contrast), told apart by more than hue alone.
const SERVICES = "#0f766e";
const CALON = "#0f766e";
const MANTAN = "#c2410c";

/**
 * "Over time" on the PMO dashboard, for the dashboard's filter: services per month against
 * the month's target (the dashboard's own figures), and registrations per week by migrant
 * status. Charts drawn on the server; each is also a table (components/column-chart.tsx).
 */
export async function TrendSection({
  viewer,
  filter,
  perMonth,
}: {
  viewer: SessionUser;
  filter: DashboardFilter;
  perMonth: Dashboard["perMonth"];
}) {
  const { weeks } = await getWeeklyRegistrations(viewer, filter);
  const t = await getTranslations("pmoDashboard.trends");
  const tPmo = await getTranslations("pmo");
  const format = await getFormatter();
  const num = (n: number) => format.number(n);
  const day = (iso: string, options: { day?: "numeric"; month?: "short" | "long"; year?: "numeric" }) => format.dateTime(new Date(`${iso}T00:00:00Z`), { ...options, timeZone: "UTC" });
  const monthName = (m: string) => day(`${m}-15`, { month: "long", year: "numeric" });
  const monthShort = (m: string) => day(`${m}-15`, { month: "short", year: "numeric" });
  const range = (from: string, to: string) => format.dateTimeRange(new Date(`${from}T00:00:00Z`), new Date(`${to}T00:00:00Z`), { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  const period = { from: monthName(filter.from), to: monthName(filter.to) };
  const statuses = [
    { key: "calon", label: tPmo("calonShare"), color: CALON },
    { key: "mantan", label: tPmo("mantanShare"), color: MANTAN },
  ];

  return (
    <section aria-labelledby="trends-h" className="space-y-6 rounded-lg border border-slate-200 bg-white p-4" data-section="trends">
      <div>
        <h2 id="trends-h" className="text-lg font-semibold">{t("title")}</h2>
        <p className="text-sm text-slate-600">{t("chartNote")}</p>
      </div>

      <div className="space-y-2">
        <h3 id="trend-services-h" className="font-semibold">{t("servicesTitle")}</h3>
        <ColumnChart
          id="services-per-month"
          labelledBy="trend-services-h"
          caption={t("servicesCaption", period)}
          labelHeader={tPmo("month")}
          series={[{ key: "services", label: t("legendServices"), color: SERVICES }]}
          targetHeader={tPmo("target")}
          targetLegend={t("legendTarget")}
          formatNumber={num}
          slot={72}
          minSlotPx={72}
          empty={t("noMonths")}
          rows={perMonth.map((m) => ({
            key: m.month,
            label: monthName(m.month),
            axis: monthShort(m.month),
            axisNote: m.target === null ? undefined : t("axisTarget", { target: num(m.target) }),
            values: [m.services],
            target: m.target,
            title: t("columnTitle", {
              range: monthName(m.month),
              values: `${t("legendServices")} ${num(m.services)}${m.target === null ? "" : `, ${tPmo("target")} ${num(m.target)}`}`,
            }),
          }))}
        />
        <p className="text-sm text-slate-600">{tPmo("targetNote")}</p>
      </div>

      <div className="space-y-2">
        <h3 id="trend-weekly-h" className="font-semibold">{t("weeklyTitle")}</h3>
        <ColumnChart
          id="registrations-per-week"
          labelledBy="trend-weekly-h"
          caption={t("weeklyCaption", period)}
          labelHeader={t("week")}
          series={statuses}
          totalHeader={t("total")}
          formatNumber={num}
          empty={t("noWeeks")}
          rows={weeks.map((w) => {
            const days = range(w.from, w.to);
            return {
              key: w.week,
              label: w.partial ? t("partialMark", { range: days }) : days,
              axis: `${day(w.week, { day: "numeric", month: "short" })}${w.partial ? "*" : ""}`,
              values: [w.calon, w.mantan],
              title: t("columnTitle", {
                range: days,
                values: statuses.map((s) => `${s.label} ${num(w[s.key as "calon" | "mantan"])}`).join(", "),
              }),
            };
          })}
        />
        {weeks.some((w) => w.partial) ? <p className="text-sm text-slate-600">{t("partialNote")}</p> : null}
      </div>
    </section>
  );
}
