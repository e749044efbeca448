import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import topology from "@/lib/reference/indonesia-provinces.topo.json";
import { provinceShapes, SHARED_OUTLINES } from "@/lib/reference/province-shapes";
import { provinces } from "@/lib/reference/regions";
import { MAP_COLORS, MAP_NONE, mapFill, mapScale, ProvinceMap, type MapBy, type MapFigure } from "./province-map";

// The map as the server renders it: one link per province (38), each with its figures in
// its <title>, the selected one marked and linking back to all provinces, and a legend
// that matches the shading.

const figures: MapFigure[] = provinces.map((p, i) => {
  const participants = p.code === "11" ? 0 : (i * 37) % 50;
  const completed = Math.floor(participants / 3);
  return { code: p.code, participants, completed, completionRate: participants ? completed / participants : null };
});

function render(by: MapBy, selected: string | null = null, data: MapFigure[] = figures): string {
  return renderToStaticMarkup(
    createElement(ProvinceMap, {
      figures: data,
      by,
      selected,
      hrefFor: (code) => (code ? `/pmo?provinceCode=${code}` : "/pmo"),
      label: "Peta provinsi",
      describe: (f, name) => `${name}: ${f.participants} peserta, ${f.completed} selesai`,
      selectedNote: "dipilih",
      sharedTitle: (names) => `Batas lama: ${names.join(", ")}`,
      legend: { title: "Keterangan", none: "Tidak ada peserta", shared: "Lingkaran", selected: "Garis jingga", value: (v) => (by === "completion" ? `${Math.round(v * 100)} %` : String(v)) },
    }),
  );
}

/** Each link: its province code, href, title and the fills inside it. */
function links(html: string) {
  return [...html.matchAll(/<a href="([^"]*)"[^>]*data-province="(\d+)"[^>]*>([\s\S]*?)<\/a>/g)].map(([, href, code, inner]) => ({
    code,
    href: href.replace(/&amp;/g, "&"),
    title: /<title>([^<]*)<\/title>/.exec(inner)?.[1] ?? "",
    fills: [...inner.matchAll(/fill="([^"]+)"/g)].map((m) => m[1]),
  }));
}

describe("the province map", () => {
  it("has one link per province, each with its figures in its title", () => {
    const html = render("participants");
    const found = links(html);
    expect(found.map((l) => l.code).sort()).toEqual(provinces.map((p) => p.code).sort());
    for (const l of found) {
      const f = figures.find((x) => x.code === l.code)!;
      const name = provinces.find((p) => p.code === l.code)!.name;
      expect(l.title).toBe(`${name}: ${f.participants} peserta, ${f.completed} selesai`);
      expect(l.href).toBe(`/pmo?provinceCode=${l.code}`);
    }
    expect(html).toContain('role="group" aria-label="Peta provinsi"');
    expect(html).not.toContain("aria-current");
  });

  it("shades each province by its class on the scale, and without participants as none", () => {
    for (const by of ["participants", "completion"] as const) {
      const scale = mapScale(figures, by);
      for (const l of links(render(by))) {
        const f = figures.find((x) => x.code === l.code)!;
        const value = by === "participants" ? f.participants : f.completionRate;
        const expected =
          f.participants === 0
            ? MAP_NONE
            : scale.find((c, i) => value! >= c.from && (by === "participants" ? value! <= c.to : value! < c.to || i === scale.length - 1))!.color;
        expect(l.fills[0], `${by} ${l.code}`).toBe(expected);
      }
    }
    expect(links(render("participants")).find((l) => l.code === "11")!.fills[0]).toBe(MAP_NONE);
  });

  it("marks the selected province, whose link shows all provinces again", () => {
    const html = render("participants", "31");
    const jakarta = /<a href="\/pmo" aria-label="([^"]*)" aria-current="true" data-province="31"/.exec(html);
    expect(jakarta?.[1]).toMatch(/^DKI Jakarta: \d+ peserta, \d+ selesai \(dipilih\)$/);
    expect(html.match(/aria-current/g)).toHaveLength(1);
    // Drawn last among the outlines, so its outline lies on top.
    const order = links(html).map((l) => l.code);
    expect(order.indexOf("31")).toBe(order.findIndex((c) => Object.values(SHARED_OUTLINES).flat().includes(c)) - 1);
  });

  it("has a legend with one entry per class, and the classes cover 1 to the largest figure", () => {
    const max = Math.max(...figures.map((f) => f.participants));
    const scale = mapScale(figures, "participants");
    expect(scale[0].from).toBe(1);
    expect(scale.at(-1)!.to).toBe(max);
    for (const [i, c] of scale.entries()) if (i > 0) expect(c.from).toBe(scale[i - 1].to + 1);
    const html = render("participants");
    const legend = [...html.matchAll(/data-legend-class="([^"]+)"[^>]*>[\s\S]*?<\/span>([^<]*)<\/li>/g)].map((m) => [m[1], m[2]]);
    expect(legend).toEqual([["none", "Tidak ada peserta"], ...scale.map((c) => [`${c.from}-${c.to}`, c.from === c.to ? String(c.from) : `${c.from} – ${c.to}`])]);

    const rates = mapScale(figures, "completion");
    expect(rates.map((c) => [c.from, c.to])).toEqual([0, 1, 2, 3, 4].map((i) => [i / 5, (i + 1) / 5]));
    expect(render("completion")).toContain("80 % – 100 %");
  });

  it("gives a small maximum as many shades as it has values, the last the darkest", () => {
    const few = figures.map((f) => ({ ...f, participants: f.code === "31" ? 2 : f.code === "32" ? 1 : 0 }));
    expect(mapScale(few, "participants")).toEqual([
      { from: 1, to: 1, color: MAP_COLORS[0] },
      { from: 2, to: 2, color: MAP_COLORS[4] },
    ]);
    expect(mapScale(few.map((f) => ({ ...f, participants: 0 })), "participants")).toEqual([]);
    expect(mapFill(undefined, "participants", [])).toBe(MAP_NONE);
  });

  it("draws the provinces missing from the boundary data as markers inside their parent's outline", () => {
    const shapes = provinceShapes();
    expect(shapes.outlines).toHaveLength(33);
    expect(shapes.markers.map((m) => m.code).sort()).toEqual(["64", "65", "91", "92", "93", "94", "95", "96"]);
    for (const m of shapes.markers) {
      expect(m.x).toBeGreaterThan(0);
      expect(m.x).toBeLessThan(shapes.width);
      expect(m.y).toBeGreaterThan(0);
      expect(m.y).toBeLessThan(shapes.height);
    }
    const html = render("participants");
    expect(html.match(/data-outline="(64|91|92)"/g)).toHaveLength(3);
    expect(html).toContain("Batas lama: Papua, Papua Selatan, Papua Tengah, Papua Pegunungan");
  });

  it("keeps the committed boundary file small", () => {
    expect(JSON.stringify(topology).length).toBeLessThan(60_000);
  });
});

