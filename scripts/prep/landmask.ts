/**
 * A land/sea mask on the one-degree grid from a real coastline: Natural Earth's 1:110m land
 * polygons (npm `world-atlas`, TopoJSON), decoded with `topojson-client` and rasterised by an
 * even-odd scanline per grid row, which is the point-in-polygon test of every cell centre at once.
 * @module
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";

/** Rows of the one-degree grid (row 0 is 89.5°N). */
export const NLAT = 180;
/** Columns of the one-degree grid (column 0 is 179.5°W). */
export const NLON = 360;

/** Latitude of the centre of row `i` of an `nlat`-row global grid (north first). */
export function rowLatitude(i: number, nlat = NLAT): number {
  return 90 - ((i + 0.5) * 180) / nlat;
}

type Ring = readonly (readonly number[])[];

/** The land polygons' rings (outer and holes alike: even-odd filling handles both). */
function landRings(): Ring[] {
  const require = createRequire(import.meta.url);
  const topo = JSON.parse(readFileSync(require.resolve("world-atlas/land-110m.json"), "utf8")) as Topology<{
    land: GeometryCollection;
  }>;
  const rings: Ring[] = [];
  for (const f of feature(topo, topo.objects.land).features) {
    const g = f.geometry;
    if (g.type === "Polygon") rings.push(...g.coordinates);
    else if (g.type === "MultiPolygon") for (const p of g.coordinates) rings.push(...p);
  }
  return rings.map(closeAroundPole);
}

/**
 * TopoJSON rings are spherical: Antarctica's coast runs once around the globe and jumps from
 * 178°E back to 180°W without enclosing anything in the plane. Each such jump is replaced by a
 * detour along the antimeridian to the nearer pole and back, which makes the ring a planar
 * polygon with the same interior.
 */
function closeAroundPole(ring: Ring): Ring {
  if (!ring.some((p, k) => k > 0 && Math.abs(p[0] - ring[k - 1][0]) > 180)) return ring;
  const meanLat = ring.reduce((s, p) => s + p[1], 0) / ring.length;
  const pole = meanLat < 0 ? -90 : 90;
  const out: number[][] = [];
  for (let k = 0; k < ring.length; k++) {
    const [x2, y2] = ring[k];
    if (k > 0) {
      const [x1, y1] = ring[k - 1];
      if (Math.abs(x2 - x1) > 180) {
        const side = x1 > 0 ? 180 : -180;
        const x2u = x2 + 2 * side; // x2 unwrapped to the same side as x1
        const yc = x2u === x1 ? y1 : y1 + ((side - x1) * (y2 - y1)) / (x2u - x1);
        out.push([side, yc], [side, pole], [-side, pole], [-side, yc]);
      }
    }
    out.push([x2, y2]);
  }
  return out;
}

/**
 * Rasterises the land polygons to an `nlat × nlon` grid (1 = land), testing each cell centre.
 * Natural Earth cuts rings at the antimeridian and closes Antarctica along 90°S, so plain
 * planar even-odd filling in (lon, lat) is exact here.
 */
export function rasterizeLand(nlat = NLAT, nlon = NLON): Uint8Array {
  const rings = landRings();
  const mask = new Uint8Array(nlat * nlon);
  const xs: number[] = [];
  for (let i = 0; i < nlat; i++) {
    const lat = rowLatitude(i, nlat);
    xs.length = 0;
    for (const ring of rings) {
      for (let k = 0, n = ring.length; k < n; k++) {
        const [x1, y1] = ring[k];
        const [x2, y2] = ring[(k + 1) % n];
        // Half-open rule: a vertex on the scanline is counted once.
        if (y1 > lat !== y2 > lat) xs.push(x1 + ((lat - y1) * (x2 - x1)) / (y2 - y1));
      }
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const j0 = Math.max(0, Math.ceil(((xs[k] + 180) * nlon) / 360 - 0.5));
      const j1 = Math.min(nlon - 1, Math.floor(((xs[k + 1] + 180) * nlon) / 360 - 0.5));
      for (let j = j0; j <= j1; j++) mask[i * nlon + j] = 1;
    }
  }
  return mask;
}

let cached: Uint8Array | undefined;

/** The 180 × 360 land mask (1 = land), computed once per process. */
export function landMask(): Uint8Array {
  cached ??= rasterizeLand();
  return cached;
}
