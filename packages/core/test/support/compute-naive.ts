import "../../src/kernels/all.js";
import type { ChunkedArray } from "@chunked/core";
import { chunkOffsets } from "../../src/chunks/normalize.js";
import type { DType } from "@chunked/core";
import type { Key } from "@chunked/core";
import { getKernel } from "@chunked/core/internal";
import { copyInto, NDArray } from "@chunked/core/internal";

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
