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
 * mean/var/std, any/all and the arg-reductions of 64-bit blocks read the elements as float64
 * (NumPy computes mean/var in float64 too) and reuse kernels/reduce.ts's partials.
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
for (const op of Object.keys(REDUCE_KERNELS) as ReduceOp[]) {
  if (!EXACT[op]) FLOAT_KERNELS.set(op, defineViaFloat(op));
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
