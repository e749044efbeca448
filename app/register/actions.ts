"use server";

import { headers } from "next/headers";
import { signIn } from "@/lib/auth";
import { registerSelf } from "@/lib/data/participants";
import { clientIp } from "@/lib/data/throttle";
import { formError, formFields, type FormState } from "@/lib/forms";
import { selfRegistrationSchema } from "@/lib/validation/registration";

export async function registerAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = selfRegistrationSchema().safeParse(formFields(formData));
  if (!parsed.success) return formError(parsed.error, formData);
  // Refusals that tell about other people's records are counted per client address too.
  const result = await registerSelf(parsed.data, clientIp(await headers()));
  if (!result.ok) return formError(result.fieldErrors, formData);
  // Signs the new participant in; throws the redirect to /me. The account was made just
  // now with this password, so the registration's sign-in ticket stands in for checking it
  // again (argon2 costs as much as the rest of the registration). A form posted again was
  // matched to an earlier registration by its submission id and NIK only: there the
  // password decides.
  const credential = result.signInTicket ? { ticket: result.signInTicket } : { password: parsed.data.password };
  await signIn("credentials", { identifier: parsed.data.phone, ...credential, redirectTo: "/me" });
  return { ok: true };
}
