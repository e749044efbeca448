import { describe, expect, it } from "vitest";
import {
  checkAddress,
  checkConsent,
  checkEmail,
  checkFullName,
  checkPassword,
  checkRequired,
  checkSector,
  checkSex,
  collapseSpaces,
  isBlank,
  normalizeEmail,
  normalizeFullName,
  regencyBelongsToProvince,
} from "./common";
import type { ValidationKey } from "./keys";

describe("email", () => {
  it.each([
    ["  Siti.Aminah@Gmail.COM ", "siti.aminah@gmail.com"],
    ["budi@yahoo.co.id", "budi@yahoo.co.id"],
  ])("normalizeEmail(%j) → %j", (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });

  it.each<[string, ValidationKey[]]>([
    ["siti@gmail.com", []],
    ["  Siti.Aminah@Gmail.COM ", []],
    ["budi+prakerja@yahoo.co.id", []],
    ["a_b-c@sub.domain.org", []],
    ["user@pochta.xn--p1ai", []],
    ["", ["email.invalid"]],
    ["siti", ["email.invalid"]],
    ["siti@", ["email.invalid"]],
    ["@gmail.com", ["email.invalid"]],
    ["siti@gmail", ["email.invalid"]],
    ["siti@@gmail.com", ["email.invalid"]],
    ["siti@gm@il.com", ["email.invalid"]],
    ["siti aminah@gmail.com", ["email.invalid"]],
    ["siti..aminah@gmail.com", ["email.invalid"]],
    [".siti@gmail.com", ["email.invalid"]],
    ["siti@-gmail.com", ["email.invalid"]],
    ["siti@gmail..com", ["email.invalid"]],
    ["siti@gmail.c", ["email.invalid"]],
    ["siti@gmail.123", ["email.invalid"]],
    ["a".repeat(65) + "@gmail.com", ["email.invalid"]],
    [`${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(58)}.com`, ["email.invalid"]], // 255 chars
  ])("checkEmail(%j) → %j", (input, expected) => {
    expect(checkEmail(input)).toEqual(expected);
  });

  it("accepts exactly 254 characters", () => {
    const email = `${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(57)}.com`;
    expect(email.length).toBe(254);
    expect(checkEmail(email)).toEqual([]);
  });
});

describe("checkPassword", () => {
  it.each<[string, ValidationKey[]]>([
    ["12345678", ["password.common"]],
    ["password", ["password.common"]], // no composition rules, but not a common password
    ["kursus menjahit di malang", []],
    ["12345678a-sandi", []],
    ["kata sandi saya", []],
    ["a".repeat(128), []],
    ["😀".repeat(8), []], // code points, not UTF-16 units
    ["", ["password.tooShort"]],
    ["1234567", ["password.tooShort"]],
    ["😀".repeat(7), ["password.tooShort"]],
    ["a".repeat(129), ["password.tooLong"]],
  ])("%j → %j", (pw, expected) => {
    expect(checkPassword(pw)).toEqual(expected);
  });
});

describe("fullName", () => {
  it("normalises spaces", () => {
    expect(normalizeFullName("  Siti   Nur\tAminah  ")).toBe("Siti Nur Aminah");
  });

  it.each<[string, ValidationKey[]]>([
    ["Siti Aminah", []],
    ["Sukarno", []],
    ["  Siti   Nur  Aminah  ", []],
    ["Ni Luh Putu Ayu", []],
    ["Muh. Ridwan", []],
    ["Nur'aini", []],
    ["Ma\u2019ruf Amin", []],
    ["Siti Al-Fatimah", []],
    ["José Müller", []],
    ["陈美玲", []],
    ["عبد الله", []],
    ["Al", []],
    ["A".repeat(100), []],
    ["", ["fullName.required"]],
    ["   ", ["fullName.required"]],
    ["A", ["fullName.invalid"]],
    ["A".repeat(101), ["fullName.invalid"]],
    ["Siti123", ["fullName.invalid"]],
    ["Siti, S.Pd", ["fullName.invalid"]],
    ["Siti_Aminah", ["fullName.invalid"]],
    ["Siti 😀", ["fullName.invalid"]],
    ["<script>", ["fullName.invalid"]],
    ["--", ["fullName.invalid"]],
    [". '", ["fullName.invalid"]],
  ])("%j → %j", (name, expected) => {
    expect(checkFullName(name)).toEqual(expected);
  });
});

describe("address and sector", () => {
  it.each<[string, ValidationKey[]]>([
    ["Jl. Melati No. 5, RT 02/RW 03, Desa Sukamaju", []],
    ["Jl. A", []],
    ["a".repeat(300), []],
    ["", ["address.invalid"]],
    ["Jl.", ["address.invalid"]],
    ["  Jl    ", ["address.invalid"]],
    ["a".repeat(301), ["address.invalid"]],
  ])("checkAddress(%j) → %j", (s, expected) => {
    expect(checkAddress(s)).toEqual(expected);
  });

  it.each<[string, ValidationKey[]]>([
    ["Rumah tangga", []],
    ["IT", []],
    ["a".repeat(100), []],
    ["", ["sector.required"]],
    [" x ", ["sector.required"]],
    ["a".repeat(101), ["sector.required"]],
  ])("checkSector(%j) → %j", (s, expected) => {
    expect(checkSector(s)).toEqual(expected);
  });
});

describe("small helpers", () => {
  it.each<[unknown, ValidationKey[]]>([
    ["L", []],
    ["P", []],
    ["l", ["sex.invalid"]],
    ["", ["sex.invalid"]],
    [undefined, ["sex.invalid"]],
  ])("checkSex(%j) → %j", (v, expected) => {
    expect(checkSex(v)).toEqual(expected);
  });

  it.each<[unknown, ValidationKey[]]>([
    [true, []],
    ["on", []],
    ["true", []],
    [false, ["consent.required"]],
    [undefined, ["consent.required"]],
    ["", ["consent.required"]],
    ["false", ["consent.required"]],
  ])("checkConsent(%j) → %j", (v, expected) => {
    expect(checkConsent(v)).toEqual(expected);
  });

  it.each<[string | null | undefined, ValidationKey[]]>([
    ["x", []],
    ["", ["required"]],
    ["  ", ["required"]],
    [null, ["required"]],
    [undefined, ["required"]],
  ])("checkRequired(%j) → %j", (v, expected) => {
    expect(checkRequired(v)).toEqual(expected);
    expect(isBlank(v)).toBe(expected.length > 0);
  });

  it("collapseSpaces", () => {
    expect(collapseSpaces(" a \n\t b  ")).toBe("a b");
  });

  it.each([
    ["3174", "31", true],
    ["31.74", "31", true],
    ["3273", "31", false],
    ["317", "31", false],
    ["3174", "3", false],
  ])("regencyBelongsToProvince(%j, %j) → %s", (r, p, expected) => {
    expect(regencyBelongsToProvince(r, p)).toBe(expected);
  });
});
