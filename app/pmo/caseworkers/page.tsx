import type { Metadata } from "next";
import Link from "next/link";
import { NextIntlClientProvider } from "next-intl";
import { getFormatter, getMessages, getTranslations } from "next-intl/server";
import { forbidden, redirect } from "next/navigation";
import { STAGES } from "@/db/schema";
import { hasClearSearch, openSearchParams, sealQuery } from "@/lib/crypto/search-seal";
import { getAssignmentRule, listAssignable, listAssignableCaseworkers } from "@/lib/data/assignments";
import { ASSIGN, can, canAny, MANAGE_CASEWORKERS } from "@/lib/data/permissions";
import { getUser, requireUserWithAny } from "@/lib/data/session";
import { listCaseworkers } from "@/lib/data/staff";
import { findProvince, provinces } from "@/lib/reference/regions";
import { assignmentQuerySchema, UNASSIGN, type AssignmentQuery } from "@/lib/validation/pmo-staff";
import { queryFields } from "@/lib/validation/query";
import { searchAssignableAction } from "./actions";
import { AssignForm, AssignmentRuleForm, CaseworkerActions, CaseworkerProvinceForm, CreateCaseworkerForm } from "./forms";
import { assignmentQuery } from "./query";

export async function generateMetadata(): Promise<Metadata> {
  // Metadata renders before the page refuses: other roles get the site's default title.
  if (!canAny(await getUser(), MANAGE_CASEWORKERS)) return {};
  return { title: (await getTranslations("pmoCaseworkers"))("title") };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function listHref(userId: string, query: AssignmentQuery, page = 1): string {
  // The name search goes into the link sealed (lib/crypto/search-seal.ts), never in clear.
  const s = sealQuery(assignmentQuery(query, page), userId);
  return `/pmo/caseworkers${s ? `?${s}` : ""}#assign`;
}

export default async function CaseworkersPage({ searchParams }: { searchParams: SearchParams }) {
  // Both permissions: the page manages accounts and assignments (the PMO holds both
  // everywhere, a regional coordinator both in their provinces; the data layer scopes).
  const viewer = await requireUserWithAny(MANAGE_CASEWORKERS);
  if (!canAny(viewer, ASSIGN)) forbidden();
  // The automatic assignment rule is the PMO's alone (docs/decisions/020, 030).
  const ownsRule = can(viewer, "update:assignment_rule:any");
  const given = queryFields(await searchParams);
  if (hasClearSearch(given)) {
    const clear = assignmentQuerySchema.parse({ assigned: given.assigned, stage: given.stage, province: given.province, q: given.q });
    redirect(listHref(viewer.id, clear).replace("#assign", ""));
  }
  const query = assignmentQuerySchema.parse(openSearchParams(given, viewer.id));
  const [overview, list, targets, rule] = await Promise.all([
    listCaseworkers(viewer),
    listAssignable(viewer, query),
    listAssignableCaseworkers(viewer),
    ownsRule ? getAssignmentRule(viewer) : null,
  ]);
  // A coordinator picks among their own provinces only (the data layer refuses others).
  const scoped = overview.scope;
  const provinceOptions = provinces.filter((p) => scoped === null || scoped.includes(p.code)).map((p) => ({ code: p.code, name: p.name }));
  const t = await getTranslations("pmoCaseworkers");
  const tStage = await getTranslations("stage");
  const format = await getFormatter();
  const messages = await getMessages();
  const scale = Math.max(1, overview.largest);

  return (
    <NextIntlClientProvider messages={{ pmoCaseworkers: messages.pmoCaseworkers, activation: messages.activation }}>
      <div className="space-y-10">
        <div>
          <h1 className="text-2xl font-bold">{t("title")}</h1>
          <p className="mt-2 text-slate-700">{scoped === null ? t("intro") : t("introRegion")}</p>
        </div>

        {rule ? (
          <section id="rule" aria-labelledby="rule-h" className="space-y-3">
            <h2 id="rule-h" className="text-xl font-semibold">
              {t("ruleTitle")}
            </h2>
            <p className="max-w-3xl text-slate-700">{t("ruleIntro")}</p>
            <AssignmentRuleForm on={rule.autoAssign} />
          </section>
        ) : null}

        <section aria-labelledby="accounts-h" className="space-y-3">
          <h2 id="accounts-h" className="text-xl font-semibold">
            {t("accountsTitle")}
          </h2>
          <div className="max-w-3xl space-y-1 text-sm text-slate-700">
            <p id="disable-hint">
              <strong>{t("disable")}:</strong> {t("disableHint")}
            </p>
            <p id="code-hint">
              <strong>{t("newCode")}:</strong> {t("newCodeHint")}
            </p>
            <p id="province-hint">
              <strong>{t("provinceOf")}:</strong> {t("provinceHint")}
            </p>
          </div>
          {overview.rows.length === 0 ? (
            <p>{t("noCaseworkers")}</p>
          ) : (
            <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" aria-label={t("accountsTitle")}>
              {overview.rows.map((c) => (
                <li key={c.id} className="grid gap-4 p-4 md:grid-cols-[minmax(0,1.2fr)_minmax(0,1fr)_minmax(0,1.1fr)]">
                  <div className="space-y-1">
                    <h3 className="font-semibold">{c.name}</h3>
                    <p className="break-all text-sm">{c.email}</p>
                    <p className="font-mono text-sm">{c.phoneMasked ?? <span className="font-sans text-slate-600">{t("noPhone")}</span>}</p>
                    <p className="flex flex-wrap gap-1 text-xs">
                      <span className={`rounded px-2 py-0.5 font-semibold ${c.disabled ? "bg-red-100 text-red-900" : "bg-teal-100 text-teal-900"}`}>
                        {c.disabled ? t("disabled") : t("active")}
                      </span>
                      <span className={`rounded px-2 py-0.5 ${c.activated ? "bg-slate-100 text-slate-800" : "bg-amber-100 text-amber-900"}`}>
                        {c.activated ? t("activated") : t("notActivated")}
                      </span>
                    </p>
                    <p className="text-xs text-slate-600">
                      {c.lastLoginAt
                        ? t("lastLogin", {
                            time: format.dateTime(c.lastLoginAt, { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Jakarta" }),
                          })
                        : t("neverLoggedIn")}
                    </p>
                  </div>
                  <div className="space-y-1">
                    <p className="text-sm font-medium">
                      {t("caseload")}: <span className="tabular-nums">{t("caseloadCount", { count: c.caseload })}</span>
                    </p>
                    {/* The bar is a picture of the number beside it, to one scale for every caseworker. */}
                    <div className="h-3 w-full rounded bg-slate-100" aria-hidden="true">
                      <div
                        className={`h-3 rounded ${c.disabled ? "bg-slate-400" : "bg-teal-700"}`}
                        style={{ width: `${(c.caseload / scale) * 100}%` }}
                      />
                    </div>
                    <p className="sr-only">{t("caseloadBar", { count: c.caseload, largest: overview.largest })}</p>
                    <ul className="text-xs text-slate-700">
                      {STAGES.filter((s) => c.byStage[s] > 0).map((s) => (
                        <li key={s} className="inline after:content-['_·_'] last:after:content-none">
                          {tStage(s)} <span className="tabular-nums">{c.byStage[s]}</span>
                        </li>
                      ))}
                    </ul>
                    {c.caseload > 0 ? (
                      <Link
                        href={listHref(viewer.id, { assigned: c.id, q: "", page: 1 })}
                        aria-label={`${t("showCaseload")}: ${c.name}`}
                        className="text-sm text-teal-800 underline"
                      >
                        {t("showCaseload")}
                      </Link>
                    ) : null}
                    {c.disabled && c.caseload > 0 ? (
                      <p className="rounded-md bg-amber-50 p-2 text-sm text-amber-900">{t("disabledWithCaseload")}</p>
                    ) : null}
                  </div>
                  <div className="space-y-3">
                    <CaseworkerActions id={c.id} name={c.name} disabled={c.disabled} />
                    <CaseworkerProvinceForm id={c.id} name={c.name} provinceCode={c.provinceCode} provinces={provinceOptions} required={scoped !== null} />
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section aria-labelledby="create-h" className="space-y-3">
          <h2 id="create-h" className="text-xl font-semibold">
            {t("createTitle")}
          </h2>
          <p className="max-w-3xl text-slate-700">{t("createIntro")}</p>
          <CreateCaseworkerForm provinces={provinceOptions} provinceRequired={scoped !== null} />
        </section>

        <section id="assign" aria-labelledby="assign-h" className="space-y-4">
          <h2 id="assign-h" className="text-xl font-semibold">
            {t("assignTitle")}
          </h2>
          <p className="max-w-3xl text-slate-700">{t("assignIntro")}</p>
          <p>
            <Link
              href={listHref(viewer.id, { assigned: "unassigned", q: "", page: 1 })}
              className={`inline-block rounded-full px-3 py-1 font-semibold tabular-nums ${
                list.unassigned > 0 ? "bg-amber-100 text-amber-950" : "bg-teal-50 text-teal-900"
              }`}
            >
              {t("unassignedBadge", { count: list.unassigned })}
            </Link>
          </p>

          <form action={searchAssignableAction} role="search" aria-label={t("filterTitle")} className="flex flex-wrap items-end gap-3">
            <div>
              <label htmlFor="assigned" className="block text-sm font-medium">
                {t("assignedFilter")}
              </label>
              <select id="assigned" name="assigned" defaultValue={query.assigned} className="rounded-md border border-slate-400 px-3 py-2">
                <option value="unassigned">
                  {t("unassigned")} ({list.unassigned})
                </option>
                <option value="all">{t("everyone")}</option>
                {overview.rows.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name} ({c.caseload}){c.disabled ? ` ${t("disabledSuffix")}` : ""}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="stage" className="block text-sm font-medium">
                {t("stage")}
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
            <div>
              <label htmlFor="province" className="block text-sm font-medium">
                {t("province")}
              </label>
              <select id="province" name="province" defaultValue={query.province ?? ""} className="max-w-56 rounded-md border border-slate-400 px-3 py-2">
                <option value="">{t("allProvinces")}</option>
                {provinceOptions.map((p) => (
                  <option key={p.code} value={p.code}>
                    {p.name}
                  </option>
                ))}
              </select>
            </div>
            <div className="min-w-48 flex-1">
              <label htmlFor="q" className="block text-sm font-medium">
                {t("search")}
              </label>
              <input id="q" name="q" type="search" defaultValue={query.q} maxLength={100} className="w-full rounded-md border border-slate-400 px-3 py-2" />
            </div>
            <button type="submit" className="rounded-md border border-teal-800 px-4 py-2 font-semibold text-teal-900">
              {t("apply")}
            </button>
          </form>

          <p className="text-sm text-slate-700">
            {t("results", { count: list.total })}
          </p>

          <AssignForm
            rows={list.rows.map((r) => ({
              id: r.id,
              fullName: r.fullName,
              nikMasked: r.nikMasked,
              stage: tStage(r.stage),
              province: findProvince(r.provinceCode)?.name ?? r.provinceCode,
              caseworker: r.caseworkerName,
            }))}
            caseworkers={targets.map((c) => ({ id: c.id, name: c.name }))}
            unassignValue={UNASSIGN}
          />

          {list.pageCount > 1 ? (
            <nav aria-label={t("pagination")} className="flex items-center justify-between">
              {list.page > 1 ? (
                <Link href={listHref(viewer.id, query, list.page - 1)} className="underline">
                  {t("previous")}
                </Link>
              ) : (
                <span />
              )}
              <span>{t("page", { page: list.page, pages: list.pageCount })}</span>
              {list.page < list.pageCount ? (
                <Link href={listHref(viewer.id, query, list.page + 1)} className="underline">
                  {t("next")}
                </Link>
              ) : (
                <span />
              )}
            </nav>
          ) : null}
        </section>
      </div>
    </NextIntlClientProvider>
  );
}
