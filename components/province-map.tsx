import type { ReactNode } from "react";
import { findProvince } from "@/lib/reference/regions";
import { provinceShapes, SHARED_OUTLINES, type ProvinceShapes } from "@/lib/reference/province-shapes";
import type { MapBy } from "@/lib/validation/province-map";

// A choropleth of Indonesia's provinces drawn as SVG on the server: no script, nothing to
// load in the browser but the markup. Each province is a link (keyboard focus, and a
// click filters the dashboard) with its figures in a <title> (the tooltip on hover, and
// its accessible name); the legend is text. The page shows the same figures in a table.

export type { MapBy };

export type MapFigure = { code: string; participants: number; completed: number; completionRate: number | null };

/** One shade of the scale: values from `from` to `to` (inclusive) get `color`. */
export type MapClass = { from: number; to: number; color: string };

/** Light to dark, Tailwind's teal 100/300/500/700/900. */
export const MAP_COLORS = ["#ccfbf1", "#5eead4", "#14b8a6", "#0f766e", "#134e4a"] as const;
/** No participants, and the outlines shared by several of today's provinces. */
export const MAP_NONE = "#f1f5f9";
const SHARED_FILL = "#e2e8f0";
const SELECTED_STROKE = "#c2410c";

/**
 * The scale: participants in up to five equal steps of whole numbers from 1 to the
 * largest province; the completion rate in five steps of 20 %. A province without
 * participants is outside the scale (MAP_NONE) either way.
 */
export function mapScale(figures: readonly MapFigure[], by: MapBy): MapClass[] {
  if (by === "completion") return MAP_COLORS.map((color, i) => ({ from: i / 5, to: (i + 1) / 5, color }));
  const max = Math.max(0, ...figures.map((f) => f.participants));
  if (max === 0) return [];
  const step = Math.ceil(max / MAP_COLORS.length);
  const classes: MapClass[] = [];
  for (let i = 0; i * step + 1 <= max; i++) classes.push({ from: i * step + 1, to: Math.min(max, (i + 1) * step), color: "" });
  // Fewer steps than colours (a small maximum): spread them over the whole range.
  return classes.map((c, i) => ({ ...c, color: MAP_COLORS[classes.length === 1 ? MAP_COLORS.length - 1 : Math.round((i * (MAP_COLORS.length - 1)) / (classes.length - 1))] }));
}

/** The fill of one province on the scale. */
export function mapFill(f: MapFigure | undefined, by: MapBy, scale: readonly MapClass[]): string {
  if (!f || f.participants === 0) return MAP_NONE;
  const value = by === "completion" ? (f.completionRate ?? 0) : f.participants;
  // Whole participants: both ends inclusive. Rates: [from, to), the last step with 100 %.
  const hit =
    by === "participants"
      ? scale.find((c) => value >= c.from && value <= c.to)
      : scale.find((c, i) => value >= c.from && (value < c.to || i === scale.length - 1));
  return hit?.color ?? MAP_NONE;
}

export type ProvinceMapProps = {
  figures: readonly MapFigure[];
  by: MapBy;
  selected: string | null;
  /** Where a click on a province goes (null: no province filter). */
  hrefFor: (code: string | null) => string;
  /** The map's accessible name. */
  label: string;
  /** A province's figures as a sentence: its tooltip and the link's name. */
  describe: (f: MapFigure, name: string) => string;
  /** Added to the selected province's sentence. */
  selectedNote: string;
  /** The tooltip of an outline that holds several of today's provinces. */
  sharedTitle: (names: string[]) => string;
  legend: { title: string; none: string; shared: string; selected: string; value: (v: number) => string };
  shapes?: ProvinceShapes;
};

export function ProvinceMap({ figures, by, selected, hrefFor, label, describe, selectedNote, sharedTitle, legend, shapes = provinceShapes() }: ProvinceMapProps) {
  const scale = mapScale(figures, by);
  const byCode = new Map(figures.map((f) => [f.code, f]));
  const nameOf = (code: string) => findProvince(code)?.name ?? code;
  const figureOf = (code: string) => byCode.get(code) ?? { code, participants: 0, completed: 0, completionRate: null };
  const titleOf = (code: string) => {
    const text = describe(figureOf(code), nameOf(code));
    return code === selected ? `${text} (${selectedNote})` : text;
  };
  const link = (code: string, shape: ReactNode) => {
    const title = titleOf(code);
    return (
      <a
        key={code}
        href={hrefFor(code === selected ? null : code)}
        aria-label={title}
        aria-current={code === selected ? "true" : undefined}
        data-province={code}
        className="group focus:outline-none"
      >
        <title>{title}</title>
        {shape}
      </a>
    );
  };
  const shapeClass = "group-hover:opacity-80 group-focus-visible:stroke-slate-950 group-focus-visible:[stroke-width:3]";
  const stroke = (code: string) => (code === selected ? { stroke: SELECTED_STROKE, strokeWidth: 2.5 } : { stroke: "#ffffff", strokeWidth: 0.6 });

  // Small provinces (with their dot) come after the others, and the selected one last, so
  // that they lie on top of their neighbours' outlines.
  const last = (o: { code: string; small?: boolean }) => (o.code === selected ? 2 : o.small ? 1 : 0);
  const outlines = [...shapes.outlines].sort((a, b) => last(a) - last(b));
  const markers = [...shapes.markers].sort((a, b) => last(a) - last(b));

  return (
    <figure className="space-y-2 break-inside-avoid" data-map="provinces" data-map-by={by}>
      <svg
        viewBox={`0 0 ${shapes.width} ${shapes.height}`}
        role="group"
        aria-label={label}
        className="h-auto w-full"
        data-map-svg=""
      >
        {outlines.map((o) =>
          SHARED_OUTLINES[o.code] ? (
            <g key={o.code} aria-hidden="true" data-outline={o.code}>
              <title>{sharedTitle(SHARED_OUTLINES[o.code].map(nameOf))}</title>
              <path d={o.d} fill={SHARED_FILL} stroke="#ffffff" strokeWidth={0.6} />
            </g>
          ) : (
            link(
              o.code,
              <>
                <path d={o.d} fill={mapFill(byCode.get(o.code), by, scale)} {...stroke(o.code)} className={shapeClass} />
                {o.small ? (
                  <circle cx={o.centroid[0]} cy={o.centroid[1]} r={6} fill={mapFill(byCode.get(o.code), by, scale)} {...stroke(o.code)} className={shapeClass} />
                ) : null}
              </>,
            )
          ),
        )}
        {markers.map((m) =>
          link(
            m.code,
            <circle
              cx={m.x}
              cy={m.y}
              r={9}
              fill={mapFill(byCode.get(m.code), by, scale)}
              stroke={m.code === selected ? SELECTED_STROKE : "#334155"}
              strokeWidth={m.code === selected ? 2.5 : 1.2}
              className={shapeClass}
            />,
          ),
        )}
      </svg>
      <figcaption className="text-sm">
        <span className="font-semibold">{legend.title}</span>
        <ul className="mt-1 flex flex-wrap gap-x-4 gap-y-1" data-legend="">
          <li className="flex items-center gap-1" data-legend-class="none">
            <span aria-hidden="true" className="inline-block h-3 w-5 rounded-sm border border-slate-400" style={{ background: MAP_NONE }} />
            {legend.none}
          </li>
          {scale.map((c) => (
            <li key={c.from} className="flex items-center gap-1" data-legend-class={`${c.from}-${c.to}`}>
              <span aria-hidden="true" className="inline-block h-3 w-5 rounded-sm border border-slate-400" style={{ background: c.color }} />
              {c.from === c.to ? legend.value(c.from) : `${legend.value(c.from)} – ${legend.value(c.to)}`}
            </li>
          ))}
        </ul>
        <p className="mt-1 text-slate-700">{legend.selected}</p>
        <p className="mt-1 text-slate-700">{legend.shared}</p>
      </figcaption>
    </figure>
  );
}
