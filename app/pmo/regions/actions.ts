"use server";

import { getTranslations } from "next-intl/server";
import { revalidatePath } from "next/cache";
import { activateUrl, expiryText } from "@/app/activate/display";
import type { ShownCode } from "@/components/activation-code";
import { createCoordinator, createRegion, setCoordinatorDisabled, setCoordinatorRegions, updateRegion, type RegionResult } from "@/lib/data/regions";
import { requireUser } from "@/lib/data/session";
import { formFields, pageFormError, type FormState } from "@/lib/forms";
import { findProvince } from "@/lib/reference/regions";
import { coordinatorRegionsSchema, coordinatorStatusSchema, newCoordinatorSchema, newRegionSchema, regionFormFields, regionUpdateSchema } from "@/lib/validation/regions";

// The actions of /pmo/regions: parse with zod, call the data layer (which checks the
// permission and writes the audit event in the same transaction), answer with form state.

const PATH = "/pmo/regions";

/** Field errors by key → the reader's language (pmoRegions.errors, else the shared catalogue). */
async function refused(keys: Partial<Record<string, string[]>>, formData: FormData, lists: string[], detail: Record<string, string> = {}): Promise<FormState> {
  const answer = await pageFormError("pmoRegions.errors", keys, formData, detail);
  // The ticked boxes come back ticked: repeated fields are kept as a comma-separated list.
  for (const name of lists) answer.values![name] = formData.getAll(name).filter((v) => typeof v === "string").join(",");
  return answer;
}

/** Which provinces another region holds, by name, for the refusal's message. */
function takenDetail(result: Extract<RegionResult, { ok: false }>): Record<string, string> {
  const taken = (result.taken ?? []).map((t) => `${findProvince(t.provinceCode)?.name ?? t.provinceCode} (${t.regionName})`);
  return { provinces: taken.join(", ") };
}

export type RegionState = FormState;

export async function createRegionAction(_prev: RegionState, formData: FormData): Promise<RegionState> {
  const viewer = await requireUser();
  const parsed = newRegionSchema.safeParse(regionFormFields(formData, formFields(formData), ["provinceCodes"]));
  if (!parsed.success) return refused(Object.fromEntries(groupIssues(parsed.error.issues)), formData, ["provinceCodes"]);
  const result = await createRegion(viewer, parsed.data);
  if (!result.ok) return refused(result.fieldErrors, formData, ["provinceCodes"], takenDetail(result));
  revalidatePath(PATH);
  const t = await getTranslations("pmoRegions");
  return { ok: true, attempt: crypto.randomUUID(), message: t("regionCreated", { name: parsed.data.name }) };
}

export async function updateRegionAction(_prev: RegionState, formData: FormData): Promise<RegionState> {
  const viewer = await requireUser();
  const parsed = regionUpdateSchema.safeParse(regionFormFields(formData, formFields(formData), ["provinceCodes"]));
  if (!parsed.success) return refused(Object.fromEntries(groupIssues(parsed.error.issues)), formData, ["provinceCodes"]);
  const result = await updateRegion(viewer, parsed.data);
  if (!result.ok) return refused(result.fieldErrors, formData, ["provinceCodes"], takenDetail(result));
  revalidatePath(PATH);
  const t = await getTranslations("pmoRegions");
  return { ok: true, attempt: crypto.randomUUID(), message: result.changed ? t("regionSaved", { name: parsed.data.name }) : t("nothingChanged") };
}

export type CreateCoordinatorState = FormState & {
  /** The new account and its code: shown in this answer only, never again. */
  created?: { name: string; email: string; activation: ShownCode };
};

export async function createCoordinatorAction(_prev: CreateCoordinatorState, formData: FormData): Promise<CreateCoordinatorState> {
  const viewer = await requireUser();
  const parsed = newCoordinatorSchema.safeParse(regionFormFields(formData, formFields(formData), ["regionIds"]));
  if (!parsed.success) return refused(Object.fromEntries(groupIssues(parsed.error.issues)), formData, ["regionIds"]);
  const result = await createCoordinator(viewer, parsed.data);
  if (!result.ok) return refused(result.fieldErrors, formData, ["regionIds"]);
  revalidatePath(PATH);
  const activation = { code: result.activation.code, expiresAtText: await expiryText(result.activation.expiresAt), activateUrl: await activateUrl() };
  return { ok: true, attempt: crypto.randomUUID(), created: { name: parsed.data.name, email: parsed.data.email, activation } };
}

export async function setCoordinatorRegionsAction(_prev: RegionState, formData: FormData): Promise<RegionState> {
  const viewer = await requireUser();
  const parsed = coordinatorRegionsSchema.safeParse(regionFormFields(formData, formFields(formData), ["regionIds"]));
  if (!parsed.success) return refused(Object.fromEntries(groupIssues(parsed.error.issues)), formData, ["regionIds"]);
  const result = await setCoordinatorRegions(viewer, parsed.data);
  if (!result.ok) return refused(result.fieldErrors, formData, ["regionIds"]);
  revalidatePath(PATH);
  const t = await getTranslations("pmoRegions");
  return { ok: true, attempt: crypto.randomUUID(), message: result.changed ? t("coordinatorSaved", { name: result.name }) : t("nothingChanged") };
}

export async function setCoordinatorStatusAction(_prev: RegionState, formData: FormData): Promise<RegionState> {
  const viewer = await requireUser();
  const parsed = coordinatorStatusSchema.safeParse(formFields(formData));
  if (!parsed.success) return refused({ form: ["form.error"] }, formData, []);
  const disable = parsed.data.status === "disable";
  const result = await setCoordinatorDisabled(viewer, parsed.data.coordinatorId, disable);
  revalidatePath(PATH);
  const t = await getTranslations("pmoRegions");
  if (!result.changed) return { ok: true, attempt: crypto.randomUUID(), message: t("nothingChanged") };
  return { ok: true, attempt: crypto.randomUUID(), message: t(disable ? "coordinatorDisabled" : "coordinatorEnabled", { name: result.name }) };
}

/** zod issues → keys by field (several per field kept). */
function groupIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): [string, string[]][] {
  const out = new Map<string, string[]>();
  for (const issue of issues) {
    const field = String(issue.path[0] ?? "form");
    out.set(field, [...(out.get(field) ?? []), issue.message]);
  }
  return [...out];
}
