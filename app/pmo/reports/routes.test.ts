import { eq } from "drizzle-orm";
import ExcelJS from "exceljs";
import { NextRequest } from "next/server";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/db";
import { auditEvents } from "@/db/schema";
import { createTestUser, freshDatabase } from "@/db/test-utils";
import type { SessionUser } from "@/lib/data/permissions";
import { getUser } from "@/lib/data/session";
import { pdfText } from "@/lib/testing/pdf-text";
import { GET as getPdf } from "./pdf/route";
import { GET as getXlsx } from "./xlsx/route";

// The report's downloads as HTTP answers, with the signed-in user stubbed (the session is
// Auth.js's, tested end to end); the data layer and the database are real.

vi.mock("@/lib/data/session", () => ({ getUser: vi.fn() }));
vi.mock("next-intl/server", () => ({ getTranslations: async () => (key: string) => key }));

const signedIn = (user: SessionUser | null) => vi.mocked(getUser).mockResolvedValue(user);
const ORIGIN = "http://pendamping.test";
const routes = { xlsx: getXlsx, pdf: getPdf };

let pmo: SessionUser;
beforeAll(async () => {
  await freshDatabase();
  pmo = await createTestUser("pmo");
});
beforeEach(() => vi.mocked(getUser).mockReset());

const get = (format: "xlsx" | "pdf", query = "") => routes[format](new NextRequest(`${ORIGIN}/pmo/reports/${format}${query}`));

describe("GET /pmo/reports/xlsx and /pmo/reports/pdf", () => {
  it("answer the month's report as an attachment, not to be cached, and audit it", async () => {
    signedIn(pmo);
    const xlsx = await get("xlsx", "?month=2021-07&provinceCode=35&source=nonsense");
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(xlsx.headers.get("content-disposition")).toBe('attachment; filename="laporan-bulanan-2021-07.xlsx"');
    expect(xlsx.headers.get("cache-control")).toBe("no-store");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    expect(workbook.worksheets[0].getCell("B3").value).toBe("Provinsi: Jawa Timur");

    const pdf = await get("pdf", "?month=2021-07&migrantStatus=calon");
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(pdf.headers.get("content-disposition")).toBe('attachment; filename="laporan-bulanan-2021-07.pdf"');
    const { text } = await pdfText(new Uint8Array(await pdf.arrayBuffer()));
    expect(text[0]).toContain("Juli 2021");
    expect(text[0]).toContain("Status migran: Calon PMI");

    const events = await db.select().from(auditEvents).where(eq(auditEvents.action, "report.download"));
    expect(events.map((e) => e.after)).toEqual([
      { month: "2021-07", filter: { provinceCode: "35" }, format: "xlsx" },
      { month: "2021-07", filter: { migrantStatus: "calon" }, format: "pdf" },
    ]);
  });

  it("refuse caseworkers and participants (403) and send visitors to /login", async () => {
    for (const format of ["xlsx", "pdf"] as const) {
      for (const role of ["caseworker", "participant"] as const) {
        signedIn(await createTestUser(role));
        const response = await get(format, "?month=2021-07");
        expect(response.status, `${format} ${role}`).toBe(403);
        expect(response.headers.get("content-disposition")).toBeNull();
      }
      signedIn(null);
      const response = await get(format);
      expect(response.status).toBe(307);
      expect(response.headers.get("location")).toBe("/login");
    }
    const events = await db.select().from(auditEvents).where(eq(auditEvents.action, "report.download"));
    // Only the two downloads of the test above.
    expect(events).toHaveLength(2);
  });
});
