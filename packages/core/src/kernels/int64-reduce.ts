/**
 * Reductions whose input or result is a 64-bit integer: NumPy's sum/prod of bool and integers
 * (int64, or uint64 for unsigned input, wrapping modulo 2^64) and every reduction of int64/uint64
 * blocks. The tree is the usual chunk → combine → aggregate (array/reductions.ts picks these
 * kernels by dtype); partials of sum/prod/min/max are exact 64-bit blocks with the reduced axes
 * kept as length 1.
 *
 * Sums stay fast: narrow integers are added in float64 runs of at most 2^21 elements (exact, as
 * |run sum| < 2^21 · 2^32 = 2^53) flushed into BigInt; int64 elements are split into their 32-bit
 * halves and summed the same way. Products multiply in float64 while the product is below 2^53.
 * The arg-reductions compare exactly too: their partials are `[value, global index]` pairs in the
 * input's dtype (a trailing field axis of 2). mean/var/std and any/all of 64-bit blocks read the
 * elements as float64 (NumPy computes mean/var in float64 too) and reuse kernels/reduce.ts's
 * partials.
 */
import { type DType, dtypeKind, is64BitInt } from "../dtype/dtypes.js";
import { fmt, InvalidArgumentError } from "../errors.js";
import type { Param } from "../graph/task.js";
import { cStrides, NDArray, shapeSize } from "../ndarray/ndarray.js";
import type { ReduceOp } from "../ops/reductions.js";
import { type ReduceAggParams, type ReduceChunkParams, REDUCE_KERNELS, reduceChunk } from "./reduce.js";
import { defineKernel, getKernel, type KernelRef } from "./registry.js";

/** The chunk, combine and aggregate kernels of one reduction (as kernels/reduce.ts's `ReduceKernels`). */
interface Kernels {
  readonly chunk: KernelRef<ReduceChunkParams>;
  readonly combine: KernelRef;
  readonly agg: KernelRef<ReduceAggParams>;
}

type ExactOp = "sum" | "prod" | "min" | "max";

/** Reductions computed exactly here, by op (nan variants are the same on integers). */
const EXACT: Partial<Record<ReduceOp, ExactOp>> = {
  sum: "sum",
  nansum: "sum",
  prod: "prod",
  nanprod: "prod",
  min: "min",
  nanmin: "min",
  max: "max",
  nanmax: "max",
};

/** The dtype NumPy's sum and prod give for integer or bool input: int64, uint64 for unsigned. */
export function wideSumDType(dtype: DType): "int64" | "uint64" {
  return dtypeKind(dtype) === "uint" ? "uint64" : "int64";
}

/** Walks a block in C order one innermost run at a time: `visit(p, o, n, ps, os)` for n elements from data position p (step ps) into output position o (step os). */
function walkRuns(
  a: NDArray,
  axes: readonly number[],
  visit: (p: number, o: number, n: number, ps: number, os: number) => void,
): number[] {
  const nd = a.ndim;
  const outShape = a.shape.map((n, ax) => (axes.includes(ax) ? 1 : n));
  const os = cStrides(outShape).map((s, ax) => (axes.includes(ax) ? 0 : s));
  if (a.size === 0) return outShape;
  if (nd === 0) {
    visit(a.offset, 0, 1, 0, 0);
    return outShape;
  }
  const last = nd - 1;
  const idx = new Array<number>(nd).fill(0);
  let p = a.offset;
  let o = 0;
  for (;;) {
    visit(p, o, a.shape[last], a.strides[last], os[last]);
    let ax = last - 1;
    for (; ax >= 0; ax--) {
      p += a.strides[ax];
      o += os[ax];
      if (++idx[ax] < a.shape[ax]) break;
      p -= a.strides[ax] * a.shape[ax];
      o -= os[ax] * a.shape[ax];
      idx[ax] = 0;
    }
    if (ax < 0) return outShape;
  }
}

/** Elements per float64 run before a flush: 2^21 values below 2^32 in magnitude sum exactly. */
const FLUSH = 2 ** 21;

function sumBlock(a: NDArray, axes: readonly number[], out: "int64" | "uint64"): NDArray {
  const outShape = a.shape.map((n, ax) => (axes.includes(ax) ? 1 : n));
  const m = shapeSize(outShape);
  const hi = new Float64Array(m);
  const lo = new Float64Array(m);
  const big = new Array<bigint>(m).fill(0n);
  let pending = 0;
  const flush = () => {
    for (let o = 0; o < m; o++) {
      if (hi[o] !== 0 || lo[o] !== 0) big[o] += BigInt(hi[o]) * 4294967296n + BigInt(lo[o]);
    }
    hi.fill(0);
    lo.fill(0);
    pending = 0;
  };
  if (is64BitInt(a.dtype)) {
    // Halves of each element: low word unsigned, high word signed (int64) or unsigned (uint64).
    const data = a.data as BigInt64Array;
    const words = new Int32Array(data.buffer, data.byteOffset, data.length * 2);
    const unsignedHigh = a.dtype === "uint64";
    walkRuns(a, axes, (p, o, n, ps, os) => {
      for (let start = 0; start < n; ) {
        const len = Math.min(n - start, FLUSH - pending);
        for (
          let j = start, q = 2 * (p + start * ps), r = o + start * os;
          j < start + len;
          j++, q += 2 * ps, r += os
        ) {
          lo[r] += words[q] >>> 0;
          hi[r] += unsignedHigh ? words[q + 1] >>> 0 : words[q + 1];
        }
        start += len;
        pending += len;
        if (pending >= FLUSH) flush();
      }
    });
  } else {
    const data = a.data as ArrayLike<number>;
    walkRuns(a, axes, (p, o, n, ps, os) => {
      for (let start = 0; start < n; ) {
        const len = Math.min(n - start, FLUSH - pending);
        for (let j = start, q = p + start * ps, r = o + start * os; j < start + len; j++, q += ps, r += os) {
          lo[r] += data[q];
        }
        start += len;
        pending += len;
        if (pending >= FLUSH) flush();
      }
    });
  }
  flush();
  const wrap = out === "int64" ? (v: bigint) => BigInt.asIntN(64, v) : (v: bigint) => BigInt.asUintN(64, v);
  const result = NDArray.zeros(out, outShape);
  for (let o = 0; o < m; o++) result.data[o] = wrap(big[o]);
  return result;
}

function prodBlock(a: NDArray, axes: readonly number[], out: "int64" | "uint64"): NDArray {
  const outShape = a.shape.map((n, ax) => (axes.includes(ax) ? 1 : n));
  const m = shapeSize(outShape);
  const wrap = out === "int64" ? (v: bigint) => BigInt.asIntN(64, v) : (v: bigint) => BigInt.asUintN(64, v);
  const big = new Array<bigint>(m).fill(1n);
  if (is64BitInt(a.dtype)) {
    const data = a.data as BigInt64Array;
    walkRuns(a, axes, (p, o, n, ps, os) => {
      for (let j = 0, q = p, r = o; j < n; j++, q += ps, r += os) big[r] = wrap(big[r] * data[q]);
    });
  } else {
    // The product is `big * small`; `small` stays an exact float64 below 2^53.
    const small = new Float64Array(m).fill(1);
    const data = a.data as ArrayLike<number>;
    walkRuns(a, axes, (p, o, n, ps, os) => {
      for (let j = 0, q = p, r = o; j < n; j++, q += ps, r += os) {
        const next = small[r] * data[q];
        if (Math.abs(next) < 2 ** 53) small[r] = next;
        else {
          big[r] = wrap(big[r] * BigInt(small[r]));
          small[r] = data[q];
        }
      }
    });
    for (let o = 0; o < m; o++) big[o] = wrap(big[o] * BigInt(small[o]));
  }
  const result = NDArray.zeros(out, outShape);
  for (let o = 0; o < m; o++) result.data[o] = big[o];
  return result;
}

function extremeBlock(a: NDArray, axes: readonly number[], isMax: boolean): NDArray {
  const outShape = a.shape.map((n, ax) => (axes.includes(ax) ? 1 : n));
  const m = shapeSize(outShape);
  const best = new Array<bigint | undefined>(m).fill(undefined);
  const data = a.data as BigInt64Array;
  walkRuns(a, axes, (p, o, n, ps, os) => {
    for (let j = 0, q = p, r = o; j < n; j++, q += ps, r += os) {
      const v = data[q];
      const b = best[r];
      if (b === undefined || (isMax ? v > b : v < b)) best[r] = v;
    }
  });
  const result = NDArray.zeros(a.dtype, outShape);
  for (let o = 0; o < m; o++) result.data[o] = best[o] as bigint;
  return result;
}

function normalAxes(axis: readonly number[] | null | undefined, ndim: number): readonly number[] {
  return axis === null || axis === undefined ? Array.from({ length: ndim }, (_, i) => i) : axis;
}

function evaluatePre(inputs: NDArray[], params: ReduceChunkParams): NDArray {
  if (!params.pre) return inputs[0];
  const r = getKernel("elementwise.expr")(inputs, params.pre as unknown as Param);
  if (r instanceof Promise) throw new InvalidArgumentError("elementwise.expr must be synchronous.");
  return r;
}

/** Merges partials of one shape elementwise (sum, product, min or max), exactly. */
function mergeExact(op: ExactOp, inputs: readonly NDArray[]): NDArray {
  if (inputs.length === 0) throw new InvalidArgumentError(`int64.${op}: no partials to merge.`);
  const first = inputs[0].contiguous();
  if (inputs.length === 1) return first;
  const dtype = first.dtype;
  const wrap =
    dtype === "int64"
      ? (v: bigint) => BigInt.asIntN(64, v)
      : dtype === "uint64"
        ? (v: bigint) => BigInt.asUintN(64, v)
        : undefined;
  if (!wrap) {
    throw new InvalidArgumentError(`int64.${op}: partials must be int64 or uint64. Got dtype=${fmt(dtype)}.`);
  }
  const out = first.copy();
  const acc = out.data as BigInt64Array;
  for (let i = 1; i < inputs.length; i++) {
    const b = inputs[i].contiguous();
    if (b.size !== out.size || b.dtype !== dtype) {
      throw new InvalidArgumentError(
        `int64.${op}: partials to merge must have one shape and dtype. Got ${fmt(first.shape)} ${dtype} and ${fmt(b.shape)} ${b.dtype}.`,
      );
    }
    const d = b.data as BigInt64Array;
    for (let k = 0; k < acc.length; k++) {
      const x = acc[k];
      const y = d[b.offset + k];
      if (op === "sum") acc[k] = wrap(x + y);
      else if (op === "prod") acc[k] = wrap(x * y);
      else if (op === "min") acc[k] = y < x ? y : x;
      else acc[k] = y > x ? y : x;
    }
  }
  return out;
}

function dropAxes(a: NDArray, axes: readonly number[], keepdims: boolean): NDArray {
  return keepdims ? a : a.reshape(a.shape.filter((_, ax) => !axes.includes(ax)));
}

function defineExact(op: ReduceOp, exact: ExactOp): Kernels {
  return {
    chunk: defineKernel<ReduceChunkParams>(`int64.${op}.chunk`, (inputs, params) => {
      const a = evaluatePre(inputs, params);
      const axes = normalAxes(params.axis, a.ndim);
      if (exact === "sum") return sumBlock(a, axes, is64BitInt(a.dtype) ? a.dtype : wideSumDType(a.dtype));
      if (exact === "prod") return prodBlock(a, axes, is64BitInt(a.dtype) ? a.dtype : wideSumDType(a.dtype));
      if (a.size === 0) {
        throw new InvalidArgumentError(
          `zero-size array to reduction operation ${exact}imum which has no identity`,
        );
      }
      return extremeBlock(a, axes, exact === "max");
    }),
    combine: defineKernel(`int64.${op}.combine`, (inputs) => mergeExact(exact, inputs)),
    agg: defineKernel<ReduceAggParams>(`int64.${op}.agg`, (inputs, params) => {
      const merged = mergeExact(exact, inputs);
      return dropAxes(merged, normalAxes(params.axis, merged.ndim), params.keepdims ?? false);
    }),
  };
}

/** Arg-reductions compared exactly, by op: true for argmax (nan variants are the same on integers). */
const ARG: Partial<Record<ReduceOp, boolean>> = {
  argmin: false,
  nanargmin: false,
  argmax: true,
  nanargmax: true,
};

/** The index field of an arg partial with nothing seen yet (-1 in the partial's dtype). */
const noIndex = (dtype: DType): bigint => (dtype === "uint64" ? 2n ** 64n - 1n : -1n);

/**
 * A 64-bit block's arg partial: for each output position the first extreme value and its index
 * into the reduced axes of the whole array (C order over `arrayShape`, offset by `blockOffset`).
 */
function argBlock(a: NDArray, axes: readonly number[], params: ReduceChunkParams, isMax: boolean): NDArray {
  const nd = a.ndim;
  const outShape = a.shape.map((n, ax) => (axes.includes(ax) ? 1 : n));
  const outStrides = cStrides(outShape);
  const arrayShape = params.arrayShape ?? a.shape;
  const offset = params.blockOffset ?? new Array<number>(nd).fill(0);
  // Strides of the global index over the reduced axes only.
  const gStride = new Array<number>(nd).fill(0);
  for (let ax = nd - 1, s = 1; ax >= 0; ax--) {
    if (!axes.includes(ax)) continue;
    gStride[ax] = s;
    s *= arrayShape[ax];
  }
  const m = shapeSize(outShape);
  const partial = NDArray.zeros(a.dtype, [...outShape, 2]);
  const pd = partial.data as BigInt64Array;
  const empty = noIndex(a.dtype);
  for (let o = 0; o < m; o++) pd[2 * o + 1] = empty;
  const data = a.data as BigInt64Array;
  const coord = new Array<number>(nd).fill(0);
  for (let k = 0, n = a.size; k < n; k++) {
    let p = a.offset;
    let o = 0;
    let g = 0;
    for (let ax = 0; ax < nd; ax++) {
      p += coord[ax] * a.strides[ax];
      if (gStride[ax] !== 0) g += (offset[ax] + coord[ax]) * gStride[ax];
      else o += coord[ax] * outStrides[ax];
    }
    const v = data[p];
    // C order visits each output's elements in increasing global index: the first extreme wins.
    if (pd[2 * o + 1] === empty || (isMax ? v > pd[2 * o] : v < pd[2 * o])) {
      pd[2 * o] = v;
      pd[2 * o + 1] = BigInt(g);
    }
    for (let ax = nd - 1; ax >= 0; ax--) {
      if (++coord[ax] < a.shape[ax]) break;
      coord[ax] = 0;
    }
  }
  return partial;
}

/** Merges arg partials: the extreme value, the lower index on ties. */
function mergeArg(inputs: readonly NDArray[], isMax: boolean): NDArray {
  if (inputs.length === 0) throw new InvalidArgumentError("int64 arg-reduction: no partials to merge.");
  const out = inputs[0].contiguous().copy();
  const acc = out.data as BigInt64Array;
  const empty = noIndex(out.dtype);
  for (let i = 1; i < inputs.length; i++) {
    const b = inputs[i].contiguous();
    if (b.size !== out.size || b.dtype !== out.dtype) {
      throw new InvalidArgumentError(
        `int64 arg-reduction: partials to merge must have one shape and dtype. Got ${fmt(out.shape)} ${out.dtype} and ${fmt(b.shape)} ${b.dtype}.`,
      );
    }
    const d = b.data as BigInt64Array;
    for (let k = 0; k < acc.length; k += 2) {
      const v = d[b.offset + k];
      const idx = d[b.offset + k + 1];
      if (idx === empty) continue;
      const better =
        acc[k + 1] === empty || (isMax ? v > acc[k] : v < acc[k]) || (v === acc[k] && idx < acc[k + 1]);
      if (better) {
        acc[k] = v;
        acc[k + 1] = idx;
      }
    }
  }
  return out;
}

function defineArg(op: ReduceOp, isMax: boolean): Kernels {
  const name = isMax ? "argmax" : "argmin";
  return {
    chunk: defineKernel<ReduceChunkParams>(`int64.${op}.chunk`, (inputs, params) => {
      const a = evaluatePre(inputs, params);
      return argBlock(a, normalAxes(params.axis, a.ndim), params, isMax);
    }),
    combine: defineKernel(`int64.${op}.combine`, (inputs) => mergeArg(inputs, isMax)),
    agg: defineKernel<ReduceAggParams>(`int64.${op}.agg`, (inputs, params) => {
      const merged = mergeArg(inputs, isMax);
      const shape = merged.shape.slice(0, -1);
      const src = merged.data as BigInt64Array;
      const empty = noIndex(merged.dtype);
      const out = NDArray.zeros("int64", shape);
      for (let o = 0; o < out.size; o++) {
        const idx = src[2 * o + 1];
        if (idx === empty) throw new InvalidArgumentError(`attempt to get ${name} of an empty sequence`);
        out.data[o] = idx;
      }
      return dropAxes(out, normalAxes(params.axis, shape.length), params.keepdims ?? false);
    }),
  };
}

/** A 64-bit block as float64 (`Number`, rounded to nearest beyond 2^53). */
function asFloat64(a: NDArray): NDArray {
  const out = NDArray.zeros("float64", a.shape);
  let k = 0;
  const data = a.data as BigInt64Array;
  walkRuns(a, [], (p, _o, n, ps) => {
    for (let j = 0, q = p; j < n; j++, q += ps) out.data[k++] = Number(data[q]);
  });
  return out;
}

/** A 64-bit-input chunk kernel that reads the block as float64, then runs the float reduction. */
function defineViaFloat(op: ReduceOp): Kernels {
  const k = REDUCE_KERNELS[op];
  return {
    chunk: defineKernel<ReduceChunkParams>(`int64.${op}.chunk`, (inputs, params) => {
      const a = evaluatePre(inputs, params);
      return reduceChunk(op, is64BitInt(a.dtype) ? asFloat64(a) : a, { ...params, pre: undefined });
    }),
    combine: k.combine,
    agg: k.agg,
  };
}

const EXACT_KERNELS = new Map<ReduceOp, Kernels>();
const FLOAT_KERNELS = new Map<ReduceOp, Kernels>();
for (const [op, exact] of Object.entries(EXACT) as [ReduceOp, ExactOp][]) {
  EXACT_KERNELS.set(op, defineExact(op, exact));
}
for (const [op, isMax] of Object.entries(ARG) as [ReduceOp, boolean][]) {
  EXACT_KERNELS.set(op, defineArg(op, isMax));
}
for (const op of Object.keys(REDUCE_KERNELS) as ReduceOp[]) {
  if (!EXACT_KERNELS.has(op)) FLOAT_KERNELS.set(op, defineViaFloat(op));
}

/**
 * The kernels of reduction `op` over an array of `dtype` when 64-bit integers are involved (sum or
 * product of bool/integers, or any reduction of int64/uint64 input); `undefined` otherwise, for
 * kernels/reduce.ts's float64 kernels.
 */
export function int64Reduction(op: ReduceOp, dtype: DType): Kernels | undefined {
  const exact = EXACT[op];
  const integral = dtypeKind(dtype) !== "float";
  if ((exact === "sum" || exact === "prod") && integral) return EXACT_KERNELS.get(op);
  if (!is64BitInt(dtype)) return undefined;
  return EXACT_KERNELS.get(op) ?? FLOAT_KERNELS.get(op);
}
