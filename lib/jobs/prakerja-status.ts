import "server-only";
import { z } from "zod";
import { runPrakerjaBatch } from "@/lib/data/prakerja-status";
import { QUEUES } from "./queues";
import type { JobKind } from "./kind";

/**
 * prakerja-status: applies a large batch of the Prakerja PMO's status events (more than
 * lib/data/prakerja-status.ts PRAKERJA_SYNC_MAX), stored by POST /api/v1/prakerja-status
 * and queued in its transaction. Idempotency: the batch's state under its row's lock; a
 * run that finds it done or failed does nothing, and a run is one transaction, so a
 * killed worker leaves nothing half applied. Retries: 2; then the dead letter
 * (prakerja-status-failed) settles the batch as failed.
 */
export const prakerjaStatus: JobKind<{ batchId: string }> = {
  queue: QUEUES.prakerjaStatus,
  payload: z.object({ batchId: z.uuid() }),
  handle: async ({ batchId }) => runPrakerjaBatch(batchId),
};
