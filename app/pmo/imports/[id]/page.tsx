import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { getImport } from "@/lib/data/imports";
import { can } from "@/lib/data/permissions";
import { listCaseworkerChoices } from "@/lib/data/pmo-participants";
import { getUser, requireUserWith } from "@/lib/data/session";
import { reportPageSchema } from "@/lib/validation/import";
import { queryFields } from "@/lib/validation/query";
import { AutoRefresh } from "../auto-refresh";
import { reasonTranslator } from "../texts";
import { ConfirmForm } from "./confirm-form";

export async function generateMetadata(): Promise<Metadata> {
  if (!can(await getUser(), "create:import:any")) return {};
  return { title: (await getTranslations("pmoImports"))("title"), robots: { index: false } };
}

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ImportPage({ params, searchParams }: Props) {
  const viewer = await requireUserWith("create:import:any");
  const { id } = await params;
  const query = queryFields(await searchParams);
  const view = await getImport(viewer, id, { page: reportPageSchema.parse(query.page) });
  const t = await getTranslations("pmoImports");
  const format = await getFormatter();
  const describe = await reasonTranslator();
  const num = (n: number) => format.number(n);
  const when = (d: Date) => format.dateTime(d, { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Jakarta" });
  const { progress, totals } = view;
  const runningNow = progress.state === "checking" || progress.state === "importing";
  const [errorKey, errorId] = (progress.error ?? "").split(":");
  const caseworkers =
    progress.state === "checked" && totals.ready > 0 ? (await listCaseworkerChoices(viewer)).filter((c) => !c.disabled) : [];
  const cohortQuery = new URLSearchParams({ source: "import", cohort: view.cohort }).toString();
  const pageHref = (page: number) => `/pmo/imports/${view.id}${page > 1 ? `?page=${page}` : ""}#report`;

  return (
    <div className="space-y-6">
      {runningNow ? <AutoRefresh /> : null}
      <p>
        <Link href="/pmo/imports" className="text-teal-800 underline">
          {t("back")}
        </Link>
      </p>
      <div className="space-y-1">
        <h1 className="text-2xl font-bold">{view.cohort}</h1>
        <p className="text-slate-700">{t("uploadedBy", { file: view.fileName, name: view.createdBy, date: when(view.createdAt) })}</p>
      </div>

      <section aria-labelledby="state-h" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="state-h" className="text-lg font-semibold">
          {t("state")}:{" "}
          <span data-state={progress.state}>{t(`states.${progress.state === "checked" && totals.ready === 0 ? "checkedNothing" : progress.state}`)}</span>
        </h2>
        {runningNow ? (
          <div className="space-y-2" role="status">
            <label htmlFor="import-progress" className="block text-sm font-medium">
              {t("progressLabel")}
            </label>
            <progress id="import-progress" value={progress.done} max={Math.max(1, progress.total)} className="h-3 w-full max-w-xl" />
            <p>
              {progress.state === "checking"
                ? t("checkingProgress", { done: num(progress.done), total: num(progress.total) })
                : t("importingProgress", { done: num(progress.done), total: num(progress.total) })}
            </p>
            <p className="text-sm text-slate-700">{progress.state === "importing" ? t("importingWait") : t("refreshNote")}</p>
          </div>
        ) : null}
        {progress.state === "failed" ? (
          <div className="space-y-2">
            <p role="alert" className="rounded-md border border-red-700 bg-red-50 p-3 text-red-800">
              {t.has(`error.${errorKey}`) ? t(`error.${errorKey}`, { id: errorId ?? "" }) : t("error.stale")}
            </p>
            <p className="flex flex-wrap gap-4">
              {errorKey === "checkFailed" || errorKey === "importFailed" ? (
                <Link href="/pmo/jobs#failed" className="text-teal-800 underline">
                  {t("retryJob")}
                </Link>
              ) : null}
              <Link href="/pmo/imports#upload" className="text-teal-800 underline">
                {t("uploadAgain")}
              </Link>
            </p>
          </div>
        ) : null}
      </section>

      {progress.state !== "checking" && !(progress.state === "failed" && totals.ready + totals.refused + totals.duplicate === 0) ? (
        <section aria-labelledby="totals-h" className="space-y-3">
          <h2 id="totals-h" className="text-lg font-semibold">{t("totalsTitle")}</h2>
          <dl className="grid grid-cols-2 gap-3 lg:grid-cols-5">
            {(
              [
                ["rows", t("totalRows"), totals.rows],
                ["ready", t("totalReady"), totals.ready],
                ["refused", t("totalRefused"), totals.refused],
                ["duplicate", t("totalDuplicate"), totals.duplicate],
                ...(progress.state === "imported" ? ([["imported", t("totalImported"), totals.imported]] as const) : []),
              ] as const
            ).map(([key, label, value]) => (
              <div key={key} className="rounded-lg border border-slate-200 bg-white p-3">
                <dt className="text-sm text-slate-700">{label}</dt>
                <dd className="text-2xl font-bold tabular-nums" data-total={key}>
                  {num(value)}
                </dd>
              </div>
            ))}
          </dl>
          {view.sameFile.length ? (
            <p className="rounded-md border border-amber-300 bg-amber-50 p-3" data-notice="same-file">
              {t("sameFile", { list: view.sameFile.map((s) => `${s.cohort} (${when(s.createdAt)})`).join("; ") })}
            </p>
          ) : null}
        </section>
      ) : null}

      {progress.state === "checked" ? (
        totals.ready > 0 ? (
          <section aria-labelledby="confirm-h" className="space-y-3 rounded-lg border border-teal-700 bg-white p-4">
            <h2 id="confirm-h" className="text-lg font-semibold">{t("confirmTitle")}</h2>
            <p>{t("confirmText", { count: totals.ready, cohort: view.cohort })}</p>
            <ConfirmForm
              importId={view.id}
              caseworkers={caseworkers.map((c) => ({ id: c.id, name: c.name }))}
              labels={{ legend: t("caseworkersLegend"), none: t("noCaseworkers"), submit: t("confirmSubmit", { count: totals.ready }) }}
            />
          </section>
        ) : (
          <p role="status" className="rounded-md border border-slate-300 bg-slate-50 p-3" data-notice="nothing-new">
            {t("nothingNew")}
          </p>
        )
      ) : null}

      {progress.state === "imported" ? (
        <section aria-labelledby="imported-h" className="space-y-2 rounded-lg border border-teal-700 bg-teal-50 p-4">
          <h2 id="imported-h" className="sr-only">{t("states.imported")}</h2>
          <p role="status" className="font-semibold" data-notice="imported">
            {t("importedSummary", { count: totals.imported, date: view.importedAt ? when(view.importedAt) : "" })}
          </p>
          {totals.skippedSinceCheck > 0 ? <p data-notice="skipped">{t("skippedSinceCheck", { count: totals.skippedSinceCheck })}</p> : null}
          {view.caseworkers.length ? (
            <div>
              <p>{t("spreadOver")}</p>
              <ul className="list-inside list-disc">
                {view.caseworkers.map((c) => (
                  <li key={c.id}>{t("assigned", { name: c.name, count: c.assigned })}</li>
                ))}
              </ul>
            </div>
          ) : (
            <p>{t("unassigned")}</p>
          )}
          <p className="flex flex-wrap gap-4">
            <Link href={`/pmo?${cohortQuery}`} className="text-teal-900 underline">
              {t("seeDashboard")}
            </Link>
            <Link href={`/pmo/participants?${cohortQuery}`} className="text-teal-900 underline">
              {t("seeParticipants")}
            </Link>
          </p>
        </section>
      ) : null}

      {progress.state !== "checking" && totals.refused + totals.duplicate + totals.ready + totals.imported > 0 ? (
        <section aria-labelledby="report-h" id="report" className="space-y-3">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h2 id="report-h" className="text-lg font-semibold">{t("reportTitle")}</h2>
            {view.report.lines.length ? (
              // A plain link: the answer is a file (and each download is audited).
              <a href={`/pmo/imports/${view.id}/report`} download className="inline-block rounded-md border border-teal-800 px-4 py-2 font-semibold text-teal-900">
                {t("download")}
              </a>
            ) : null}
          </div>
          {view.report.lines.length === 0 ? (
            <p>{t("reportEmpty")}</p>
          ) : (
            <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
              <table className="w-full text-left text-sm">
                <caption className="sr-only">{t("reportCaption", { page: view.report.page, pages: view.report.pageCount })}</caption>
                <thead className="bg-slate-100">
                  <tr>
                    <th scope="col" className="p-2 text-right">{t("line")}</th>
                    <th scope="col" className="p-2">{t("status")}</th>
                    <th scope="col" className="p-2">{t("name")}</th>
                    <th scope="col" className="p-2">{t("nik")}</th>
                    <th scope="col" className="p-2">{t("reasons")}</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-200">
                  {view.report.lines.map((l) => (
                    <tr key={l.line} data-line={l.line}>
                      <td className="p-2 text-right tabular-nums">{l.line}</td>
                      <td className="p-2">{t(`lineStatus.${l.status}`)}</td>
                      <td className="p-2">{l.fullName}</td>
                      <td className="p-2 font-mono whitespace-nowrap">{l.nikMasked ?? ""}</td>
                      <td className="p-2">
                        <ul>
                          {l.reasons.map((r, i) => (
                            <li key={i}>{describe(r)}</li>
                          ))}
                        </ul>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {view.report.pageCount > 1 ? (
            <nav aria-label={t("pagination")} className="flex items-center justify-between">
              {view.report.page > 1 ? <Link href={pageHref(view.report.page - 1)} className="underline">{t("previous")}</Link> : <span />}
              <span>{t("page", { page: view.report.page, pages: view.report.pageCount })}</span>
              {view.report.page < view.report.pageCount ? <Link href={pageHref(view.report.page + 1)} className="underline">{t("next")}</Link> : <span />}
            </nav>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
