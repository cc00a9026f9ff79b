import { type ChunkSpec, normalizeChunks } from "../chunks/normalize.js";
import type { DType } from "../dtype/dtypes.js";
import { resultType } from "../dtype/promote.js";
import { BroadcastError, fmt, InvalidArgumentError, UnknownChunksError } from "../errors.js";
import { axisOptions, normalizeAxisIndex, normalizeAxisTuple } from "../index/axis.js";
import { identity } from "../kernels/core.js";
import {
  type BroadcastParams,
  type ExpandParams,
  joinBroadcast,
  joinCast,
  joinExpand,
  joinSqueeze,
  joinTranspose,
  type SqueezeParams,
  type TransposeParams,
} from "../kernels/join.js";
import { task } from "../kernels/registry.js";
import { blockLayer } from "./block-layer.js";
import { ChunkedArray } from "./chunked-array.js";
import {
  commonBlockdim,
  rechunk,
  requireOneUnknownOrigin,
  sameChunks,
  UNKNOWN_CHUNKS_FIX,
} from "./rechunk.js";
import { ravel } from "./reshape.js";

/** `true` when `T` is a union of several types. */
export type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never;
/** Result dtype of a join: the inputs' dtype, or any dtype when they differ (NumPy promotion decides). */
export type JoinedDType<D extends DType> = true extends IsUnion<D> ? DType : D;

/** The dtype of a join of several arrays: NumPy's `result_type` over their dtypes (blocks of other dtypes are cast). */
function joinDType(arrays: readonly ChunkedArray[]): DType {
  return arrays.map((a) => a.dtype as DType).reduce((p, d) => resultType(p, d));
}

/** Rechunks each array so that the given axes share one chunking (dask's `unify_chunks` for joins). */
function unifyAxes(arrays: readonly ChunkedArray[], axes: readonly number[]): ChunkedArray[] {
  const ndim = arrays[0].ndim;
  const common: (number[] | null)[] = new Array(ndim).fill(null);
  for (const ax of axes) common[ax] = commonBlockdim(arrays.map((a) => a.chunks[ax]));
  return arrays.map((a) => {
    const target = a.chunks.map((c, i) => common[i] ?? c);
    return sameChunks(target, a.chunks) ? a : rechunk(a, target);
  });
}

export interface ConcatenateOptions {
  /** Axis along which to join; negative counts from the end; `null` flattens the inputs first. Default 0. */
  axis?: number | null;
}

/**
 * Joins arrays along an existing axis. Blocks are relabelled, never copied: each output block is
 * an alias of one input block (or a cast of it when dtypes differ). Chunks on the other axes are
 * unified first (rechunking where they differ), as dask does. Mixed dtypes promote by NumPy's
 * `result_type` (uint8 with int8 gives int16; int32 with float32 gives float64).
 *
 * @example
 * ```ts
 * const x = ca.ones([4, 4], { chunks: 2 });
 * ca.concatenate([x, x, x]).shape;              // [12, 4]
 * ca.concatenate([x, x], { axis: 1 }).chunks;   // [[2, 2], [2, 2, 2, 2]]
 * ```
 * @see numpy.concatenate, dask.array.concatenate
 */
export function concatenate<D extends DType>(
  arrays: readonly ChunkedArray<D>[],
  optionsOrAxis: ConcatenateOptions | number | null = {},
): ChunkedArray<JoinedDType<D>> {
  const options: ConcatenateOptions = axisOptions("concatenate", optionsOrAxis);
  if (arrays.length === 0)
    throw new InvalidArgumentError("need at least one array to concatenate. Got arrays=[].");
  // NumPy: axis=None flattens the inputs first.
  if (options.axis === null)
    return concatenate(
      arrays.map((a) => ravel(a)),
      { axis: 0 },
    );
  const ndim = arrays[0].ndim;
  if (ndim === 0) {
    throw new InvalidArgumentError(
      "zero-dimensional arrays cannot be concatenated. Got shape=[] for the array at index 0.",
    );
  }
  arrays.forEach((a, i) => {
    if (a.ndim !== ndim) {
      throw new InvalidArgumentError(
        `all the input arrays must have same number of dimensions, but the array at index 0 has ${ndim} dimension(s) and the array at index ${i} has ${a.ndim} dimension(s). Got shapes=${fmt(arrays.map((b) => b.shape))}.`,
      );
    }
  });
  const axis = normalizeAxisIndex(options.axis ?? 0, ndim);
  const shape0 = arrays[0].shape;
  for (let i = 1; i < arrays.length; i++) {
    const s = arrays[i].shape;
    for (let ax = 0; ax < ndim; ax++) {
      if (ax === axis || s[ax] === shape0[ax]) continue;
      if (Number.isNaN(s[ax]) || Number.isNaN(shape0[ax])) {
        if (sameChunks([arrays[i].chunks[ax]], [arrays[0].chunks[ax]])) {
          requireOneUnknownOrigin([arrays[0], arrays[i]], ax - ndim);
          continue;
        }
        throw new UnknownChunksError(
          `Tried to concatenate arrays with unknown shape. Got shapes=${fmt(arrays.map((b) => b.shape))}. ${UNKNOWN_CHUNKS_FIX}`,
        );
      }
      throw new InvalidArgumentError(
        `all the input array dimensions except for the concatenation axis must match exactly, but along dimension ${ax}, the array at index 0 has size ${shape0[ax]} and the array at index ${i} has size ${s[ax]}. Got shapes=${fmt(arrays.map((b) => b.shape))}.`,
      );
    }
  }
  const dtype = joinDType(arrays) as JoinedDType<D>;
  // Empty inputs add nothing (dask drops them), unless all are empty.
  let seq: ChunkedArray[] = arrays.filter((a) => a.size !== 0);
  if (seq.length === 0) seq = [arrays[0]];
  if (seq.length === 1) return castArray(seq[0], dtype) as ChunkedArray<JoinedDType<D>>;
  seq = unifyAxes(
    seq,
    shape0.map((_, i) => i).filter((i) => i !== axis),
  );
  const chunks = seq[0].chunks.map((c, i) => (i === axis ? seq.flatMap((a) => a.chunks[axis]) : [...c]));
  // Which input and which of its blocks each output block index along `axis` comes from.
  const source: [number, number][] = [];
  seq.forEach((a, k) => {
    for (let b = 0; b < a.numblocks[axis]; b++) source.push([k, b]);
  });
  return blockLayer("concatenate", axis, seq, chunks, dtype, (idx, key) => {
    const [k, b] = source[idx[axis]];
    const inIdx = [...idx];
    inIdx[axis] = b;
    const a = seq[k];
    return a.dtype === dtype
      ? task(identity, key, [a.key(inIdx)])
      : task(joinCast, key, [a.key(inIdx)], { dtype });
  });
}

/** The array in `dtype` (itself when it already is). */
function castArray(x: ChunkedArray, dtype: DType): ChunkedArray {
  if (x.dtype === dtype) return x;
  return blockLayer("astype", null, [x], x.chunks, dtype, (idx, key) =>
    task(joinCast, key, [x.key(idx)], { dtype }),
  );
}

export interface StackOptions {
  /** Position of the new axis in the result; negative counts from the end. Default 0. */
  axis?: number;
}

/**
 * Joins arrays of the same shape along a new axis. Each output block is an input block with a
 * length-1 axis inserted (a view, no copy); chunks are unified first where they differ. Mixed
 * dtypes promote by NumPy's `result_type`.
 *
 * @example
 * ```ts
 * const days = files.map((f) => ca.fromArray(f.get("/t2m"), { chunks: [500, 500] }));
 * const x = ca.stack(days, { axis: 0 }); // shape [31, 5760, 11520], chunks [[1, 1, ...], ...]
 * ```
 * @see numpy.stack, dask.array.stack
 */
export function stack<D extends DType>(
  arrays: readonly ChunkedArray<D>[],
  optionsOrAxis: StackOptions | number = {},
): ChunkedArray<JoinedDType<D>> {
  const options: StackOptions = axisOptions("stack", optionsOrAxis);
  if (arrays.length === 0) throw new InvalidArgumentError("need at least one array to stack. Got arrays=[].");
  const shape0 = arrays[0].shape;
  arrays.forEach((a, i) => {
    const s = a.shape;
    const same = s.length === shape0.length && s.every((v, ax) => v === shape0[ax]);
    if (same) return;
    const unknownButAligned =
      s.length === shape0.length && s.some(Number.isNaN) && sameChunks(a.chunks, arrays[0].chunks);
    if (unknownButAligned) return;
    if (s.some(Number.isNaN) || shape0.some(Number.isNaN)) {
      throw new UnknownChunksError(
        `Tried to stack arrays with unknown shape. Got shapes=${fmt(arrays.map((b) => b.shape))}. ${UNKNOWN_CHUNKS_FIX}`,
      );
    }
    throw new InvalidArgumentError(
      `all input arrays must have the same shape. Got shapes=${fmt(arrays.map((b) => b.shape))} (array at index ${i} differs from the one at index 0).`,
    );
  });
  const ndim = shape0.length;
  const axis = normalizeAxisIndex(options.axis ?? 0, ndim + 1);
  const dtype = joinDType(arrays) as JoinedDType<D>;
  const seq = unifyAxes(
    arrays,
    shape0.map((_, i) => i),
  );
  const inChunks = seq[0].chunks;
  const chunks = [
    ...inChunks.slice(0, axis).map((c) => [...c]),
    new Array(seq.length).fill(1),
    ...inChunks.slice(axis).map((c) => [...c]),
  ];
  return blockLayer("stack", axis, seq, chunks, dtype, (idx, key) => {
    const a = seq[idx[axis]];
    const inIdx = [...idx.slice(0, axis), ...idx.slice(axis + 1)];
    const params: ExpandParams = a.dtype === dtype ? { axis } : { axis, dtype };
    return task(joinExpand, key, [a.key(inIdx)], params);
  });
}

export interface TransposeOptions {
  /** Output axis `i` is input axis `axes[i]` (negatives allowed). Default: reversed axes. */
  axes?: readonly number[] | null;
}

/**
 * Permutes the axes. The chunks are permuted with them; each block is transposed in one task
 * (materialised C-contiguous, so later kernels read it at full speed).
 *
 * @example
 * ```ts
 * const x = ca.ones([1000, 500], { chunks: [100, 250] });
 * ca.transpose(x).chunks; // [[250, 250], [100, ...]]
 * ca.transpose(ca.ones([2, 3, 4]), { axes: [1, 0, 2] }).shape; // [3, 2, 4]
 * ```
 * @see numpy.transpose, dask.array.transpose
 */
export function transpose<D extends DType>(
  x: ChunkedArray<D>,
  options: TransposeOptions = {},
): ChunkedArray<D> {
  const ndim = x.ndim;
  let axes: number[];
  if (options.axes == null) axes = x.chunks.map((_, i) => ndim - 1 - i);
  else {
    if (options.axes.length !== ndim) {
      throw new InvalidArgumentError(
        `axes don't match array. Got axes=${fmt(options.axes)}, expected ${ndim} axes.`,
      );
    }
    axes = options.axes.map((a) => normalizeAxisIndex(a, ndim, "axes"));
    if (new Set(axes).size !== ndim) {
      throw new InvalidArgumentError(`repeated axis in transpose. Got axes=${fmt(options.axes)}.`);
    }
  }
  if (axes.every((a, i) => a === i)) return x;
  const chunks = axes.map((a) => [...x.chunks[a]]);
  const params: TransposeParams = { axes };
  return blockLayer("transpose", axes, [x], chunks, x.dtype, (idx, key) => {
    const inIdx = new Array<number>(ndim);
    for (let i = 0; i < ndim; i++) inIdx[axes[i]] = idx[i];
    return task(joinTranspose, key, [x.key(inIdx)], params);
  });
}

/**
 * Interchanges two axes.
 *
 * @example
 * ```ts
 * ca.swapaxes(ca.ones([2, 3, 4]), 0, 2).shape; // [4, 3, 2]
 * ```
 * @see numpy.swapaxes
 */
export function swapaxes<D extends DType>(x: ChunkedArray<D>, axis1: number, axis2: number): ChunkedArray<D> {
  const a = normalizeAxisIndex(axis1, x.ndim, "axis1");
  const b = normalizeAxisIndex(axis2, x.ndim, "axis2");
  const axes = x.chunks.map((_, i) => i);
  axes[a] = b;
  axes[b] = a;
  return transpose(x, { axes });
}

/**
 * Moves axes to new positions; the other axes keep their order.
 *
 * @example
 * ```ts
 * ca.moveaxis(ca.ones([2, 3, 4]), 0, -1).shape; // [3, 4, 2]
 * ```
 * @see numpy.moveaxis
 */
export function moveaxis<D extends DType>(
  x: ChunkedArray<D>,
  source: number | readonly number[],
  destination: number | readonly number[],
): ChunkedArray<D> {
  const src = normalizeAxisTuple(source, x.ndim, { argName: "source" });
  const dst = normalizeAxisTuple(destination, x.ndim, { argName: "destination" });
  if (src.length !== dst.length) {
    throw new InvalidArgumentError(
      `\`source\` and \`destination\` arguments must have the same number of elements. Got source=${fmt(source)}, destination=${fmt(destination)}.`,
    );
  }
  const order = x.chunks.map((_, i) => i).filter((i) => !src.includes(i));
  const pairs = dst.map((d, i) => [d, src[i]] as const).sort((p, q) => p[0] - q[0]);
  for (const [d, s] of pairs) order.splice(d, 0, s);
  return transpose(x, { axes: order });
}

export interface SqueezeOptions {
  /** Length-1 axes to remove. Default: every length-1 axis. */
  axis?: number | readonly number[] | null;
}

/**
 * Removes length-1 axes (a view of each block).
 *
 * @example
 * ```ts
 * ca.squeeze(ca.ones([1, 3, 1])).shape;              // [3]
 * ca.squeeze(ca.ones([1, 3, 1]), { axis: 0 }).shape; // [3, 1]
 * ```
 * @see numpy.squeeze
 */
export function squeeze<D extends DType>(
  x: ChunkedArray<D>,
  optionsOrAxis: SqueezeOptions | number | readonly number[] | null = {},
): ChunkedArray<D> {
  const options: SqueezeOptions = axisOptions("squeeze", optionsOrAxis);
  const shape = x.shape;
  let axes: number[];
  if (options.axis == null) axes = shape.flatMap((s, i) => (s === 1 ? [i] : []));
  else {
    axes = normalizeAxisTuple(options.axis, x.ndim);
    for (const a of axes) {
      if (shape[a] !== 1) {
        throw new InvalidArgumentError(
          `cannot select an axis to squeeze out which has size not equal to one. Got axis=${fmt(options.axis)}, shape=${fmt(shape)} (axis ${a} has size ${shape[a]}).`,
        );
      }
    }
  }
  if (axes.length === 0) return x;
  axes.sort((a, b) => a - b);
  // A length-1 axis may still hold empty blocks (after slicing): make it one block.
  const src = axes.some((a) => x.chunks[a].length !== 1)
    ? rechunk(x, Object.fromEntries(axes.map((a) => [a, [1]])))
    : x;
  const chunks = src.chunks.filter((_, i) => !axes.includes(i)).map((c) => [...c]);
  const params: SqueezeParams = { axis: axes };
  return blockLayer("squeeze", axes, [src], chunks, x.dtype, (idx, key) => {
    const inIdx: number[] = [];
    for (let i = 0, j = 0; i < src.ndim; i++) inIdx.push(axes.includes(i) ? 0 : idx[j++]);
    return task(joinSqueeze, key, [src.key(inIdx)], params);
  });
}

export interface ExpandDimsOptions {
  /** Position(s) of the new length-1 axes in the result; negatives count from the end. */
  axis: number | readonly number[];
}

/**
 * Inserts length-1 axes (a view of each block).
 *
 * @example
 * ```ts
 * ca.expandDims(ca.ones([3, 4]), { axis: 0 }).shape;       // [1, 3, 4]
 * ca.expandDims(ca.ones([3, 4]), { axis: [0, -1] }).shape; // [1, 3, 4, 1]
 * ```
 * @see numpy.expand_dims
 */
export function expandDims<D extends DType>(
  x: ChunkedArray<D>,
  optionsOrAxis: ExpandDimsOptions | number | readonly number[],
): ChunkedArray<D> {
  const options: ExpandDimsOptions = axisOptions("expandDims", optionsOrAxis);
  if (options.axis === undefined) {
    throw new InvalidArgumentError("expandDims needs the position of the new axis. Got axis=undefined.");
  }
  const count = typeof options.axis === "number" ? 1 : options.axis.length;
  const axes = normalizeAxisTuple(options.axis, x.ndim + count).sort((a, b) => a - b);
  if (axes.length === 0) return x;
  const chunks: number[][] = [];
  for (let i = 0, j = 0; i < x.ndim + axes.length; i++)
    chunks.push(axes.includes(i) ? [1] : [...x.chunks[j++]]);
  const params: ExpandParams = { axis: axes };
  return blockLayer("expand_dims", axes, [x], chunks, x.dtype, (idx, key) =>
    task(joinExpand, key, [x.key(idx.filter((_, i) => !axes.includes(i)))], params),
  );
}

export interface BroadcastToOptions {
  /**
   * Chunks of the result. Default: one block over each new leading axis and over each broadcast
   * length-1 axis, the input's chunks elsewhere. Axes that keep their size are rechunked first
   * when these differ from the input's chunks.
   */
  chunks?: ChunkSpec;
}

/**
 * Broadcasts an array to a shape by NumPy's rules (new axes on the left, length-1 axes repeated).
 * Each block is materialised from a stride-0 view of its input block.
 *
 * @example
 * ```ts
 * const row = ca.arange(4, { chunks: 2 });
 * ca.broadcastTo(row, [3, 4]).chunks;                   // [[3], [2, 2]]
 * ca.broadcastTo(row, [3, 4], { chunks: [1, 2] }).chunks; // [[1, 1, 1], [2, 2]]
 * ```
 * @see numpy.broadcast_to, dask.array.broadcast_to
 */
export function broadcastTo<D extends DType>(
  x: ChunkedArray<D>,
  shape: readonly number[] | number,
  options: BroadcastToOptions = {},
): ChunkedArray<D> {
  const target = typeof shape === "number" ? [shape] : [...shape];
  if (!target.every((s) => Number.isInteger(s) && s >= 0)) {
    throw new InvalidArgumentError(
      `all elements of broadcast shape must be non-negative. Got shape=${fmt(target)}.`,
    );
  }
  if (x.chunks.some((c) => c.some(Number.isNaN))) {
    throw new UnknownChunksError(
      `Cannot broadcast an array of unknown shape. Got shape=${fmt(x.shape)}. ${UNKNOWN_CHUNKS_FIX}`,
    );
  }
  const xs = x.shape;
  const lead = target.length - x.ndim;
  if (lead < 0) {
    throw new BroadcastError(
      `input operand has more dimensions than allowed by the axis remapping. Got x.shape=${fmt(xs)}, shape=${fmt(target)}.`,
    );
  }
  if (xs.some((s, j) => s !== 1 && s !== target[j + lead])) {
    throw new BroadcastError(
      `operands could not be broadcast together with remapped shapes [original->remapped]: ${fmt(xs)} and requested shape ${fmt(target)}. Got x.shape=${fmt(xs)}, shape=${fmt(target)}.`,
    );
  }
  const broadcastAxis = xs.map((s, j) => s !== target[j + lead]);
  const chunks: number[][] =
    options.chunks === undefined
      ? target.map((s, i) => (i >= lead && !broadcastAxis[i - lead] ? [...x.chunks[i - lead]] : [s]))
      : normalizeChunks(options.chunks, target, { dtype: x.dtype });
  // Axes that keep their size must share the result's chunks, and broadcast axes must be one block.
  const src = rechunk(
    x,
    x.chunks.map((c, j) => (broadcastAxis[j] ? [1] : options.chunks === undefined ? c : chunks[j + lead])),
  );
  if (lead === 0 && sameChunks(chunks, src.chunks)) return src;
  return blockLayer("broadcast_to", target, [src], chunks, x.dtype, (idx, key) => {
    const inIdx = src.chunks.map((_, j) => (broadcastAxis[j] ? 0 : idx[j + lead]));
    const params: BroadcastParams = { shape: idx.map((b, i) => chunks[i][b]) };
    return task(joinBroadcast, key, [src.key(inIdx)], params);
  });
}

/** The nested lists of {@link block}: an array, or a list of (equally deep) nested lists. */
export type BlockList = ChunkedArray | readonly BlockList[];

/** The list depth of every leaf of `arrays` (all equal) and the largest leaf ndim; throws on a mismatch. */
function blockDepths(arrays: BlockList): { depth: number; ndim: number } {
  let first: { depth: number; where: string } | null = null;
  let ndim = 0;
  const walk = (item: BlockList, depth: number, where: string) => {
    if (!Array.isArray(item)) {
      if (!(item instanceof ChunkedArray)) {
        throw new InvalidArgumentError(
          `block takes nested lists of ChunkedArrays. Got ${fmt(item)} at ${where}; wrap values with ca.fromArray.`,
        );
      }
      if (first === null) first = { depth, where };
      else if (first.depth !== depth) {
        throw new InvalidArgumentError(
          `List depths are mismatched. First element was at depth ${first.depth}, but there is an element at depth ${depth} (${where}). Got arrays nested to depths ${first.depth} and ${depth}.`,
        );
      }
      ndim = Math.max(ndim, (item as ChunkedArray).ndim);
      return;
    }
    if (item.length === 0) {
      throw new InvalidArgumentError(`Lists cannot be empty. Got an empty list at ${where}.`);
    }
    item.forEach((sub: BlockList, i: number) => {
      walk(sub, depth + 1, `${where}[${i}]`);
    });
  };
  walk(arrays, 0, "arrays");
  return { depth: (first as { depth: number } | null)?.depth ?? 0, ndim };
}

/**
 * Assembles an array from nested lists of blocks (NumPy's `block`): the innermost lists are
 * joined along the last axis, the next along the second-to-last, and so on. Every leaf must sit
 * at the same list depth; leaves with fewer dimensions than the result get leading length-1 axes
 * (the result has `max(list depth, largest leaf ndim)` axes). Blocks are relabelled, not copied,
 * as in {@link concatenate}; mixed dtypes promote by NumPy's `result_type`.
 *
 * @example
 * ```ts
 * ca.block([[a, b], [c, d]]);  // [[a b], [c d]] as one 2-d array
 * ca.block([x, y, z]);         // concatenate([x, y, z], { axis: -1 })
 * ```
 * @see numpy.block, dask.array.block
 */
export function block(arrays: BlockList): ChunkedArray {
  const { depth, ndim: leafNdim } = blockDepths(arrays);
  const ndim = Math.max(depth, leafNdim);
  const assemble = (item: BlockList, level: number): ChunkedArray => {
    if (!Array.isArray(item)) {
      const x = item as ChunkedArray;
      const lead = ndim - x.ndim;
      return lead === 0 ? x : expandDims(x, { axis: Array.from({ length: lead }, (_, i) => i) });
    }
    const parts = item.map((sub: BlockList) => assemble(sub, level + 1));
    return concatenate(parts, { axis: level - depth });
  };
  return assemble(arrays, 0);
}
