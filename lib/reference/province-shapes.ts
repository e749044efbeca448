import "server-only";
import { geoMercator, geoPath } from "d3-geo";
import type { FeatureCollection, MultiPolygon, Polygon } from "geojson";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import topology from "./indonesia-provinces.topo.json";

// The province map's geometry, projected once per server process: SVG path data for each
// outline and a point for each province drawn as a marker. The outlines are Natural
// Earth's admin-1 (public domain), simplified by scripts/build-province-map.mts; that
// release predates Kalimantan Utara (2012) and the 2022 Papua split, so three outlines
// hold more than one of today's 38 provinces (docs/decisions/024-province-map.md).

/** Today's provinces inside an outline of an older release, by the outline's code. */
export const SHARED_OUTLINES: Readonly<Record<string, readonly string[]>> = {
  "64": ["64", "65"],
  "91": ["91", "93", "94", "95"],
  "92": ["92", "96"],
};

/**
 * Where each province of a shared outline is drawn: its capital (longitude, latitude),
 * which lies inside the old outline.
 */
const CAPITALS: Readonly<Record<string, readonly [number, number]>> = {
  "64": [117.15, -0.5], // Samarinda
  "65": [117.37, 2.84], // Tanjung Selor
  "91": [140.72, -2.59], // Jayapura
  "93": [140.4, -8.45], // Merauke (Salor)
  "94": [135.5, -3.37], // Nabire
  "95": [138.95, -4.1], // Wamena
  "92": [134.06, -0.86], // Manokwari
  "96": [131.26, -0.88], // Sorong
};

/** The SVG's width in its own units; the height follows from Indonesia's shape. */
export const MAP_WIDTH = 1000;
/** An outline smaller than this (square units) also gets a dot, so that it can be seen and clicked. */
const SMALL_AREA = 120;

export type ProvinceShapes = {
  width: number;
  height: number;
  /** One per outline, by its province code (33, in code order). */
  outlines: { code: string; d: string; small: boolean; centroid: [number, number] }[];
  /** Each province of a shared outline, at its capital. */
  markers: { code: string; outline: string; x: number; y: number }[];
};

let cached: ProvinceShapes | null = null;

export function provinceShapes(): ProvinceShapes {
  if (cached) return cached;
  const topo = topology as unknown as Topology<{ provinces: GeometryCollection }>;
  const collection = feature(topo, topo.objects.provinces) as FeatureCollection<Polygon | MultiPolygon>;
  const pad = 8;
  const projection = geoMercator().fitWidth(MAP_WIDTH - 2 * pad, collection);
  const [[, y0], [, y1]] = geoPath(projection).bounds(collection);
  projection.translate([projection.translate()[0] + pad, projection.translate()[1] - y0 + pad]);
  const path = geoPath(projection).digits(1);
  const round = (n: number) => Math.round(n * 10) / 10;
  const outlines = collection.features.map((f) => {
    const [cx, cy] = path.centroid(f);
    return { code: String(f.id), d: path(f) ?? "", small: path.area(f) < SMALL_AREA, centroid: [round(cx), round(cy)] as [number, number] };
  });
  const markers = Object.entries(SHARED_OUTLINES).flatMap(([outline, codes]) =>
    codes.map((code) => {
      const [x, y] = projection(CAPITALS[code] as [number, number])!;
      return { code, outline, x: round(x), y: round(y) };
    }),
  );
  cached = { width: MAP_WIDTH, height: Math.ceil(y1 - y0 + 2 * pad), outlines, markers };
  return cached;
}
