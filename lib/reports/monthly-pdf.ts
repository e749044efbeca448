import PDFDocument from "pdfkit";
import type { MonthlyReport } from "@/lib/data/reports";
import {
  countryNameId,
  dec,
  fill,
  filterText,
  monthName,
  num,
  pct,
  provinceName,
  reportWords,
  stageName,
  surveyAnswer,
  takenAtText,
} from "./words";

// The month's report as a PDF of one to three A4 pages, drawn with pdfkit (decision 025):
// the header (period, filters in words, when the figures were taken), the key figures, and
// each section as bars with its figures beside them. Long lists are cut to their first ten
// (the workbook has them whole) and the caseworkers to what fits on the last page, so the
// report never runs past MAX_PAGES. Text is set in the PDF's standard Helvetica (WinAnsi):
// a character outside it is shown as "?" rather than as a wrong glyph.

export const MAX_PAGES = 3;

const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = 40;
// The bottom margin is small so that the footer, drawn at the end, never makes pdfkit add a page.
const BOTTOM = PAGE.height - 48;
const CONTENT = PAGE.width - 2 * MARGIN;
const ROW = 13;
const TEAL = "#0f766e";
const RED = "#b91c1c";
const AMBER = "#b45309";
const GREY = "#e2e8f0";
const INK = "#0f172a";
const MUTED = "#475569";
const TOP_N = 10;

const WIN_ANSI_EXTRA = "–—‘’‚“”„•…€†‡ˆ‰Š‹ŒŽ˜™š›œžŸ";
/** Text the standard fonts can show: Latin-1 and WinAnsi's extras; anything else becomes "?". */
export function winAnsi(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    out += (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.includes(ch) ? ch : "?";
  }
  return out;
}

type Bar = { label: string; value: number; shown?: string };

export async function buildMonthlyReportPdf(report: MonthlyReport): Promise<Uint8Array> {
  const w = reportWords;
  const doc = new PDFDocument({
    size: "A4",
    margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: 20 },
    bufferPages: true,
    info: { Title: winAnsi(`${w.documentTitle} — ${monthName(report.month)}`), Author: "Pendamping PMI", CreationDate: report.takenAt },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on("end", resolve);
    doc.on("error", reject);
  });

  let y = MARGIN;
  let pages = 1;
  /** Room for `height` more points: on this page, else on a new one while pages remain. */
  const room = (height: number): boolean => {
    if (y + height <= BOTTOM) return true;
    if (pages >= MAX_PAGES) return false;
    doc.addPage();
    pages += 1;
    y = MARGIN;
    return true;
  };
  const text = (value: string, x: number, top: number, opts: PDFKit.Mixins.TextOptions & { size?: number; bold?: boolean; color?: string } = {}) => {
    const { size = 9, bold = false, color = INK, ...rest } = opts;
    doc.font(bold ? "Helvetica-Bold" : "Helvetica").fontSize(size).fillColor(color);
    doc.text(winAnsi(value), x, top, { lineBreak: false, ...rest });
  };
  const heading = (title: string) => {
    y += 8;
    text(title, MARGIN, y, { size: 12, bold: true });
    y += 18;
  };
  const note = (value: string) => {
    doc.font("Helvetica").fontSize(8);
    const height = doc.heightOfString(winAnsi(value), { width: CONTENT });
    if (!room(height + 2)) return;
    doc.fillColor(MUTED).text(winAnsi(value), MARGIN, y, { width: CONTENT });
    y += height + 4;
  };
  /** Rows of bars: the label, a bar scaled to the largest value, the figure beside it. */
  const bars = (rows: Bar[], color: string, total?: number) => {
    if (rows.length === 0) {
      text(w.noData, MARGIN, y, { color: MUTED });
      y += ROW;
      return;
    }
    const shown = rows.slice(0, TOP_N);
    const max = Math.max(1, ...shown.map((r) => r.value));
    const labelWidth = 200;
    const barWidth = CONTENT - labelWidth - 90;
    for (const r of shown) {
      text(r.label, MARGIN, y + 2, { width: labelWidth - 6, ellipsis: true, height: ROW });
      doc.rect(MARGIN + labelWidth, y + 2, barWidth, ROW - 4).fill(GREY);
      if (r.value > 0) doc.rect(MARGIN + labelWidth, y + 2, Math.max(1, (r.value / max) * barWidth), ROW - 4).fill(color);
      text(r.shown ?? num(r.value), MARGIN + labelWidth + barWidth + 6, y + 2, { width: 84, align: "right" });
      y += ROW;
    }
    if (rows.length > shown.length || (total !== undefined && total > shown.length)) {
      text(fill(w.moreInXlsx, { count: num((total ?? rows.length) - shown.length) }), MARGIN, y + 2, { color: MUTED, size: 8 });
      y += ROW;
    }
  };
  /** A section of bars kept on one page: its heading, its rows (at most TOP_N) and a note line. */
  const barSection = (title: string, rows: Bar[], color: string) => {
    const height = 26 + (Math.min(rows.length, TOP_N) + 2) * ROW;
    if (!room(height)) return;
    heading(title);
    bars(rows, color);
  };

  // --- The header area ---
  text(`${w.documentTitle} — ${monthName(report.month)}`, MARGIN, y, { size: 16, bold: true });
  y += 24;
  for (const [label, value] of [
    [w.period, fill(w.periodValue, { month: monthName(report.month) })],
    [w.filters, filterText(report.filter)],
    [w.takenAt, takenAtText(report.takenAt)],
  ] as const) {
    text(`${label}:`, MARGIN, y, { bold: true });
    doc.font("Helvetica").fontSize(9);
    const height = doc.heightOfString(winAnsi(value), { width: CONTENT - 90 });
    doc.fillColor(INK).text(winAnsi(value), MARGIN + 90, y, { width: CONTENT - 90, height: 3 * ROW, ellipsis: true });
    y += Math.min(height, 3 * ROW) + 3;
  }
  doc.moveTo(MARGIN, y + 2).lineTo(MARGIN + CONTENT, y + 2).strokeColor(GREY).stroke();
  y += 6;

  // --- Key figures ---
  const s = report.summary;
  const sm = w.summary;
  heading(w.sheets.summary);
  const figures: [string, string][] = [
    [sm.registered, num(s.registered)],
    [sm.calon, num(s.calon)],
    [sm.mantan, num(s.mantan)],
    [sm.withdrawn, num(s.withdrawn)],
    [sm.services, num(s.servicesDelivered)],
    [sm.target, s.target === null ? sm.noTarget : num(s.target)],
    [sm.achieved, s.target ? pct(s.servicesDelivered / s.target) : "–"],
    [sm.waiting, num(s.waiting)],
  ];
  const boxWidth = (CONTENT - 3 * 8) / 4;
  figures.forEach(([label, value], i) => {
    const x = MARGIN + (i % 4) * (boxWidth + 8);
    const top = y + Math.floor(i / 4) * 52;
    doc.rect(x, top, boxWidth, 46).strokeColor(GREY).stroke();
    // The label may take two lines; the figure sits under it.
    text(label, x + 6, top + 5, { size: 7.5, color: MUTED, width: boxWidth - 12, ellipsis: true, height: 18, lineBreak: true });
    text(value, x + 6, top + 24, { size: 14, bold: true, width: boxWidth - 12, ellipsis: true, height: 18 });
  });
  y += 2 * 52;
  note(`${sm.definitions} ${sm.targetNote}`);

  // Services against the month's target: two bars on one scale.
  heading(sm.servicesAgainstTarget);
  bars(
    [
      { label: sm.services, value: s.servicesDelivered },
      ...(s.target === null ? [] : [{ label: sm.target, value: s.target }]),
    ],
    TEAL,
  );

  // --- The funnel ---
  const f = w.funnel;
  if (room(26 + 6 * ROW)) {
    heading(`${w.sheets.funnel} — ${f.reached}`);
    bars(
      report.funnel.map((r) => ({
        label: stageName(r.stage),
        value: r.reached,
        shown: `${num(r.reached)}`,
      })),
      TEAL,
    );
    note(
      report.funnel
          .map(
            (r) =>
              `${stageName(r.stage)}: ${f.current.toLowerCase()} ${num(r.current)}` +
              (r.conversion === null ? "" : `, ${f.conversion.toLowerCase()} ${pct(r.conversion)}`) +
              (r.medianDays === null ? "" : `, ${f.medianDays.toLowerCase()} ${dec(r.medianDays)}`),
          )
          .join("; ") +
        `; ${stageName("withdrawn")}: ${num(s.withdrawn)}.`,
    );
  }

  barSection(w.sheets.blockers, report.blockers.map((b) => ({ label: b.nameId, value: b.count })), RED);
  barSection(w.sheets.provinces, report.provinces.map((p) => ({ label: provinceName(p.code), value: p.registered })), TEAL);
  barSection(w.sheets.countries, report.countries.map((c) => ({ label: countryNameId(c.code), value: c.n })), AMBER);

  // --- The survey ---
  const q = w.survey;
  const sv = report.survey;
  if (room(26 + 2 * ROW)) {
    heading(w.sheets.survey);
    text(
      `${q.eligible}: ${num(sv.eligible)}   ${q.responses}: ${num(sv.responses)}   ${q.rate}: ${sv.rate === null ? "–" : pct(sv.rate)}   ${q.mean}: ${sv.satisfactionMean === null ? "–" : dec(sv.satisfactionMean)}`,
      MARGIN,
      y,
    );
    y += ROW + 4;
  }
  for (const question of ["satisfaction", "employmentStatus", "trainingHelped", "plansAbroad", "hardest"] as const) {
    const rows = sv[question].map((t) => ({ label: surveyAnswer(question, t.code), value: t.count }));
    if (!room(16 + (rows.length + 1) * ROW)) break;
    text(q[question], MARGIN, y + 2, { bold: true });
    y += ROW + 2;
    bars(rows, TEAL);
  }

  // --- Caseworkers: as many as fit, the rest in the workbook ---
  const k = w.caseworkers;
  if (report.caseworkers.length > 0 && room(26 + 4 * ROW)) {
    heading(w.sheets.caseworkers);
    const cols = [
      { header: k.name, x: MARGIN, width: 215, align: "left" as const },
      { header: k.caseload, x: MARGIN + 220, width: 95, align: "right" as const },
      { header: k.services, x: MARGIN + 320, width: 95, align: "right" as const },
      { header: k.overdue, x: MARGIN + 420, width: 95, align: "right" as const },
    ];
    const headerRow = () => {
      for (const c of cols) text(c.header, c.x, y, { bold: true, width: c.width, align: c.align, ellipsis: true, height: 2 * ROW, lineBreak: true });
      y += 2 * ROW;
      doc.moveTo(MARGIN, y).lineTo(MARGIN + CONTENT, y).strokeColor(GREY).stroke();
      y += 3;
    };
    headerRow();
    const list = report.caseworkers;
    for (let i = 0; i < list.length; i++) {
      const last = i === list.length - 1;
      // Keep a line for "… and N more" unless this is the last caseworker.
      if (y + ROW * (last ? 1 : 2) > BOTTOM) {
        if (pages >= MAX_PAGES) {
          text(fill(w.moreInXlsx, { count: num(list.length - i) }), MARGIN, y + 2, { color: MUTED, size: 8 });
          y += ROW;
          break;
        }
        room(BOTTOM);
        headerRow();
      }
      const c = list[i];
      const cells = [`${c.name}${c.disabled ? ` (${k.disabled})` : ""}`, num(c.caseload), num(c.services), num(c.overdue)];
      cells.forEach((value, j) => text(value, cols[j].x, y, { width: cols[j].width, align: cols[j].align, ellipsis: true, height: ROW }));
      y += ROW;
    }
  }

  // Page numbers, once the number of pages is known.
  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    text(fill(w.page, { page: i + 1, pages: range.count }), MARGIN, PAGE.height - 36, { size: 8, color: MUTED, width: CONTENT, align: "right" });
    text(`${w.documentTitle} — ${monthName(report.month)}`, MARGIN, PAGE.height - 36, { size: 8, color: MUTED });
  }
  doc.end();
  await ended;
  return new Uint8Array(Buffer.concat(chunks));
}
