import { z } from "zod";
import { MESSAGE_CHANNELS } from "@/db/schema";

// The forms around codes sent to a person: confirming a phone number (/me and the case
// file), the channel messages go by (/me), and /reset-password's two steps. Messages are
// keys of the "validation" catalogue.

const participantId = z.uuid({ error: "form.error" });

export const phoneCodeRequestSchema = z.object({ participantId });

export const phoneCodeSchema = z.object({
  participantId,
  code: z.string({ error: "required" }).trim().min(1, { error: "required" }).max(40, { error: "phoneCode.wrong" }),
});

export const preferredChannelSchema = z.object({
  participantId,
  preferredChannel: z.enum(MESSAGE_CHANNELS, { error: "preferredChannel.invalid" }),
});
export type PreferredChannelInput = z.infer<typeof preferredChannelSchema>;

export const resetRequestSchema = z.object({
  identifier: z.string().trim().min(1, { error: "required" }).max(254, { error: "tooLong" }),
});

export const resetSchema = z.object({
  identifier: z.string().trim().min(1, { error: "required" }).max(254, { error: "tooLong" }),
  code: z.string().trim().min(1, { error: "required" }).max(40, { error: "tooLong" }),
  password: z.string().min(1, { error: "required" }).max(1024, { error: "tooLong" }),
});
