import "server-only";
import { getTranslations } from "next-intl/server";
import { ZodError } from "zod";
import { withoutControlCharacters } from "@/lib/validation/common";

/** What every form action answers: translated messages by field, and what was typed. */
export type FormState = {
  ok?: boolean;
  /** A new id for each answer, so a form can tell two answers apart. */
  attempt?: string;
  message?: string;
  fieldErrors?: Record<string, string[]>;
  values?: Record<string, string>;
};

const SECRET_FIELDS = new Set(["password", "newPassword", "currentPassword"]);

/** The form's text values to show again, passwords left out. */
export function typedValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value === "string" && !key.startsWith("$") && !SECRET_FIELDS.has(key)) values[key] = value.slice(0, 1000);
  }
  return values;
}

/**
 * Plain text fields of a form as an object for zod (files and React's own fields dropped).
 * A page's or route handler's query string is read likewise by queryFields
 * (lib/validation/query.ts), which drops every control character.
 */
export function formFields(formData: FormData): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value === "string" && !key.startsWith("$")) fields[key] = withoutControlCharacters(value);
  }
  return fields;
}

/** Validation keys by field → messages in the reader's language. */
export async function translateFieldErrors(
  keys: Partial<Record<string, string[]>>,
  params: Record<string, string> = {},
): Promise<Record<string, string[]>> {
  const t = await getTranslations("validation");
  const out: Record<string, string[]> = {};
  for (const [field, list] of Object.entries(keys)) {
    if (!list?.length) continue;
    out[field] = [...new Set(list)].map((key) => (t.has(key as never) ? t(key as never, params as never) : t("form.error")));
  }
  return out;
}

export async function formError(
  error: ZodError | Partial<Record<string, string[]>>,
  formData: FormData,
  params?: Record<string, string>,
): Promise<FormState> {
  const keys = error instanceof ZodError ? issuesByField(error) : error;
  const t = await getTranslations("validation");
  return {
    ok: false,
    attempt: crypto.randomUUID(),
    message: t("form.error"),
    fieldErrors: await translateFieldErrors(keys, params),
    values: typedValues(formData),
  };
}

/**
 * A refusal whose keys come from a page's own catalogue (`namespace`, e.g.
 * "pmoCaseworkers.errors") where it has them, and from the shared "validation" one
 * otherwise; `params` fill the page's messages.
 */
export async function pageFormError(
  namespace: string,
  keys: Partial<Record<string, string[]>>,
  formData: FormData,
  params: Record<string, string> = {},
): Promise<FormState> {
  const t = await getTranslations(namespace as never);
  const own: Record<string, string[]> = {};
  const shared: Record<string, string[]> = {};
  for (const [field, list] of Object.entries(keys)) {
    for (const key of list ?? []) {
      if (t.has(key as never)) (own[field] ??= []).push(t(key as never, params as never));
      else (shared[field] ??= []).push(key);
    }
  }
  const answer = await formError(shared, formData);
  for (const [field, messages] of Object.entries(own)) {
    answer.fieldErrors![field] = [...new Set([...(answer.fieldErrors![field] ?? []), ...messages])];
  }
  return answer;
}

/** A successful answer: a fresh attempt id (so forms reset) and a short confirmation. */
export function formSuccess(message?: string): FormState {
  return { ok: true, attempt: crypto.randomUUID(), message };
}

function issuesByField(error: ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    (out[field] ??= []).push(issue.message);
  }
  return out;
}
