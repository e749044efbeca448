import type { Metadata } from "next";
import type { ReactNode } from "react";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { NavLink } from "@/components/nav-link";
import { ownDataExport } from "@/lib/data/data-rights";
import { can } from "@/lib/data/permissions";
import { getUser, requireUserWith } from "@/lib/data/session";
import { sentenceKey, sentenceValues } from "@/lib/i18n/audit-sentences";

// The participant's data as a page to read on a phone: the same document as the JSON
// download (lib/data/data-rights.ts ownDataExport), rendered on the server, its reading
// audited like the download. The owner sees their own whole NIK and KK, as in the file.

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  if (!can(await getUser(), "read:data_export:own")) return {};
  return { title: (await getTranslations("dataRights.view"))("title") };
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="space-y-2 rounded-lg border border-slate-200 bg-white p-4" data-section={id}>
      <h2 id={id} className="text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

function Rows({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="grid gap-x-4 gap-y-1 sm:grid-cols-[auto_1fr]">
      {rows.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="text-sm text-slate-600">{label}</dt>
          <dd className="mb-2 break-words font-medium sm:mb-0">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export default async function MyDataViewPage() {
  const viewer = await requireUserWith("read:data_export:own");
  const t = await getTranslations("dataRights.view");
  const tMe = await getTranslations("me");
  const data = await ownDataExport(viewer, { as: "page" });
  if (!data) return <p>{tMe("noRecord")}</p>;
  const [tStage, tSex, tStatus, tOutcome, tKind, tReqStatus, tAudit, format, locale] = await Promise.all([
    getTranslations("stage"),
    getTranslations("sex"),
    getTranslations("migrantStatus"),
    getTranslations("outcome"),
    getTranslations("dataRights.kind"),
    getTranslations("dataRights.status"),
    getTranslations("pmoAudit"),
    getFormatter(),
    getLocale(),
  ]);
  const p = data.participant;
  const none = t("empty");
  const day = (iso: string | null) => (iso ? format.dateTime(new Date(`${iso}T00:00:00+07:00`), { dateStyle: "long", timeZone: "Asia/Jakarta" }) : none);
  const when = (d: Date | null) => (d ? format.dateTime(d, { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Jakarta" }) : none);
  const stage = (s: string | null) => (s ? (tStage.has(s as never) ? tStage(s as never) : s) : none);
  const who = (person: { name: string | null; role: string; self?: true } | null) =>
    !person ? tAudit("system") : person.self ? t("you") : (person.name ?? (person.role === "participant" ? t("participant") : tAudit("system")));
  const words = { system: tAudit("system"), someone: tAudit("someone"), stage };

  return (
    <div className="space-y-6">
      <p>
        <NavLink href="/me/data" className="text-teal-800 underline">
          ← {t("back")}
        </NavLink>
      </p>
      <div className="space-y-2">
        <h1 className="text-2xl font-bold">{t("title")}</h1>
        <p>{t("intro")}</p>
        <a href="/me/data/export" download className="text-teal-800 underline">
          {t("download")}
        </a>
      </div>

      <Section id="person-h" title={t("personTitle")}>
        <Rows
          rows={[
            [t("fullName"), p.fullName],
            [t("nik"), <span key="nik" className="font-mono" data-field="nik">{p.nik ?? none}</span>],
            [t("kk"), <span key="kk" className="font-mono">{p.kk ?? none}</span>],
            [t("birthDate"), day(p.birthDate)],
            [t("sex"), tSex.has(p.sex as never) ? tSex(p.sex as never) : p.sex],
            [t("address"), p.address ?? none],
            [t("region"), [p.regency, p.province].filter(Boolean).join(", ") || none],
            [t("migrantStatus"), tStatus.has(p.migrantStatus as never) ? tStatus(p.migrantStatus as never) : p.migrantStatus],
            [t("country"), p.country ?? none],
            [t("sector"), p.sector ?? none],
            [t("returnDate"), day(p.returnDate)],
            [t("registeredAt"), when(p.registeredAt)],
            [t("stage"), stage(p.stage)],
            [t("caseworker"), p.caseworker?.name ?? none],
            [t("card"), p.prakerja.cardNumber ? t("cardValue", { number: p.prakerja.cardNumber, date: day(p.prakerja.cardReceivedOn) }) : none],
          ]}
        />
      </Section>

      <Section id="account-h" title={t("accountTitle")}>
        <Rows
          rows={[
            [t("email"), data.account?.email ?? none],
            [t("phone"), data.account?.phone ?? none],
          ]}
        />
      </Section>

      <Section id="consent-h" title={t("consentTitle")}>
        <Rows
          rows={[
            [t("consentAt"), data.consent.at ? `${when(data.consent.at)} (${data.consent.version ?? none})` : none],
            [t("consentWithdrawnAt"), when(data.consent.withdrawnAt)],
          ]}
        />
      </Section>

      <Section id="history-h" title={t("historyTitle")}>
        <ol className="space-y-1">
          {data.stageHistory.map((c, i) => (
            <li key={i}>
              <span className="text-sm text-slate-600">{when(c.at)}</span> · {t("historyItem", { from: stage(c.from), to: stage(c.to) })}
            </li>
          ))}
        </ol>
      </Section>

      <Section id="services-h" title={t("servicesTitle")}>
        {data.services.length === 0 ? (
          <p>{t("none")}</p>
        ) : (
          <ol className="divide-y divide-slate-200">
            {data.services.map((s) => (
              <li key={s.id} className="py-2" data-service={s.service.code}>
                <p className="font-medium">{locale === "en" ? s.service.en : s.service.id}</p>
                <p className="text-sm text-slate-700">
                  {day(s.occurredOn)} · {tOutcome.has(s.outcome as never) ? tOutcome(s.outcome as never) : s.outcome} · {s.source === "prakerja" ? t("serviceByPrakerja") : t("serviceBy", { name: s.caseworker.name ?? "" })}
                </p>
                {s.notes ? <p className="whitespace-pre-line text-sm">{t("notes", { notes: s.notes })}</p> : null}
              </li>
            ))}
          </ol>
        )}
      </Section>

      <Section id="help-h" title={t("helpTitle")}>
        {data.helpRequests.length === 0 ? (
          <p>{t("none")}</p>
        ) : (
          <ol className="divide-y divide-slate-200">
            {data.helpRequests.map((h) => (
              <li key={h.id} className="py-2">
                <p className="text-sm text-slate-600">{when(h.askedAt)}</p>
                <p className="whitespace-pre-line">{h.message}</p>
                {h.answer ? <p className="whitespace-pre-line text-sm">{t("answer", { answer: h.answer })}</p> : null}
              </li>
            ))}
          </ol>
        )}
      </Section>

      <Section id="requests-h" title={t("requestsTitle")}>
        {data.dataRequests.length === 0 ? (
          <p>{t("none")}</p>
        ) : (
          <ul className="space-y-1">
            {data.dataRequests.map((r) => (
              <li key={r.id}>
                {tKind(r.kind)} · {tReqStatus(r.status)} · <span className="text-sm text-slate-600">{when(r.requestedAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section id="messages-h" title={t("messagesTitle")}>
        {data.messages.length === 0 ? (
          <p>{t("none")}</p>
        ) : (
          <ul className="space-y-1">
            {data.messages.map((m) => (
              <li key={m.id}>
                <span className="text-sm text-slate-600">{when(m.createdAt)}</span> · {m.subject ?? m.kind}
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section id="processing-h" title={t("processingTitle")}>
        <ol className="space-y-1">
          {data.processing.map((e, i) => {
            const values = sentenceValues(
              { action: e.action, actorId: "by", actorName: who(e.by), subjectName: t("you"), before: null, after: null },
              words,
            );
            const key = sentenceKey(e.action);
            return (
              <li key={i}>
                <span className="text-sm text-slate-600">{when(e.at)}</span> ·{" "}
                {tAudit.has(key as never) ? tAudit(key as never, values as never) : tAudit("sentenceUnknown", values)}
              </li>
            );
          })}
        </ol>
      </Section>
    </div>
  );
}
