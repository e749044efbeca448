// Quiet hours: no message reaches a participant between 21:00 and 07:00 their time. Calon
// and purna workers are in Indonesia during the programme, so their province tells their
// time zone: WIB (UTC+7), WITA (UTC+8) or WIT (UTC+9). Indonesia keeps no daylight saving
// time, so a fixed offset per zone is exact and no time-zone database is needed.

export type IndonesianZone = "WIB" | "WITA" | "WIT";

export const ZONE_OFFSET_HOURS: Readonly<Record<IndonesianZone, number>> = { WIB: 7, WITA: 8, WIT: 9 };

/** The IANA names of the three zones, for formatting a time in the recipient's zone. */
export const ZONE_IANA: Readonly<Record<IndonesianZone, string>> = {
  WIB: "Asia/Jakarta",
  WITA: "Asia/Makassar",
  WIT: "Asia/Jayapura",
};

// Province codes (Kemendagri, lib/reference/regions.ts) by zone, after Keppres 41/1987 on
// the three time zones: all of Sumatra and Java, and West and Central Kalimantan, keep
// WIB; South, East and North Kalimantan, Bali, the Nusa Tenggaras and Sulawesi keep WITA;
// the Malukus and every Papua province keep WIT. A test checks that every one of the 38
// provinces has exactly one zone.
const PROVINCES_BY_ZONE: Readonly<Record<IndonesianZone, readonly string[]>> = {
  WIB: [
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "21", // Sumatra, Bangka Belitung, Riau Islands
    "31", "32", "33", "34", "35", "36", // Java
    "61", "62", // Kalimantan Barat, Kalimantan Tengah
  ],
  WITA: [
    "51", "52", "53", // Bali, NTB, NTT
    "63", "64", "65", // Kalimantan Selatan, Timur, Utara
    "71", "72", "73", "74", "75", "76", // Sulawesi and Gorontalo
  ],
  WIT: [
    "81", "82", // Maluku, Maluku Utara
    "91", "92", "93", "94", "95", "96", // Papua and the provinces split from it
  ],
};

const ZONE_OF_PROVINCE: ReadonlyMap<string, IndonesianZone> = new Map(
  (Object.entries(PROVINCES_BY_ZONE) as [IndonesianZone, readonly string[]][]).flatMap(([zone, codes]) =>
    codes.map((code) => [code, zone] as const),
  ),
);

/** The province codes this module knows, for the test that checks them against the reference. */
export const ZONED_PROVINCE_CODES: readonly string[] = [...ZONE_OF_PROVINCE.keys()];

/**
 * The recipient's time zone from their province code. Without a known province, WIB:
 * most participants live in it, and it is the earliest of the three, so a message never
 * reaches anyone before 07:00 their time.
 */
export function zoneOfProvince(provinceCode: string | null | undefined): IndonesianZone {
  return (provinceCode && ZONE_OF_PROVINCE.get(provinceCode)) || "WIB";
}

/** First hour at which a message may arrive, and the hour from which none may (the default). */
export const QUIET_ENDS_HOUR = 7;
export const QUIET_STARTS_HOUR = 21;

export type QuietHours = { startsHour: number; endsHour: number };

export const DEFAULT_QUIET_HOURS: QuietHours = { startsHour: QUIET_STARTS_HOUR, endsHour: QUIET_ENDS_HOUR };

/**
 * The quiet hours of this deployment: WHATSAPP_QUIET_HOURS as "21-7" (from 21:00 to
 * 07:00, the default), or "off" for none: a benchmark or a test run at night, never a
 * real programme. A value that cannot be read keeps the default rather than sending at night.
 */
export function quietHoursFromEnv(env: Record<string, string | undefined> = process.env): QuietHours | null {
  const value = env.WHATSAPP_QUIET_HOURS?.trim().toLowerCase();
  if (!value) return DEFAULT_QUIET_HOURS;
  if (value === "off") return null;
  const m = /^(\d{1,2})-(\d{1,2})$/.exec(value);
  if (!m) return DEFAULT_QUIET_HOURS;
  const startsHour = Number(m[1]);
  const endsHour = Number(m[2]);
  if (startsHour > 23 || endsHour > 23 || startsHour === endsHour) return DEFAULT_QUIET_HOURS;
  return { startsHour, endsHour };
}

const HOUR_MS = 3_600_000;

/**
 * When a message may be handed over: now, if it is outside the quiet hours (by default
 * 21:00 to 07:00) in the recipient's zone, else the next end of them there.
 */
export function nextSendTime(now: Date, provinceCode: string | null, hours: QuietHours | null = quietHoursFromEnv()): Date {
  if (!hours) return now;
  const { startsHour, endsHour } = hours;
  const offset = ZONE_OFFSET_HOURS[zoneOfProvince(provinceCode)];
  // The local wall clock, read through the UTC getters of a shifted instant.
  const local = new Date(now.getTime() + offset * HOUR_MS);
  const hour = local.getUTCHours();
  // Quiet hours wrap midnight (21-7) or lie within one day (0-5).
  const quiet = startsHour > endsHour ? hour >= startsHour || hour < endsHour : hour >= startsHour && hour < endsHour;
  if (!quiet) return now;
  const dayShift = hour >= endsHour ? 1 : 0;
  const endLocal = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + dayShift, endsHour);
  return new Date(endLocal - offset * HOUR_MS);
}
