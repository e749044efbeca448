import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { MIGRANT_STATUSES, SOURCES, STAGES } from "@/db/schema";
import { hasClearSearch, openSearchParams, sealQuery } from "@/lib/crypto/search-seal";
import { listCohorts } from "@/lib/data/imports";
import { listCaseworkerChoices, listParticipantsForPmo } from "@/lib/data/pmo-participants";
import { canAny, READ_EXPORT, READ_PARTICIPANTS } from "@/lib/data/permissions";
import { getUser, requireUserWithAny } from "@/lib/data/session";
import { commonPlacementCountries, countryName, countryOptions } from "@/lib/reference/countries";
import { findProvince, provinces } from "@/lib/reference/regions";
import {
  EXPORT_PURPOSE_ERRORS,
  filterQuery,
  NOT_ASSIGNED,
  parseParticipantFilter,
  PURPOSE_MAX,
  PURPOSE_MIN,
  type ExportPurposeError,
} from "@/lib/validation/pmo-participants";
import { queryFields } from "@/lib/validation/query";
import { searchParticipantsAction } from "./actions";
import { FullExportForm } from "./full-export-form";

export async function generateMetadata(): Promise<Metadata> {
  // Metadata renders before the page refuses: other roles get the site's default title.
  if (!canAny(await getUser(), READ_PARTICIPANTS)) return {};
  return { title: (await getTranslations("pmoParticipants"))("title"), robots: { index: false } };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const selectClass = "w-full rounded-md border border-slate-400 bg-white px-3 py-2";

export default async function PmoParticipantsPage({ searchParams }: { searchParams: SearchParams }) {
  const viewer = await requireUserWithAny(READ_PARTICIPANTS);
  const given = queryFields(await searchParams);
  if (hasClearSearch(given)) {
    // An old link with the search in clear: sealed, so it leaves the address bar and history.
    const sealed = sealQuery(filterQuery(parseParticipantFilter(given)), viewer.id);
    redirect(sealed ? `/pmo/participants?${sealed}` : "/pmo/participants");
  }
  const raw = openSearchParams(given, viewer.id);
  const filter = parseParticipantFilter(raw);
  const [list, caseworkers, cohorts] = await Promise.all([
    listParticipantsForPmo(viewer, filter),
    listCaseworkerChoices(viewer),
    listCohorts(viewer),
  ]);
  const tImports = await getTranslations("pmoImports");
  const locale = (await getLocale()) === "en" ? "en" : "id";
  const t = await getTranslations("pmoParticipants");
  const tStage = await getTranslations("stage");
  const tStatus = await getTranslations("migrantStatus");
  const format = await getFormatter();
  const dateOf = (iso: string) => format.dateTime(new Date(`${iso}T00:00:00+07:00`), { dateStyle: "medium" });
  const query = sealQuery(filterQuery(filter), viewer.id);
  const hrefFor = (page: number) => {
    const s = sealQuery(filterQuery(filter, { page }), viewer.id);
    return s ? `/pmo/participants?${s}` : "/pmo/participants";
  };
  const exportHref = `/pmo/participants/export${query ? `?${query}` : ""}`;
  const exportError = raw.exportError && (EXPORT_PURPOSE_ERRORS as readonly string[]).includes(raw.exportError)
    ? (raw.exportError as ExportPurposeError)
    : undefined;
  const filtered = query !== "";
  const sourceLabel = { self: t("sourceSelf"), assisted: t("sourceAssisted"), import: t("sourceImport") };
  const common = new Set(commonPlacementCountries);
  // A coordinator chooses among the provinces of their regions (the list is kept to them anyway).
  const provinceChoices = list.provinces ? provinces.filter((p) => list.provinces!.includes(p.code)) : provinces;
  const mayExport = canAny(viewer, READ_EXPORT);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-bold">{list.provinces ? t("titleRegion") : t("title")}</h1>
        <p className="text-slate-700">
          {list.totalIsAtLeast
            ? t("matchingMore", { count: list.total })
            : filtered
              ? t("matching", { count: list.total })
              : t("count", { count: list.total })}
        </p>
      </div>

      <form action={searchParticipantsAction} role="search" aria-label={t("filterLabel")} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
        <div>
          <label htmlFor="q" className="block text-sm font-medium">
            {t("searchLabel")}
          </label>
          <input id="q" name="q" type="search" defaultValue={filter.q} maxLength={100} className={selectClass} />
        </div>
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">
          <div>
            <label htmlFor="stage" className="block text-sm font-medium">{t("stage")}</label>
            <select id="stage" name="stage" defaultValue={filter.stage ?? ""} className={selectClass}>
              <option value="">{t("allStages")}</option>
              {STAGES.map((s) => (
                <option key={s} value={s}>{tStage(s)}</option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="provinceCode" className="block text-sm font-medium">{t("province")}</label>
            <select id="provinceCode" name="provinceCode" defaultValue={filter.provinceCode ?? ""} className={selectClass}>
              <option value="">{list.provinces ? t("allProvincesRegion") : t("allProvinces")}</option>
              {provinceChoices.map((p) => (
                <option key={p.code} value={p.code}>{p.name}</option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="migrantStatus" className="block text-sm font-medium">{t("status")}</label>
            <select id="migrantStatus" name="migrantStatus" defaultValue={filter.migrantStatus ?? ""} className={selectClass}>
              <option value="">{t("allStatuses")}</option>
              {MIGRANT_STATUSES.map((s) => (
                <option key={s} value={s}>{tStatus(s)}</option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="countryCode" className="block text-sm font-medium">{t("country")}</label>
            <select id="countryCode" name="countryCode" defaultValue={filter.countryCode ?? ""} className={selectClass}>
              <option value="">{t("allCountries")}</option>
              <optgroup label={t("commonCountries")}>
                {commonPlacementCountries.map((code) => (
                  <option key={code} value={code}>{countryName(code, locale)}</option>
                ))}
              </optgroup>
              <optgroup label={t("otherCountries")}>
                {countryOptions(locale)
                  .filter((c) => !common.has(c.code))
                  .map((c) => (
                    <option key={c.code} value={c.code}>{c.name}</option>
                  ))}
              </optgroup>
            </select>
          </div>
          <div>
            <label htmlFor="caseworker" className="block text-sm font-medium">{t("caseworker")}</label>
            <select id="caseworker" name="caseworker" defaultValue={filter.caseworker ?? ""} className={selectClass}>
              <option value="">{t("allCaseworkers")}</option>
              <option value={NOT_ASSIGNED}>{t("notAssigned")}</option>
              {caseworkers.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.disabled ? t("disabledCaseworker", { name: c.name }) : c.name}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="source" className="block text-sm font-medium">{t("source")}</label>
            <select id="source" name="source" defaultValue={filter.source ?? ""} className={selectClass}>
              <option value="">{t("allSources")}</option>
              {SOURCES.map((s) => (
                <option key={s} value={s}>{sourceLabel[s]}</option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="cohort" className="block text-sm font-medium">{tImports("cohortFilter")}</label>
            <select id="cohort" name="cohort" defaultValue={filter.cohort ?? ""} className={selectClass}>
              <option value="">{tImports("allCohorts")}</option>
              {[...new Set([...cohorts, ...(filter.cohort ? [filter.cohort] : [])])].map((c) => (
                <option key={c} value={c}>{c}</option>
              ))}
            </select>
          </div>
        </div>
        <div className="flex flex-wrap items-center gap-4">
          <button type="submit" className="rounded-md bg-teal-800 px-4 py-2 font-semibold text-white hover:bg-teal-900">
            {t("apply")}
          </button>
          {filtered ? (
            <Link href="/pmo/participants" className="text-teal-800 underline">
              {t("reset")}
            </Link>
          ) : null}
        </div>
      </form>

      {list.rows.length === 0 ? (
        <p>{filtered ? t("noMatch") : t("empty")}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">
              {t("tableCaption", { page: list.page, pages: list.pageCount })}
            </caption>
            <thead className="bg-slate-100">
              <tr>
                <th scope="col" className="p-2">{t("colName")}</th>
                <th scope="col" className="p-2">{t("colNik")}</th>
                <th scope="col" className="p-2">{t("colPhone")}</th>
                <th scope="col" className="p-2">{t("colStage")}</th>
                <th scope="col" className="p-2">{t("colProvince")}</th>
                <th scope="col" className="p-2">{t("colCountry")}</th>
                <th scope="col" className="p-2">{t("colCaseworker")}</th>
                <th scope="col" className="p-2">{t("colRegistered")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-200">
              {list.rows.map((r) => (
                <tr key={r.id}>
                  <td className="p-2">
                    {/* No prefetch: opening a file shows a whole NIK and writes an audit event. */}
                    <Link href={`/pmo/participants/${r.id}`} prefetch={false} className="font-medium text-teal-900 underline">
                      {r.fullName}
                    </Link>
                  </td>
                  <td className="p-2 font-mono whitespace-nowrap">{r.nikMasked}</td>
                  <td className="p-2 font-mono whitespace-nowrap">{r.phoneMasked ?? t("none")}</td>
                  <td className="p-2">{tStage(r.stage)}</td>
                  <td className="p-2">{findProvince(r.provinceCode)?.name ?? r.provinceCode}</td>
                  <td className="p-2">{r.countryCode ? countryName(r.countryCode, locale) : t("none")}</td>
                  <td className="p-2">{r.caseworkerName ?? t("none")}</td>
                  <td className="p-2 whitespace-nowrap">{dateOf(r.registeredOn)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {list.pageCount > 1 ? (
        <nav aria-label={t("pagination")} className="flex items-center justify-between">
          {list.page > 1 ? <Link href={hrefFor(list.page - 1)} className="underline">{t("previous")}</Link> : <span />}
          <span>{t("page", { page: list.page, pages: list.pageCount })}</span>
          {list.page < list.pageCount ? <Link href={hrefFor(list.page + 1)} className="underline">{t("next")}</Link> : <span />}
        </nav>
      ) : null}

      {mayExport ? (
        <section aria-labelledby="export-h" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="export-h" className="text-lg font-semibold">{t("exportTitle")}</h2>
          <p className="text-sm text-slate-700">
            {list.totalIsAtLeast ? t("exportScopeMore", { count: list.total }) : t("exportScope", { count: list.total })}
          </p>
          <p className="flex flex-wrap gap-3">
            {/* Plain links, not <Link>: the answer is a file, and each download is audited. */}
            <a href={exportHref} download className="inline-block rounded-md border border-teal-800 px-4 py-2 font-semibold text-teal-900">
              {t("exportMasked")}
            </a>
            <a href={`${exportHref}${query ? "&" : "?"}format=xlsx`} download className="inline-block rounded-md border border-teal-800 px-4 py-2 font-semibold text-teal-900">
              {t("exportXlsx")}
            </a>
          </p>
          <div id="full-export" className="space-y-2 border-t border-slate-200 pt-4">
            <h3 className="font-semibold">{t("exportFullTitle")}</h3>
            <p className="text-sm text-slate-700">{t("exportFullHint")}</p>
            <FullExportForm
              key={exportError ?? "form"}
              action={exportHref}
              min={PURPOSE_MIN}
              max={PURPOSE_MAX}
              serverError={exportError ? t(exportError, { min: PURPOSE_MIN, max: PURPOSE_MAX }) : undefined}
              labels={{ purpose: t("purpose"), hint: t("purposeHint", { min: PURPOSE_MIN, max: PURPOSE_MAX }), submit: t("exportFullSubmit"), submitXlsx: t("exportFullXlsx") }}
              errors={{
                purposeRequired: t("purposeRequired", { min: PURPOSE_MIN, max: PURPOSE_MAX }),
                purposeTooShort: t("purposeTooShort", { min: PURPOSE_MIN, max: PURPOSE_MAX }),
                purposeTooLong: t("purposeTooLong", { min: PURPOSE_MIN, max: PURPOSE_MAX }),
              }}
            />
          </div>
        </section>
      ) : null}
    </div>
  );
}
