/**
 * Helpers of the elementwise tests: a naive graph runner (recursion over the kernels, checking each
 * block against the chunks) and, when the scheduler is present, a check that `compute()` agrees.
 */
import "../../src/kernels/all.js";
import type { ChunkedArray } from "../../src/array/chunked-array.js";
import { chunkOffsets } from "../../src/chunks/normalize.js";
import type { DType } from "../../src/dtype/dtypes.js";
import type { Key } from "../../src/graph/task.js";
import { getKernel } from "../../src/kernels/registry.js";
import { copyInto, NDArray } from "../../src/ndarray/ndarray.js";
import { assertClose } from "../../src/testing/assert.js";

/** Computes an array by recursion over its raw tasks; checks each block's shape and dtype. */
export async function computeNaive<D extends DType>(x: ChunkedArray<D>): Promise<NDArray<D>> {
  const graph = x.graph();
  const done = new Map<Key, Promise<NDArray>>();
  const run = (key: Key): Promise<NDArray> => {
    let p = done.get(key);
    if (!p) {
      const task = graph.get(key);
      if (!task) throw new Error(`missing task ${key}`);
      p = Promise.all(task.deps.map(run)).then((inputs) => getKernel(task.op)(inputs, task.params));
      done.set(key, p);
    }
    return p;
  };
  const out = NDArray.zeros(x.dtype, x.shape);
  const offsets = x.chunks.map(chunkOffsets);
  for (const key of x.keys()) {
    const idx = key
      .slice(x.name.length + 1)
      .split(",")
      .filter((s) => s !== "")
      .map(Number);
    const block = await run(key);
    const expected = idx.map((b, ax) => x.chunks[ax][b]);
    if (block.shape.length !== expected.length || block.shape.some((s, i) => s !== expected[i])) {
      throw new Error(`block ${key} has shape [${block.shape}], chunks say [${expected}]`);
    }
    if (block.dtype !== x.dtype)
      throw new Error(`block ${key} has dtype ${block.dtype}, array says ${x.dtype}`);
    copyInto(out.region(idx.map((b, ax) => [offsets[ax][b], offsets[ax][b + 1], 1] as const)), block);
  }
  return out;
}

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
  return Array.from(a.toTypedArray() as ArrayLike<number>);
}
