import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import type { MonthlyReport } from "@/lib/data/reports";
import { pdfText } from "@/lib/testing/pdf-text";
import { buildMonthlyReportPdf, MAX_PAGES, winAnsi } from "./monthly-pdf";
import { buildMonthlyReportXlsx, REPORT_HEADER_ROW } from "./monthly-xlsx";

// The report's two files, built from a report of known figures and read back: the workbook
// with exceljs, the PDF's text with unpdf. Their figures come from the data layer
// (lib/data/reports.test.ts proves those equal the dashboard's).

const stages = (registration: number, training: number, lms: number, completed: number, withdrawn: number) => ({ registration, training, lms, completed, withdrawn });

function sampleReport(opts: { caseworkers?: number; cohort?: string } = {}): MonthlyReport {
  const tally = (codes: string[], counts: number[]) => codes.map((code, i) => ({ code, count: counts[i] ?? 0 }));
  return {
    month: "2021-07",
    filter: { from: "2021-07", to: "2021-07", provinceCode: "35", migrantStatus: "mantan", cohort: opts.cohort },
    takenAt: new Date("2021-08-02T03:04:00Z"),
    summary: { registered: 1234, calon: 0, mantan: 1234, servicesDelivered: 2345, target: 3000, withdrawn: 12, waiting: 7 },
    funnel: [
      { stage: "registration", reached: 1234, current: 400, conversion: null, medianDays: 3.5 },
      { stage: "training", reached: 800, current: 300, conversion: 800 / 1234, medianDays: 6 },
      { stage: "lms", reached: 500, current: 250, conversion: 500 / 800, medianDays: null },
      { stage: "completed", reached: 272, current: 272, conversion: 272 / 500, medianDays: null },
    ],
    blockers: [
      { code: "otp_not_received", nameId: "OTP tidak diterima", count: 45 },
      { code: "redeem_used", nameId: "Kode redeem sudah dipakai", count: 9 },
    ],
    provinces: [{ code: "35", registered: 1234, calon: 0, mantan: 1234, byStage: stages(400, 300, 250, 272, 12) }],
    countries: Array.from({ length: 14 }, (_, i) => ({ code: ["MY", "HK", "TW", "SA", "SG", "JP", "KR", "AE", "QA", "KW", "OM", "BN", "US", "NL"][i], n: 200 - i * 10 })),
    caseworkers: Array.from({ length: opts.caseworkers ?? 3 }, (_, i) => ({
      name: `Pendamping Nomor ${i + 1}`,
      disabled: i === 1,
      caseload: 100 + i,
      services: 50 + i,
      overdue: i,
    })),
    survey: {
      eligible: 284,
      responses: 142,
      rate: 0.5,
      employmentStatus: tally(["working_id", "working_abroad", "own_business", "looking", "not_looking"], [40, 30, 20, 42, 10]),
      trainingHelped: tally(["yes", "somewhat", "no"], [100, 30, 12]),
      satisfaction: tally(["1", "2", "3", "4", "5"], [2, 5, 20, 60, 55]),
      satisfactionMean: 4.13,
      hardest: tally(["otp_not_received", "other"], [33, 4]),
      plansAbroad: tally(["yes", "no", "unsure"], [70, 40, 32]),
    },
  };
}

const NIK_OR_PHONE = /\b\d{16}\b|(\+62|\b0)8\d{7,11}\b/;

async function readWorkbook(bytes: Uint8Array) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  return workbook;
}

describe("the monthly report's workbook", () => {
  it("has one sheet per section, Indonesian headers, numbers as numbers, and the period, filters and time on each", async () => {
    const workbook = await readWorkbook(await buildMonthlyReportXlsx(sampleReport({ cohort: "Wisma Atlet" })));
    expect(workbook.worksheets.map((s) => s.name)).toEqual(["Ringkasan", "Tahapan", "Kendala", "Provinsi", "Negara", "Pendamping", "Survei"]);
    for (const sheet of workbook.worksheets) {
      expect(String(sheet.getCell("A1").value), sheet.name).toBe("Laporan bulanan Pendamping PMI — Juli 2021");
      expect(sheet.getCell("A2").value).toBe("Periode");
      expect(String(sheet.getCell("B2").value)).toContain("Juli 2021");
      expect(sheet.getCell("A3").value).toBe("Saringan");
      expect(sheet.getCell("B3").value).toBe("Provinsi: Jawa Timur; Status migran: Purna PMI; Kohort impor: Wisma Atlet");
      expect(sheet.getCell("A4").value).toBe("Data diambil");
      // 03:04 UTC is 10.04 in Jakarta.
      expect(String(sheet.getCell("B4").value)).toMatch(/^2 Agustus 2021.*10[.:]04 WIB$/);
    }
    const header = (name: string) => (workbook.getWorksheet(name)!.getRow(REPORT_HEADER_ROW).values as unknown[]).slice(1);
    expect(header("Ringkasan")).toEqual(["Ukuran", "Nilai"]);
    expect(header("Tahapan")).toEqual(["Tahap", "Pernah sampai", "Sekarang", "Lanjut dari tahap sebelumnya", "Median hari di tahap"]);
    expect(header("Kendala")).toEqual(["Kode", "Kendala", "Jumlah"]);
    expect(header("Provinsi").slice(0, 5)).toEqual(["Kode", "Provinsi", "Terdaftar", "Calon PMI", "Purna PMI"]);
    expect(header("Negara")).toEqual(["Kode", "Negara penempatan", "Peserta"]);
    expect(header("Pendamping")).toEqual(["Pendamping", "Status", "Peserta dampingan", "Layanan bulan ini", "Tindak lanjut terlambat"]);
    expect(header("Survei")).toEqual(["Pertanyaan", "Jawaban", "Jumlah"]);

    const row = (name: string, n: number) => (workbook.getWorksheet(name)!.getRow(REPORT_HEADER_ROW + n).values as unknown[]).slice(1);
    expect(row("Ringkasan", 1)).toEqual(["Peserta terdaftar", 1234]);
    expect(row("Ringkasan", 4)).toEqual(["Layanan diberikan", 2345]);
    expect(row("Ringkasan", 5)).toEqual(["Target layanan bulan ini", 3000]);
    expect(row("Ringkasan", 6)[1]).toBeCloseTo(2345 / 3000);
    expect(workbook.getWorksheet("Ringkasan")!.getCell(REPORT_HEADER_ROW + 6, 2).numFmt).toBe("0%");
    expect(row("Tahapan", 2)).toEqual(["Pelatihan", 800, 300, 800 / 1234, 6]);
    expect(row("Tahapan", 5)[0]).toBe("Mengundurkan diri");
    expect(row("Kendala", 1)).toEqual(["otp_not_received", "OTP tidak diterima", 45]);
    expect(row("Provinsi", 1)).toEqual(["35", "Jawa Timur", 1234, 0, 1234, 400, 300, 250, 272, 12]);
    expect(row("Negara", 1)).toEqual(["MY", "Malaysia", 200]);
    expect(workbook.getWorksheet("Negara")!.getRow(REPORT_HEADER_ROW + 14).getCell(3).value).toBe(70);
    expect(row("Pendamping", 2)).toEqual(["Pendamping Nomor 2", "nonaktif", 101, 51, 1]);
    expect(row("Survei", 3)).toEqual(["Ringkasan", "Tingkat respons", 0.5]);
    expect(row("Survei", 5)).toEqual(["Kegiatan sekarang", "Bekerja di Indonesia", 40]);

    // Every figure cell below the header is a number (or empty), never a number written as
    // text; codes ("Kode": a province's "35") are text on purpose.
    for (const sheet of workbook.worksheets) {
      const codeColumn = header(sheet.name).indexOf("Kode") + 1;
      sheet.eachRow((r, n) => {
        if (n <= REPORT_HEADER_ROW) return;
        r.eachCell((cell, column) => {
          if (typeof cell.value === "string" && column !== codeColumn) expect(cell.value, `${sheet.name}!${cell.address}`).not.toMatch(/^[\d.,%\s]+$/);
        });
      });
    }
  });

  it("holds no NIK or phone number anywhere", async () => {
    const workbook = await readWorkbook(await buildMonthlyReportXlsx(sampleReport()));
    for (const sheet of workbook.worksheets) {
      sheet.eachRow((r) =>
        r.eachCell((cell) => {
          if (typeof cell.value === "string") expect(cell.value, `${sheet.name}!${cell.address}`).not.toMatch(NIK_OR_PHONE);
        }),
      );
    }
  });

  it("writes an empty section as such, and no target as an empty cell", async () => {
    const report = sampleReport();
    report.blockers = [];
    report.summary.target = null;
    const workbook = await readWorkbook(await buildMonthlyReportXlsx(report));
    expect(workbook.getWorksheet("Kendala")!.getCell(REPORT_HEADER_ROW + 1, 1).value).toBe("Tidak ada data.");
    expect(workbook.getWorksheet("Ringkasan")!.getCell(REPORT_HEADER_ROW + 5, 2).value).toBeNull();
  });
});

describe("the monthly report's PDF", () => {
  it("carries the period, the filters, the time and the headline figures on one to three pages", async () => {
    const { pages, text } = await pdfText(await buildMonthlyReportPdf(sampleReport({ cohort: "Wisma Atlet" })));
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(MAX_PAGES);
    const all = text.join("\n");
    expect(text[0]).toContain("Laporan bulanan Pendamping PMI — Juli 2021");
    expect(text[0]).toContain("Provinsi: Jawa Timur; Status migran: Purna PMI; Kohort impor: Wisma Atlet");
    expect(text[0]).toMatch(/2 Agustus 2021.*10[.:]04 WIB/);
    for (const figure of ["1.234", "2.345", "3.000", "78%", "Pelatihan", "OTP tidak diterima", "Jawa Timur", "Malaysia", "Pendamping Nomor 3"]) {
      expect(all).toContain(figure);
    }
    // Ten countries drawn, the other four named as such.
    expect(all).toContain("… dan 4 lainnya (lengkap di file Excel)");
    expect(all).not.toMatch(NIK_OR_PHONE);
  });

  it("stays within three pages with many caseworkers, naming how many are left out", async () => {
    const { pages, text } = await pdfText(await buildMonthlyReportPdf(sampleReport({ caseworkers: 400 })));
    expect(pages).toBe(MAX_PAGES);
    const all = text.join("\n");
    expect(all).toContain("Pendamping Nomor 1");
    expect(all).toMatch(/… dan \d+ lainnya/);
    expect(all).toContain(`Halaman 3 dari 3`);
  });

  it("shows text the standard font cannot as '?', never a wrong glyph", async () => {
    expect(winAnsi("Kohort 東京 – ąb")).toBe("Kohort ?? – ?b");
    const { text } = await pdfText(await buildMonthlyReportPdf(sampleReport({ cohort: "Kohort 東京" })));
    expect(text[0]).toContain("Kohort impor: Kohort ??");
  });
});
