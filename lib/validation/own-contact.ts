import { z } from "zod";
import { contactSchema } from "./caseworker";

// A participant's own contact data at /me: the same fields and rules as the caseworker's
// contact form, plus the current password, which the data layer asks for when the phone
// number or the email (the ways to sign in) change.
export const ownContactSchema = contactSchema.and(
  z.object({ currentPassword: z.string().max(1024, { error: "tooLong" }).optional().default("") }),
);
export type OwnContactInput = z.infer<typeof ownContactSchema>;
