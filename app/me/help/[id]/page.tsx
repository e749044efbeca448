import type { Metadata } from "next";
import { NavLink } from "@/components/nav-link";
import { getFormatter, getTranslations } from "next-intl/server";
import { getOwnHelpRequest } from "@/lib/data/help";
import { requireUserWith } from "@/lib/data/session";

export const metadata: Metadata = { robots: { index: false } };

type Props = { params: Promise<{ id: string }> };

/** One of the participant's own questions and its answer; anyone else's is 404. */
export default async function HelpRequestPage({ params }: Props) {
  const viewer = await requireUserWith("read:participant:own");
  const { id } = await params;
  const r = await getOwnHelpRequest(viewer, id);
  const t = await getTranslations("help");
  const tTopic = await getTranslations("blockerPlain");
  const format = await getFormatter();
  const when = (d: Date) => format.dateTime(d, { dateStyle: "medium", timeStyle: "short" });
  return (
    <div className="space-y-6">
      <p>
        <NavLink href="/me/help" className="text-teal-800 underline">
          ← {t("back")}
        </NavLink>
      </p>
      <h1 className="text-2xl font-bold">{t("detailTitle", { topic: tTopic(r.topic as "other") })}</h1>
      <p>
        <span className={r.status === "open" ? "rounded bg-amber-100 px-2 text-amber-950" : "rounded bg-teal-100 px-2 text-teal-950"}>
          {r.status === "open" ? t("open") : t("answered")}
        </span>
      </p>
      <section aria-labelledby="message-h" className="space-y-1 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="message-h" className="font-semibold">
          {t("yourMessage")}
        </h2>
        <p className="text-sm text-slate-700">{t("askedOn", { date: when(r.createdAt) })}</p>
        <p className="whitespace-pre-line">{r.message}</p>
      </section>
      {r.answer ? (
        <section aria-labelledby="answer-h" className="space-y-1 rounded-lg border-l-4 border-teal-700 bg-teal-50 p-4">
          <h2 id="answer-h" className="font-semibold">
            {t("answer")}
          </h2>
          <p className="whitespace-pre-line">{r.answer}</p>
          <p className="text-sm text-slate-700">
            {t("answeredOn", {
              date: when(r.answeredAt!),
              name: r.answeredBy?.role === "pmo" ? t("pmoName") : (r.answeredBy?.name ?? ""),
            })}
          </p>
        </section>
      ) : null}
    </div>
  );
}
