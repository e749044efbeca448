import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { getOwnHome } from "@/lib/data/participants";
import { requireUser } from "@/lib/data/session";
import { StageProgress } from "@/components/stage-progress";


export default async function MePage() {
  const viewer = await requireUser();
  const home = await getOwnHome(viewer);
  const t = await getTranslations("me");
  const tStage = await getTranslations("stage");
  const tOutcome = await getTranslations("outcome");
  const format = await getFormatter();
  const locale = await getLocale();
  if (!home) return <p>{t("noRecord")}</p>;
  const dateOf = (iso: string) => format.dateTime(new Date(`${iso}T00:00:00+07:00`), { dateStyle: "medium" });

  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-bold">{t("title", { name: home.fullName })}</h1>

      <section aria-labelledby="stage-h" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="stage-h" className="text-lg font-semibold">
          {t("stageTitle")}
        </h2>
        <p className="text-xl font-bold text-teal-900">
          {tStage(home.stage)}{" "}
          <span className="text-sm font-normal text-slate-600">
            {t("since", { date: format.dateTime(home.stageChangedAt, { dateStyle: "medium" }) })}
          </span>
        </p>
        <StageProgress stage={home.stage} label={t("progress")} names={{
          registration: tStage("registration"),
          training: tStage("training"),
          lms: tStage("lms"),
          completed: tStage("completed"),
        }} />
      </section>

      <section aria-labelledby="next-h" className="space-y-2">
        <h2 id="next-h" className="text-lg font-semibold">
          {t("nextTitle")}
        </h2>
        <p>{t(`next.${home.stage}`)}</p>
      </section>

      <section aria-labelledby="cw-h" className="space-y-2">
        <h2 id="cw-h" className="text-lg font-semibold">
          {t("caseworkerTitle")}
        </h2>
        <p>{home.caseworker ? t("caseworkerName", { name: home.caseworker.name }) : t("caseworkerNone")}</p>
      </section>

      <section aria-labelledby="tl-h" className="space-y-2">
        <h2 id="tl-h" className="text-lg font-semibold">
          {t("timelineTitle")}
        </h2>
        {home.timeline.length === 0 ? (
          <p className="text-slate-700">{t("timelineEmpty")}</p>
        ) : (
          <ol className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
            {home.timeline.map((entry) =>
              entry.kind === "service" ? (
                <li key={entry.id} className="p-3">
                  <p className="font-medium">{locale === "en" ? entry.serviceNameEn : entry.serviceNameId}</p>
                  <p className="text-sm text-slate-700">
                    {dateOf(entry.on)} · {tOutcome(entry.outcome as "done")}
                  </p>
                </li>
              ) : (
                <li key={entry.id} className="p-3">
                  <p className="font-medium">{t("stageChange", { stage: tStage(entry.toStage) })}</p>
                  <p className="text-sm text-slate-700">{format.dateTime(entry.at, { dateStyle: "medium" })}</p>
                </li>
              ),
            )}
          </ol>
        )}
      </section>

      <section aria-labelledby="data-h" className="space-y-2">
        <h2 id="data-h" className="text-lg font-semibold">
          {t("dataTitle")}
        </h2>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
          <dt className="text-slate-700">{t("nik")}</dt>
          <dd className="font-mono">{home.nikMasked}</dd>
          {home.phoneMasked ? (
            <>
              <dt className="text-slate-700">{t("phone")}</dt>
              <dd className="font-mono">{home.phoneMasked}</dd>
            </>
          ) : null}
          {home.email ? (
            <>
              <dt className="text-slate-700">{t("email")}</dt>
              <dd>{home.email}</dd>
            </>
          ) : null}
        </dl>
      </section>
    </div>
  );
}
