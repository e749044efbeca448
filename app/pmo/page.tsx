import { getTranslations } from "next-intl/server";
import { STAGES } from "@/db/schema";
import { getProgrammeSummary } from "@/lib/data/programme";
import { requireUser } from "@/lib/data/session";

export default async function PmoPage() {
  const viewer = await requireUser();
  const summary = await getProgrammeSummary(viewer);
  const t = await getTranslations("pmo");
  const tStage = await getTranslations("stage");
  const max = Math.max(1, ...Object.values(summary.byStage));
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">{t("title")}</h1>
      <dl className="grid grid-cols-2 gap-4">
        <div className="rounded-lg border border-slate-200 bg-white p-4">
          <dt className="text-sm text-slate-700">{t("participants")}</dt>
          <dd className="text-3xl font-bold">{summary.participants}</dd>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-4">
          <dt className="text-sm text-slate-700">{t("services")}</dt>
          <dd className="text-3xl font-bold">{summary.services}</dd>
        </div>
      </dl>
      <section aria-labelledby="stage-h" className="space-y-2">
        <h2 id="stage-h" className="text-lg font-semibold">{t("byStage")}</h2>
        <table className="w-full text-sm">
          <tbody>
            {STAGES.map((s) => (
              <tr key={s}>
                <th scope="row" className="w-40 p-1 text-left font-normal">{tStage(s)}</th>
                <td className="p-1">
                  <div className="h-3 rounded bg-teal-700" style={{ width: `${(summary.byStage[s] / max) * 100}%` }} aria-hidden="true" />
                </td>
                <td className="w-12 p-1 text-right tabular-nums">{summary.byStage[s]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
