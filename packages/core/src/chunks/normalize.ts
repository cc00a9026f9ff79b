import { type DType, itemsize } from "../dtype/dtypes.js";
import { fmt, InvalidChunksError } from "../errors.js";

/** Default byte limit of one chunk for `"auto"` chunks (dask's `array.chunk-size`). */
export const DEFAULT_CHUNK_BYTES = 128 * 2 ** 20;

/**
 * Most blocks one array may have. Every block is a task held in memory, so a graph of 10^9 blocks
 * could not even be built; such chunkings are refused with a suggestion of larger chunks.
 */
export const MAX_BLOCKS = 1_000_000;

/** Chunk size along one axis: a block length, `-1`/`null` (whole axis), `"auto"`, or explicit sizes. */
export type AxisChunkSpec = number | null | "auto" | readonly number[];

/**
 * A chunk spec, as dask accepts: one block length for all axes, one entry per axis, `"auto"`,
 * a byte size such as `"64 MiB"` (auto chunks of at most that many bytes), or explicit per-axis
 * tuples such as `[[1000, 1000, 500], [700]]`.
 */
export type ChunkSpec =
  | number
  | "auto"
  | `${number}${string}`
  | readonly AxisChunkSpec[]
  | Readonly<Record<number, AxisChunkSpec>>;

const ACCEPTED_FORMS =
  'a positive integer (all axes), "auto", a byte size such as "10 MB" or "64 MiB", one entry per axis (integer, -1 or null for the whole axis, "auto", or a list of block sizes), or {axis: entry}';

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** Bytes in a size such as `"10 MB"`, `"64MiB"` or `"1e6"` (dask's `parse_bytes`), else undefined. */
export function parseBytes(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d*)?(?:e\d+)?|\.\d+)\s*([a-z]*)\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = BYTE_UNITS[(m[2] || "b").toLowerCase()];
  const n = Number(m[1]) * (unit ?? Number.NaN);
  return Number.isFinite(n) && n >= 1 ? Math.floor(n) : undefined;
}

export interface NormalizeChunksOptions {
  /** Needed to size `"auto"` chunks. */
  dtype?: DType;
  /** Byte limit per chunk for `"auto"` (default {@link DEFAULT_CHUNK_BYTES}). */
  limit?: number;
  /** Existing chunking (e.g. the storage chunks of an HDF5/Zarr dataset) that auto chunks align to. */
  previousChunks?: readonly number[];
}

/** `(c,)*(s//c) + (s%c,)`: blocks of `c` with a smaller last one. */
export function blocksOf(size: number, c: number): number[] {
  if (size === 0) return [0];
  const out: number[] = [];
  for (let s = 0; s < size; s += c) out.push(Math.min(c, size - s));
  return out;
}

/**
 * Normalises a chunk spec to explicit per-axis block sizes (dask's `normalize_chunks`).
 *
 * @example
 * ```ts
 * normalizeChunks([4, 3], [10, 6]); // [[4, 4, 2], [3, 3]]
 * normalizeChunks("auto", [20000, 20000], { dtype: "float64" }); // 4096-sized blocks (128 MiB)
 * ```
 */
export function normalizeChunks(
  spec: ChunkSpec | string,
  shape: readonly number[],
  options: NormalizeChunksOptions = {},
): number[][] {
  const ndim = shape.length;
  let limit = options.limit;
  if (typeof spec === "string" && spec !== "auto") {
    const bytes = parseBytes(spec);
    if (bytes === undefined) {
      throw new InvalidChunksError(
        `Unrecognised chunk spec. Got chunks=${fmt(spec)}, expected ${ACCEPTED_FORMS}.`,
      );
    }
    limit = bytes;
    spec = "auto";
  }
  let perAxis: AxisChunkSpec[];
  if (typeof spec === "number" || spec === "auto") perAxis = new Array(ndim).fill(spec);
  else if (Array.isArray(spec)) perAxis = [...spec];
  else if (spec && typeof spec === "object") {
    perAxis = new Array(ndim).fill(null);
    for (const [k, v] of Object.entries(spec)) {
      const axis = Number(k) < 0 ? Number(k) + ndim : Number(k);
      if (!(Number.isInteger(axis) && axis >= 0 && axis < ndim))
        throw new InvalidChunksError(`Chunk spec names axis ${k}, but the array has ${ndim} axes.`);
      perAxis[axis] = v as AxisChunkSpec;
    }
  } else {
    throw new InvalidChunksError(
      `Unrecognised chunk spec. Got chunks=${fmt(spec)}, expected ${ACCEPTED_FORMS}.`,
    );
  }

  if (perAxis.length !== ndim) {
    throw new InvalidChunksError(
      `Chunks and shape must be of the same length/dimension. Got chunks=${fmt(spec)}, shape=${fmt(shape)}.`,
    );
  }
  perAxis = perAxis.map((c, i) => (c === -1 || c === null ? shape[i] : c));
  for (const [i, c] of perAxis.entries()) {
    const ok =
      c === "auto" ||
      (typeof c === "number" && ((Number.isInteger(c) && c > 0) || (c === 0 && shape[i] === 0))) ||
      (Array.isArray(c) && c.every((n) => Number.isInteger(n) && n >= 0));
    if (!ok) {
      throw new InvalidChunksError(
        `Chunk sizes must be positive integers. Got chunks=${fmt(spec)} (axis ${i}: ${fmt(c)}), expected ${ACCEPTED_FORMS}.`,
      );
    }
  }
  if (perAxis.includes("auto")) perAxis = autoChunks(perAxis, shape, { ...options, limit });
  checkBlockCount(perAxis as (number | readonly number[])[], shape, spec);

  const chunks = perAxis.map((c, i) =>
    typeof c === "number" ? blocksOf(shape[i], Math.max(c, 1)) : [...(c as readonly number[])],
  );
  for (let i = 0; i < ndim; i++) {
    const sum = chunks[i].reduce((a, b) => a + b, 0);
    if (sum !== shape[i]) {
      throw new InvalidChunksError(
        `Chunks do not add up to shape. Got chunks=${fmt(chunks)}, shape=${fmt(shape)}`,
      );
    }
  }
  return chunks;
}

/** Refuses chunkings of more than {@link MAX_BLOCKS} blocks before any block list is built. */
function checkBlockCount(
  perAxis: readonly (number | readonly number[])[],
  shape: readonly number[],
  spec: unknown,
): void {
  const counts = perAxis.map((c, i) =>
    typeof c === "number" ? Math.max(1, Math.ceil(shape[i] / Math.max(c, 1))) : c.length,
  );
  const total = counts.reduce((a, b) => a * b, 1);
  if (total <= MAX_BLOCKS) return;
  // Larger chunks: the same number of blocks along each axis, within the limit.
  const perAxisLimit = Math.max(1, Math.floor(MAX_BLOCKS ** (1 / Math.max(1, shape.length))));
  const suggestion = shape.map((n, i) => {
    const c = perAxis[i];
    const current = typeof c === "number" ? c : Math.max(1, ...c);
    return Math.max(current, Math.ceil(n / perAxisLimit));
  });
  throw new InvalidChunksError(
    `Too many blocks: chunks=${fmt(spec)} over shape=${fmt(shape)} make ${total.toPrecision(3)} blocks, more than the limit of ${MAX_BLOCKS} (each block is a task held in memory). Use larger chunks, e.g. chunks=${fmt(suggestion)}.`,
  );
}

/** dask's `auto_chunks`: square-ish blocks under the byte limit, aligned to previous chunks when given. */
function autoChunks(
  perAxis: AxisChunkSpec[],
  shape: readonly number[],
  options: NormalizeChunksOptions,
): AxisChunkSpec[] {
  if (!options.dtype) throw new InvalidChunksError(`"auto" chunks need a dtype. Got dtype=undefined.`);
  const limit = (options.limit ?? DEFAULT_CHUNK_BYTES) / itemsize(options.dtype);
  const out = [...perAxis];
  const autoAxes = out.flatMap((c, i) => (c === "auto" ? [i] : []));
  // An array with no elements holds no bytes: one block along each auto axis, not a grid sized as if
  // the other axes were full (a (9, 1e12, 0) array would otherwise get half a million empty blocks).
  if (shape.includes(0)) {
    for (const i of autoAxes) out[i] = Math.max(shape[i], 1);
    return out;
  }
  let largestBlock = 1;
  for (const c of out) {
    if (c === "auto") continue;
    largestBlock *= typeof c === "number" ? c : Math.max(...(c as number[]));
  }
  const prev = options.previousChunks;
  if (prev) {
    // Grow the storage chunks by a common factor, staying a multiple of them (aligned reads).
    let remaining = [...autoAxes];
    let budget = limit / largestBlock;
    for (let iter = 0; iter < 10 && remaining.length; iter++) {
      const prodPrev = remaining.reduce((p, i) => p * Math.min(prev[i], shape[i]), 1);
      const multiplier = (budget / prodPrev) ** (1 / remaining.length);
      const next: number[] = [];
      for (const i of remaining) {
        const base = Math.max(1, Math.min(prev[i], shape[i]));
        const proposed = base * multiplier;
        if (proposed >= shape[i]) {
          out[i] = shape[i];
          budget /= Math.max(1, shape[i]);
        } else next.push(i);
      }
      if (next.length === remaining.length) {
        for (const i of next) {
          const base = Math.max(1, Math.min(prev[i], shape[i]));
          out[i] = Math.max(base, Math.floor(multiplier) * base) || base;
          if (multiplier < 1) out[i] = Math.max(1, Math.floor(base * multiplier));
        }
        next.length = 0;
      }
      remaining = next;
    }
    return out;
  }
  let remaining = [...autoAxes];
  let budget = limit / largestBlock;
  while (remaining.length) {
    const size = budget ** (1 / remaining.length);
    const small = remaining.filter((i) => shape[i] < size);
    if (small.length === 0) {
      for (const i of remaining) out[i] = Math.max(1, Math.floor(size + 1e-9));
      break;
    }
    for (const i of small) {
      out[i] = Math.max(shape[i], 1);
      budget /= Math.max(shape[i], 1);
    }
    remaining = remaining.filter((i) => !small.includes(i));
  }
  return out;
}

/** Cumulative block offsets per axis: `[0, c0, c0 + c1, ...]`. */
export function chunkOffsets(chunks: readonly number[]): number[] {
  const out = [0];
  for (const c of chunks) out.push(out[out.length - 1] + c);
  return out;
}
