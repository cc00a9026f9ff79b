/**
 * Iteration over the 1-D lanes of N-d arrays along one axis: the shared loop of sort, scan, topk
 * and quantile kernels, which all work on one lane at a time.
 */
import { allocate, type DType } from "../dtype/dtypes.js";
import { NDArray } from "../ndarray/ndarray.js";

/** Where one view starts and how it steps, in elements. */
export interface LaneView {
  readonly strides: readonly number[];
  readonly offset: number;
}

/**
 * Calls `fn` once per lane along `axis`, in C order over the other axes of `shape`, with the start of
 * the lane in every view (views share `shape` on every axis but `axis`).
 */
export function forEachLane(
  shape: readonly number[],
  axis: number,
  views: readonly LaneView[],
  fn: (starts: number[]) => void,
): void {
  const other = shape.map((_, ax) => ax).filter((ax) => ax !== axis);
  for (const ax of other) if (shape[ax] === 0) return;
  const idx = new Array<number>(other.length).fill(0);
  const starts = views.map((v) => v.offset);
  for (;;) {
    fn(starts);
    let k = other.length - 1;
    for (; k >= 0; k--) {
      const ax = other[k];
      for (let v = 0; v < views.length; v++) starts[v] += views[v].strides[ax];
      if (++idx[k] < shape[ax]) break;
      for (let v = 0; v < views.length; v++) starts[v] -= views[v].strides[ax] * shape[ax];
      idx[k] = 0;
    }
    if (k < 0) return;
  }
}

/** A new C-contiguous array of `dtype` shaped like `shape` with `axis` resized to `length`. */
export function laneOutput<D extends DType>(
  dtype: D,
  shape: readonly number[],
  axis: number,
  length: number,
): NDArray<D> {
  const out = [...shape];
  out[axis] = length;
  return NDArray.zeros(dtype, out);
}

/** Copies one lane of `a` (start `p`, stride `s`, `n` elements) into a Float64Array. */
export function readLane(data: ArrayLike<number>, p: number, s: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = data[p + i * s];
  return out;
}

/** NumPy's sort order for floats: ascending, NaN last. */
export function compareNanLast(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  return an === bn ? 0 : an ? 1 : -1;
}

/** Sorts a Float64Array ascending with NaN last, in place (TypedArray sort already puts NaN last). */
export function sortValues(values: Float64Array): Float64Array {
  return values.sort();
}

/** A TypedArray of `dtype` holding `values` (cast as TypedArrays cast). */
export function typed<D extends DType>(dtype: D, values: ArrayLike<number>): NDArray<D> {
  const data = allocate(dtype, values.length);
  for (let i = 0; i < values.length; i++) (data as any)[i] = values[i];
  return new NDArray(dtype, data, [values.length]);
}
