import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { ErrorSummary } from "@/components/error-summary";
import { Field, SubmitButton } from "@/components/field";
import { listImports } from "@/lib/data/imports";
import { can } from "@/lib/data/permissions";
import { getUser, requireUserWith } from "@/lib/data/session";
import { IMPORT_COLUMNS, reportPageSchema } from "@/lib/validation/import";
import { queryFields } from "@/lib/validation/query";
import { AutoRefresh } from "./auto-refresh";
import { fileProblemText } from "./texts";
import { readUploadProblem } from "./upload-error";

export async function generateMetadata(): Promise<Metadata> {
  // Metadata renders before the page refuses: other roles get the site's default title.
  if (!can(await getUser(), "create:import:any")) return {};
  return { title: (await getTranslations("pmoImports"))("title"), robots: { index: false } };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function PmoImportsPage({ searchParams }: { searchParams: SearchParams }) {
  const viewer = await requireUserWith("create:import:any");
  const query = queryFields(await searchParams);
  const history = await listImports(viewer, { page: reportPageSchema.parse(query.page) });
  const t = await getTranslations("pmoImports");
  const format = await getFormatter();
  const problem = readUploadProblem(query);
  const cohortTyped = query.cohort?.slice(0, 200) ?? "";
  const cohortError = problem?.field === "cohort" ? [t(problem.key)] : undefined;
  let fileError: string[] | undefined;
  if (problem?.field === "file") fileError = "error" in problem ? await fileProblemText(problem.error) : [t("noFile")];
  const running = history.rows.some((r) => r.progress.state === "checking" || r.progress.state === "importing");
  const num = (n: number) => format.number(n);

  return (
    <div className="space-y-8">
      {running ? <AutoRefresh /> : null}
      <div className="space-y-2">
        <h1 className="text-2xl font-bold">{t("title")}</h1>
        <p className="max-w-3xl text-slate-700">{t("intro")}</p>
      </div>

      <section aria-labelledby="upload-h" id="upload" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="upload-h" className="text-lg font-semibold">{t("uploadTitle")}</h2>
        <div className="space-y-2 text-sm text-slate-700">
          <h3 className="font-semibold text-slate-900">{t("formatTitle")}</h3>
          <p>{t("formatText")}</p>
          <pre className="whitespace-pre-wrap break-all rounded bg-slate-100 p-2 text-xs text-slate-900">{IMPORT_COLUMNS.join(",")}</pre>
          <p>{t("formatDates")}</p>
        </div>
        {/* A plain multipart form to a route handler, which streams the file: it works without
            JavaScript, and no server action body limit applies. The cohort comes first, so
            the route knows it before the file starts. */}
        <form method="post" action="/pmo/imports/upload" encType="multipart/form-data" className="max-w-xl space-y-4">
          {problem ? (
            <ErrorSummary
              state={{ ok: false, attempt: "upload", message: (await getTranslations("validation"))("form.error"), fieldErrors: { cohort: cohortError ?? [], file: fileError ?? [] } }}
              order={["cohort", "file"]}
            />
          ) : null}
          <Field name="cohort" label={t("cohort")} hint={t("cohortHint")} errors={cohortError} required>
            {(p) => <input {...p} type="text" maxLength={200} defaultValue={cohortTyped} autoComplete="off" />}
          </Field>
          <Field name="file" label={t("file")} hint={t("fileHint")} errors={fileError} required>
            {(p) => <input {...p} type="file" accept=".csv,text/csv" />}
          </Field>
          <SubmitButton>{t("upload")}</SubmitButton>
        </form>
      </section>

      <section aria-labelledby="history-h" className="space-y-3">
        <h2 id="history-h" className="text-lg font-semibold">{t("historyTitle")}</h2>
        {history.rows.length === 0 ? (
          <p>{t("historyEmpty")}</p>
        ) : (
          <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">{t("historyCaption")}</caption>
              <thead className="bg-slate-100">
                <tr>
                  <th scope="col" className="p-2">{t("when")}</th>
                  <th scope="col" className="p-2">{t("who")}</th>
                  <th scope="col" className="p-2">{t("cohort")}</th>
                  <th scope="col" className="p-2">{t("fileName")}</th>
                  <th scope="col" className="p-2">{t("state")}</th>
                  <th scope="col" className="p-2 text-right">{t("rows")}</th>
                  <th scope="col" className="p-2 text-right">{t("imported")}</th>
                  <th scope="col" className="p-2 text-right">{t("refused")}</th>
                  <th scope="col" className="p-2 text-right">{t("duplicate")}</th>
                  <th scope="col" className="p-2">{t("report")}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-200">
                {history.rows.map((r) => (
                  <tr key={r.id} data-import={r.id}>
                    <td className="p-2 whitespace-nowrap">
                      <time dateTime={r.createdAt.toISOString()}>
                        {format.dateTime(r.createdAt, { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Jakarta" })}
                      </time>
                    </td>
                    <td className="p-2">{r.createdBy}</td>
                    <td className="p-2 font-medium">{r.cohort}</td>
                    <td className="p-2 break-all">{r.fileName}</td>
                    <td className="p-2">{t(`states.${r.progress.state === "checked" && r.totals.ready === 0 ? "checkedNothing" : r.progress.state}`)}</td>
                    <td className="p-2 text-right tabular-nums">{num(r.totals.rows)}</td>
                    <td className="p-2 text-right tabular-nums">
                      {r.progress.state === "imported" ? num(r.totals.imported) : `${t("ready")} ${num(r.totals.ready)}`}
                    </td>
                    <td className="p-2 text-right tabular-nums">{num(r.totals.refused)}</td>
                    <td className="p-2 text-right tabular-nums">{num(r.totals.duplicate)}</td>
                    <td className="p-2">
                      <Link href={`/pmo/imports/${r.id}`} className="text-teal-800 underline">
                        {t("openReport")}
                        <span className="sr-only">: {r.cohort}</span>
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {history.pageCount > 1 ? (
          <nav aria-label={t("pagination")} className="flex items-center justify-between">
            {history.page > 1 ? <Link href={`/pmo/imports?page=${history.page - 1}`} className="underline">{t("previous")}</Link> : <span />}
            <span>{t("page", { page: history.page, pages: history.pageCount })}</span>
            {history.page < history.pageCount ? <Link href={`/pmo/imports?page=${history.page + 1}`} className="underline">{t("next")}</Link> : <span />}
          </nav>
        ) : null}
      </section>
    </div>
  );
}
