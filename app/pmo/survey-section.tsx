import { getFormatter, getTranslations } from "next-intl/server";
import { BarTable } from "@/components/charts";
import type { SessionUser } from "@/lib/data/permissions";
import type { DashboardFilter } from "@/lib/data/programme";
import { getSurveySummary, type Tally } from "@/lib/data/survey";

/**
 * The evaluation survey on the PMO dashboard, for the dashboard's filter: response rate
 * and the answers to each question. A server component: no JavaScript of its own.
 */
export async function SurveySection({ viewer, filter }: { viewer: SessionUser; filter: DashboardFilter }) {
  const s = await getSurveySummary(viewer, filter);
  const t = await getTranslations("pmoSurvey");
  const tSurvey = await getTranslations("survey");
  const tBlocker = await getTranslations("blockerPlain");
  const format = await getFormatter();
  const pct = (x: number) => format.number(x, { style: "percent", maximumFractionDigits: 0 });
  const share = (n: number) => (s.responses ? `(${pct(n / s.responses)})` : undefined);
  const bars = (caption: string, tally: Tally, label: (code: string) => string, figure: string) => (
    <div data-figure={figure}>
      <BarTable
        caption={caption}
        labelHeader={t("answer")}
        valueHeader={t("count")}
        empty={t("noAnswers")}
        rows={s.responses === 0 ? [] : tally.map((x) => ({ key: x.code, label: label(x.code), value: x.count, note: share(x.count) }))}
      />
    </div>
  );

  return (
    <section aria-labelledby="survey-h" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4" data-section="survey">
      <h2 id="survey-h" className="text-lg font-semibold">
        {t("title")}
      </h2>
      <p className="text-sm text-slate-700">{t("definitions")}</p>
      <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <div className="rounded-lg border border-slate-200 p-3">
          <dt className="text-sm text-slate-700">{t("responses")}</dt>
          <dd className="text-3xl font-bold tabular-nums" data-figure="survey-responses">
            {format.number(s.responses)}
          </dd>
        </div>
        <div className="rounded-lg border border-slate-200 p-3">
          <dt className="text-sm text-slate-700">{t("eligible")}</dt>
          <dd className="text-3xl font-bold tabular-nums" data-figure="survey-eligible">
            {format.number(s.eligible)}
          </dd>
        </div>
        <div className="rounded-lg border border-slate-200 p-3">
          <dt className="text-sm text-slate-700">{t("rate")}</dt>
          <dd className="text-3xl font-bold tabular-nums" data-figure="survey-rate">
            {s.rate === null ? t("none") : pct(s.rate)}
          </dd>
        </div>
        <div className="rounded-lg border border-slate-200 p-3">
          <dt className="text-sm text-slate-700">{t("mean")}</dt>
          <dd className="text-3xl font-bold tabular-nums" data-figure="survey-mean">
            {s.satisfactionMean === null ? t("none") : format.number(s.satisfactionMean, { maximumFractionDigits: 1 })}
          </dd>
        </div>
      </dl>
      <div className="grid gap-6 lg:grid-cols-2">
        {bars(t("employmentStatus"), s.employmentStatus, (c) => tSurvey(`employmentStatus.${c as "looking"}`), "survey-employment")}
        {bars(t("trainingHelped"), s.trainingHelped, (c) => tSurvey(`trainingHelped.${c as "yes"}`), "survey-helped")}
        {bars(t("satisfaction"), s.satisfaction, (c) => tSurvey(`satisfaction.${c as "1"}`), "survey-satisfaction")}
        {bars(t("plansAbroad"), s.plansAbroad, (c) => tSurvey(`plansAbroad.${c as "yes"}`), "survey-plans")}
        {bars(t("hardest"), s.hardest, (c) => tBlocker(c as "other"), "survey-hardest")}
        {s.hardestOther.length > 0 ? (
          <div>
            <h3 className="mb-2 text-base font-semibold">{t("othersTitle")}</h3>
            <ul className="list-disc space-y-1 pl-5 text-sm">
              {s.hardestOther.map((o, i) => (
                <li key={i}>{o.text}</li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
    </section>
  );
}
