import { NavLink } from "@/components/nav-link";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { listOwnHelpRequests } from "@/lib/data/help";
import { getOwnHome } from "@/lib/data/participants";
import { getOwnReminders } from "@/lib/data/reminders";
import { getOwnContact } from "@/lib/data/self-service";
import { requireUser } from "@/lib/data/session";
import { ClientTexts } from "@/components/client-texts";
import { provinces, regencies } from "@/lib/reference/regions";
import { StageProgress } from "@/components/stage-progress";
import { PhoneConfirmation } from "@/components/phone-confirmation";
import { getPhoneStatus } from "@/lib/data/verification-codes";
import { confirmOwnPhoneAction, sendOwnPhoneCodeAction } from "./actions";
import { ChannelForm } from "./channel-form";
import { OwnContactForm } from "./contact-form";

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
  const longDateOf = (iso: string) => format.dateTime(new Date(`${iso}T00:00:00+07:00`), { dateStyle: "long" });
  const [reminders, requests, contact] = await Promise.all([getOwnReminders(viewer), listOwnHelpRequests(viewer), getOwnContact(viewer)]);
  const phone = contact?.phone ? await getPhoneStatus(viewer, contact.participantId) : null;
  const tPhone = await getTranslations("phoneConfirm");
  const tValidation = await getTranslations("validation");
  const tSelf = await getTranslations("meSelf");
  const tHelp = await getTranslations("help");
  const tTopic = await getTranslations("blockerPlain");
  const tData = await getTranslations("dataRights");
  const openCount = requests.filter((r) => r.status === "open").length;
  const answered = requests.filter((r) => r.status === "answered").slice(0, 3);

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
        {reminders.length > 0 ? (
          <ul className="space-y-2" aria-label={t("nextTitle")}>
            {reminders.map((r) => (
              <li
                key={r.kind}
                data-reminder={r.kind}
                className={
                  r.kind === "deadline" && r.daysLeft <= 3
                    ? "rounded-md border border-red-700 bg-red-50 p-3 font-medium text-red-900"
                    : "rounded-md border border-amber-300 bg-amber-50 p-3"
                }
              >
                {r.kind === "deadline" ? (
                  tSelf("deadline", { date: longDateOf(r.date), days: r.daysLeft })
                ) : r.kind === "followUp" ? (
                  tSelf("followUp", { date: longDateOf(r.date) })
                ) : (
                  <>
                    {r.until ? tSelf("surveyEdit", { date: format.dateTime(r.until, { dateStyle: "long", timeStyle: "short" }) }) : tSelf("surveyTodo")}{" "}
                    <NavLink href="/me/survey" className="font-semibold text-teal-800 underline">
                      {tSelf("surveyLink")}
                    </NavLink>
                  </>
                )}
              </li>
            ))}
          </ul>
        ) : null}
      </section>

      <section aria-labelledby="help-h" className="space-y-2">
        <h2 id="help-h" className="text-lg font-semibold">
          {tSelf("helpTitle")}
        </h2>
        <p>
          {tSelf("helpIntro")}{" "}
          <NavLink href="/me/help" className="font-semibold text-teal-800 underline">
            {tSelf("helpLink")}
          </NavLink>
        </p>
        {requests.length > 0 ? <p className="text-sm text-slate-700">{tSelf("openCount", { count: openCount })}</p> : null}
        {answered.length > 0 ? (
          <>
            <h3 className="font-semibold">{tSelf("latestAnswers")}</h3>
            <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
              {answered.map((r) => (
                <li key={r.id} className="space-y-1 p-3">
                  <p className="font-medium">
                    <NavLink href={`/me/help/${r.id}`} className="text-teal-900 underline">
                      {tTopic(r.topic as "other")}
                    </NavLink>
                  </p>
                  <p className="whitespace-pre-line">{r.answer}</p>
                  <p className="text-sm text-slate-700">
                    {tHelp("answeredOn", {
                      date: format.dateTime(r.answeredAt!, { dateStyle: "medium" }),
                      name: r.answeredBy?.role === "pmo" ? tHelp("pmoName") : (r.answeredBy?.name ?? ""),
                    })}
                  </p>
                </li>
              ))}
            </ul>
          </>
        ) : null}
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
              <dd>
                <span className="font-mono">{home.phoneMasked}</span>
                {phone?.confirmedAt ? (
                  <span data-phone="confirmed" className="ml-2 text-sm font-medium text-teal-900">
                    <span aria-hidden="true">✓ </span>
                    {tPhone("confirmed")}
                  </span>
                ) : null}
              </dd>
            </>
          ) : null}
          {home.email ? (
            <>
              <dt className="text-slate-700">{t("email")}</dt>
              <dd>{home.email}</dd>
            </>
          ) : null}
          {contact?.address ? (
            <>
              <dt className="text-slate-700">{tSelf("addressShown")}</dt>
              <dd>{contact.address}</dd>
            </>
          ) : null}
        </dl>
        <p>
          <NavLink href="/me/data" className="font-semibold text-teal-800 underline">
            {tData("linkTitle")}
          </NavLink>
          : {tData("linkText")}
        </p>
        {contact ? (
          <ClientTexts namespaces={["meSelf", "common", "register"]}>
            <OwnContactForm
              {...contact}
              provinces={provinces.map((o) => ({ code: o.code, name: o.name }))}
              regencies={regencies.map((o) => ({ code: o.code, name: o.name }))}
            />
          </ClientTexts>
        ) : null}
      </section>

      {contact ? (
        <section aria-labelledby="messages-h" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="messages-h" className="text-lg font-semibold">
            {tPhone("sectionTitle")}
          </h2>
          {phone && !phone.confirmedAt ? (
            <div id="phone" className="space-y-2">
              <h3 className="font-semibold">{tPhone("title")}</h3>
              <ClientTexts namespaces={["phoneConfirm"]}>
                <PhoneConfirmation
                  participantId={contact.participantId}
                  audience="self"
                  blocked={phone.blockedBy ? tValidation(phone.blockedBy) : null}
                  codePending={phone.codePending}
                  send={sendOwnPhoneCodeAction}
                  confirm={confirmOwnPhoneAction}
                />
              </ClientTexts>
            </div>
          ) : null}
          <ClientTexts namespaces={["messageChannel"]}>
            <ChannelForm
              participantId={contact.participantId}
              current={contact.channel}
              hasEmail={Boolean(contact.email)}
              hasPhone={Boolean(contact.phone)}
            />
          </ClientTexts>
        </section>
      ) : null}
    </div>
  );
}
