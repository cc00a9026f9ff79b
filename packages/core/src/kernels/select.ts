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
    forEachLane(shape.map((v, ax) => (ax === p.axis ? v : a.shape[ax])), p.axis, [a, out], ([pa, po]) => {
      for (const i of mine) od[po + i * os] = ad[pa + p.local[i] * as];
    });
  }
  return out;
}

export const selectTake = defineKernel("select.take", (inputs, p: TakeParams) => takeBlocks(inputs, p));
