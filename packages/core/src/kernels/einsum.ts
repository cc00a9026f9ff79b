/**
 * The einsum kernel: NumPy's `einsum` (without path optimisation) of a few blocks, as one loop
 * over every label. Labels are small integers; a label repeated within an operand reads its
 * diagonal (the axes' strides add up), and a length-1 axis under a longer label broadcasts
 * (stride 0). Products are accumulated in float64 and cast to the result dtype; integers multiply
 * and add modulo 2^32 (narrow dtypes) or 2^64 (int64, uint64) instead, so they wrap as NumPy's.
 */
import { type DType, is64BitInt } from "../dtype/dtypes.js";
import type { NDArray } from "../ndarray/ndarray.js";
import { castFloat64, castInt32, castInt64, wrapsIn32 } from "./linalg.js";
import { defineKernel } from "./registry.js";

/** Params of `einsum.block`: each operand's labels per axis, the output's labels, the result dtype. */
export interface EinsumParams {
  readonly terms: readonly (readonly number[])[];
  readonly output: readonly number[];
  readonly dtype: DType;
}

/** The block's values as float64 in its own element order (bigint and bool storage converted). */
function numbers(a: NDArray): ArrayLike<number> {
  const d = a.data;
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) return Float64Array.from(d, Number);
  return d as ArrayLike<number>;
}

/** The block's storage as two's-complement int64 words in its own element order (uint64 keeps its bits). */
function words(a: NDArray): BigInt64Array {
  const d = a.data;
  if (d instanceof BigInt64Array) return d;
  if (d instanceof BigUint64Array) return new BigInt64Array(d.buffer, d.byteOffset, d.length);
  return BigInt64Array.from(d as ArrayLike<number>, BigInt);
}

/** NumPy's `einsum` of `inputs` labelled by `p.terms`, summed over the labels not in `p.output`. */
export function einsumBlocks(inputs: readonly NDArray[], p: EinsumParams): NDArray {
  const nLabels = Math.max(-1, ...p.output, ...p.terms.flat()) + 1;
  const extent = new Array<number>(nLabels).fill(1);
  p.terms.forEach((t, o) => {
    t.forEach((l, ax) => {
      extent[l] = Math.max(extent[l], inputs[o].shape[ax]);
    });
  });
  // The output labels outermost, then the summed ones; the last label is the inner loop.
  const summed = [...extent.keys()].filter(
    (l) => !p.output.includes(l) && p.terms.some((t) => t.includes(l)),
  );
  const order = [...p.output, ...summed];
  const outShape = p.output.map((l) => extent[l]);
  const outSize = outShape.reduce((s, v) => s * v, 1);
  const wide = is64BitInt(p.dtype);
  const wrap = wrapsIn32(p.dtype);
  const acc = wrap ? new Int32Array(outSize) : new Float64Array(wide ? 0 : outSize);
  const acc64 = new BigInt64Array(wide ? outSize : 0);
  const finish = () => {
    if (wide) return castInt64(acc64, p.dtype, outShape);
    return wrap
      ? castInt32(acc as Int32Array, p.dtype, outShape)
      : castFloat64(acc as Float64Array, p.dtype, outShape);
  };
  const total = order.reduce((s, l) => s * extent[l], 1);
  if (total === 0) return finish();
  const data = wide ? [] : inputs.map(numbers);
  const data64 = wide ? inputs.map(words) : [];
  // strides[o][j]: how far operand o's element moves per step of label order[j].
  const strides = p.terms.map((t, o) =>
    order.map((l) =>
      t.reduce((s, tl, ax) => (tl === l && inputs[o].shape[ax] !== 1 ? s + inputs[o].strides[ax] : s), 0),
    ),
  );
  const nOps = inputs.length;
  const ptr = inputs.map((a) => a.offset);
  const depth = order.length;
  const inner = depth === 0 ? 1 : extent[order[depth - 1]];
  const innerStride = strides.map((s) => (depth === 0 ? 0 : s[depth - 1]));
  const idx = new Array<number>(depth).fill(0);
  const summedSize = summed.reduce((s, l) => s * extent[l], 1);
  let run = 0;
  for (let done = 0; done < total; done += inner) {
    // Output element: the position among output labels (summed labels are innermost).
    const out = Math.floor(run / summedSize);
    if (wide) {
      // Modulo 2^64: each product and sum kept to int64 words.
      const q = [...ptr];
      let s = 0n;
      for (let i = 0; i < inner; i++) {
        let prod = 1n;
        for (let o = 0; o < nOps; o++) {
          prod = BigInt.asIntN(64, prod * data64[o][q[o]]);
          q[o] += innerStride[o];
        }
        if (summed.length === 0) acc64[out + i] = prod;
        else s = BigInt.asIntN(64, s + prod);
      }
      if (summed.length > 0) acc64[out] = BigInt.asIntN(64, acc64[out] + s);
    } else if (summed.length === 0) {
      // The inner label is an output label: `inner` consecutive output elements.
      for (let i = 0; i < inner; i++) {
        let prod = 1;
        for (let o = 0; o < nOps; o++) {
          const v = data[o][ptr[o] + i * innerStride[o]];
          prod = wrap ? Math.imul(prod, v) : prod * v;
        }
        acc[out + i] = prod;
      }
    } else if (wrap) {
      const q = [...ptr];
      let s = 0;
      for (let i = 0; i < inner; i++) {
        let prod = 1;
        for (let o = 0; o < nOps; o++) {
          prod = Math.imul(prod, data[o][q[o]]);
          q[o] += innerStride[o];
        }
        s = (s + prod) | 0;
      }
      acc[out] = (acc[out] + s) | 0;
    } else if (nOps === 1) {
      const d0 = data[0];
      const s0 = innerStride[0];
      let s = 0;
      for (let i = 0, q = ptr[0]; i < inner; i++, q += s0) s += d0[q];
      acc[out] += s;
    } else if (nOps === 2) {
      const d0 = data[0];
      const d1 = data[1];
      const s0 = innerStride[0];
      const s1 = innerStride[1];
      let s = 0;
      for (let i = 0, q0 = ptr[0], q1 = ptr[1]; i < inner; i++, q0 += s0, q1 += s1) s += d0[q0] * d1[q1];
      acc[out] += s;
    } else {
      const q = [...ptr];
      let s = 0;
      for (let i = 0; i < inner; i++) {
        let prod = 1;
        for (let o = 0; o < nOps; o++) {
          prod *= data[o][q[o]];
          q[o] += innerStride[o];
        }
        s += prod;
      }
      acc[out] += s;
    }
    run += inner;
    // Advance the odometer over every label but the inner one.
    for (let j = depth - 2; j >= 0; j--) {
      for (let o = 0; o < nOps; o++) ptr[o] += strides[o][j];
      if (++idx[j] < extent[order[j]]) break;
      for (let o = 0; o < nOps; o++) ptr[o] -= strides[o][j] * extent[order[j]];
      idx[j] = 0;
    }
  }
  return finish();
}

export const einsumKernel = defineKernel("einsum.block", (inputs, p: EinsumParams) =>
  einsumBlocks(inputs, p),
);
