/**
 * 2-D arrays as images (matplotlib's `imshow`): values → RGBA pixels through a colormap. Node writes
 * them as PNG (`@chunked/diagnostics/node`), a page puts them on a canvas (`@chunked/diagnostics`).
 * @module
 */
import type { NDArray } from "../ndarray/ndarray.js";
import { type ColormapName, colormap } from "../graph/colormaps.js";

/** Options of {@link rasterRgba}. */
export interface RasterOptions {
  /** Default `"viridis"`. */
  cmap?: ColormapName;
  /** Value drawn with the low end of the colormap. Default: the 1st percentile of the finite values. */
  vmin?: number;
  /** Value drawn with the high end. Default: the 99th percentile of the finite values. */
  vmax?: number;
  /** Pixels per value along each axis (default 1). */
  scale?: number;
}

/** Pixels of an image: `height × width × 4` bytes, row-major RGBA (what `ImageData` holds). */
export interface Rgba {
  /** Pixels per row. */
  readonly width: number;
  /** Rows of pixels. */
  readonly height: number;
  /** RGBA bytes, row by row. */
  readonly data: Uint8ClampedArray;
  /** The value mapped to the colormap's low end. */
  readonly vmin: number;
  /** The value mapped to its high end. */
  readonly vmax: number;
}

/** The `q`-quantile of the finite values (nearest rank). */
function quantile(values: ArrayLike<number>, q: number): number {
  const finite = Float64Array.from(values as ArrayLike<number>)
    .filter(Number.isFinite)
    .sort();
  if (finite.length === 0) return 0;
  return finite[Math.min(finite.length - 1, Math.max(0, Math.round(q * (finite.length - 1))))];
}

/**
 * The values a colormap's ends stand for: `vmin` and `vmax` as given, by default the 1st and 99th
 * percentiles of the finite values (so a few outliers do not wash the image out).
 */
export function colorLimits(
  x: NDArray,
  options: Pick<RasterOptions, "vmin" | "vmax"> = {},
): {
  /** The value of the colormap's low end. */
  vmin: number;
  /** The value of its high end. */
  vmax: number;
} {
  if (options.vmin !== undefined && options.vmax !== undefined)
    return { vmin: options.vmin, vmax: options.vmax };
  const numeric = Array.from(x.toTypedArray() as ArrayLike<number>, Number);
  return { vmin: options.vmin ?? quantile(numeric, 0.01), vmax: options.vmax ?? quantile(numeric, 0.99) };
}

/**
 * Colours a 2-D array (rows are image rows, like `imshow`): each value scaled between `vmin` and
 * `vmax` and looked up in the colormap; non-finite values are transparent.
 *
 * @example
 * ```ts
 * const image = rasterRgba(await x.mean({ axis: 0 }).compute(), { cmap: "RdBu_r" });
 * ctx.putImageData(new ImageData(image.data, image.width, image.height), 0, 0);
 * ```
 */
export function rasterRgba(x: NDArray, options: RasterOptions = {}): Rgba {
  if (x.ndim !== 2) throw new RangeError(`rasterRgba needs a 2-D array. Got shape [${x.shape.join(", ")}].`);
  const [rows, cols] = x.shape;
  const numeric = Array.from(x.toTypedArray() as ArrayLike<number>, Number);
  const { vmin, vmax } = colorLimits(x, options);
  const cmap = options.cmap ?? "viridis";
  const s = Math.max(1, Math.floor(options.scale ?? 1));
  const width = cols * s;
  const height = rows * s;
  const data = new Uint8ClampedArray(width * height * 4);
  const span = vmax - vmin || 1;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = numeric[r * cols + c];
      const finite = Number.isFinite(v);
      const [red, green, blue] = colormap(cmap, (v - vmin) / span);
      for (let dy = 0; dy < s; dy++) {
        for (let dx = 0; dx < s; dx++) {
          const o = ((r * s + dy) * width + c * s + dx) * 4;
          data[o] = red;
          data[o + 1] = green;
          data[o + 2] = blue;
          data[o + 3] = finite ? 255 : 0;
        }
      }
    }
  }
  return { width, height, data, vmin, vmax };
}
