import "server-only";
import { asc, eq } from "drizzle-orm";
import { db } from "@/db";
import { participants, type Stage } from "@/db/schema";
import { maskNik } from "@/lib/validation";
import { requirePermission, type SessionUser } from "./permissions";

export type CaseloadRow = { id: string; fullName: string; nikMasked: string; stage: Stage; provinceCode: string };

/** The participants assigned to the viewing caseworker, and nobody else's. */
export async function listCaseload(viewer: SessionUser): Promise<CaseloadRow[]> {
  requirePermission(viewer, "read:participant:assigned");
  const rows = await db
    .select({
      id: participants.id,
      fullName: participants.fullName,
      nik: participants.nik,
      stage: participants.stage,
      provinceCode: participants.provinceCode,
    })
    .from(participants)
    .where(eq(participants.caseworkerId, viewer.id))
    .orderBy(asc(participants.fullName));
  return rows.map(({ nik, ...row }) => ({ ...row, nikMasked: maskNik(nik) }));
}
