"use server";

import { signIn } from "@/lib/auth";
import { requireUser } from "@/lib/data/session";
import { changeOwnPassword, issueSignInTicket } from "@/lib/data/users";
import { formError, formFields, type FormState } from "@/lib/forms";
import { passwordChangeSchema } from "@/lib/validation/password-change";

/**
 * /account/password: parse, check the user, change the password (which ends every session
 * of the user), then sign this device in again with a ticket for the new session and come
 * back to the page, which says it is done.
 */
export async function changePasswordAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = passwordChangeSchema.safeParse(formFields(formData));
  if (!parsed.success) return formError(parsed.error, formData);
  const viewer = await requireUser();
  const result = await changeOwnPassword(viewer, parsed.data);
  if (!result.ok) return formError(result.fieldErrors, formData);
  // The session this request came with has just ended with the others.
  const ticket = (await issueSignInTicket(viewer.id)) ?? "";
  await signIn("credentials", { identifier: result.identifier, ticket, redirectTo: "/account/password?changed=1" });
  return { ok: true };
}
