import { describe, expect, it } from "vitest";
import {
  ageOn,
  builtPerDay,
  checkBirthDate,
  checkReturnDate,
  isIsoDate,
  MIN_AGE,
  parseFlexibleDate,
  todayInJakarta,
} from "./dates";
import type { ValidationKey } from "./keys";

describe("isIsoDate", () => {
  it.each([
    ["1990-01-12", true],
    ["2000-02-29", true], // divisible by 400
    ["2024-02-29", true],
    ["1999-12-31", true],
    ["2024-04-30", true],
    ["1900-02-29", false], // divisible by 100, not 400
    ["2023-02-29", false],
    ["2024-04-31", false],
    ["2024-13-01", false],
    ["2024-00-10", false],
    ["2024-01-00", false],
    ["2024-1-5", false],
    ["24-01-05", false],
    ["2024/01/05", false],
    ["05/01/2024", false],
    [" 2024-01-05", false],
    ["2024-01-05T00:00:00Z", false],
    ["0000-01-01", false],
    ["", false],
  ])("%j → %s", (s, expected) => {
    expect(isIsoDate(s)).toBe(expected);
  });
});

describe("ageOn", () => {
  it.each([
    ["2000-06-15", "2018-06-14", 17],
    ["2000-06-15", "2018-06-15", 18],
    ["2000-06-15", "2018-06-16", 18],
    ["2000-06-15", "2018-12-31", 18],
    ["1990-01-12", "2025-01-11", 34],
    ["1990-01-12", "2025-01-12", 35],
    // leap-day birthdays: one year older on 1 March in non-leap years
    ["2004-02-29", "2022-02-28", 17],
    ["2004-02-29", "2022-03-01", 18],
    ["2004-02-29", "2024-02-28", 19],
    ["2004-02-29", "2024-02-29", 20],
    ["2000-01-01", "2000-01-01", 0],
    ["2000-01-02", "2000-01-01", -1],
  ])("born %s, on %s → %i", (birth, on, expected) => {
    expect(ageOn(birth, on)).toBe(expected);
  });

  it("throws on invalid dates", () => {
    expect(() => ageOn("2000-02-30", "2020-01-01")).toThrow(RangeError);
    expect(() => ageOn("2000-01-01", "01/01/2020")).toThrow(RangeError);
  });

  it("MIN_AGE is 18", () => {
    expect(MIN_AGE).toBe(18);
  });
});

describe("parseFlexibleDate", () => {
  it.each([
    ["1990-01-12", "1990-01-12"],
    ["12/01/1990", "1990-01-12"],
    ["2/1/1990", "1990-01-02"],
    ["29/02/2024", "2024-02-29"],
    ["31.12.1990", "1990-12-31"],
    ["31-12-1990", "1990-12-31"],
    ["  12/01/1990 ", "1990-01-12"],
    ["29/02/2023", null],
    ["31/04/1990", null],
    ["2024-02-30", null],
    ["01/13/1990", null], // month-first is not accepted
    ["12/01/90", null],
    ["1990/01/12", null],
    ["12 Januari 1990", null],
    ["", null],
  ])("%j → %j", (s, expected) => {
    expect(parseFlexibleDate(s)).toBe(expected);
  });
});

describe("todayInJakarta", () => {
  it.each([
    ["2024-12-31T16:59:59Z", "2024-12-31"],
    ["2024-12-31T17:00:00Z", "2025-01-01"], // 00:00 WIB
    ["2024-02-28T18:30:00Z", "2024-02-29"],
    ["2025-06-15T05:00:00+02:00", "2025-06-15"],
  ])("%s → %s", (instant, expected) => {
    expect(todayInJakarta(new Date(instant))).toBe(expected);
  });

  it("defaults to now and returns an ISO date", () => {
    expect(isIsoDate(todayInJakarta())).toBe(true);
  });
});

describe("builtPerDay", () => {
  it("builds once for a day and again when the day changes", () => {
    const days: string[] = [];
    const schemaFor = builtPerDay((today) => {
      days.push(today);
      return { today };
    });
    const first = schemaFor("2026-11-29");
    expect(schemaFor("2026-11-29")).toBe(first);
    const next = schemaFor("2026-11-30");
    expect(next).toEqual({ today: "2026-11-30" });
    expect(schemaFor("2026-11-29")).not.toBe(first); // only the last day is kept
    expect(days).toEqual(["2026-11-29", "2026-11-30", "2026-11-29"]);
    expect(schemaFor().today).toBe(todayInJakarta()); // the default is Jakarta's today
  });
});

describe("checkBirthDate", () => {
  const today = "2025-06-15";
  it.each<[string, ValidationKey[]]>([
    ["1990-01-12", []],
    ["2007-06-15", []], // 18 today
    ["2007-06-16", ["age.under18"]], // 18 tomorrow
    ["2015-01-01", ["age.under18"]],
    ["2025-06-15", ["age.under18"]],
    ["2025-06-16", ["date.future"]],
    ["2030-01-01", ["date.future"]],
    ["1899-12-31", ["date.invalid"]],
    ["1990-02-30", ["date.invalid"]],
    ["12/01/1990", ["date.invalid"]],
    ["", ["date.invalid"]],
  ])("%j → %j", (birthDate, expected) => {
    expect(checkBirthDate(birthDate, { today })).toEqual(expected);
  });
});

describe("checkReturnDate", () => {
  const today = "2025-06-15";
  const birthDate = "1990-01-12";
  it.each<[string | null | undefined, boolean, ValidationKey[]]>([
    ["2024-03-01", true, []],
    ["2025-06-15", true, []], // today
    ["", true, ["returnDate.required"]],
    ["  ", true, ["returnDate.required"]],
    [null, true, ["returnDate.required"]],
    [undefined, true, ["returnDate.required"]],
    ["", false, []],
    [undefined, false, []],
    ["2025-06-16", true, ["returnDate.future"]],
    ["1989-12-31", true, ["returnDate.beforeBirth"]],
    ["1990-01-12", true, []], // same day as birth: not before
    ["2024-02-30", true, ["date.invalid"]],
    ["01/03/2024", false, ["date.invalid"]],
  ])("%j (required=%s) → %j", (returnDate, required, expected) => {
    expect(checkReturnDate(returnDate, { required, birthDate, today })).toEqual(expected);
  });

  it("skips the birth check without a valid birth date", () => {
    expect(checkReturnDate("1980-01-01", { required: true, today })).toEqual([]);
    expect(checkReturnDate("1980-01-01", { required: true, today, birthDate: "x" })).toEqual([]);
  });
});
