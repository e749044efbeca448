import type { Metadata } from "next";
import { NextIntlClientProvider } from "next-intl";
import { getFormatter, getMessages, getTranslations } from "next-intl/server";
import { ScrollRegion } from "@/components/scroll-region";
import { can } from "@/lib/data/permissions";
import { listRegions } from "@/lib/data/regions";
import { getUser, requireUserWith } from "@/lib/data/session";
import { findProvince, provinces } from "@/lib/reference/regions";
import { CoordinatorRegionsForm, CoordinatorStatusForm, CreateCoordinatorForm, RegionForm } from "./forms";

export async function generateMetadata(): Promise<Metadata> {
  if (!can(await getUser(), "manage:region:any")) return {};
  return { title: (await getTranslations("pmoRegions"))("title") };
}

/**
 * Regional offices (issue 19): each region's provinces, participants, caseworkers and
 * coordinators; a form per region to rename it and change its provinces; the coordinators
 * with the regions each works for; a new coordinator with a one-time activation code.
 */
export default async function RegionsPage() {
  const viewer = await requireUserWith("manage:region:any");
  const overview = await listRegions(
    viewer,
    provinces.map((p) => p.code),
  );
  const t = await getTranslations("pmoRegions");
  const format = await getFormatter();
  const messages = await getMessages();
  const regionName = new Map(overview.regions.map((r) => [r.id, r.name]));
  const choices = provinces.map((p) => ({ code: p.code, name: p.name, heldBy: regionName.get(overview.regionOfProvince[p.code]) ?? null }));
  const regionChoices = overview.regions.map((r) => ({ id: r.id, name: r.name }));
  const provinceNames = (codes: string[]) => codes.map((c) => findProvince(c)?.name ?? c).join(", ");
  const cell = "px-2 py-1 align-top";

  return (
    <NextIntlClientProvider messages={{ pmoRegions: messages.pmoRegions, activation: messages.activation, validation: messages.validation }}>
      <div className="space-y-10">
        <div>
          <h1 className="text-2xl font-bold">{t("title")}</h1>
          <p className="mt-2 max-w-3xl text-slate-700">{t("intro")}</p>
        </div>

        <section aria-labelledby="regions-h" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="regions-h" className="text-lg font-semibold">
            {t("regionsTitle")}
          </h2>
          {overview.regions.length === 0 ? (
            <p>{t("noRegions")}</p>
          ) : (
            <ScrollRegion labelledBy="regions-table-caption">
              <table className="min-w-full text-sm" data-table="regions">
                <caption id="regions-table-caption" className="sr-only">
                  {t("regionsTable")}
                </caption>
                <thead>
                  <tr className="border-b border-slate-300 text-left">
                    <th scope="col" className={cell}>{t("regionName")}</th>
                    <th scope="col" className={cell}>{t("provinces")}</th>
                    <th scope="col" className={`${cell} text-right`}>{t("participants")}</th>
                    <th scope="col" className={`${cell} text-right`}>{t("caseworkers")}</th>
                    <th scope="col" className={cell}>{t("coordinators")}</th>
                  </tr>
                </thead>
                <tbody>
                  {overview.regions.map((r) => (
                    <tr key={r.id} className="border-b border-slate-100" data-region={r.name}>
                      <th scope="row" className={`${cell} text-left font-medium`}>{r.name}</th>
                      <td className={cell}>{provinceNames(r.provinceCodes)}</td>
                      <td className={`${cell} text-right tabular-nums`}>{format.number(r.participants)}</td>
                      <td className={`${cell} text-right tabular-nums`}>{format.number(r.caseworkers)}</td>
                      <td className={cell}>{r.coordinators.length ? r.coordinators.map((c) => c.name).join(", ") : t("none")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
          )}
          <p className="text-sm text-slate-700" data-unplaced={overview.unplaced.length}>
            {overview.unplaced.length ? t("unplaced", { provinces: provinceNames(overview.unplaced) }) : t("allPlaced")}
          </p>
          {overview.regions.map((r) => (
            <details key={r.id} className="rounded-md border border-slate-200 p-3">
              <summary className="cursor-pointer font-medium text-teal-800">{t("editRegion", { name: r.name })}</summary>
              <div className="mt-3">
                <RegionForm region={r} provinces={choices} />
              </div>
            </details>
          ))}
        </section>

        <section aria-labelledby="new-region-h" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="new-region-h" className="text-lg font-semibold">
            {t("newRegionTitle")}
          </h2>
          <RegionForm provinces={choices} />
        </section>

        <section aria-labelledby="coordinators-h" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="coordinators-h" className="text-lg font-semibold">
            {t("coordinatorsTitle")}
          </h2>
          {overview.coordinators.length === 0 ? (
            <p>{t("noCoordinators")}</p>
          ) : (
            <ul className="space-y-3">
              {overview.coordinators.map((c) => (
                <li key={c.id} className="space-y-2 rounded-md border border-slate-200 p-3" data-coordinator={c.email ?? c.id}>
                  <p>
                    <span className="font-medium">{c.name}</span> · {c.email}
                    {c.phoneMasked ? ` · ${c.phoneMasked}` : ""} ·{" "}
                    {c.disabled ? t("disabled") : c.activated ? t("activated") : t("notActivated")}
                  </p>
                  <p className="text-sm text-slate-700">
                    {t("worksFor", { regions: c.regionIds.map((id) => regionName.get(id) ?? "").join(", ") || t("none") })}
                  </p>
                  <CoordinatorStatusForm coordinator={c} />
                  {regionChoices.length ? (
                    <details>
                      <summary className="cursor-pointer text-sm font-medium text-teal-800">{t("changeRegions", { name: c.name })}</summary>
                      <div className="mt-2">
                        <CoordinatorRegionsForm coordinator={c} regions={regionChoices} />
                      </div>
                    </details>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </section>

        <section aria-labelledby="new-coordinator-h" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="new-coordinator-h" className="text-lg font-semibold">
            {t("newCoordinatorTitle")}
          </h2>
          {regionChoices.length ? <CreateCoordinatorForm regions={regionChoices} /> : <p>{t("regionFirst")}</p>}
        </section>
      </div>
    </NextIntlClientProvider>
  );
}
