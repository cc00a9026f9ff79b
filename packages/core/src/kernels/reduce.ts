/**
 * Reduction kernels, in dask's three stages (`dask/array/reductions.py`):
 *
 * - `reduce.<op>.chunk` reduces one block over `axis` to a float64 *partial*: the block's shape with
 *   the reduced axes set to 1, plus a trailing field axis (sum: `[total]`, mean: `[count, total]`,
 *   var/std: `[count, mean, M2, meanLo]`, min/max: `[value, seen]`, argmin/argmax: `[value, index]`).
 * - `reduce.<op>.combine` merges partials of equal shape (one group of a tree level) into one.
 * - `reduce.<op>.agg` merges the last group and finalises: the result dtype, `ddof`, `keepdims`.
 *
 * All loops read float64: a float64 block is read in place, any other dtype is converted slab by slab
 * into a scratch Float64Array with `TypedArray.set` (native conversion), so every hot loop is
 * monomorphic. Sums are pairwise (NumPy's `pairwise_sum`: 8 accumulators, 128-element leaves) in
 * float64, so float32 sums are at least as accurate as NumPy's. The order of every operation
 * depends on the logical order of the elements only (see {@link ReducedSeq}), never on strides, so
 * a pool that sends a strided view compacted gets the in-process bits.
 */
// 64-bit integer blocks are reduced by kernels/int64-reduce.ts, never here: these reducers read numbers.
import {
  allocate,
  type DType,
  is64BitInt,
  isDType,
  type NumberTypedArray as AnyTypedArray,
  numberStorage,
} from "../dtype/dtypes.js";
import { numbersTo64 } from "./int64-create.js";
import { fmt, InvalidArgumentError } from "../errors.js";
import type { Param } from "../graph/task.js";
import { cStrides, NDArray, shapeSize } from "../ndarray/ndarray.js";
import { isArgReduction, type ReduceOp, REDUCTION_OPS, reduceResultDType } from "../ops/reductions.js";
import {
  accumulatedInf,
  checkAggregate,
  checkChunkOverflow,
  checkFoldOverflow,
  checkMergeOverflow,
} from "./fp-warnings.js";
import { walkSegments } from "./interpret.js";
import { defineKernel, getKernel, type KernelRef } from "./registry.js";
import { recycleScratch } from "./recycle.js";
import { type SimdSum, simdSum } from "./simd-sum.js";

export { setSimdSum, simdSum } from "./simd-sum.js";

/** An elementwise expression fused into a chunk task by the graph optimiser (see elementwise.ts). */
export interface FusedPre {
  readonly expr: Param;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/** Parameters of every `reduce.<op>.chunk` kernel. */
export interface ReduceChunkParams {
  /** Axes to reduce: non-negative, sorted, unique. Missing or null means all axes. */
  readonly axis?: readonly number[] | null;
  /** Always kept: the partial has the reduced axes as length-1 axes (dask's `keepdims=True`). */
  readonly keepdims?: boolean;
  /** Marks the task as fusable: the optimiser may set `pre` and replace the deps by the producer's. */
  readonly fusable?: boolean;
  /** An elementwise expression evaluated on the inputs first (set by fusion). */
  readonly pre?: FusedPre;
  /** arg-reductions: global start of this block along each axis (default zeros). */
  readonly blockOffset?: readonly number[];
  /** arg-reductions: shape of the whole array, to make flat indices global (default the block's shape). */
  readonly arrayShape?: readonly number[];
}

/** Parameters of every `reduce.<op>.combine` kernel. */
export interface ReduceCombineParams {
  readonly axis?: readonly number[] | null;
  readonly keepdims?: boolean;
}

/** Parameters of every `reduce.<op>.agg` kernel. */
export interface ReduceAggParams {
  /** The reduced axes, as given to the chunk kernel (dropped from the result unless `keepdims`). */
  readonly axis?: readonly number[] | null;
  /** Keep the reduced axes as length-1 axes. */
  readonly keepdims?: boolean;
  /** Result dtype (default {@link reduceResultDType} of float64). */
  readonly dtype?: DType;
  /** Delta degrees of freedom of var/std (divisor `count - ddof`). Default 0. */
  readonly ddof?: number;
}

// ---------------------------------------------------------------------------------------------
// Summation primitives (all on Float64Array so every call site stays monomorphic)

/**
 * Sum of `a[p..p+n)` by NumPy's `pairwise_sum`: the same split points, 8 partial sums at the
 * 128-element leaves, so the rounding error grows as O(log n) instead of O(n).
 *
 * @example
 * ```ts
 * pairwiseSum(new Float64Array([1, 2, 3, 4]), 1, 2); // 5
 * ```
 * @see numpy/_core/src/umath/loops_utils.h.src (pairwise_sum)
 */
export function pairwiseSum(a: Float64Array, p: number, n: number): number {
  if (n < 8) {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[p + i];
    return s;
  }
  if (n <= 128) {
    let r0 = a[p];
    let r1 = a[p + 1];
    let r2 = a[p + 2];
    let r3 = a[p + 3];
    let r4 = a[p + 4];
    let r5 = a[p + 5];
    let r6 = a[p + 6];
    let r7 = a[p + 7];
    const end = p + n - (n % 8);
    let i = p + 8;
    for (; i < end; i += 8) {
      r0 += a[i];
      r1 += a[i + 1];
      r2 += a[i + 2];
      r3 += a[i + 3];
      r4 += a[i + 4];
      r5 += a[i + 5];
      r6 += a[i + 6];
      r7 += a[i + 7];
    }
    let s = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (const stop = p + n; i < stop; i++) s += a[i];
    return s;
  }
  let n2 = n >>> 1;
  n2 -= n2 % 8;
  return pairwiseSum(a, p, n2) + pairwiseSum(a, p + n2, n - n2);
}

/**
 * {@link pairwiseSum} skipping NaN (the slow path of the nan-variants, taken only when a NaN is
 * present): two partial sums (even and odd positions) at the leaves of at most 128 elements.
 *
 * @example
 * ```ts
 * pairwiseNanSum(new Float64Array([1, NaN, 3]), 0, 3); // 4
 * ```
 */
export function pairwiseNanSum(a: Float64Array, p: number, n: number): number {
  if (n <= 128) {
    let s0 = 0;
    let s1 = 0;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      const u = a[p + i];
      const v = a[p + i + 1];
      if (!Number.isNaN(u)) s0 += u;
      if (!Number.isNaN(v)) s1 += v;
    }
    if (i < n && !Number.isNaN(a[p + i])) s0 += a[p + i];
    return s0 + s1;
  }
  let n2 = n >>> 1;
  n2 -= n2 % 8;
  return pairwiseNanSum(a, p, n2) + pairwiseNanSum(a, p + n2, n - n2);
}

function countValid(a: Float64Array, p: number, n: number): number {
  let c = 0;
  for (let i = p, end = p + n; i < end; i++) if (!Number.isNaN(a[i])) c++;
  return c;
}

/** The lanes of {@link sumSqDev}: Σd² in 0..3 and Σd in 4..7, carried from piece to piece. */
const devLanes = new Float64Array(8);

/**
 * Adds `a[p..p+n)` to {@link devLanes}: d = x - mean, Σd² and Σd in 4 lanes by position mod 4, the
 * last n % 4 in lane 0 (all in lane 0 when `skipNaN`, NaN skipped). Fed a sequence in pieces whose
 * lengths but the last are divisible by 4, it gives the very sums of one call over all of it.
 */
function addSqDev(a: Float64Array, p: number, n: number, mean: number, skipNaN: boolean): void {
  const L = devLanes;
  let s0 = L[0];
  let t0 = L[4];
  let i = p;
  if (!skipNaN) {
    let s1 = L[1];
    let s2 = L[2];
    let s3 = L[3];
    let t1 = L[5];
    let t2 = L[6];
    let t3 = L[7];
    for (const end4 = p + n - (n % 4); i < end4; i += 4) {
      const d0 = a[i] - mean;
      const d1 = a[i + 1] - mean;
      const d2 = a[i + 2] - mean;
      const d3 = a[i + 3] - mean;
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
      t0 += d0;
      t1 += d1;
      t2 += d2;
      t3 += d3;
    }
    L[1] = s1;
    L[2] = s2;
    L[3] = s3;
    L[5] = t1;
    L[6] = t2;
    L[7] = t3;
  }
  for (const end = p + n; i < end; i++) {
    const v = a[i];
    if (skipNaN && Number.isNaN(v)) continue;
    const d = v - mean;
    s0 += d * d;
    t0 += d;
  }
  L[0] = s0;
  L[4] = t0;
}

/**
 * Chan et al.'s parallel update of `[count, mean, M2, meanLo]` at `st[q]` with another group's
 * moments. The mean is kept as an unevaluated sum `mean + meanLo` (double-double), so the difference
 * of two block means stays exact when the data sit on a large offset (1e8 + noise): with a plain
 * float64 mean each merge would lose ulp(mean)² relative to tiny variances.
 */
function chanMerge(st: Float64Array, q: number, nb: number, mb: number, m2b: number, lob: number): void {
  if (nb === 0) return;
  const na = st[q];
  if (na === 0) {
    st[q] = nb;
    st[q + 1] = mb;
    st[q + 2] = m2b;
    st[q + 3] = lob;
    return;
  }
  const n = na + nb;
  const ma = st[q + 1];
  const d = mb - ma + (lob - st[q + 3]);
  // New mean = ma + (meanLo_a + d*nb/n), as a TwoSum so the low part keeps what rounding drops.
  const u = st[q + 3] + d * (nb / n);
  const s = ma + u;
  const bb = s - ma;
  st[q] = n;
  st[q + 1] = s;
  st[q + 2] += m2b + d * d * ((na * nb) / n);
  st[q + 3] = ma - (s - bb) + (u - bb);
}

/**
 * Merges candidate `(v, i)` into the arg state (value at `st[qv]`, index at `st[qi]`): a NaN beats any number,
 * then the smallest `sign * value` (argmax: sign = -1), then the lowest index. Ties broken by index
 * make the result independent of the order partials arrive in.
 */
function argMerge(st: Float64Array, qv: number, qi: number, v: number, i: number, sign: number): void {
  const si = st[qi];
  if (si < 0) {
    st[qv] = v;
    st[qi] = i;
    return;
  }
  const sv = st[qv];
  if (Number.isNaN(sv)) {
    if (Number.isNaN(v) && i < si) st[qi] = i;
    return;
  }
  if (Number.isNaN(v) || sign * v < sign * sv || (v === sv && i < si)) {
    st[qv] = v;
    st[qi] = i;
  }
}

// ---------------------------------------------------------------------------------------------
// Reduced sequences: what one output of a block folds, in logical order, whatever the layout

/** Slab length for dtype conversion: 32 KiB of float64, stays in L1/L2. */
const SLAB = 4096;
const scratch = new Float64Array(SLAB);
const NO_DATA = new Float64Array(0);

function fillScratch(data: AnyTypedArray, p: number, len: number, s: number): void {
  if (s === 1) scratch.set((data as Float64Array).subarray(p, p + len));
  else for (let i = 0, j = p; i < len; i++, j += s) scratch[i] = data[j];
}

/**
 * Values of a block that is never materialised (a fused loop, see fused.ts): writes the values at
 * C-order positions `start..start+len)` of the block into `dst[dOff..)`, as float64.
 */
export type VirtualFill = (dst: Float64Array, dOff: number, start: number, len: number) => void;

/**
 * The reduced elements of one output of a block, in C order: `runs.length` runs of `n` elements,
 * run j starting at `base + runs[j]` with stride `s` (or the positions of a virtual block). Sums
 * over it follow NumPy's pairwise tree over its whole length, slabs gathered as float64 where it is
 * not one contiguous float64 run, so a strided view and its compact copy (what a pool sends) reduce
 * to the same bits. One mutable instance per block: no allocation per output.
 */
class ReducedSeq {
  data: AnyTypedArray = NO_DATA;
  fill: VirtualFill | null = null;
  runs: Int32Array = new Int32Array(1);
  /** Global index of each run's first element (arg-reductions), and the index step along a run. */
  runIndex: Float64Array = new Float64Array(1);
  n = 0;
  s = 1;
  base = 0;
  indexBase = 0;
  indexStep = 0;
  /** Number of elements: `runs.length * n`. */
  length = 0;
  /** The elements are `data[base + runs[0]..+length)` of a Float64Array: read in place. */
  direct = false;

  reset(
    data: AnyTypedArray,
    fill: VirtualFill | null,
    runs: Int32Array,
    runIndex: Float64Array,
    n: number,
    s: number,
    indexStep: number,
  ): void {
    this.data = data;
    this.fill = fill;
    this.runs = runs;
    this.runIndex = runIndex;
    this.n = n;
    this.s = s;
    this.indexStep = indexStep;
    this.length = runs.length * n;
    this.direct = fill === null && s === 1 && runs.length === 1 && data instanceof Float64Array;
  }

  /** The first element's position in `data` (for {@link direct} sequences). */
  get start(): number {
    return this.base + this.runs[0];
  }

  /** Writes elements `t..t+len)` into `dst[dOff..)` (a float32 `dst` only for float32 data). */
  gather(dst: Float64Array | Float32Array, dOff: number, t: number, len: number): void {
    const { n, s, data, fill, runs } = this;
    let j = Math.floor(t / n);
    let k = t - j * n;
    while (len > 0) {
      const count = Math.min(n - k, len);
      const pos = this.base + runs[j] + k * s;
      if (fill !== null) fill(dst as Float64Array, dOff, pos, count);
      else if (s === 1 && count > 16) dst.set((data as Float64Array).subarray(pos, pos + count), dOff);
      else for (let i = 0, q = pos; i < count; i++, q += s) dst[dOff + i] = data[q];
      dOff += count;
      len -= count;
      j++;
      k = 0;
    }
  }
}

/**
 * The SIMD module when it pays for `n` elements of `S`: copying into its memory and calling it
 * cost more than the JS loop for short runs, and in-place float64 runs below a few thousand.
 */
function simdFor(S: ReducedSeq, n: number): SimdSum | null {
  return n >= (S.direct ? 2048 : 32) ? simdSum() : null;
}

/**
 * The pairwise sum of elements `t..t+n)` of `S`, n at most SLAB: by the WebAssembly SIMD loop
 * (simd-sum.ts, same operations in the same order) where available, else by {@link pairwiseSum}.
 */
function leafSum(S: ReducedSeq, t: number, n: number): number {
  const wasm = simdFor(S, n);
  if (wasm !== null) {
    // float32 is copied as it is and widened by the loop; other dtypes are converted on the way in.
    if (S.data instanceof Float32Array && S.fill === null) {
      S.gather(wasm.f32, 0, t, n);
      return wasm.sum32(n);
    }
    S.gather(wasm.f64, 0, t, n);
    return wasm.sum64(n);
  }
  if (S.direct) return pairwiseSum(S.data as Float64Array, S.start + t, n);
  S.gather(scratch, 0, t, n);
  return pairwiseSum(scratch, 0, n);
}

/** A sum of elements `t..t+n)` of `S`, n at most SLAB ({@link leafSum}, {@link nanLeafSum}). */
type LeafSum = (S: ReducedSeq, t: number, n: number) => number;

/** `leaf` sums over all of `S` combined by NumPy's pairwise tree: subtrees of at most SLAB go to `leaf`. */
function pairwiseTree(S: ReducedSeq, t: number, n: number, leaf: LeafSum): number {
  if (n <= SLAB) return leaf(S, t, n);
  let n2 = n >>> 1;
  n2 -= n2 % 8;
  return pairwiseTree(S, t, n2, leaf) + pairwiseTree(S, t + n2, n - n2, leaf);
}

/** The pairwise sum of all of `S`: exactly NumPy's `pairwise_sum` of its values as float64. */
function seqSum(S: ReducedSeq): number {
  return pairwiseTree(S, 0, S.length, leafSum);
}

/** Non-NaN elements seen by {@link nanLeafSum} since it was last reset. */
let nanLeafCount = 0;

/**
 * The nan-variants' subtree sum: the pairwise sum, or where it is NaN, {@link pairwiseNanSum} and
 * a count of the non-NaN elements, from one gathering of the subtree (a fused loop's values are
 * never produced twice for a NaN).
 */
function nanLeafSum(S: ReducedSeq, t: number, n: number): number {
  const wasm = simdFor(S, n);
  if (wasm !== null) {
    S.gather(wasm.f64, 0, t, n);
    const s = wasm.sum64(n);
    if (!Number.isNaN(s)) {
      nanLeafCount += n;
      return s;
    }
    // The NaN-skipping sum where the values already are, in the same order (same bits).
    const r = wasm.nanSum64(n);
    nanLeafCount += wasm.nanCount[0];
    return r;
  }
  let a: Float64Array = scratch;
  let p = 0;
  if (S.direct) {
    a = S.data as Float64Array;
    p = S.start + t;
  } else S.gather(scratch, 0, t, n);
  const s = pairwiseSum(a, p, n);
  if (!Number.isNaN(s)) {
    nanLeafCount += n;
    return s;
  }
  nanLeafCount += countValid(a, p, n);
  return pairwiseNanSum(a, p, n);
}

/** Sum and (in {@link nanLeafCount}) count of the non-NaN elements of `S`. */
function seqNanSum(S: ReducedSeq): number {
  nanLeafCount = 0;
  return pairwiseTree(S, 0, S.length, nanLeafSum);
}

/** Calls `f` on consecutive float64 pieces of `S` covering it in order, each but the last SLAB long. */
function forPieces(S: ReducedSeq, f: (a: Float64Array, p: number, n: number) => void): void {
  if (S.direct) {
    f(S.data as Float64Array, S.start, S.length);
    return;
  }
  for (let t = 0; t < S.length; t += SLAB) {
    const len = Math.min(SLAB, S.length - t);
    S.gather(scratch, 0, t, len);
    f(scratch, 0, len);
  }
}

let devMean = 0;
let devSkipNaN = false;
const devPiece = (a: Float64Array, p: number, n: number): void => addSqDev(a, p, n, devMean, devSkipNaN);

/** Σ (x - mean) of the last {@link sumSqDev} call (a module variable: no allocation per call). */
let lastSumDev = 0;

/** Σ (x - mean)² over `S`, and Σ (x - mean) in {@link lastSumDev}; NaN skipped when `skipNaN`. */
function sumSqDev(S: ReducedSeq, mean: number, skipNaN: boolean): number {
  devLanes.fill(0);
  const wasm = skipNaN ? null : simdFor(S, S.length);
  if (wasm !== null) {
    // The 4-lane loop in the SIMD module, a piece at a time; the last piece's n % 4 rest here.
    wasm.lanes.fill(0);
    for (let t = 0; t < S.length; t += SLAB) {
      const len = Math.min(SLAB, S.length - t);
      S.gather(wasm.f64, 0, t, len);
      wasm.sqDev64(len, mean);
      if (len % 4 !== 0) {
        devLanes.set(wasm.lanes);
        addSqDev(wasm.f64, len - (len % 4), len % 4, mean, false);
        wasm.lanes.set(devLanes);
      }
    }
    devLanes.set(wasm.lanes);
  } else {
    devMean = mean;
    devSkipNaN = skipNaN;
    forPieces(S, devPiece);
  }
  const L = devLanes;
  lastSumDev = L[4] + L[6] + (L[5] + L[7]);
  return L[0] + L[2] + (L[1] + L[3]);
}

/**
 * Feeds `S` run by run to `r.run` (other dtypes than float64 converted a slab at a time): for the
 * reducers whose result does not depend on how a sequence is cut (min/max, arg-reductions with
 * ties to the lowest index, any/all, and prod, which carries its product sequentially).
 */
function feedRuns(r: Reducer, S: ReducedSeq, st: Float64Array, q: number): void {
  const run = r.run as NonNullable<Reducer["run"]>;
  const { data, fill, n, s, runs, runIndex } = S;
  const g = S.indexStep;
  for (let j = 0; j < runs.length; j++) {
    const p = S.base + runs[j];
    const idx = S.indexBase + runIndex[j];
    if (fill === null && s === 1 && data instanceof Float64Array) {
      run(data, p, n, st, q, idx, g);
      continue;
    }
    for (let k = 0; k < n; k += SLAB) {
      const len = Math.min(SLAB, n - k);
      if (fill !== null) fill(scratch, 0, p + k, len);
      else fillScratch(data, p + k * s, len, s);
      run(scratch, 0, len, st, q, idx + k * g, g);
    }
  }
}

/** Folds the sequence `S` into the state at `st[q]`. */
function foldSeq(r: Reducer, S: ReducedSeq, st: Float64Array, q: number): void {
  if (r.seq) r.seq(S, st, q);
  else feedRuns(r, S, st, q);
}

// ---------------------------------------------------------------------------------------------
// Reducers: per-op state updates. The driver (foldBlock) calls `run` once per contiguous run of
// reduced elements and `row` once per row of kept elements; neither allocates.

interface Reducer {
  /** Length of the trailing field axis of partials. */
  readonly fields: number;
  /** 2 when `row` needs two passes over the block (var: means first, then M2). */
  readonly rowPasses: number;
  init(st: Float64Array): void;
  /**
   * Folds the reduced sequence of one output into the state at `st[q]`, in an order that depends
   * only on the sequence (the sums: sum, mean, var and their nan-variants). Reducers without it
   * have `run`.
   */
  seq?(S: ReducedSeq, st: Float64Array, q: number): void;
  /**
   * `seq` given `total = seqSum(S)`, which every `seq` starts with: reductions of one
   * block computed together share it.
   */
  seqTotal?(S: ReducedSeq, st: Float64Array, q: number, total: number): void;
  /**
   * Folds `n` reduced elements `a[p..p+n)` into the state at `st[q]`; element k has index
   * `idx + k*step`. Called run by run and slab by slab, so only for reducers whose result does not
   * depend on how a sequence is cut (see {@link feedRuns}).
   */
  run?(a: Float64Array, p: number, n: number, st: Float64Array, q: number, idx: number, step: number): void;
  /**
   * Folds a row of `m` kept elements into the states of outputs `q..q+m)`, all with index `idx`.
   * Rows work on field planes: field f of output o is `pl[f*nk + o]`, so the loops are contiguous.
   */
  row(
    a: Float64Array,
    p: number,
    m: number,
    pl: Float64Array,
    q: number,
    nk: number,
    idx: number,
    pass: number,
  ): void;
  /**
   * Fast path of `row` for a contiguous kept run: folds the rows at `a[base + rOff[j]..+m)`, j in
   * order, exactly as `row` once per row would (same operations, same order, so bit-identical), but
   * several rows per sweep, so each state is loaded and stored once per {@link ROW_UNROLL} rows.
   * Absent where the per-row work branches (nan-variants, arg-reductions, any/all).
   */
  rows?(
    a: Float64Array,
    base: number,
    rOff: Int32Array,
    m: number,
    pl: Float64Array,
    q: number,
    nk: number,
    pass: number,
  ): void;
  /** Between the passes of a two-pass `row`; `rows` rows were folded into every output. */
  between?(pl: Float64Array, nk: number, rows: number): void;
  /** After the last pass of `row` (planes). */
  after?(pl: Float64Array, nk: number, rows: number): void;
  /**
   * The states of `m` outputs that each get exactly one element (`data[p + j*s]`, the reduced
   * axes all of length 1, as when a stack's blocks are reduced over the stacked axis), written
   * interleaved from state `q` with the very operations `row` + `after` would apply, but without
   * field planes or scratch copies.
   */
  single?(data: AnyTypedArray, p: number, m: number, s: number, st: Float64Array, q: number): void;
  /**
   * Merges `single`'s states of `m` elements into the states from `q` without building them:
   * exactly `merge(st, single(...))`, for the reductions whose merge is elementwise (not var).
   */
  accumulate?(data: AnyTypedArray, p: number, m: number, s: number, st: Float64Array, q: number): void;
  /**
   * `seq` of `m` outputs whose reduced elements are one run of `n` (at most {@link MAX_SHORT_RUN})
   * each: output j reads `a[p + j*t + i*s]`, i < n, into the state at `st[q + j*fields]`, with
   * the very operations `seq` applies (so the same bits), without its per-output calls.
   */
  shortRuns?(
    a: Float64Array,
    p: number,
    t: number,
    m: number,
    n: number,
    s: number,
    st: Float64Array,
    q: number,
  ): void;
  /** Merges states `src` into `st` elementwise (same length). */
  merge(st: Float64Array, src: Float64Array): void;
  /** Writes the final values (one per state) into `out`. */
  finish(st: Float64Array, out: AnyTypedArray, params: ReduceAggParams): void;
}

// ---------------------------------------------------------------------------------------------
// Row-block kernels: the leading-axis fast path (axis 0 of a C-contiguous block). Each output
// accumulates its rows in row order, as NumPy does for axis 0 of a contiguous array; the loops
// take ROW_UNROLL rows per sweep, written left to right so the rounding is the same as one row
// at a time. (Accumulation is in float64 whatever the dtype, so float32 sums stay far more
// accurate than NumPy's float32 row accumulation; blocked pairwise would change no guarantee but
// every result bit.)

/** Rows folded per sweep of the states. */
const ROW_UNROLL = 8;

/** `acc[q+c] += a[row][c]` for every row, in row order. */
function addRows(
  a: Float64Array,
  base: number,
  rOff: Int32Array,
  m: number,
  acc: Float64Array,
  q: number,
): void {
  const n = rOff.length;
  let j = 0;
  for (; j + ROW_UNROLL <= n; j += ROW_UNROLL) {
    const p0 = base + rOff[j];
    const p1 = base + rOff[j + 1];
    const p2 = base + rOff[j + 2];
    const p3 = base + rOff[j + 3];
    const p4 = base + rOff[j + 4];
    const p5 = base + rOff[j + 5];
    const p6 = base + rOff[j + 6];
    const p7 = base + rOff[j + 7];
    for (let c = 0; c < m; c++)
      acc[q + c] =
        acc[q + c] +
        a[p0 + c] +
        a[p1 + c] +
        a[p2 + c] +
        a[p3 + c] +
        a[p4 + c] +
        a[p5 + c] +
        a[p6 + c] +
        a[p7 + c];
  }
  for (; j < n; j++) {
    const p = base + rOff[j];
    for (let c = 0; c < m; c++) acc[q + c] += a[p + c];
  }
}

/** `acc[q+c] *= a[row][c]` for every row, in row order. */
function mulRows(
  a: Float64Array,
  base: number,
  rOff: Int32Array,
  m: number,
  acc: Float64Array,
  q: number,
): void {
  const n = rOff.length;
  let j = 0;
  for (; j + ROW_UNROLL <= n; j += ROW_UNROLL) {
    const p0 = base + rOff[j];
    const p1 = base + rOff[j + 1];
    const p2 = base + rOff[j + 2];
    const p3 = base + rOff[j + 3];
    const p4 = base + rOff[j + 4];
    const p5 = base + rOff[j + 5];
    const p6 = base + rOff[j + 6];
    const p7 = base + rOff[j + 7];
    for (let c = 0; c < m; c++)
      acc[q + c] =
        acc[q + c] *
        a[p0 + c] *
        a[p1 + c] *
        a[p2 + c] *
        a[p3 + c] *
        a[p4 + c] *
        a[p5 + c] *
        a[p6 + c] *
        a[p7 + c];
  }
  for (; j < n; j++) {
    const p = base + rOff[j];
    for (let c = 0; c < m; c++) acc[q + c] *= a[p + c];
  }
}

/** `acc[q+c] = min(acc[q+c], a[row][c])` (NaN propagates: Math.min). */
function minRows(
  a: Float64Array,
  base: number,
  rOff: Int32Array,
  m: number,
  acc: Float64Array,
  q: number,
): void {
  const n = rOff.length;
  let j = 0;
  for (; j + ROW_UNROLL <= n; j += ROW_UNROLL) {
    const p0 = base + rOff[j];
    const p1 = base + rOff[j + 1];
    const p2 = base + rOff[j + 2];
    const p3 = base + rOff[j + 3];
    const p4 = base + rOff[j + 4];
    const p5 = base + rOff[j + 5];
    const p6 = base + rOff[j + 6];
    const p7 = base + rOff[j + 7];
    for (let c = 0; c < m; c++) {
      let v = Math.min(acc[q + c], a[p0 + c]);
      v = Math.min(Math.min(Math.min(v, a[p1 + c]), a[p2 + c]), a[p3 + c]);
      acc[q + c] = Math.min(Math.min(Math.min(Math.min(v, a[p4 + c]), a[p5 + c]), a[p6 + c]), a[p7 + c]);
    }
  }
  for (; j < n; j++) {
    const p = base + rOff[j];
    for (let c = 0; c < m; c++) acc[q + c] = Math.min(acc[q + c], a[p + c]);
  }
}

/** `acc[q+c] = max(acc[q+c], a[row][c])` (NaN propagates: Math.max). */
function maxRows(
  a: Float64Array,
  base: number,
  rOff: Int32Array,
  m: number,
  acc: Float64Array,
  q: number,
): void {
  const n = rOff.length;
  let j = 0;
  for (; j + ROW_UNROLL <= n; j += ROW_UNROLL) {
    const p0 = base + rOff[j];
    const p1 = base + rOff[j + 1];
    const p2 = base + rOff[j + 2];
    const p3 = base + rOff[j + 3];
    const p4 = base + rOff[j + 4];
    const p5 = base + rOff[j + 5];
    const p6 = base + rOff[j + 6];
    const p7 = base + rOff[j + 7];
    for (let c = 0; c < m; c++) {
      let v = Math.max(acc[q + c], a[p0 + c]);
      v = Math.max(Math.max(Math.max(v, a[p1 + c]), a[p2 + c]), a[p3 + c]);
      acc[q + c] = Math.max(Math.max(Math.max(Math.max(v, a[p4 + c]), a[p5 + c]), a[p6 + c]), a[p7 + c]);
    }
  }
  for (; j < n; j++) {
    const p = base + rOff[j];
    for (let c = 0; c < m; c++) acc[q + c] = Math.max(acc[q + c], a[p + c]);
  }
}

/**
 * Second pass of the two-pass variance: with `d = x - mean[c]`, `m2[c] += d²` and `lo[c] += d`
 * for every row, in row order (planes at `mu`, `m2`, `lo`).
 */
function devRows(
  a: Float64Array,
  base: number,
  rOff: Int32Array,
  m: number,
  pl: Float64Array,
  mu: number,
  m2: number,
  lo: number,
): void {
  const n = rOff.length;
  let j = 0;
  for (; j + ROW_UNROLL <= n; j += ROW_UNROLL) {
    const p0 = base + rOff[j];
    const p1 = base + rOff[j + 1];
    const p2 = base + rOff[j + 2];
    const p3 = base + rOff[j + 3];
    const p4 = base + rOff[j + 4];
    const p5 = base + rOff[j + 5];
    const p6 = base + rOff[j + 6];
    const p7 = base + rOff[j + 7];
    for (let c = 0; c < m; c++) {
      const mean = pl[mu + c];
      const d0 = a[p0 + c] - mean;
      const d1 = a[p1 + c] - mean;
      const d2 = a[p2 + c] - mean;
      const d3 = a[p3 + c] - mean;
      const d4 = a[p4 + c] - mean;
      const d5 = a[p5 + c] - mean;
      const d6 = a[p6 + c] - mean;
      const d7 = a[p7 + c] - mean;
      pl[m2 + c] = pl[m2 + c] + d0 * d0 + d1 * d1 + d2 * d2 + d3 * d3 + d4 * d4 + d5 * d5 + d6 * d6 + d7 * d7;
      pl[lo + c] = pl[lo + c] + d0 + d1 + d2 + d3 + d4 + d5 + d6 + d7;
    }
  }
  for (; j < n; j++) {
    const p = base + rOff[j];
    for (let c = 0; c < m; c++) {
      const d = a[p + c] - pl[mu + c];
      pl[m2 + c] += d * d;
      pl[lo + c] += d;
    }
  }
}

/**
 * Longest run {@link Reducer.shortRuns} takes: below 8 elements NumPy's pairwise sum (and
 * {@link pairwiseSum}) adds sequentially from 0.
 */
const MAX_SHORT_RUN = 7;

function copyOut(st: Float64Array, out: AnyTypedArray): void {
  for (let i = 0; i < st.length; i++) out[i] = st[i];
}

function sumReducer(skipNaN: boolean): Reducer {
  const seqTotal = (S: ReducedSeq, st: Float64Array, q: number, total: number): void => {
    // A NaN anywhere makes the sum NaN, so the nan-variant only rescans when it sees one.
    st[q] += skipNaN && Number.isNaN(total) ? seqNanSum(S) : total;
  };
  return {
    fields: 1,
    rowPasses: 1,
    init() {},
    seq(S, st, q) {
      st[q] += skipNaN ? seqNanSum(S) : seqSum(S);
    },
    seqTotal,
    shortRuns(a, p, t, m, n, s, st, q) {
      for (let j = 0; j < m; j++, p += t) {
        let sum = 0;
        for (let i = 0, k = p; i < n; i++, k += s) sum += a[k];
        if (skipNaN && Number.isNaN(sum)) {
          // What seqNanSum falls back to.
          fillScratch(a, p, n, s);
          sum = pairwiseNanSum(scratch, 0, n);
        }
        st[q + j] += sum;
      }
    },
    row(a, p, m, pl, q) {
      if (skipNaN) {
        for (let j = 0; j < m; j++) {
          const v = a[p + j];
          if (!Number.isNaN(v)) pl[q + j] += v;
        }
      } else for (let j = 0; j < m; j++) pl[q + j] += a[p + j];
    },
    single(data, p, m, s, st, q) {
      for (let j = 0, i = p; j < m; j++, i += s) {
        const v = data[i];
        st[q + j] = skipNaN && Number.isNaN(v) ? 0 : 0 + v;
      }
    },
    accumulate(data, p, m, s, st, q) {
      for (let j = 0, i = p; j < m; j++, i += s) {
        const v = data[i];
        st[q + j] += skipNaN && Number.isNaN(v) ? 0 : 0 + v;
      }
    },
    rows: skipNaN ? undefined : (a, base, rOff, m, pl, q) => addRows(a, base, rOff, m, pl, q),
    merge(st, src) {
      for (let i = 0; i < st.length; i++) st[i] += src[i];
    },
    finish: copyOut,
  };
}

function prodReducer(skipNaN: boolean): Reducer {
  return {
    fields: 1,
    rowPasses: 1,
    init(st) {
      st.fill(1);
    },
    run(a, p, n, st, q) {
      // Sequential from the state, as NumPy multiplies: the same bits however the sequence is cut.
      let r = st[q];
      if (skipNaN) {
        for (let i = p, end = p + n; i < end; i++) {
          const v = a[i];
          if (!Number.isNaN(v)) r *= v;
        }
      } else for (let i = p, end = p + n; i < end; i++) r *= a[i];
      st[q] = r;
    },
    row(a, p, m, pl, q) {
      if (skipNaN) {
        for (let j = 0; j < m; j++) {
          const v = a[p + j];
          if (!Number.isNaN(v)) pl[q + j] *= v;
        }
      } else for (let j = 0; j < m; j++) pl[q + j] *= a[p + j];
    },
    single(data, p, m, s, st, q) {
      for (let j = 0, i = p; j < m; j++, i += s) {
        const v = data[i];
        st[q + j] = skipNaN && Number.isNaN(v) ? 1 : 1 * v;
      }
    },
    accumulate(data, p, m, s, st, q) {
      for (let j = 0, i = p; j < m; j++, i += s) {
        const v = data[i];
        st[q + j] *= skipNaN && Number.isNaN(v) ? 1 : 1 * v;
      }
    },
    rows: skipNaN ? undefined : (a, base, rOff, m, pl, q) => mulRows(a, base, rOff, m, pl, q),
    merge(st, src) {
      for (let i = 0; i < st.length; i++) st[i] *= src[i];
    },
    finish: copyOut,
  };
}

function meanReducer(skipNaN: boolean): Reducer {
  const seqTotal = (S: ReducedSeq, st: Float64Array, q: number, total: number): void => {
    let s = total;
    let c = S.length;
    if (skipNaN && Number.isNaN(s)) {
      s = seqNanSum(S);
      c = nanLeafCount;
    }
    st[q] += c;
    st[q + 1] += s;
  };
  return {
    fields: 2,
    rowPasses: 1,
    init() {},
    seq(S, st, q) {
      if (!skipNaN) seqTotal(S, st, q, seqSum(S));
      else {
        st[q + 1] += seqNanSum(S);
        st[q] += nanLeafCount;
      }
    },
    seqTotal,
    row(a, p, m, pl, q, nk) {
      const t = nk + q;
      if (skipNaN) {
        for (let j = 0; j < m; j++) {
          const v = a[p + j];
          if (Number.isNaN(v)) continue;
          pl[q + j] += 1;
          pl[t + j] += v;
        }
      } else for (let j = 0; j < m; j++) pl[t + j] += a[p + j];
    },
    single(data, p, m, s, st, q) {
      for (let j = 0, i = p, k = q * 2; j < m; j++, i += s, k += 2) {
        const v = data[i];
        const skip = skipNaN && Number.isNaN(v);
        st[k] = skip ? 0 : 1;
        st[k + 1] = skip ? 0 : 0 + v;
      }
    },
    accumulate(data, p, m, s, st, q) {
      for (let j = 0, i = p, k = q * 2; j < m; j++, i += s, k += 2) {
        const v = data[i];
        const skip = skipNaN && Number.isNaN(v);
        st[k] += skip ? 0 : 1;
        st[k + 1] += skip ? 0 : 0 + v;
      }
    },
    rows: skipNaN ? undefined : (a, base, rOff, m, pl, q, nk) => addRows(a, base, rOff, m, pl, nk + q),
    after(pl, nk, rows) {
      if (!skipNaN) for (let o = 0; o < nk; o++) pl[o] += rows;
    },
    merge(st, src) {
      for (let i = 0; i < st.length; i++) st[i] += src[i];
    },
    finish(st, out) {
      for (let i = 0, k = 0; k < st.length; i++, k += 2) out[i] = st[k + 1] / st[k];
    },
  };
}

function varReducer(skipNaN: boolean, sqrt: boolean): Reducer {
  const seqTotal = (S: ReducedSeq, st: Float64Array, q: number, total: number): void => {
    let s = total;
    let c = S.length;
    let skip = false;
    if (skipNaN && Number.isNaN(s)) {
      s = seqNanSum(S);
      c = nanLeafCount;
      skip = true;
    }
    if (c === 0) return;
    // Corrected two-pass over the sequence: Σd²-(Σd)²/c, and Σd/c is the mean's low part.
    const mean = s / c;
    const ssd = sumSqDev(S, mean, skip);
    const sd = lastSumDev;
    chanMerge(st, q, c, mean, Math.max(ssd - (sd * sd) / c, 0), sd / c);
  };
  return {
    fields: 4,
    rowPasses: 2,
    init() {},
    seq(S, st, q) {
      seqTotal(S, st, q, seqSum(S));
    },
    seqTotal,
    row(a, p, m, pl, q, nk, _idx, pass) {
      // Planes: count, mean (pass 0: total), M2 (Σd² until `after`), meanLo (Σd until `after`).
      const c = q;
      const mu = nk + q;
      if (pass === 0) {
        if (skipNaN) {
          for (let j = 0; j < m; j++) {
            const v = a[p + j];
            if (Number.isNaN(v)) continue;
            pl[c + j] += 1;
            pl[mu + j] += v;
          }
        } else for (let j = 0; j < m; j++) pl[mu + j] += a[p + j];
      } else {
        const m2 = 2 * nk + q;
        const lo = 3 * nk + q;
        for (let j = 0; j < m; j++) {
          const v = a[p + j];
          if (skipNaN && Number.isNaN(v)) continue;
          const d = v - pl[mu + j];
          pl[m2 + j] += d * d;
          pl[lo + j] += d;
        }
      }
    },
    single(data, p, m, s, st, q) {
      for (let j = 0, i = p, k = q * 4; j < m; j++, i += s, k += 4) {
        const v = data[i];
        if (skipNaN && Number.isNaN(v)) {
          st[k] = st[k + 1] = st[k + 2] = st[k + 3] = 0;
          continue;
        }
        // row, between, row, after for one element.
        const mean = (0 + v) / 1;
        const d = v - mean;
        const sd = 0 + d;
        st[k] = 1;
        st[k + 1] = mean;
        st[k + 2] = Math.max(0 + d * d - (sd * sd) / 1, 0);
        st[k + 3] = sd / 1;
      }
    },
    rows: skipNaN
      ? undefined
      : (a, base, rOff, m, pl, q, nk, pass) => {
          if (pass === 0) addRows(a, base, rOff, m, pl, nk + q);
          else devRows(a, base, rOff, m, pl, nk + q, 2 * nk + q, 3 * nk + q);
        },
    between(pl, nk, rows) {
      for (let o = 0; o < nk; o++) {
        if (!skipNaN) pl[o] = rows;
        if (pl[o] > 0) pl[nk + o] /= pl[o];
      }
    },
    after(pl, nk) {
      // Corrected two-pass: M2 = Σd² - (Σd)²/c, and Σd/c is the mean's low part.
      for (let o = 0; o < nk; o++) {
        const c = pl[o];
        if (c === 0) continue;
        const sd = pl[3 * nk + o];
        pl[2 * nk + o] = Math.max(pl[2 * nk + o] - (sd * sd) / c, 0);
        pl[3 * nk + o] = sd / c;
      }
    },
    merge(st, src) {
      for (let k = 0; k < st.length; k += 4) chanMerge(st, k, src[k], src[k + 1], src[k + 2], src[k + 3]);
    },
    finish(st, out, params) {
      const ddof = params.ddof ?? 0;
      for (let i = 0, k = 0; k < st.length; i++, k += 4) {
        const dof = st[k] - ddof;
        // NumPy: var divides by max(dof, 0) (inf or nan); nanvar gives nan whenever dof <= 0.
        let v = skipNaN && dof <= 0 ? Number.NaN : st[k + 2] / Math.max(dof, 0);
        if (sqrt) v = Math.sqrt(v);
        out[i] = v;
      }
    },
  };
}

/** Smallest of `a[p..p+n)`, NaN if any is NaN (Math.min is branchless and propagates NaN). */
function runMin(a: Float64Array, p: number, n: number): number {
  let m0 = Number.POSITIVE_INFINITY;
  let m1 = m0;
  let m2 = m0;
  let m3 = m0;
  let i = p;
  for (const end = p + n - (n % 4); i < end; i += 4) {
    m0 = Math.min(m0, a[i]);
    m1 = Math.min(m1, a[i + 1]);
    m2 = Math.min(m2, a[i + 2]);
    m3 = Math.min(m3, a[i + 3]);
  }
  for (const end = p + n; i < end; i++) m0 = Math.min(m0, a[i]);
  return Math.min(Math.min(m0, m1), Math.min(m2, m3));
}

/** Largest of `a[p..p+n)`, NaN if any is NaN. */
function runMax(a: Float64Array, p: number, n: number): number {
  let m0 = Number.NEGATIVE_INFINITY;
  let m1 = m0;
  let m2 = m0;
  let m3 = m0;
  let i = p;
  for (const end = p + n - (n % 4); i < end; i += 4) {
    m0 = Math.max(m0, a[i]);
    m1 = Math.max(m1, a[i + 1]);
    m2 = Math.max(m2, a[i + 2]);
    m3 = Math.max(m3, a[i + 3]);
  }
  for (const end = p + n; i < end; i++) m0 = Math.max(m0, a[i]);
  return Math.max(Math.max(m0, m1), Math.max(m2, m3));
}

/** `sign * ` min of the non-NaN elements (max when sign = -1), +inf when there are none. */
function runNanMin(a: Float64Array, p: number, n: number, sign: number): number {
  let m = Number.POSITIVE_INFINITY;
  for (let i = p, end = p + n; i < end; i++) {
    const v = sign * a[i];
    if (v < m) m = v;
  }
  return m;
}

/**
 * min/max and their nan-variants. State `[value, seen]`: `seen` > 0 once an element (a non-NaN
 * one for the nan-variants) has been folded, which tells an empty or all-NaN slice from ±inf data.
 */
function extremeReducer(isMax: boolean, skipNaN: boolean, name: string): Reducer {
  const sign = isMax ? -1 : 1;
  const pick = isMax ? Math.max : Math.min;
  return {
    fields: 2,
    rowPasses: 1,
    init(st) {
      const identity = isMax ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
      for (let k = 0; k < st.length; k += 2) st[k] = identity;
    },
    run(a, p, n, st, q) {
      if (n === 0) return;
      let m = isMax ? runMax(a, p, n) : runMin(a, p, n);
      let seen = n;
      if (skipNaN && Number.isNaN(m)) {
        // Only when a NaN is present: rescan skipping NaN, and count what is left.
        m = sign * runNanMin(a, p, n, sign);
        seen = countValid(a, p, n);
      }
      st[q] = pick(st[q], m);
      st[q + 1] += seen;
    },
    row(a, p, m, pl, q, nk) {
      // Separate loops so each calls one Math builtin directly (inlined), not through `pick`.
      const seen = nk + q;
      if (skipNaN) {
        for (let j = 0; j < m; j++) {
          const v = a[p + j];
          if (Number.isNaN(v)) continue;
          pl[q + j] = isMax ? Math.max(pl[q + j], v) : Math.min(pl[q + j], v);
          pl[seen + j] += 1;
        }
      } else if (isMax) {
        for (let j = 0; j < m; j++) pl[q + j] = Math.max(pl[q + j], a[p + j]);
      } else {
        for (let j = 0; j < m; j++) pl[q + j] = Math.min(pl[q + j], a[p + j]);
      }
    },
    single(data, p, m, s, st, q) {
      const identity = isMax ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
      for (let j = 0, i = p, k = q * 2; j < m; j++, i += s, k += 2) {
        const v = data[i];
        const skip = skipNaN && Number.isNaN(v);
        st[k] = skip ? identity : isMax ? Math.max(identity, v) : Math.min(identity, v);
        st[k + 1] = skip ? 0 : 1;
      }
    },
    accumulate(data, p, m, s, st, q) {
      const identity = isMax ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
      for (let j = 0, i = p, k = q * 2; j < m; j++, i += s, k += 2) {
        const v = data[i];
        if (skipNaN && Number.isNaN(v)) continue;
        st[k] = isMax ? Math.max(st[k], Math.max(identity, v)) : Math.min(st[k], Math.min(identity, v));
        st[k + 1] += 1;
      }
    },
    rows: skipNaN
      ? undefined
      : isMax
        ? (a, base, rOff, m, pl, q) => maxRows(a, base, rOff, m, pl, q)
        : (a, base, rOff, m, pl, q) => minRows(a, base, rOff, m, pl, q),
    after(pl, nk, rows) {
      if (!skipNaN) for (let o = nk; o < 2 * nk; o++) pl[o] += rows;
    },
    merge(st, src) {
      for (let k = 0; k < st.length; k += 2) {
        if (src[k + 1] === 0) continue;
        st[k] = pick(st[k], src[k]);
        st[k + 1] += src[k + 1];
      }
    },
    finish(st, out) {
      for (let i = 0, k = 0; k < st.length; i++, k += 2) {
        if (st[k + 1] === 0) {
          if (!skipNaN) {
            throw new InvalidArgumentError(
              `zero-size array to reduction operation ${name} which has no identity`,
            );
          }
          out[i] = Number.NaN;
        } else out[i] = st[k];
      }
    },
  };
}

/** argmin/argmax and their nan-variants. State `[value, global index]`, index -1 when empty. */
function argReducer(sign: 1 | -1, skipNaN: boolean, name: string): Reducer {
  return {
    fields: 2,
    rowPasses: 1,
    init(st) {
      for (let k = 0; k < st.length; k += 2) {
        st[k] = Number.NaN;
        st[k + 1] = -1;
      }
    },
    run(a, p, n, st, q, idx, step) {
      if (n === 0) return;
      // Branchless extreme first, then the first index holding it (or the first NaN): two fast
      // passes beat one loop with a data-dependent branch.
      let bv = sign === 1 ? runMin(a, p, n) : runMax(a, p, n);
      let bk = -1;
      if (!Number.isNaN(bv)) {
        for (let k = 0; k < n; k++) {
          if (a[p + k] === bv) {
            bk = k;
            break;
          }
        }
      } else if (!skipNaN) {
        for (let k = 0; k < n; k++) {
          if (Number.isNaN(a[p + k])) {
            bk = k;
            break;
          }
        }
      } else {
        bv = Number.POSITIVE_INFINITY;
        for (let k = 0; k < n; k++) {
          const v = sign * a[p + k];
          if (v < bv || (bk < 0 && !Number.isNaN(v))) {
            bv = v;
            bk = k;
          }
        }
        if (bk < 0) return;
        bv *= sign;
      }
      argMerge(st, q, q + 1, bv, idx + bk * step, sign);
    },
    row(a, p, m, pl, q, nk, idx) {
      // Rows arrive in increasing index (one reduced axis), so a tie keeps the current winner and
      // one compare settles the common case; an empty state holds NaN, so it enters the branch too.
      const qi = nk + q;
      for (let j = 0; j < m; j++) {
        const v = a[p + j];
        if (skipNaN && Number.isNaN(v)) continue;
        const sv = pl[q + j];
        if (!(sign * v >= sign * sv) && (pl[qi + j] < 0 || !Number.isNaN(sv))) {
          pl[q + j] = v;
          pl[qi + j] = idx;
        }
      }
    },
    merge(st, src) {
      for (let k = 0; k < st.length; k += 2)
        if (src[k + 1] >= 0) argMerge(st, k, k + 1, src[k], src[k + 1], sign);
    },
    finish(st, out) {
      for (let i = 0, k = 0; k < st.length; i++, k += 2) {
        if (st[k + 1] < 0) {
          throw new InvalidArgumentError(
            skipNaN ? "All-NaN slice encountered" : `attempt to get ${name} of an empty sequence`,
          );
        }
        out[i] = st[k + 1];
      }
    },
  };
}

function anyAllReducer(isAll: boolean): Reducer {
  // any: state becomes 1 at the first non-zero (NaN counts as true, as in NumPy); all: 0 at the first zero.
  return {
    fields: 1,
    rowPasses: 1,
    init(st) {
      if (isAll) st.fill(1);
    },
    run(a, p, n, st, q) {
      if (isAll) {
        if (st[q] === 0) return;
        for (let i = p, end = p + n; i < end; i++) {
          if (a[i] === 0) {
            st[q] = 0;
            return;
          }
        }
      } else {
        if (st[q] !== 0) return;
        for (let i = p, end = p + n; i < end; i++) {
          if (a[i] !== 0) {
            st[q] = 1;
            return;
          }
        }
      }
    },
    row(a, p, m, pl, q) {
      if (isAll) {
        for (let j = 0; j < m; j++) if (a[p + j] === 0) pl[q + j] = 0;
      } else for (let j = 0; j < m; j++) if (a[p + j] !== 0) pl[q + j] = 1;
    },
    merge(st, src) {
      if (isAll) {
        for (let i = 0; i < st.length; i++) if (src[i] === 0) st[i] = 0;
      } else for (let i = 0; i < st.length; i++) if (src[i] !== 0) st[i] = 1;
    },
    finish: copyOut,
  };
}

const REDUCERS: { readonly [K in ReduceOp]: Reducer } = {
  sum: sumReducer(false),
  nansum: sumReducer(true),
  prod: prodReducer(false),
  nanprod: prodReducer(true),
  mean: meanReducer(false),
  nanmean: meanReducer(true),
  var: varReducer(false, false),
  nanvar: varReducer(true, false),
  std: varReducer(false, true),
  nanstd: varReducer(true, true),
  min: extremeReducer(false, false, "minimum"),
  max: extremeReducer(true, false, "maximum"),
  nanmin: extremeReducer(false, true, "minimum"),
  nanmax: extremeReducer(true, true, "maximum"),
  any: anyAllReducer(false),
  all: anyAllReducer(true),
  argmin: argReducer(1, false, "argmin"),
  argmax: argReducer(-1, false, "argmax"),
  nanargmin: argReducer(1, true, "argmin"),
  nanargmax: argReducer(-1, true, "argmax"),
};

// ---------------------------------------------------------------------------------------------
// The block driver

/** What {@link foldBlock} folds: a strided view, or a virtual C-contiguous block (`fill`). */
interface BlockSource {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly data: AnyTypedArray;
  readonly fill: VirtualFill | null;
}

function feedRow(
  r: Reducer,
  data: AnyTypedArray,
  fill: VirtualFill | null,
  p: number,
  m: number,
  s: number,
  pl: Float64Array,
  q: number,
  nk: number,
  idx: number,
  pass: number,
): void {
  if (fill !== null) {
    for (let k = 0; k < m; k += SLAB) {
      const len = Math.min(SLAB, m - k);
      fill(scratch, 0, p + k, len);
      r.row(scratch, 0, len, pl, q + k, nk, idx, pass);
    }
    return;
  }
  if (s === 1 && data instanceof Float64Array) {
    r.row(data, p, m, pl, q, nk, idx, pass);
    return;
  }
  for (let k = 0; k < m; k += SLAB) {
    const len = Math.min(SLAB, m - k);
    fillScratch(data, p + k * s, len, s);
    r.row(scratch, 0, len, pl, q + k, nk, idx, pass);
  }
}

/** Float64 copies of rows of other dtypes for {@link Reducer.rows}: at least ROW_UNROLL rows of 32 KiB. */
let rowScratch = new Float64Array(ROW_UNROLL * SLAB);
const rowOffsetsCache = new Map<number, Int32Array>();

/** `[0, m, 2m, …]`, `count` entries: where converted rows sit in {@link rowScratch}. */
function packedOffsets(m: number, count: number): Int32Array {
  let o = rowOffsetsCache.get(m);
  if (!o || o.length < count) {
    o = new Int32Array(count);
    for (let j = 0; j < count; j++) o[j] = j * m;
    if (rowOffsetsCache.size > 64) rowOffsetsCache.clear();
    rowOffsetsCache.set(m, o);
  }
  return o.length === count ? o : o.subarray(0, count);
}

/**
 * The leading-axis fast path: all rows `data[pk + rOff[j]..+m)` (contiguous) into the planes at
 * `q`. A float64 block is read in place; other dtypes are converted a batch of rows at a time
 * into {@link rowScratch} by native `TypedArray.set` (exact for every dtype).
 */
function feedRows(
  r: Reducer,
  data: AnyTypedArray,
  fill: VirtualFill | null,
  pk: number,
  rOff: Int32Array,
  m: number,
  pl: Float64Array,
  q: number,
  nk: number,
  pass: number,
): void {
  const rows = r.rows as NonNullable<Reducer["rows"]>;
  if (fill === null && data instanceof Float64Array) {
    rows(data, pk, rOff, m, pl, q, nk, pass);
    return;
  }
  if (rowScratch.length < ROW_UNROLL * m) rowScratch = new Float64Array(ROW_UNROLL * m);
  const batch = Math.min(rOff.length, Math.floor(rowScratch.length / m));
  for (let j0 = 0; j0 < rOff.length; j0 += batch) {
    const n = Math.min(batch, rOff.length - j0);
    // Rows that follow each other in memory convert in one call.
    let j = 0;
    while (fill !== null && j < n) {
      fill(rowScratch, j * m, pk + rOff[j0 + j], m);
      j++;
    }
    while (j < n) {
      const start = pk + rOff[j0 + j];
      let k = j + 1;
      while (k < n && rOff[j0 + k] === rOff[j0 + j] + (k - j) * m) k++;
      // (Any typed array's subarray; the cast only picks one signature of the union.)
      rowScratch.set((data as unknown as Float64Array).subarray(start, start + (k - j) * m), j * m);
      j = k;
    }
    rows(rowScratch, 0, packedOffsets(m, n), m, pl, q, nk, pass);
  }
}

/**
 * `r.single` or `r.accumulate` over `m` elements `data[p + j*s]`. Other dtypes than float64 are
 * converted a slab at a time by native `TypedArray.set`, so the reducers' loops only ever see a
 * Float64Array (one element type per loop: V8 keeps them monomorphic).
 */
function singleRow(
  r: Reducer,
  step: "single" | "accumulate",
  data: AnyTypedArray,
  p: number,
  m: number,
  s: number,
  st: Float64Array,
  q: number,
): void {
  const f = r[step] as NonNullable<Reducer["single"]>;
  if (data instanceof Float64Array) {
    f(data, p, m, s, st, q);
    return;
  }
  for (let k = 0; k < m; k += SLAB) {
    const len = Math.min(SLAB, m - k);
    fillScratch(data, p + k * s, len, s);
    f(scratch, 0, len, 1, st, q + k);
  }
}

/** Field planes of interleaved states (`[nk, F]` → `[F, nk]`), or back with `back`. */
function transposeStates(src: Float64Array, nk: number, F: number, back: boolean): Float64Array {
  if (F === 1) return src;
  // Planes are scratch (never shared memory); states going back are the result.
  const out = allocate("float64", src.length, back ? undefined : false);
  for (let o = 0; o < nk; o++) {
    for (let f = 0; f < F; f++) {
      if (back) out[o * F + f] = src[f * nk + o];
      else out[f * nk + o] = src[o * F + f];
    }
  }
  recycleScratch(src);
  return out;
}

/**
 * Start offsets (by `strides`) of every index of the sub-grid `axes` of `shape`, in C order, into
 * `out` (an Int32Array for memory offsets, so positions stay small integers in the hot loops; a
 * Float64Array for global indices, which may pass 2^31).
 */
function gridOffsets<T extends Int32Array | Float64Array>(
  out: T,
  shape: readonly number[],
  strides: readonly number[],
  axes: readonly number[],
): T {
  if (out.length === 0) return out;
  out[0] = 0;
  let len = 1;
  // Expand from the last axis outwards: out[i*len + j] = i*stride + out[j].
  for (let t = axes.length - 1; t >= 0; t--) {
    const size = shape[axes[t]];
    const stride = strides[axes[t]];
    for (let i = size - 1; i >= 0; i--) {
      const base = i * stride;
      for (let j = 0; j < len; j++) out[i * len + j] = base + out[j];
    }
    len *= size;
  }
  return out;
}

function gridSize(shape: readonly number[], axes: readonly number[]): number {
  let n = 1;
  for (const ax of axes) n *= shape[ax];
  return n;
}

/**
 * Folds block `a` over `axes` into a fresh state array (one state of `r.fields` values per kept
 * element, C order). `indexStrides`/`indexBase` give each element a global index for arg-reductions.
 */
function foldBlock(
  a: BlockSource,
  axes: readonly number[],
  r: Reducer,
  indexStrides: readonly number[] | null,
  indexBase: number,
): Float64Array {
  const nd = a.shape.length;
  const reduced = new Array<boolean>(nd).fill(false);
  for (const ax of axes) reduced[ax] = true;
  let nk = 1;
  for (let i = 0; i < nd; i++) if (!reduced[i]) nk *= a.shape[i];
  const F = r.fields;
  const st = allocate("float64", nk * F);
  r.init(st);
  if (shapeSize(a.shape) === 0) return st;

  // Drop length-1 axes; merge neighbours of the same kind that are contiguous in memory and in index.
  const S: number[] = [];
  const T: number[] = [];
  const G: number[] = [];
  const R: boolean[] = [];
  for (let i = 0; i < nd; i++) {
    const n = a.shape[i];
    if (n === 1) continue;
    const g = indexStrides ? indexStrides[i] : 0;
    const k = S.length - 1;
    if (k >= 0 && R[k] === reduced[i] && T[k] === a.strides[i] * n && G[k] === g * n) {
      S[k] *= n;
      T[k] = a.strides[i];
      G[k] = g;
    } else {
      S.push(n);
      T.push(a.strides[i]);
      G.push(g);
      R.push(reduced[i]);
    }
  }
  if (S.length === 0) {
    S.push(1);
    T.push(1);
    G.push(0);
    R.push(true);
  }
  const last = S.length - 1;
  const data = a.data;
  const fill = a.fill;
  const keptOuter: number[] = [];
  const reducedOuter: number[] = [];
  for (let i = 0; i < last; i++) (R[i] ? reducedOuter : keptOuter).push(i);

  if (R[last]) {
    // Runs: the innermost axis is reduced; each output folds runs along it. The outputs are
    // walked as rows of the last kept axis, so no offset table of the output's size is built.
    const inner = keptOuter.length > 0 ? keptOuter[keptOuter.length - 1] : -1;
    const outerAxes = keptOuter.slice(0, -1);
    const nIn = inner >= 0 ? S[inner] : 1;
    const tIn = inner >= 0 ? T[inner] : 0;
    const gIn = inner >= 0 ? G[inner] : 0;
    const kOff = gridOffsets(new Int32Array(gridSize(S, outerAxes)), S, T, outerAxes);
    const kIdx = gridOffsets(new Float64Array(kOff.length), S, G, outerAxes);
    const nro = gridSize(S, reducedOuter);
    const rOff = gridOffsets(new Int32Array(nro), S, T, reducedOuter);
    const rIdx = gridOffsets(new Float64Array(nro), S, G, reducedOuter);
    const n = S[last];
    if (nro === 1 && fill === null && r.shortRuns && n <= MAX_SHORT_RUN && data instanceof Float64Array) {
      for (let b = 0; b < kOff.length; b++)
        r.shortRuns(data, a.offset + kOff[b], tIn, nIn, n, T[last], st, b * nIn * F);
      return st;
    }
    const seq = new ReducedSeq();
    seq.reset(data, fill, rOff, rIdx, n, T[last], G[last]);
    let o = 0;
    for (let b = 0; b < kOff.length; b++) {
      let base = a.offset + kOff[b];
      let index = indexBase + kIdx[b];
      for (let i = 0; i < nIn; i++, o++, base += tIn, index += gIn) {
        seq.base = base;
        seq.indexBase = index;
        foldSeq(r, seq, st, o * F);
      }
    }
  } else {
    // Rows: the innermost axis is kept; each reduced index adds a row into m consecutive states.
    const nro = gridSize(S, reducedOuter);
    const kOff = gridOffsets(new Int32Array(gridSize(S, keptOuter)), S, T, keptOuter);
    const rOff = gridOffsets(new Int32Array(nro), S, T, reducedOuter);
    const rIdx = gridOffsets(new Float64Array(nro), S, G, reducedOuter);
    const m = S[last];
    const s = T[last];
    if (rOff.length === 1 && fill === null && r.single) {
      // One element per output: states straight from the data, no planes.
      for (let o = 0; o < kOff.length; o++)
        singleRow(r, "single", data, a.offset + kOff[o] + rOff[0], m, s, st, o * m);
      return st;
    }
    const pl = transposeStates(st, nk, F, false);
    const rows = rOff.length;
    for (let pass = 0; pass < r.rowPasses; pass++) {
      if (pass > 0) r.between?.(pl, nk, rows);
      for (let o = 0; o < kOff.length; o++) {
        const pk = a.offset + kOff[o];
        if (s === 1 && r.rows) feedRows(r, data, fill, pk, rOff, m, pl, o * m, nk, pass);
        else {
          for (let j = 0; j < rows; j++)
            feedRow(r, data, fill, pk + rOff[j], m, s, pl, o * m, nk, indexBase + rIdx[j], pass);
        }
      }
    }
    r.after?.(pl, nk, rows);
    return transposeStates(pl, nk, F, true);
  }
  return st;
}

// ---------------------------------------------------------------------------------------------
// Stage kernels

function normalizedAxes(axis: readonly number[] | null | undefined, ndim: number): readonly number[] {
  if (axis === null || axis === undefined) return Array.from({ length: ndim }, (_, i) => i);
  for (const ax of axis) {
    if (!(Number.isInteger(ax) && ax >= 0 && ax < ndim)) {
      throw new InvalidArgumentError(
        `axis ${ax} is out of bounds for array of dimension ${ndim}. Got axis=${fmt(axis)} (kernels take normalised axes).`,
      );
    }
  }
  return axis;
}

/**
 * Reduces one block to its float64 partial: the block's shape with the reduced axes set to 1, plus
 * the trailing field axis. What `reduce.<op>.chunk` runs (after evaluating a fused `pre`).
 *
 * @example
 * ```ts
 * reduceChunk("mean", NDArray.from([[1, 2], [3, 4]]), { axis: [0] }).toArray(); // [[[2, 4], [2, 6]]]
 * ```
 */
export function reduceChunk(op: ReduceOp, a: NDArray, params: ReduceChunkParams = {}): NDArray<"float64"> {
  return reduceSource(
    op,
    {
      shape: a.shape,
      strides: a.strides,
      offset: a.offset,
      data: numberStorage(a.dtype, a.data, `reduce.${op}`),
      fill: null,
    },
    params,
  );
}

/**
 * {@link reduceChunk} of a block that is never materialised: `fill` produces the values of the
 * C-contiguous block of `shape` a slab ({@link SLAB} values) or a row at a time, and they are
 * folded as they come, in the order {@link reduceChunk} folds the materialised block.
 */
export function reduceVirtual(
  op: ReduceOp,
  shape: readonly number[],
  fill: VirtualFill,
  params: ReduceChunkParams = {},
): NDArray<"float64"> {
  return reduceSource(op, { shape, strides: cStrides(shape), offset: 0, data: NO_DATA, fill }, params);
}

function reduceSource(op: ReduceOp, a: BlockSource, params: ReduceChunkParams): NDArray<"float64"> {
  const ndim = a.shape.length;
  const r = REDUCERS[op];
  const axes = normalizedAxes(params.axis, ndim);
  let indexStrides: number[] | null = null;
  let indexBase = 0;
  if (isArgReduction(op)) {
    const offset = params.blockOffset ?? new Array<number>(ndim).fill(0);
    if (axes.length === ndim) {
      // Flat C-order index into the whole array.
      indexStrides = cStrides(params.arrayShape ?? a.shape);
      for (let i = 0; i < ndim; i++) indexBase += offset[i] * indexStrides[i];
    } else if (axes.length === 1) {
      indexStrides = new Array<number>(ndim).fill(0);
      indexStrides[axes[0]] = 1;
      indexBase = offset[axes[0]];
    } else {
      throw new InvalidArgumentError(`${op} reduces one axis or all of them. Got axis=${fmt(axes)}.`);
    }
  }
  const st = foldBlock(a, axes, r, indexStrides, indexBase);
  if (a.fill === null) checkChunkOverflow(op, st, a);
  const shape = a.shape.map((n, i) => (axes.includes(i) ? 1 : n));
  shape.push(r.fields);
  return new NDArray("float64", st, shape);
}

/** Merges partials of equal shape into a fresh state array (`shared: false` for a scratch one). */
function mergePartials(
  op: ReduceOp,
  inputs: readonly NDArray[],
  shared?: boolean,
): { st: Float64Array; shape: readonly number[] } {
  if (inputs.length === 0) throw new InvalidArgumentError(`reduce.${op}: no partials to merge.`);
  const first = inputs[0].contiguous();
  if (first.dtype !== "float64") {
    throw new InvalidArgumentError(`reduce.${op}: partials must be float64. Got dtype=${fmt(first.dtype)}.`);
  }
  const st = allocate("float64", first.size, shared);
  st.set((first.data as Float64Array).subarray(0, first.size));
  const r = REDUCERS[op];
  for (let i = 1; i < inputs.length; i++) {
    const b = inputs[i].contiguous();
    if (b.size !== st.length || b.shape.some((n, ax) => n !== first.shape[ax])) {
      throw new InvalidArgumentError(
        `reduce.${op}: partials to merge must have one shape. Got shapes ${fmt(first.shape)} and ${fmt(b.shape)}.`,
      );
    }
    r.merge(st, b.data.subarray(0, b.size) as Float64Array);
  }
  if (inputs.length > 1) checkMergeOverflow(op, st, inputs);
  return { st, shape: first.shape };
}

/**
 * Merges partials of one shape into one partial of that shape (`reduce.<op>.combine`).
 *
 * @example
 * ```ts
 * const p = [NDArray.from([1, 2]), NDArray.from([3])].map((b) => reduceChunk("sum", b));
 * reduceCombine("sum", p).toArray(); // [[6]] (the reduced axis, then the field axis)
 * ```
 */
export function reduceCombine(op: ReduceOp, inputs: readonly NDArray[]): NDArray<"float64"> {
  if (inputs.length === 1) return inputs[0] as NDArray<"float64">;
  const { st, shape } = mergePartials(op, inputs);
  return new NDArray("float64", st, [...shape]);
}

/**
 * Merges partials and finalises them (`reduce.<op>.agg`): the result dtype, `ddof`, and dropping
 * the reduced axes unless `keepdims`. Throws for an empty min/max/argmin and an all-NaN nanargmin.
 *
 * @example
 * ```ts
 * const p = reduceChunk("var", NDArray.from([1, 2, 3, 4]), { axis: [0] });
 * reduceAggregate("var", [p], { axis: [0], dtype: "float64", ddof: 1 }).item(); // 1.6666666666666667
 * ```
 */
export function reduceAggregate(
  op: ReduceOp,
  inputs: readonly NDArray[],
  params: ReduceAggParams = {},
): NDArray {
  const { st, shape } = mergePartials(op, inputs, false);
  return finishStates(op, st, shape, params);
}

/**
 * The chunk step and aggregate of one whole in-memory array (the eager reductions, `nd.sum`):
 * the same numbers as {@link reduceChunk} then {@link reduceAggregate}, but the partial is private,
 * so it is not copied to be merged, and a float64 state that is already the result (sum, prod)
 * becomes the result.
 */
export function reduceWhole(
  op: ReduceOp,
  a: NDArray,
  chunk: ReduceChunkParams,
  agg: ReduceAggParams,
): NDArray {
  const partial = reduceChunk(op, a, chunk);
  return finishStates(op, partial.data, partial.shape, agg, true);
}

/**
 * The finished result of merged states `st` (of partial shape `shape`); `st` is recycled, or
 * with `own` (a private state) returned as the result where finishing would only copy it.
 */
function finishStates(
  op: ReduceOp,
  st: Float64Array,
  shape: readonly number[],
  params: ReduceAggParams,
  own = false,
): NDArray {
  const r = REDUCERS[op];
  const dtype = params.dtype ?? reduceResultDType(op, "float64");
  if (!isDType(dtype))
    throw new InvalidArgumentError(`reduce.${op}: unknown dtype. Got dtype=${fmt(dtype)}.`);
  const ndim = shape.length - 1;
  const axes = normalizedAxes(params.axis, ndim);
  const outShape = shape.slice(0, ndim).filter((_, i) => params.keepdims || !axes.includes(i));
  if (own && r.finish === copyOut && dtype === "float64") {
    checkAggregate(op, st, r.fields, st, params.ddof ?? 0);
    return new NDArray(dtype, st, outShape);
  }
  // int64 results of these reducers are indices (argmin/argmax): finished in float64, exact. An
  // integer sum or product wraps modulo 2^64 in NumPy, which float64 states cannot: kernels/int64-reduce.ts.
  const wide = is64BitInt(dtype);
  if (wide && !op.includes("arg")) {
    throw new InvalidArgumentError(
      `reduce.${op}: a ${dtype} result needs the exact 64-bit kernels (int64Reduction), not float64 states. Got dtype=${fmt(dtype)}.`,
    );
  }
  const out = allocate(wide ? "float64" : dtype, st.length / r.fields) as AnyTypedArray;
  r.finish(st, out, params);
  checkAggregate(op, st, r.fields, out, params.ddof ?? 0);
  recycleScratch(st);
  return wide
    ? numbersTo64(new NDArray("float64", out as Float64Array, outShape), dtype)
    : new NDArray(dtype, out, outShape);
}

function evaluatePre(inputs: NDArray[], pre: FusedPre): NDArray | Promise<NDArray> {
  return getKernel("elementwise.expr")(inputs, pre as unknown as Param);
}

/** The chunk, combine and aggregate kernel of one reduction. */
export interface ReduceKernels {
  readonly chunk: KernelRef<ReduceChunkParams>;
  readonly combine: KernelRef<ReduceCombineParams>;
  readonly agg: KernelRef<ReduceAggParams>;
}

function defineReduction(op: ReduceOp): ReduceKernels {
  return {
    chunk: defineKernel<ReduceChunkParams>(`reduce.${op}.chunk`, (inputs, params) => {
      if (params?.pre) {
        const a = evaluatePre(inputs, params.pre);
        return a instanceof Promise ? a.then((b) => reduceChunk(op, b, params)) : reduceChunk(op, a, params);
      }
      return reduceChunk(op, inputs[0], params);
    }),
    combine: defineKernel<ReduceCombineParams>(`reduce.${op}.combine`, (inputs) => reduceCombine(op, inputs)),
    agg: defineKernel<ReduceAggParams>(`reduce.${op}.agg`, (inputs, params) =>
      reduceAggregate(op, inputs, params),
    ),
  };
}

/** The registered kernels of every built-in reduction, by op. */
export const REDUCE_KERNELS: { readonly [K in ReduceOp]: ReduceKernels } = Object.fromEntries(
  REDUCTION_OPS.map((op) => [op, defineReduction(op)]),
) as { [K in ReduceOp]: ReduceKernels };

// ---------------------------------------------------------------------------------------------
// Several reductions of one block in one traversal (optimize/fuse-multi.ts)

/** Reduction ops a `reduce.multi.chunk` task can compute together (every op but the arg-reductions). */
export function isMultiReducible(op: string): op is ReduceOp {
  return (REDUCTION_OPS as readonly string[]).includes(op) && !isArgReduction(op);
}

/**
 * One reducer running several: each slab or row, converted once, is folded by every member into
 * its own fields (member i owns fields `off[i]..off[i] + fields_i` of each state), in the order
 * the member alone would use, so every member's partial is bit-identical to its own chunk step.
 */
function compositeReducer(ops: readonly ReduceOp[]): Reducer {
  const members = ops.map((op) => REDUCERS[op]);
  const off: number[] = [];
  let F = 0;
  for (const r of members) {
    off.push(F);
    F += r.fields;
  }
  const passes = Math.max(...members.map((r) => r.rowPasses));
  // Field planes of each member, for the planes array of the current block.
  let planes: Float64Array | null = null;
  let views: Float64Array[] = [];
  const viewsOf = (pl: Float64Array, nk: number): Float64Array[] => {
    if (pl !== planes) {
      planes = pl;
      views = members.map((r, i) => pl.subarray(off[i] * nk, (off[i] + r.fields) * nk));
    }
    return views;
  };
  const allRows = members.every((r) => r.rows !== undefined);
  const sharedTotal = members.filter((r) => r.seqTotal !== undefined).length > 1;
  return {
    fields: F,
    rowPasses: passes,
    init(st) {
      const nk = st.length / F;
      members.forEach((r, i) => {
        const own = new Float64Array(nk * r.fields);
        r.init(own);
        for (let o = 0; o < nk; o++)
          for (let f = 0; f < r.fields; f++) st[o * F + off[i] + f] = own[o * r.fields + f];
      });
    },
    seq(S, st, q) {
      // One pairwise sum of the sequence for every member that starts with it.
      const total = sharedTotal ? seqSum(S) : 0;
      for (let i = 0; i < members.length; i++) {
        const r = members[i];
        if (sharedTotal && r.seqTotal) r.seqTotal(S, st, q + off[i], total);
        else foldSeq(r, S, st, q + off[i]);
      }
    },
    row(a, p, m, pl, q, nk, idx, pass) {
      const v = viewsOf(pl, nk);
      for (let i = 0; i < members.length; i++)
        if (pass < members[i].rowPasses) members[i].row(a, p, m, v[i], q, nk, idx, pass);
    },
    rows: allRows
      ? (a, base, rOff, m, pl, q, nk, pass) => {
          const v = viewsOf(pl, nk);
          for (let i = 0; i < members.length; i++)
            if (pass < members[i].rowPasses) members[i].rows?.(a, base, rOff, m, v[i], q, nk, pass);
        }
      : undefined,
    between(pl, nk, rows) {
      const v = viewsOf(pl, nk);
      members.forEach((r, i) => {
        if (r.rowPasses > 1) r.between?.(v[i], nk, rows);
      });
    },
    after(pl, nk, rows) {
      const v = viewsOf(pl, nk);
      for (let i = 0; i < members.length; i++) members[i].after?.(v[i], nk, rows);
    },
    merge() {
      throw new InvalidArgumentError("reduce.multi.chunk partials are split by reduce.fields, never merged.");
    },
    finish() {
      throw new InvalidArgumentError(
        "reduce.multi.chunk partials are split by reduce.fields, never finished.",
      );
    },
  };
}

/** Params of a `reduce.multi.chunk` task: the chunk params shared by its reductions, and their ops. */
export interface ReduceMultiChunkParams extends ReduceChunkParams {
  readonly ops: readonly ReduceOp[];
}

/**
 * The partials of several reductions of one block, from one traversal: the partial of `ops[i]`
 * (as {@link reduceChunk} gives it) is the field range {@link multiFieldRanges}`(ops)[i]` of the
 * trailing axis.
 */
export function reduceChunkMulti(
  ops: readonly ReduceOp[],
  a: NDArray,
  params: ReduceChunkParams = {},
): NDArray<"float64"> {
  for (const op of ops) {
    if (!isMultiReducible(op))
      throw new InvalidArgumentError(`reduce.multi.chunk cannot run ${fmt(op)}. Got ops=${fmt(ops)}.`);
  }
  const r = compositeReducer(ops);
  const axes = normalizedAxes(params.axis, a.ndim);
  const st = foldBlock(
    {
      shape: a.shape,
      strides: a.strides,
      offset: a.offset,
      data: numberStorage(a.dtype, a.data, "reduce.multi"),
      fill: null,
    },
    axes,
    r,
    null,
    0,
  );
  const shape = a.shape.map((n, i) => (axes.includes(i) ? 1 : n));
  shape.push(r.fields);
  return new NDArray("float64", st, shape);
}

/** `[start, count]` of each op's fields in a {@link reduceChunkMulti} partial. */
export function multiFieldRanges(ops: readonly ReduceOp[]): [number, number][] {
  let start = 0;
  return ops.map((op) => {
    const range: [number, number] = [start, REDUCERS[op].fields];
    start += REDUCERS[op].fields;
    return range;
  });
}

/** Runs several reductions' chunk steps over one block in one pass (see {@link reduceChunkMulti}). */
export const reduceMultiChunk = defineKernel<ReduceMultiChunkParams>(
  "reduce.multi.chunk",
  (inputs, params) => {
    const { ops, ...chunk } = params;
    if (chunk.pre) {
      const a = evaluatePre(inputs, chunk.pre);
      return a instanceof Promise
        ? a.then((b) => reduceChunkMulti(ops, b, chunk))
        : reduceChunkMulti(ops, a, chunk);
    }
    return reduceChunkMulti(ops, inputs[0], chunk);
  },
);

/** Params of a `reduce.fields` task. */
export interface ReduceFieldsParams {
  readonly start: number;
  readonly count: number;
}

/** Fields `start..start+count)` of the trailing axis of a partial (one reduction's share of a multi partial). */
export const reduceFields = defineKernel<ReduceFieldsParams>("reduce.fields", (inputs, { start, count }) => {
  const a = inputs[0].contiguous();
  const F = a.shape[a.ndim - 1];
  const n = a.size / F;
  const src = a.data as Float64Array;
  const out = new Float64Array(n * count);
  for (let o = 0; o < n; o++) for (let f = 0; f < count; f++) out[o * count + f] = src[o * F + start + f];
  return new NDArray("float64", out, [...a.shape.slice(0, -1), count]);
});

// ---------------------------------------------------------------------------------------------
// Blocks folded straight into one state (optimize/fuse-fold.ts)

/** Params of a `reduce.fold` task: the reduction, its axes, and the stage it replaces. */
export interface ReduceFoldParams extends ReduceAggParams {
  readonly op: ReduceOp;
  /** `combine` returns a partial; `agg` the finished result (with `dtype`, `ddof`, `keepdims`). */
  readonly stage: "combine" | "agg";
  /**
   * The first input is the partial of the blocks before these (the previous fold of a chain,
   * optimize/fuse-fold.ts): the blocks are added to it, in place where it is private memory.
   */
  readonly carry?: boolean;
}

/** True when the fold kernel can accumulate blocks of this reduction without partials. */
export function isFoldable(op: string): op is ReduceOp {
  const r = (REDUCERS as Record<string, Reducer | undefined>)[op];
  return r?.single !== undefined && r.accumulate !== undefined;
}

type FloatData = Float32Array | Float64Array;

/**
 * The fold of sum or mean (`fields` 1 or 2: count, then sum) over float blocks of one shape into
 * the states `st`: four blocks per sweep, `st + a0 + a1 + a2 + a3` left to right, so each state is
 * read and written once per four blocks with the very rounding of adding them one at a time
 * (`single` then `accumulate`: `0 + v` is never -0, and counts are small integers). Returns
 * `[before, after]`: NaN when some sum before or after was not finite, found in the same sweep
 * (`x - x` is 0 for finite x, else NaN), so overflow checks need no pass of their own.
 */
function addBlocks(
  inputs: readonly NDArray<"float32" | "float64">[],
  st: Float64Array,
  fields: number,
): Float64Array {
  const first = inputs[0];
  const n = inputs.length;
  const steps = inputs.map((a) => a.strides[a.ndim - 1] ?? 1);
  const data = inputs.map((a) => a.data as FloatData);
  const finite = new Float64Array(2);
  walkSegments(
    first.shape,
    inputs.map((a) => a.strides),
    inputs.map((a) => a.offset),
    0,
    first.size,
    first.size,
    (pos, len, ptrs) => {
      let b = 0;
      for (; b + 4 <= n; b += 4) addRuns4(st, pos * fields, fields, len, data, ptrs, steps, b, finite);
      for (; b < n; b++) addRun(st, pos * fields, fields, len, data[b], ptrs[b], steps[b], finite);
    },
  );
  return finite;
}

/** `addBlocks`' sweep over blocks `b..b+3`: `len` elements from `ptrs[b..]` by `steps[b..]`. */
function addRuns4(
  st: Float64Array,
  q: number,
  fields: number,
  len: number,
  data: readonly FloatData[],
  ptrs: Float64Array,
  steps: readonly number[],
  b: number,
  finite: Float64Array,
): void {
  const a0 = data[b];
  const a1 = data[b + 1];
  const a2 = data[b + 2];
  const a3 = data[b + 3];
  let p0 = ptrs[b];
  let p1 = ptrs[b + 1];
  let p2 = ptrs[b + 2];
  let p3 = ptrs[b + 3];
  const s0 = steps[b];
  const s1 = steps[b + 1];
  const s2 = steps[b + 2];
  const s3 = steps[b + 3];
  const c = fields - 1;
  let before = 0;
  let after = 0;
  for (let j = 0, k = q + c; j < len; j++, k += fields) {
    const old = st[k];
    const t = old + a0[p0] + a1[p1] + a2[p2] + a3[p3];
    st[k] = t;
    before += old - old;
    after += t - t;
    p0 += s0;
    p1 += s1;
    p2 += s2;
    p3 += s3;
  }
  if (c === 1) for (let j = 0, k = q; j < len; j++, k += 2) st[k] += 4;
  finite[0] += before;
  finite[1] += after;
}

/** One block's run into the states (the remainder of `addBlocks`' sweeps). */
function addRun(
  st: Float64Array,
  q: number,
  fields: number,
  len: number,
  a: FloatData,
  p: number,
  s: number,
  finite: Float64Array,
): void {
  const c = fields - 1;
  let before = 0;
  let after = 0;
  for (let j = 0, k = q + c; j < len; j++, k += fields, p += s) {
    const old = st[k];
    const t = old + a[p];
    st[k] = t;
    before += old - old;
    after += t - t;
  }
  if (c === 1) for (let j = 0, k = q; j < len; j++, k += 2) st[k] += 1;
  finite[0] += before;
  finite[1] += after;
}

/**
 * A group of blocks reduced into one state as they come (`reduce.fold`): what the chunk steps of
 * the blocks followed by one combine (or aggregate) give, bit for bit, with `carry` the partial of
 * the blocks before them merged first. When every block has length 1 on the reduced axes (a stack
 * reduced over its stacked axis) the blocks are added into one state in input order (into the
 * carried state itself when it is private memory: a chain of folds keeps one state per output
 * block, NumPy's row-by-row order over the stacked axis); otherwise the partials are made and
 * merged as usual.
 */
export function reduceFold(inputs: readonly NDArray[], params: ReduceFoldParams): NDArray {
  const { op, stage } = params;
  const r = REDUCERS[op];
  const carried = params.carry ? inputs[0] : undefined;
  const blocks = params.carry ? inputs.slice(1) : inputs;
  const first = blocks[0];
  const axes = normalizedAxes(params.axis, first.ndim);
  const direct =
    r.single !== undefined &&
    r.accumulate !== undefined &&
    blocks.every(
      (a) =>
        a.ndim === first.ndim &&
        a.shape.every((n, ax) => (axes.includes(ax) ? n === 1 : n === first.shape[ax])),
    );
  if (!direct) {
    const partials: NDArray[] = blocks.map((a) => reduceChunk(op, a, { axis: axes }));
    if (carried) partials.unshift(carried);
    return stage === "agg" ? reduceAggregate(op, partials, params) : reduceCombine(op, partials);
  }
  const size = first.size;
  const shape = [...first.shape, r.fields];
  const st = carried
    ? carriedState(op, carried, size * r.fields)
    : allocate("float64", size * r.fields, stage === "agg" ? false : undefined);
  if (
    (op === "sum" || op === "mean") &&
    blocks.every((a) => a.dtype === "float32" || a.dtype === "float64")
  ) {
    const [before, after] = addBlocks(blocks as readonly NDArray<"float32" | "float64">[], st, r.fields);
    // Non-finite sums that were all finite before: an overflow unless a block held ±inf.
    if (Number.isNaN(after) && !Number.isNaN(before)) checkFoldOverflow(op, st, false, blocks);
  } else {
    const hadInf = carried !== undefined && accumulatedInf(op, st);
    blocks.forEach((a, i) => {
      walkSegments(a.shape, [a.strides], [a.offset], 0, size, size, (pos, len, ptrs) =>
        singleRow(
          r,
          i === 0 && !carried ? "single" : "accumulate",
          numberStorage(a.dtype, a.data, "reduce.fold"),
          ptrs[0],
          len,
          a.strides[a.ndim - 1] ?? 1,
          st,
          pos,
        ),
      );
    });
    checkFoldOverflow(op, st, hadInf, blocks);
  }
  // (The raw blocks are never recycled: they may be views of the caller's arrays.)
  return stage === "agg" ? finishStates(op, st, shape, params) : new NDArray("float64", st, shape);
}

/**
 * The states a carried partial holds, to add to: its own memory when it is a private, compact
 * float64 array (only this fold reads it: fuse-fold chains intermediates with one dependent),
 * else a copy (shared memory may be read elsewhere).
 */
function carriedState(op: ReduceOp, carried: NDArray, length: number): Float64Array {
  if (carried.dtype !== "float64" || carried.size !== length) {
    throw new InvalidArgumentError(
      `reduce.${op}: a carried partial must be float64 with ${length} values. Got dtype=${fmt(carried.dtype)}, shape=${fmt(carried.shape)}.`,
    );
  }
  const data = carried.data as Float64Array;
  // A page that is not cross-origin isolated has no SharedArrayBuffer global at all.
  const shared = typeof SharedArrayBuffer !== "undefined" && data.buffer instanceof SharedArrayBuffer;
  if (carried.isContiguous && !shared) {
    return data.subarray(carried.offset, carried.offset + length);
  }
  const st = allocate("float64", length);
  st.set(carried.contiguous().data.subarray(0, length) as Float64Array);
  return st;
}

/** Reduces its input blocks into one partial (or result) without a partial per block. */
export const reduceFoldKernel = defineKernel<ReduceFoldParams>("reduce.fold", (inputs, params) =>
  reduceFold(inputs, params),
);
