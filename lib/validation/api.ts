import { z } from "zod";
import { MIGRANT_STATUSES, SOURCES, STAGES } from "@/db/schema";

// The schemas of /api/v1 (docs/decisions/032-openapi-from-zod.md): the route handlers
// parse with them and the OpenAPI document (lib/api/openapi.ts) is generated from them, so
// the document cannot say something the code does not do. Query parameters are strict: an
// unknown one or a value that does not parse is a 400 naming it, not silently ignored.

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

// ---- problem details (RFC 9457) ---------------------------------------------------------

export const problemSchema = z
  .object({
    type: z.string().meta({ description: "A URI naming the kind of problem", example: "https://pendamping-pmi.id/problems/unauthorized" }),
    title: z.string().meta({ description: "A short summary of the kind of problem", example: "Unauthorized" }),
    status: z.number().int().meta({ description: "The HTTP status code", example: 401 }),
    detail: z.string().optional().meta({ description: "What went wrong with this request" }),
    instance: z.string().optional().meta({ description: "The path that was called" }),
    errors: z
      .array(z.object({ field: z.string().meta({ description: "The parameter or JSON path (dot-separated)" }), message: z.string() }))
      .optional()
      .meta({ description: "For 400: each parameter or field that was refused, and why" }),
    errorId: z.string().optional().meta({ description: "For 500: the id under which the error was logged (give it to the PMO)" }),
  })
  .meta({ id: "Problem", description: "RFC 9457 problem details, served as application/problem+json" });

// ---- GET /api/v1/participants -----------------------------------------------------------

export const participantsQuerySchema = z.strictObject({
  cursor: z
    .string()
    .max(200)
    .optional()
    .meta({ description: "The nextCursor of the previous page; absent for the first page" }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(100)
    .meta({ description: "Participants per page (1 to 1000)", example: 100 }),
  updated_since: z.iso
    .datetime({ offset: true })
    .optional()
    .meta({
      description:
        "Only participants changed at or after this moment (RFC 3339). For deltas, pass the updatedAt of the last record you kept, minus a minute's margin: a change committed late can carry an earlier time.",
      example: "2021-06-01T00:00:00Z",
    }),
});
export type ParticipantsQuery = z.infer<typeof participantsQuerySchema>;

const day = z.string().regex(DATE).nullable();

export const apiParticipantSchema = z
  .object({
    id: z.uuid().meta({ description: "The participant's id in Pendamping PMI (stable)" }),
    nikMasked: z.string().meta({ description: "The NIK with all but its last four digits hidden", example: "••••••••••••0001" }),
    provinceCode: z.string().regex(/^\d{2}$/),
    regencyCode: z.string().regex(/^\d{4}$/).nullable(),
    migrantStatus: z.enum(MIGRANT_STATUSES),
    countryCode: z.string().regex(/^[A-Z]{2}$/).nullable().meta({ description: "Country of placement, ISO 3166 alpha-2" }),
    source: z.enum(SOURCES),
    cohort: z.string().nullable().meta({ description: "The imported cohort's name, if imported" }),
    stage: z.enum(STAGES),
    stageChangedAt: z.string().meta({ description: "When the participant entered the stage (RFC 3339)" }),
    registeredOn: z.string().regex(DATE).meta({ description: "Registration date, Jakarta time" }),
    milestones: z.object({
      cardReceivedOn: day,
      trainingBoughtOn: day,
      lmsSessionOn: day,
      trainingCompletedOn: day,
      lmsCompletedOn: day,
      completedOn: day.meta({ description: "The day the participant reached the stage completed (Jakarta time)" }),
    }),
    lastContactOn: day.meta({ description: "The day of the latest service a caseworker logged" }),
    updatedAt: z.string().meta({ description: "When anything above last changed (RFC 3339, microseconds)", example: "2021-06-10T03:04:05.123456Z" }),
  })
  .meta({ id: "Participant", description: "A participant's progress: masked identity, stage, milestones, last contact" });
export type ApiParticipant = z.infer<typeof apiParticipantSchema>;

export const participantsPageSchema = z
  .object({
    data: z.array(apiParticipantSchema),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page" }),
  })
  .meta({ id: "ParticipantsPage" });

// ---- GET /api/v1/progress ----------------------------------------------------------------

const month = z.string().regex(MONTH, { error: "YYYY-MM" });

export const progressQuerySchema = z
  .strictObject({
    from: month.optional().meta({ description: "First month of the period (YYYY-MM); default: the dashboard's default period", example: "2021-06" }),
    to: month.optional().meta({ description: "Last month of the period (YYYY-MM)", example: "2021-07" }),
    provinceCode: z.string().regex(/^\d{2}$/).optional(),
    migrantStatus: z.enum(MIGRANT_STATUSES).optional(),
    source: z.enum(SOURCES).optional(),
    cohort: z.string().trim().min(1).max(200).optional().meta({ description: "An imported cohort's name" }),
  })
  .refine((q) => !(q.from && q.to && q.from > q.to), { error: "from must not be after to", path: ["from"] });
export type ProgressQuery = z.infer<typeof progressQuerySchema>;

const journeyStage = z.enum(["registration", "training", "lms", "completed"]);

export const progressSchema = z
  .object({
    period: z.object({ from: month, to: month }),
    filter: z.object({
      provinceCode: z.string().nullable(),
      migrantStatus: z.enum(MIGRANT_STATUSES).nullable(),
      source: z.enum(SOURCES).nullable(),
      cohort: z.string().nullable(),
    }),
    headline: z.object({
      registered: z.number().int().meta({ description: "Participants registered in the period" }),
      calon: z.number().int(),
      mantan: z.number().int(),
      servicesDelivered: z.number().int().meta({ description: "Services logged in the period (a correction replaces what it corrects)" }),
      targetTotal: z.number().int().meta({ description: "The programme-wide targets of the period's months" }),
    }),
    perMonth: z.array(z.object({ month, services: z.number().int(), target: z.number().int().nullable() })),
    funnel: z.array(
      z.object({
        stage: journeyStage,
        reached: z.number().int(),
        current: z.number().int(),
        conversion: z.number().nullable(),
        medianDays: z.number().nullable(),
      }),
    ),
    withdrawn: z.number().int(),
    blockers: z.array(z.object({ code: z.string(), nameId: z.string(), nameEn: z.string(), count: z.number().int() })),
    byProvince: z.array(z.object({ code: z.string(), n: z.number().int() })),
    byCountry: z.array(z.object({ code: z.string(), n: z.number().int() })),
  })
  .meta({ id: "Progress", description: "The PMO dashboard's figures for the period and filters, within the client's region" });
export type ApiProgress = z.infer<typeof progressSchema>;

// ---- POST /api/v1/prakerja-status (the schemas of the body and results: ./prakerja-status.ts) ----

export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export const prakerjaQueuedSchema = z
  .object({
    id: z.uuid().meta({ description: "The batch's id" }),
    state: z.literal("queued"),
    status_url: z.string().meta({ description: "Where to read the batch's state and, once done, its results", example: "/api/v1/prakerja-status/batches/0f8fad5b-d9cb-469f-a165-70867728950e" }),
  })
  .meta({ id: "PrakerjaBatchQueued", description: "A batch of more than 1,000 events, stored and queued to be applied by a job" });

export const batchPathSchema = z.object({ id: z.string().meta({ description: "The batch's id from the 202 answer" }) });
