/**
 * `@chunked/diagnostics/plot`: 2-D arrays as Observable Plot figures (browsers), matplotlib's
 * `imshow` with axes and a colour legend. Plot's raster mark draws on a canvas, so this needs a
 * page; in Node, write a PNG with `imshow` from `@chunked/diagnostics/node`.
 *
 * @example
 * ```ts
 * import { imshowPlot } from "@chunked/diagnostics/plot";
 * document.body.append(imshowPlot(await anomaly.compute(), { cmap: "RdBu_r", label: "K" }));
 * ```
 * @module
 */
import { type ColormapName, colorLimits, colormap, type NDArray } from "@chunked/core";
import * as Plot from "@observablehq/plot";

/** Options of {@link imshowPlot}. */
export interface ImshowPlotOptions {
  /** Default `"viridis"`. */
  cmap?: ColormapName;
  /** Value drawn with the low end of the colormap. Default: the 1st percentile of the finite values. */
  vmin?: number;
  /** Value drawn with the high end. Default: the 99th percentile of the finite values. */
  vmax?: number;
  /** Figure width in pixels (default 640); the height keeps the array's aspect. */
  width?: number;
  /** Label of the colour legend (e.g. the values' unit). */
  label?: string;
}

const MARGIN = { top: 20, right: 20, bottom: 30, left: 40 };

/**
 * A 2-D array drawn as a Plot figure: row 0 at the top, one cell per value, colours from the same
 * colormaps as `imshow` and `imshowCanvas`, a colour legend above; non-finite values are left blank.
 *
 * @example
 * ```ts
 * const figure = imshowPlot(await x.mean({ axis: 0 }).compute(), { cmap: "RdBu_r", vmin: 250, vmax: 310 });
 * document.querySelector("#out")!.append(figure);
 * ```
 * @see matplotlib.pyplot.imshow
 */
export function imshowPlot(x: NDArray, options: ImshowPlotOptions = {}): ReturnType<typeof Plot.plot> {
  if (x.ndim !== 2) throw new RangeError(`imshowPlot needs a 2-D array. Got shape [${x.shape.join(", ")}].`);
  const [rows, cols] = x.shape;
  const { vmin, vmax } = colorLimits(x, options);
  const cmap = options.cmap ?? "viridis";
  const width = options.width ?? 640;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const values = Float64Array.from(x.toTypedArray() as ArrayLike<number>, Number);
  return Plot.plot({
    width,
    height: Math.round((plotWidth * rows) / cols) + MARGIN.top + MARGIN.bottom,
    marginTop: MARGIN.top,
    marginRight: MARGIN.right,
    marginBottom: MARGIN.bottom,
    marginLeft: MARGIN.left,
    x: { domain: [0, cols], label: null },
    y: { domain: [0, rows], reverse: true, label: null },
    color: {
      type: "linear",
      domain: [vmin, vmax],
      clamp: true,
      interpolate: (t: number) => `rgb(${colormap(cmap, t).join(",")})`,
      legend: true,
      label: options.label,
    },
    marks: [
      Plot.raster(values, {
        width: cols,
        height: rows,
        x1: 0,
        x2: cols,
        y1: 0,
        y2: rows,
        imageRendering: "pixelated",
      }),
    ],
  });
}
