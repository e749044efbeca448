import type { Metadata } from "next";
import Link from "next/link";
import { NextIntlClientProvider } from "next-intl";
import { getFormatter, getLocale, getMessages, getTranslations } from "next-intl/server";
import { CHANNELS, OUTCOMES, STAGES } from "@/db/schema";
import { FormMessage } from "@/components/field";
import { PhoneLinks } from "@/components/phone-links";
import { TakesFocus } from "@/components/takes-focus";
import { StageProgress } from "@/components/stage-progress";
import { getCasefile } from "@/lib/data/casework";
import { getPhoneStatus } from "@/lib/data/verification-codes";
import { listCasefileMessages } from "@/lib/data/outbox";
import { ClientTexts } from "@/components/client-texts";
import { PhoneConfirmation } from "@/components/phone-confirmation";
import { listCasefileHelpRequests } from "@/lib/data/help";
import { requireUserWith } from "@/lib/data/session";
import { countryName } from "@/lib/reference/countries";
import { findProvince, findRegency, provinces, regencies } from "@/lib/reference/regions";
import { todayInJakarta } from "@/lib/validation";
import { queryFields } from "@/lib/validation/query";
import { IssueActivationCodeForm } from "./activation-form";
import { confirmPhoneAction, sendPhoneCodeAction } from "./phone-actions";
import { ContactForm, LogServiceForm, MilestonesForm, StageForm } from "./forms";

export const metadata: Metadata = { robots: { index: false } };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function CasefilePage({ params, searchParams }: Props) {
  const viewer = await requireUserWith("read:participant:assigned");
  const { id } = await params;
  const file = await getCasefile(viewer, id);
  const requests = await listCasefileHelpRequests(viewer, id);
  const phoneStatus = await getPhoneStatus(viewer, id);
  const messagesSent = await listCasefileMessages(viewer, id);
  const tOutbox = await getTranslations("pmoOutbox");
  const p = file.participant;
  const locale = (await getLocale()) === "en" ? "en" : "id";
  const t = await getTranslations("casefile");
  const tStage = await getTranslations("stage");
  const tSex = await getTranslations("sex");
  const tStatus = await getTranslations("migrantStatus");
  const tOutcome = await getTranslations("outcome");
  const tChannel = await getTranslations("channel");
  const tCommon = await getTranslations("common");
  const tRegister = await getTranslations("register");
  const tHelp = await getTranslations("casefileHelp");
  const tTopic = await getTranslations("blockerPlain");
  const tPhone = await getTranslations("phoneConfirm");
  const tValidation = await getTranslations("validation");
  const format = await getFormatter();
  const messages = await getMessages();
  const today = todayInJakarta();
  const dateOf = (iso: string) => format.dateTime(new Date(`${iso}T00:00:00+07:00`), { dateStyle: "medium" });
  const name = (o: { nameId: string; nameEn: string }) => (locale === "en" ? o.nameEn : o.nameId);

  const query = queryFields(await searchParams);
  // A caseworker's own records only: a fact the Prakerja PMO reported is corrected at its source.
  const corrected = query.correct
    ? file.logs.find((l) => l.id === query.correct && !l.correctedById && l.source === "caseworker")
    : undefined;
  const correcting = corrected ? { ...corrected, channel: corrected.channel ?? "" } : undefined;
  // Answering a help request: the log form takes the answer too (?answer=<request id>).
  const answeringRequest = !correcting && query.answer ? requests.find((r) => r.id === query.answer && r.status === "open") : undefined;
  const answering = answeringRequest
    ? { id: answeringRequest.id, topic: tTopic(answeringRequest.topic as "other"), message: answeringRequest.message }
    : undefined;
  const justAnswered = Boolean(query.answered) && requests.some((r) => r.id === query.answered && r.status === "answered");
  // A correction is answered by a redirect to the plain page (?corrected=<the new record>).
  const justCorrected = !correcting && !answering && Boolean(query.corrected) && file.logs.some((l) => l.id === query.corrected && l.correctsId);
  const when = (d: Date) => format.dateTime(d, { dateStyle: "medium", timeStyle: "short" });
  const serviceOptions = (inStage: boolean) =>
    file.catalogue.filter((s) => (s.stage === p.stage) === inStage).map((s) => ({ code: s.code, name: name(s) }));
  const sourceLabel = { self: t("sourceSelf"), assisted: t("sourceAssisted"), import: t("sourceImport") }[p.source];

  type Entry = { at: string; key: string; node: React.ReactNode };
  const entries: Entry[] = [
    ...file.logs.map((l) => ({
      at: `${l.occurredOn}T${l.createdAt.toISOString().slice(11)}`,
      key: l.id,
      node: (
        <div className={l.correctedById ? "text-slate-500" : undefined}>
          <p className={`font-medium ${l.correctedById ? "line-through" : ""}`}>
            {name({ nameId: l.serviceNameId, nameEn: l.serviceNameEn })}
          </p>
          <p className={`text-sm ${l.correctedById ? "line-through" : ""}`}>
            {l.source === "prakerja" ? (
              <>{dateOf(l.occurredOn)} · {t("byPrakerja")}</>
            ) : (
              <>
                {dateOf(l.occurredOn)} · {tChannel(l.channel as "phone")} · {tOutcome(l.outcome as "done")}
                {l.blockerCode ? ` · ${name({ nameId: l.blockerNameId ?? "", nameEn: l.blockerNameEn ?? "" })}` : ""}
                {l.nextFollowUpOn ? ` · ${t("followUp", { date: dateOf(l.nextFollowUpOn) })}` : ""} · {t("by", { name: l.caseworkerName ?? "" })}
              </>
            )}
          </p>
          {l.notes ? (
            <p className={`text-sm italic ${l.correctedById ? "line-through" : ""}`}>
              {l.source === "prakerja" ? t("provider", { name: l.notes }) : l.notes}
            </p>
          ) : null}
          {l.correctsId ? <p className="text-xs text-slate-600">{t("correctionOf")}</p> : null}
          {l.correctedById ? (
            <p className="text-xs font-medium">{t("corrected")}</p>
          ) : l.source === "prakerja" ? null : (
            <Link href={`/caseworker/participants/${p.id}?correct=${l.id}#log`} className="text-sm text-teal-800 underline">
              {t("correct")}
            </Link>
          )}
        </div>
      ),
    })),
    ...file.stageChanges.map((c) => ({
      at: c.createdAt.toISOString(),
      key: c.id,
      node: (
        <div>
          <p className="font-medium">
            {c.fromStage
              ? t("stageChange", { from: tStage(c.fromStage), to: tStage(c.toStage) })
              : t("stageStart", { to: tStage(c.toStage) })}
          </p>
          <p className="text-sm">
            {format.dateTime(c.createdAt, { dateStyle: "medium" })}
            {c.changedByName ? ` · ${t("by", { name: c.changedByName })}` : ""}
            {c.byPrakerja ? ` · ${t("stageByPrakerja")}` : ""}
            {c.reason ? ` · ${c.reason}` : ""}
          </p>
        </div>
      ),
    })),
  ].sort((a, b) => b.at.localeCompare(a.at));

  return (
    <div className="space-y-8">
      <p>
        <Link href="/caseworker" className="text-teal-800 underline">
          ← {t("back")}
        </Link>
      </p>
      <header className="space-y-2">
        <h1 className="text-2xl font-bold">{p.fullName}</h1>
        <p>
          {t("stageNow")}: <strong>{tStage(p.stage)}</strong>
          {p.withdrawnReason ? ` · ${t("withdrawnReason", { reason: p.withdrawnReason })}` : ""}
        </p>
        <StageProgress
          stage={p.stage}
          label={t("stageNow")}
          names={{ registration: tStage("registration"), training: tStage("training"), lms: tStage("lms"), completed: tStage("completed") }}
        />
        {p.deadline ? (
          <p
            role={p.deadline.warn ? "alert" : undefined}
            className={p.deadline.warn ? "rounded-md border border-red-700 bg-red-50 p-3 font-medium text-red-900" : "text-sm"}
          >
            {p.deadline.daysLeft < 0
              ? t("deadlinePassed", { date: dateOf(p.deadline.deadline) })
              : p.deadline.warn
                ? t("deadlineWarning", { date: dateOf(p.deadline.deadline), days: p.deadline.daysLeft })
                : t("deadlineInfo", { date: dateOf(p.deadline.deadline) })}
          </p>
        ) : null}
        {/* On a phone the forms are far below: one tap to the one used most. */}
        <nav aria-label={t("jumpTo")} className="flex flex-wrap gap-x-4 gap-y-2 pt-1">
          <a href="#log" className="inline-block rounded-md bg-teal-800 px-4 py-2 font-semibold text-white">
            {t("logTitle")} ↓
          </a>
          <a href="#stage" className="inline-block rounded-md border border-teal-800 px-4 py-2 font-semibold text-teal-900">
            {t("changeStage")} ↓
          </a>
        </nav>
      </header>

      <section id="help" aria-labelledby="help-h" className="space-y-2 rounded-lg border border-amber-300 bg-white p-4">
        <h2 id="help-h" className="text-lg font-semibold">{tHelp("title")}</h2>
        {justAnswered ? (
          <TakesFocus>
            <FormMessage tone="ok" message={tHelp("saved")} />
          </TakesFocus>
        ) : null}
        {requests.length === 0 ? (
          <p className="text-slate-700">{tHelp("empty")}</p>
        ) : (
          <ul className="divide-y divide-slate-200">
            {requests.map((r) => (
              <li key={r.id} className="space-y-1 py-2" data-request={r.id}>
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <p className="font-semibold">{tTopic(r.topic as "other")}</p>
                  <span className={r.status === "open" ? "rounded bg-amber-100 px-2 text-sm text-amber-950" : "rounded bg-teal-100 px-2 text-sm text-teal-950"}>
                    {r.status === "open" ? tHelp("open") : tHelp("answered")}
                  </span>
                </div>
                <p className="text-sm text-slate-700">{tHelp("askedOn", { date: when(r.createdAt) })}</p>
                <p className="whitespace-pre-line">{r.message}</p>
                {r.answer ? (
                  <div className="rounded-md border-l-4 border-teal-700 bg-teal-50 p-2">
                    <p className="whitespace-pre-line">{r.answer}</p>
                    <p className="text-sm text-slate-700">
                      {tHelp("answeredOn", {
                        date: when(r.answeredAt!),
                        name: r.answeredBy?.role === "pmo" ? tHelp("pmoName") : (r.answeredBy?.name ?? ""),
                      })}
                    </p>
                  </div>
                ) : answering?.id === r.id ? null : (
                  <Link href={`/caseworker/participants/${p.id}?answer=${r.id}#log`} className="inline-block rounded-md bg-teal-800 px-3 py-1.5 text-sm font-semibold text-white">
                    {tHelp("answerLink")}
                  </Link>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="identity-h" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="identity-h" className="mb-2 text-lg font-semibold">{t("identity")}</h2>
        <dl className="grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-[auto_1fr]">
          <dt className="text-slate-700">{t("nik")}</dt>
          <dd className="font-mono">{p.nik}</dd>
          {p.kk ? (
            <>
              <dt className="text-slate-700">{t("kk")}</dt>
              <dd className="font-mono">{p.kk}</dd>
            </>
          ) : null}
          <dt className="text-slate-700">{t("birthDate")}</dt>
          <dd>{dateOf(p.birthDate)}</dd>
          <dt className="text-slate-700">{t("sex")}</dt>
          <dd>{tSex(p.sex)}</dd>
          <dt className="text-slate-700">{t("phone")}</dt>
          <dd>
            {p.phone ? <PhoneLinks phone={p.phone} /> : "—"}
            {p.phone ? (
              p.phoneConfirmedAt ? (
                <span data-phone="confirmed" className="mt-1 block text-sm font-medium text-teal-900">
                  <span aria-hidden="true">✓ </span>
                  {tPhone("confirmedOn", { date: format.dateTime(p.phoneConfirmedAt, { dateStyle: "medium" }) })}
                </span>
              ) : (
                <span data-phone="unconfirmed" className="mt-1 block text-sm text-slate-700">
                  {tPhone("notConfirmed")}
                </span>
              )
            ) : null}
            {p.whatsappUnreachableAt ? (
              <span data-whatsapp="unreachable" className="mt-1 block text-sm font-medium text-red-800">
                {t("whatsappUnreachable")}
              </span>
            ) : null}
            {p.whatsappOptedOutAt ? (
              <span data-whatsapp="opted-out" className="mt-1 block text-sm text-slate-700">
                {t("whatsappOptedOut")}
              </span>
            ) : null}
          </dd>
          <dt className="text-slate-700">{t("email")}</dt>
          <dd>{p.email ?? "—"}</dd>
          <dt className="text-slate-700">{t("region")}</dt>
          <dd>
            {[p.regencyCode ? findRegency(p.regencyCode)?.name : null, findProvince(p.provinceCode)?.name].filter(Boolean).join(", ")}
          </dd>
          <dt className="text-slate-700">{t("address")}</dt>
          <dd>{p.address ?? "—"}</dd>
          <dt className="text-slate-700">{t("status")}</dt>
          <dd>{tStatus(p.migrantStatus)}</dd>
          <dt className="text-slate-700">{t("country")}</dt>
          <dd>{p.countryCode ? countryName(p.countryCode, locale) : "—"}</dd>
          <dt className="text-slate-700">{t("sector")}</dt>
          <dd>{p.sector ?? "—"}</dd>
          {p.returnDate ? (
            <>
              <dt className="text-slate-700">{t("returnDate")}</dt>
              <dd>{dateOf(p.returnDate)}</dd>
            </>
          ) : null}
          <dt className="text-slate-700">{t("registered")}</dt>
          <dd>
            {dateOf(p.registeredOn)} · {sourceLabel}
          </dd>
        </dl>
      </section>

      <section aria-labelledby="milestones-h" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="milestones-h" className="mb-2 text-lg font-semibold">{t("milestones")}</h2>
        <dl className="grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-[auto_1fr]">
          <dt className="text-slate-700">{t("cardNumber")}</dt>
          <dd className="font-mono">{p.cardNumber ?? t("notYet")}</dd>
          <dt className="text-slate-700">{t("cardReceivedOn")}</dt>
          <dd>{p.cardReceivedOn ? dateOf(p.cardReceivedOn) : t("notYet")}</dd>
          <dt className="text-slate-700">{t("wave")}</dt>
          <dd>{p.wave ?? t("notYet")}</dd>
          <dt className="text-slate-700">{t("trainingBoughtOn")}</dt>
          <dd>{p.trainingBoughtOn ? dateOf(p.trainingBoughtOn) : t("notYet")}</dd>
          <dt className="text-slate-700">{t("lmsSessionOn")}</dt>
          <dd>{p.lmsSessionOn ? dateOf(p.lmsSessionOn) : t("notYet")}</dd>
        </dl>
      </section>

      <section id="messages" aria-labelledby="messages-h" className="scroll-mt-4 space-y-2 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="messages-h" className="text-lg font-semibold">
          {tPhone("messagesTitle")}
        </h2>
        {messagesSent.length === 0 ? (
          <p className="text-slate-700">{tPhone("messagesEmpty")}</p>
        ) : (
          <ul className="divide-y divide-slate-200">
            {messagesSent.map((m) => (
              <li key={m.id} data-message={m.kind} className="py-2 text-sm">
                <p className="font-medium">
                  {tOutbox(`kind.${m.kind as "help_answered"}`)} · {tOutbox(`channel.${m.channel as "email"}`)} {m.recipientMasked}
                </p>
                <p className="text-slate-700">
                  {when(m.createdAt)} · {tOutbox(`state.${m.state}`)}
                  {m.deliveryStatus && m.deliveryStatusAt ? ` · ${tOutbox(`delivery.${m.deliveryStatus}`, { at: when(m.deliveryStatusAt) })}` : null}
                  {m.errorCode ? ` (${m.errorCode})` : null}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>

      {p.phone && !p.phoneConfirmedAt ? (
        <section id="phone" aria-labelledby="phone-h" className="scroll-mt-4 space-y-2 rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="phone-h" className="text-lg font-semibold">
            {tPhone("title")}
          </h2>
          <ClientTexts namespaces={["phoneConfirm"]}>
            <PhoneConfirmation
              participantId={p.id}
              audience="caseworker"
              blocked={phoneStatus.blockedBy ? tValidation(phoneStatus.blockedBy) : null}
              codePending={phoneStatus.codePending}
              send={sendPhoneCodeAction}
              confirm={confirmPhoneAction}
            />
          </ClientTexts>
        </section>
      ) : null}

      <NextIntlClientProvider
        messages={{ casefile: messages.casefile, common: messages.common, activation: messages.activation, casefileHelp: messages.casefileHelp }}
      >
        <section id="log" aria-labelledby="log-h" className="scroll-mt-4 rounded-lg border border-teal-300 bg-white p-4">
          <h2 id="log-h" className="mb-1 text-lg font-semibold">
            {correcting ? t("correctTitle", { date: dateOf(correcting.occurredOn) }) : answering ? tHelp("answerTitle") : t("logTitle")}
          </h2>
          {answering ? (
            <p className="mb-3 text-sm">
              <Link href={`/caseworker/participants/${p.id}#help`} className="text-teal-800 underline">
                {tHelp("cancel")}
              </Link>
            </p>
          ) : null}
          {correcting ? (
            <p className="mb-3 text-sm">
              {t("correctHint")}{" "}
              <Link href={`/caseworker/participants/${p.id}`} className="text-teal-800 underline">
                {t("cancelCorrection")}
              </Link>
            </p>
          ) : null}
          <LogServiceForm
            key={correcting?.id ?? answering?.id ?? "new"}
            answering={answering}
            participantId={p.id}
            submissionId={crypto.randomUUID()}
            today={today}
            minDate={p.registeredOn}
            currentStageLabel={t("currentStageServices", { stage: tStage(p.stage) })}
            currentServices={serviceOptions(true)}
            otherServices={serviceOptions(false)}
            blockers={file.blockers.map((b) => ({ code: b.code, name: name(b) }))}
            channels={CHANNELS.map((c) => ({ code: c, name: tChannel(c) }))}
            outcomes={OUTCOMES.map((o) => ({ code: o, name: tOutcome(o) }))}
            correcting={correcting}
            notice={justCorrected ? t("correctionSaved") : undefined}
          />
        </section>

        <section aria-labelledby="timeline-h">
          <h2 id="timeline-h" className="mb-2 text-lg font-semibold">{t("timeline")}</h2>
          {entries.length === 0 ? (
            <p>{t("timelineEmpty")}</p>
          ) : (
            <ol className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
              {entries.map((entry) => (
                <li key={entry.key} className="p-3">
                  {entry.node}
                </li>
              ))}
            </ol>
          )}
        </section>

        <section id="stage" aria-labelledby="stage-h" className="scroll-mt-4 rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="stage-h" className="mb-2 text-lg font-semibold">{t("changeStage")}</h2>
          <StageForm
            participantId={p.id}
            version={p.version}
            stages={STAGES.filter((s) => s !== p.stage).map((s) => ({ code: s, name: tStage(s) }))}
          />
        </section>

        {p.hasAccount ? (
          <section aria-labelledby="contact-h" className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="contact-h" className="mb-2 text-lg font-semibold">{t("contactTitle")}</h2>
            <ContactForm
              participantId={p.id}
              version={p.version}
              phone={p.phone ?? ""}
              email={p.email ?? ""}
              address={p.address ?? ""}
              provinceCode={p.provinceCode}
              regencyCode={p.regencyCode ?? ""}
              provinces={provinces.map((o) => ({ code: o.code, name: o.name }))}
              regencies={regencies.map((o) => ({ code: o.code, name: o.name }))}
              labels={{
                phone: t("phone"),
                email: t("email"),
                address: t("address"),
                optional: tCommon("optional"),
                provinceCode: tRegister("provinceCode"),
                regencyCode: tRegister("regencyCode"),
                chooseProvince: tRegister("chooseProvince"),
                chooseRegency: tRegister("chooseRegency"),
              }}
            />
          </section>
        ) : null}

        <section aria-labelledby="ms-h" className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="ms-h" className="mb-2 text-lg font-semibold">{t("milestonesTitle")}</h2>
          <MilestonesForm
            participantId={p.id}
            version={p.version}
            today={today}
            values={{
              cardNumber: p.cardNumber ?? "",
              cardReceivedOn: p.cardReceivedOn ?? "",
              wave: p.wave ? String(p.wave) : "",
              trainingBoughtOn: p.trainingBoughtOn ?? "",
              lmsSessionOn: p.lmsSessionOn ?? "",
            }}
          />
        </section>

        {p.hasAccount ? <IssueActivationCodeForm participantId={p.id} /> : null}
      </NextIntlClientProvider>
    </div>
  );
}
