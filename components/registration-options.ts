import "server-only";
import type { AppLocale } from "@/lib/i18n/config";
import { registrationOptions } from "@/lib/reference/options";

/**
 * The registration form's lists, trimmed for its props: whatever a client component is
 * given is written a second time into the page (as the payload React hydrates from), after
 * the <option>s themselves. A regency's province is the first two digits of its code, and
 * the common countries are named in the full list, so neither is sent twice.
 */
export function registrationFormOptions(locale: AppLocale) {
  const { regencies, commonCountries, ...rest } = registrationOptions(locale);
  return {
    ...rest,
    regencies: regencies.map(({ code, name }) => ({ code, name })),
    commonCountries: commonCountries.map(({ code }) => code),
  };
}
