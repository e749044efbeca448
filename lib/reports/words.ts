import type { Stage } from "@/db/schema";
import { messagesFor } from "@/lib/i18n/messages";
import { countryName } from "@/lib/reference/countries";
import { findProvince } from "@/lib/reference/regions";
import type { DashboardFilter } from "@/lib/data/programme";

// The words of the monthly report's files. The report goes upward (BP2MI, the Prakerja PMO)
// in Bahasa Indonesia whatever the reader's own language: its texts come from the Indonesian
// catalogue (messages/id/pmo.json pmoReports.file, the stage and survey names beside them).

const id = messagesFor("id");
export const reportWords = id.pmoReports.file;
export type ReportWords = typeof reportWords;

/** A catalogue text with its {placeholders} filled in. */
export const fill = (text: string, values: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));

export const stageName = (stage: Stage) => id.stage[stage];
export const provinceName = (code: string) => findProvince(code)?.name ?? code;
export const countryNameId = (code: string) => countryName(code, "id");

const surveyLabels = id.survey as unknown as Record<"employmentStatus" | "trainingHelped" | "satisfaction" | "plansAbroad", Record<string, string>>;
/** An answer's label: the survey's own wording (blockers in plain words for "hardest"). */
export function surveyAnswer(question: "employmentStatus" | "trainingHelped" | "satisfaction" | "plansAbroad" | "hardest", code: string): string {
  if (question === "hardest") return (id.blockerPlain as Record<string, string>)[code] ?? code;
  return surveyLabels[question][code] ?? code;
}

const numberFormat = new Intl.NumberFormat("id-ID");
const percentFormat = new Intl.NumberFormat("id-ID", { style: "percent", maximumFractionDigits: 0 });
const decimalFormat = new Intl.NumberFormat("id-ID", { maximumFractionDigits: 1 });
export const num = (n: number) => numberFormat.format(n);
export const pct = (x: number) => percentFormat.format(x);
export const dec = (x: number) => decimalFormat.format(x);

/** "Juni 2021". */
export const monthName = (month: string) =>
  new Intl.DateTimeFormat("id-ID", { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${month}-15T00:00:00Z`));

/** "3 Desember 2026 pukul 21.15 WIB": the moment in Jakarta time. */
export const takenAtText = (at: Date) =>
  `${new Intl.DateTimeFormat("id-ID", { dateStyle: "long", timeStyle: "short", timeZone: "Asia/Jakarta" }).format(at)} WIB`;

/** The filters in words, e.g. "Provinsi: Jawa Timur; Cara daftar: Impor data karantina". */
export function filterText(f: Pick<DashboardFilter, "provinceCode" | "migrantStatus" | "source" | "cohort" | "provinces">): string {
  const w = reportWords;
  const source = { self: w.sourceSelf, assisted: w.sourceAssisted, import: w.sourceImport };
  const parts: string[] = [];
  // A regional coordinator's report covers their regions' provinces only: it says so first.
  if (f.provinces) parts.push(`${w.scope}: ${f.provinces.length ? f.provinces.map(provinceName).join(", ") : "—"}`);
  if (f.provinceCode) parts.push(`${w.province}: ${provinceName(f.provinceCode)}`);
  if (f.migrantStatus) parts.push(`${w.status}: ${w[f.migrantStatus]}`);
  if (f.source) parts.push(`${w.source}: ${source[f.source]}`);
  if (f.cohort) parts.push(`${w.cohort}: ${f.cohort}`);
  return parts.length ? parts.join("; ") : w.noFilter;
}
