import "server-only";
import { z } from "zod";
import { deliverMessage } from "@/lib/data/outbox";
import { QUEUES } from "./queues";
import type { JobKind } from "./kind";

/**
 * outbox-deliver: sends one outbox message (lib/data/outbox.ts deliverMessage). Queued
 * with the message, in the transaction that writes it. Idempotency: the message's id; a
 * message already sent or recorded is skipped. Retries: 5 with exponential backoff from
 * 30 s; a failed send throws (its error kept on the message), and after the last retry
 * the dead letter (outbox-failed) marks the message failed.
 */
export const outboxDeliver: JobKind<{ messageId: string }> = {
  queue: QUEUES.outboxDeliver,
  payload: z.object({ messageId: z.uuid() }),
  handle: async ({ messageId }) => ({ delivery: await deliverMessage(messageId) }),
};
