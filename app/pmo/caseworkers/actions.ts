"use server";

import { getTranslations } from "next-intl/server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { activateUrl, expiryText } from "@/app/activate/display";
import { assignParticipants, setAssignmentRule } from "@/lib/data/assignments";
import { createCaseworker, disableCaseworker, enableCaseworker, issueCaseworkerCode, setCaseworkerProvince } from "@/lib/data/staff";
import { ASSIGN } from "@/lib/data/permissions";
import { requireUser, requireUserWithAny } from "@/lib/data/session";
import { sealQuery } from "@/lib/crypto/search-seal";
import { redirect } from "next/navigation";
import { formError, formFields, pageFormError, type FormState } from "@/lib/forms";
import {
  assignmentQuerySchema,
  assignmentRuleSchema,
  assignmentSchema,
  caseworkerIdSchema,
  caseworkerProvinceSchema,
  caseworkerStatusSchema,
  newCaseworkerSchema,
} from "@/lib/validation/pmo-staff";
import type { ShownCode } from "@/components/activation-code";
import { assignmentQuery } from "./query";

// Each action: check the user, parse with zod, call the data layer (which checks the
// permission and writes the audit event in the same transaction), answer with form state.

const PATH = "/pmo/caseworkers";

/**
 * Keys by field → an answer in the reader's language. The keys of this page's own
 * refusals (assignment.*, caseworker.*) live in pmoCaseworkers.errors; the rest are
 * keys of the shared "validation" catalogue.
 */
const refused = (keys: Partial<Record<string, string[]>>, formData: FormData) => pageFormError("pmoCaseworkers.errors", keys, formData);

async function shown(activation: { code: string; expiresAt: Date }): Promise<ShownCode> {
  return { code: activation.code, expiresAtText: await expiryText(activation.expiresAt), activateUrl: await activateUrl() };
}

export type CreateCaseworkerState = FormState & {
  /** The new account and its code: shown in this answer only, never again. */
  created?: { name: string; email: string; activation: ShownCode };
};

export async function createCaseworkerAction(_prev: CreateCaseworkerState, formData: FormData): Promise<CreateCaseworkerState> {
  const viewer = await requireUser();
  const parsed = newCaseworkerSchema.safeParse(formFields(formData));
  if (!parsed.success) return formError(parsed.error, formData);
  const result = await createCaseworker(viewer, parsed.data);
  if (!result.ok) return refused(result.fieldErrors, formData);
  revalidatePath(PATH);
  return {
    ok: true,
    attempt: crypto.randomUUID(),
    created: { name: parsed.data.name, email: parsed.data.email, activation: await shown(result.activation) },
  };
}

export type CaseworkerStatusState = FormState;

export async function setCaseworkerStatusAction(_prev: CaseworkerStatusState, formData: FormData): Promise<CaseworkerStatusState> {
  const viewer = await requireUser();
  const parsed = caseworkerStatusSchema.safeParse(formFields(formData));
  if (!parsed.success) return refused({ form: ["form.error"] }, formData);
  const { caseworkerId, status } = parsed.data;
  // 403 for other roles, 404 for an id that is not a caseworker's in the viewer's scope.
  const result = status === "disable" ? await disableCaseworker(viewer, caseworkerId) : await enableCaseworker(viewer, caseworkerId);
  revalidatePath(PATH);
  const t = await getTranslations("pmoCaseworkers");
  return {
    ok: true,
    attempt: crypto.randomUUID(),
    message: !result.changed
      ? t("unchangedMessage", { name: result.name })
      : t(status === "disable" ? "disabledMessage" : "enabledMessage", { name: result.name }),
  };
}

export type CaseworkerProvinceState = FormState;

/** A caseworker's province, for the automatic assignment rule (docs/decisions/020). */
export async function setCaseworkerProvinceAction(_prev: CaseworkerProvinceState, formData: FormData): Promise<CaseworkerProvinceState> {
  const viewer = await requireUser();
  const parsed = caseworkerProvinceSchema.safeParse(formFields(formData));
  if (!parsed.success) return refused(z.flattenError(parsed.error).fieldErrors, formData);
  // 403 for other roles, 404 for an id that is not a caseworker's in the viewer's scope.
  const result = await setCaseworkerProvince(viewer, parsed.data);
  if (!result.ok) return refused(result.fieldErrors, formData);
  revalidatePath(PATH);
  const t = await getTranslations("pmoCaseworkers");
  return {
    ok: true,
    attempt: crypto.randomUUID(),
    message: result.changed ? t("provinceSaved", { name: result.name }) : t("unchangedMessage", { name: result.name }),
  };
}

export type AssignmentRuleState = FormState;

/** The PMO switches the automatic assignment rule on or off (docs/decisions/020). */
export async function setAssignmentRuleAction(_prev: AssignmentRuleState, formData: FormData): Promise<AssignmentRuleState> {
  const viewer = await requireUser();
  const parsed = assignmentRuleSchema.safeParse(formFields(formData));
  if (!parsed.success) return refused({ form: ["form.error"] }, formData);
  const result = await setAssignmentRule(viewer, parsed.data);
  revalidatePath(PATH);
  const t = await getTranslations("pmoCaseworkers");
  const now = parsed.data.autoAssign ? t("ruleNowOn") : t("ruleNowOff");
  return { ok: true, attempt: crypto.randomUUID(), message: result.changed ? now : `${t("ruleUnchanged")} ${now}` };
}

export type CaseworkerCodeState = FormState & { issued?: ShownCode };

export async function issueCaseworkerCodeAction(_prev: CaseworkerCodeState, formData: FormData): Promise<CaseworkerCodeState> {
  const viewer = await requireUser();
  const parsed = caseworkerIdSchema.safeParse(formFields(formData));
  if (!parsed.success) return refused({ form: ["form.error"] }, formData);
  const result = await issueCaseworkerCode(viewer, parsed.data.caseworkerId);
  if (!result.ok) return refused(result.fieldErrors, formData);
  return { ok: true, attempt: crypto.randomUUID(), issued: await shown(result.activation) };
}

export type AssignState = FormState & {
  /** After a refusal: what was ticked and chosen, to show the form as it was. */
  selected?: string[];
  target?: string;
};

const assignForm = z.object({ participantIds: z.array(z.string().max(100)).max(1000), caseworkerId: z.string().max(100) });

export async function assignParticipantsAction(_prev: AssignState, formData: FormData): Promise<AssignState> {
  const viewer = await requireUser();
  // Checkboxes post one `participantIds` value each: FormData.getAll, not a plain object.
  const raw = assignForm.safeParse({
    participantIds: formData.getAll("participantIds").filter((v): v is string => typeof v === "string"),
    caseworkerId: String(formData.get("caseworkerId") ?? ""),
  });
  const keep = raw.success ? { selected: raw.data.participantIds, target: raw.data.caseworkerId } : {};
  if (!raw.success) return { ...(await refused({ participantIds: ["assignment.tooMany"] }, formData)), ...keep };
  const parsed = assignmentSchema.safeParse(raw.data);
  if (!parsed.success) return { ...(await refused(z.flattenError(parsed.error).fieldErrors, formData)), ...keep };
  const result = await assignParticipants(viewer, parsed.data);
  if (!result.ok) return { ...(await refused(result.fieldErrors, formData)), ...keep };
  revalidatePath(PATH);
  const t = await getTranslations("pmoCaseworkers");
  const message =
    result.changed === 0
      ? t("nothingChanged")
      : [
          result.caseworkerName
            ? t("assigned", { count: result.changed, name: result.caseworkerName })
            : t("unassignedMessage", { count: result.changed }),
          result.unchanged > 0 ? t("alreadyThere", { count: result.unchanged }) : "",
        ]
          .filter(Boolean)
          .join(" ");
  return { ok: true, attempt: crypto.randomUUID(), message };
}

/** The assignment list's filter form: the name search is sealed into the link, never in clear. */
export async function searchAssignableAction(formData: FormData): Promise<never> {
  const viewer = await requireUserWithAny(ASSIGN);
  const query = assignmentQuerySchema.parse({ ...formFields(formData), page: undefined });
  const sealed = sealQuery(assignmentQuery(query), viewer.id);
  redirect(`${PATH}${sealed ? `?${sealed}` : ""}#assign`);
}
