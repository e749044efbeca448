// Medians from histograms: the dashboard keeps the days spent in each stage as counts per
// whole day (dash_spells), so the median of a million spells is read from a few hundred rows.

/**
 * The median of a histogram (value → count), as percentile_cont(0.5) would give it over
 * the values themselves: the middle value, or the mean of the two middle ones.
 */
export function histogramMedian(bins: { value: number; count: number }[]): number | null {
  const sorted = bins.filter((b) => b.count > 0).sort((a, b) => a.value - b.value);
  const total = sorted.reduce((sum, b) => sum + b.count, 0);
  if (total === 0) return null;
  const at = (rank: number) => {
    let seen = 0;
    for (const b of sorted) {
      seen += b.count;
      if (rank < seen) return b.value;
    }
    return sorted[sorted.length - 1].value;
  };
  return (at(Math.floor((total - 1) / 2)) + at(Math.ceil((total - 1) / 2))) / 2;
}
