import { chunkOffsets, DEFAULT_CHUNK_BYTES } from "../chunks/normalize.js";
import { type DType, itemsize } from "../dtype/dtypes.js";
import { fmt, InvalidArgumentError, InvalidChunksError, UnknownChunksError } from "../errors.js";
import { createFull } from "../kernels/create.js";
import { joinReshape, type ReshapeParams } from "../kernels/join.js";
import { task } from "../kernels/registry.js";
import { shapeSize } from "../ndarray/ndarray.js";
import { blockLayer } from "./block-layer.js";
import type { ChunkedArray } from "./chunked-array.js";
import { rechunk, UNKNOWN_CHUNKS_FIX } from "./rechunk.js";
import { divideToWidth, largestBlock } from "./rechunk-plan.js";

/** Options of {@link reshape}. */
export interface ReshapeOptions {
  /**
   * Largest block in bytes that merging axes may make (dask's `limit`). Default 128 MiB, or the
   * input's largest block when that is larger.
   */
  limit?: number;
}

/** Resolves one `-1` in a requested shape and checks the size, with NumPy's message. */
function resolveShape(size: number, shapeArg: readonly number[] | number): number[] {
  if (typeof shapeArg !== "number" && !Array.isArray(shapeArg)) {
    throw new InvalidArgumentError(
      `reshape needs a shape: an integer or a list of integers. Got shape=${fmt(shapeArg)}.`,
    );
  }
  const shape = typeof shapeArg === "number" ? [shapeArg] : [...shapeArg];
  const unknown = shape.flatMap((s, i) => (s === -1 ? [i] : []));
  if (unknown.length > 1) {
    throw new InvalidArgumentError(`can only specify one unknown dimension. Got shape=${fmt(shape)}.`);
  }
  if (shape.some((s, i) => !Number.isInteger(s) || (s < 0 && i !== unknown[0]))) {
    throw new InvalidArgumentError(`negative dimensions not allowed. Got shape=${fmt(shape)}.`);
  }
  if (unknown.length === 1) {
    const known = shapeSize(shape.filter((s) => s !== -1));
    if (known === 0 || size % known !== 0) {
      throw new InvalidArgumentError(
        `cannot reshape array of size ${size} into shape ${fmt(shape)}. Got shape=${fmt(shape)}.`,
      );
    }
    shape[unknown[0]] = size / known;
  }
  if (shapeSize(shape) !== size) {
    throw new InvalidArgumentError(
      `cannot reshape array of size ${size} into shape ${fmt(shape)}. Got shape=${fmt(shape)}.`,
    );
  }
  return shape;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** A run of input axes and output axes with equal products (the unit `reshape` maps block to block). */
interface Group {
  inAxes: number[];
  outAxes: number[];
}

/** How the first input axis `a0` of a group maps to the first output axis `b0`. */
interface AxisMap {
  a0: number;
  b0: number;
  /** Block boundaries on `a0` must be multiples of this. */
  step: number;
  inTailSize: number;
  outTailSize: number;
}

function maxOf(xs: readonly number[]): number {
  return xs.reduce((m, v) => Math.max(m, v), 0);
}

/**
 * Splits the first axes of groups (at multiples of their step) until no block of `inChunks` holds
 * more than `limit` elements; throws when even the narrowest blocks are too large.
 */
function boundBlocks(
  inChunks: number[][],
  maps: readonly AxisMap[],
  limit: number,
  describe: () => string,
): void {
  for (let largest = largestBlock(inChunks); largest > limit; largest = largestBlock(inChunks)) {
    const splittable = maps.filter((g) => maxOf(inChunks[g.a0]) > g.step);
    if (!splittable.length) throw new InvalidChunksError(describe());
    const g = splittable.reduce((p, q) =>
      maxOf(inChunks[q.a0]) / q.step > maxOf(inChunks[p.a0]) / p.step ? q : p,
    );
    const widest = maxOf(inChunks[g.a0]);
    const width = Math.max(g.step, Math.floor((widest * limit) / largest / g.step) * g.step);
    inChunks[g.a0] = divideToWidth(
      inChunks[g.a0].map((c) => c / g.step),
      width / g.step,
    ).map((u) => u * g.step);
  }
}

/** Splits the axes into the smallest groups whose sizes multiply to the same value, left to right. */
function groupAxes(inShape: readonly number[], outShape: readonly number[]): Group[] {
  const groups: Group[] = [];
  let i = 0;
  let j = 0;
  while (i < inShape.length || j < outShape.length) {
    if (i === inShape.length || j === outShape.length) {
      // Trailing length-1 axes join the last group (or form one when there is none).
      const last = groups[groups.length - 1] ?? { inAxes: [], outAxes: [] };
      if (!groups.length) groups.push(last);
      if (i < inShape.length) last.inAxes.push(i++);
      else last.outAxes.push(j++);
      continue;
    }
    // A length-1 axis facing a longer one is a group of its own (so it never forces a merge).
    if (inShape[i] === 1 && outShape[j] !== 1) {
      groups.push({ inAxes: [i++], outAxes: [] });
      continue;
    }
    if (outShape[j] === 1 && inShape[i] !== 1) {
      groups.push({ inAxes: [], outAxes: [j++] });
      continue;
    }
    const g: Group = { inAxes: [i++], outAxes: [j++] };
    let pin = inShape[g.inAxes[0]];
    let pout = outShape[g.outAxes[0]];
    while (pin !== pout) {
      if (pin < pout) {
        g.inAxes.push(i);
        pin *= inShape[i++];
      } else {
        g.outAxes.push(j);
        pout *= outShape[j++];
      }
    }
    groups.push(g);
  }
  return groups;
}

/**
 * Gives an array a new shape with the same elements in C order. As dask's `reshape_rechunk`, the
 * input is first rechunked so that each output block comes from exactly one input block (within
 * each group of merged or split axes, all but the first axis become one block, and block
 * boundaries on the first axis are moved to multiples that line up), then every block is reshaped
 * in its own task (a view when contiguous). One axis of `shape` may be `-1`.
 *
 * Merging axes makes blocks as long as the trailing merged axes: reshaping `[20000, 20000]` into
 * `[-1]` gives blocks of whole rows. Blocks stay within `options.limit` by splitting the leading
 * axis further; when even the narrowest possible block is larger, an `InvalidChunksError` names
 * it and the limit (never one giant block silently). The rechunk of the input is planned by
 * `rechunk`, so it is multi-stage when one stage would need too much memory per task.
 *
 * @example
 * ```ts
 * const x = ca.arange(24, { chunks: 6 });
 * ca.reshape(x, [4, 6]).chunks;      // [[1, 1, 1, 1], [6]]
 * ca.reshape(ca.ones([4, 6], { chunks: 2 }), [-1]).chunks; // [[12, 12]]
 * ```
 * @see numpy.reshape, dask.array.reshape
 */
export function reshape<D extends DType>(
  x: ChunkedArray<D>,
  shape: readonly number[] | number,
  options: ReshapeOptions = {},
): ChunkedArray<D> {
  if (x.chunks.some((c) => c.some(Number.isNaN))) {
    throw new UnknownChunksError(
      `Cannot reshape an array of unknown shape. Got shape=${fmt(x.shape)}. ${UNKNOWN_CHUNKS_FIX}`,
    );
  }
  const inShape = x.shape;
  const outShape = resolveShape(x.size, shape);
  if (outShape.length === inShape.length && outShape.every((s, i) => s === inShape[i])) return x;
  if (x.size === 0) {
    // No elements: one empty block per axis, nothing to read.
    return blockLayer(
      "reshape",
      [x.name, outShape],
      [],
      outShape.map((s) => [s]),
      x.dtype,
      (_, key) => task(createFull, key, [], { shape: outShape, value: 0, dtype: x.dtype }),
    );
  }
  const groups = groupAxes(inShape, outShape);
  const inChunks = x.chunks.map((c) => [...c]);
  const outChunks: number[][] = outShape.map((s) => [s]);
  const maps: AxisMap[] = [];
  for (const g of groups) {
    if (g.inAxes.length === 0 || g.outAxes.length === 0) {
      // Only length-1 axes: one block each.
      for (const a of g.inAxes) inChunks[a] = [inShape[a]];
      continue;
    }
    const [a0, ...inTail] = g.inAxes;
    const [b0, ...outTail] = g.outAxes;
    const inTailSize = shapeSize(inTail.map((a) => inShape[a]));
    const outTailSize = shapeSize(outTail.map((b) => outShape[b]));
    for (const a of inTail) inChunks[a] = [inShape[a]];
    // Block boundaries on a0 must fall on whole rows of the output's trailing axes.
    const step = outTailSize / gcd(inTailSize, outTailSize);
    const n0 = inShape[a0];
    const cuts = new Set<number>();
    for (const b of chunkOffsets(x.chunks[a0]).slice(1, -1)) {
      const c = Math.round(b / step) * step;
      if (c > 0 && c < n0) cuts.add(c);
    }
    const bounds = [0, ...[...cuts].sort((p, q) => p - q), n0];
    inChunks[a0] = bounds.slice(1).map((b, k) => b - bounds[k]);
    maps.push({ a0, b0, step, inTailSize, outTailSize });
  }
  const size = itemsize(x.dtype);
  const limitBytes = Math.max(options.limit ?? DEFAULT_CHUNK_BYTES, size * largestBlock(x.chunks));
  boundBlocks(inChunks, maps, limitBytes / size, () => {
    const narrowest = inChunks.map((c, a) => maps.find((g) => g.a0 === a)?.step ?? maxOf(c));
    return `reshape of shape ${fmt(inShape)} into ${fmt(outShape)} needs input blocks of at least ${fmt(narrowest)} (${size * shapeSize(narrowest)} bytes), more than the limit of ${limitBytes} bytes. Got chunks=${fmt(x.chunksize)}, limit=${limitBytes}; pass a larger { limit } or reshape so fewer axes are merged.`;
  });
  for (const g of maps) outChunks[g.b0] = inChunks[g.a0].map((c) => (c * g.inTailSize) / g.outTailSize);
  const src = rechunk(x, inChunks);
  // Output block index -> input block index: only the first axis of each group has several blocks.
  const inAxisOf = new Array<number>(outShape.length).fill(-1);
  for (const g of groups) if (g.inAxes.length && g.outAxes.length) inAxisOf[g.outAxes[0]] = g.inAxes[0];
  return blockLayer("reshape", outShape, [src], outChunks, x.dtype, (idx, key) => {
    const inIdx = new Array<number>(inShape.length).fill(0);
    idx.forEach((b, ax) => {
      if (inAxisOf[ax] >= 0) inIdx[inAxisOf[ax]] = b;
    });
    const params: ReshapeParams = { shape: idx.map((b, ax) => outChunks[ax][b]) };
    return task(joinReshape, key, [src.key(inIdx)], params);
  });
}

/**
 * The elements as a 1-D array, in C order (`reshape(x, [-1])`).
 *
 * @example
 * ```ts
 * ca.ravel(ca.ones([3, 4], { chunks: [1, 4] })).chunks; // [[4, 4, 4]]
 * ```
 * @see numpy.ravel
 */
export function ravel<D extends DType>(x: ChunkedArray<D>, options: ReshapeOptions = {}): ChunkedArray<D> {
  return reshape(x, [-1], options);
}
