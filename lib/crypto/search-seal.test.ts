import { describe, expect, it } from "vitest";
import { queryFields } from "@/lib/validation/query";
import { hasClearSearch, openSearch, openSearchParams, sealQuery, sealSearch } from "./search-seal";

process.env.AUTH_SECRET ??= "test-secret-for-search-seal-0123456789";

const USER = "2f9b7c1e-0000-4000-8000-000000000001";
const OTHER = "2f9b7c1e-0000-4000-8000-000000000002";

describe("sealed searches", () => {
  it("opens for the same user only, and never shows the search in the token", () => {
    const token = sealSearch("3174011705900001", USER);
    expect(token).not.toContain("3174");
    expect(Buffer.from(token, "base64url").toString("latin1")).not.toContain("3174011705900001");
    expect(openSearch(token, USER)).toBe("3174011705900001");
    expect(openSearch(token, OTHER)).toBeNull();
  });

  it("expires after 12 hours and refuses a forged or cut token", () => {
    const made = Date.UTC(2021, 5, 1);
    const token = sealSearch("Siti", USER, made);
    expect(openSearch(token, USER, made + 11 * 3600_000)).toBe("Siti");
    expect(openSearch(token, USER, made + 13 * 3600_000)).toBeNull();
    const bytes = Buffer.from(token, "base64url");
    bytes[13] ^= 1;
    expect(openSearch(bytes.toString("base64url"), USER, made)).toBeNull();
    expect(openSearch(token.slice(0, 20), USER, made)).toBeNull();
    expect(openSearch("", USER)).toBeNull();
    expect(openSearch("%%%", USER)).toBeNull();
  });

  it("replaces q by s in a query string, keeps the rest, and opens it back", () => {
    const query = sealQuery("stage=lms&q=0812+3456&page=2", USER);
    const params = new URLSearchParams(query);
    expect(params.get("q")).toBeNull();
    expect(params.get("stage")).toBe("lms");
    expect(params.get("page")).toBe("2");
    expect(query).not.toContain("0812");
    expect(openSearchParams(queryFields(params), USER)).toEqual({ stage: "lms", page: "2", q: "0812 3456" });
    expect(sealQuery("stage=lms", USER)).toBe("stage=lms");
  });

  it("ignores a search in clear and tells the page to seal it", () => {
    expect(openSearchParams(queryFields({ q: "Siti", stage: "lms" }), USER)).toEqual({ stage: "lms" });
    expect(hasClearSearch(queryFields({ q: "Siti" }))).toBe(true);
    expect(hasClearSearch(queryFields({ q: "  " }))).toBe(false);
    expect(hasClearSearch(queryFields(new URLSearchParams("stage=lms")))).toBe(false);
  });

  it("reads the search inside a token like any other value of the query string", () => {
    // As an old link sealed it, before the clear search went through queryFields.
    const s = sealSearch("Siti\u0000Aminah\u0007", USER);
    expect(openSearchParams(queryFields({ s }), USER)).toEqual({ q: "SitiAminah" });
    expect(openSearchParams(queryFields({ s: sealSearch("\u0000", USER) }), USER)).toEqual({});
  });
});
