import { sealQuery } from "@/lib/crypto/search-seal";
import type { Metadata } from "next";
import Link from "next/link";
import { NextIntlClientProvider } from "next-intl";
import { getFormatter, getMessages, getTranslations } from "next-intl/server";
import { FormMessage } from "@/components/field";
import { listPmoHelpQueue } from "@/lib/data/help";
import { ANSWER_HELP_QUEUE, can, canAny } from "@/lib/data/permissions";
import { getUser, requireUserWithAny } from "@/lib/data/session";
import { findProvince } from "@/lib/reference/regions";
import { queryFields } from "@/lib/validation/query";
import { QueueAnswerForm } from "./answer-form";

export async function generateMetadata(): Promise<Metadata> {
  if (!canAny(await getUser(), ANSWER_HELP_QUEUE)) return {};
  return { title: (await getTranslations("pmoHelp"))("title") };
}

/** The PMO's queue: questions from participants who have no caseworker yet (a coordinator's: of their provinces). */
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function PmoHelpPage({ searchParams }: { searchParams: SearchParams }) {
  const viewer = await requireUserWithAny(ANSWER_HELP_QUEUE);
  // The case file link only for whoever may open it.
  const readsCaseFiles = can(viewer, "read:participant:any");
  const answered = queryFields(await searchParams).answered !== undefined;
  const queue = await listPmoHelpQueue(viewer);
  const t = await getTranslations("pmoHelp");
  const tTopic = await getTranslations("blockerPlain");
  const tStage = await getTranslations("stage");
  const format = await getFormatter();
  const messages = await getMessages();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">{t("title")}</h1>
      {answered ? <FormMessage tone="ok" message={t("saved")} /> : null}
      <p className="max-w-3xl text-slate-700">{t("intro")}</p>
      <p className="font-medium" data-figure="queue">
        {t("count", { count: queue.length })}
      </p>
      <NextIntlClientProvider messages={{ pmoHelp: messages.pmoHelp }}>
        <ul className="space-y-4">
          {queue.map((r) => (
            <li key={r.id} data-request={r.id} className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <h2 className="text-lg font-semibold">{r.fullName}</h2>
                <span className="text-sm text-slate-700">{t("askedOn", { date: format.dateTime(r.createdAt, { dateStyle: "medium", timeStyle: "short" }) })}</span>
              </div>
              <p className="text-sm text-slate-700">
                <span className="font-mono">{r.nikMasked}</span>
                {r.phoneMasked ? <span className="font-mono"> · {r.phoneMasked}</span> : null} · {findProvince(r.provinceCode)?.name ?? r.provinceCode} ·{" "}
                {tStage(r.stage)}
              </p>
              <p className="font-semibold">{tTopic(r.topic as "other")}</p>
              <p className="whitespace-pre-line">{r.message}</p>
              <p className="flex flex-wrap gap-4 text-sm">
                <Link href={`/pmo/caseworkers?${sealQuery(`q=${encodeURIComponent(r.fullName)}`, viewer.id)}#assign`} className="font-medium text-teal-800 underline">
                  {t("assign")}
                </Link>
                {readsCaseFiles ? (
                  <Link href={`/pmo/participants/${r.participantId}`} className="font-medium text-teal-800 underline">
                    {t("profile")}
                  </Link>
                ) : null}
              </p>
              <QueueAnswerForm requestId={r.id} />
            </li>
          ))}
        </ul>
      </NextIntlClientProvider>
    </div>
  );
}
