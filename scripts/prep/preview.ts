/**
 * A quick look at a weather file: `pnpm prep --preview datasets/weather-small/2014-01-01.hdf5 out.png`
 * draws `/t2m` (downsampled to at most ~1440 columns) with matplotlib's `RdBu_r` colormap, like
 * the tutorial's `plt.imshow(dsets[0][::4, ::4], cmap='RdBu_r')`. The PNG encoder is ~40 lines
 * over node:zlib, so nothing native is needed.
 * @module
 */
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

/** ColorBrewer RdBu (matplotlib's `RdBu`), reversed: low values blue, high values red. */
const RDBU_R = [
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
].map((h) => [1, 3, 5].map((k) => Number.parseInt(h.slice(k, k + 2), 16)));

/** The RdBu_r colour of `t` in [0, 1] (clamped), as [r, g, b]. */
export function rdbuR(t: number): [number, number, number] {
  const x = Math.min(Math.max(t, 0), 1) * (RDBU_R.length - 1);
  const k = Math.min(Math.floor(x), RDBU_R.length - 2);
  const f = x - k;
  const a = RDBU_R[k];
  const b = RDBU_R[k + 1];
  return [0, 1, 2].map((c) => Math.round(a[c] + f * (b[c] - a[c]))) as [number, number, number];
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Encodes 8-bit RGB pixels (`height × width × 3`, row-major) as a PNG file. */
export function encodePng(rgb: Uint8Array, width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, deflate, no filter method, no interlace
  const raw = new Uint8Array(height * (1 + 3 * width));
  for (let y = 0; y < height; y++)
    raw.set(rgb.subarray(y * 3 * width, (y + 1) * 3 * width), y * (1 + 3 * width) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

/**
 * Colours a row-major field with RdBu_r between `lo` and `hi` (default: its 1st and 99th
 * percentiles), scaling each cell to `scale × scale` pixels.
 */
export function renderField(
  values: ArrayLike<number>,
  height: number,
  width: number,
  options: { lo?: number; hi?: number; scale?: number } = {},
): Buffer {
  const sorted = Float64Array.from(values).sort();
  const lo = options.lo ?? sorted[Math.floor(0.01 * (sorted.length - 1))];
  const hi = options.hi ?? sorted[Math.ceil(0.99 * (sorted.length - 1))];
  const s = options.scale ?? 1;
  const W = width * s;
  const rgb = new Uint8Array(height * s * W * 3);
  for (let y = 0; y < height * s; y++) {
    for (let x = 0; x < W; x++) {
      const c = rdbuR((values[Math.floor(y / s) * width + Math.floor(x / s)] - lo) / (hi - lo || 1));
      rgb.set(c, (y * W + x) * 3);
    }
  }
  return encodePng(rgb, W, height * s);
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
    const values = block.data;
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
