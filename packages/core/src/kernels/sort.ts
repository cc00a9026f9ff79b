/**
 * Sorting kernels: per-lane sort/argsort, top-k partials, quantiles, and the stages of the blocked
 * sample sort of a chunked 1-D array (local sort, samples, splitters, partition, merge).
 */
import { DTYPE_INFO, type DType } from "../dtype/dtypes.js";
import { NDArray } from "../ndarray/ndarray.js";
import { compareNanLast, forEachLane, laneOutput } from "./lanes.js";
import { emitWarning } from "../warnings.js";
import { defineKernel } from "./registry.js";

/** Orders positions by value (NaN last), ties by position: a stable argsort of one lane. */
function argsortLane(values: Float64Array, order: Uint32Array): void {
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => compareNanLast(values[a], values[b]) || a - b);
}

/** Params of `sort.axis`. */
export interface SortAxisParams {
  readonly axis: number;
  /** Return positions (float64) instead of values. */
  readonly arg: boolean;
}

/** Sorts (or argsorts, stably) every lane along `axis`. */
export function sortAxis(a: NDArray, p: SortAxisParams): NDArray {
  const n = a.shape[p.axis];
  const out = laneOutput(p.arg ? "float64" : a.dtype, a.shape, p.axis, n);
  const ad = a.data as ArrayLike<number>;
  const od = out.data as any;
  const as = a.strides[p.axis];
  const os = out.strides[p.axis];
  const lane = new Float64Array(n);
  const order = new Uint32Array(n);
  forEachLane(a.shape, p.axis, [a, out], ([pa, po]) => {
    for (let i = 0; i < n; i++) lane[i] = ad[pa + i * as];
    if (p.arg) {
      argsortLane(lane, order);
      for (let i = 0; i < n; i++) od[po + i * os] = order[i];
    } else {
      lane.sort();
      for (let i = 0; i < n; i++) od[po + i * os] = lane[i];
    }
  });
  return out;
}

/**
 * Params of `sort.topk`. Partials of `argtopk` carry `[value, index]` pairs in a trailing axis of
 * length 2; `final` drops the pairs to values (topk) or indices (argtopk).
 */
export interface TopkParams {
  readonly k: number;
  readonly axis: number;
  readonly arg: boolean;
  /** Inputs are blocks of the array (else partials); `offset` is the block's start along the axis. */
  readonly raw: boolean;
  /** Last stage: sort the result and drop the pairs. */
  readonly finish: boolean;
  readonly offset?: number;
  readonly dtype: DType;
}

/** The |k| largest (k > 0, descending) or smallest (k < 0, ascending) of several partials, per lane. */
export function topk(inputs: readonly NDArray[], p: TopkParams): NDArray {
  const pairs = p.arg && !p.raw;
  const lens = inputs.map((a) => a.shape[p.axis]);
  const total = lens.reduce((s, v) => s + v, 0);
  const m = Math.min(Math.abs(p.k), total);
  const base = inputs[0].shape.slice(0, pairs ? -1 : undefined);
  const outShape = [...base];
  outShape[p.axis] = m;
  const keepPairs = p.arg && !p.finish;
  const out = NDArray.zeros(p.arg ? "float64" : p.dtype, keepPairs ? [...outShape, 2] : outShape);
  const vals = new Float64Array(total);
  const idxs = new Float64Array(total);
  const order = new Uint32Array(total);
  const od = out.data as any;
  const os = out.strides[p.axis];
  const laneView = (v: NDArray, hasPair: boolean) => ({
    strides: hasPair ? v.strides.slice(0, -1) : v.strides,
    offset: v.offset,
  });
  const views = [...inputs.map((a) => laneView(a, pairs)), laneView(out, keepPairs)];
  forEachLane(outShape, p.axis, views, (starts) => {
    let k = 0;
    for (let s = 0; s < inputs.length; s++) {
      const a = inputs[s];
      const ad = a.data as ArrayLike<number>;
      const st = a.strides[p.axis];
      const last = pairs ? a.strides[a.ndim - 1] : 0;
      for (let i = 0; i < lens[s]; i++, k++) {
        vals[k] = ad[starts[s] + i * st];
        idxs[k] = pairs ? ad[starts[s] + i * st + last] : (p.offset ?? 0) + i;
      }
    }
    for (let i = 0; i < total; i++) order[i] = i;
    // Ascending by value (NaN largest), ties by index: the k largest are then the last k, reversed.
    order.sort((a, b) => compareNanLast(vals[a], vals[b]) || idxs[a] - idxs[b]);
    const po = starts[inputs.length];
    const last = keepPairs ? out.strides[out.ndim - 1] : 0;
    for (let j = 0; j < m; j++) {
      const src = p.k > 0 ? order[total - 1 - j] : order[j];
      if (keepPairs) {
        od[po + j * os] = vals[src];
        od[po + j * os + last] = idxs[src];
      } else od[po + j * os] = p.arg ? idxs[src] : vals[src];
    }
  });
  return out;
}

/** Params of `sort.quantile`: `q` in [0, 1]; the result has the q axis first (dropped when `scalar`). */
export interface QuantileParams {
  readonly axis: number;
  readonly q: readonly number[];
  readonly scalar: boolean;
  readonly skipNaN: boolean;
  readonly dtype: DType;
}

/** NumPy's default ("linear") quantiles of every lane along `axis`, whole lanes in one block. */
export function quantileBlock(a: NDArray, p: QuantileParams): NDArray {
  const n = a.shape[p.axis];
  const rest = a.shape.filter((_, ax) => ax !== p.axis);
  const out = NDArray.zeros(p.dtype, [p.q.length, ...rest]);
  const plane = rest.reduce((s, v) => s * v, 1);
  const od = out.data as any;
  const ad = a.data as ArrayLike<number>;
  const as = a.strides[p.axis];
  const lane = new Float64Array(n);
  let r = 0;
  forEachLane(a.shape, p.axis, [a], ([pa]) => {
    let len = 0;
    let hasNaN = false;
    for (let i = 0; i < n; i++) {
      const v = ad[pa + i * as];
      if (Number.isNaN(v)) {
        hasNaN = true;
        if (p.skipNaN) continue;
      }
      lane[len++] = v;
    }
    if (len === 0 && n > 0 && p.skipNaN)
      emitWarning("all-nan-slice", "All-NaN slice encountered", "nanquantile");
    const sorted = lane.subarray(0, len).sort();
    p.q.forEach((q, j) => {
      let v: number;
      if (len === 0 || (hasNaN && !p.skipNaN)) v = Number.NaN;
      else {
        const pos = q * (len - 1);
        const lo = Math.floor(pos);
        const hi = Math.min(lo + 1, len - 1);
        const t = pos - lo;
        const a0 = sorted[lo];
        const b0 = sorted[hi];
        // NumPy's _lerp: from the nearer end, so q = 1 gives the maximum exactly; the difference
        // is taken in the input dtype (float32 rounds), the rest in float64.
        const d = a.dtype === "float32" ? Math.fround(b0 - a0) : b0 - a0;
        v = t >= 0.5 ? b0 - d * (1 - t) : a0 + d * t;
        if (t === 0) v = a0;
      }
      od[j * plane + r] = v;
    });
    r++;
  });
  return p.scalar ? out.reshape(rest) : out;
}

/** Params of the sample-sort stages. */
export interface SampleParams {
  /** Values are `[value, index]` pairs (argsort) instead of plain values. */
  readonly arg: boolean;
  /** Global index of the block's first element (local stage of argsort). */
  readonly offset?: number;
  /** Number of buckets. */
  readonly buckets?: number;
  /** Bucket this partition task selects. */
  readonly bucket?: number;
  /**
   * Samples and splitters are `[value, global index]` pairs even when sorting values (draw,
   * splitters, select): ties split by position, so equal values cannot pile up in one bucket.
   */
  readonly pairs?: boolean;
  /** Samples drawn per block (draw; default `4 · buckets`). */
  readonly samples?: number;
}

function pairCompare(d: ArrayLike<number>, a: number, b: number): number {
  return compareNanLast(d[2 * a], d[2 * b]) || d[2 * a + 1] - d[2 * b + 1];
}

/** Stage 1: a sorted copy of a 1-D block (pairs `[value, global index]` when `arg`). */
export function sampleSortLocal(a: NDArray, p: SampleParams): NDArray {
  const n = a.shape[0];
  const ad = a.data as ArrayLike<number>;
  if (!p.arg) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = ad[a.offset + i * a.strides[0]];
    v.sort();
    const out = NDArray.zeros(a.dtype, [n]);
    (out.data as any).set(v);
    return out;
  }
  const vals = new Float64Array(n);
  for (let i = 0; i < n; i++) vals[i] = ad[a.offset + i * a.strides[0]];
  const order = new Uint32Array(n);
  argsortLane(vals, order);
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    out[2 * i] = vals[order[i]];
    out[2 * i + 1] = (p.offset ?? 0) + order[i];
  }
  return new NDArray("float64", out, [n, 2]);
}

/** Stage 2: `buckets` regularly spaced samples of a sorted block (PSRS). */
export function sampleSortSamples(sorted: NDArray, p: SampleParams): NDArray {
  const n = sorted.shape[0];
  const s = Math.min(n, p.buckets ?? 1);
  const w = p.arg ? 2 : 1;
  const out = new Float64Array(s * w);
  for (let j = 0; j < s; j++) {
    const i = Math.floor(((j + 0.5) * n) / s);
    for (let c = 0; c < w; c++) out[j * w + c] = sorted.data[i * w + c] as number;
  }
  return new NDArray("float64", out, p.arg ? [s, 2] : [s]);
}

/** Stage 3: `buckets - 1` splitters from all samples. */
export function sampleSortSplitters(samples: readonly NDArray[], p: SampleParams): NDArray {
  const pairs = p.arg || p.pairs === true;
  const w = pairs ? 2 : 1;
  let n = 0;
  for (const s of samples) n += s.shape[0];
  const all = new Float64Array(n * w);
  let k = 0;
  for (const s of samples) for (let i = 0; i < s.size; i++) all[k++] = s.data[i] as number;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (w === 2 ? pairCompare(all, a, b) : compareNanLast(all[a], all[b])));
  const b = p.buckets ?? 1;
  const out = new Float64Array((b - 1) * w);
  for (let j = 1; j < b; j++) {
    const i = order[Math.min(n - 1, Math.floor((j * n) / b))];
    for (let c = 0; c < w; c++) out[(j - 1) * w + c] = all[i * w + c];
  }
  return new NDArray("float64", out, pairs ? [b - 1, 2] : [b - 1]);
}

/** First position in the sorted block whose key is greater than the splitter `j` (or `n`). */
function upperBound(sorted: NDArray, splitters: NDArray, j: number, arg: boolean): number {
  const d = sorted.data as ArrayLike<number>;
  const s = splitters.data as ArrayLike<number>;
  let lo = 0;
  let hi = sorted.shape[0];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = arg
      ? compareNanLast(d[2 * mid], s[2 * j]) || d[2 * mid + 1] - s[2 * j + 1]
      : compareNanLast(d[mid], s[j]);
    if (c <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Stage 4: the part of a sorted block that falls in bucket `bucket` (a copy, so the block can be freed). */
export function sampleSortPartition(sorted: NDArray, splitters: NDArray, p: SampleParams): NDArray {
  const b = p.bucket ?? 0;
  const nb = p.buckets ?? 1;
  const lo = b === 0 ? 0 : upperBound(sorted, splitters, b - 1, p.arg);
  const hi = b === nb - 1 ? sorted.shape[0] : upperBound(sorted, splitters, b, p.arg);
  const w = p.arg ? 2 : 1;
  // A fresh copy, not a recycled buffer: bucket sizes vary, so a released part would sit unused
  // in the recycling free list (up to its 128 MB cap) instead of going back to the GC.
  const data = (sorted.data as Float64Array).slice(lo * w, hi * w);
  return new NDArray(sorted.dtype, data as any, p.arg ? [hi - lo, 2] : [hi - lo]);
}

/** Stage 5: merges the sorted parts of one bucket; `final` keeps values, or indices for argsort. */
export function sampleSortMerge(parts: readonly NDArray[], p: SampleParams): NDArray {
  let n = 0;
  for (const s of parts) n += s.shape[0];
  if (!p.arg) {
    // Values: concatenating and sorting natively beats a JS k-way merge.
    const all = new Float64Array(n);
    let k = 0;
    for (const s of parts) {
      const m = s.shape[0];
      if (s.data instanceof Float64Array && s.offset === 0 && s.data.length === m) all.set(s.data, k);
      else for (let i = 0; i < m; i++) all[k + i] = s.data[s.offset + i * s.strides[0]] as number;
      k += m;
    }
    all.sort();
    // Fresh (not recycled) storage, for the reason given in sampleSortPartition.
    const dtype = parts[0].dtype;
    if (dtype === "float64") return new NDArray("float64", all, [n]);
    const data = new DTYPE_INFO[dtype].ctor(n) as any;
    data.set(all);
    return new NDArray(dtype, data, [n]);
  }
  // Pairs: a balanced tree of two-way merges, O(n log k).
  let level: Float64Array[] = parts.map((s) => Float64Array.from(s.data as ArrayLike<number>));
  while (level.length > 1) {
    const next: Float64Array[] = [];
    for (let i = 0; i < level.length; i += 2)
      next.push(i + 1 < level.length ? mergePairs(level[i], level[i + 1]) : level[i]);
    level = next;
  }
  const merged = level[0] ?? new Float64Array(0);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = merged[2 * i + 1];
  return new NDArray("float64", out, [n]);
}

function mergePairs(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    const c = compareNanLast(a[i], b[j]) || a[i + 1] - b[j + 1];
    if (c <= 0) {
      out[k++] = a[i++];
      out[k++] = a[i++];
    } else {
      out[k++] = b[j++];
      out[k++] = b[j++];
    }
  }
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

/** Lexicographic compare of `(v, i)` with splitter `j` (pairs) or value compare. */
function keyVsSplitter(v: number, i: number, s: ArrayLike<number>, j: number, pairs: boolean): number {
  return pairs ? compareNanLast(v, s[2 * j]) || i - s[2 * j + 1] : compareNanLast(v, s[j]);
}

/** Evenly spaced samples of an unsorted block (values, or `[value, global index]` pairs). */
export function sampleSortDraw(a: NDArray, p: SampleParams): NDArray {
  const n = a.shape[0];
  const s = Math.min(n, p.samples ?? 4 * (p.buckets ?? 1));
  const pairs = p.arg || p.pairs === true;
  const w = pairs ? 2 : 1;
  const out = new Float64Array(s * w);
  const d = a.data as ArrayLike<number>;
  for (let j = 0; j < s; j++) {
    const i = Math.floor(((j + 0.5) * n) / s);
    out[j * w] = d[a.offset + i * a.strides[0]];
    if (pairs) out[j * w + 1] = (p.offset ?? 0) + i;
  }
  return new NDArray("float64", out, pairs ? [s, 2] : [s]);
}

/**
 * The elements of an unsorted block that fall in bucket `bucket`: values in block order (the
 * merge sorts the bucket once), or sorted `[value, global index]` pairs for argsort. The output
 * is fresh memory sized exactly (a counting pass first): bucket sizes vary, so a recycled buffer
 * would sit unused in the free list once released.
 */
export function sampleSortSelect(a: NDArray, splitters: NDArray, p: SampleParams): NDArray {
  const b = p.bucket ?? 0;
  const nb = p.buckets ?? 1;
  const pairs = p.arg || p.pairs === true;
  const n = a.shape[0];
  const d = a.data as ArrayLike<number>;
  const sp = splitters.data as ArrayLike<number>;
  const start = a.offset;
  const step = a.strides[0];
  const first = p.offset ?? 0;
  const inBucket = (v: number, g: number): boolean =>
    (b === 0 || keyVsSplitter(v, g, sp, b - 1, pairs) > 0) &&
    (b === nb - 1 || keyVsSplitter(v, g, sp, b, pairs) <= 0);
  let count = 0;
  for (let i = 0; i < n; i++) if (inBucket(d[start + i * step], first + i)) count++;
  if (!p.arg) {
    const out = new DTYPE_INFO[a.dtype].ctor(count) as any;
    let k = 0;
    for (let i = 0; i < n; i++) {
      const v = d[start + i * step];
      if (inBucket(v, first + i)) out[k++] = v;
    }
    return new NDArray(a.dtype, out, [count]);
  }
  const vals = new Float64Array(count);
  const idx = new Float64Array(count);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const v = d[start + i * step];
    if (inBucket(v, first + i)) {
      vals[k] = v;
      idx[k++] = first + i;
    }
  }
  const order = new Uint32Array(count);
  argsortLane(vals, order);
  const out = new Float64Array(2 * count);
  for (let j = 0; j < count; j++) {
    out[2 * j] = vals[order[j]];
    out[2 * j + 1] = idx[order[j]];
  }
  return new NDArray("float64", out, [count, 2]);
}

export const sampleDraw = defineKernel("sort.sample.draw", ([a], p: SampleParams) => sampleSortDraw(a, p));
export const sampleSelect = defineKernel("sort.sample.select", ([a, s], p: SampleParams) =>
  sampleSortSelect(a, s, p),
);
export const sortAxisKernel = defineKernel("sort.axis", ([a], p: SortAxisParams) => sortAxis(a, p));
export const topkKernel = defineKernel("sort.topk", (inputs, p: TopkParams) => topk(inputs, p));
export const quantileKernel = defineKernel("sort.quantile", ([a], p: QuantileParams) => quantileBlock(a, p));
export const sampleLocal = defineKernel("sort.sample.local", ([a], p: SampleParams) => sampleSortLocal(a, p));
export const sampleSamples = defineKernel("sort.sample.samples", ([a], p: SampleParams) =>
  sampleSortSamples(a, p),
);
export const sampleSplitters = defineKernel("sort.sample.splitters", (inputs, p: SampleParams) =>
  sampleSortSplitters(inputs, p),
);
export const samplePartition = defineKernel("sort.sample.partition", ([a, s], p: SampleParams) =>
  sampleSortPartition(a, s, p),
);
export const sampleMerge = defineKernel("sort.sample.merge", (inputs, p: SampleParams) =>
  sampleSortMerge(inputs, p),
);
