import { getTranslations } from "next-intl/server";
import { listCaseload } from "@/lib/data/caseload";
import { requireUser } from "@/lib/data/session";
import { findProvince } from "@/lib/reference/regions";

export default async function CaseworkerPage() {
  const viewer = await requireUser();
  const rows = await listCaseload(viewer);
  const t = await getTranslations("caseworker");
  const tStage = await getTranslations("stage");
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("title")}</h1>
      <p>{t("count", { count: rows.length })}</p>
      {rows.length === 0 ? (
        <p>{t("empty")}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full border-collapse bg-white text-left text-sm">
            <thead>
              <tr className="border-b border-slate-300">
                <th scope="col" className="p-2">{t("name")}</th>
                <th scope="col" className="p-2">{t("nik")}</th>
                <th scope="col" className="p-2">{t("stage")}</th>
                <th scope="col" className="p-2">{t("province")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} className="border-b border-slate-200">
                  <td className="p-2">{r.fullName}</td>
                  <td className="p-2 font-mono">{r.nikMasked}</td>
                  <td className="p-2">{tStage(r.stage)}</td>
                  <td className="p-2">{findProvince(r.provinceCode)?.name ?? r.provinceCode}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
