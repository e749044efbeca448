import { describe, expect, it } from "vitest";
import { messagesFor } from "./messages";

function keys(value: unknown, prefix = ""): string[] {
  if (typeof value !== "object" || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

/** ICU argument names: "{name}" or "{count, plural, …}", not the text of a plural branch ("other {…}"). */
function placeholders(text: string): string[] {
  const args = /(?<!(?:=\d+|zero|one|two|few|many|other)\s*)\{(\w+)\s*[,}]/g;
  return [...new Set([...text.matchAll(args)].map((m) => m[1]))].sort();
}

describe("message catalogues", () => {
  const id = messagesFor("id");
  const en = messagesFor("en");

  it("have the same keys in Bahasa Indonesia and English", () => {
    expect(keys(en).sort()).toEqual(keys(id).sort());
  });

  it("have no empty message and the same placeholders in both languages", () => {
    for (const key of keys(id)) {
      const get = (o: unknown) => key.split(".").reduce((v, k) => (v as Record<string, unknown>)[k], o) as string;
      expect(get(id), key).not.toBe("");
      expect(placeholders(get(en)), key).toEqual(placeholders(get(id)));
    }
  });
});
