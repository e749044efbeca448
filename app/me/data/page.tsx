import type { Metadata } from "next";
import { NavLink } from "@/components/nav-link";
import { getFormatter, getTranslations } from "next-intl/server";
import { ClientTexts } from "@/components/client-texts";
import { FormMessage } from "@/components/field";
import { getOwnDataRights, type OwnDataRequest } from "@/lib/data/data-rights";
import { can } from "@/lib/data/permissions";
import { getUser, requireUserWith } from "@/lib/data/session";
import { queryFields } from "@/lib/validation/query";
import { DataRequestForm } from "./request-form";

export async function generateMetadata(): Promise<Metadata> {
  if (!can(await getUser(), "create:data_request:own")) return {};
  return { title: (await getTranslations("dataRights"))("title") };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const STATUS_TONE: Record<OwnDataRequest["status"], string> = {
  open: "bg-amber-100 text-amber-950",
  completed: "bg-teal-100 text-teal-950",
  refused: "bg-red-100 text-red-900",
};

/** The participant's rights under UU PDP: download, deletion request, consent withdrawal. */
export default async function MyDataPage({ searchParams }: { searchParams: SearchParams }) {
  const viewer = await requireUserWith("create:data_request:own");
  const { sent } = queryFields(await searchParams);
  const rights = await getOwnDataRights(viewer);
  const t = await getTranslations("dataRights");
  const tMe = await getTranslations("me");
  const format = await getFormatter();
  if (!rights) return <p>{tMe("noRecord")}</p>;
  const when = (d: Date) => format.dateTime(d, { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Jakarta" });
  const openOf = (kind: OwnDataRequest["kind"]) => rights.requests.find((r) => r.kind === kind && r.status === "open");
  const openDeletion = openOf("deletion");
  const openWithdrawal = openOf("consent_withdrawal");
  const sentRequest = sent === "deletion" ? openDeletion : sent === "consent_withdrawal" ? openWithdrawal : undefined;

  return (
    <div className="space-y-8">
      <p>
        <NavLink href="/me" className="text-teal-800 underline">
          ← {t("backHome")}
        </NavLink>
      </p>
      <div className="space-y-2">
        <h1 className="text-2xl font-bold">{t("title")}</h1>
        {sentRequest ? (
          <FormMessage
            tone="ok"
            message={t(sent === "deletion" ? "sent" : "sentWithdrawal", { date: when(sentRequest.dueAt) })}
          />
        ) : null}
        <p>{t("intro")}</p>
        <ul className="list-disc space-y-1 pl-6">
          <li>{t("rightDownload")}</li>
          <li>{t("rightDelete")}</li>
          <li>{t("rightWithdraw")}</li>
        </ul>
        <p className="font-medium">{t("answerTime")}</p>
      </div>

      <section aria-labelledby="download-h" className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="download-h" className="text-lg font-semibold">
          {t("downloadTitle")}
        </h2>
        <p>{t("downloadText")}</p>
        <p className="text-sm text-slate-700">{t("downloadWarning")}</p>
        {/* Plain links: the page is audited when read, so nothing fetches it ahead; the
            route answers with an attachment, so the page stays where it is. */}
        <p>
          <a href="/me/data/view" className="font-semibold text-teal-800 underline">
            {t("view.readButton")}
          </a>
        </p>
        <a
          href="/me/data/export"
          download
          className="inline-block rounded-md bg-teal-800 px-5 py-2.5 font-semibold text-white hover:bg-teal-900 focus:outline-2 focus:outline-offset-2 focus:outline-teal-800"
        >
          {t("downloadButton")}
        </a>
      </section>

      <ClientTexts namespaces={["dataRights"]}>
        <section aria-labelledby="consent-h" className="space-y-3">
          <h2 id="consent-h" className="text-lg font-semibold">
            {t("consentTitle")}
          </h2>
          {rights.consentWithdrawnAt ? (
            <p className="rounded-md border border-slate-300 bg-slate-50 p-3" data-consent="withdrawn">
              {t("consentWithdrawn", { date: when(rights.consentWithdrawnAt) })}
            </p>
          ) : (
            <>
              <p>
                {rights.consentAt && rights.consentVersion
                  ? t("consentGiven", { date: format.dateTime(rights.consentAt, { dateStyle: "long", timeZone: "Asia/Jakarta" }), version: rights.consentVersion })
                  : t("consentNone")}
              </p>
              <p>{t("withdrawMeans")}</p>
              <DataRequestForm kind="consent_withdrawal" participantId={rights.participantId} />
            </>
          )}
          {openWithdrawal && rights.consentWithdrawnAt ? <p className="text-sm text-slate-700">{t("openNotice", { date: when(openWithdrawal.dueAt) })}</p> : null}
        </section>

        <section aria-labelledby="delete-h" className="space-y-3">
          <h2 id="delete-h" className="text-lg font-semibold">
            {t("deleteTitle")}
          </h2>
          <p>{t("deleteMeans")}</p>
          <p>{t("deleteKept")}</p>
          {openDeletion ? (
            <p className="rounded-md border border-amber-300 bg-amber-50 p-3" data-open="deletion">
              {t("openNotice", { date: when(openDeletion.dueAt) })}
            </p>
          ) : (
            <>
              <p className="font-medium">{t("deleteFirst")}</p>
              <DataRequestForm kind="deletion" participantId={rights.participantId} />
            </>
          )}
        </section>
      </ClientTexts>

      <section aria-labelledby="list-h" className="space-y-2">
        <h2 id="list-h" className="text-lg font-semibold">
          {t("listTitle")}
        </h2>
        {rights.requests.length === 0 ? (
          <p className="text-slate-700">{t("empty")}</p>
        ) : (
          <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
            {rights.requests.map((r) => (
              <li key={r.id} className="space-y-1 p-3" data-request={r.id}>
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <span className="font-semibold">{t(`kind.${r.kind}`)}</span>
                  <span className={`rounded px-2 text-sm ${STATUS_TONE[r.status]}`}>{t(`status.${r.status}`)}</span>
                </div>
                <p className="text-sm text-slate-700">
                  {t("requestedOn", { date: when(r.requestedAt) })} ·{" "}
                  {r.decidedAt ? t("decidedOn", { date: when(r.decidedAt) }) : t("dueOn", { date: when(r.dueAt) })}
                </p>
                {r.reason ? <p className="whitespace-pre-line">{t("yourReason", { reason: r.reason })}</p> : null}
                {r.decisionNote ? <p className="whitespace-pre-line">{t("pmoNote", { note: r.decisionNote })}</p> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
