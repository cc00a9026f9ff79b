/**
 * Test helpers shared by test/joining, test/rechunk and test/creation: run an array's graph
 * naively (plain recursion over the kernels, checking every block's shape and dtype against the
 * chunks), and check the real `compute()` gives the same values.
 */
import "../../src/kernels/all.js";
import { expect } from "vitest";
import type { ChunkedArray } from "@chunked/core";
import { compute } from "@chunked/core";
import { fromArray } from "@chunked/core";
import type { DType } from "@chunked/core";
import { NDArray } from "@chunked/core";
import { assertClose } from "@chunked/core/testing";

import { computeNaive } from "../support/compute-naive.js";

export { computeNaive };

/** Computes naively and with the real `compute()` (optimised graph, scheduler); both must agree. */
export async function evaluate<D extends DType>(x: ChunkedArray<D>): Promise<NDArray<D>> {
  const naive = await computeNaive(x);
  const [real] = await compute([x]);
  assertClose(real, naive, { rtol: 0, atol: 0, label: `compute() vs naive for ${x.name}` });
  expect(real.dtype).toBe(x.dtype);
  return naive;
}

/** A float64 NDArray of `shape` holding 0, 1, 2, ... in C order. */
export function iota(shape: readonly number[], dtype: DType = "float64"): NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const a = NDArray.zeros(dtype, shape);
  for (let i = 0; i < n; i++) (a.data as any)[i] = dtype === "bool" ? i % 2 : i;
  return a;
}

/** A chunked array over an NDArray with explicit chunks. */
export function chunked<D extends DType>(
  a: NDArray<D>,
  chunks: readonly (readonly number[])[] | number,
): ChunkedArray<D> {
  return fromArray(a, { chunks: chunks as any });
}
