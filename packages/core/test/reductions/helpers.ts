import { blockIndices, type ChunkedArray } from "../../src/array/chunked-array.js";
import { compute } from "@chunked/core";
import { blockRegion } from "../../src/array/creation.js";
import { chunkOffsets } from "../../src/chunks/normalize.js";
import * as lazy from "@chunked/core";
import type { Key, Task } from "@chunked/core";
import "../../src/kernels/all.js";
import { getKernel } from "@chunked/core/internal";
import { copyInto, NDArray } from "@chunked/core/internal";
import { nd as eager } from "@chunked/core";
import type { ReduceOp } from "@chunked/core";

/**
 * Runs an array's raw (unoptimised) graph task by task and assembles the result: an oracle that
 * does not depend on the scheduler or the optimiser.
 */
export async function evaluate(x: ChunkedArray): Promise<NDArray> {
  const graph = x.graph();
  const cache = new Map<Key, NDArray>();
  const run = async (key: Key): Promise<NDArray> => {
    const hit = cache.get(key);
    if (hit) return hit;
    const task = graph.get(key) as Task;
    if (!task) throw new Error(`missing task ${key}`);
    const inputs: NDArray[] = [];
    for (const d of task.deps) inputs.push(await run(d));
    const out = await getKernel(task.op)(inputs, task.params);
    cache.set(key, out);
    return out;
  };
  const indices = blockIndices(x.numblocks);
  const out = NDArray.zeros(x.dtype, x.shape);
  const offsets = x.chunks.map(chunkOffsets);
  for (const idx of indices) {
    const block = await run(x.key(idx));
    if (block.dtype !== x.dtype)
      throw new Error(`block ${x.key(idx)} has dtype ${block.dtype}, expected ${x.dtype}`);
    const region = out.region(blockRegion(offsets, idx));
    if (block.shape.length !== region.shape.length || block.shape.some((n, i) => n !== region.shape[i])) {
      throw new Error(`block ${x.key(idx)} has shape ${block.shape}, expected ${region.shape}`);
    }
    copyInto(region, block);
  }
  return out;
}

/** Computes one array with the real scheduler and optimiser (cull + fusion). */
export async function computeOne(x: ChunkedArray): Promise<NDArray> {
  const [out] = await compute([x]);
  return out;
}

/** The lazy reductions by NumPy name. */
export const LAZY: Record<ReduceOp, (x: ChunkedArray, options?: any) => ChunkedArray> = {
  sum: lazy.sum,
  prod: lazy.prod,
  mean: lazy.mean,
  var: lazy.variance,
  std: lazy.std,
  min: lazy.min,
  max: lazy.max,
  any: lazy.any,
  all: lazy.all,
  argmin: lazy.argmin,
  argmax: lazy.argmax,
  nansum: lazy.nansum,
  nanprod: lazy.nanprod,
  nanmean: lazy.nanmean,
  nanvar: lazy.nanvar,
  nanstd: lazy.nanstd,
  nanmin: lazy.nanmin,
  nanmax: lazy.nanmax,
  nanargmin: lazy.nanargmin,
  nanargmax: lazy.nanargmax,
};

/** The eager reductions by NumPy name. */
export const EAGER: Record<ReduceOp, (a: NDArray, options?: any) => NDArray> = {
  sum: eager.sum,
  prod: eager.prod,
  mean: eager.mean,
  var: eager.variance,
  std: eager.std,
  min: eager.min,
  max: eager.max,
  any: eager.any,
  all: eager.all,
  argmin: eager.argmin,
  argmax: eager.argmax,
  nansum: eager.nansum,
  nanprod: eager.nanprod,
  nanmean: eager.nanmean,
  nanvar: eager.nanvar,
  nanstd: eager.nanstd,
  nanmin: eager.nanmin,
  nanmax: eager.nanmax,
  nanargmin: eager.nanargmin,
  nanargmax: eager.nanargmax,
};

/** Number of tasks per layer kind of a reduction, in tree order: chunk, partial levels, agg. */
export function levelSizes(x: ChunkedArray): number[] {
  const out: [string, number][] = [];
  for (const layer of x.layers.values()) {
    if (/-(chunk|partial|agg)-/.test(layer.name)) out.push([layer.name, layer.tasks.length]);
  }
  return out.map(([, n]) => n);
}
