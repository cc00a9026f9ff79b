/**
 * A quick look at a weather file: `pnpm prep --preview datasets/weather-small/2014-01-01.hdf5 out.png`
 * draws `/t2m` (downsampled to at most ~1440 columns) with matplotlib's `RdBu_r` colormap, like
 * the tutorial's `plt.imshow(dsets[0][::4, ::4], cmap='RdBu_r')`, with core's `rasterRgba` and
 * `encodePng` from `@chunked/diagnostics/node`.
 * @module
 */
import { writeFileSync } from "node:fs";
import { NDArray, nd, rasterRgba } from "@chunked/core";
import { encodePng } from "@chunked/diagnostics/node";

/**
 * Colours a row-major field with RdBu_r between `lo` and `hi` (default: its 1st and 99th
 * percentiles), scaling each cell to `scale × scale` pixels, as PNG bytes.
 */
export function renderField(
  values: ArrayLike<number>,
  height: number,
  width: number,
  options: { lo?: number; hi?: number; scale?: number } = {},
): Buffer {
  const field = NDArray.from(Float64Array.from(values), { shape: [height, width] });
  return encodePng(
    rasterRgba(field, { cmap: "RdBu_r", vmin: options.lo, vmax: options.hi, scale: options.scale }),
  );
}

/**
 * Reads `dataset` of an HDF5 file (every `step`-th row and column, `step` chosen so that at most
 * ~1440 columns are read) and writes it as a PNG. Returns the shape drawn and the value range.
 */
export async function previewHdf5(
  input: string,
  output: string,
  dataset = "/t2m",
): Promise<{ shape: [number, number]; min: number; max: number }> {
  const { openHdf5Dataset } = await import("@chunked/io/hdf5");
  const d = await openHdf5Dataset(input, dataset);
  try {
    if (d.shape.length !== 2)
      throw new Error(`${input}: ${dataset} is not 2-D (shape ${JSON.stringify(d.shape)})`);
    const [H, W] = d.shape;
    const step = Math.max(1, Math.ceil(W / 1440));
    const block = await d.read([
      [0, H, step],
      [0, W, step],
    ]);
    const [h, w] = block.shape;
    const values = nd.astype(block, "float64").data; // the field's values as numbers, whatever its dtype
    const scale = Math.max(1, Math.floor(720 / w));
    writeFileSync(output, renderField(values, h, w, { scale }));
    let min = Infinity;
    let max = -Infinity;
    for (const v of values) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return { shape: [h, w], min, max };
  } finally {
    d.file.close();
  }
}
