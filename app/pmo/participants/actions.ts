"use server";

import { redirect } from "next/navigation";
import { sealQuery } from "@/lib/crypto/search-seal";
import { READ_PARTICIPANTS } from "@/lib/data/permissions";
import { requireUserWithAny } from "@/lib/data/session";
import { formFields } from "@/lib/forms";
import { filterQuery, parseParticipantFilter } from "@/lib/validation/pmo-participants";

/**
 * The filter form posts here instead of putting the search in the URL: the search is
 * sealed into `s` (lib/crypto/search-seal.ts) and the browser is sent to the list.
 */
export async function searchParticipantsAction(formData: FormData): Promise<never> {
  const viewer = await requireUserWithAny(READ_PARTICIPANTS);
  const filter = parseParticipantFilter(formFields(formData));
  const query = sealQuery(filterQuery(filter), viewer.id);
  redirect(query ? `/pmo/participants?${query}` : "/pmo/participants");
}
