import { describe, expect, it } from "vitest";
import { provinces } from "@/lib/reference/regions";
import { nextSendTime, quietHoursFromEnv, ZONED_PROVINCE_CODES, zoneOfProvince, type IndonesianZone } from "./quiet-hours";

// Each of the 38 provinces, by name, with the zone it keeps: written out here by hand so
// that a slip in the module's table shows as a failure rather than agreeing with itself.
const EXPECTED: Record<string, [name: string, zone: IndonesianZone]> = {
  "11": ["Aceh", "WIB"],
  "12": ["Sumatera Utara", "WIB"],
  "13": ["Sumatera Barat", "WIB"],
  "14": ["Riau", "WIB"],
  "15": ["Jambi", "WIB"],
  "16": ["Sumatera Selatan", "WIB"],
  "17": ["Bengkulu", "WIB"],
  "18": ["Lampung", "WIB"],
  "19": ["Kepulauan Bangka Belitung", "WIB"],
  "21": ["Kepulauan Riau", "WIB"],
  "31": ["DKI Jakarta", "WIB"],
  "32": ["Jawa Barat", "WIB"],
  "33": ["Jawa Tengah", "WIB"],
  "34": ["DI Yogyakarta", "WIB"],
  "35": ["Jawa Timur", "WIB"],
  "36": ["Banten", "WIB"],
  "51": ["Bali", "WITA"],
  "52": ["Nusa Tenggara Barat", "WITA"],
  "53": ["Nusa Tenggara Timur", "WITA"],
  "61": ["Kalimantan Barat", "WIB"],
  "62": ["Kalimantan Tengah", "WIB"],
  "63": ["Kalimantan Selatan", "WITA"],
  "64": ["Kalimantan Timur", "WITA"],
  "65": ["Kalimantan Utara", "WITA"],
  "71": ["Sulawesi Utara", "WITA"],
  "72": ["Sulawesi Tengah", "WITA"],
  "73": ["Sulawesi Selatan", "WITA"],
  "74": ["Sulawesi Tenggara", "WITA"],
  "75": ["Gorontalo", "WITA"],
  "76": ["Sulawesi Barat", "WITA"],
  "81": ["Maluku", "WIT"],
  "82": ["Maluku Utara", "WIT"],
  "91": ["Papua", "WIT"],
  "92": ["Papua Barat", "WIT"],
  "93": ["Papua Selatan", "WIT"],
  "94": ["Papua Tengah", "WIT"],
  "95": ["Papua Pegunungan", "WIT"],
  "96": ["Papua Barat Daya", "WIT"],
};

const OFFSET: Record<IndonesianZone, number> = { WIB: 7, WITA: 8, WIT: 9 };

/** The instant at which the wall clock in a zone reads the given local time. */
function at(zone: IndonesianZone, local: string): Date {
  const utc = new Date(`${local}Z`);
  return new Date(utc.getTime() - OFFSET[zone] * 3_600_000);
}

describe("zoneOfProvince", () => {
  it("covers exactly the 38 provinces of the reference, each with its zone", () => {
    expect(provinces).toHaveLength(38);
    expect([...ZONED_PROVINCE_CODES].sort()).toEqual(provinces.map((p) => p.code).sort());
    for (const p of provinces) {
      expect(EXPECTED[p.code], p.code).toBeDefined();
      expect(p.name, p.code).toBe(EXPECTED[p.code][0]);
      expect(zoneOfProvince(p.code), `${p.code} ${p.name}`).toBe(EXPECTED[p.code][1]);
    }
  });

  it("reads an unknown or missing province as WIB", () => {
    expect(zoneOfProvince(null)).toBe("WIB");
    expect(zoneOfProvince(undefined)).toBe("WIB");
    expect(zoneOfProvince("")).toBe("WIB");
    expect(zoneOfProvince("99")).toBe("WIB");
    expect(zoneOfProvince("3201")).toBe("WIB");
  });
});

describe("nextSendTime", () => {
  describe.each(Object.entries(EXPECTED))("province %s", (code, [name, zone]) => {
    it(`${name} (${zone}): sends from 07:00 to 20:59:59 local, else waits for 07:00`, () => {
      const sameDay7 = at(zone, "2026-07-03T07:00:00");
      const nextDay7 = at(zone, "2026-07-04T07:00:00");
      // Inside the day: sent at once.
      for (const t of ["07:00:00", "07:00:01", "12:00:00", "20:59:59", "20:59:59.999"]) {
        const now = at(zone, `2026-07-03T${t}`);
        expect(nextSendTime(now, code), t).toEqual(now);
      }
      // Evening: the next morning.
      for (const t of ["21:00:00", "21:00:00.001", "23:59:59.999"]) {
        expect(nextSendTime(at(zone, `2026-07-03T${t}`), code), t).toEqual(nextDay7);
      }
      // After midnight and before 07:00: this morning.
      for (const t of ["00:00:00", "03:30:00", "06:59:00", "06:59:59.999"]) {
        expect(nextSendTime(at(zone, `2026-07-03T${t}`), code), t).toEqual(sameDay7);
      }
    });
  });

  it("gives the same instant differently by zone: 21:30 WIB is 22:30 WITA and 23:30 WIT", () => {
    const now = new Date("2026-07-03T14:30:00Z"); // 21:30 WIB
    expect(nextSendTime(now, "31")).toEqual(new Date("2026-07-04T00:00:00Z")); // 07:00 WIB
    expect(nextSendTime(now, "51")).toEqual(new Date("2026-07-03T23:00:00Z")); // 07:00 WITA
    expect(nextSendTime(now, "91")).toEqual(new Date("2026-07-03T22:00:00Z")); // 07:00 WIT
  });

  it("lets an instant through in the east that is still quiet in the west", () => {
    const now = new Date("2026-07-03T22:30:00Z"); // 05:30 WIB, 06:30 WITA, 07:30 WIT
    expect(nextSendTime(now, "91")).toEqual(now);
    expect(nextSendTime(now, "73")).toEqual(new Date("2026-07-03T23:00:00Z"));
    expect(nextSendTime(now, "32")).toEqual(new Date("2026-07-04T00:00:00Z"));
  });

  it("crosses months and years at night", () => {
    expect(nextSendTime(at("WIB", "2026-12-31T22:00:00"), "31")).toEqual(at("WIB", "2027-01-01T07:00:00"));
    expect(nextSendTime(at("WITA", "2026-02-28T23:00:00"), "51")).toEqual(at("WITA", "2026-03-01T07:00:00"));
    expect(nextSendTime(at("WIT", "2028-02-28T21:00:00"), "94")).toEqual(at("WIT", "2028-02-29T07:00:00"));
  });

  it("handles the unknown province as WIB", () => {
    const now = at("WIB", "2026-07-03T06:59:59");
    expect(nextSendTime(now, null)).toEqual(at("WIB", "2026-07-03T07:00:00"));
    expect(nextSendTime(now, "00")).toEqual(at("WIB", "2026-07-03T07:00:00"));
  });
});

describe("WHATSAPP_QUIET_HOURS", () => {
  it("is 21-7 by default, and keeps the default for a value it cannot read", () => {
    for (const value of [undefined, "", "21-7", "nonsense", "25-7", "7-7", "21:00-07:00"]) {
      expect(quietHoursFromEnv({ WHATSAPP_QUIET_HOURS: value }), String(value)).toEqual({ startsHour: 21, endsHour: 7 });
    }
  });

  it("reads other hours, across midnight or within a day", () => {
    const evening = quietHoursFromEnv({ WHATSAPP_QUIET_HOURS: "20-8" });
    expect(evening).toEqual({ startsHour: 20, endsHour: 8 });
    expect(nextSendTime(at("WIB", "2026-07-03T20:30:00"), "31", evening)).toEqual(at("WIB", "2026-07-04T08:00:00"));
    expect(nextSendTime(at("WIB", "2026-07-03T07:30:00"), "31", evening)).toEqual(at("WIB", "2026-07-03T08:00:00"));
    const early = quietHoursFromEnv({ WHATSAPP_QUIET_HOURS: "0-6" });
    expect(nextSendTime(at("WITA", "2026-07-03T05:00:00"), "51", early)).toEqual(at("WITA", "2026-07-03T06:00:00"));
    const now = at("WITA", "2026-07-03T23:00:00");
    expect(nextSendTime(now, "51", early)).toEqual(now);
  });

  it("off: every instant is a sending instant", () => {
    const hours = quietHoursFromEnv({ WHATSAPP_QUIET_HOURS: "off" });
    expect(hours).toBeNull();
    const now = at("WIB", "2026-07-03T23:30:00");
    expect(nextSendTime(now, "31", hours)).toEqual(now);
  });
});
