import type { z } from "zod";
import type { QueueName } from "./queues";

/** One kind of job: its queue, the shape of its payload, and what a worker does with it. */
export type JobKind<T> = {
  queue: QueueName;
  payload: z.ZodType<T>;
  /** Returns what the job's record keeps as its output (small, no personal data). */
  handle: (data: T, job: { id: string; retryCount: number }) => Promise<unknown>;
};
