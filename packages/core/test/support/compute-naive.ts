import "../../src/kernels/all.js";
import type { ChunkedArray } from "@chunked/core";
import { chunkOffsets } from "../../src/chunks/normalize.js";
import type { DType } from "@chunked/core";
import type { Graph, Key } from "@chunked/core";
import { getKernel } from "@chunked/core/internal";
import { copyInto, NDArray } from "@chunked/core/internal";

/** Runs a graph by plain recursion over the kernels (independent of the scheduler under test elsewhere). */
export async function runNaive(graph: Graph, outputs: readonly Key[]): Promise<Map<Key, NDArray>> {
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
  const out = new Map<Key, NDArray>();
  for (const k of outputs) out.set(k, await run(k));
  return out;
}

/** Computes an array with {@link runNaive}, optionally after a graph pass, checking every block's shape. */
export async function computeNaive<D extends DType>(
  x: ChunkedArray<D>,
  pass?: (graph: Graph, outputs: readonly Key[]) => Graph,
): Promise<NDArray<D>> {
  const outputs = x.keys();
  const graph = pass ? pass(x.graph(), outputs) : x.graph();
  const blocks = await runNaive(graph, outputs);
  const offsets = x.chunks.map(chunkOffsets);
  const out = NDArray.zeros(x.dtype, x.shape);
  const numblocks = x.numblocks;
  const total = numblocks.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(numblocks.length).fill(0);
  for (let n = 0; n < total; n++) {
    const block = blocks.get(x.key(idx))!;
    const expected = idx.map((b, ax) => x.chunks[ax][b]);
    if (block.shape.length !== expected.length || block.shape.some((s, i) => s !== expected[i])) {
      throw new Error(`block ${x.key(idx)} has shape ${block.shape}, chunks say ${expected}`);
    }
    if (block.dtype !== x.dtype) throw new Error(`block ${x.key(idx)} has dtype ${block.dtype}`);
    copyInto(out.region(idx.map((b, ax) => [offsets[ax][b], offsets[ax][b + 1], 1] as const)), block);
    for (let ax = numblocks.length - 1; ax >= 0; ax--) {
      if (++idx[ax] < numblocks[ax]) break;
      idx[ax] = 0;
    }
  }
  return out;
}
