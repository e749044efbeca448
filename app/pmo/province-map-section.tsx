import { getFormatter, getTranslations } from "next-intl/server";
import Link from "next/link";
import { ProvinceMap } from "@/components/province-map";
import { ScrollRegion } from "@/components/scroll-region";
import type { SessionUser } from "@/lib/data/permissions";
import { getProvinceFigures } from "@/lib/data/places";
import type { DashboardFilter } from "@/lib/data/programme";
import { findProvince } from "@/lib/reference/regions";
import { DASHBOARD_QUERY_KEYS } from "@/lib/validation/dashboard";
import type { MapBy } from "@/lib/validation/province-map";

/**
 * The dashboard's map: participants by home province for the dashboard's filter (every
 * province shown, the chosen one marked), shaded by participants or by completion rate
 * (`mapBy`), and the same figures as a table. A server component: no JavaScript.
 */
export async function ProvinceMapSection({ viewer, filter, mapBy }: { viewer: SessionUser; filter: DashboardFilter; mapBy: MapBy }) {
  const m = await getProvinceFigures(viewer, filter);
  const t = await getTranslations("pmoMap");
  const format = await getFormatter();
  const num = (x: number) => format.number(x);
  const pct = (x: number | null) => (x === null ? "–" : format.number(x, { style: "percent", maximumFractionDigits: 0 }));
  const nameOf = (code: string) => findProvince(code)?.name ?? code;

  /** The dashboard with the same filters, another province (or none) and shading. */
  const href = (change: { provinceCode?: string | null; mapBy?: MapBy }) => {
    const q = new URLSearchParams();
    const { provinces: _scope, ...chosen } = filter;
    const values: Record<string, string | undefined> = { ...chosen, provinceCode: change.provinceCode === undefined ? filter.provinceCode : (change.provinceCode ?? undefined) };
    for (const key of DASHBOARD_QUERY_KEYS) if (values[key]) q.set(key, values[key]!);
    const by = change.mapBy ?? mapBy;
    if (by !== "participants") q.set("mapBy", by);
    return `/pmo?${q}`;
  };
  const cell = "px-2 py-1";
  const metric = mapBy === "completion" ? t("byCompletion") : t("byParticipants");

  return (
    <section aria-labelledby="map-h" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4" data-section="province-map">
      <h2 id="map-h" className="text-lg font-semibold">
        {t("title")}
      </h2>
      <p className="text-sm text-slate-700">{t("intro")}</p>
      <nav aria-label={t("mapBy")} className="flex flex-wrap items-center gap-2 text-sm">
        <span className="font-medium" aria-hidden="true">
          {t("mapBy")}:
        </span>
        {(["participants", "completion"] as const).map((by) => (
          <Link
            key={by}
            href={href({ mapBy: by })}
            prefetch={false}
            aria-current={by === mapBy ? "true" : undefined}
            data-map-by-link={by}
            className={`rounded-md border px-3 py-1 ${by === mapBy ? "border-teal-800 bg-teal-800 font-semibold text-white" : "border-slate-400 text-teal-900 underline"}`}
          >
            {by === "completion" ? t("byCompletion") : t("byParticipants")}
          </Link>
        ))}
      </nav>
      {m.selected ? (
        <p className="text-sm" data-notice="map-selected">
          {t("selectedNow", { province: nameOf(m.selected) })}{" "}
          <Link href={href({ provinceCode: null })} prefetch={false} className="font-medium text-teal-800 underline">
            {t("allProvinces")}
          </Link>
        </p>
      ) : null}

      <ProvinceMap
        figures={m.provinces}
        by={mapBy}
        selected={m.selected}
        hrefFor={(code) => href({ provinceCode: code })}
        label={t("mapLabel", { metric: metric.toLocaleLowerCase() })}
        describe={(f, name) =>
          t("figure", {
            province: name,
            participants: f.participants,
            participantsText: num(f.participants),
            completedText: num(f.completed),
            rate: pct(f.completionRate),
          })
        }
        selectedNote={t("selectedNote")}
        sharedTitle={(names) => t("sharedOutline", { names: names.join(", ") })}
        legend={{
          title: `${t("legend")} (${metric})`,
          none: t("legendNone"),
          shared: t("legendShared"),
          selected: t("legendSelected"),
          value: mapBy === "completion" ? (v) => pct(v) : num,
        }}
      />
      <p className="text-xs text-slate-600">{t("source")}</p>

      <h3 id="map-table-h" className="text-base font-semibold">
        {t("tableTitle")}
      </h3>
      <p className="text-sm text-slate-600">{t("definitions")}</p>
      <ScrollRegion labelledBy="map-table-h">
        <table className="w-full text-sm" data-table="provinces">
          <thead>
            <tr className="text-left align-bottom">
              <th scope="col" className={cell}>{t("province")}</th>
              <th scope="col" className={`${cell} text-right`}>{t("participants")}</th>
              <th scope="col" className={`${cell} text-right`}>{t("completed")}</th>
              <th scope="col" className={`${cell} text-right`}>{t("rate")}</th>
            </tr>
          </thead>
          <tbody>
            {m.provinces.map((p) => (
              <tr key={p.code} data-province={p.code} className={p.code === m.selected ? "bg-amber-50 font-semibold" : undefined}>
                <th scope="row" className={`${cell} text-left ${p.code === m.selected ? "" : "font-normal"}`}>
                  {nameOf(p.code)}
                </th>
                <td className={`${cell} text-right tabular-nums`} data-figure="participants">{num(p.participants)}</td>
                <td className={`${cell} text-right tabular-nums`} data-figure="completed">{num(p.completed)}</td>
                <td className={`${cell} text-right tabular-nums`} data-figure="rate">{pct(p.completionRate)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr className="border-t border-slate-300 font-semibold">
              <th scope="row" className={`${cell} text-left`}>{t("total")}</th>
              <td className={`${cell} text-right tabular-nums`}>{num(m.total.participants)}</td>
              <td className={`${cell} text-right tabular-nums`}>{num(m.total.completed)}</td>
              <td className={`${cell} text-right tabular-nums`}>{pct(m.total.participants ? m.total.completed / m.total.participants : null)}</td>
            </tr>
          </tfoot>
        </table>
      </ScrollRegion>
    </section>
  );
}
