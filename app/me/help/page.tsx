import type { Metadata } from "next";
import { NavLink } from "@/components/nav-link";
import { getFormatter, getTranslations } from "next-intl/server";
import { ClientTexts } from "@/components/client-texts";
import { getOwnHelpContext, listOwnHelpRequests } from "@/lib/data/help";
import { can } from "@/lib/data/permissions";
import { getUser, requireUserWith } from "@/lib/data/session";
import { HELP_TOPICS } from "@/lib/validation/help";
import { HelpForm } from "./help-form";

export async function generateMetadata(): Promise<Metadata> {
  if (!can(await getUser(), "create:help_request:own")) return {};
  return { title: (await getTranslations("help"))("title") };
}

export default async function HelpPage() {
  const viewer = await requireUserWith("create:help_request:own");
  const [context, requests] = await Promise.all([getOwnHelpContext(viewer), listOwnHelpRequests(viewer)]);
  const t = await getTranslations("help");
  const tTopic = await getTranslations("blockerPlain");
  const tMe = await getTranslations("me");
  const format = await getFormatter();
  if (!context) return <p>{tMe("noRecord")}</p>;
  const when = (d: Date) => format.dateTime(d, { dateStyle: "medium", timeStyle: "short" });

  return (
    <div className="space-y-8">
      <p>
        <NavLink href="/me" className="text-teal-800 underline">
          ← {t("backHome")}
        </NavLink>
      </p>
      <div className="space-y-2">
        <h1 className="text-2xl font-bold">{t("title")}</h1>
        <p className="text-slate-700">{t("intro")}</p>
        <p>{context.caseworkerName ? t("toCaseworker", { name: context.caseworkerName }) : t("toPmo")}</p>
      </div>

      <ClientTexts namespaces={["help"]}>
        <HelpForm
          participantId={context.participantId}
          submissionId={crypto.randomUUID()}
          topics={HELP_TOPICS.map((code) => ({ code, label: tTopic(code) }))}
        />
      </ClientTexts>

      <section aria-labelledby="list-h" className="space-y-2">
        <h2 id="list-h" className="text-lg font-semibold">
          {t("listTitle")}
        </h2>
        {requests.length === 0 ? (
          <p className="text-slate-700">{t("empty")}</p>
        ) : (
          <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
            {requests.map((r) => (
              <li key={r.id} className="space-y-1 p-3" data-request={r.id}>
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <NavLink href={`/me/help/${r.id}`} className="font-semibold text-teal-900 underline">
                    {tTopic(r.topic as "other")}
                  </NavLink>
                  <span className={r.status === "open" ? "rounded bg-amber-100 px-2 text-sm text-amber-950" : "rounded bg-teal-100 px-2 text-sm text-teal-950"}>
                    {r.status === "open" ? t("open") : t("answered")}
                  </span>
                </div>
                <p className="text-sm text-slate-700">{t("askedOn", { date: when(r.createdAt) })}</p>
                <p className="whitespace-pre-line">{r.message}</p>
                {r.answer ? (
                  <div className="rounded-md border-l-4 border-teal-700 bg-teal-50 p-2">
                    <p className="text-sm font-semibold">{t("answer")}</p>
                    <p className="whitespace-pre-line">{r.answer}</p>
                    <p className="text-sm text-slate-700">
                      {t("answeredOn", {
                        date: when(r.answeredAt!),
                        name: r.answeredBy?.role === "pmo" ? t("pmoName") : (r.answeredBy?.name ?? ""),
                      })}
                    </p>
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
