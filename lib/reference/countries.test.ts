import { describe, expect, it } from "vitest";
import {
  commonPlacementCountries,
  countryName,
  countryOptions,
  isCountryCode,
  resolveCountry,
} from "./countries";

describe("isCountryCode", () => {
  it.each(["MY", "my", "Hk", "ID", "US", "GB", "TW"])("accepts %s", (code) => {
    expect(isCountryCode(code)).toBe(true);
  });

  it.each(["", "M", "MYS", "UK", "XX", "ZZ", "12", " MY", "MY "])("rejects %j", (code) => {
    expect(isCountryCode(code)).toBe(false);
  });
});

describe("countryName", () => {
  it.each([
    ["MY", "id", "Malaysia"],
    ["HK", "id", "Hong Kong"],
    ["SA", "id", "Arab Saudi"],
    ["KR", "id", "Korea Selatan"],
    ["AE", "id", "Uni Emirat Arab"],
    ["JP", "id", "Jepang"],
    ["SG", "en", "Singapore"],
    ["SA", "en", "Saudi Arabia"],
    ["KR", "en", "South Korea"],
    ["TW", "en", "Taiwan"],
    ["TW", "id", "Taiwan"],
    ["us", "en", "United States"],
  ] as const)("%s in %s is %s", (code, locale, name) => {
    expect(countryName(code, locale)).toBe(name);
  });

  it("falls back to the upper-cased code for unknown codes", () => {
    expect(countryName("zz", "id")).toBe("ZZ");
  });
});

describe("resolveCountry", () => {
  it.each([
    // alpha-2 codes, any case, trimmed
    ["MY", "MY"],
    ["my", "MY"],
    ["  hk ", "HK"],
    ["Tw", "TW"],
    // Indonesian names
    ["Malaysia", "MY"],
    ["Arab Saudi", "SA"],
    ["Korea Selatan", "KR"],
    ["Uni Emirat Arab", "AE"],
    ["Amerika Serikat", "US"],
    ["Jepang", "JP"],
    ["Singapura", "SG"],
    ["Brunei Darussalam", "BN"],
    ["Belanda", "NL"],
    ["Selandia Baru", "NZ"],
    ["Britania Raya", "GB"],
    ["Turki", "TR"],
    // English names
    ["Saudi Arabia", "SA"],
    ["South Korea", "KR"],
    ["Republic of Korea", "KR"],
    ["United Arab Emirates", "AE"],
    ["United States", "US"],
    ["United States of America", "US"],
    ["United Kingdom", "GB"],
    ["Singapore", "SG"],
    ["Japan", "JP"],
    ["Netherlands", "NL"],
    // variants common in migrant-worker data
    ["Hongkong", "HK"],
    ["Hong Kong", "HK"],
    ["HONG KONG", "HK"],
    ["hong-kong", "HK"],
    ["Hong Kong SAR", "HK"],
    ["Taiwan", "TW"],
    ["taiwan roc", "TW"],
    ["Korea", "KR"],
    ["Korsel", "KR"],
    ["Saudi", "SA"],
    ["KSA", "SA"],
    ["UAE", "AE"],
    ["U.A.E.", "AE"],
    ["UEA", "AE"],
    ["Brunei", "BN"],
    ["USA", "US"],
    ["U.S.A.", "US"],
    ["Inggris", "GB"],
    ["UK", "GB"],
    ["England", "GB"],
    ["Katar", "QA"],
    ["Tiongkok", "CN"],
    ["Macau", "MO"],
    ["Vietnam", "VN"],
    ["Viet Nam", "VN"],
    // case, accents, whitespace
    ["  MALAYSIA  ", "MY"],
    ["arab   saudi", "SA"],
    ["Côte d'Ivoire", "CI"],
    ["cote divoire", "CI"],
    ["Pantai Gading", "CI"],
    ["Türkiye", "TR"],
    ["Turkiye", "TR"],
    ["Åland Islands", "AX"],
    // alpha-3 codes
    ["MYS", "MY"],
    ["hkg", "HK"],
    ["SAU", "SA"],
    // home country still resolves (callers decide whether to allow it)
    ["Indonesia", "ID"],
  ])("%j → %s", (input, code) => {
    expect(resolveCountry(input)).toBe(code);
  });

  it.each([
    "",
    "   ",
    "-",
    "??",
    "XX",
    "ZZZ",
    "Narnia",
    "Wakanda",
    "Malaysiaa",
    "Saudi Arabia Selatan",
    "123",
    "Congo", // names both CG and CD
    "Jakarta",
  ])("%j → null", (input) => {
    expect(resolveCountry(input)).toBeNull();
  });

  it("resolves every official name in both locales back to its code", () => {
    for (const locale of ["id", "en"] as const) {
      for (const { code, name } of countryOptions(locale)) {
        expect(resolveCountry(name), `${locale} ${name}`).toBe(code);
      }
    }
  });

  it("is fast enough for 100,000 calls", () => {
    const inputs = ["Hongkong", "MY", "Arab Saudi", "taiwan", "garbage", "United Arab Emirates", "sau"];
    const start = performance.now();
    let misses = 0;
    for (let i = 0; i < 100_000; i++) if (resolveCountry(inputs[i % inputs.length]) === null) misses++;
    const elapsed = performance.now() - start;
    expect(misses).toBe(14_286); // "garbage" at i % 7 === 4
    expect(elapsed).toBeLessThan(1_000);
  });
});

describe("countryOptions", () => {
  it.each(["id", "en"] as const)("lists every country but Indonesia, sorted by %s name", (locale) => {
    const options = countryOptions(locale);
    expect(options.length).toBeGreaterThan(240);
    expect(options.some((o) => o.code === "ID")).toBe(false);
    const collator = new Intl.Collator(locale, { sensitivity: "base" });
    for (let i = 1; i < options.length; i++) {
      expect(collator.compare(options[i - 1].name, options[i].name)).toBeLessThanOrEqual(0);
    }
    for (const o of options) {
      expect(isCountryCode(o.code)).toBe(true);
      expect(o.code).toBe(o.code.toUpperCase());
      expect(o.name).toBe(countryName(o.code, locale));
    }
  });

  it("uses the locale's names", () => {
    expect(countryOptions("id").find((o) => o.code === "SA")?.name).toBe("Arab Saudi");
    expect(countryOptions("en").find((o) => o.code === "SA")?.name).toBe("Saudi Arabia");
  });

  it("hands out fresh objects", () => {
    const first = countryOptions("id");
    first[0].name = "changed";
    first.length = 0;
    expect(countryOptions("id")[0].name).not.toBe("changed");
  });
});

describe("commonPlacementCountries", () => {
  it("is the agreed shortlist of valid codes, without Indonesia", () => {
    expect(commonPlacementCountries).toEqual(["MY", "HK", "TW", "SA", "SG", "KR", "JP", "AE", "BN", "QA", "KW", "OM"]);
    for (const code of commonPlacementCountries) {
      expect(isCountryCode(code)).toBe(true);
      expect(code).not.toBe("ID");
    }
  });
});

describe("country names from CLDR", () => {
  it("names every country in Indonesian, in Indonesian, wherever CLDR has a name of its own", () => {
    const en = new Map(countryOptions("en").map((o) => [o.code, o.name]));
    const cldrId = new Intl.DisplayNames(["id"], { type: "region", fallback: "none" });
    const cldrEn = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });
    const options = countryOptions("id");
    expect(options.length).toBeGreaterThan(240);
    for (const { code, name } of options) {
      expect(name, code).not.toBe(code);
      // Where CLDR's Indonesian differs from its English, ours does too.
      if (code !== "HK" && code !== "MO" && cldrId.of(code) && cldrEn.of(code) && cldrId.of(code) !== cldrEn.of(code)) expect(name, code).not.toBe(en.get(code));
    }
  });

  it("has no English leftovers or misspellings in the Indonesian list", () => {
    const names = new Map(countryOptions("id").map((o) => [o.code, o.name]));
    expect(names.get("SE")).toBe("Swedia");
    expect(names.get("AX")).toBe("Kepulauan Aland");
    expect(names.get("GT")).toBe("Guatemala");
    expect([...names.values()]).not.toContain("Guatamala");
    expect([...names.values()]).not.toContain("Sweden");
  });

  it("still reads the package's spellings and CLDR's from an import file", () => {
    expect(resolveCountry("Swedia")).toBe("SE");
    expect(resolveCountry("Sweden")).toBe("SE");
    expect(resolveCountry("Guatemala")).toBe("GT");
    expect(resolveCountry("Hong Kong DAK Tiongkok")).toBe("HK");
  });
});
