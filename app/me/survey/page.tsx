import type { Metadata } from "next";
import { NavLink } from "@/components/nav-link";
import { getFormatter, getTranslations } from "next-intl/server";
import { ClientTexts } from "@/components/client-texts";
import { EMPLOYMENT_STATUSES, PLANS_ABROAD, TRAINING_HELPED } from "@/db/schema";
import { can } from "@/lib/data/permissions";
import { getUser, requireUserWith } from "@/lib/data/session";
import { getOwnSurvey } from "@/lib/data/survey";
import { HARDEST_CHOICES, SATISFACTION_SCALE } from "@/lib/validation/survey";
import { SurveyForm } from "./survey-form";

export async function generateMetadata(): Promise<Metadata> {
  if (!can(await getUser(), "read:participant:own")) return {};
  return { title: (await getTranslations("survey"))("title") };
}

export default async function SurveyPage() {
  const viewer = await requireUserWith("read:participant:own");
  const survey = await getOwnSurvey(viewer);
  const t = await getTranslations("survey");
  const tStage = await getTranslations("stage");
  const tMe = await getTranslations("me");
  const tBlocker = await getTranslations("blockerPlain");
  const format = await getFormatter();
  const back = (
    <p>
      <NavLink href="/me" className="text-teal-800 underline">
        ← {t("back")}
      </NavLink>
    </p>
  );
  if (!survey) return <p>{tMe("noRecord")}</p>;

  if (!survey.open) {
    return (
      <div className="space-y-4">
        {back}
        <h1 className="text-2xl font-bold">{t("title")}</h1>
        <section aria-labelledby="not-yet-h" className="rounded-lg border border-amber-300 bg-amber-50 p-4">
          <h2 id="not-yet-h" className="font-semibold">
            {t("notYetTitle")}
          </h2>
          <p>{t("notYet", { stage: tStage(survey.stage) })}</p>
        </section>
      </div>
    );
  }

  const options = {
    employmentStatus: EMPLOYMENT_STATUSES.map((code) => ({ code, label: t(`employmentStatus.${code}`) })),
    trainingHelped: TRAINING_HELPED.map((code) => ({ code, label: t(`trainingHelped.${code}`) })),
    satisfaction: SATISFACTION_SCALE.map((n) => ({ code: String(n), label: t(`satisfaction.${n}`) })),
    hardest: HARDEST_CHOICES.map((code) => ({ code, label: tBlocker(code) })),
    plansAbroad: PLANS_ABROAD.map((code) => ({ code, label: t(`plansAbroad.${code}`) })),
  };
  const when = (d: Date) => format.dateTime(d, { dateStyle: "long", timeStyle: "short" });
  const r = survey.response;

  return (
    <div className="space-y-6">
      {back}
      <h1 className="text-2xl font-bold">{t("title")}</h1>
      <p className="text-slate-700">{t("intro")}</p>
      {survey.editable ? (
        <>
          {survey.editableUntil ? (
            <p className="rounded-md border border-teal-700 bg-teal-50 p-3">{t("editableUntil", { date: when(survey.editableUntil) })}</p>
          ) : null}
          <ClientTexts namespaces={["survey"]}>
            <SurveyForm participantId={survey.participantId} saved={r} options={options} />
          </ClientTexts>
        </>
      ) : r ? (
        <section aria-labelledby="answers-h" className="space-y-3">
          <p className="rounded-md border border-slate-300 bg-white p-3">{t("readOnly", { date: when(r.submittedAt) })}</p>
          <h2 id="answers-h" className="text-lg font-semibold">
            {t("yourAnswers")}
          </h2>
          <dl className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
            <div>
              <dt className="text-slate-700">{t("employmentStatusLabel")}</dt>
              <dd className="font-medium">{t(`employmentStatus.${r.employmentStatus as "looking"}`)}</dd>
            </div>
            <div>
              <dt className="text-slate-700">{t("trainingHelpedLabel")}</dt>
              <dd className="font-medium">{t(`trainingHelped.${r.trainingHelped as "yes"}`)}</dd>
            </div>
            <div>
              <dt className="text-slate-700">{t("satisfactionLabel")}</dt>
              <dd className="font-medium">{t(`satisfaction.${String(r.satisfaction) as "1"}`)}</dd>
            </div>
            <div>
              <dt className="text-slate-700">{t("hardestLabel")}</dt>
              <dd className="font-medium">
                {r.hardest.length === 0 ? t("nothingHard") : r.hardest.map((c) => (c === "other" && r.hardestOther ? `${tBlocker("other")}: ${r.hardestOther}` : tBlocker(c as "other"))).join("; ")}
              </dd>
            </div>
            <div>
              <dt className="text-slate-700">{t("plansAbroadLabel")}</dt>
              <dd className="font-medium">{t(`plansAbroad.${r.plansAbroad as "yes"}`)}</dd>
            </div>
          </dl>
        </section>
      ) : null}
    </div>
  );
}
