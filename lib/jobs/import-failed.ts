import "server-only";
import { z } from "zod";
import { failImportJob } from "@/lib/data/imports";
import { QUEUES } from "./queues";
import type { JobKind } from "./kind";

/**
 * import-failed: the dead letter of import-check and import-run. A check or import whose
 * job failed for good (its last retry threw, or its worker died each time) is settled as
 * failed, with an error id; the import page says so. Idempotent: only an import still
 * in the failed job's phase changes.
 */
export const importFailed: JobKind<{ importId: string; actorId?: string }> = {
  queue: QUEUES.importFailed,
  payload: z.object({ importId: z.uuid(), actorId: z.uuid().optional() }),
  handle: async ({ importId, actorId }, job) => ({
    // The run job names the PMO who confirmed; the check job names no one.
    settled: await failImportJob(importId, actorId ? "importing" : "checking", job.id),
  }),
};
