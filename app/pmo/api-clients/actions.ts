"use server";

import { getTranslations } from "next-intl/server";
import { revalidatePath } from "next/cache";
import { createApiClient, revokeApiClient } from "@/lib/data/api-clients";
import { requireUser } from "@/lib/data/session";
import { pageFormError, type FormState } from "@/lib/forms";
import { apiClientFormFields, newApiClientSchema, revokeApiClientSchema } from "@/lib/validation/api-clients";

// The actions of /pmo/api-clients: parse with zod, call the data layer (which checks the
// permission and writes the audit event in the same transaction), answer with form state.

const PATH = "/pmo/api-clients";

export type CreateApiClientState = FormState & {
  /** The new key: in this answer only, never again (only its hash is stored). */
  created?: { name: string; key: string };
};

async function refused(keys: Partial<Record<string, string[]>>, formData: FormData): Promise<FormState> {
  const answer = await pageFormError("pmoApiClients.errors", keys, formData);
  answer.values!.scopes = formData.getAll("scopes").filter((v) => typeof v === "string").join(",");
  return answer;
}

function byField(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of issues) (out[String(issue.path[0] ?? "form")] ??= []).push(issue.message);
  return out;
}

export async function createApiClientAction(_prev: CreateApiClientState, formData: FormData): Promise<CreateApiClientState> {
  const viewer = await requireUser();
  const parsed = newApiClientSchema.safeParse(apiClientFormFields(formData));
  if (!parsed.success) return refused(byField(parsed.error.issues), formData);
  const result = await createApiClient(viewer, parsed.data);
  if (!result.ok) return refused(result.fieldErrors, formData);
  revalidatePath(PATH);
  return { ok: true, attempt: crypto.randomUUID(), created: { name: parsed.data.name, key: result.key } };
}

export async function revokeApiClientAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireUser();
  const parsed = revokeApiClientSchema.safeParse({ clientId: formData.get("clientId") });
  if (!parsed.success) return refused({ form: ["form.error"] }, formData);
  const result = await revokeApiClient(viewer, parsed.data.clientId);
  revalidatePath(PATH);
  const t = await getTranslations("pmoApiClients");
  return { ok: true, attempt: crypto.randomUUID(), message: t(result.changed ? "revoked" : "alreadyRevoked", { name: result.name }) };
}
