"use server";

import { revalidatePath } from "next/cache";
import { activateUrl, expiryText } from "@/app/activate/display";
import { registerAssisted } from "@/lib/data/assisted";
import { requireUserWith } from "@/lib/data/session";
import { formError, formFields, type FormState } from "@/lib/forms";
import { assistedRegistrationSchema } from "@/lib/validation/registration";

export type AssistedFormState = FormState & {
  /** The registration made: with its one-time code the first time, without on a repeat. */
  registered?: {
    participantId: string;
    fullName: string;
    activation: { code: string; expiresAtText: string; activateUrl: string } | null;
  };
};

export async function registerAssistedAction(_prev: AssistedFormState, formData: FormData): Promise<AssistedFormState> {
  const viewer = await requireUserWith("create:participant:assisted");
  const parsed = assistedRegistrationSchema().safeParse(formFields(formData));
  if (!parsed.success) return formError(parsed.error, formData);
  const result = await registerAssisted(viewer, parsed.data);
  if (!result.ok) return formError(result.fieldErrors, formData);
  revalidatePath("/caseworker");
  return {
    ok: true,
    attempt: crypto.randomUUID(),
    registered: {
      participantId: result.participantId,
      fullName: parsed.data.fullName,
      activation: result.activation
        ? {
            code: result.activation.code,
            expiresAtText: await expiryText(result.activation.expiresAt),
            activateUrl: await activateUrl(),
          }
        : null,
    },
  };
}
