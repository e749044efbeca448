export const locales = ["id", "en"] as const;
export type AppLocale = (typeof locales)[number];
export const defaultLocale: AppLocale = "id";
export const LOCALE_COOKIE = "NEXT_LOCALE";

export function toLocale(value: string | undefined | null): AppLocale {
  return value === "en" ? "en" : defaultLocale;
}
