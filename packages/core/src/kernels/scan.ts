/**
 * Blocked scans (dask's `cumreduction`, sequential carry): a local cumulative sum/product per
 * block, the last slice of each, a chain of carries over those small slices, and the carry
 * applied to every block.
 */
import { type DType, is64BitInt } from "../dtype/dtypes.js";
import { NDArray } from "../ndarray/ndarray.js";
import { forEachLane } from "./lanes.js";
import { defineKernel } from "./registry.js";

/** Params of the scan kernels. */
export interface ScanParams {
  readonly axis: number;
  readonly op: "sum" | "prod";
  /** Treat NaN as the identity (nancumsum, nancumprod). */
  readonly skipNaN: boolean;
  readonly dtype: DType;
}

function combiner(p: ScanParams): (a: number, b: number) => number {
  if (is64BitInt(p.dtype)) {
    // int64/uint64 lanes hold bigints (array/scan.ts casts integer input first); wrap as NumPy.
    const bits = p.dtype === "int64" ? BigInt.asIntN : BigInt.asUintN;
    const f64 =
      p.op === "sum" ? (a: bigint, b: bigint) => bits(64, a + b) : (a: bigint, b: bigint) => bits(64, a * b);
    return f64 as unknown as (a: number, b: number) => number;
  }
  const f32 = p.dtype === "float32";
  if (p.op === "sum") return f32 ? (a, b) => Math.fround(a + b) : (a, b) => a + b;
  return f32 ? (a, b) => Math.fround(a * b) : (a, b) => a * b;
}

/** Cumulative sum or product of every lane along `axis`, in `dtype` (float32 accumulates in float32, as NumPy). */
export function scanLocal(a: NDArray, p: ScanParams): NDArray {
  const out = NDArray.zeros(p.dtype, a.shape);
  const f = combiner(p);
  const wide = is64BitInt(p.dtype);
  const id = (p.op === "sum" ? (wide ? 0n : 0) : wide ? 1n : 1) as number;
  const n = a.shape[p.axis];
  const ad = a.data as ArrayLike<number>;
  const od = out.data as any;
  const as = a.strides[p.axis];
  const os = out.strides[p.axis];
  forEachLane(a.shape, p.axis, [a, out], ([pa, po]) => {
    let acc = id;
    for (let i = 0; i < n; i++) {
      const v = ad[pa + i * as];
      acc = p.skipNaN && !wide && Number.isNaN(v) ? acc : f(acc, v);
      od[po + i * os] = acc;
    }
  });
  return out;
}

/** The last slice along `axis` (kept as length 1): what a block carries to the next. */
export function scanLast(a: NDArray, p: ScanParams): NDArray {
  const n = a.shape[p.axis];
  // An empty block (a mask may select nothing in it) passes the carry on unchanged.
  if (n === 0) {
    const unit = NDArray.zeros(
      p.dtype,
      a.shape.map((s, ax) => (ax === p.axis ? 1 : s)),
    );
    if (p.op === "prod") (unit.data as unknown as (number | bigint)[]).fill(is64BitInt(p.dtype) ? 1n : 1);
    return unit;
  }
  return a
    .region(a.shape.map((s, ax): [number, number, number] => (ax === p.axis ? [n - 1, n, 1] : [0, s, 1])))
    .copy();
}

/** `op(carry, last)`: the running total after one more block (same shapes). */
export function scanCarry(carry: NDArray, last: NDArray, p: ScanParams): NDArray {
  const f = combiner(p);
  const c = carry.contiguous();
  const l = last.contiguous();
  const out = NDArray.zeros(p.dtype, c.shape);
  const od = out.data as any;
  for (let i = 0; i < out.size; i++)
    od[i] = f(c.data[c.offset + i] as number, l.data[l.offset + i] as number);
  return out;
}

/** `op(carry, block)` with the carry (length 1 on `axis`) broadcast along the axis. */
export function scanApply(carry: NDArray, local: NDArray, p: ScanParams): NDArray {
  const f = combiner(p);
  const out = NDArray.zeros(p.dtype, local.shape);
  const n = local.shape[p.axis];
  const ld = local.data as ArrayLike<number>;
  const cd = carry.data as ArrayLike<number>;
  const od = out.data as any;
  const ls = local.strides[p.axis];
  const os = out.strides[p.axis];
  forEachLane(local.shape, p.axis, [local, out, carry], ([pl, po, pc]) => {
    const c = cd[pc];
    for (let i = 0; i < n; i++) od[po + i * os] = f(c, ld[pl + i * ls]);
  });
  return out;
}

export const scanLocalKernel = defineKernel("scan.local", ([a], p: ScanParams) => scanLocal(a, p));
export const scanLastKernel = defineKernel("scan.last", ([a], p: ScanParams) => scanLast(a, p));
export const scanCarryKernel = defineKernel("scan.carry", ([c, l], p: ScanParams) => scanCarry(c, l, p));
export const scanApplyKernel = defineKernel("scan.apply", ([c, a], p: ScanParams) => scanApply(c, a, p));
