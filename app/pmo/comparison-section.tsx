import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { ScrollRegion } from "@/components/scroll-region";
import { COMPARED_STAGES, getComparisons, SPELL_STAGES, type ComparisonGroup } from "@/lib/data/comparisons";
import type { SessionUser } from "@/lib/data/permissions";
import type { DashboardFilter } from "@/lib/data/programme";

// Up to three groups side by side: teal-700, orange-700, indigo-700, each above 3:1
// against white (WCAG non-text contrast); every bar is also named by its group.
const COLORS = ["bg-teal-700", "bg-orange-700", "bg-indigo-700"];

type Labelled = { key: string; label: string; group: ComparisonGroup };

/**
 * "Comparisons" on the PMO dashboard, for the dashboard's filter: calon against purna, by
 * how participants registered, and each import cohort against everyone else. Each
 * comparison is a picture (bars of the shares reaching training, the LMS and completion,
 * and of services blocked, drawn on the server and hidden from screen readers) and the
 * table behind it with every figure.
 */
export async function ComparisonSection({ viewer, filter }: { viewer: SessionUser; filter: DashboardFilter }) {
  const c = await getComparisons(viewer, filter);
  const t = await getTranslations("pmoCompare");
  const tPmo = await getTranslations("pmo");
  const tStage = await getTranslations("stage");
  const format = await getFormatter();
  const locale = await getLocale();
  const num = (n: number) => format.number(n);
  const pct = (x: number | null) => (x === null ? t("none") : format.number(x, { style: "percent", maximumFractionDigits: 0 }));
  const monthName = (m: string) => format.dateTime(new Date(`${m}-15T00:00:00Z`), { month: "long", year: "numeric", timeZone: "UTC" });
  const period = { from: monthName(c.filter.from), to: monthName(c.filter.to) };
  const statusLabel = { calon: tPmo("calonShare"), mantan: tPmo("mantanShare") } as Record<string, string>;
  const sourceLabel = { self: tPmo("sourceSelf"), assisted: tPmo("sourceAssisted"), import: tPmo("sourceImport") } as Record<string, string>;

  function comparison({ id, title, caption, groups, level = 3 }: { id: string; title: string; caption: string; groups: Labelled[]; level?: 3 | 4 }) {
    const Heading = level === 3 ? "h3" : "h4";
    const headingId = `compare-${id}-h`;
    const measures = [
      ...COMPARED_STAGES.map((stage) => ({ key: stage, label: t("reachedStage", { stage: tStage(stage) }), share: (g: ComparisonGroup) => g.reached[stage].share })),
      { key: "blocked", label: t("blockedShare"), share: (g: ComparisonGroup) => g.blockedShare },
    ];
    const cell = "px-2 py-1";
    const head = (g: Labelled) => (
      <>
        {g.label}
        {g.group.selected ? <span className="block text-xs font-normal text-slate-600">({t("selected")})</span> : null}
      </>
    );
    return (
      <div key={id} className="space-y-3" data-comparison={id}>
        <Heading id={headingId} className="font-semibold">{title}</Heading>
        {/* The picture: a group of bars per measure. Hidden from screen readers, who read the table. */}
        <div aria-hidden="true" className="grid gap-3 sm:grid-cols-2" data-picture={id}>
          {measures.map((m) => (
            <div key={m.key} data-measure={m.key}>
              <p className="text-sm font-medium">{m.label}</p>
              <ul className="mt-1 space-y-1">
                {groups.map((g, i) => {
                  const share = m.share(g.group);
                  return (
                    <li key={g.key} className="grid grid-cols-[minmax(0,9rem)_1fr_3rem] items-center gap-2 text-xs" data-group={g.key}>
                      <span className="truncate" title={g.label}>{g.label}</span>
                      <span className="h-3 rounded bg-slate-100">
                        <span className={`block h-3 rounded ${COLORS[i % COLORS.length]}`} style={{ width: `${Math.min(100, (share ?? 0) * 100)}%` }} />
                      </span>
                      <span className="text-right tabular-nums" data-share>{pct(share)}</span>
                    </li>
                  );
                })}
              </ul>
            </div>
          ))}
        </div>
        <ScrollRegion labelledBy={headingId}>
          <table className="w-full text-sm" data-compare-table={id}>
            <caption className="sr-only">{caption}</caption>
            <thead>
              <tr className="text-left align-bottom">
                <th scope="col" className={cell}>{t("measure")}</th>
                {groups.map((g) => (
                  <th key={g.key} scope="col" className={`${cell} text-right`} data-group={g.key}>{head(g)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {row({ label: t("registered"), measure: "registered", groups, value: (g) => num(g.registered) })}
              {COMPARED_STAGES.map((stage) => (
                row({
                  label: t("reachedStage", { stage: tStage(stage) }),
                  measure: `reached-${stage}`,
                  groups,
                  value: (g) => t("countShare", { count: num(g.reached[stage].count), share: pct(g.reached[stage].share) }),
                })
              ))}
              {SPELL_STAGES.map((stage) => (
                row({
                  label: t("medianStage", { stage: tStage(stage) }),
                  measure: `median-${stage}`,
                  groups,
                  value: (g) => {
                    const days = g.medianDays[stage];
                    return days === null ? t("none") : t("days", { days: format.number(days, { maximumFractionDigits: 1 }) });
                  },
                })
              ))}
              {row({ label: t("services"), measure: "services", groups, value: (g) => num(g.services) })}
              {row({
                label: t("blockedShare"),
                measure: "blocked",
                groups,
                value: (g) => (g.services ? t("blockedOf", { share: pct(g.blockedShare), blocked: num(g.blocked), services: num(g.services) }) : t("none")),
              })}
              {row({
                label: t("topBlockers"),
                measure: "top-blockers",
                groups,
                align: "left",
                value: (g) =>
                  g.topBlockers.length === 0
                    ? t("none")
                    : g.topBlockers.map((b) => t("blockerCount", { name: locale === "en" ? b.nameEn : b.nameId, count: num(b.count) })).join("; "),
              })}
            </tbody>
          </table>
        </ScrollRegion>
      </div>
    );
  }

  function row({
    label,
    measure,
    groups,
    value,
    align = "right",
  }: {
    label: string;
    measure: string;
    groups: Labelled[];
    value: (g: ComparisonGroup) => string;
    align?: "left" | "right";
  }) {
    return (
      <tr key={measure} data-measure={measure} className="border-t border-slate-100">
        <th scope="row" className="px-2 py-1 text-left font-normal">{label}</th>
        {groups.map((g) => (
          <td key={g.key} className={`px-2 py-1 tabular-nums ${align === "right" ? "text-right" : "min-w-40 text-left"}`} data-group={g.key}>
            {value(g.group)}
          </td>
        ))}
      </tr>
    );
  }

  return (
    <section aria-labelledby="compare-h" className="space-y-6 rounded-lg border border-slate-200 bg-white p-4" data-section="comparisons">
      <div className="space-y-1">
        <h2 id="compare-h" className="text-lg font-semibold">{t("title")}</h2>
        <p className="text-sm text-slate-600">{t("intro")}</p>
        <p className="text-sm text-slate-600">{t("pictureNote")}</p>
      </div>
      {comparison({
        id: "status",
        title: t("statusTitle"),
        caption: t("statusCaption", period),
        groups: c.status.map((g) => ({ key: g.key, label: statusLabel[g.key], group: g })),
      })}
      {comparison({
        id: "source",
        title: t("sourceTitle"),
        caption: t("sourceCaption", period),
        groups: c.source.map((g) => ({ key: g.key, label: sourceLabel[g.key], group: g })),
      })}
      <div className="space-y-4" data-comparison="cohorts">
        <h3 className="font-semibold">{t("cohortsTitle")}</h3>
        {c.cohorts.length === 0 ? (
          <p className="text-sm text-slate-600" data-notice="no-cohorts">{t("noCohorts")}</p>
        ) : (
          c.cohorts.map((x, i) =>
            comparison({
              id: `cohort-${i + 1}`,
              title: x.cohort,
              caption: t("cohortCaption", { cohort: x.cohort, ...period }),
              level: 4,
              groups: [
                { key: "members", label: x.cohort, group: x.members },
                { key: "others", label: t("others"), group: x.others },
              ],
            }),
          )
        )}
      </div>
      <p className="text-sm text-slate-600">{t("definitions")}</p>
    </section>
  );
}
