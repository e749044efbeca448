import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { PhoneLinks } from "@/components/phone-links";
import { StageProgress } from "@/components/stage-progress";
import { getParticipantForPmo } from "@/lib/data/pmo-participants";
import { requireUserWith } from "@/lib/data/session";
import { countryName } from "@/lib/reference/countries";
import { findProvince, findRegency } from "@/lib/reference/regions";

export const metadata: Metadata = { robots: { index: false } };

type Props = { params: Promise<{ id: string }> };

/** A definition list of label/value pairs; a missing value reads "—". */
function Facts({ items, none }: { items: [string, ReactNode, string?][]; none: string }) {
  return (
    <dl className="grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-[auto_1fr]">
      {items.map(([label, value, className]) => {
        const missing = value === null || value === undefined || value === "";
        return (
          <div key={label} className="contents">
            <dt className="text-slate-700">{label}</dt>
            <dd className={missing ? undefined : className}>{missing ? none : value}</dd>
          </div>
        );
      })}
    </dl>
  );
}

export default async function PmoParticipantPage({ params }: Props) {
  const viewer = await requireUserWith("read:participant:any");
  const { id } = await params;
  const file = await getParticipantForPmo(viewer, id);
  const p = file.participant;
  const locale = (await getLocale()) === "en" ? "en" : "id";
  const t = await getTranslations("pmoParticipants");
  const tStage = await getTranslations("stage");
  const tSex = await getTranslations("sex");
  const tStatus = await getTranslations("migrantStatus");
  const tOutcome = await getTranslations("outcome");
  const tChannel = await getTranslations("channel");
  const format = await getFormatter();
  const dateOf = (iso: string | null) => (iso ? format.dateTime(new Date(`${iso}T00:00:00+07:00`), { dateStyle: "medium" }) : null);
  const name = (o: { nameId: string; nameEn: string }) => (locale === "en" ? o.nameEn : o.nameId);
  const none = t("none");
  const sourceLabel = { self: t("sourceSelf"), assisted: t("sourceAssisted"), import: t("sourceImport") }[p.source];

  type Entry = { at: string; key: string; node: ReactNode };
  const entries: Entry[] = [
    ...file.logs.map((l) => {
      const struck = l.correctedById ? "line-through" : "";
      return {
        at: `${l.occurredOn}T${l.createdAt.toISOString().slice(11)}`,
        key: l.id,
        node: (
          <div className={l.correctedById ? "text-slate-600" : undefined}>
            <p className={`font-medium ${struck}`}>{name({ nameId: l.serviceNameId, nameEn: l.serviceNameEn })}</p>
            <p className={`text-sm ${struck}`}>
              {l.source === "prakerja" ? (
                <>{dateOf(l.occurredOn)} · {t("byPrakerja")}</>
              ) : (
                <>
                  {dateOf(l.occurredOn)} · {tChannel(l.channel as "phone")} · {tOutcome(l.outcome as "done")}
                  {l.blockerCode ? ` · ${name({ nameId: l.blockerNameId ?? "", nameEn: l.blockerNameEn ?? "" })}` : ""}
                  {l.nextFollowUpOn ? ` · ${t("followUp", { date: dateOf(l.nextFollowUpOn)! })}` : ""} · {t("by", { name: l.caseworkerName ?? "" })}
                </>
              )}
            </p>
            {l.notes ? (
              <p className={`text-sm italic ${struck}`}>{l.source === "prakerja" ? t("provider", { name: l.notes }) : l.notes}</p>
            ) : null}
            {l.correctsId ? <p className="text-xs text-slate-700">{t("correctionOf")}</p> : null}
            {l.correctedById ? <p className="text-xs font-medium">{t("corrected")}</p> : null}
          </div>
        ),
      };
    }),
    ...file.stageChanges.map((c) => ({
      at: c.createdAt.toISOString(),
      key: c.id,
      node: (
        <div>
          <p className="font-medium">
            {c.fromStage ? t("stageChange", { from: tStage(c.fromStage), to: tStage(c.toStage) }) : t("stageStart", { to: tStage(c.toStage) })}
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

  const region = [p.regencyCode ? findRegency(p.regencyCode)?.name : null, findProvince(p.provinceCode)?.name ?? p.provinceCode]
    .filter(Boolean)
    .join(", ");

  return (
    <div className="space-y-8">
      <p>
        <Link href="/pmo/participants" className="text-teal-800 underline">
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
        <p>
          {t("caseworker")}: <strong>{p.caseworker ? p.caseworker.name : t("notAssigned")}</strong>
        </p>
        {p.deadline?.warn ? (
          <p className="rounded-md border border-red-700 bg-red-50 p-3 font-medium text-red-900">
            {p.deadline.daysLeft < 0
              ? t("deadlinePassed", { date: dateOf(p.deadline.deadline)! })
              : t("deadlineWarning", { date: dateOf(p.deadline.deadline)!, days: p.deadline.daysLeft })}
          </p>
        ) : null}
      </header>

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <section aria-labelledby="identity-h" className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="identity-h" className="mb-1 text-lg font-semibold">{t("identity")}</h2>
          <p className="mb-2 text-sm text-slate-700">{t("nikAudited")}</p>
          <Facts
            none={none}
            items={[
              [t("nik"), p.nik, "font-mono"],
              [t("kk"), p.kk, "font-mono"],
              [t("birthDate"), dateOf(p.birthDate)],
              [t("sex"), tSex(p.sex)],
            ]}
          />
        </section>

        <section aria-labelledby="contact-h" className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="contact-h" className="mb-2 text-lg font-semibold">{t("contact")}</h2>
          <Facts
            none={none}
            items={[
              [t("phone"), p.phone ? <PhoneLinks phone={p.phone} /> : null],
              [t("email"), p.email],
              [t("region"), region],
              [t("address"), p.address],
              [t("account"), p.hasAccount ? t("accountYes") : t("accountNo")],
            ]}
          />
        </section>

        <section aria-labelledby="migrant-h" className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="migrant-h" className="mb-2 text-lg font-semibold">{t("migrant")}</h2>
          <Facts
            none={none}
            items={[
              [t("status"), tStatus(p.migrantStatus)],
              [t("country"), p.countryCode ? countryName(p.countryCode, locale) : null],
              [t("sector"), p.sector],
              [t("returnDate"), dateOf(p.returnDate)],
              [t("idPmi"), p.idPmi, "font-mono"],
              [t("arrivalDate"), dateOf(p.arrivalDate)],
              [t("quarantineLocation"), p.quarantineLocation],
              [t("cohort"), p.cohort],
            ]}
          />
        </section>

        <section aria-labelledby="programme-h" className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="programme-h" className="mb-2 text-lg font-semibold">{t("programme")}</h2>
          <Facts
            none={none}
            items={[
              [t("registered"), `${dateOf(p.registeredOn)} · ${sourceLabel}`],
              [t("consent"), p.consentAt ? format.dateTime(p.consentAt, { dateStyle: "medium" }) : t("consentPending")],
              [t("caseworker"), p.caseworker ? p.caseworker.name : t("notAssigned")],
              [t("lastContact"), dateOf(p.lastContactOn) ?? t("never")],
              [t("nextFollowUp"), dateOf(p.nextFollowUpOn)],
            ]}
          />
        </section>

        <section aria-labelledby="milestones-h" className="rounded-lg border border-slate-200 bg-white p-4 lg:col-span-2">
          <h2 id="milestones-h" className="mb-2 text-lg font-semibold">{t("milestones")}</h2>
          <Facts
            none={t("notYet")}
            items={[
              [t("cardNumber"), p.cardNumber, "font-mono"],
              [t("cardReceivedOn"), dateOf(p.cardReceivedOn)],
              [t("wave"), p.wave],
              [t("trainingBoughtOn"), dateOf(p.trainingBoughtOn)],
              [t("lmsSessionOn"), dateOf(p.lmsSessionOn)],
            ]}
          />
        </section>
      </div>

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
    </div>
  );
}
