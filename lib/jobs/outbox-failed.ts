import "server-only";
import { z } from "zod";
import { failUndelivered } from "@/lib/data/outbox";
import { QUEUES } from "./queues";
import type { JobKind } from "./kind";

/**
 * outbox-failed: the dead letter of outbox-deliver. The message whose last try failed is
 * marked failed, keeping its last error, for the PMO's outbox. Idempotent: only a
 * message still pending changes.
 */
export const outboxFailed: JobKind<{ messageId: string }> = {
  queue: QUEUES.outboxFailed,
  payload: z.object({ messageId: z.uuid() }),
  handle: async ({ messageId }) => ({ failed: await failUndelivered(messageId) }),
};
