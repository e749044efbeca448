"use server";

import { getTranslations } from "next-intl/server";
import { revalidatePath } from "next/cache";
import { retryFailedJob } from "@/lib/data/jobs";
import { requireUser } from "@/lib/data/session";
import { formFields, type FormState } from "@/lib/forms";

export type RetryJobState = FormState;

/**
 * The PMO's "retry" of one failed job. The data layer checks the permission (403 for
 * others), reads the form with its zod schema, and answers a refusal (already retried,
 * gone, an import that cannot go back) that the page shows above the list.
 */
export async function retryJobAction(_prev: RetryJobState, formData: FormData): Promise<RetryJobState> {
  const result = await retryFailedJob(await requireUser(), formFields(formData));
  revalidatePath("/pmo/jobs");
  const t = await getTranslations("pmoJobs");
  if (!result.ok) return { ok: false, attempt: crypto.randomUUID(), message: t(`refused.${result.reason}`) };
  return { ok: true, attempt: crypto.randomUUID(), message: t("retried", { queue: t(`queue.${result.queue}`) }) };
}
