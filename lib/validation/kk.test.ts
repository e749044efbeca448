import { describe, expect, it } from "vitest";
import { checkKk, MAX_PARTICIPANTS_PER_KK } from "./kk";
import type { ValidationKey } from "./keys";
import { isProvinceCode } from "./test-helpers";

describe("checkKk", () => {
  const rows: [label: string, kk: string, expected: ValidationKey[]][] = [
    // valid
    ["Jakarta", "3174012301090001", []],
    ["Aceh", "1101020304050607", []],
    ["Papua", "9101020304051234", []],
    ["typed with spaces", "3174 0123 0109 0001", []],
    ["typed with dots", "3174.0123.0109.0001", []],
    ["typed with dashes", "3174-0123-0109-0001", []],
    ["surrounding whitespace", "  3174012301090001  ", []],

    // format
    ["empty", "", ["kk.format"]],
    ["15 digits", "317401230109000", ["kk.format"]],
    ["17 digits", "31740123010900011", ["kk.format"]],
    ["letters", "3174O12301090001", ["kk.format"]],
    ["slashes", "3174/0123/0109/0001", ["kk.format"]],

    // province
    ["unknown province 99", "9974012301090001", ["kk.province"]],
    ["unknown province 00", "0074012301090001", ["kk.province"]],

    // serial
    ["serial 0000", "3174012301090000", ["kk.serial"]],
    ["serial 0000 typed with spaces", "3174 0123 0109 0000", ["kk.serial"]],

    // both
    ["province + serial", "9974012301090000", ["kk.province", "kk.serial"]],
  ];

  it.each(rows)("%s", (_label, kk, expected) => {
    expect(checkKk(kk, { isProvinceCode })).toEqual(expected);
  });

  it("limit is 2 participants per KK", () => {
    expect(MAX_PARTICIPANTS_PER_KK).toBe(2);
  });
});
