import { getTranslations } from "next-intl/server";
import { MIGRANT_STATUSES, SOURCES } from "@/db/schema";
import { provinces } from "@/lib/reference/regions";

/** `provinces`: the viewer's scope (a coordinator's provinces); the select offers only those. */
type Filter = { provinceCode?: string; migrantStatus?: string; source?: string; cohort?: string; provinces?: string[] | null };

/**
 * The dashboard's filter selects (province, migrant status, source and, where the page
 * counts by it, import cohort), for the GET forms of /pmo, /pmo/survey and /pmo/reports:
 * one set of names and labels, so a link made by one page reads the same on another.
 * Without `cohorts` there is no cohort select (the survey is not counted by cohort).
 */
export async function DashboardFilterFields({ filter, cohorts }: { filter: Filter; cohorts?: string[] }) {
  const t = await getTranslations("pmo");
  const tImports = await getTranslations("pmoImports");
  const sourceLabel = { self: t("sourceSelf"), assisted: t("sourceAssisted"), import: t("sourceImport") };
  const select = "mt-1 block w-full rounded-md border border-slate-400 px-2 py-1.5";
  return (
    <>
      <label className="text-sm font-medium">
        {t("province")}
        <select name="provinceCode" defaultValue={filter.provinceCode ?? ""} className={select}>
          <option value="">{t("allProvinces")}</option>
          {provinces
            .filter((p) => !filter.provinces || filter.provinces.includes(p.code))
            .map((p) => (
            <option key={p.code} value={p.code}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <label className="text-sm font-medium">
        {t("status")}
        <select name="migrantStatus" defaultValue={filter.migrantStatus ?? ""} className={select}>
          <option value="">{t("allStatuses")}</option>
          {MIGRANT_STATUSES.map((status) => (
            <option key={status} value={status}>
              {status === "calon" ? t("calonShare") : t("mantanShare")}
            </option>
          ))}
        </select>
      </label>
      <label className="text-sm font-medium">
        {t("source")}
        <select name="source" defaultValue={filter.source ?? ""} className={select}>
          <option value="">{t("allSources")}</option>
          {SOURCES.map((source) => (
            <option key={source} value={source}>
              {sourceLabel[source]}
            </option>
          ))}
        </select>
      </label>
      {cohorts ? (
        <label className="text-sm font-medium">
          {tImports("cohortFilter")}
          <select name="cohort" defaultValue={filter.cohort ?? ""} className={select}>
            <option value="">{tImports("allCohorts")}</option>
            {/* A cohort in the link but not (or no longer) in the list stays selectable. */}
            {[...new Set([...cohorts, ...(filter.cohort ? [filter.cohort] : [])])].map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
      ) : null}
    </>
  );
}
