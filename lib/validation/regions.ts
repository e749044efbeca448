import { z } from "zod";
import { isProvinceCode } from "@/lib/reference/regions";
import { checkEmail, checkFullName, isBlank, normalizeEmail, normalizeFullName } from "./common";
import { normalizePhone } from "./phone";

// Schemas of the PMO's regions page (/pmo/regions): regional offices as sets of provinces,
// and the coordinators who work for them. Messages are keys of pmoRegions.errors where
// they start with "region." or "coordinator.", otherwise of the shared "validation" catalogue.

const uuid = z.uuid({ error: "form.error" });

/** Ticked checkboxes (repeated fields): known province codes, each once, in order. */
const provinceCodes = z
  .array(z.string().trim(), { error: "region.noProvinces" })
  .min(1, { error: "region.noProvinces" })
  .max(38, { error: "form.error" })
  .refine((codes) => codes.every(isProvinceCode), { error: "region.provinceUnknown" })
  .transform((codes) => [...new Set(codes)].sort());

const regionName = z
  .string({ error: "region.nameRequired" })
  .max(200, { error: "tooLong" })
  .transform((v) => v.replace(/\s+/g, " ").trim())
  .pipe(z.string().min(2, { error: "region.nameRequired" }).max(80, { error: "tooLong" }));

export const newRegionSchema = z.object({ name: regionName, provinceCodes });
export type NewRegion = z.infer<typeof newRegionSchema>;

/** A region renamed and its provinces changed, in one form. */
export const regionUpdateSchema = z.object({ regionId: uuid, name: regionName, provinceCodes });
export type RegionUpdate = z.infer<typeof regionUpdateSchema>;

const regionIds = z
  .array(z.string().trim().toLowerCase().pipe(z.uuid({ error: "coordinator.noRegions" })), { error: "coordinator.noRegions" })
  .min(1, { error: "coordinator.noRegions" })
  .max(100, { error: "form.error" })
  .transform((ids) => [...new Set(ids)]);

export const newCoordinatorSchema = z
  .object({
    name: z.string({ error: "fullName.required" }).max(200, { error: "tooLong" }).default(""),
    email: z.string({ error: "required" }).max(254, { error: "tooLong" }).default(""),
    phone: z.string().max(40, { error: "tooLong" }).optional().default(""),
    regionIds,
  })
  .transform((v, ctx) => {
    for (const message of checkFullName(v.name)) ctx.addIssue({ code: "custom", path: ["name"], message });
    if (isBlank(v.email)) ctx.addIssue({ code: "custom", path: ["email"], message: "required" });
    else for (const message of checkEmail(v.email)) ctx.addIssue({ code: "custom", path: ["email"], message });
    const phone = isBlank(v.phone) ? null : normalizePhone(v.phone);
    if (phone && !phone.ok) ctx.addIssue({ code: "custom", path: ["phone"], message: phone.error });
    return {
      name: normalizeFullName(v.name),
      email: normalizeEmail(v.email),
      phone: phone?.ok ? phone.e164 : null,
      regionIds: v.regionIds,
    };
  });
export type NewCoordinator = z.infer<typeof newCoordinatorSchema>;

/** The regions a coordinator works for, replaced by the ticked ones. */
export const coordinatorRegionsSchema = z.object({ coordinatorId: uuid, regionIds });
export type CoordinatorRegionsInput = z.infer<typeof coordinatorRegionsSchema>;

/** The form's fields with the repeated checkboxes kept as lists. */
export function regionFormFields(formData: FormData, fields: Record<string, string>, lists: string[]) {
  const out: Record<string, string | string[]> = { ...fields };
  for (const name of lists) out[name] = formData.getAll(name).filter((v): v is string => typeof v === "string");
  return out;
}
