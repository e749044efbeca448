"use server";

import { redirect } from "next/navigation";
import { sealQuery } from "@/lib/crypto/search-seal";
import { requireUserWith } from "@/lib/data/session";
import { formFields } from "@/lib/forms";
import { caseloadQuerySchema } from "@/lib/validation/caseworker";
import { caseloadQuery } from "./query";

/**
 * The caseload's search form posts here: a name, phone number or NIK digits never go
 * into the URL in clear (lib/crypto/search-seal.ts).
 */
export async function searchCaseloadAction(formData: FormData): Promise<never> {
  const viewer = await requireUserWith("read:participant:assigned");
  const query = caseloadQuerySchema.parse({ ...formFields(formData), page: undefined });
  const sealed = sealQuery(caseloadQuery(query, 1), viewer.id);
  redirect(sealed ? `/caseworker?${sealed}` : "/caseworker");
}
