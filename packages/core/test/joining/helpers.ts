/**
 * Test helpers shared by test/joining, test/rechunk and test/creation: run an array's graph
 * naively (plain recursion over the kernels, checking every block's shape and dtype against the
 * chunks), and check the real `compute()` gives the same values.
 */
import "../../src/kernels/all.js";
import { expect } from "vitest";
import type { ChunkedArray } from "../../src/array/chunked-array.js";
import { compute } from "../../src/array/compute.js";
import { fromArray } from "../../src/array/creation.js";
import { chunkOffsets } from "../../src/chunks/normalize.js";
import type { DType } from "../../src/dtype/dtypes.js";
import type { Key } from "../../src/graph/task.js";
import { getKernel } from "../../src/kernels/registry.js";
import { copyInto, NDArray } from "../../src/ndarray/ndarray.js";
import { assertClose } from "../../src/testing/assert.js";

/** Computes an array by recursion over its tasks; checks each block against the chunks. */
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
