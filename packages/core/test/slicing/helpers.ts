import "../../src/kernels/all.js";
export { computeNaive, runNaive } from "../support/compute-naive.js";
import type { ArraySource, DType, Region } from "@chunked/core";
import { type Selection, type SelectionItem, type Slice, newaxis } from "@chunked/core";
import { NDArray } from "@chunked/core/internal";

/** Python's list slicing, written out naively: the element indices `a[s]` picks from an axis of n. */
function sliceList(n: number, s: Slice | null): number[] {
  const step = s?.step ?? 1;
  const out: number[] = [];
  if (step > 0) {
    let start = s?.start ?? 0;
    let stop = s?.stop ?? n;
    if (start < 0) start = Math.max(0, start + n);
    if (stop < 0) stop = Math.max(0, stop + n);
    start = Math.min(start, n);
    stop = Math.min(stop, n);
    for (let i = start; i < stop; i += step) out.push(i);
  } else {
    let start = s?.start ?? n - 1;
    let stop = s?.stop ?? -1 - n; // "to the beginning"
    if (start < 0) start += n;
    if (stop < 0) stop += n;
    start = Math.min(start, n - 1);
    stop = Math.max(stop, -1);
    for (let i = start; i > stop; i += step) out.push(i);
  }
  return out;
}

/** A naive reference indexer: NumPy basic indexing by nested loops over `item()`. */
export function referenceGet<D extends DType>(a: NDArray<D>, selection: Selection): NDArray<D> {
  const nIndexed = selection.filter((s) => s !== newaxis && s !== "...").length;
  const items: SelectionItem[] = [];
  for (const s of selection) {
    if (s === "...") for (let i = 0; i < a.ndim - nIndexed; i++) items.push(null);
    else items.push(s);
  }
  while (items.filter((s) => s !== newaxis).length < a.ndim) items.push(null);
  // Per output axis: the list of input indices (or a newaxis); integers fix an input index.
  type Ax = { kind: "list"; axis: number; list: number[] } | { kind: "new" };
  const fixed = new Array<number>(a.ndim).fill(0);
  const outAxes: Ax[] = [];
  let axis = 0;
  for (const s of items) {
    if (s === newaxis) outAxes.push({ kind: "new" });
    else if (typeof s === "number") {
      const n = a.shape[axis];
      if (s < -n || s >= n) throw new Error("reference: out of bounds");
      fixed[axis++] = s < 0 ? s + n : s;
    } else outAxes.push({ kind: "list", axis: axis, list: sliceList(a.shape[axis++], s as Slice | null) });
  }
  const shape = outAxes.map((ax) => (ax.kind === "new" ? 1 : ax.list.length));
  const out = NDArray.zeros(a.dtype, shape);
  const data = out.data as any;
  let k = 0;
  const walk = (o: number, index: number[]): void => {
    if (o === outAxes.length) {
      let p = a.offset;
      for (let i = 0; i < a.ndim; i++) p += index[i] * a.strides[i];
      data[k++] = (a.data as any)[p];
      return;
    }
    const ax = outAxes[o];
    if (ax.kind === "new") {
      walk(o + 1, index);
      return;
    }
    for (const i of ax.list) {
      const next = [...index];
      next[ax.axis] = i;
      walk(o + 1, next);
    }
  };
  walk(0, fixed);
  return out;
}

/** An NDArray 0..n-1 of a shape (distinct values make any misplaced element visible). */
export function iota(shape: readonly number[], dtype: DType = "int32"): NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const a = NDArray.zeros(dtype, shape);
  for (let i = 0; i < n; i++) (a.data as any)[i] = i;
  return a;
}

/** An in-memory ArraySource that records every region read. */
export function countingSource(data: NDArray<"float64">) {
  const reads: Region[] = [];
  const source: ArraySource<"float64"> = {
    shape: data.shape,
    dtype: "float64",
    read(region) {
      reads.push(region.map((r) => [...r] as [number, number, number]));
      return data.region(region).copy();
    },
  };
  return { source, reads };
}
