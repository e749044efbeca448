import { describe, expect, it } from "vitest";
import {
  findNikRegency,
  findProvince,
  findRegency,
  isNikProvinceCode,
  isProvinceCode,
  legacyNikRegencyCodes,
  provinces,
  regencies,
  regenciesOf,
} from "./regions";

describe("provinces", () => {
  it("has exactly the 38 current provinces, sorted by code", () => {
    expect(provinces).toHaveLength(38);
    const codes = provinces.map((p) => p.code);
    expect(codes).toEqual([...codes].sort());
    expect(new Set(codes).size).toBe(38);
    for (const p of provinces) {
      expect(p.code).toMatch(/^\d{2}$/);
      expect(p.name.trim()).toBe(p.name);
      expect(p.name).not.toBe(p.name.toUpperCase());
    }
    expect(codes[0]).toBe("11");
    expect(codes.at(-1)).toBe("96");
  });

  it.each([
    ["11", "Aceh"],
    ["31", "DKI Jakarta"],
    ["32", "Jawa Barat"],
    ["33", "Jawa Tengah"],
    ["34", "DI Yogyakarta"],
    ["35", "Jawa Timur"],
    ["65", "Kalimantan Utara"],
    ["91", "Papua"],
    ["92", "Papua Barat"],
    ["93", "Papua Selatan"],
    ["94", "Papua Tengah"],
    ["95", "Papua Pegunungan"],
    ["96", "Papua Barat Daya"],
  ])("findProvince(%s) is %s", (code, name) => {
    expect(findProvince(code)).toEqual({ code, name });
  });

  it("finds nothing for unknown codes", () => {
    for (const code of ["", "00", "10", "20", "54", "97", "99", "3", "311", " 31"]) {
      expect(findProvince(code)).toBeUndefined();
    }
  });
});

describe("regencies", () => {
  it("has the 514 kabupaten/kota of the current coding (416 + 98)", () => {
    expect(regencies).toHaveLength(514);
    expect(regencies.filter((r) => r.name.startsWith("Kabupaten "))).toHaveLength(416);
    expect(regencies.filter((r) => r.name.startsWith("Kota "))).toHaveLength(98);
  });

  it("every regency belongs to an existing province and its code starts with it", () => {
    const seen = new Set<string>();
    for (const r of regencies) {
      expect(r.code).toMatch(/^\d{4}$/);
      expect(isProvinceCode(r.provinceCode)).toBe(true);
      expect(r.code.startsWith(r.provinceCode)).toBe(true);
      expect(seen.has(r.code)).toBe(false);
      seen.add(r.code);
      // Kota codes are xx71 and up, kabupaten below.
      expect(r.name.startsWith("Kota ")).toBe(Number(r.code.slice(2)) >= 71);
    }
  });

  it("every province has at least one regency", () => {
    for (const p of provinces) expect(regenciesOf(p.code).length).toBeGreaterThan(0);
  });

  it.each([
    ["1101", "11", "Kabupaten Aceh Selatan"],
    ["1109", "11", "Kabupaten Simeulue"],
    ["1171", "11", "Kota Banda Aceh"],
    ["3101", "31", "Kabupaten Administrasi Kepulauan Seribu"],
    ["3171", "31", "Kota Administrasi Jakarta Pusat"],
    ["3172", "31", "Kota Administrasi Jakarta Utara"],
    ["3173", "31", "Kota Administrasi Jakarta Barat"],
    ["3174", "31", "Kota Administrasi Jakarta Selatan"],
    ["3175", "31", "Kota Administrasi Jakarta Timur"],
    ["3201", "32", "Kabupaten Bogor"],
    ["3273", "32", "Kota Bandung"],
    ["3578", "35", "Kota Surabaya"],
    ["6271", "62", "Kota Palangka Raya"],
    ["6501", "65", "Kabupaten Bulungan"],
    ["9171", "91", "Kota Jayapura"],
    ["9203", "92", "Kabupaten Fakfak"],
    ["9301", "93", "Kabupaten Merauke"],
    ["9404", "94", "Kabupaten Mimika"],
    ["9501", "95", "Kabupaten Jayawijaya"],
    ["9671", "96", "Kota Sorong"],
  ])("findRegency(%s) is %s / %s", (code, provinceCode, name) => {
    expect(findRegency(code)).toEqual({ code, provinceCode, name });
  });

  it("regenciesOf returns the province's regencies in code order", () => {
    expect(regenciesOf("31").map((r) => r.code)).toEqual(["3101", "3171", "3172", "3173", "3174", "3175"]);
    expect(regenciesOf("93").map((r) => r.name)).toEqual([
      "Kabupaten Merauke",
      "Kabupaten Boven Digoel",
      "Kabupaten Mappi",
      "Kabupaten Asmat",
    ]);
    expect(regenciesOf("99")).toEqual([]);
  });

  it("regenciesOf hands out a copy", () => {
    regenciesOf("31").pop();
    expect(regenciesOf("31")).toHaveLength(6);
  });

  it("finds nothing for unknown or renumbered codes", () => {
    for (const code of ["", "3100", "3176", "31", "317", "31711", "9101", "9201"]) {
      expect(findRegency(code)).toBeUndefined();
    }
  });
});

describe("province code checks", () => {
  it("isProvinceCode accepts exactly the 38 current codes", () => {
    const accepted: string[] = [];
    for (let i = 0; i < 100; i++) {
      const code = String(i).padStart(2, "0");
      if (isProvinceCode(code)) accepted.push(code);
    }
    expect(accepted).toEqual(provinces.map((p) => p.code));
    expect(isProvinceCode("3")).toBe(false);
    expect(isProvinceCode("031")).toBe(false);
  });

  it("isNikProvinceCode accepts current codes, including the pre-split Papua ones", () => {
    for (const p of provinces) expect(isNikProvinceCode(p.code)).toBe(true);
    // NIKs issued before the 2022 split start with 91 (Papua) or 92 (Papua Barat).
    expect(isNikProvinceCode("91")).toBe(true);
    expect(isNikProvinceCode("92")).toBe(true);
    for (const code of ["00", "10", "54", "97", "99", "", "9"]) expect(isNikProvinceCode(code)).toBe(false);
  });
});

describe("legacy NIK regency codes (2022 Papua split)", () => {
  it("maps pre-split codes to current regencies in the new provinces", () => {
    expect(Object.keys(legacyNikRegencyCodes)).toHaveLength(26);
    for (const [oldCode, newCode] of Object.entries(legacyNikRegencyCodes)) {
      expect(findRegency(oldCode)).toBeUndefined();
      expect(["91", "92"]).toContain(oldCode.slice(0, 2));
      expect(["93", "94", "95", "96"]).toContain(findRegency(newCode)?.provinceCode);
    }
  });

  it.each([
    ["9101", "9301", "Kabupaten Merauke"],
    ["9109", "9404", "Kabupaten Mimika"],
    ["9102", "9501", "Kabupaten Jayawijaya"],
    ["9201", "9601", "Kabupaten Sorong"],
    ["9271", "9671", "Kota Sorong"],
  ])("findNikRegency(%s) → %s %s", (oldCode, code, name) => {
    expect(findNikRegency(oldCode)).toMatchObject({ code, name });
  });

  it("findNikRegency also finds current codes and rejects unknown ones", () => {
    expect(findNikRegency("3201")?.name).toBe("Kabupaten Bogor");
    expect(findNikRegency("9171")?.name).toBe("Kota Jayapura");
    expect(findNikRegency("9199")).toBeUndefined();
    expect(findNikRegency("")).toBeUndefined();
  });
});
