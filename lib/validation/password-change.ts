import { z } from "zod";
import { checkPassword } from "./common";

// /account/password: the current password and a new one. The new one follows the
// registration's rules (length, not a common password) and must differ from the current.
export const passwordChangeSchema = z
  .object({
    currentPassword: z.string().max(1024, { error: "tooLong" }).optional().default(""),
    newPassword: z.string().max(1024, { error: "password.tooLong" }).optional().default(""),
  })
  .superRefine((v, ctx) => {
    if (v.currentPassword === "") ctx.addIssue({ code: "custom", path: ["currentPassword"], message: "passwordChange.currentRequired" });
    for (const message of checkPassword(v.newPassword)) ctx.addIssue({ code: "custom", path: ["newPassword"], message });
    if (v.newPassword !== "" && v.newPassword === v.currentPassword) {
      ctx.addIssue({ code: "custom", path: ["newPassword"], message: "passwordChange.same" });
    }
  });
export type PasswordChangeInput = z.infer<typeof passwordChangeSchema>;
