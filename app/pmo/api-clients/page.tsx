import type { Metadata } from "next";
import Link from "next/link";
import { NextIntlClientProvider } from "next-intl";
import { getFormatter, getMessages, getTranslations } from "next-intl/server";
import { ScrollRegion } from "@/components/scroll-region";
import { listApiClients } from "@/lib/data/api-clients";
import { can } from "@/lib/data/permissions";
import { listRegions } from "@/lib/data/regions";
import { getUser, requireUserWith } from "@/lib/data/session";
import { provinces } from "@/lib/reference/regions";
import { CreateApiClientForm, RevokeApiClientForm } from "./forms";

export async function generateMetadata(): Promise<Metadata> {
  if (!can(await getUser(), "manage:api_client:any")) return {};
  return { title: (await getTranslations("pmoApiClients"))("title") };
}

/**
 * Partners' API clients (issue 20): each with its scopes, region, state and last use; a
 * button to revoke a key at once; a form for a new client whose key is shown once.
 */
export default async function ApiClientsPage() {
  const viewer = await requireUserWith("manage:api_client:any");
  const [clients, overview] = await Promise.all([
    listApiClients(viewer),
    listRegions(
      viewer,
      provinces.map((p) => p.code),
    ),
  ]);
  const t = await getTranslations("pmoApiClients");
  const format = await getFormatter();
  const messages = await getMessages();
  const when = (d: Date) => format.dateTime(d, { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Jakarta" });
  const cell = "px-2 py-1 align-top";
  const regions = overview.regions.map((r) => ({ id: r.id, name: r.name }));

  return (
    <NextIntlClientProvider messages={{ pmoApiClients: messages.pmoApiClients, validation: messages.validation }}>
      <div className="space-y-10">
        <div>
          <h1 className="text-2xl font-bold">{t("title")}</h1>
          <p className="mt-2 max-w-3xl text-slate-700">{t("intro")}</p>
          <p className="mt-2">
            <Link href="/pmo/api-docs" className="font-medium text-teal-800 underline">
              {t("docsLink")}
            </Link>
          </p>
        </div>

        <section aria-labelledby="api-clients-h" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="api-clients-h" className="text-lg font-semibold">
            {t("listTitle")}
          </h2>
          {clients.length === 0 ? (
            <p>{t("none")}</p>
          ) : (
            <ScrollRegion labelledBy="api-clients-caption">
              <table className="min-w-full text-sm" data-table="api-clients">
                <caption id="api-clients-caption" className="sr-only">
                  {t("table")}
                </caption>
                <thead>
                  <tr className="border-b border-slate-300 text-left">
                    <th scope="col" className={cell}>{t("name")}</th>
                    <th scope="col" className={cell}>{t("organisation")}</th>
                    <th scope="col" className={cell}>{t("scopes")}</th>
                    <th scope="col" className={cell}>{t("region")}</th>
                    <th scope="col" className={cell}>{t("keyPrefix")}</th>
                    <th scope="col" className={cell}>{t("state")}</th>
                    <th scope="col" className={cell}>{t("expires")}</th>
                    <th scope="col" className={cell}>{t("lastUsed")}</th>
                    <th scope="col" className={cell}>{t("actions")}</th>
                  </tr>
                </thead>
                <tbody>
                  {clients.map((c) => (
                    <tr key={c.id} className="border-b border-slate-100" data-api-client={c.name} data-state={c.state}>
                      <th scope="row" className={`${cell} text-left font-medium`}>{c.name}</th>
                      <td className={cell}>{c.organisation}</td>
                      <td className={`${cell} font-mono text-xs`}>{c.scopes.join(", ")}</td>
                      <td className={cell}>{c.regionName ?? t("allRegions")}</td>
                      <td className={`${cell} font-mono text-xs`}>ppmi_{c.keyPrefix}_…</td>
                      <td className={cell}>{t(`states.${c.state}`)}</td>
                      <td className={cell}>{c.expiresAt ? when(new Date(c.expiresAt.getTime() - 1)) : t("noExpiry")}</td>
                      <td className={cell}>{c.lastUsedAt ? when(c.lastUsedAt) : t("neverUsed")}</td>
                      <td className={cell}>
                        <RevokeApiClientForm client={{ id: c.id, name: c.name }} revoked={c.state === "revoked"} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
          )}
        </section>

        <section aria-labelledby="new-api-client-h" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="new-api-client-h" className="text-lg font-semibold">
            {t("newTitle")}
          </h2>
          <CreateApiClientForm regions={regions} />
        </section>
      </div>
    </NextIntlClientProvider>
  );
}
