import { z } from "zod";
import { QUEUE_NAMES } from "@/lib/jobs/queues";
import type { QueryFields } from "./query";

// The PMO's page of background jobs (/pmo/jobs): the retry form and the page's query.

/** A failed job to put back in its queue: the queue it is in, and its id. */
export const jobRetrySchema = z.object({
  queue: z.enum(QUEUE_NAMES as [string, ...string[]], { error: "form.error" }),
  jobId: z.uuid({ error: "form.error" }).toLowerCase(),
});
export type JobRetryInput = z.infer<typeof jobRetrySchema>;

/** The failed list's page (1 when absent or not a page number). */
export function parseJobsQuery(query: QueryFields): { page: number } {
  const page = Number.parseInt(query.page ?? "1", 10);
  return { page: Number.isFinite(page) && page >= 1 ? Math.min(page, 10_000) : 1 };
}
