import { ScrollRegion } from "@/components/scroll-region";
import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { OUTBOX_STATES } from "@/db/schema";
import { listOutbox, type OutboxState } from "@/lib/data/outbox";
import { can } from "@/lib/data/permissions";
import { getUser, requireUserWith } from "@/lib/data/session";
import { queryFields } from "@/lib/validation/query";

export async function generateMetadata(): Promise<Metadata> {
  if (!can(await getUser(), "read:outbox:any")) return {};
  return { title: (await getTranslations("pmoOutbox"))("title") };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const STATE_TONE: Record<OutboxState, string> = {
  pending: "bg-amber-100 text-amber-950",
  sending: "bg-sky-100 text-sky-950",
  sent: "bg-teal-100 text-teal-950",
  failed: "bg-red-100 text-red-900",
  recorded: "bg-slate-100 text-slate-900",
};

/** The outbox: every message to participants and what became of it. */
export default async function OutboxPage({ searchParams }: { searchParams: SearchParams }) {
  const viewer = await requireUserWith("read:outbox:any");
  const query = queryFields(await searchParams);
  const state = (OUTBOX_STATES as readonly string[]).includes(String(query.state)) ? (query.state as OutboxState) : undefined;
  const page = Math.min(10_000, Math.max(1, Number.parseInt(query.page ?? "1", 10) || 1));
  const box = await listOutbox(viewer, { state, page });
  const t = await getTranslations("pmoOutbox");
  const format = await getFormatter();
  const hrefFor = (p: number) => {
    const params = new URLSearchParams();
    if (state) params.set("state", state);
    if (p > 1) params.set("page", String(p));
    const s = params.toString();
    return s ? `/pmo/outbox?${s}` : "/pmo/outbox";
  };
  return (
    <div className="space-y-6">
      <h1 id="outbox-h" className="text-2xl font-bold">{t("title")}</h1>
      <p className="max-w-3xl text-slate-700">{t("intro")}</p>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        {OUTBOX_STATES.map((s) => (
          <div key={s} className="rounded-lg border border-slate-200 bg-white p-3">
            <dt className="text-sm text-slate-700">{t(`state.${s}`)}</dt>
            <dd className="text-2xl font-bold tabular-nums" data-figure={`outbox-${s}`}>
              {box.byState[s]}
            </dd>
          </div>
        ))}
      </dl>
      <form method="get" action="/pmo/outbox" className="flex flex-wrap items-end gap-2">
        <div>
          <label htmlFor="state" className="block text-sm font-medium">
            {t("filter")}
          </label>
          <select id="state" name="state" defaultValue={state ?? ""} className="rounded-md border border-slate-400 px-3 py-2">
            <option value="">{t("all")}</option>
            {OUTBOX_STATES.map((s) => (
              <option key={s} value={s}>
                {t(`state.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="rounded-md border border-teal-800 px-4 py-2 font-semibold text-teal-900">
          {t("apply")}
        </button>
      </form>
      {box.rows.length === 0 ? (
        <p>{t("empty")}</p>
      ) : (
        <ScrollRegion labelledBy="outbox-h">
          <table className="w-full border-collapse text-sm">
            <caption className="sr-only">{t("title")}</caption>
            <thead>
              <tr className="border-b border-slate-300 text-left">
                <th scope="col" className="py-2 pr-3">{t("createdAt")}</th>
                <th scope="col" className="py-2 pr-3">{t("recipient")}</th>
                <th scope="col" className="py-2 pr-3">{t("message")}</th>
                <th scope="col" className="py-2 pr-3">{t("status")}</th>
              </tr>
            </thead>
            <tbody>
              {box.rows.map((m) => (
                <tr key={m.id} className="border-b border-slate-200 align-top" data-outbox={m.kind}>
                  <td className="py-2 pr-3 whitespace-nowrap">{format.dateTime(m.createdAt, { dateStyle: "medium", timeStyle: "short" })}</td>
                  <td className="py-2 pr-3">
                    <span className="font-medium">{t(`channel.${m.channel as "email"}`)}</span>
                    <br />
                    <span className="font-mono">{m.recipientMasked}</span>
                  </td>
                  <td className="py-2 pr-3">
                    <p className="font-medium">{t(`kind.${m.kind as "help_answered"}`)}</p>
                    {m.subject ? <p>{m.subject}</p> : null}
                    <p className="text-slate-700">{m.body}</p>
                  </td>
                  <td className="py-2 pr-3">
                    <span className={`rounded px-2 py-0.5 ${STATE_TONE[m.state]}`}>{t(`state.${m.state}`)}</span>
                    <p className="text-slate-700">{t("attempts", { count: m.attempts })}</p>
                    {m.sentAt ? <p className="text-slate-700">{format.dateTime(m.sentAt, { dateStyle: "medium", timeStyle: "short" })}</p> : null}
                    {m.deliveryStatus && m.deliveryStatusAt ? (
                      <p data-delivery={m.deliveryStatus}>
                        {t(`delivery.${m.deliveryStatus}`, { at: format.dateTime(m.deliveryStatusAt, { dateStyle: "medium", timeStyle: "short" }) })}
                      </p>
                    ) : null}
                    {m.lastError ? <p className="break-all text-red-800">{m.lastError}</p> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      {box.pageCount > 1 ? (
        <nav aria-label={t("pagination")} className="flex items-center justify-between">
          {box.page > 1 ? <Link href={hrefFor(box.page - 1)} className="underline">{t("previous")}</Link> : <span />}
          <span>{t("page", { page: box.page, pages: box.pageCount })}</span>
          {box.page < box.pageCount ? <Link href={hrefFor(box.page + 1)} className="underline">{t("next")}</Link> : <span />}
        </nav>
      ) : null}
    </div>
  );
}
