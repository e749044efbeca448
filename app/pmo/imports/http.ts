import "server-only";
import { getTranslations } from "next-intl/server";

// The HTTP answers the import's route handlers share.

export async function forbiddenResponse(): Promise<Response> {
  const t = await getTranslations("errors");
  return new Response(t("forbiddenTitle"), { status: 403, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

export function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { Location: location } });
}

export function toLogin(): Response {
  return new Response(null, { status: 307, headers: { Location: "/login" } });
}
