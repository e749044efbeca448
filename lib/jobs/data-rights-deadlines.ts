import "server-only";
import { z } from "zod";
import { raiseLapsingDataRequests } from "@/lib/data/data-rights";
import { QUEUES } from "./queues";
import type { JobKind } from "./kind";

/**
 * data-rights-deadlines: every hour, an open deletion or consent-withdrawal request whose
 * 3 × 24-hour deadline is less than a day away is raised to the PMO (lib/data/data-rights.ts).
 * Idempotency: a request is raised once (its raised_at).
 */
export const dataRightsDeadlines: JobKind<Record<string, never>> = {
  queue: QUEUES.dataRightsDeadlines,
  payload: z.object({}).strip() as unknown as z.ZodType<Record<string, never>>,
  handle: async () => ({ raised: await raiseLapsingDataRequests(new Date()) }),
};
