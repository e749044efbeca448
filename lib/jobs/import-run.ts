import "server-only";
import { z } from "zod";
import { runImport } from "@/lib/data/imports";
import { QUEUES } from "./queues";
import type { JobKind } from "./kind";

/**
 * import-run: imports a confirmed cohort in one transaction (lib/data/imports.ts
 * runImport), for the PMO who confirmed it. Queued by the confirmation, in its
 * transaction. Idempotency: the import's id and state; an advisory lock serialises runs,
 * and a run that finds the import no longer "importing" does nothing. Retries: 3, with
 * backoff; after the last, the dead letter (import-failed) settles the import as failed.
 */
export const importRun: JobKind<{ importId: string; actorId: string }> = {
  queue: QUEUES.importRun,
  payload: z.object({ importId: z.uuid(), actorId: z.uuid() }),
  handle: async ({ importId, actorId }) => ({ result: await runImport(importId, actorId) }),
};
