/** Kernels of selection and rearrangement along one axis: take, flip, roll, triangles, diff, repeat. */
import { NDArray } from "../ndarray/ndarray.js";
import { forEachLane } from "./lanes.js";
import { defineKernel } from "./registry.js";

/** Params of `select.take`: for each output position along `axis`, which input and which local index. */
export interface TakeParams {
  readonly axis: number;
  readonly source: readonly number[];
  readonly local: readonly number[];
}

/** Gathers positions along `axis` from several blocks (all alike on the other axes). */
export function takeBlocks(inputs: readonly NDArray[], p: TakeParams): NDArray {
  const first = inputs[0];
  const shape = [...first.shape];
  shape[p.axis] = p.source.length;
  const out = NDArray.zeros(first.dtype, shape);
  const od = out.data as any;
  const os = out.strides[p.axis];
  const n = p.source.length;
  for (let s = 0; s < inputs.length; s++) {
    const a = inputs[s];
    const ad = a.data as ArrayLike<number>;
    const as = a.strides[p.axis];
    const mine: number[] = [];
    for (let i = 0; i < n; i++) if (p.source[i] === s) mine.push(i);
    if (mine.length === 0) continue;
    forEachLane(
      shape.map((v, ax) => (ax === p.axis ? v : a.shape[ax])),
      p.axis,
      [a, out],
      ([pa, po]) => {
        for (const i of mine) od[po + i * os] = ad[pa + p.local[i] * as];
      },
    );
  }
  return out;
}

export const selectTake = defineKernel("select.take", (inputs, p: TakeParams) => takeBlocks(inputs, p));

/** Params of `select.tri`: keep `j - i >= k` (upper) or `j - i <= k` (lower) on the last two axes; offsets place the block. */
export interface TriParams {
  readonly k: number;
  readonly lower: boolean;
  readonly rowOffset: number;
  readonly colOffset: number;
}

/** `triu`/`tril` of one block: elements off the kept triangle become zero. */
export function triBlock(a: NDArray, p: TriParams): NDArray {
  const out = a.copy();
  const nd = out.ndim;
  const rows = out.shape[nd - 2];
  const cols = out.shape[nd - 1];
  const od = out.data as any;
  const plane = rows * cols;
  for (let base = 0; base < out.size; base += plane) {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const diag = p.colOffset + j - (p.rowOffset + i);
        if (p.lower ? diag > p.k : diag < p.k) od[base + i * cols + j] = 0;
      }
    }
  }
  return out;
}

/** Params of `select.repeat`: each element along `axis` repeated `counts[i]` times. */
export interface RepeatParams {
  readonly axis: number;
  readonly counts: readonly number[];
}

/** NumPy's `repeat` of one block along `axis`. */
export function repeatBlock(a: NDArray, p: RepeatParams): NDArray {
  const total = p.counts.reduce((s, c) => s + c, 0);
  const shape = [...a.shape];
  shape[p.axis] = total;
  const out = NDArray.zeros(a.dtype, shape);
  const od = out.data as any;
  const ad = a.data as ArrayLike<number>;
  const as = a.strides[p.axis];
  const os = out.strides[p.axis];
  forEachLane(a.shape, p.axis, [a, out], ([pa, po]) => {
    let q = po;
    for (let i = 0; i < p.counts.length; i++) {
      const v = ad[pa + i * as];
      for (let r = 0; r < p.counts[i]; r++, q += os) od[q] = v;
    }
  });
  return out;
}

export const selectTri = defineKernel("select.tri", ([a], p: TriParams) => triBlock(a, p));
export const selectRepeat = defineKernel("select.repeat", ([a], p: RepeatParams) => repeatBlock(a, p));
