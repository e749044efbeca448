import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { STAGES } from "@/db/schema";
import { listCaseload } from "@/lib/data/caseload";
import { can } from "@/lib/data/permissions";
import { getCaseworkerReminders } from "@/lib/data/reminders";
import { getUser, requireUserWith } from "@/lib/data/session";
import { findProvince } from "@/lib/reference/regions";
import { todayInJakarta } from "@/lib/validation";
import { caseloadQuerySchema } from "@/lib/validation/caseworker";
import { queryFields } from "@/lib/validation/query";
import { hasClearSearch, openSearchParams, sealQuery } from "@/lib/crypto/search-seal";
import { redirect } from "next/navigation";
import { searchCaseloadAction } from "./actions";
import { caseloadQuery } from "./query";

export async function generateMetadata(): Promise<Metadata> {
  // Metadata renders before the page refuses: other roles get the site's default title.
  if (!can(await getUser(), "read:participant:assigned")) return {};
  return { title: (await getTranslations("caseworker"))("title") };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function CaseworkerPage({ searchParams }: { searchParams: SearchParams }) {
  const viewer = await requireUserWith("read:participant:assigned");
  const given = queryFields(await searchParams);
  if (hasClearSearch(given)) {
    // An old link with the search in clear: sealed, so it leaves the address bar and history.
    const clear = caseloadQuerySchema.parse({ q: given.q, stage: given.stage });
    const sealed = sealQuery(caseloadQuery(clear, 1), viewer.id);
    redirect(sealed ? `/caseworker?${sealed}` : "/caseworker");
  }
  const query = caseloadQuerySchema.parse(openSearchParams(given, viewer.id));
  const [caseload, reminders] = await Promise.all([listCaseload(viewer, query), getCaseworkerReminders(viewer)]);
  const t = await getTranslations("caseworker");
  const tRem = await getTranslations("reminders");
  const tTopic = await getTranslations("blockerPlain");
  const tStage = await getTranslations("stage");
  const format = await getFormatter();
  const dateOf = (iso: string) => format.dateTime(new Date(`${iso}T00:00:00+07:00`), { dateStyle: "medium" });
  const hrefFor = (page: number) => {
    const s = sealQuery(caseloadQuery(query, page), viewer.id);
    return s ? `/caseworker?${s}` : "/caseworker";
  };
  const max = Math.max(1, ...Object.values(caseload.byStage));
  const today = todayInJakarta();

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-bold">{t("title")}</h1>
        <Link href="/caseworker/register" className="rounded-md bg-teal-800 px-4 py-2 font-semibold text-white">
          {t("registerLink")}
        </Link>
      </div>

      <section aria-labelledby="reminders-h" className="space-y-3">
        <div className="flex flex-wrap items-baseline gap-3">
          <h2 id="reminders-h" className="text-lg font-semibold">
            {tRem("title")}
          </h2>
          <span
            data-figure="open-requests"
            className={`rounded-full px-3 py-0.5 text-sm font-semibold ${reminders.openRequestCount > 0 ? "bg-amber-200 text-amber-950" : "bg-slate-100 text-slate-800"}`}
          >
            {tRem("requestsBadge", { count: reminders.openRequestCount })}
          </span>
        </div>
        <div className="grid gap-3 md:grid-cols-3">
          <section aria-labelledby="rem-requests-h" className="rounded-lg border border-amber-300 bg-white p-3">
            <h3 id="rem-requests-h" className="mb-1 font-semibold">
              {tRem("requestsTitle")}
            </h3>
            {reminders.openRequests.length === 0 ? (
              <p className="text-sm text-slate-700">{tRem("requestsEmpty")}</p>
            ) : (
              <ul className="space-y-1 text-sm">
                {reminders.openRequests.map((r) => (
                  <li key={r.id}>
                    <Link href={`/caseworker/participants/${r.participantId}?answer=${r.id}#log`} className="font-medium text-teal-900 underline">
                      {r.fullName}
                    </Link>{" "}
                    · {tTopic(r.topic as "other")} · {tRem("askedOn", { date: format.dateTime(r.createdAt, { dateStyle: "medium" }) })}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="rem-followups-h" className="rounded-lg border border-red-300 bg-white p-3">
            <h3 id="rem-followups-h" className="mb-1 font-semibold">
              {tRem("followUpsTitle")}
            </h3>
            {reminders.followUps.length === 0 ? (
              <p className="text-sm text-slate-700">{tRem("followUpsEmpty")}</p>
            ) : (
              <ul className="space-y-1 text-sm">
                {reminders.followUps.map((f) => (
                  <li key={f.id}>
                    <Link href={`/caseworker/participants/${f.id}`} className="font-medium text-teal-900 underline">
                      {f.fullName}
                    </Link>{" "}
                    · {dateOf(f.nextFollowUpOn)}{" "}
                    <strong className="rounded bg-red-100 px-1.5 text-red-800">{f.overdue ? tRem("late") : tRem("today")}</strong>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="rem-deadlines-h" className="rounded-lg border border-red-300 bg-white p-3">
            <h3 id="rem-deadlines-h" className="mb-1 font-semibold">
              {tRem("deadlinesTitle")}
            </h3>
            {reminders.deadlines.length === 0 ? (
              <p className="text-sm text-slate-700">{tRem("deadlinesEmpty")}</p>
            ) : (
              <ul className="space-y-1 text-sm">
                {reminders.deadlines.map((d) => (
                  <li key={d.id} data-deadline={d.id}>
                    <Link href={`/caseworker/participants/${d.id}`} className="font-medium text-teal-900 underline">
                      {d.fullName}
                    </Link>{" "}
                    · {tRem("deadlineItem", { date: dateOf(d.deadline), days: d.daysLeft })}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
      </section>

      <dl className="grid grid-cols-2 gap-3">
        <div className="rounded-lg border border-amber-300 bg-amber-50 p-3">
          <dt className="text-sm">{t("dueToday")}</dt>
          <dd className="text-2xl font-bold">{caseload.dueToday}</dd>
        </div>
        <div className="rounded-lg border border-red-300 bg-red-50 p-3">
          <dt className="text-sm">{t("overdue")}</dt>
          <dd className="text-2xl font-bold">{caseload.overdue}</dd>
        </div>
      </dl>

      <section aria-labelledby="stages-h">
        <h2 id="stages-h" className="mb-2 font-semibold">
          {t("byStage")} · {t("count", { count: caseload.all })}
        </h2>
        <table className="w-full text-sm">
          <tbody>
            {STAGES.map((s) => (
              <tr key={s}>
                <th scope="row" className="w-36 py-0.5 pr-2 text-left font-normal">
                  <Link href={`/caseworker?stage=${s}`} className="underline">
                    {tStage(s)}
                  </Link>
                </th>
                <td className="py-0.5">
                  <div className="h-3 rounded bg-teal-700" style={{ width: `${(caseload.byStage[s] / max) * 100}%` }} />
                </td>
                <td className="w-10 py-0.5 text-right tabular-nums">{caseload.byStage[s]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <form action={searchCaseloadAction} role="search" className="flex flex-wrap items-end gap-2">
        <div className="min-w-48 flex-1">
          <label htmlFor="q" className="block text-sm font-medium">
            {t("searchLabel")}
          </label>
          <input id="q" name="q" type="search" defaultValue={query.q} className="w-full rounded-md border border-slate-400 px-3 py-2" />
        </div>
        <div>
          <label htmlFor="stage" className="block text-sm font-medium">
            {t("stageFilter")}
          </label>
          <select id="stage" name="stage" defaultValue={query.stage ?? ""} className="rounded-md border border-slate-400 px-3 py-2">
            <option value="">{t("allStages")}</option>
            {STAGES.map((s) => (
              <option key={s} value={s}>
                {tStage(s)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="rounded-md border border-teal-800 px-4 py-2 font-semibold text-teal-900">
          {t("apply")}
        </button>
      </form>

      {caseload.rows.length === 0 ? (
        <p>{caseload.all === 0 ? t("empty") : t("noMatch")}</p>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" aria-label={t("title")}>
          {caseload.rows.map((r) => (
            <li key={r.id} className="p-3">
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <Link href={`/caseworker/participants/${r.id}`} className="font-semibold text-teal-900 underline">
                  {r.fullName}
                </Link>
                <span className="flex gap-2">
                  {r.openRequests > 0 ? (
                    <span className="rounded bg-amber-200 px-2 py-0.5 text-sm font-semibold text-amber-950">
                      {tRem("openBadge", { count: r.openRequests })}
                    </span>
                  ) : null}
                  <span className="rounded bg-slate-100 px-2 py-0.5 text-sm">{tStage(r.stage)}</span>
                </span>
              </div>
              <p className="text-sm text-slate-700">
                <span className="font-mono">{r.nikMasked}</span>
                {r.phoneMasked ? <span className="font-mono"> · {r.phoneMasked}</span> : null} ·{" "}
                {findProvince(r.provinceCode)?.name ?? r.provinceCode}
              </p>
              <p className="text-sm">
                {t("lastContact")}: {r.lastContactOn ? dateOf(r.lastContactOn) : t("never")}
                {r.nextFollowUpOn ? (
                  <>
                    {" "}
                    · {t("nextFollowUp")}: {dateOf(r.nextFollowUpOn)}{" "}
                    {r.followUpDue ? (
                      <strong className="rounded bg-red-100 px-1.5 text-red-800">
                        {r.nextFollowUpOn < today ? t("late") : t("due")}
                      </strong>
                    ) : null}
                  </>
                ) : null}
              </p>
              {r.deadline?.warn ? (
                <p className="text-sm font-medium text-red-800">
                  {r.deadline.daysLeft < 0 ? t("deadlinePassed") : t("deadlineSoon", { days: r.deadline.daysLeft })}
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      )}

      {caseload.pageCount > 1 ? (
        <nav aria-label={t("pagination")} className="flex items-center justify-between">
          {caseload.page > 1 ? <Link href={hrefFor(caseload.page - 1)} className="underline">{t("previous")}</Link> : <span />}
          <span>{t("page", { page: caseload.page, pages: caseload.pageCount })}</span>
          {caseload.page < caseload.pageCount ? <Link href={hrefFor(caseload.page + 1)} className="underline">{t("next")}</Link> : <span />}
        </nav>
      ) : null}
    </div>
  );
}
