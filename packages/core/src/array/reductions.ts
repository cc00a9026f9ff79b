/**
 * Tree reductions (dask's `reduction` → `_tree_reduce` → `partial_reduce`, in
 * `dask/array/_reductions_generic.py`): a chunk task per block reduces it to a small partial, then
 * levels of combine tasks each merge at most `splitEvery` neighbouring partials per reduced axis,
 * and one aggregate task per output block finalises. Memory is bounded by `splitEvery` partials per
 * task, and the static order lets each level consume partials as soon as they exist.
 */
import { type DType, isDType } from "../dtype/dtypes.js";
import { DTypeError, fmt, InvalidArgumentError, UnknownChunksError } from "../errors.js";
import type { Param } from "../graph/task.js";
import { REDUCE_KERNELS } from "../kernels/reduce.js";
import { int64Reduction } from "../kernels/int64-reduce.js";
import { isArgReduction, type ReduceOp, reduceResultDType } from "../ops/reductions.js";
import type { KernelRef } from "../kernels/registry.js";
import { normalizeAxisTuple } from "../index/axis.js";
import { axisOptions } from "../index/axis.js";
import { checkReduction, REDUCTION_AXES, type ReduceAxis } from "../ops/reductions.js";

export type { ReduceAxis } from "../ops/reductions.js";
import { blockLayer } from "./block-layer.js";
import { blockIndices, ChunkedArray } from "./chunked-array.js";

/** Default most partials merged by one task along each reduced axis group (dask's `split_every` config). */
export const DEFAULT_SPLIT_EVERY = 4;

/** How many blocks one combine task merges: a number for all reduced axes together, or one per axis. */
export type SplitEvery = number | Readonly<Record<number, number>>;

/** Options of the named reductions (`sum`, `mean`, `std`, ...). */
export interface ReduceOptions {
  /** Axis or axes to reduce; negative counts from the end. `null` or missing: all axes. */
  axis?: number | readonly number[] | null;
  /** Keep the reduced axes as length-1 axes. Default `false`. */
  keepdims?: boolean;
  /**
   * Most blocks merged by one task (dask's `split_every`). A number `n` with `k` reduced axes merges
   * `max(floor(n ** (1/k)), 2)` blocks per axis; a record gives it per axis (missing axes: 2).
   * Default {@link DEFAULT_SPLIT_EVERY}.
   */
  splitEvery?: SplitEvery;
  /** var/std only: delta degrees of freedom, the divisor is `count - ddof`. Default 0. */
  ddof?: number;
}

/** Options of the arg-reductions: one axis, or `null` for an index into the flattened array. */
export interface ArgReduceOptions {
  /** The axis along which to find the index; negative counts from the end. `null`: flat index. */
  axis?: number | null;
  /** Keep the reduced axes as length-1 axes. Default `false`. */
  keepdims?: boolean;
  /** Most blocks merged by one task; see {@link ReduceOptions.splitEvery}. */
  splitEvery?: SplitEvery;
}

/** A kernel reference or a registered kernel id. */
export type KernelLike = KernelRef | string;

/** Options of the generic {@link reduction} builder. */
export interface ReductionOptions<D extends DType = DType> {
  /**
   * Reduces one block. Called with `[block]` and params `{...params, axis, keepdims: true, fusable: true}`
   * (plus `blockOffset` and `arrayShape` with `blockInfo`); returns the block's partial, with the
   * reduced axes kept as length 1 (it may add trailing axes).
   */
  chunk: KernelLike;
  /**
   * Merges the partials of one group (the task's inputs, all of one shape) into one partial of that
   * shape. Params `{...params, axis, keepdims: true}`. Default: `aggregate`, as in dask.
   */
  combine?: KernelLike;
  /**
   * Merges the last group and finalises. Params `{...params, ...aggregateParams, axis, keepdims, dtype}`;
   * returns the result block, without the reduced axes unless `keepdims`.
   */
  aggregate: KernelLike;
  /** Result dtype (known before compute, as in dask where it is required). */
  dtype: D;
  /** Axis or axes to reduce; negative counts from the end. Default: all axes. */
  axis?: number | readonly number[] | null;
  /** Keep the reduced axes as length-1 axes. Default `false`. */
  keepdims?: boolean;
  /** Most blocks merged by one task; see {@link ReduceOptions.splitEvery}. */
  splitEvery?: SplitEvery;
  /** Prefix of the layer names (`<name>-chunk-…`, `<name>-partial-…`, `<name>-agg-…`). Default `"reduction"`. */
  name?: string;
  /** Literal parameters given to every stage. */
  params?: Readonly<Record<string, Param>>;
  /** Literal parameters given to the aggregate stage only (e.g. `ddof`). */
  aggregateParams?: Readonly<Record<string, Param>>;
  /** Give each chunk task its block's global start (`blockOffset`) and the array's shape (`arrayShape`). */
  blockInfo?: boolean;
}

function kernelId(k: KernelLike, what: string): string {
  if (typeof k === "string") return k;
  if (k && typeof k.id === "string") return k.id;
  throw new InvalidArgumentError(
    `reduction needs a kernel reference or id for ${what}. Got ${what}=${fmt(k)}.`,
  );
}

/** Per reduced axis, how many blocks one task merges (dask's `_tree_reduce` normalisation). */
export function normalizeSplitEvery(
  splitEvery: SplitEvery | null | undefined,
  axes: readonly number[],
  ndim: number,
): Map<number, number> {
  const se = splitEvery ?? DEFAULT_SPLIT_EVERY;
  const out = new Map<number, number>();
  const check = (v: unknown, label: string): number => {
    if (!(typeof v === "number" && Number.isInteger(v) && v >= 2)) {
      throw new InvalidArgumentError(`splitEvery must be an integer >= 2. Got ${label}=${fmt(v)}.`);
    }
    return v;
  };
  if (typeof se === "number") {
    check(se, "splitEvery");
    const n = Math.max(Math.floor(se ** (1 / (axes.length || 1))), 2);
    for (const ax of axes) out.set(ax, n);
  } else if (se !== null && typeof se === "object") {
    for (const k of Object.keys(se)) {
      const ax = Number(k);
      if (!(Number.isInteger(ax) && ax >= -ndim && ax < ndim)) {
        throw new InvalidArgumentError(
          `axis ${k} is out of bounds for array of dimension ${ndim}. Got splitEvery=${fmt(se)}.`,
        );
      }
    }
    for (const ax of axes) {
      const v = (se as Record<number, number>)[ax] ?? (se as Record<number, number>)[ax - ndim] ?? 2;
      out.set(ax, check(v, `splitEvery[${ax}]`));
    }
  } else {
    throw new InvalidArgumentError(
      `splitEvery must be an integer or a record of axis to integer. Got splitEvery=${fmt(se)}.`,
    );
  }
  return out;
}

/** Number of tree levels: the most, over the reduced axes, of ceil(log_n(numblocks)), at least 1. */
export function treeDepth(numblocks: readonly number[], split: ReadonlyMap<number, number>): number {
  let depth = 1;
  for (const [ax, n] of split) {
    let d = 0;
    for (let reach = 1; reach < numblocks[ax]; reach *= n) d++;
    depth = Math.max(depth, d);
  }
  return depth;
}

/**
 * One tree level (dask's `partial_reduce`): groups runs of `split[ax]` consecutive blocks along each
 * reduced axis and runs `op` once per group, with the group's blocks as inputs in C order.
 */
function partialReduce<D extends DType>(
  x: ChunkedArray,
  op: string,
  split: ReadonlyMap<number, number>,
  keepdims: boolean,
  prefix: string,
  params: Readonly<Record<string, Param>>,
  dtype: D,
): ChunkedArray<D> {
  const groups: number[][][] = x.numblocks.map((nb, ax) => {
    const size = split.get(ax) ?? 1;
    const out: number[][] = [];
    for (let s = 0; s < nb; s += size)
      out.push(Array.from({ length: Math.min(size, nb - s) }, (_, i) => s + i));
    return out;
  });
  const keptAxes = x.chunks.map((_, ax) => ax).filter((ax) => keepdims || !split.has(ax));
  const chunks = keptAxes.map((ax) => (split.has(ax) ? groups[ax].map(() => 1) : [...x.chunks[ax]]));
  const token = [op, [...split.entries()], keepdims, params];
  return blockLayer(prefix, token, [x], chunks, dtype, (outIdx, key) => {
    // A dropped axis (keepdims false, at the root) has one group.
    const gi = x.chunks.map(() => 0);
    keptAxes.forEach((ax, i) => {
      gi[ax] = outIdx[i];
    });
    const members = blockIndices(gi.map((g, ax) => groups[ax][g].length));
    const deps = members.map((m) => x.key(m.map((j, ax) => groups[ax][gi[ax]][j])));
    return { key, op, deps, params };
  });
}

/**
 * A tree reduction with your own kernels: `chunk` per block, `combine` per group of at most
 * `splitEvery` partials, `aggregate` at the root. The named reductions are thin wrappers of it.
 *
 * @example
 * ```ts
 * // A sum of squares, from registered kernels
 * const ssq = ca.reduction(x, {
 *   chunk: sumSquaresChunk, combine: "reduce.sum.combine", aggregate: "reduce.sum.agg",
 *   dtype: "float64", axis: 0, name: "ssq",
 * });
 * ```
 * @see dask.array.reduction
 */
export function reduction<D extends DType>(x: ChunkedArray, options: ReductionOptions<D>): ChunkedArray<D> {
  const chunkOp = kernelId(options.chunk, "chunk");
  const aggOp = kernelId(options.aggregate, "aggregate");
  const combineOp = options.combine === undefined ? aggOp : kernelId(options.combine, "combine");
  if (!isDType(options.dtype)) {
    throw new DTypeError(`reduction needs the result dtype. Got dtype=${fmt(options.dtype)}.`);
  }
  const axes = normalizeAxisTuple(options.axis, x.ndim, REDUCTION_AXES);
  const keepdims = options.keepdims ?? false;
  const split = normalizeSplitEvery(options.splitEvery, axes, x.ndim);
  const prefix = options.name ?? "reduction";
  const params = options.params ?? {};

  let offsets: number[][] | undefined;
  if (options.blockInfo) {
    for (const ax of axes) {
      if (x.chunks[ax].some(Number.isNaN)) {
        throw new UnknownChunksError(
          `Arg-reductions do not work with arrays that have unknown chunk sizes. Got chunks=${fmt(x.chunks)} (axis ${ax}). Call x.computeChunkSizes() first.`,
        );
      }
    }
    offsets = x.offsets();
  }
  const chunkParams = { ...params, axis: axes, keepdims: true, fusable: true };
  const arrayShape = x.shape;
  const partialChunks = x.chunks.map((c, ax) => (split.has(ax) ? c.map(() => 1) : [...c]));
  const chunkToken = [chunkOp, chunkParams, options.blockInfo ?? false];
  let level: ChunkedArray = blockLayer(
    `${prefix}-chunk`,
    chunkToken,
    [x],
    partialChunks,
    "float64",
    (idx, key) => ({
      key,
      op: chunkOp,
      deps: [x.key(idx)],
      params: offsets
        ? { ...chunkParams, blockOffset: idx.map((b, ax) => offsets[ax][b]), arrayShape }
        : chunkParams,
    }),
  );

  const depth = treeDepth(level.numblocks, split);
  const combineParams = { ...params, axis: axes, keepdims: true };
  for (let d = 0; d < depth - 1; d++) {
    level = partialReduce(level, combineOp, split, true, `${prefix}-partial`, combineParams, "float64");
  }
  const aggParams = { ...params, ...options.aggregateParams, axis: axes, keepdims, dtype: options.dtype };
  return partialReduce(level, aggOp, split, keepdims, `${prefix}-agg`, aggParams, options.dtype);
}

const VAR_FAMILY = new Set<ReduceOp>(["var", "std", "nanvar", "nanstd"]);

/** A built-in reduction by name (what the named wrappers call). */
export function reduceArray(
  op: ReduceOp,
  x: ChunkedArray,
  optionsOrAxis: ReduceOptions | ArgReduceOptions | ReduceAxis = {},
): ChunkedArray {
  if (!(x instanceof ChunkedArray)) {
    throw new InvalidArgumentError(`${op} needs a ChunkedArray. Got ${fmt(x === null ? null : typeof x)}.`);
  }
  const options = axisOptions(op, optionsOrAxis);
  const axes = checkReduction(op, x.shape, options.axis);
  const ddof = (options as ReduceOptions).ddof ?? 0;
  if (!(typeof ddof === "number" && Number.isFinite(ddof))) {
    throw new InvalidArgumentError(`ddof must be a finite number. Got ddof=${fmt(ddof)}.`);
  }
  const k = int64Reduction(op, x.dtype) ?? REDUCE_KERNELS[op];
  return reduction(x, {
    chunk: k.chunk,
    combine: k.combine,
    aggregate: k.agg,
    dtype: reduceResultDType(op, x.dtype),
    axis: axes,
    keepdims: options.keepdims,
    splitEvery: options.splitEvery,
    name: op,
    aggregateParams: VAR_FAMILY.has(op) ? { ddof } : undefined,
    blockInfo: isArgReduction(op),
  });
}
