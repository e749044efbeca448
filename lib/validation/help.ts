import { z } from "zod";
import { BLOCKERS } from "@/lib/reference/services";

// Help requests: a participant asks (/me/help), a caseworker answers from the case file
// with a logged service, or the PMO answers a participant who has no caseworker yet.

/** Topics: the known blockers in plain words, or "other". */
export const HELP_TOPICS = [...BLOCKERS.map((b) => b.code), "other"] as const;
export type HelpTopic = (typeof HELP_TOPICS)[number];
export const HELP_MESSAGE_MAX = 1000;
export const HELP_ANSWER_MAX = 2000;
/** Open requests one participant may have at once: enough for real needs, not a flood. */
export const MAX_OPEN_REQUESTS = 5;

const text = (max: number, key: "help.message" | "help.answer") =>
  z
    .string({ error: key })
    .transform((v) => v.trim())
    .pipe(z.string().min(1, { error: key }).max(max, { error: key }));

export const helpRequestSchema = z.object({
  participantId: z.uuid({ error: "form.error" }),
  submissionId: z.uuid({ error: "form.error" }),
  topic: z.enum(HELP_TOPICS as unknown as [string, ...string[]], { error: "help.topic" }),
  message: text(HELP_MESSAGE_MAX, "help.message"),
});
export type HelpRequestInput = z.infer<typeof helpRequestSchema>;

/** The answer part of the answer forms (the caseworker's also carries a service log). */
export const helpAnswerSchema = z.object({
  requestId: z.uuid({ error: "form.error" }),
  answer: text(HELP_ANSWER_MAX, "help.answer"),
});
export type HelpAnswerInput = z.infer<typeof helpAnswerSchema>;

export const isHelpTopic = (v: string): v is HelpTopic => (HELP_TOPICS as readonly string[]).includes(v);
