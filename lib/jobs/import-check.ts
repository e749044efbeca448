import "server-only";
import { z } from "zod";
import { checkImport } from "@/lib/data/imports";
import { QUEUES } from "./queues";
import type { JobKind } from "./kind";

/**
 * import-check: checks an uploaded cohort file's rows (lib/data/imports.ts checkImport).
 * Queued by the upload, in its transaction. Idempotency: the import's id; a second run
 * resumes after the last line written and settles the import once. Retries: 3, with
 * backoff; after the last, the dead letter (import-failed) settles the import as failed.
 */
export const importCheck: JobKind<{ importId: string }> = {
  queue: QUEUES.importCheck,
  payload: z.object({ importId: z.uuid() }),
  handle: async ({ importId }) => ({ result: await checkImport(importId) }),
};
