"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { completeDataRequest, refuseDataRequest, type DecisionResult } from "@/lib/data/data-rights";
import { requireUser } from "@/lib/data/session";
import { formError, formFields, type FormState } from "@/lib/forms";
import { dataDecisionSchema, dataRefusalSchema } from "@/lib/validation/data-rights";

function answered(result: DecisionResult & { ok: true }): never {
  revalidatePath("/pmo/data-requests");
  revalidatePath("/pmo/participants");
  revalidatePath("/pmo");
  // The decided request leaves the open list: the confirmation goes at the top of the page.
  redirect(`/pmo/data-requests?done=${result.id}`);
}

export async function completeDataRequestAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = dataDecisionSchema.safeParse(formFields(formData));
  if (!parsed.success) return formError(parsed.error, formData);
  const result = await completeDataRequest(await requireUser(), parsed.data);
  if (!result.ok) return formError(result.fieldErrors, formData);
  answered(result);
}

export async function refuseDataRequestAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = dataRefusalSchema.safeParse(formFields(formData));
  if (!parsed.success) return formError(parsed.error, formData);
  const result = await refuseDataRequest(await requireUser(), parsed.data);
  if (!result.ok) return formError(result.fieldErrors, formData);
  answered(result);
}
