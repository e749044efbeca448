import "server-only";
import { z } from "zod";
import { queueDeadlineReminders } from "@/lib/data/reminders";
import { QUEUES } from "./queues";
import type { JobKind } from "./kind";

/**
 * deadline-reminders: every day at 07:00 in Jakarta, a message to each participant whose
 * 15-day purchase deadline is 0–3 days away (lib/data/reminders.ts). Idempotency: each
 * message's dedupe key names the participant and the deadline, so a second run (a retry,
 * or a run by hand) queues nothing new. Each message's delivery job is queued with it.
 */
export const deadlineReminders: JobKind<Record<string, never>> = {
  queue: QUEUES.deadlineReminders,
  payload: z.object({}).strip() as unknown as z.ZodType<Record<string, never>>,
  handle: async () => queueDeadlineReminders(new Date()),
};
