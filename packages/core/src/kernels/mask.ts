/**
 * Kernels whose output size depends on the values: boolean selection, compress, argwhere, unique,
 * and the block-shape probe behind `computeChunkSizes()`.
 */
import { allocate } from "../dtype/dtypes.js";
import { NDArray } from "../ndarray/ndarray.js";
import { forEachLane } from "./lanes.js";
import { defineKernel } from "./registry.js";

/** Visits every element of `a` in C order with its position in `a.data`. */
function forEachElement(a: NDArray, fn: (p: number, k: number) => void): void {
  if (a.ndim === 0) {
    fn(a.offset, 0);
    return;
  }
  const last = a.ndim - 1;
  const n = a.shape[last];
  const s = a.strides[last];
  let k = 0;
  forEachLane(a.shape, last, [a], ([p]) => {
    for (let i = 0; i < n; i++) fn(p + i * s, k++);
  });
}

/** `x[mask]` for one block: the elements of `x` where `mask` (same shape) is true, as 1-D, in C order. */
export function selectBlock(x: NDArray, mask: NDArray): NDArray {
  const keep: number[] = [];
  const m = mask.data;
  forEachElement(mask, (p, k) => {
    if (m[p]) keep.push(k);
  });
  const out = allocate(x.dtype, keep.length);
  const xd = x.data as ArrayLike<number>;
  if (x.isContiguous) for (let i = 0; i < keep.length; i++) out[i] = xd[x.offset + keep[i]];
  else {
    const all = new Float64Array(x.size);
    forEachElement(x, (p, k) => {
      all[k] = xd[p];
    });
    for (let i = 0; i < keep.length; i++) out[i] = all[keep[i]];
  }
  return new NDArray(x.dtype, out, [keep.length]);
}

/** Params of `mask.compress`. */
export interface CompressParams {
  readonly axis: number;
}

/** The slices of `x` along `axis` where the 1-D `condition` is true. */
export function compressBlock(x: NDArray, condition: NDArray, axis: number): NDArray {
  const keep: number[] = [];
  for (let i = 0; i < condition.size; i++)
    if (condition.data[condition.offset + i * (condition.strides[0] ?? 1)]) keep.push(i);
  const shape = [...x.shape];
  shape[axis] = keep.length;
  const out = NDArray.zeros(x.dtype, shape);
  const od = out.data as any;
  const xd = x.data as ArrayLike<number>;
  const xs = x.strides[axis];
  const os = out.strides[axis];
  forEachLane(x.shape, axis, [x, out], ([p, q]) => {
    for (let i = 0; i < keep.length; i++) od[q + i * os] = xd[p + keep[i] * xs];
  });
  return out;
}

/** Params of `mask.argwhere`: the block's flat start in the raveled array and the array's shape. */
export interface ArgwhereParams {
  readonly start: number;
  readonly shape: readonly number[];
}

/** Coordinates (one row per true element, float64) of the non-zero elements of a raveled block. */
export function argwhereBlock(flat: NDArray, start: number, shape: readonly number[]): NDArray<"float64"> {
  const hits: number[] = [];
  forEachElement(flat, (p, k) => {
    if (flat.data[p]) hits.push(start + k);
  });
  const nd = shape.length;
  const out = new Float64Array(hits.length * nd);
  for (let r = 0; r < hits.length; r++) {
    let rest = hits[r];
    for (let ax = nd - 1; ax >= 0; ax--) {
      out[r * nd + ax] = rest % shape[ax];
      rest = Math.floor(rest / shape[ax]);
    }
  }
  return new NDArray("float64", out, [hits.length, nd]);
}

/** Sorted distinct values of all inputs (NaN kept once, last, as NumPy 2's `unique(equal_nan=True)`). */
export function uniqueOf(inputs: readonly NDArray[]): NDArray {
  const dtype = inputs[0].dtype;
  let n = 0;
  for (const a of inputs) n += a.size;
  const all = new Float64Array(n);
  let k = 0;
  for (const a of inputs)
    forEachElement(a, (p) => {
      all[k++] = a.data[p] as number;
    });
  all.sort();
  const out: number[] = [];
  for (let i = 0; i < all.length; i++) {
    const v = all[i];
    if (out.length === 0) out.push(v);
    else {
      const last = out[out.length - 1];
      if (!(v === last || (Number.isNaN(v) && Number.isNaN(last)))) out.push(v);
    }
  }
  const data = allocate(dtype, out.length);
  for (let i = 0; i < out.length; i++) data[i] = out[i];
  return new NDArray(dtype, data, [out.length]);
}

export const maskSelect = defineKernel("mask.select", ([x, mask]) => selectBlock(x, mask));
export const maskCompress = defineKernel("mask.compress", ([x, c], p: CompressParams) =>
  compressBlock(x, c, p.axis),
);
export const maskArgwhere = defineKernel("mask.argwhere", ([x], p: ArgwhereParams) =>
  argwhereBlock(x, p.start, p.shape),
);
export const maskUnique = defineKernel("mask.unique", (inputs) => uniqueOf(inputs));
/** The shape of a block, as a float64 vector (what `computeChunkSizes()` computes instead of the data). */
export const maskBlockShape = defineKernel("mask.blockShape", ([x]) =>
  NDArray.from(Float64Array.from(x.shape)),
);
