import type { Metadata } from "next";
import Link from "next/link";
import { NextIntlClientProvider } from "next-intl";
import { getFormatter, getMessages, getTranslations } from "next-intl/server";
import { ScrollRegion } from "@/components/scroll-region";
import { getJobsOverview, listFailedJobs, type QueueOverview } from "@/lib/data/jobs";
import { can } from "@/lib/data/permissions";
import { getUser, requireUserWith } from "@/lib/data/session";
import { parseJobsQuery } from "@/lib/validation/jobs";
import { queryFields } from "@/lib/validation/query";
import { FailedJobs, type FailedJobView } from "./failed-jobs";

export async function generateMetadata(): Promise<Metadata> {
  if (!can(await getUser(), "read:jobs:any")) return {};
  return { title: (await getTranslations("pmoJobs"))("title") };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The states a queue's bar splits into, with their colours (the legend names them). */
const SEGMENTS = [
  ["waiting", "bg-amber-500"],
  ["scheduled", "bg-slate-400"],
  ["running", "bg-sky-600"],
  ["doneToday", "bg-teal-600"],
  ["failed", "bg-red-700"],
] as const satisfies readonly (readonly [keyof QueueOverview, string])[];

/** A queue's jobs by state as one bar: a picture of the figures beside it, so hidden from screen readers. */
function StateBar({ q }: { q: QueueOverview }) {
  const total = SEGMENTS.reduce((sum, [key]) => sum + (q[key] as number), 0);
  return (
    <div aria-hidden="true" className="flex h-3 w-32 min-w-24 overflow-hidden rounded bg-slate-100">
      {total > 0
        ? SEGMENTS.map(([key, colour]) =>
            (q[key] as number) > 0 ? <div key={key} className={`h-3 ${colour}`} style={{ width: `${((q[key] as number) / total) * 100}%` }} /> : null,
          )
        : null}
    </div>
  );
}

/** The background jobs: each queue's jobs by state, and the failed ones with a retry each. */
export default async function JobsPage({ searchParams }: { searchParams: SearchParams }) {
  const viewer = await requireUserWith("read:jobs:any");
  const query = parseJobsQuery(queryFields(await searchParams));
  const [overview, failed] = await Promise.all([getJobsOverview(viewer), listFailedJobs(viewer, query)]);
  const mayRetry = can(viewer, "update:jobs:any");
  const t = await getTranslations("pmoJobs");
  const format = await getFormatter();
  const messages = await getMessages();
  const num = (n: number) => format.number(n);
  const when = (d: Date) => format.dateTime(d, { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Jakarta" });
  const age = (seconds: number | null) => {
    if (seconds === null) return t("none");
    if (seconds < 60) return t("age.seconds", { count: seconds });
    if (seconds < 3600) return t("age.minutes", { count: Math.floor(seconds / 60) });
    if (seconds < 86_400) return t("age.hours", { count: Math.floor(seconds / 3600) });
    return t("age.days", { count: Math.floor(seconds / 86_400) });
  };
  const rows: FailedJobView[] = failed.rows.map((job) => ({
    id: job.id,
    queue: job.queue,
    queueLabel: t(`queue.${job.queue}`),
    error: job.error,
    attempts: t("attemptsCount", { count: job.attempts }),
    failedAtText: job.failedAt ? when(job.failedAt) : t("none"),
    subject:
      job.subject?.kind === "import"
        ? { href: `/pmo/imports/${job.subject.importId}`, label: t("importLink") }
        : job.subject?.kind === "outbox"
          ? { href: "/pmo/outbox?state=failed", label: t("outboxLink") }
          : null,
  }));
  const hrefFor = (page: number) => (page > 1 ? `/pmo/jobs?page=${page}` : "/pmo/jobs");
  const cell = "py-2 pr-3";

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">{t("title")}</h1>
      <p className="max-w-3xl text-slate-700">{t("intro")}</p>

      <section aria-labelledby="queues-h" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="queues-h" className="text-lg font-semibold">{t("queuesHeading")}</h2>
        <p className="max-w-3xl text-sm text-slate-700">{t("hint.waiting")}</p>
        <ScrollRegion labelledBy="queues-h">
          <table className="w-full border-collapse text-sm">
            <thead>
              <tr className="border-b border-slate-300 text-left align-bottom">
                <th scope="col" className={cell}>{t("column.queue")}</th>
                <th scope="col" className={`${cell} text-right`}>{t("column.waiting")}</th>
                <th scope="col" className={`${cell} text-right`}>{t("column.scheduled")}</th>
                <th scope="col" className={`${cell} text-right`}>{t("column.running")}</th>
                <th scope="col" className={`${cell} text-right`}>{t("column.doneToday")}</th>
                <th scope="col" className={`${cell} text-right`}>{t("column.failed")}</th>
                <th scope="col" className={`${cell} text-right`}>{t("column.oldest")}</th>
                <th scope="col" className={cell}>{t("column.split")}</th>
              </tr>
            </thead>
            <tbody>
              {overview.map((q) => (
                <tr key={q.queue} data-queue={q.queue} className="border-b border-slate-200">
                  <th scope="row" className={`${cell} text-left font-normal`}>
                    <span className="font-medium">{t(`queue.${q.queue}`)}</span>
                    <br />
                    <span className="font-mono text-xs text-slate-700">{q.queue}</span>
                  </th>
                  <td className={`${cell} text-right tabular-nums`} data-figure="waiting">{num(q.waiting)}</td>
                  <td className={`${cell} text-right tabular-nums`} data-figure="scheduled">{num(q.scheduled)}</td>
                  <td className={`${cell} text-right tabular-nums`} data-figure="running">{num(q.running)}</td>
                  <td className={`${cell} text-right tabular-nums`} data-figure="done-today">{num(q.doneToday)}</td>
                  <td className={`${cell} text-right tabular-nums ${q.failed > 0 ? "font-bold text-red-800" : ""}`} data-figure="failed">
                    {num(q.failed)}
                  </td>
                  <td className={`${cell} text-right whitespace-nowrap`} data-figure="oldest">{age(q.oldestWaitingSeconds)}</td>
                  <td className={cell}>
                    <StateBar q={q} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
        <div aria-hidden="true" className="flex flex-wrap gap-x-4 gap-y-1 text-sm text-slate-700">
          <span>{t("legend")}:</span>
          {SEGMENTS.map(([key, colour]) => (
            <span key={key} className="inline-flex items-center gap-1">
              <span className={`inline-block h-3 w-3 rounded-sm ${colour}`} />
              {t(`column.${key}`)}
            </span>
          ))}
        </div>
      </section>

      <section id="failed" aria-labelledby="failed-h" className="space-y-3">
        <h2 id="failed-h" className="text-lg font-semibold">{t("failedHeading")}</h2>
        <p data-figure="failed-total">{t("failedCount", { count: failed.total })}</p>
        <NextIntlClientProvider messages={{ pmoJobs: messages.pmoJobs }}>
          <FailedJobs rows={rows} mayRetry={mayRetry} />
        </NextIntlClientProvider>
        {failed.pageCount > 1 ? (
          <nav aria-label={t("pagination")} className="flex items-center justify-between">
            {failed.page > 1 ? <Link href={hrefFor(failed.page - 1)} className="underline">{t("previous")}</Link> : <span />}
            <span>{t("page", { page: failed.page, pages: failed.pageCount })}</span>
            {failed.page < failed.pageCount ? <Link href={hrefFor(failed.page + 1)} className="underline">{t("next")}</Link> : <span />}
          </nav>
        ) : null}
      </section>
    </div>
  );
}
