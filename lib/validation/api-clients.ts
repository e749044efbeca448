import { z } from "zod";
import { API_SCOPES } from "@/db/schema";
import { withoutControlCharacters } from "./common";

// The PMO's form for a partner's API client (/pmo/api-clients). Messages are keys of
// pmoApiClients.errors where they start with "apiClient.", else of the shared catalogue.

const text = (min: number, max: number, error: string) =>
  z
    .string({ error })
    .max(max * 2, { error: "tooLong" })
    .transform((v) => v.replace(/\s+/g, " ").trim())
    .pipe(z.string().min(min, { error }).max(max, { error: "tooLong" }));

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const newApiClientSchema = z.object({
  name: text(2, 80, "apiClient.nameRequired"),
  organisation: text(2, 120, "apiClient.organisationRequired"),
  scopes: z
    .array(z.enum(API_SCOPES, { error: "apiClient.scopeUnknown" }), { error: "apiClient.noScopes" })
    .min(1, { error: "apiClient.noScopes" })
    .max(API_SCOPES.length * 2, { error: "form.error" })
    .transform((scopes) => API_SCOPES.filter((s) => scopes.includes(s))),
  // "" (or absent): every province.
  regionId: z
    .union([z.literal(""), z.uuid({ error: "apiClient.regionUnknown" })])
    .optional()
    .transform((v) => v || null),
  // The last day the key works (Jakarta time); "" (or absent): no expiry.
  expiresOn: z
    .union([z.literal(""), z.string().regex(DATE, { error: "apiClient.expiryInvalid" })])
    .optional()
    .transform((v) => v || null)
    .refine((v) => v === null || !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), { error: "apiClient.expiryInvalid" }),
});
export type NewApiClient = z.infer<typeof newApiClientSchema>;

export const revokeApiClientSchema = z.object({ clientId: z.uuid({ error: "form.error" }) });

/**
 * The form's fields with the ticked scopes as a list, control characters no keyboard types
 * removed as from every form (lib/forms.ts formFields).
 */
export function apiClientFormFields(formData: FormData): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value === "string" && key !== "scopes" && !key.startsWith("$")) fields[key] = withoutControlCharacters(value);
  }
  fields.scopes = formData.getAll("scopes").filter((v) => typeof v === "string");
  return fields;
}
