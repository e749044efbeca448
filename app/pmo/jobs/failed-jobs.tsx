"use client";

import Link from "next/link";
import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { ActionForm } from "@/components/action-form";
import { FormMessage } from "@/components/field";
import { ScrollRegion } from "@/components/scroll-region";
import { retryJobAction, type RetryJobState } from "./actions";

/** One failed job as the page shows it: texts already written out on the server. */
export type FailedJobView = {
  id: string;
  queue: string;
  queueLabel: string;
  error: string;
  attempts: string;
  failedAtText: string;
  subject: { href: string; label: string } | null;
};

/**
 * The failed jobs with a retry button each. One answer for the whole list, above it, so
 * that it stays on screen after the retried job has left the list; every button posts the
 * same action, and works as a plain form without JavaScript.
 */
export function FailedJobs({ rows, mayRetry }: { rows: FailedJobView[]; mayRetry: boolean }) {
  const t = useTranslations("pmoJobs");
  const [state, action, pending] = useActionState(retryJobAction, {} as RetryJobState);
  return (
    <div className="space-y-3">
      <FormMessage key={state.attempt} tone={state.ok ? "ok" : "error"} message={state.message} />
      {rows.length > 0 ? (
        <ScrollRegion labelledBy="failed-h">
          <table className="w-full border-collapse text-sm">
            <thead>
              <tr className="border-b border-slate-300 text-left align-bottom">
                <th scope="col" className="py-2 pr-3">{t("failedAt")}</th>
                <th scope="col" className="py-2 pr-3">{t("column.queue")}</th>
                <th scope="col" className="py-2 pr-3">{t("error")}</th>
                <th scope="col" className="py-2 pr-3 text-right">{t("attempts")}</th>
                <th scope="col" className="py-2 pr-3">{t("subject")}</th>
                {mayRetry ? <th scope="col" className="py-2 pr-3">{t("action")}</th> : null}
              </tr>
            </thead>
            <tbody>
              {rows.map((job) => (
                <tr key={job.id} data-job={job.id} data-queue={job.queue} className="border-b border-slate-200 align-top">
                  <td className="py-2 pr-3 whitespace-nowrap">{job.failedAtText}</td>
                  <td className="py-2 pr-3">
                    <span className="font-medium">{job.queueLabel}</span>
                    <br />
                    <span className="font-mono text-xs text-slate-700">{job.queue}</span>
                  </td>
                  <td className="max-w-md py-2 pr-3 break-words text-red-800">{job.error || <span className="text-slate-700">{t("noError")}</span>}</td>
                  <td className="py-2 pr-3 text-right whitespace-nowrap tabular-nums">{job.attempts}</td>
                  <td className="py-2 pr-3">
                    {job.subject ? (
                      <Link href={job.subject.href} className="font-medium text-teal-800 underline">
                        {job.subject.label}
                      </Link>
                    ) : (
                      t("none")
                    )}
                  </td>
                  {mayRetry ? (
                    <td className="py-2 pr-3">
                      <ActionForm action={action}>
                        <input type="hidden" name="queue" value={job.queue} />
                        <input type="hidden" name="jobId" value={job.id} />
                        <button
                          type="submit"
                          disabled={pending}
                          aria-label={t("retryLabel", { queue: job.queueLabel, when: job.failedAtText })}
                          aria-describedby="retry-hint"
                          className="rounded-md border border-teal-800 bg-white px-3 py-1.5 font-semibold whitespace-nowrap text-teal-900 hover:bg-teal-50 focus:outline-2 focus:outline-offset-2 focus:outline-teal-800 disabled:opacity-60"
                        >
                          {t("retry")}
                        </button>
                      </ActionForm>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      ) : null}
      {mayRetry && rows.length > 0 ? (
        <p id="retry-hint" className="text-sm text-slate-700">
          {t("retryHint")}
        </p>
      ) : null}
    </div>
  );
}
