/**
 * Helpers of the elementwise tests: a naive graph runner (recursion over the kernels, checking each
 * block against the chunks) and, when the scheduler is present, a check that `compute()` agrees.
 */
import "../../src/kernels/all.js";
import type { ChunkedArray } from "@chunked/core";
import type { DType } from "@chunked/core";
import { NDArray } from "@chunked/core";
import { assertClose } from "@chunked/core/testing";

import { computeNaive } from "../support/compute-naive.js";

export { computeNaive };

type ComputeFn = (arrays: readonly ChunkedArray[]) => Promise<NDArray[]>;
let realCompute: ComputeFn | null | undefined;

/** `compute` from array/compute.ts, or null while the scheduler/optimizer are not there yet. */
async function loadCompute(): Promise<ComputeFn | null> {
  if (realCompute === undefined) {
    try {
      const mod = await import("../../src/array/compute.js");
      realCompute = mod.compute as unknown as ComputeFn;
    } catch {
      realCompute = null;
    }
  }
  return realCompute;
}

/** Computes naively and, when available, with the real `compute()` (optimised, fused graph); both must agree. */
export async function evaluate<D extends DType>(x: ChunkedArray<D>): Promise<NDArray<D>> {
  const naive = await computeNaive(x);
  const compute = await loadCompute();
  if (compute) {
    const [real] = await compute([x]);
    assertClose(real, naive, { rtol: 0, atol: 0, label: `compute() vs naive for ${x.name}` });
  }
  return naive;
}

/** Whether the real compute() is usable. */
export async function hasRealCompute(): Promise<boolean> {
  return (await loadCompute()) !== null;
}

/** An NDArray of `dtype` from plain numbers (bools as 0/1), C order. */
export function arr(
  values: readonly number[],
  dtype: DType = "float64",
  shape: readonly number[] = [values.length],
): NDArray {
  const a = NDArray.zeros(dtype, shape);
  for (let i = 0; i < values.length; i++) (a.data as any)[i] = values[i];
  return a;
}

/** The elements of an NDArray in C order as plain numbers (bools as 0/1). */
export function values(a: NDArray): number[] {
  return Array.from(a.toTypedArray() as ArrayLike<number | bigint>, Number);
}
