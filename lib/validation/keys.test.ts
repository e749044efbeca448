import { describe, expect, it } from "vitest";
import { isValidationKey, validationKeys } from "./keys";
import id from "../../messages/id/validation.json";
import en from "../../messages/en/validation.json";

/** Flattens { a: { b: "x" } } to { "a.b": "x" }; non-string leaves are reported as errors. */
function flatten(obj: unknown, prefix = ""): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) Object.assign(out, flatten(v, key));
    else out[key] = v;
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

const catalogues = { id: flatten(id), en: flatten(en) };

describe("validationKeys", () => {
  it("has no duplicates", () => {
    expect(new Set(validationKeys).size).toBe(validationKeys.length);
  });

  it("no key is also a prefix of another (nested JSON must be possible)", () => {
    for (const a of validationKeys) {
      expect(validationKeys.some((b) => b.startsWith(`${a}.`))).toBe(false);
    }
  });

  it("isValidationKey", () => {
    expect(isValidationKey("nik.format")).toBe(true);
    expect(isValidationKey("nik")).toBe(false);
    expect(isValidationKey(42)).toBe(false);
  });

  it.each(Object.entries(catalogues))("messages/%s/validation.json has exactly these keys", (_lang, flat) => {
    expect(Object.keys(flat).sort()).toEqual([...validationKeys].sort());
  });

  it.each(Object.entries(catalogues))("messages/%s/validation.json: every message is a non-empty string", (_lang, flat) => {
    for (const [key, value] of Object.entries(flat)) {
      expect(typeof value, key).toBe("string");
      expect((value as string).trim().length, key).toBeGreaterThan(0);
    }
  });

  it("both languages use the same ICU placeholders", () => {
    for (const key of validationKeys) {
      expect(placeholders(String(catalogues.en[key])), key).toEqual(placeholders(String(catalogues.id[key])));
    }
    expect(placeholders(String(catalogues.id["form.unexpected"]))).toEqual(["id"]);
  });

  it("messages contain no stray ICU syntax (braces only as {name})", () => {
    for (const flat of Object.values(catalogues)) {
      for (const [key, value] of Object.entries(flat)) {
        const rest = String(value).replace(/\{\w+\}/g, "");
        expect(/[{}]/.test(rest), key).toBe(false);
        // An apostrophe right before a brace would be an ICU escape.
        expect(/'[{}]/.test(String(value)), key).toBe(false);
      }
    }
  });
});
