import { z } from "zod";
import { isProvinceCode } from "@/lib/reference/regions";
import { staffContact, staffContactFields } from "./pmo-staff";

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
  .object({ ...staffContactFields, regionIds })
  .transform((v, ctx) => ({ ...staffContact(v, ctx), regionIds: v.regionIds }));
export type NewCoordinator = z.infer<typeof newCoordinatorSchema>;

/** The regions a coordinator works for, replaced by the ticked ones. */
export const coordinatorRegionsSchema = z.object({ coordinatorId: uuid, regionIds });
export type CoordinatorRegionsInput = z.infer<typeof coordinatorRegionsSchema>;

/** Disable or enable: which coordinator, and which of the two. */
export const coordinatorStatusSchema = z.object({
  coordinatorId: uuid,
  status: z.enum(["disable", "enable"], { error: "form.error" }),
});

/** The form's fields with the repeated checkboxes kept as lists. */
export function regionFormFields(formData: FormData, fields: Record<string, string>, lists: string[]) {
  const out: Record<string, string | string[]> = { ...fields };
  for (const name of lists) out[name] = formData.getAll(name).filter((v): v is string => typeof v === "string");
  return out;
}
