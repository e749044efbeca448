import "server-only";
import { z } from "zod";
import { deleteSpentActivationCodes } from "@/lib/data/activation";
import { dropAbandonedUploads } from "@/lib/data/import-file";
import { deleteExpiredIdempotencyKeys } from "@/lib/data/prakerja-status";
import { deleteExpiredThrottleRows } from "@/lib/data/throttle";
import { deleteSpentVerificationCodes } from "@/lib/data/verification-codes";
import { QUEUES } from "./queues";
import type { JobKind } from "./kind";

/**
 * cleanup: every night at 02:30 in Jakarta, rows that have done their work go: throttle
 * counters whose window and lock have passed, activation and verification codes used or
 * expired, the
 * stored pieces of uploads that never became an import, and the Prakerja status API's
 * idempotency keys past their day. Idempotent: deleting what is
 * already gone deletes nothing.
 */
export const cleanup: JobKind<Record<string, never>> = {
  queue: QUEUES.cleanup,
  payload: z.object({}).strip() as unknown as z.ZodType<Record<string, never>>,
  handle: async () => {
    const now = new Date();
    return {
      throttleRows: await deleteExpiredThrottleRows(now),
      activationCodes: await deleteSpentActivationCodes(now),
      verificationCodes: await deleteSpentVerificationCodes(now),
      uploadPieces: await dropAbandonedUploads(now),
      idempotencyKeys: await deleteExpiredIdempotencyKeys(now),
    };
  },
};
