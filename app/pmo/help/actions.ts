"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { answerUnassignedHelpRequest } from "@/lib/data/help";
import { requireUser } from "@/lib/data/session";
import { formError, formFields, type FormState } from "@/lib/forms";
import { helpAnswerSchema } from "@/lib/validation/help";

export async function answerQueueAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = helpAnswerSchema.safeParse(formFields(formData));
  if (!parsed.success) return formError(parsed.error, formData);
  const result = await answerUnassignedHelpRequest(await requireUser(), parsed.data);
  if (!result.ok) return formError(result.fieldErrors, formData);
  // The message to the participant was queued with the answer; a worker sends it.
  revalidatePath("/pmo/help");
  revalidatePath("/pmo/outbox");
  // The answered request leaves the queue: the confirmation goes at the top of the page.
  redirect(`/pmo/help?answered=${result.id}`);
}
