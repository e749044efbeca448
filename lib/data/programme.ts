import "server-only";
import { count } from "drizzle-orm";
import { db } from "@/db";
import { participants, serviceLogs, STAGES, type Stage } from "@/db/schema";
import { requirePermission, type SessionUser } from "./permissions";

export type ProgrammeSummary = { participants: number; services: number; byStage: Record<Stage, number> };

/** Programme-wide counts for the PMO. */
export async function getProgrammeSummary(viewer: SessionUser): Promise<ProgrammeSummary> {
  requirePermission(viewer, "read:dashboard:any");
  const stageRows = await db
    .select({ stage: participants.stage, n: count() })
    .from(participants)
    .groupBy(participants.stage);
  const [services] = await db.select({ n: count() }).from(serviceLogs);
  const byStage = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
  for (const row of stageRows) byStage[row.stage] = row.n;
  return {
    participants: stageRows.reduce((sum, r) => sum + r.n, 0),
    services: services.n,
    byStage,
  };
}
