import "server-only";
import { z } from "zod";
import { failPrakerjaBatch } from "@/lib/data/prakerja-status";
import { QUEUES } from "./queues";
import type { JobKind } from "./kind";

/**
 * prakerja-status-failed: the dead letter of prakerja-status. A batch whose job failed for
 * good is settled as failed, with the job's id as its error id; the partner reads that
 * state and sends the batch again. Idempotent: only a batch still queued or running changes.
 */
export const prakerjaStatusFailed: JobKind<{ batchId: string }> = {
  queue: QUEUES.prakerjaStatusFailed,
  payload: z.object({ batchId: z.uuid() }),
  handle: async ({ batchId }, job) => ({ settled: await failPrakerjaBatch(batchId, job.id) }),
};
