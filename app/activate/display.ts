import "server-only";
import { getFormatter } from "next-intl/server";
import { headers } from "next/headers";

/** Where a worker activates, as they would type it: this site's host and /activate. */
export async function activateUrl(): Promise<string> {
  const host = (await headers()).get("host");
  return host && /^[a-z0-9.:[\]-]+$/i.test(host) ? `${host}/activate` : "/activate";
}

/** A code's expiry in Jakarta time (the message adds "WIB"), in the reader's language. */
export async function expiryText(expiresAt: Date): Promise<string> {
  const format = await getFormatter();
  return format.dateTime(expiresAt, { dateStyle: "full", timeStyle: "short", timeZone: "Asia/Jakarta" });
}
