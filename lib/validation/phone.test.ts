import { describe, expect, it } from "vitest";
import { maskPhone, normalizePhone } from "./phone";

describe("normalizePhone: accepted", () => {
  it.each([
    // Indonesian mobile, many ways of typing it
    ["081234567890", "+6281234567890", "ID"],
    ["0812-3456-7890", "+6281234567890", "ID"],
    ["0812 3456 7890", "+6281234567890", "ID"],
    ["0812.3456.7890", "+6281234567890", "ID"],
    ["6281234567890", "+6281234567890", "ID"],
    ["+62 812 3456 7890", "+6281234567890", "ID"],
    ["+62-812-3456-7890", "+6281234567890", "ID"],
    ["(+62) 812-3456-7890", "+6281234567890", "ID"],
    ["0062 812 3456 7890", "+6281234567890", "ID"],
    ["81234567890", "+6281234567890", "ID"],
    ["  0811 1234 5678  ", "+6281112345678", "ID"],
    ["0857-1234-5678", "+6285712345678", "ID"],
    // foreign mobiles
    ["+60 12-345 6789", "+60123456789", "MY"],
    ["0060 12-345 6789", "+60123456789", "MY"],
    ["+852 9123 4567", "+85291234567", "HK"],
    ["+886 912 345 678", "+886912345678", "TW"],
    ["+966 50 123 4567", "+966501234567", "SA"],
    ["+65 9123 4567", "+6591234567", "SG"],
    ["+971 50 123 4567", "+971501234567", "AE"],
    ["+82 10-1234-5678", "+821012345678", "KR"],
    ["+81 90-1234-5678", "+819012345678", "JP"],
    // fixed-line-or-mobile (US numbering can't tell) is fine abroad
    ["+1 202 555 0123", "+12025550123", "US"],
  ])("%j → %s (%s)", (input, e164, country) => {
    expect(normalizePhone(input)).toEqual({ ok: true, e164, country });
  });
});

describe("normalizePhone: rejected", () => {
  it.each([
    // Indonesian landline / service numbers
    ["021-5551234", "phone.notMobile"],
    ["(021) 555 1234", "phone.notMobile"],
    ["+62 21 555 1234", "phone.notMobile"],
    ["0800-1-234567", "phone.notMobile"], // toll-free
    // known foreign landlines
    ["+852 2123 4567", "phone.notMobile"],
    ["+65 6123 4567", "phone.notMobile"],
    ["+44 20 7946 0958", "phone.notMobile"],
    // invalid
    ["", "phone.invalid"],
    ["   ", "phone.invalid"],
    ["abc", "phone.invalid"],
    ["0812-3456-789O", "phone.invalid"], // letter O
    ["08123", "phone.invalid"],
    ["+62 8123", "phone.invalid"],
    ["+62 812 3456 7890 123", "phone.invalid"],
    ["+62 809 1234 5678", "phone.invalid"],
    ["60123456789", "phone.invalid"], // Malaysian number without + is read as Indonesian
    ["+60 12", "phone.invalid"],
    ["+852 1234", "phone.invalid"],
    ["62+81234567890", "phone.invalid"], // + not at the start
    ["+800 1234 5678", "phone.invalid"], // international freephone: no country
    ["tel: 081234567890", "phone.invalid"], // no text extraction
    ["0".repeat(40), "phone.invalid"],
  ])("%j → %s", (input, error) => {
    expect(normalizePhone(input)).toEqual({ ok: false, error });
  });
});

describe("maskPhone", () => {
  it.each([
    ["+6281234567890", "+62812••••7890"],
    ["+62811123456789", "+62811•••••6789"],
    ["+628123456789", "+6281••••6789"], // 10-digit national: still hide 4
    ["+60123456789", "+601••••6789"],
    ["+85291234567", "+852••••4567"],
    ["+886912345678", "+8869••••5678"],
    ["081234567890", "••••••••7890"], // not E.164: only last 4 shown
    ["123", "•••"],
    ["", ""],
  ])("%j → %j", (input, expected) => {
    expect(maskPhone(input)).toBe(expected);
  });

  it("masks the output of normalizePhone", () => {
    const r = normalizePhone("0812-3456-7890");
    expect(r.ok && maskPhone(r.e164)).toBe("+62812••••7890");
  });
});
