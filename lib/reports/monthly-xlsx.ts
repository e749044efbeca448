import ExcelJS from "exceljs";
import type { MonthlyReport } from "@/lib/data/reports";
import { countryNameId, fill, filterText, monthName, provinceName, reportWords, stageName, surveyAnswer, takenAtText } from "./words";

// The month's report as an Excel workbook: one sheet per section, each opening with the same
// header area (title, period, filters in words, when the figures were taken), then a table
// whose header row is REPORT_HEADER_ROW. Figures are number cells (shares as fractions with a
// percent format), never text; an empty cell where there is no figure (no target, no median).

/** The row of each sheet's table header; the rows above it are the header area. */
export const REPORT_HEADER_ROW = 6;

type Cell = string | number | null;
type Column = { header: string; width: number; format?: string };

const PERCENT = "0%";
const DECIMAL = "0.0";

export async function buildMonthlyReportXlsx(report: MonthlyReport): Promise<Uint8Array> {
  const w = reportWords;
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "Pendamping PMI";
  workbook.created = report.takenAt;

  const sheet = (name: string, columns: Column[], rows: Cell[][], notes: string[] = []) => {
    const ws = workbook.addWorksheet(name, { views: [{ state: "frozen", ySplit: REPORT_HEADER_ROW }] });
    ws.columns = columns.map((c) => ({ width: c.width }));
    ws.getCell("A1").value = `${w.documentTitle} — ${monthName(report.month)}`;
    ws.getCell("A1").font = { bold: true, size: 14 };
    const area: [string, string][] = [
      [w.period, fill(w.periodValue, { month: monthName(report.month) })],
      [w.filters, filterText(report.filter)],
      [w.takenAt, takenAtText(report.takenAt)],
    ];
    area.forEach(([label, value], i) => {
      ws.getCell(2 + i, 1).value = label;
      ws.getCell(2 + i, 1).font = { bold: true };
      ws.getCell(2 + i, 2).value = value;
    });
    const header = ws.getRow(REPORT_HEADER_ROW);
    header.values = columns.map((c) => c.header);
    header.font = { bold: true };
    header.eachCell((cell) => {
      cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE2E8F0" } };
      cell.border = { bottom: { style: "thin" } };
    });
    rows.forEach((values, i) => {
      const row = ws.getRow(REPORT_HEADER_ROW + 1 + i);
      values.forEach((value, j) => {
        const cell = row.getCell(j + 1);
        cell.value = value;
        if (columns[j].format && typeof value === "number") cell.numFmt = columns[j].format!;
      });
    });
    if (rows.length === 0) ws.getCell(REPORT_HEADER_ROW + 1, 1).value = w.noData;
    notes.forEach((note, i) => {
      ws.getCell(REPORT_HEADER_ROW + Math.max(1, rows.length) + 2 + i, 1).value = note;
    });
    return ws;
  };

  const s = report.summary;
  const summary = w.summary;
  // The summary's value column mixes counts and a share: the share's cell gets its own format.
  const summarySheet = sheet(
    w.sheets.summary,
    [
      { header: summary.measure, width: 44 },
      { header: summary.value, width: 60 },
    ],
    [
      [summary.registered, s.registered],
      [summary.calon, s.calon],
      [summary.mantan, s.mantan],
      [summary.services, s.servicesDelivered],
      [summary.target, s.target],
      [summary.achieved, s.target ? s.servicesDelivered / s.target : null],
      [summary.withdrawn, s.withdrawn],
      [summary.waiting, s.waiting],
    ],
    [summary.definitions, summary.targetNote],
  );
  summarySheet.getCell(REPORT_HEADER_ROW + 6, 2).numFmt = PERCENT;
  summarySheet.getColumn(2).alignment = { horizontal: "left" };

  const f = w.funnel;
  sheet(
    w.sheets.funnel,
    [
      { header: f.stage, width: 22 },
      { header: f.reached, width: 16 },
      { header: f.current, width: 12 },
      { header: f.conversion, width: 30, format: PERCENT },
      { header: f.medianDays, width: 22, format: DECIMAL },
    ],
    [
      ...report.funnel.map((r) => [stageName(r.stage), r.reached, r.current, r.conversion, r.medianDays]),
      [stageName("withdrawn"), null, s.withdrawn, null, null],
    ],
  );

  const b = w.blockers;
  sheet(
    w.sheets.blockers,
    [
      { header: b.code, width: 24 },
      { header: b.blocker, width: 44 },
      { header: b.count, width: 12 },
    ],
    report.blockers.map((r) => [r.code, r.nameId, r.count]),
  );

  const p = w.provinces;
  const stages = ["registration", "training", "lms", "completed", "withdrawn"] as const;
  sheet(
    w.sheets.provinces,
    [
      { header: p.code, width: 8 },
      { header: p.province, width: 30 },
      { header: p.registered, width: 12 },
      { header: p.calon, width: 12 },
      { header: p.mantan, width: 12 },
      ...stages.map((stage) => ({ header: stageName(stage), width: 16 })),
    ],
    report.provinces.map((r) => [r.code, provinceName(r.code), r.registered, r.calon, r.mantan, ...stages.map((stage) => r.byStage[stage])]),
  );

  const c = w.countries;
  sheet(
    w.sheets.countries,
    [
      { header: c.code, width: 8 },
      { header: c.country, width: 30 },
      { header: c.count, width: 12 },
    ],
    report.countries.map((r) => [r.code, countryNameId(r.code), r.n]),
  );

  const k = w.caseworkers;
  sheet(
    w.sheets.caseworkers,
    [
      { header: k.name, width: 30 },
      { header: k.status, width: 10 },
      { header: k.caseload, width: 18 },
      { header: k.services, width: 18 },
      { header: k.overdue, width: 22 },
    ],
    report.caseworkers.map((r) => [r.name, r.disabled ? k.disabled : k.active, r.caseload, r.services, r.overdue]),
  );

  const q = w.survey;
  const sv = report.survey;
  const tallies = (["employmentStatus", "trainingHelped", "satisfaction", "hardest", "plansAbroad"] as const).flatMap((question) =>
    sv[question].map((t): Cell[] => [q[question], surveyAnswer(question, t.code), t.count]),
  );
  const surveySheet = sheet(
    w.sheets.survey,
    [
      { header: q.question, width: 36 },
      { header: q.answer, width: 40 },
      { header: q.count, width: 12 },
    ],
    [
      [q.overall, q.eligible, sv.eligible],
      [q.overall, q.responses, sv.responses],
      [q.overall, q.rate, sv.rate],
      [q.overall, q.mean, sv.satisfactionMean],
      ...tallies,
    ],
  );
  surveySheet.getCell(REPORT_HEADER_ROW + 3, 3).numFmt = PERCENT;
  surveySheet.getCell(REPORT_HEADER_ROW + 4, 3).numFmt = "0.00";

  return new Uint8Array(await workbook.xlsx.writeBuffer());
}
