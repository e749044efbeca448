import { getRequestConfig } from "next-intl/server";
import { cookies } from "next/headers";
import { LOCALE_COOKIE, toLocale } from "./config";
import { messagesFor } from "./messages";

// No locale in the URL: Bahasa Indonesia unless the reader switched to English, which a
// cookie remembers.
export default getRequestConfig(async () => {
  const locale = toLocale((await cookies()).get(LOCALE_COOKIE)?.value);
  return { locale, messages: messagesFor(locale), timeZone: "Asia/Jakarta" };
});
