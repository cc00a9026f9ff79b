import { fmt, NDArray } from "@chunked/core/internal";
import { IoError, where } from "./errors.js";
import type { DType, Region } from "./types.js";

/** Length of `start:stop:step`. */
export function sliceLength(start: number, stop: number, step: number): number {
  return stop <= start ? 0 : Math.ceil((stop - start) / step);
}

/** The shape of the array a region selects. */
export function regionShape(region: Region): number[] {
  return region.map(([a, b, s]) => sliceLength(a, b, s));
}

/** The region selecting the whole of `shape`. */
export function fullRegion(shape: readonly number[]): Region {
  return shape.map((n) => [0, n, 1] as const);
}

/** Throws a `region` IoError unless `region` is a valid selection of `shape`. */
export function checkRegion(region: Region, shape: readonly number[], file?: string, dataset?: string): void {
  const bad = (why: string): never => {
    throw new IoError(
      "region",
      `Region does not fit the array in ${where(file, dataset)}: ${why}. Got region=${fmt(region.map((r) => [...r]))}, shape=${fmt([...shape])}.`,
      { file, dataset },
    );
  };
  if (!Array.isArray(region) || region.length !== shape.length) {
    bad(`expected one [start, stop, step] per axis (${shape.length})`);
  }
  for (let i = 0; i < shape.length; i++) {
    const r = region[i];
    if (!Array.isArray(r) || r.length !== 3 || !r.every(Number.isInteger))
      bad(`axis ${i} is not [start, stop, step]`);
    const [a, b, s] = r;
    if (s < 1) bad(`step must be >= 1 on axis ${i}`);
    if (a < 0 || b > shape[i] || a > b) bad(`axis ${i} is out of bounds for size ${shape[i]}`);
  }
}

/** Throws a `region` IoError unless `blockShape` is the shape of `region`. */
export function checkBlockShape(
  region: Region,
  blockShape: readonly number[],
  file?: string,
  dataset?: string,
): void {
  const expected = regionShape(region);
  if (expected.length !== blockShape.length || expected.some((n, i) => n !== blockShape[i])) {
    throw new IoError(
      "region",
      `Block shape does not match the region written in ${where(file, dataset)}. Got block shape=${fmt([...blockShape])}, expected ${fmt(expected)}.`,
      { file, dataset },
    );
  }
}

/** The part of a region that falls in one storage chunk. */
export interface ChunkPiece {
  /** Chunk grid coordinates. */
  readonly coords: number[];
  /** First selected element, relative to the chunk's origin. */
  readonly localFirst: number[];
  /** Number of selected elements per axis. */
  readonly count: number[];
  /** Where the piece starts in the region's output array. */
  readonly outFirst: number[];
}

/** Splits a region over a regular chunk grid (chunks of `chunkShape` tiling `shape`), in C order. */
export function chunkPieces(region: Region, chunkShape: readonly number[]): ChunkPiece[] {
  const perAxis: { c: number; local: number; n: number; out: number }[][] = region.map(
    ([start, stop, step], d) => {
      const n = sliceLength(start, stop, step);
      const out: { c: number; local: number; n: number; out: number }[] = [];
      if (n === 0) return out;
      const size = chunkShape[d];
      const last = start + (n - 1) * step;
      for (let c = Math.floor(start / size); c <= Math.floor(last / size); c++) {
        const lo = c * size;
        const hi = lo + size - 1;
        const kFirst = Math.max(0, Math.ceil((lo - start) / step));
        const kLast = Math.min(n - 1, Math.floor((hi - start) / step));
        if (kLast < kFirst) continue; // a step wider than the chunk skips it
        out.push({ c, local: start + kFirst * step - lo, n: kLast - kFirst + 1, out: kFirst });
      }
      return out;
    },
  );
  const pieces: ChunkPiece[] = [];
  if (perAxis.some((a) => a.length === 0))
    return region.length === 0 ? [{ coords: [], localFirst: [], count: [], outFirst: [] }] : pieces;
  const idx = new Array<number>(region.length).fill(0);
  for (;;) {
    const parts = idx.map((k, d) => perAxis[d][k]);
    pieces.push({
      coords: parts.map((p) => p.c),
      localFirst: parts.map((p) => p.local),
      count: parts.map((p) => p.n),
      outFirst: parts.map((p) => p.out),
    });
    let d = region.length - 1;
    while (d >= 0 && ++idx[d] === perAxis[d].length) idx[d--] = 0;
    if (d < 0) return pieces;
  }
}

/**
 * True when selecting `count` elements from `first` with `step` inside a C-ordered block of `dims`
 * touches one contiguous run of memory (so one read or one `set` moves it).
 */
export function isContiguousRun(
  first: readonly number[],
  count: readonly number[],
  step: readonly number[],
  dims: readonly number[],
): boolean {
  let k = 0;
  while (k < dims.length && count[k] === 1) k++;
  if (k === dims.length) return true;
  if (step[k] !== 1) return false;
  for (let d = k + 1; d < dims.length; d++) {
    if (first[d] !== 0 || count[d] !== dims[d] || step[d] !== 1) return false;
  }
  return true;
}

/**
 * A block shape for reading `shape` that is a whole multiple of the storage chunks (so no storage
 * chunk is read by two tasks) and about `targetBytes` large (dask's `array.chunk-size`, 128 MiB).
 * Trailing axes grow first, so blocks are long C-order runs.
 *
 * @example
 * ```ts
 * alignedChunks([5760, 11520], 4, [500, 500]); // [2500, 11520]: 5 rows of storage chunks, ~115 MB
 * ```
 */
export function alignedChunks(
  shape: readonly number[],
  itemsize: number,
  storageChunks?: readonly number[],
  targetBytes = 128 * 1024 * 1024,
): number[] {
  const block = shape.map((n, d) => Math.max(1, Math.min(n, storageChunks?.[d] ?? 1)));
  const bytes = () => block.reduce((a, b) => a * b, itemsize);
  for (let d = shape.length - 1; d >= 0; d--) {
    const unit = block[d];
    const fit = Math.floor(targetBytes / (bytes() / unit) / unit); // whole storage chunks that fit
    block[d] = Math.max(unit, Math.min(shape[d], Math.max(1, fit) * unit));
    if (block[d] < shape[d]) break;
  }
  return block;
}

/**
 * The array a read fills: `out` after checking it (C-contiguous, the region's shape and `dtype`),
 * else a new zero-filled one.
 */
export function outputFor<D extends DType>(
  region: Region,
  dtype: D,
  out: NDArray<D> | undefined,
  file?: string,
  dataset?: string,
): NDArray<D> {
  const shape = regionShape(region);
  if (!out) return NDArray.zeros(dtype, shape);
  if (
    out.dtype !== dtype ||
    !out.isContiguous ||
    out.shape.length !== shape.length ||
    out.shape.some((n, i) => n !== shape[i])
  ) {
    throw new IoError(
      "region",
      `The output array does not fit the read of ${where(file, dataset)}. Got out dtype=${fmt(out.dtype)}, shape=${fmt([...out.shape])}, expected a C-contiguous ${fmt(dtype)} array of shape ${fmt(shape)}.`,
      { file, dataset },
    );
  }
  return out;
}
