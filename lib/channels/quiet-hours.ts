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

/** First hour at which a message may arrive, and the hour from which none may. */
export const QUIET_ENDS_HOUR = 7;
export const QUIET_STARTS_HOUR = 21;

const HOUR_MS = 3_600_000;

/**
 * When a message may be handed over: now, if it is between 07:00 (inclusive) and 21:00
 * (exclusive) in the recipient's zone, else the next 07:00 there.
 */
export function nextSendTime(now: Date, provinceCode: string | null): Date {
  const offset = ZONE_OFFSET_HOURS[zoneOfProvince(provinceCode)];
  // The local wall clock, read through the UTC getters of a shifted instant.
  const local = new Date(now.getTime() + offset * HOUR_MS);
  const hour = local.getUTCHours();
  if (hour >= QUIET_ENDS_HOUR && hour < QUIET_STARTS_HOUR) return now;
  const dayShift = hour >= QUIET_STARTS_HOUR ? 1 : 0;
  const sevenLocal = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + dayShift, QUIET_ENDS_HOUR);
  return new Date(sevenLocal - offset * HOUR_MS);
}
