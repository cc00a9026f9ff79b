/** Counting kernels: histogram with known edges, bincount, membership (isin) and searchsorted counts. */
import { NDArray } from "../ndarray/ndarray.js";
import { defineKernel } from "./registry.js";

function values(a: NDArray): Float64Array {
  const c = a.contiguous();
  return Float64Array.from(c.data.subarray(c.offset, c.offset + c.size) as ArrayLike<number>);
}

/** Number of edges `<= v` (side "right") or `< v` (side "left") in sorted `edges`. */
function bisect(edges: ArrayLike<number>, v: number, right: boolean): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (right ? edges[mid] <= v : edges[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Params of `count.histogram`. */
export interface HistogramParams {
  readonly edges: Float64Array;
}

/** Counts (or weight sums) of one block per bin; bins are half-open except the last, which includes its right edge. */
export function histogramBlock(
  x: NDArray,
  weights: NDArray | undefined,
  p: HistogramParams,
): NDArray<"float64"> {
  const e = p.edges;
  const nb = e.length - 1;
  const out = new Float64Array(nb);
  const xs = values(x);
  const ws = weights ? values(weights) : undefined;
  const last = e[nb];
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    if (!(v >= e[0] && v <= last)) continue;
    const b = v === last ? nb - 1 : bisect(e, v, true) - 1;
    out[b] += ws ? ws[i] : 1;
  }
  return new NDArray("float64", out, [nb]);
}

/** Params of `count.bincount`. */
export interface BincountParams {
  readonly minlength: number;
}

/** Occurrences (or weight sums) of each non-negative integer in one block. */
export function bincountBlock(
  x: NDArray,
  weights: NDArray | undefined,
  p: BincountParams,
): NDArray<"float64"> {
  const xs = values(x);
  let max = -1;
  for (const v of xs) {
    if (v < 0) throw new RangeError("'list' argument must have no negative elements");
    if (v > max) max = v;
  }
  const out = new Float64Array(Math.max(p.minlength, max + 1));
  const ws = weights ? values(weights) : undefined;
  for (let i = 0; i < xs.length; i++) out[xs[i]] += ws ? ws[i] : 1;
  return new NDArray("float64", out, [out.length]);
}

/** Sums 1-d count vectors of different lengths (shorter ones padded with zeros). */
export function sumPadded(inputs: readonly NDArray[]): NDArray<"float64"> {
  const n = Math.max(...inputs.map((a) => a.shape[0]));
  const out = new Float64Array(n);
  for (const a of inputs) {
    const v = values(a);
    for (let i = 0; i < v.length; i++) out[i] += v[i];
  }
  return new NDArray("float64", out, [n]);
}

/** Params of `count.isin`: the test values, sorted. */
export interface IsinParams {
  readonly test: Float64Array;
  readonly invert: boolean;
}

/** Whether each element is one of the test values. */
export function isinBlock(x: NDArray, p: IsinParams): NDArray<"bool"> {
  const xs = values(x);
  const out = new Uint8Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const j = bisect(p.test, xs[i], false);
    const hit = j < p.test.length && p.test[j] === xs[i];
    out[i] = hit !== p.invert ? 1 : 0;
  }
  return new NDArray("bool", out, [...x.shape]);
}

/** Params of `count.searchsorted`. */
export interface SearchsortedParams {
  readonly right: boolean;
}

/** For each value of `v`, how many elements of the sorted block `a` lie before it. */
export function searchsortedBlock(a: NDArray, v: NDArray, p: SearchsortedParams): NDArray<"float64"> {
  const as = values(a);
  const vs = values(v);
  const out = new Float64Array(vs.length);
  for (let i = 0; i < vs.length; i++) out[i] = bisect(as, vs[i], p.right);
  return new NDArray("float64", out, [...v.shape]);
}

export const histogramKernel = defineKernel("count.histogram", ([x, w], p: HistogramParams) =>
  histogramBlock(x, w, p),
);
export const bincountKernel = defineKernel("count.bincount", ([x, w], p: BincountParams) =>
  bincountBlock(x, w, p),
);
export const sumPaddedKernel = defineKernel("count.sumPadded", (inputs) => sumPadded(inputs));
export const isinKernel = defineKernel("count.isin", ([x], p: IsinParams) => isinBlock(x, p));
export const searchsortedKernel = defineKernel("count.searchsorted", ([a, v], p: SearchsortedParams) =>
  searchsortedBlock(a, v, p),
);
