import type { ReactNode } from "react";

// Charts drawn with plain HTML and CSS on the server: no chart library in the page's
// JavaScript, nothing to wait for on a slow connection. Each chart is a real table
// (caption, headers, numbers), so a screen reader reads the figures; the bars are
// decoration and hidden from it.

export type BarRow = { key: string; label: ReactNode; value: number; note?: ReactNode };

export function BarTable({
  caption,
  labelHeader,
  valueHeader,
  rows,
  max,
  empty,
  tone = "teal",
}: {
  caption: string;
  labelHeader: string;
  valueHeader: string;
  rows: BarRow[];
  max?: number;
  empty: string;
  tone?: "teal" | "amber" | "red";
}) {
  const top = Math.max(1, max ?? Math.max(0, ...rows.map((r) => r.value)));
  const color = { teal: "bg-teal-700", amber: "bg-amber-500", red: "bg-red-700" }[tone];
  return (
    <table className="w-full border-collapse text-sm">
      <caption className="mb-2 text-left text-base font-semibold">{caption}</caption>
      <thead className="sr-only">
        <tr>
          <th scope="col">{labelHeader}</th>
          <th scope="col">{valueHeader}</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={2} className="py-1 text-slate-600">
              {empty}
            </td>
          </tr>
        ) : (
          rows.map((r) => (
            <tr key={r.key} className="align-middle">
              <th scope="row" className="w-2/5 py-1 pr-2 text-left font-normal">
                {r.label}
              </th>
              <td className="py-1">
                <div className="flex items-center gap-2">
                  <div className="h-4 flex-1 rounded bg-slate-100" aria-hidden="true">
                    <div className={`h-4 rounded ${color}`} style={{ width: `${Math.min(100, (r.value / top) * 100)}%` }} />
                  </div>
                  <span className="w-24 text-right tabular-nums">
                    {r.value.toLocaleString("id-ID")}
                    {r.note ? <span className="text-slate-600"> {r.note}</span> : null}
                  </span>
                </div>
              </td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}

/** A progress bar against a target, with the figures written out beside it. */
export function TargetBar({ value, target, label }: { value: number; target: number | null; label: string }) {
  const share = target ? value / target : null;
  return (
    <div className="flex items-center gap-2">
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={target ?? undefined}
        aria-valuenow={value}
        className="h-4 flex-1 rounded bg-slate-100"
      >
        {share !== null ? (
          <div
            className={`h-4 rounded ${share >= 1 ? "bg-teal-700" : share >= 0.5 ? "bg-amber-500" : "bg-red-700"}`}
            style={{ width: `${Math.min(100, share * 100)}%` }}
          />
        ) : null}
      </div>
    </div>
  );
}
