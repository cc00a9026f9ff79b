import { type DType, itemsize } from "../dtype/dtypes.js";
import { fmt, InvalidChunksError } from "../errors.js";

/** Default byte limit of one chunk for `"auto"` chunks (dask's `array.chunk-size`). */
export const DEFAULT_CHUNK_BYTES = 128 * 2 ** 20;

/** Chunk size along one axis: a block length, `-1`/`null` (whole axis), `"auto"`, or explicit sizes. */
export type AxisChunkSpec = number | null | "auto" | readonly number[];

/**
 * A chunk spec, as dask accepts: one block length for all axes, one entry per axis, `"auto"`,
 * or explicit per-axis tuples such as `[[1000, 1000, 500], [700]]`.
 */
export type ChunkSpec = number | "auto" | readonly AxisChunkSpec[] | Readonly<Record<number, AxisChunkSpec>>;

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
  spec: ChunkSpec,
  shape: readonly number[],
  options: NormalizeChunksOptions = {},
): number[][] {
  const ndim = shape.length;
  let perAxis: AxisChunkSpec[];
  if (typeof spec === "number" || spec === "auto") perAxis = new Array(ndim).fill(spec);
  else if (Array.isArray(spec)) perAxis = [...spec];
  else if (spec && typeof spec === "object") {
    perAxis = new Array(ndim).fill(null);
    for (const [k, v] of Object.entries(spec)) {
      const axis = Number(k) < 0 ? Number(k) + ndim : Number(k);
      if (!(axis >= 0 && axis < ndim))
        throw new InvalidChunksError(`Chunk spec names axis ${k}, but the array has ${ndim} axes.`);
      perAxis[axis] = v as AxisChunkSpec;
    }
  } else throw new InvalidChunksError(`Unrecognised chunk spec. Got chunks=${fmt(spec)}.`);

  if (perAxis.length !== ndim) {
    throw new InvalidChunksError(
      `Chunks and shape must be of the same length/dimension. Got chunks=${fmt(spec)}, shape=${fmt(shape)}.`,
    );
  }
  perAxis = perAxis.map((c, i) => (c === -1 || c === null ? shape[i] : c));
  if (perAxis.includes("auto")) perAxis = autoChunks(perAxis, shape, options);

  const chunks = perAxis.map((c, i) => {
    if (typeof c === "number") {
      if (!(Number.isInteger(c) && c > 0) && !(c === 0 && shape[i] === 0)) {
        throw new InvalidChunksError(
          `Chunk sizes must be positive integers. Got chunks=${fmt(spec)} (axis ${i}: ${fmt(c)}).`,
        );
      }
      return blocksOf(shape[i], Math.max(c, 1));
    }
    return [...(c as readonly number[])];
  });
  for (let i = 0; i < ndim; i++) {
    const sum = chunks[i].reduce((a, b) => a + b, 0);
    if (!Number.isNaN(sum) && sum !== shape[i]) {
      throw new InvalidChunksError(
        `Chunks do not add up to shape. Got chunks=${fmt(chunks)}, shape=${fmt(shape)}`,
      );
    }
    if (chunks[i].some((c) => c < 0 || (!Number.isNaN(c) && !Number.isInteger(c)))) {
      throw new InvalidChunksError(`Chunk sizes must be non-negative integers. Got chunks=${fmt(chunks)}.`);
    }
  }
  return chunks;
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
