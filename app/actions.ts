"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { signOut } from "@/lib/auth";
import { getUser } from "@/lib/data/session";
import { endAllSessions } from "@/lib/data/users";
import { LOCALE_COOKIE } from "@/lib/i18n/config";

const localeForm = z.object({
  locale: z.enum(["id", "en"]),
  // Only a path on this site, with its query: never an absolute URL (no open redirect).
  returnTo: z
    .string()
    .max(2000)
    .regex(/^\/(?!\/)[^\s\\]*$/)
    .catch("/"),
});

export async function switchLocale(formData: FormData): Promise<void> {
  const parsed = localeForm.safeParse({ locale: formData.get("locale"), returnTo: formData.get("returnTo") ?? "/" });
  if (!parsed.success) redirect("/");
  (await cookies()).set(LOCALE_COOKIE, parsed.data.locale, {
    maxAge: 365 * 24 * 60 * 60,
    sameSite: "lax",
    path: "/",
    httpOnly: true,
  });
  redirect(parsed.data.returnTo);
}

/** Signing out ends every session of the user (the session version moves on). */
export async function signOutEverywhere(): Promise<void> {
  const user = await getUser();
  if (user) await endAllSessions(user);
  await signOut({ redirectTo: "/" });
}
