/**
 * Counting: `countNonzero`, `histogram` with known bins, `bincount`, `isin` and `searchsorted`. Per-block counts
 * are summed in a tree (at most `splitEvery` per task), so memory is bounded by the count vectors.
 */
import { asIndices, exactFloat64Input, numberValues } from "./int64-support.js";
import { astype } from "./elementwise.js";
import { dtypeKind } from "../dtype/dtypes.js";
import { checkOptionsObject, DTypeError, fmt, InvalidArgumentError, UnsupportedError } from "../errors.js";
import type { Key } from "../graph/task.js";
import {
  type BincountParams,
  bincountKernel,
  type HistogramParams,
  histogramKernel,
  type IsinParams,
  isinKernel,
  type SearchsortedParams,
  searchsortedKernel,
  sumPaddedKernel,
} from "../kernels/count.js";
import { task } from "../kernels/registry.js";
import { NDArray } from "../ndarray/ndarray.js";
import { blockLayer, requireKnownChunks, sumPartials } from "./block-layer.js";
import { blockIndices, ChunkedArray } from "./chunked-array.js";
import { fromArray } from "./creation.js";
import { sum } from "./named-reductions.js";
import { DEFAULT_SPLIT_EVERY, type ReduceOptions } from "./reductions.js";
import { rechunk } from "./rechunk.js";
import { notEqual } from "./ufuncs.js";

/** Options of {@link countNonzero}: the reduction's axes, `keepdims` and `splitEvery`. */
export type CountNonzeroOptions = Omit<ReduceOptions, "ddof">;

/**
 * How many elements are non-zero (NaN counts, as in NumPy), over all axes or the given ones:
 * int64, a tree reduction that needs no block sizes (it works on masked arrays).
 *
 * @example
 * ```ts
 * await ca.countNonzero(x.gt(0), { axis: 0 }).compute(); // int64 per column
 * ```
 * @see numpy.count_nonzero, dask.array.count_nonzero
 */
export function countNonzero(x: ChunkedArray, options: CountNonzeroOptions = {}): ChunkedArray<"int64"> {
  return sum(notEqual(x, 0), options);
}

/** Options of {@link histogram}. */
export interface HistogramOptions {
  /** Bin edges (increasing), or a number of equal bins over `range`. */
  bins: number | readonly number[] | NDArray;
  /** `[lo, hi]` for a number of bins: needed, since the data's min and max are unknown before compute. */
  range?: readonly [number, number];
  /** Weights, chunked like `x` (each element adds its weight instead of 1). */
  weights?: ChunkedArray;
}

/** NumPy's linspace for bin edges: `lo + i * step`, the last edge exactly `hi`. */
function uniformEdges(lo: number, hi: number, n: number): Float64Array {
  const e = new Float64Array(n + 1);
  const step = (hi - lo) / n;
  for (let i = 0; i <= n; i++) e[i] = lo + i * step;
  e[n] = hi;
  return e;
}

/**
 * Counts per bin over the whole array, with bins known before compute (explicit edges, or a
 * count with a `range`). Returns the counts (int64; with weights, the weight sums in the weights'
 * dtype, added in float64 as NumPy's equal-width bins do) as a one-block array and the edges.
 *
 * @example
 * ```ts
 * const { hist, binEdges } = ca.histogram(x, { bins: 10, range: [0, 1] });
 * ```
 * @see numpy.histogram, dask.array.histogram
 */
export function histogram(
  input: ChunkedArray,
  options: HistogramOptions,
): { hist: ChunkedArray; binEdges: NDArray<"float64"> } {
  checkOptionsObject(options, "histogram");
  // Bins compare in float64, as NumPy's histogram does.
  const x = numberValues(input);
  const bins = options?.bins;
  let edges: Float64Array;
  if (typeof bins === "number") {
    if (!Number.isInteger(bins) || bins < 1)
      throw new InvalidArgumentError(`bins must be a positive integer. Got bins=${fmt(bins)}.`);
    const r = options.range;
    if (r?.length !== 2 || !(r[0] < r[1]) || !Number.isFinite(r[0]) || !Number.isFinite(r[1])) {
      throw new InvalidArgumentError(
        `histogram with a number of bins needs a finite range [lo, hi] with lo < hi (the data's min and max are unknown before compute). Got range=${fmt(r ?? null)}.`,
      );
    }
    edges = uniformEdges(r[0], r[1], bins);
  } else {
    const e =
      bins instanceof NDArray
        ? Array.from(bins.toTypedArray() as ArrayLike<number>)
        : Array.isArray(bins)
          ? [...bins]
          : null;
    if (
      !e ||
      e.length < 2 ||
      e.some((v, i) => typeof v !== "number" || Number.isNaN(v) || (i > 0 && v < e[i - 1]))
    ) {
      throw new InvalidArgumentError(
        `bins must increase monotonically, with at least two edges. Got bins=${fmt(bins)}.`,
      );
    }
    edges = Float64Array.from(e);
  }
  const w = options.weights;
  // Counts per block need no block sizes; weights must line up with x.
  if (w !== undefined) requireKnownChunks(x, "histogram with weights");
  if (
    w !== undefined &&
    (!(w instanceof ChunkedArray) || w.shape.some((n, i) => n !== x.shape[i]) || w.ndim !== x.ndim)
  ) {
    throw new InvalidArgumentError(
      `weights should have the same shape as x. Got weights shape=${fmt(w?.shape)}, x shape=${fmt(x.shape)}.`,
    );
  }
  const wr = w
    ? rechunk(
        numberValues(w),
        x.chunks.map((c) => [...c]),
      )
    : undefined;
  const blocks = blockIndices(x.numblocks);
  const params: HistogramParams = { edges };
  const hist = sumPartials(
    "histogram",
    [edges, w?.name ?? null],
    wr ? [x, wr] : [x],
    [[edges.length - 1]],
    "float64",
    blocks.length,
    DEFAULT_SPLIT_EVERY,
    (_out, k, key) =>
      task(histogramKernel, key, wr ? [x.key(blocks[k]), wr.key(blocks[k])] : [x.key(blocks[k])], params),
  ) as ChunkedArray<"float64">;
  // NumPy's weighted histogram has the weights' dtype (its equal-width bins, too, sum in float64 and cast).
  const weighted = w && w.dtype !== "float64" ? astype(hist, w.dtype) : hist;
  return { hist: w ? weighted : asIndices(hist), binEdges: new NDArray("float64", edges, [edges.length]) };
}

/** Options of {@link bincount}. */
export interface BincountOptions {
  /** Minimum length of the result. Default 0. */
  minlength?: number;
  /** Weights, chunked like `x`. */
  weights?: ChunkedArray;
}

/**
 * Occurrences (int64; float64 sums with `weights`) of each value `0..max(x)` in a 1-d array of
 * non-negative integers. The length
 * depends on the values, so the result is one block of unknown size (`NaN`) until computed.
 *
 * @see numpy.bincount, dask.array.bincount
 */
export function bincount(
  input: ChunkedArray,
  options: BincountOptions = {},
): ChunkedArray<"int64" | "float64"> {
  const kind = dtypeKind(input.dtype);
  // Values index the counts, so they are below 2^53 and exact as float64.
  const x = numberValues(input);
  if (kind !== "int" && kind !== "uint" && kind !== "bool") {
    throw new DTypeError(`bincount needs integers. Got x dtype=${fmt(x.dtype)}.`);
  }
  if (x.ndim !== 1)
    throw new InvalidArgumentError(`bincount needs a 1-d array. Got x shape=${fmt(x.shape)}.`);
  const minlength = options.minlength ?? 0;
  if (!Number.isInteger(minlength) || minlength < 0) {
    throw new InvalidArgumentError(
      `minlength must be a non-negative integer. Got minlength=${fmt(minlength)}.`,
    );
  }
  const w = options.weights;
  if (w !== undefined) requireKnownChunks(x, "bincount with weights");
  if (w !== undefined && (!(w instanceof ChunkedArray) || w.ndim !== 1 || w.shape[0] !== x.shape[0])) {
    throw new InvalidArgumentError(
      `The weights and list don't have the same length. Got weights shape=${fmt(w?.shape)}, x shape=${fmt(x.shape)}.`,
    );
  }
  const wr = w ? rechunk(w, [x.chunks[0]]) : undefined;
  const params: BincountParams = { minlength };
  let level: ChunkedArray<"float64"> = blockLayer(
    "bincount-chunk",
    [minlength, w?.name ?? null],
    wr ? [x, wr] : [x],
    [x.chunks[0].map(() => Number.NaN)],
    "float64",
    ([b], key) => task(bincountKernel, key, wr ? [x.key([b]), wr.key([b])] : [x.key([b])], params),
  );
  while (level.numblocks[0] > 1) {
    const prev = level;
    const n = Math.ceil(prev.numblocks[0] / DEFAULT_SPLIT_EVERY);
    level = blockLayer("bincount", n, [prev], [Array(n).fill(Number.NaN)], "float64", ([g], key) =>
      task(
        sumPaddedKernel,
        key,
        Array.from(
          { length: Math.min(DEFAULT_SPLIT_EVERY, prev.numblocks[0] - g * DEFAULT_SPLIT_EVERY) },
          (_, j): Key => prev.key([g * DEFAULT_SPLIT_EVERY + j]),
        ),
      ),
    );
  }
  // The length is the values' own: it lines up with no input's blocks.
  const counts = level.withNewUnknownSizes([0]);
  return wr ? counts : asIndices(counts);
}

/** Options of {@link isin}. */
export interface IsinOptions {
  /** True where the element is *not* a test value. Default false. */
  invert?: boolean;
}

/**
 * Whether each element of `x` is one of `testElements` (in memory), blockwise.
 *
 * @see numpy.isin, dask.array.isin
 */
export function isin(
  x: ChunkedArray,
  testElements: NDArray | readonly number[] | ChunkedArray,
  options: IsinOptions = {},
): ChunkedArray<"bool"> {
  const xs = exactFloat64Input(x, "isin");
  if (testElements instanceof ChunkedArray) {
    throw new UnsupportedError(
      "lazy testElements",
      `isin needs the test values in memory. Got testElements=<ChunkedArray shape=${fmt(testElements.shape)}>; pass await testElements.compute().`,
    );
  }
  const vals =
    testElements instanceof NDArray
      ? Array.from(testElements.toTypedArray() as ArrayLike<number | bigint>, exactNumber)
      : [...testElements];
  if (vals.some((v) => typeof v !== "number"))
    throw new InvalidArgumentError(`testElements must be numbers. Got testElements=${fmt(testElements)}.`);
  const params: IsinParams = { test: Float64Array.from(vals).sort(), invert: options.invert ?? false };
  return blockLayer("isin", params, [xs], xs.chunks, "bool", (idx, key) =>
    task(isinKernel, key, [xs.key(idx)], params),
  );
}

/** A test value as a number: bigints (int64 test arrays) must be within ±2^53. */
function exactNumber(v: number | bigint): number {
  if (
    typeof v === "bigint" &&
    (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER))
  ) {
    throw new DTypeError(
      `isin compares values as float64, exact only within ±2^53. Got a testElements value ${v}; values this large are not supported by isin yet.`,
    );
  }
  return Number(v);
}

/** Options of {@link searchsorted}. */
export interface SearchsortedOptions {
  /** `"left"`: first position where `v` fits; `"right"`: last. Default `"left"`. */
  side?: "left" | "right";
}

/**
 * Insertion positions (int64) of `v` into the sorted 1-d array `a`. Each
 * position is the sum over `a`'s blocks of the block's own count, tree-summed.
 *
 * @see numpy.searchsorted, dask.array.searchsorted
 */
export function searchsorted(
  a: ChunkedArray,
  v: ChunkedArray | NDArray,
  options: SearchsortedOptions = {},
): ChunkedArray<"int64"> {
  checkOptionsObject(options, "searchsorted");
  if (a.ndim !== 1)
    throw new InvalidArgumentError(`searchsorted needs a 1-d sorted array. Got a shape=${fmt(a.shape)}.`);
  const sortedA = exactFloat64Input(a, "searchsorted");
  const side = options.side ?? "left";
  if (side !== "left" && side !== "right")
    throw new InvalidArgumentError(`side must be "left" or "right". Got side=${fmt(side)}.`);
  // Each block of `a` counts its own elements below `v`, so `a`'s block sizes may be unknown
  // (the output of a blocked sort).
  const vs = v instanceof ChunkedArray ? v : fromArray(v, { chunks: -1 });
  const vsf = exactFloat64Input(vs, "searchsorted");
  const params: SearchsortedParams = { right: side === "right" };
  const positions = sumPartials(
    "searchsorted",
    side,
    [sortedA, vsf],
    vsf.chunks.map((c) => [...c]),
    "float64",
    sortedA.numblocks[0],
    DEFAULT_SPLIT_EVERY,
    (out, k, key) => task(searchsortedKernel, key, [sortedA.key([k]), vsf.key(out)], params),
  );
  // Positions line up with `v` (not with `a`, whose unknown sizes may look alike).
  return vsf.unknownOrigins.reduce<ChunkedArray<"int64">>(
    (out, origin, ax) => (origin === null ? out : out.withNewUnknownSizes([ax], origin)),
    asIndices(positions),
  );
}
