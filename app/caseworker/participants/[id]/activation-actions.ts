"use server";

import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { activateUrl, expiryText } from "@/app/activate/display";
import { issueActivationCode } from "@/lib/data/activation";
import { requireUser } from "@/lib/data/session";
import type { FormState } from "@/lib/forms";

export type IssueCodeState = FormState & {
  issued?: { code: string; expiresAtText: string; activateUrl: string };
};

const issueForm = z.object({ participantId: z.uuid() });

/** A new one-time code for a participant of the signed-in caseworker (the old one stops working). */
export async function issueActivationCodeAction(_prev: IssueCodeState, formData: FormData): Promise<IssueCodeState> {
  const viewer = await requireUser();
  const parsed = issueForm.safeParse({ participantId: formData.get("participantId") });
  if (!parsed.success) {
    return { ok: false, attempt: crypto.randomUUID(), message: (await getTranslations("activation"))("issueFailed") };
  }
  // 403 for other roles, 404 for a participant who is not this caseworker's.
  const { code, expiresAt } = await issueActivationCode(viewer, parsed.data.participantId);
  return {
    ok: true,
    attempt: crypto.randomUUID(),
    issued: { code, expiresAtText: await expiryText(expiresAt), activateUrl: await activateUrl() },
  };
}
