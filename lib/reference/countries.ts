// Countries (ISO 3166-1 alpha-2) with Indonesian and English names, for
// placement countries of migrant workers (PMI).
//
// Names shown come from the platform's CLDR data (`Intl.DisplayNames`, full ICU in
// Node.js), which is complete and spelt by Unicode's translators; the package's own
// Indonesian list has gaps ("Sweden") and misspellings ("Guatamala"). The codes and
// every spelling used to read a country from an import file come from the
// `i18n-iso-countries` package. We import its plain
// library entry (`/index`) and register only the two locales we use, with the
// JSON files imported statically: the package's Node entry would otherwise
// require every locale dynamically, which bundlers turn into one large chunk.
// Static imports work the same under Next.js and Vitest.

import { alpha3ToAlpha2, getAlpha2Codes, getNames, registerLocale } from "i18n-iso-countries/index";
import enLocale from "i18n-iso-countries/langs/en.json";
import idLocale from "i18n-iso-countries/langs/id.json";

registerLocale(enLocale);
registerLocale(idLocale);

export type CountryLocale = "id" | "en";
export type CountryOption = { code: string; name: string };

/** Indonesia: the home country, never a placement country. */
export const HOME_COUNTRY = "ID";

/** Where most PMI are placed; UIs list these first. */
export const commonPlacementCountries: readonly string[] = Object.freeze([
  "MY", "HK", "TW", "SA", "SG", "KR", "JP", "AE", "BN", "QA", "KW", "OM",
]);

const LOCALES: readonly CountryLocale[] = ["id", "en"];

/** Display names that differ from the package's "official" first name. */
const DISPLAY_OVERRIDES: Record<CountryLocale, Record<string, string>> = {
  // CLDR: "Hong Kong DAK Tiongkok" / "Hong Kong SAR China"; workers and forms say Hong Kong.
  id: { HK: "Hong Kong", MO: "Makau" },
  en: { HK: "Hong Kong", MO: "Macao" },
};

/** CLDR's name of a region in a locale, or null where CLDR has none (it echoes the code). */
function cldrName(code: string, locale: CountryLocale): string | null {
  try {
    const name = new Intl.DisplayNames([locale], { type: "region", fallback: "none" }).of(code);
    return name && name !== code ? name : null;
  } catch {
    return null;
  }
}

/**
 * Spellings found in migrant-worker data that the package does not list, keyed
 * by alpha-2 code. Matching ignores case, accents, spaces and punctuation, so
 * "Hongkong", "Hong-Kong" and "HONG KONG" need no entry of their own.
 */
const EXTRA_ALIASES: Record<string, readonly string[]> = {
  HK: ["Hong Kong SAR", "HKSAR", "Hong Kong China"],
  TW: ["Taiwan ROC", "Chinese Taipei"],
  KR: ["Korea", "Korsel", "Republik Korea", "Korea Republic"],
  SA: ["Saudi", "KSA", "Kerajaan Arab Saudi", "Kingdom of Saudi Arabia"],
  AE: ["UEA", "Emirat Arab", "Persatuan Emirat Arab", "Emirates"],
  BN: ["Brunei"],
  US: ["Amerika", "United States"],
  GB: ["Inggris", "Inggris Raya", "England", "Britain", "Britania"],
  QA: ["Katar"],
  OM: ["Kesultanan Oman"],
  CN: ["Tiongkok", "Cina", "RRC", "RRT", "Republik Rakyat Tiongkok", "Republik Rakyat China"],
  MO: ["Macau", "Makao"],
  FR: ["Prancis"],
  NL: ["Holland"],
  CZ: ["Ceko"],
  TL: ["East Timor"],
};

/** Lower-case, strip accents, drop everything but letters and digits. */
function normalizeKey(input: string): string {
  return input
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}

const alpha2Codes: ReadonlySet<string> = new Set(Object.keys(getAlpha2Codes()));

/** Official display name per locale and code. */
const officialNames: Record<CountryLocale, Map<string, string>> = { id: new Map(), en: new Map() };
/** Normalized name/alias → alpha-2, built once. */
const nameIndex = new Map<string, string>();

{
  const ambiguous = new Set<string>();
  const add = (name: string, code: string) => {
    const key = normalizeKey(name);
    if (!key || ambiguous.has(key)) return;
    const prev = nameIndex.get(key);
    if (prev === undefined) nameIndex.set(key, code);
    else if (prev !== code) {
      // e.g. "Congo" names both CG and CD: accept neither.
      nameIndex.delete(key);
      ambiguous.add(key);
    }
  };

  for (const locale of LOCALES) {
    const all = getNames(locale, { select: "all" });
    for (const [code, names] of Object.entries(all)) {
      if (!alpha2Codes.has(code) || names.length === 0) continue;
      const cldr = cldrName(code, locale);
      const shown = DISPLAY_OVERRIDES[locale][code] ?? cldr ?? names[0];
      officialNames[locale].set(code, shown);
      for (const name of [shown, ...(cldr ? [cldr] : []), ...names]) add(name, code);
    }
  }
  // Our own aliases win over the package data.
  for (const [code, aliases] of Object.entries(EXTRA_ALIASES)) {
    for (const alias of aliases) nameIndex.set(normalizeKey(alias), code);
  }
}

/** ISO 3166-1 alpha-2 check; input case does not matter ("my" and "MY" pass). */
export function isCountryCode(code: string): boolean {
  return code.length === 2 && alpha2Codes.has(code.toUpperCase());
}

/**
 * The country's name in the given locale. Unknown codes come back as the
 * upper-cased input, so a stray code still renders as something readable.
 */
export function countryName(code: string, locale: CountryLocale): string {
  const upper = code.trim().toUpperCase();
  return officialNames[locale].get(upper) ?? upper;
}

/**
 * Turns free-text country input into an upper-case alpha-2 code, or null.
 *
 * Tried in order: an alpha-2 code ("hk"); a name or alias in Indonesian or
 * English, ignoring case, accents, spaces and punctuation ("Hongkong",
 * "Arab Saudi", "UAE", "Côte d'Ivoire"); an alpha-3 code ("MYS"). Note that a
 * two-letter input is always read as a code first: "AS" is American Samoa.
 */
export function resolveCountry(input: string): string | null {
  const trimmed = input.trim();
  if (trimmed.length === 0) return null;

  if (trimmed.length === 2) {
    const upper = trimmed.toUpperCase();
    if (alpha2Codes.has(upper)) return upper;
  }

  const key = normalizeKey(trimmed);
  if (key.length === 0) return null;
  const byName = nameIndex.get(key);
  if (byName !== undefined) return byName;

  if (key.length === 3) {
    const fromAlpha3 = alpha3ToAlpha2(key.toUpperCase());
    if (fromAlpha3 !== undefined && alpha2Codes.has(fromAlpha3)) return fromAlpha3;
  }
  return null;
}

const optionsCache: Partial<Record<CountryLocale, readonly CountryOption[]>> = {};

/**
 * Every country except Indonesia, sorted by its name in `locale`. Returns
 * fresh objects each call (the sorted list itself is computed once per locale).
 * Show `commonPlacementCountries` first if the UI wants a shortlist.
 */
export function countryOptions(locale: CountryLocale): CountryOption[] {
  let cached = optionsCache[locale];
  if (!cached) {
    const collator = new Intl.Collator(locale, { sensitivity: "base" });
    cached = [...officialNames[locale]]
      .filter(([code]) => code !== HOME_COUNTRY)
      .map(([code, name]) => ({ code, name }))
      .sort((a, b) => collator.compare(a.name, b.name));
    optionsCache[locale] = cached;
  }
  return cached.map((o) => ({ ...o }));
}
