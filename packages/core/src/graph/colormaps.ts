/**
 * Colormaps for graph drawings and rasters: matplotlib's viridis, RdBu_r and gray, interpolated
 * linearly between stops.
 * @module
 */

/** A colormap name accepted by {@link colormap}. */
export type ColormapName = "viridis" | "RdBu_r" | "gray";

type RGB = readonly [number, number, number];

const hex = (h: string): RGB =>
  [1, 3, 5].map((k) => Number.parseInt(h.slice(k, k + 2), 16)) as unknown as RGB;

const STOPS: Record<ColormapName, readonly RGB[]> = {
  // Viridis at ten stops: low dark purple, high yellow.
  viridis: [
    "#440154",
    "#482878",
    "#3e4989",
    "#31688e",
    "#26828e",
    "#1f9e89",
    "#35b779",
    "#6ece58",
    "#b5de2b",
    "#fde725",
  ].map(hex),
  // ColorBrewer RdBu reversed: low blue, high red.
  RdBu_r: [
    "#053061",
    "#2166ac",
    "#4393c3",
    "#92c5de",
    "#d1e5f0",
    "#f7f7f7",
    "#fddbc7",
    "#f4a582",
    "#d6604d",
    "#b2182b",
    "#67001f",
  ].map(hex),
  gray: ["#000000", "#ffffff"].map(hex),
};

/** The `[r, g, b]` (0–255) of `name` at `t` in [0, 1]; `t` is clamped, NaN maps to 0. */
export function colormap(name: ColormapName, t: number): [number, number, number] {
  const stops = STOPS[name];
  if (!stops)
    throw new RangeError(
      `Unknown colormap ${JSON.stringify(name)}: use one of ${Object.keys(STOPS).join(", ")}.`,
    );
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i];
  const b = stops[i + 1];
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * f)) as [number, number, number];
}

/** The viridis colour at `t` in [0, 1], as `#rrggbb` (graph drawings colour by execution order with it). */
export function rampColor(t: number): string {
  return `#${colormap("viridis", t)
    .map((v) => v.toString(16).padStart(2, "0"))
    .join("")}`;
}
