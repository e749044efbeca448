import { z } from "zod";
import { isIsoDate, todayInJakarta } from "./dates";

// The Prakerja PMO's status events (issue 20, "Prakerja status in"): the body of
// POST /api/v1/prakerja-status, one result per event, and a queued batch's status. Field
// names are snake_case because they are the partner API's words; the OpenAPI document is
// generated from these schemas (their .meta ids name its components).

export const PRAKERJA_EVENTS = ["card_received", "training_bought", "training_completed", "lms_completed"] as const;
export type PrakerjaEventKind = (typeof PRAKERJA_EVENTS)[number];

export const PRAKERJA_RESULTS = ["applied", "duplicate", "unknown_nik", "refused"] as const;
export type PrakerjaResultKind = (typeof PRAKERJA_RESULTS)[number];

/**
 * Why an event was refused (stable codes a partner may program against):
 * - `withdrawn`: the participant withdrew from the programme; no event moves them.
 * - `before_registration`: the date is before the participant registered here.
 * - `conflicting_date`: the milestone is already recorded with another date.
 * - `out_of_order`: the date is before the milestone that must precede it (a training
 *   bought before the card was received, completed before it was bought, ...).
 * - `future_date`: the date is after today (the schema refuses these already; the data
 *   layer checks again for callers that skip it).
 */
export const PRAKERJA_REFUSALS = [
  "withdrawn",
  "before_registration",
  "conflicting_date",
  "out_of_order",
  "future_date",
] as const;
export type PrakerjaRefusal = (typeof PRAKERJA_REFUSALS)[number];

export const MAX_PRAKERJA_BATCH = 10_000;
export const PROVIDER_MAX = 120;

/**
 * Today's latest date anywhere in Indonesia: WIT (UTC+9) is two hours ahead of Jakarta, so
 * a partner in Jayapura may send today's date while Jakarta is still on yesterday. Kept for
 * a minute, since a batch checks 10,000 dates.
 */
let latest: { at: number; today: string } | undefined;
export function latestIndonesianToday(now = Date.now()): string {
  if (!latest || now - latest.at > 60_000 || now < latest.at) {
    latest = { at: now, today: todayInJakarta(new Date(now + 2 * 3_600_000)) };
  }
  return latest.today;
}

export const prakerjaEventSchema = z
  .object({
    nik: z
      .string()
      .regex(/^\d{16}$/, "nik.format")
      .meta({ description: "The participant's NIK: 16 digits, nothing else.", example: "3174015708900001" }),
    event: z.enum(PRAKERJA_EVENTS).meta({
      description:
        "card_received: the Prakerja card was received; training_bought: a training was bought on a digital platform; training_completed: the training was finished; lms_completed: the provider's LMS was completed (certificate issued).",
    }),
    occurred_on: z
      .string()
      .refine(isIsoDate, "date.invalid")
      .refine((d) => d <= latestIndonesianToday(), "date.future")
      .meta({ description: "When it happened: a real date, YYYY-MM-DD, not after today in Indonesia.", example: "2021-06-14" }),
    provider: z
      .string()
      .trim()
      .min(1)
      .max(PROVIDER_MAX)
      .optional()
      .meta({ description: "The training provider or digital platform, if the event has one (up to 120 characters)." }),
  })
  .strict()
  .meta({ id: "PrakerjaEvent", description: "One status fact about a card holder, matched by NIK." });
export type PrakerjaEvent = z.infer<typeof prakerjaEventSchema>;

export const prakerjaBatchSchema = z
  .object({
    events: z
      .array(prakerjaEventSchema)
      .min(1)
      .max(MAX_PRAKERJA_BATCH)
      .meta({ description: `From 1 to ${MAX_PRAKERJA_BATCH} events; each gets its own result, in order.` }),
  })
  .strict()
  .meta({
    id: "PrakerjaBatch",
    description:
      "A batch of status events. Up to 1,000 events are applied at once (200); a larger batch is stored and applied by a job (202, with a status URL).",
  });
export type PrakerjaBatch = z.infer<typeof prakerjaBatchSchema>;

export const prakerjaEventResultSchema = z
  .object({
    index: z.number().int().min(0).meta({ description: "The event's position in the batch, from 0." }),
    result: z.enum(PRAKERJA_RESULTS).meta({
      description:
        "applied: recorded; duplicate: already recorded with the same date (or repeated earlier in the batch); unknown_nik: no participant with this NIK that this client may reach; refused: see reason.",
    }),
    reason: z.enum(PRAKERJA_REFUSALS).optional().meta({ description: "With refused only: why, as a stable code." }),
  })
  .meta({ id: "PrakerjaEventResult", description: "What became of one event." });
export type PrakerjaEventResult = z.infer<typeof prakerjaEventResultSchema>;

export const prakerjaCountsSchema = z
  .object({
    applied: z.number().int().min(0),
    duplicate: z.number().int().min(0),
    unknown_nik: z.number().int().min(0),
    refused: z.number().int().min(0),
  })
  .meta({ id: "PrakerjaCounts", description: "How many events had each result." });
export type PrakerjaCounts = z.infer<typeof prakerjaCountsSchema>;

export const PRAKERJA_BATCH_STATES = ["queued", "running", "done", "failed"] as const;
export type PrakerjaBatchState = (typeof PRAKERJA_BATCH_STATES)[number];

export const prakerjaBatchStatusSchema = z
  .object({
    id: z.uuid().meta({ description: "The batch's id (from the 202 answer's status URL)." }),
    state: z.enum(PRAKERJA_BATCH_STATES).meta({
      description: "queued: waiting for a worker; running: being applied; done: applied, results below; failed: not applied (send it again).",
    }),
    received: z.number().int().min(1).meta({ description: "How many events the batch has." }),
    counts: prakerjaCountsSchema.nullable().meta({ description: "With done: how many events had each result." }),
    results: z.array(prakerjaEventResultSchema).optional().meta({ description: "With done: each event's result, in order." }),
    created_at: z.iso.datetime({ offset: true }),
    finished_at: z.iso.datetime({ offset: true }).nullable(),
  })
  .meta({ id: "PrakerjaBatchStatus", description: "A batch that was queued to be applied by a job." });
export type PrakerjaBatchStatus = z.infer<typeof prakerjaBatchStatusSchema>;

/** The answer to a batch applied at once (200). */
export const prakerjaBatchResultSchema = z
  .object({
    counts: prakerjaCountsSchema,
    results: z.array(prakerjaEventResultSchema),
  })
  .meta({ id: "PrakerjaBatchResult", description: "Each event's result, in order, and the counts." });
export type PrakerjaBatchResult = z.infer<typeof prakerjaBatchResultSchema>;

export function countResults(results: readonly PrakerjaEventResult[]): PrakerjaCounts {
  const counts: PrakerjaCounts = { applied: 0, duplicate: 0, unknown_nik: 0, refused: 0 };
  for (const r of results) counts[r.result] += 1;
  return counts;
}
