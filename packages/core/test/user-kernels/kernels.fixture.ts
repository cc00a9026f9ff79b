import { defineKernel, NDArray } from "@chunked/core";

/** Doubles a block (a kernel a pool could load: module + export name). */
export const double = defineKernel({ module: import.meta.url, name: "double" }, ([b]: NDArray[]) => {
  const out = b.copy();
  const d = out.data as Float64Array;
  for (let i = 0; i < d.length; i++) d[i] *= 2;
  return out;
});

/** Sum over the last axis of a 2-d block (drops it). */
export const rowSums = defineKernel({ module: import.meta.url, name: "rowSums" }, ([b]: NDArray[]) => {
  const [r, c] = b.shape;
  const out = new Float64Array(r);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[i] += b.item(i, j) as number;
  return NDArray.from(out);
});
