import { describe, expect, it } from "vitest";
import { wholePercentages } from "./percent";

describe("wholePercentages", () => {
  it("adds up to 100 where plain rounding gives 101 or 99", () => {
    expect(wholePercentages([1, 7])).toEqual([12, 88]); // 12.5 + 87.5: rounding says 13 + 88; a tie goes to the larger count
    expect(wholePercentages([1, 1, 1])).toEqual([34, 33, 33]); // rounding says 33 × 3 = 99
    expect(wholePercentages([2, 3, 3])).toEqual([25, 38, 37]); // equal counts: the earlier share
  });

  it("keeps exact shares and handles nothing to share", () => {
    expect(wholePercentages([1, 3])).toEqual([25, 75]);
    expect(wholePercentages([5, 0])).toEqual([100, 0]);
    expect(wholePercentages([0, 0])).toEqual([0, 0]);
    expect(wholePercentages([])).toEqual([]);
  });

  it("always sums to 100 over many splits", () => {
    for (let a = 0; a <= 60; a++) {
      for (let b = 0; b <= 60; b++) {
        if (a + b === 0) continue;
        const shares = wholePercentages([a, b, (a * b) % 7]);
        expect(shares.reduce((s, n) => s + n, 0)).toBe(100);
        expect(shares.every((n) => n >= 0)).toBe(true);
      }
    }
  });
});
