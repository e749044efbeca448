// Shares written as whole percentages that add up to 100, by the largest remainder
// (Hamilton) method: each share is rounded down, and the points still missing go to the
// shares that lost the most in rounding. Plain rounding can show 13 % and 88 % for one
// whole (12.5 and 87.5), which a reader rightly takes for a mistake.

/** Whole percentages of `counts` that add up to 100 (all zeros when the total is 0). */
export function wholePercentages(counts: readonly number[]): number[] {
  const total = counts.reduce((sum, n) => sum + n, 0);
  if (total <= 0) return counts.map(() => 0);
  const exact = counts.map((n) => (n * 100) / total);
  const shares = exact.map(Math.floor);
  let missing = 100 - shares.reduce((sum, n) => sum + n, 0);
  // Largest remainder first; on a tie, the larger count, then the earlier one.
  const order = exact
    .map((x, i) => ({ i, remainder: x - shares[i] }))
    .sort((a, b) => b.remainder - a.remainder || counts[b.i] - counts[a.i] || a.i - b.i);
  for (const { i } of order) {
    if (missing <= 0) break;
    shares[i] += 1;
    missing -= 1;
  }
  return shares;
}
