import "server-only";
import { commonPlacementCountries, countryName, countryOptions } from "./countries";
import { provinces, regencies } from "./regions";
import type { AppLocale } from "@/lib/i18n/config";
import { todayInJakarta } from "@/lib/validation";

/** The lists a registration form offers, named in the reader's language. */
export function registrationOptions(locale: AppLocale) {
  const today = todayInJakarta();
  const [y, m, d] = today.split("-");
  return {
    provinces: provinces.map((p) => ({ code: p.code, name: p.name })),
    regencies: regencies.map((r) => ({ code: r.code, provinceCode: r.provinceCode, name: r.name })),
    commonCountries: commonPlacementCountries.map((code) => ({ code, name: countryName(code, locale) })),
    countries: countryOptions(locale),
    maxBirthDate: `${Number(y) - 18}-${m}-${d === "29" && m === "02" ? "28" : d}`,
    today,
  };
}
