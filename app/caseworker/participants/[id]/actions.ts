"use server";

import { getTranslations } from "next-intl/server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { ZodError } from "zod";
import { changeStage, updateContact, updateMilestones, type MutationResult } from "@/lib/data/casework";
import { answerHelpRequest } from "@/lib/data/help";
import { recordService } from "@/lib/data/service-logs";
import { requireUser } from "@/lib/data/session";
import { formError, formFields, formSuccess, type FormState } from "@/lib/forms";
import { contactSchema, milestonesSchema, serviceLogSchema, stageChangeSchema } from "@/lib/validation/caseworker";
import { helpAnswerSchema } from "@/lib/validation/help";

// Each action: parse with zod, check the user, call the data layer (which checks the
// permission and the assignment), answer with form state. Nothing here touches the db.

const pathOf = (participantId: string) => `/caseworker/participants/${participantId}`;

async function answer(result: MutationResult, formData: FormData, participantId: string): Promise<FormState> {
  if (!result.ok) return formError(result.fieldErrors, formData);
  revalidatePath(pathOf(participantId));
  return formSuccess((await getTranslations("casefile"))("saved"));
}

export async function logServiceAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = serviceLogSchema().safeParse(formFields(formData));
  if (!parsed.success) return formError(parsed.error, formData);
  const result = await recordService(await requireUser(), parsed.data);
  if (!result.ok) return formError(result.fieldErrors, formData, result.params);
  revalidatePath(pathOf(parsed.data.participantId));
  revalidatePath("/caseworker");
  // A correction is done: back to the plain page (the corrected record is struck through),
  // where the confirmation takes the focus at the log form.
  if (parsed.data.correctsId) redirect(`${pathOf(parsed.data.participantId)}?corrected=${result.id}#log`);
  return formSuccess((await getTranslations("casefile"))("saved"));
}

export async function changeStageAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = stageChangeSchema.safeParse(formFields(formData));
  if (!parsed.success) return formError(parsed.error, formData);
  return answer(await changeStage(await requireUser(), parsed.data), formData, parsed.data.participantId);
}

export async function updateContactAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = contactSchema.safeParse(formFields(formData));
  if (!parsed.success) return formError(parsed.error, formData);
  return answer(await updateContact(await requireUser(), parsed.data), formData, parsed.data.participantId);
}

export async function updateMilestonesAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = milestonesSchema().safeParse(formFields(formData));
  if (!parsed.success) return formError(parsed.error, formData);
  return answer(await updateMilestones(await requireUser(), parsed.data), formData, parsed.data.participantId);
}

const keysOf = (error: ZodError | undefined): Record<string, string[]> => {
  const out: Record<string, string[]> = {};
  for (const issue of error?.issues ?? []) (out[String(issue.path[0] ?? "form")] ??= []).push(issue.message);
  return out;
};

/**
 * Answers a participant's help request together with the service given (one form, two
 * schemas). The message to the participant is queued in the answer's transaction and
 * sent by a worker, so a slow or failing mail server never holds up or breaks the answer.
 */
export async function answerHelpAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const fields = formFields(formData);
  const answer = helpAnswerSchema.safeParse(fields);
  const service = serviceLogSchema().safeParse(fields);
  if (!answer.success || !service.success) return formError({ ...keysOf(service.error), ...keysOf(answer.error) }, formData);
  const result = await answerHelpRequest(await requireUser(), { ...answer.data, service: service.data });
  if (!result.ok) return formError(result.fieldErrors, formData, result.params);
  revalidatePath(pathOf(service.data.participantId));
  revalidatePath("/caseworker");
  redirect(`${pathOf(service.data.participantId)}?answered=${result.id}#help`);
}
