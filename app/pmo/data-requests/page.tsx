import type { Metadata } from "next";
import Link from "next/link";
import { NextIntlClientProvider } from "next-intl";
import { getFormatter, getMessages, getTranslations } from "next-intl/server";
import { FormMessage } from "@/components/field";
import { countOpenDataRequests, listDataRequests, type PmoDataRequestRow } from "@/lib/data/data-rights";
import { can } from "@/lib/data/permissions";
import { getUser, requireUserWith } from "@/lib/data/session";
import { DATA_REQUEST_VIEWS, parseDataRequestFilter } from "@/lib/validation/data-rights";
import { queryFields } from "@/lib/validation/query";
import { CompleteForm, RefuseForm } from "./decision-forms";

export async function generateMetadata(): Promise<Metadata> {
  if (!can(await getUser(), "read:data_request:any")) return {};
  return { title: (await getTranslations("pmoDataRequests"))("title") };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const STATUS_TONE: Record<PmoDataRequestRow["status"], string> = {
  open: "bg-amber-100 text-amber-950",
  completed: "bg-teal-100 text-teal-950",
  refused: "bg-red-100 text-red-900",
};

/** The PMO's queue of UU PDP requests: open ones first, the nearest deadline first. */
export default async function DataRequestsPage({ searchParams }: { searchParams: SearchParams }) {
  const viewer = await requireUserWith("read:data_request:any");
  const query = queryFields(await searchParams);
  const filter = parseDataRequestFilter(query);
  const [rows, totals] = await Promise.all([listDataRequests(viewer, filter), countOpenDataRequests(viewer)]);
  const mayDecide = can(viewer, "update:data_request:any");
  const t = await getTranslations("pmoDataRequests");
  const format = await getFormatter();
  const messages = await getMessages();
  const when = (d: Date) => format.dateTime(d, { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Jakarta" });

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">{t("title")}</h1>
      {query.done ? <FormMessage tone="ok" message={t("saved")} /> : null}
      <p className="max-w-3xl text-slate-700">{t("intro")}</p>
      <p className="font-medium">
        <span data-figure="open-requests">{t("count", { count: totals.open })}</span>{" "}
        <span data-figure="overdue-requests" className={totals.overdue > 0 ? "text-red-800" : undefined}>
          {t("overdueCount", { count: totals.overdue })}
        </span>
      </p>
      {totals.raised > 0 ? (
        <p role="status" data-figure="raised-requests" className="max-w-3xl rounded border border-amber-300 bg-amber-50 p-3 font-medium text-amber-900">
          {t("raisedCount", { count: totals.raised })}
        </p>
      ) : null}
      <nav aria-label={t("show")} className="flex flex-wrap gap-3 text-sm">
        <span className="font-medium">{t("show")}:</span>
        {DATA_REQUEST_VIEWS.map((v) => (
          <Link
            key={v}
            href={v === "open" ? "/pmo/data-requests" : `/pmo/data-requests?status=${v}`}
            aria-current={filter.status === v ? "page" : undefined}
            className={filter.status === v ? "font-bold text-slate-900" : "font-medium text-teal-800 underline"}
          >
            {t(`view.${v}`)}
          </Link>
        ))}
      </nav>
      <NextIntlClientProvider messages={{ pmoDataRequests: messages.pmoDataRequests }}>
        <ul className="space-y-4">
          {rows.map((r) => (
            <li key={r.id} data-request={r.id} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <h2 className="text-lg font-semibold">
                  {r.fullName} <span className="font-mono text-sm font-normal text-slate-700">{r.nikMasked}</span>
                </h2>
                <span className="flex gap-2 text-sm">
                  <span className="rounded bg-slate-100 px-2 text-slate-900">{t(`kind.${r.kind}`)}</span>
                  <span className={`rounded px-2 ${STATUS_TONE[r.status]}`}>{t(`status.${r.status}`)}</span>
                  {r.status === "open" && r.raisedAt ? (
                    <span data-raised className="rounded bg-amber-100 px-2 text-amber-900">
                      {t("raised")}
                    </span>
                  ) : null}
                </span>
              </div>
              <p className="text-sm text-slate-700">
                {t("requestedOn", { date: when(r.requestedAt) })} · {t("dueOn", { date: when(r.dueAt) })}
              </p>
              {r.status === "open" ? <Deadline row={r} labels={{
                elapsed: t("elapsed"),
                text: r.overdue
                  ? t("overdueBy", { hours: Math.max(1, -(r.hoursLeft ?? 0)) })
                  : (r.hoursLeft ?? 0) < 1
                    ? t("dueSoon")
                    : t("hoursLeft", { hours: r.hoursLeft ?? 0 }),
              }} /> : null}
              <p className="whitespace-pre-line">{r.reason ? t("reason", { reason: r.reason }) : t("noReason")}</p>
              {r.consentWithdrawn && !r.erased ? <p className="text-sm text-slate-700">{t("consentWithdrawn")}</p> : null}
              {r.erased ? <p className="text-sm font-medium text-slate-700">{t("erased")}</p> : null}
              {r.decidedAt ? (
                <p className="text-sm text-slate-700">
                  {t("decided", { date: when(r.decidedAt), name: r.decidedByName ?? "" })}
                  {r.decisionNote ? <span className="block whitespace-pre-line">{t("note", { note: r.decisionNote })}</span> : null}
                </p>
              ) : null}
              <p className="text-sm">
                <Link href={`/pmo/participants/${r.participantId}`} className="font-medium text-teal-800 underline">
                  {t("profile")}
                </Link>
              </p>
              {r.status === "open" && mayDecide ? (
                <div className="grid gap-6 border-t border-slate-200 pt-3 md:grid-cols-2">
                  <CompleteForm requestId={r.id} kind={r.kind} />
                  {r.kind === "deletion" ? <RefuseForm requestId={r.id} /> : null}
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      </NextIntlClientProvider>
    </div>
  );
}

/** Time left of the 3 × 24 hours: a bar that fills up, red once the deadline has passed. */
function Deadline({ row, labels }: { row: PmoDataRequestRow; labels: { elapsed: string; text: string } }) {
  const share = row.elapsedShare ?? 0;
  const tone = row.overdue ? "bg-red-700" : share > 2 / 3 ? "bg-amber-600" : "bg-teal-700";
  return (
    <div className="space-y-1" data-deadline={row.overdue ? "overdue" : "running"}>
      <div
        role="progressbar"
        aria-label={labels.elapsed}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(share * 100)}
        aria-valuetext={labels.text}
        className="h-3 w-full max-w-xl rounded bg-slate-200"
      >
        <div className={`h-3 rounded ${tone}`} style={{ width: `${Math.round(share * 100)}%` }} />
      </div>
      <p className={row.overdue ? "font-semibold text-red-800" : "font-medium"}>{labels.text}</p>
    </div>
  );
}
