import type { ReactNode } from "react";
import { ScrollRegion } from "./scroll-region";

// A column chart drawn as SVG on the server (no JavaScript), one column per row, the
// series stacked, with an optional target per column drawn as a line across it. The SVG
// is a picture only (hidden from screen readers); the same figures are a real table
// beside it, read by a screen reader and printed, not shown on screen. Each column's
// total is written above it, so the picture and the table carry the same numbers.
//
// The SVG scales with its viewBox; with many columns it keeps a minimum width per column
// and scrolls sideways inside a ScrollRegion on a narrow screen instead of shrinking its
// labels past reading.

export type ColumnSeries = { key: string; label: string; color: string };
export type ColumnRow = {
  key: string;
  /** The row's header in the table. */
  label: ReactNode;
  /** The label under the column. */
  axis: string;
  /** A second, smaller line under the column (the target, say). */
  axisNote?: string;
  /** One value per series, in the series' order. */
  values: number[];
  target?: number | null;
  /** A tooltip on the column (mouse users; the table has the figures for everyone else). */
  title?: string;
};

const PLOT = 180; // the tallest column
const TOP = 22; // room for the labels above the columns
const BOTTOM = 38; // room for the labels under them
const GAP = 0.2; // the share of a slot left between columns

export function ColumnChart({
  id,
  labelledBy,
  caption,
  labelHeader,
  series,
  rows,
  totalHeader,
  targetHeader,
  targetLegend,
  formatNumber,
  slot = 48,
  minSlotPx = 44,
  empty,
}: {
  /** Names the chart for tests (data-chart) and prefixes its ids. */
  id: string;
  /** The id of the heading that names the chart's scrolling region. */
  labelledBy: string;
  caption: string;
  labelHeader: string;
  series: ColumnSeries[];
  rows: ColumnRow[];
  /** With more than one series: the header of the table's total column. */
  totalHeader?: string;
  /** With targets: the table's target column and the legend's entry. */
  targetHeader?: string;
  targetLegend?: string;
  formatNumber: (n: number) => string;
  /**
   * The width of one column's slot in viewBox units, and its least width on screen: about
   * equal, so the labels are never drawn much smaller than their font size.
   */
  slot?: number;
  minSlotPx?: number;
  empty: string;
}) {
  const withTargets = targetHeader !== undefined;
  const total = (r: ColumnRow) => r.values.reduce((s, v) => s + v, 0);
  const top = Math.max(1, ...rows.map((r) => Math.max(total(r), r.target ?? 0)));
  // Rounded to a tenth of a unit: the page's HTML stays small with a hundred weeks.
  const y = (v: number) => Math.round((TOP + PLOT - (v / top) * PLOT) * 10) / 10;
  const width = Math.max(1, rows.length) * slot;
  const height = TOP + PLOT + BOTTOM;
  const bar = slot * (1 - GAP);

  return (
    <div data-chart={id} className="space-y-2">
      <ul className="flex flex-wrap gap-x-4 gap-y-1 text-sm" aria-hidden="true">
        {series.map((s) => (
          <li key={s.key} className="flex items-center gap-1.5">
            <span className="inline-block h-3 w-3 rounded-sm" style={{ backgroundColor: s.color }} />
            {s.label}
          </li>
        ))}
        {withTargets && targetLegend ? (
          <li className="flex items-center gap-1.5">
            <span className="inline-block h-0.5 w-4 bg-slate-900" />
            {targetLegend}
          </li>
        ) : null}
      </ul>
      <ScrollRegion labelledBy={labelledBy}>
        {rows.length === 0 ? (
          <p className="py-2 text-slate-600">{empty}</p>
        ) : (
          <svg
            viewBox={`0 0 ${width} ${height}`}
            className="block h-auto w-full print:break-inside-avoid"
            style={{ minWidth: rows.length * minSlotPx, maxHeight: "20rem" }}
            preserveAspectRatio="xMinYMid meet"
            aria-hidden="true"
            focusable="false"
            fontSize={11}
          >
            <line x1={0} x2={width} y1={TOP + PLOT} y2={TOP + PLOT} stroke="#64748b" strokeWidth={1} />
            {rows.map((r, i) => {
              const x = i * slot + (slot - bar) / 2;
              let base = 0;
              const sum = total(r);
              const labelAt = Math.min(y(sum), r.target != null ? y(r.target) : Infinity) - 5;
              return (
                <g key={r.key} data-column={r.key}>
                  {r.title ? <title>{r.title}</title> : null}
                  {/* A transparent slot, so the tooltip shows over the whole column. */}
                  <rect x={i * slot} y={TOP} width={slot} height={PLOT} fill="transparent" />
                  {r.values.map((v, k) => {
                    const from = base;
                    base += v;
                    return v > 0 ? (
                      <rect key={series[k].key} x={x} y={y(base)} width={bar} height={Math.round((y(from) - y(base)) * 10) / 10} fill={series[k].color} />
                    ) : null;
                  })}
                  {withTargets && r.target != null ? (
                    <line
                      data-target={r.target}
                      x1={x - 3}
                      x2={x + bar + 3}
                      y1={y(r.target)}
                      y2={y(r.target)}
                      stroke="#0f172a"
                      strokeWidth={3}
                    />
                  ) : null}
                  <text data-value={sum} x={x + bar / 2} y={labelAt} textAnchor="middle" fill="#0f172a" fontWeight={600}>
                    {formatNumber(sum)}
                  </text>
                  <text x={x + bar / 2} y={TOP + PLOT + 15} textAnchor="middle" fill="#334155">
                    {r.axis}
                  </text>
                  {r.axisNote ? (
                    <text data-axis-note x={x + bar / 2} y={TOP + PLOT + 30} textAnchor="middle" fill="#475569" fontSize={10}>
                      {r.axisNote}
                    </text>
                  ) : null}
                </g>
              );
            })}
          </svg>
        )}
        {/* The box, not the table, is screen-reader-only: a table is never narrower than its
            content, so on the table itself sr-only's 1 px width would not hold. */}
        <div className="sr-only print:not-sr-only print:mt-2" data-chart-table-box={id}>
          <table className="w-full text-sm" data-chart-table={id}>
            <caption className="text-left font-semibold">{caption}</caption>
            <thead>
              <tr className="text-left">
                <th scope="col" className="px-2 py-1">{labelHeader}</th>
                {series.map((s) => (
                  <th key={s.key} scope="col" className="px-2 py-1 text-right">{s.label}</th>
                ))}
                {series.length > 1 && totalHeader ? <th scope="col" className="px-2 py-1 text-right">{totalHeader}</th> : null}
                {withTargets ? <th scope="col" className="px-2 py-1 text-right">{targetHeader}</th> : null}
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 ? (
                <tr>
                  <td colSpan={1 + series.length + (series.length > 1 && totalHeader ? 1 : 0) + (withTargets ? 1 : 0)}>{empty}</td>
                </tr>
              ) : (
                rows.map((r) => (
                  <tr key={r.key} data-row={r.key}>
                    <th scope="row" className="px-2 py-1 text-left font-normal">{r.label}</th>
                    {r.values.map((v, k) => (
                      <td key={series[k].key} className="px-2 py-1 text-right tabular-nums" data-series={series[k].key}>
                        {formatNumber(v)}
                      </td>
                    ))}
                    {series.length > 1 && totalHeader ? (
                      <td className="px-2 py-1 text-right tabular-nums" data-series="total">{formatNumber(total(r))}</td>
                    ) : null}
                    {withTargets ? (
                      <td className="px-2 py-1 text-right tabular-nums" data-series="target">
                        {r.target == null ? "–" : formatNumber(r.target)}
                      </td>
                    ) : null}
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      </ScrollRegion>
    </div>
  );
}
