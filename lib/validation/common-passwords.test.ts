import { describe, expect, it } from "vitest";
import { COMMON_PASSWORDS, isCommonPassword } from "./common-passwords";

describe("isCommonPassword", () => {
  it.each(["password", "12345678", "iloveyou", "qwertyuiop", "Password123!", " PASSWORD "])(
    "%j is common",
    (password) => {
      expect(isCommonPassword(password)).toBe(true);
    },
  );

  // Used as test passwords elsewhere in the repo: they must stay allowed.
  it.each([
    "kata-sandi-rahasia",
    "sandi-baru-lestari",
    "demo-pendamping-2021",
    "benar-sekali-123",
    "rahasia-pendamping",
    "kursus jahit di malang",
  ])("%j is not common", (password) => {
    expect(isCommonPassword(password)).toBe(false);
  });

  it("strips at most 4 trailing digits or punctuation characters", () => {
    expect(isCommonPassword("bismillah1")).toBe(true);
    expect(isCommonPassword("Pendamping2024")).toBe(true);
    expect(isCommonPassword("password2024!")).toBe(false);
    expect(isCommonPassword("")).toBe(false);
    expect(isCommonPassword("   ")).toBe(false);
  });
});

describe("COMMON_PASSWORDS", () => {
  it("has more than 1,000 entries", () => {
    expect(COMMON_PASSWORDS.size).toBeGreaterThan(1000);
  });

  it("holds only lower-case, trimmed entries of at least 8 characters", () => {
    for (const entry of COMMON_PASSWORDS) {
      expect([...entry].length, entry).toBeGreaterThanOrEqual(8);
      expect(entry, entry).toBe(entry.trim().toLowerCase());
    }
  });
});
