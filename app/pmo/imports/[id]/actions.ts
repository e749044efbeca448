"use server";

import { randomUUID } from "node:crypto";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { confirmImport } from "@/lib/data/imports";
import { requireUser } from "@/lib/data/session";
import type { FormState } from "@/lib/forms";
import { confirmImportSchema } from "@/lib/validation/import";

/**
 * The PMO confirms a checked import: its job is queued with the confirmation, a worker
 * runs it, and the browser goes back to the import's page, which shows it running.
 */
export async function confirmImportAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireUser();
  const t = await getTranslations("pmoImports.confirmError");
  const parsed = confirmImportSchema.safeParse({
    importId: formData.get("importId"),
    caseworkerIds: formData.getAll("caseworkerId").filter((v) => typeof v === "string"),
  });
  if (!parsed.success) {
    const key = parsed.error.issues[0]?.message === "notFound" ? "notFound" : "caseworkerInvalid";
    return { ok: false, attempt: randomUUID(), message: t(key) };
  }
  const result = await confirmImport(viewer, parsed.data);
  if (!result.ok) return { ok: false, attempt: randomUUID(), message: t(result.key) };
  redirect(`/pmo/imports/${parsed.data.importId}`);
}
