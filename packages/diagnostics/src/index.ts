/**
 * `@chunked/diagnostics`: drawings of `@chunked` computations that work in browsers and Node —
 * task graphs rendered to SVG with Graphviz (WebAssembly), and 2-D arrays on a canvas. Node-only
 * helpers (terminal progress bar, PNG and SVG files) are in `@chunked/diagnostics/node`; the
 * dependency-free parts (`Profiler`, `profileSvg`, `progressHook`, `rasterRgba`) are in
 * `@chunked/core`.
 *
 * @example
 * ```ts
 * import { graphElement } from "@chunked/diagnostics";
 * document.body.append(await graphElement(y, { optimize: true }));
 * ```
 * @module
 */
import {
  type ChunkedArray,
  type NDArray,
  type RasterOptions,
  rasterRgba,
  type ToDotOptions,
} from "@chunked/core";
import { Graphviz } from "@hpcc-js/wasm-graphviz";

/** Options of {@link graphSvg}: those of `toDot`, and whether to draw the optimised graph. */
export type GraphSvgOptions = ToDotOptions & {
  /** Draw the graph as it runs (culled, fused; fused tasks labelled by their ops). Default false. */
  optimize?: boolean;
};

let graphviz: Promise<Graphviz> | undefined;

/**
 * The task graph of `x` (or a DOT text) laid out by Graphviz's `dot`, as SVG text. Tasks are coloured
 * by execution order; fused tasks are labelled by the ops they contain.
 *
 * @example
 * ```ts
 * const svg = await graphSvg(x.mean({ axis: 0 }), { optimize: true });
 * ```
 * @see dask.visualize
 */
export async function graphSvg(x: ChunkedArray | string, options: GraphSvgOptions = {}): Promise<string> {
  const dot = typeof x === "string" ? x : x.visualize(options);
  graphviz ??= Graphviz.load();
  return (await graphviz).dot(dot);
}

/**
 * {@link graphSvg} as an `<svg>` element of the current document, appended to `parent` if given
 * (browsers).
 */
export async function graphElement(
  x: ChunkedArray | string,
  options: GraphSvgOptions & { parent?: Element } = {},
): Promise<SVGSVGElement> {
  const svg = await graphSvg(x, options);
  const parsed = new DOMParser().parseFromString(svg, "image/svg+xml").documentElement;
  const element = document.importNode(parsed, true) as unknown as SVGSVGElement;
  options.parent?.append(element);
  return element;
}

/**
 * A 2-D array drawn on a `<canvas>` through a colormap (matplotlib's `imshow`; browsers). The canvas
 * is `scale` pixels per value; size it with CSS, with `image-rendering: pixelated` to keep cells sharp.
 *
 * @example
 * ```ts
 * document.body.append(imshowCanvas(await anomaly.compute(), { cmap: "RdBu_r", vmin: -5, vmax: 5 }));
 * ```
 */
export function imshowCanvas(
  x: NDArray,
  options: RasterOptions & { canvas?: HTMLCanvasElement } = {},
): HTMLCanvasElement {
  const image = rasterRgba(x, options);
  const canvas = options.canvas ?? document.createElement("canvas");
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext("2d");
  if (!context) throw new Error("imshowCanvas: the canvas has no 2-D context.");
  context.putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
  return canvas;
}
