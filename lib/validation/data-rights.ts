import { z } from "zod";
import { DATA_REQUEST_KINDS } from "@/db/schema";
import { isBlank } from "./common";
import type { QueryFields } from "./query";

// The participant's rights under UU PDP No. 27/2022 at /me/data (a deletion request, a
// consent withdrawal) and the PMO's answers at /pmo/data-requests.

/** The programme answers every request within 3 × 24 hours. */
export const DATA_REQUEST_HOURS = 72;
export const DATA_REASON_MAX = 1000;
export const DATA_NOTE_MAX = 2000;
export const DATA_NOTE_MIN = 3;

/** Optional free text: trimmed, empty → null. */
const optionalText = (max: number, key: "dataRequest.reason" | "dataRequest.note") =>
  z
    .string({ error: key })
    .max(max, { error: key })
    .optional()
    .transform((v) => (isBlank(v) ? null : v!.trim()));

/** A ticked checkbox posts "on"; an unticked one posts nothing. */
const ticked = z
  .unknown()
  .optional()
  .transform((v) => v === "on");

/** A participant's request (deletion or consent withdrawal): the record the form names, an optional reason, a tick. */
export const dataRequestSchema = z.object({
  participantId: z.uuid({ error: "form.error" }),
  reason: optionalText(DATA_REASON_MAX, "dataRequest.reason"),
  confirm: z.literal("on", { error: "dataRequest.confirm" }),
});
export type DataRequestInput = z.infer<typeof dataRequestSchema>;

/**
 * The PMO completes a request. Completing a deletion erases for good, so its form asks
 * for a tick as well; the data layer checks it, since only it knows the request's kind.
 */
export const dataDecisionSchema = z.object({
  requestId: z.uuid({ error: "form.error" }),
  note: optionalText(DATA_NOTE_MAX, "dataRequest.note"),
  confirm: ticked,
});
export type DataDecisionInput = z.infer<typeof dataDecisionSchema>;

/** The PMO refuses a deletion request: the reason is required, the participant reads it. */
export const dataRefusalSchema = z.object({
  requestId: z.uuid({ error: "form.error" }),
  note: z
    .string({ error: "dataRequest.noteRequired" })
    .transform((v) => v.trim())
    .pipe(z.string().min(DATA_NOTE_MIN, { error: "dataRequest.noteRequired" }).max(DATA_NOTE_MAX, { error: "dataRequest.note" })),
});
export type DataRefusalInput = z.infer<typeof dataRefusalSchema>;

export const DATA_REQUEST_VIEWS = ["open", "decided", "all"] as const;

/** The PMO list's filter from the query string; anything unknown falls back to the default. */
export const dataRequestFilterSchema = z.object({
  status: z.enum(DATA_REQUEST_VIEWS).catch("open"),
  kind: z.enum(DATA_REQUEST_KINDS).optional().catch(undefined),
});
export type DataRequestFilter = z.infer<typeof dataRequestFilterSchema>;

export function parseDataRequestFilter(fields: QueryFields): DataRequestFilter {
  return dataRequestFilterSchema.parse(fields);
}
