/**
 * Sorting along an axis, top-k as a tree reduction, and exact quantiles.
 *
 * - `sort`/`argsort` sort whole lanes in one task when the axis is one block. A chunked axis of an
 *   N-d array is first rechunked to one block with the other axes split so blocks keep their size;
 *   a chunked 1-D array gets a blocked sample sort (PSRS: sort blocks, sample splitters, partition,
 *   merge buckets), where no task holds more than about two blocks.
 * - `topk`/`argtopk` keep |k| candidates per block and merge at most `splitEvery` partials per task.
 * - `median`/`percentile`/`quantile` are exact (NumPy's "linear" method) over whole lanes.
 */
import { type DType, is64BitInt } from "../dtype/dtypes.js";
import { fmt, InvalidArgumentError } from "../errors.js";
import { axisOptions } from "../index/axis.js";
import { task } from "../kernels/registry.js";
import {
  type QuantileParams,
  quantileKernel,
  sampleDraw,
  sampleLocal,
  sampleMerge,
  samplePartition,
  sampleSamples,
  sampleSelect,
  sampleSplitters,
  type SortAxisParams,
  sortAxisKernel,
  topkKernel,
} from "../kernels/sort.js";
import { shapeSize } from "../ndarray/ndarray.js";
import { blockLayer, normalizeOneAxis, requireKnownChunks, singleTask } from "./block-layer.js";
import { astype } from "./elementwise.js";
import type { ChunkedArray } from "./chunked-array.js";
import { DEFAULT_SPLIT_EVERY } from "./reductions.js";
import { rechunk } from "./rechunk.js";
import { asIndices, exactFloat64Input, numberValues } from "./int64-support.js";
import { ravel } from "./reshape.js";

/** Options of {@link sort} and {@link argsort}. */
export interface SortOptions {
  /** Axis to sort along; negative counts from the end. Default -1. */
  axis?: number;
  /**
   * Chunked 1-d input read straight from a source (fromArray, random, a file): every output
   * bucket re-reads the input blocks and keeps the values in its range, instead of holding
   * partitions of every block. Peak memory is then about two buckets plus a block rather than the
   * whole array, at the cost of reading the input once per bucket. On a pool, each worker that
   * merges a bucket holds about three (the parts, the sorted bucket, and the shared copy that
   * travels). Default false.
   */
  recompute?: boolean;
  /**
   * Output blocks of the blocked 1-d sort (buckets of about equal size). Default: the number of
   * input blocks. With `recompute`, fewer buckets read the input fewer times and more buckets
   * hold less at once.
   */
  buckets?: number;
}

/**
 * `x` rechunked so `axis` is one block while blocks keep about their current number of elements
 * (the other axes are split instead), so whole-lane kernels run in bounded memory.
 */
export function wholeAxis<D extends DType>(x: ChunkedArray<D>, axis: number): ChunkedArray<D> {
  if (x.chunks[axis].length <= 1) return x;
  const n = x.shape[axis];
  const budget = Math.max(1, Math.floor(shapeSize(x.chunksize) / Math.max(1, n)));
  const target = x.chunksize.map((c, ax) => (ax === axis ? n : Math.max(1, c)));
  for (let ax = 0; ax < x.ndim; ax++) {
    if (ax === axis) continue;
    const others = shapeSize(target.filter((_, k) => k !== axis));
    if (others <= budget) break;
    target[ax] = Math.max(1, Math.floor((target[ax] * budget) / others));
  }
  return rechunk(x, target);
}

function sortImpl<D extends DType>(x: ChunkedArray<D>, arg: boolean, options: SortOptions): ChunkedArray {
  const fn = arg ? "argsort" : "sort";
  if (is64BitInt(x.dtype)) {
    const sorted = sortImpl(exactFloat64Input(x, fn), arg, options);
    return arg ? sorted : astype(sorted, x.dtype);
  }
  if (x.ndim === 0) throw new InvalidArgumentError(`${fn} needs at least one axis. Got x shape=[].`);
  const axis = normalizeOneAxis(options.axis ?? -1, x.ndim);
  // The sample sort of values needs no block sizes; positions (argsort) and re-reads do.
  if (x.ndim !== 1 || arg || options.recompute) requireKnownChunks(x, fn, [axis]);
  const buckets = options.buckets ?? x.numblocks[0];
  if (!(Number.isInteger(buckets) && buckets >= 1)) {
    throw new InvalidArgumentError(`${fn}: buckets must be a positive integer. Got buckets=${fmt(buckets)}.`);
  }
  if (x.ndim === 1 && (x.chunks[0].length > 1 || buckets > 1 || Number.isNaN(x.chunks[0][0]))) {
    return options.recompute ? recomputingSampleSort(x, arg, buckets) : sampleSort(x, arg, buckets);
  }
  const src = wholeAxis(x, axis);
  const params: SortAxisParams = { axis, arg };
  return blockLayer(fn, params, [src], src.chunks, arg ? "float64" : x.dtype, (idx, key) =>
    task(sortAxisKernel, key, [src.key(idx)], params),
  );
}

/**
 * A sorted copy along an axis (ascending, NaN last). A chunked 1-D array is sorted by a blocked
 * sample sort whose output blocks (one per input block, balanced by regular sampling) have
 * unknown sizes until computed — the total is known: `x.shape`.
 *
 * @example
 * ```ts
 * await ca.sort(ca.fromArray([3, 1, 2], { chunks: 2 })).compute(); // array([1., 2., 3.])
 * ca.sort(x2d, { axis: 0 }); // each column sorted
 * ```
 * @see numpy.sort (dask has no sort: dask#4368)
 */
export function sort<D extends DType>(
  x: ChunkedArray<D>,
  optionsOrAxis: SortOptions | number = {},
): ChunkedArray<D> {
  const options: SortOptions = axisOptions("sort", optionsOrAxis);
  return sortImpl(x, false, options) as ChunkedArray<D>;
}

/**
 * The positions (int64) that sort `x` along an axis (stable: ties keep their order). Chunked 1-D
 * arrays use the blocked sample sort, as {@link sort}.
 *
 * @see numpy.argsort
 */
export function argsort(x: ChunkedArray, optionsOrAxis: SortOptions | number = {}): ChunkedArray<"int64"> {
  const options: SortOptions = axisOptions("argsort", optionsOrAxis);
  return asIndices(sortImpl(x, true, options));
}

function sampleSort<D extends DType>(x: ChunkedArray<D>, arg: boolean, B: number): ChunkedArray {
  const P = x.numblocks[0];
  const offsets = x.offsets()[0];
  const local = blockLayer("sort-local", arg, [x], x.chunks, arg ? "float64" : x.dtype, ([i], key) =>
    task(sampleLocal, key, [x.key([i])], { arg, offset: offsets[i] }),
  );
  const samples = blockLayer(
    "sort-samples",
    [arg, B],
    [local],
    [x.chunks[0].map(() => Number.NaN)],
    "float64",
    ([i], key) => task(sampleSamples, key, [local.key([i])], { arg, buckets: B }),
  );
  const splitters = singleTask("sort-splitters", [arg, B], sampleSplitters, samples.keys(), {
    arg,
    buckets: B,
  });
  const splitKey = splitters.tasks[0].key;
  const parts = blockLayer(
    "sort-partition",
    [arg, B],
    [local, samples],
    [Array(P).fill(Number.NaN), Array(B).fill(Number.NaN)],
    "float64",
    ([i, b], key) => task(samplePartition, key, [local.key([i]), splitKey], { arg, buckets: B, bucket: b }),
    [splitters],
  );
  return mergeBuckets(parts, arg, arg ? "float64" : x.dtype, [arg, B]);
}

/** The sorted array: bucket `b` is the merge of the partitions `[i, b]` of every input block `i`. */
function mergeBuckets(parts: ChunkedArray, arg: boolean, dtype: DType, token: unknown): ChunkedArray {
  const [P, B] = parts.numblocks;
  // The buckets' sizes are the sort's own: they line up with no input's blocks.
  return blockLayer(
    arg ? "argsort" : "sort",
    token,
    [parts],
    [Array(B).fill(Number.NaN)],
    dtype,
    ([b], key) =>
      task(
        sampleMerge,
        key,
        Array.from({ length: P }, (_, i) => parts.key([i, b])),
        { arg },
      ),
  ).withNewUnknownSizes([0]);
}

/** Samples drawn per input block by the recomputing sort, per bucket: enough to balance buckets. */
const SAMPLES_PER_BUCKET = 16;

/**
 * Sample sort that never holds more than one bucket's worth of partitions: samples come from the
 * input blocks, and every bucket re-reads each input block through a copy of its source task.
 * Samples and splitters are `[value, position]` pairs, so ties (many equal values) still split
 * evenly across buckets.
 */
function recomputingSampleSort<D extends DType>(x: ChunkedArray<D>, arg: boolean, B: number): ChunkedArray {
  const layer = x.layers.get(x.name);
  if (!layer || layer.tasks.some((t) => t.deps.length > 0)) {
    throw new InvalidArgumentError(
      `sort with recompute needs an input read straight from a source (fromArray, random, a file), whose blocks can be re-read. Got an input computed by ${fmt(x.name.split("-")[0])}; persist() it or omit recompute.`,
    );
  }
  const P = x.numblocks[0];
  const offsets = x.offsets()[0];
  const sampling = { arg, pairs: true, buckets: B };
  const samples = blockLayer(
    "sort-draw",
    [arg, B],
    [x],
    [x.chunks[0].map(() => Number.NaN)],
    "float64",
    ([i], key) =>
      task(sampleDraw, key, [x.key([i])], {
        ...sampling,
        samples: SAMPLES_PER_BUCKET * B,
        offset: offsets[i],
      }),
  );
  const splitters = singleTask("sort-splitters", [arg, B, "draw"], sampleSplitters, samples.keys(), sampling);
  const splitKey = splitters.tasks[0].key;
  const byIndex = new Map(layer.tasks.map((t) => [t.key, t]));
  const clones = Array.from({ length: B }, (_, b) => ({
    name: `${x.name}~${b}`,
    dependencies: [],
    tasks: x.keys().map((k) => ({ ...byIndex.get(k)!, key: `${x.name}~${b}${k.slice(x.name.length)}` })),
  }));
  const parts = blockLayer(
    "sort-select",
    [arg, B],
    [samples],
    [Array(P).fill(Number.NaN), Array(B).fill(Number.NaN)],
    "float64",
    ([i, b], key) =>
      task(sampleSelect, key, [clones[b].tasks[i].key, splitKey], {
        ...sampling,
        bucket: b,
        offset: offsets[i],
      }),
    [splitters, ...clones],
  );
  return mergeBuckets(parts, arg, arg ? "float64" : x.dtype, [arg, B, "recompute"]);
}

/** Options of {@link topk} and {@link argtopk}. */
export interface TopkOptions {
  /** Axis; negative counts from the end. Default -1. */
  axis?: number;
  /** Most partials merged by one task. Default {@link DEFAULT_SPLIT_EVERY}. */
  splitEvery?: number;
}

function topkImpl(x: ChunkedArray, k: number, arg: boolean, options: TopkOptions): ChunkedArray {
  const fn = arg ? "argtopk" : "topk";
  if (is64BitInt(x.dtype)) {
    const top = topkImpl(exactFloat64Input(x, fn), k, arg, options);
    return arg ? top : astype(top, x.dtype);
  }
  if (x.ndim === 0) throw new InvalidArgumentError(`${fn} needs at least one axis. Got x shape=[].`);
  const axis = normalizeOneAxis(options.axis ?? -1, x.ndim);
  if (!Number.isInteger(k) || k === 0) {
    throw new InvalidArgumentError(
      `${fn}: k must be a non-zero integer (negative for the smallest). Got k=${fmt(k)}.`,
    );
  }
  const split = options.splitEvery ?? DEFAULT_SPLIT_EVERY;
  if (!(Number.isInteger(split) && split >= 2)) {
    throw new InvalidArgumentError(`splitEvery must be an integer >= 2. Got splitEvery=${fmt(split)}.`);
  }
  requireKnownChunks(x, fn, [axis]);
  const m = Math.abs(k);
  if (m > x.shape[axis]) {
    throw new InvalidArgumentError(
      `${fn}: |k| must be at most the axis length. Got k=${k}, axis ${axis} has length ${x.shape[axis]}.`,
    );
  }
  const offsets = x.offsets()[axis];
  const dtype = x.dtype;
  const withAxis = (chunks: readonly (readonly number[])[], sizes: number[]) =>
    chunks.map((c, ax) => (ax === axis ? sizes : [...c]));
  let sizes = x.chunks[axis].map((c) => Math.min(c, m));
  const single = x.chunks[axis].length === 1;
  let level: ChunkedArray = blockLayer(
    `${fn}-chunk`,
    [k, axis, single],
    [x],
    withAxis(x.chunks, sizes),
    arg ? "float64" : dtype,
    (idx, key) =>
      task(topkKernel, key, [x.key(idx)], {
        k,
        axis,
        arg,
        raw: true,
        finish: single,
        offset: offsets[idx[axis]],
        dtype,
      }),
  );
  while (level.numblocks[axis] > 1) {
    const prev = level;
    const groups = Math.ceil(prev.numblocks[axis] / split);
    const finish = groups === 1;
    const prevSizes = sizes;
    sizes = Array.from({ length: groups }, (_, g) =>
      Math.min(
        m,
        prevSizes.slice(g * split, g * split + split).reduce((s, v) => s + v, 0),
      ),
    );
    level = blockLayer(
      `${fn}-${finish ? "agg" : "partial"}`,
      [k, axis, split],
      [prev],
      withAxis(prev.chunks, sizes),
      arg ? "float64" : dtype,
      (idx, key) =>
        task(
          topkKernel,
          key,
          Array.from({ length: Math.min(split, prev.numblocks[axis] - idx[axis] * split) }, (_, j) =>
            prev.key(idx.map((v, ax) => (ax === axis ? idx[axis] * split + j : v))),
          ),
          { k, axis, arg, raw: false, finish, dtype },
        ),
    );
  }
  return level;
}

/**
 * The |k| largest elements along an axis, largest first (k > 0), or the |k| smallest, smallest
 * first (k < 0): a tree reduction keeping |k| candidates per block, the parallel answer to "sort
 * then take". NaN counts as the largest value.
 *
 * @example
 * ```ts
 * await ca.topk(ca.fromArray([5, 1, 9, 3], { chunks: 2 }), 2).compute();  // array([9., 5.])
 * await ca.topk(ca.fromArray([5, 1, 9, 3], { chunks: 2 }), -2).compute(); // array([1., 3.])
 * ```
 * @see dask.array.topk
 */
export function topk<D extends DType>(
  x: ChunkedArray<D>,
  k: number,
  optionsOrAxis: TopkOptions | number = {},
): ChunkedArray<D> {
  const options: TopkOptions = axisOptions("topk", optionsOrAxis);
  return topkImpl(x, k, false, options) as ChunkedArray<D>;
}

/**
 * The positions (int64) of {@link topk}'s elements along the axis. Equal values come in the order
 * of a stable ascending argsort, reversed for k > 0 (the later position first), whatever the
 * chunking.
 *
 * @see dask.array.argtopk
 */
export function argtopk(
  x: ChunkedArray,
  k: number,
  optionsOrAxis: TopkOptions | number = {},
): ChunkedArray<"int64"> {
  const options: TopkOptions = axisOptions("argtopk", optionsOrAxis);
  return asIndices(topkImpl(x, k, true, options));
}

/** Options of the quantile family. */
export interface QuantileOptions {
  /** Axis; `null` (default) for the flattened array. */
  axis?: number | null;
}

/** The dtype of a quantile of a `D` array: float32 may stay float32 (median), anything else is float64. */
export type QuantileDType<D extends DType> = D extends "float32" ? "float32" | "float64" : "float64";

function quantileImpl<D extends DType>(
  x: ChunkedArray<D>,
  q: number | readonly number[],
  options: QuantileOptions,
  skipNaN: boolean,
  fn: string,
  scale: number,
): ChunkedArray<QuantileDType<D>> {
  const qs = typeof q === "number" ? [q] : [...q];
  if (qs.length === 0 || qs.some((v) => typeof v !== "number" || !(v >= 0 && v <= scale))) {
    throw new InvalidArgumentError(`${fn}: q must be in the range [0, ${scale}]. Got q=${fmt(q)}.`);
  }
  const flat = options.axis === null || options.axis === undefined;
  // int64 is read as float64, as NumPy's quantiles compute in float64.
  const src0 = numberValues(flat ? (x.ndim === 1 ? x : ravel(x)) : x);
  if (src0.ndim === 0) throw new InvalidArgumentError(`${fn} needs at least one axis. Got x shape=[].`);
  const axis = flat ? 0 : normalizeOneAxis(options.axis as number, x.ndim);
  requireKnownChunks(src0, fn, [axis]);
  const src = wholeAxis(src0, axis);
  // NumPy: median keeps float32; percentile/quantile take q as a float64 array, which promotes.
  const dtype = (x.dtype === "float32" && fn.endsWith("median") ? "float32" : "float64") as QuantileDType<D>;
  const scalar = typeof q === "number";
  const rest = src.chunks.filter((_, ax) => ax !== axis).map((c) => [...c]);
  const chunks = scalar ? rest : [[qs.length], ...rest];
  const params: QuantileParams = { axis, q: qs.map((v) => v / scale), scalar, skipNaN, dtype };
  return blockLayer(fn, params, [src], chunks, dtype, (idx, key) => {
    const restIdx = scalar ? idx : idx.slice(1);
    const inIdx = [...restIdx.slice(0, axis), 0, ...restIdx.slice(axis)];
    return task(quantileKernel, key, [src.key(inIdx)], params);
  });
}

/** A quantile function: `q` scaled by `scale` (1 or 100 for percent), NaN ignored or not. */
function quantileFunction(fn: string, skipNaN: boolean, scale: number) {
  return <D extends DType>(
    x: ChunkedArray<D>,
    q: number | readonly number[],
    options: QuantileOptions | number | null = {},
  ) => quantileImpl(x, q, axisOptions(fn, options), skipNaN, fn, scale);
}

/**
 * Exact quantiles along an axis (NumPy's default "linear" interpolation); `q` in [0, 1]. With an
 * array `q` the result has a leading axis of `q.length`. A chunked axis is rechunked to one block
 * (blocks keep their size by splitting the other axes). NaN in a lane gives NaN.
 *
 * @example
 * ```ts
 * await ca.quantile(x, [0.25, 0.75], { axis: 0 }).compute();
 * ```
 * @see numpy.quantile
 */
export const quantile = quantileFunction("quantile", false, 1);

/** {@link quantile} with `q` in percent, [0, 100]. @see numpy.percentile */
export const percentile = quantileFunction("percentile", false, 100);

/** {@link quantile} ignoring NaN. @see numpy.nanquantile */
export const nanquantile = quantileFunction("nanquantile", true, 1);

/** {@link percentile} ignoring NaN. @see numpy.nanpercentile */
export const nanpercentile = quantileFunction("nanpercentile", true, 100);

/** The exact median along an axis (`quantile(x, 0.5)`). @see numpy.median, dask.array.median */
export function median<D extends DType>(
  x: ChunkedArray<D>,
  optionsOrAxis: QuantileOptions | number | null = {},
) {
  const options: QuantileOptions = axisOptions("median", optionsOrAxis);
  return quantileImpl(x, 0.5, options, false, "median", 1);
}

/** {@link median} ignoring NaN. @see numpy.nanmedian */
export function nanmedian<D extends DType>(
  x: ChunkedArray<D>,
  optionsOrAxis: QuantileOptions | number | null = {},
) {
  const options: QuantileOptions = axisOptions("nanmedian", optionsOrAxis);
  return quantileImpl(x, 0.5, options, true, "nanmedian", 1);
}
