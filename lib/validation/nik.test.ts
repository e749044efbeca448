import { describe, expect, it } from "vitest";
import { checkNik, maskNik, nikLast4, normalizeDigits, parseNik, type CheckNikOptions } from "./nik";
import type { ValidationKey } from "./keys";
import { isProvinceCode } from "./test-helpers";

describe("normalizeDigits", () => {
  it.each([
    ["3174 0112 0190 0001", "3174011201900001"],
    ["3174.0112.0190.0001", "3174011201900001"],
    ["3174-0112-0190-0001", "3174011201900001"],
    ["  3174011201900001\t", "3174011201900001"],
    ["3174\u00a00112", "31740112"], // non-breaking space
    ["3174\u20130112", "31740112"], // en dash
    ["", ""],
  ])("%j → %j", (input, expected) => {
    expect(normalizeDigits(input)).toBe(expected);
  });
});

describe("checkNik", () => {
  type Row = [label: string, nik: string, opts: Partial<CheckNikOptions>, expected: ValidationKey[]];
  const rows: Row[] = [
    // valid
    ["man born 12 Jan 1990", "3174011201900001", {}, []],
    ["woman born 12 Jan 1990 (day 52)", "3174015201900002", {}, []],
    ["woman, day 41 = 1st", "3201014101850003", {}, []],
    ["woman, day 71 = 31 Jan", "3201017101850003", {}, []],
    ["man, day 31 Dec", "3201013112850003", {}, []],
    ["29 Feb YY=00 (2000 leap)", "3201012902000003", {}, []],
    ["29 Feb YY=96, woman (day 69)", "3201016902960004", {}, []],
    ["30 Apr", "3201013004900001", {}, []],
    ["typed with spaces", "3174 0112 0190 0001", {}, []],
    ["typed with dots", "3174.0112.0190.0001", {}, []],
    ["typed with dashes and spaces", " 3174-0112-0190-0001 ", {}, []],
    ["matches birth date and sex (man)", "3174011201900001", { birthDate: "1990-01-12", sex: "L" }, []],
    ["matches birth date and sex (woman)", "3174015201900002", { birthDate: "1990-01-12", sex: "P" }, []],
    ["YY only: 2090 still matches 90", "3174011201900001", { birthDate: "2090-01-12" }, []],
    ["woman born 2001", "6471054506010123", { birthDate: "2001-06-05", sex: "P" }, []],
    ["invalid birthDate option is ignored", "3174011201900001", { birthDate: "12/01/1990" }, []],

    // format
    ["empty", "", {}, ["nik.format"]],
    ["15 digits", "317401120190001", {}, ["nik.format"]],
    ["17 digits", "31740112019000011", {}, ["nik.format"]],
    ["letter O instead of zero", "31740112019000O1", {}, ["nik.format"]],
    ["slashes are not stripped", "3174/0112/0190/0001", {}, ["nik.format"]],
    ["full-width digits", "３１７４０１１２０１９０００１", {}, ["nik.format"]],

    // province
    ["unknown province 99", "9901011201900001", {}, ["nik.province"]],
    ["unknown province 00", "0001011201900001", {}, ["nik.province"]],

    // embedded birth date
    ["31 Apr", "3201013104900001", {}, ["nik.birthDate"]],
    ["29 Feb YY=01 (not leap)", "3201012902010001", {}, ["nik.birthDate"]],
    ["woman 29 Feb YY=95 (day 69)", "3201016902950001", {}, ["nik.birthDate"]],
    ["30 Feb", "3201013002960001", {}, ["nik.birthDate"]],
    ["day 00", "3201010001900001", {}, ["nik.birthDate"]],
    ["day 32", "3201013201900001", {}, ["nik.birthDate"]],
    ["day 40", "3201014001900001", {}, ["nik.birthDate"]],
    ["day 72", "3201017201900001", {}, ["nik.birthDate"]],
    ["woman 31 Jun (day 71, month 06)", "3201017106900001", {}, ["nik.birthDate"]],
    ["month 00", "3201011200900001", {}, ["nik.birthDate"]],
    ["month 13", "3201011213900001", {}, ["nik.birthDate"]],

    // serial
    ["serial 0000", "3174011201900000", {}, ["nik.serial"]],

    // mismatches
    ["birth day differs", "3174011201900001", { birthDate: "1990-01-13" }, ["nik.birthDateMismatch"]],
    ["birth month differs", "3174011201900001", { birthDate: "1990-02-12" }, ["nik.birthDateMismatch"]],
    ["birth year differs", "3174011201900001", { birthDate: "1991-01-12" }, ["nik.birthDateMismatch"]],
    ["woman NIK, date compared after minus 40", "3174015201900002", { birthDate: "1990-01-52" }, []],
    ["man NIK but sex P", "3174011201900001", { sex: "P" }, ["nik.sexMismatch"]],
    ["woman NIK but sex L", "3174015201900002", { sex: "L" }, ["nik.sexMismatch"]],
    [
      "both mismatches",
      "3174015201900002",
      { birthDate: "1990-01-11", sex: "L" },
      ["nik.birthDateMismatch", "nik.sexMismatch"],
    ],
    [
      "invalid embedded date: no birthDateMismatch on top, but sex still known",
      "3201017106900001",
      { birthDate: "1990-06-30", sex: "L" },
      ["nik.birthDate", "nik.sexMismatch"],
    ],

    // several at once
    ["province + date + serial", "9901013104900000", {}, ["nik.province", "nik.birthDate", "nik.serial"]],
    ["format hides everything else", "99010131049000", { sex: "P" }, ["nik.format"]],
  ];

  it.each(rows)("%s", (_label, nik, opts, expected) => {
    expect(checkNik(nik, { isProvinceCode, ...opts })).toEqual(expected);
  });
});

describe("parseNik", () => {
  it("parses a man's NIK", () => {
    expect(parseNik("3174 0112 0190 0001")).toEqual({
      ok: true,
      provinceCode: "31",
      regencyCode: "3174",
      districtCode: "317401",
      birthDay: 12,
      birthMonth: 1,
      birthYY: "90",
      sex: "L",
      serial: "0001",
    });
  });

  it("parses a woman's NIK (day minus 40)", () => {
    expect(parseNik("3201016902000042")).toEqual({
      ok: true,
      provinceCode: "32",
      regencyCode: "3201",
      districtCode: "320101",
      birthDay: 29,
      birthMonth: 2,
      birthYY: "00",
      sex: "P",
      serial: "0042",
    });
  });

  it("does not judge the serial (checkNik does)", () => {
    expect(parseNik("3174011201900000")).toMatchObject({ ok: true, serial: "0000" });
  });

  it.each([
    ["", "nik.format"],
    ["123", "nik.format"],
    ["31740112019000AB", "nik.format"],
    ["3201013104900001", "nik.birthDate"],
    ["3201014001900001", "nik.birthDate"],
    ["3201012902010001", "nik.birthDate"],
  ])("%j → %s", (nik, error) => {
    expect(parseNik(nik)).toEqual({ ok: false, error });
  });
});

describe("maskNik / nikLast4", () => {
  it.each([
    ["3174011201900001", "3174••••••••0001"],
    ["3174 0112 0190 0001", "3174••••••••0001"],
    ["12345678", "••••5678"],
    ["123", "•••"],
  ])("maskNik(%j) → %j", (nik, expected) => {
    expect(maskNik(nik)).toBe(expected);
  });

  it("uses U+2022 bullets", () => {
    expect(maskNik("3174011201900001").slice(4, 12)).toBe("\u2022".repeat(8));
  });

  it.each([
    ["3174011201900001", "0001"],
    ["3174.0112.0190.4321", "4321"],
    ["12", ""],
  ])("nikLast4(%j) → %j", (nik, expected) => {
    expect(nikLast4(nik)).toBe(expected);
  });
});
