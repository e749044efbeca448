import { sealNik } from "@/lib/crypto/identity";
import { parse } from "csv-parse/sync";
import { and, eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/db";
import { auditEvents, participants } from "@/db/schema";
import { createTestUser, freshDatabase } from "@/db/test-utils";
import type { SessionUser } from "@/lib/data/permissions";
import { getUser } from "@/lib/data/session";
import { EXPORT_COLUMNS } from "@/lib/data/pmo-participants";
import { GET, POST } from "./route";

// The route handler's HTTP answers, with the signed-in user stubbed (the session itself
// is Auth.js's, tested end to end); the data layer and the database are real.

vi.mock("@/lib/data/session", () => ({ getUser: vi.fn() }));
vi.mock("next-intl/server", () => ({ getTranslations: async () => (key: string) => key }));

const signedIn = (user: SessionUser | null) => vi.mocked(getUser).mockResolvedValue(user);
const ORIGIN = "http://pendamping.test";

let pmo: SessionUser;
const niks = ["3578015505900001", "3578015505900002", "3301015505900003"];

beforeAll(async () => {
  await freshDatabase();
  pmo = await createTestUser("pmo");
  await db.insert(participants).values(
    niks.map((nik, i) => ({
      fullName: `Peserta Rute ${"ABC"[i]}`,
      ...sealNik(nik),
      birthDate: "1990-05-15",
      sex: "P" as const,
      provinceCode: nik.slice(0, 2),
      migrantStatus: "calon" as const,
      countryCode: "HK",
      stage: i === 2 ? ("training" as const) : ("lms" as const),
      source: "import" as const,
    })),
  );
});

beforeEach(() => vi.mocked(getUser).mockReset());

const get = (query = "") => GET(new NextRequest(`${ORIGIN}/pmo/participants/export${query}`));

function post(query: string, purpose: string | null, origin: string | null = ORIGIN) {
  const body = new FormData();
  if (purpose !== null) body.set("purpose", purpose);
  const headers: Record<string, string> = { host: new URL(ORIGIN).host };
  if (origin) headers.origin = origin;
  return POST(new NextRequest(`${ORIGIN}/pmo/participants/export${query}`, { method: "POST", body, headers }));
}

const table = async (response: Response): Promise<string[][]> => parse(await response.text(), { bom: true });

describe("GET /pmo/participants/export", () => {
  it("answers the filter's CSV as an attachment, not to be cached, NIKs masked", async () => {
    signedIn(pmo);
    const response = await get("?stage=lms&provinceCode=35&page=4");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="peserta-\d{8}\.csv"$/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const [header, ...body] = await table(response);
    expect(header).toEqual([...EXPORT_COLUMNS]);
    expect(body.map((r) => r[2]).sort()).toEqual(["••••••••••••0001", "••••••••••••0002"]);
    const [event] = await db.select().from(auditEvents).where(eq(auditEvents.action, "participant.export"));
    expect(event.after).toEqual({ filter: { stage: "lms", provinceCode: "35" }, rowCount: 2 });
  });

  it("refuses caseworkers and participants (403) and sends visitors to /login", async () => {
    for (const role of ["caseworker", "participant"] as const) {
      signedIn(await createTestUser(role));
      const response = await get();
      expect(response.status, role).toBe(403);
      expect(await response.text()).not.toContain("•");
    }
    signedIn(null);
    const response = await get();
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe("/login");
  });
});

describe("POST /pmo/participants/export", () => {
  it("answers whole NIKs with a purpose, and audits the purpose", async () => {
    signedIn(pmo);
    const purpose = "Pencocokan data dengan BP2MI, Juli 2021";
    const response = await post("?provinceCode=35", purpose);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="peserta-\d{8}\.csv"$/);
    const [, ...body] = await table(response);
    expect(body.map((r) => r[2]).sort()).toEqual(niks.slice(0, 2));
    const [event] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "participant.export_full"), eq(auditEvents.actorId, pmo.id)));
    expect(event.after).toEqual({ filter: { provinceCode: "35" }, rowCount: 2, purpose });
  });

  it("sends the browser back to the list with the error when the purpose is missing or short", async () => {
    signedIn(pmo);
    const missing = await post("?stage=lms", null);
    expect(missing.status).toBe(303);
    expect(missing.headers.get("location")).toBe("/pmo/participants?stage=lms&exportError=purposeRequired#full-export");
    const short = await post("", "laporan");
    expect(short.headers.get("location")).toBe("/pmo/participants?exportError=purposeTooShort#full-export");
    const events = await db.select().from(auditEvents).where(eq(auditEvents.action, "participant.export_full"));
    expect(events).toHaveLength(1);
  });

  it("refuses other roles (403), a post from another site (403), and sends visitors to /login", async () => {
    for (const role of ["caseworker", "participant"] as const) {
      signedIn(await createTestUser(role));
      expect((await post("", "Laporan bulanan untuk BP2MI")).status, role).toBe(403);
    }
    signedIn(pmo);
    expect((await post("", "Laporan bulanan untuk BP2MI", "https://evil.example")).status).toBe(403);
    signedIn(null);
    const visitor = await post("", "Laporan bulanan untuk BP2MI");
    expect(visitor.status).toBe(303);
    expect(visitor.headers.get("location")).toBe("/login");
    const events = await db.select().from(auditEvents).where(eq(auditEvents.action, "participant.export_full"));
    expect(events).toHaveLength(1);
  });
});
