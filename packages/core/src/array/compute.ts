import { chunkOffsets } from "../chunks/normalize.js";
import type { DType } from "../dtype/dtypes.js";
import { optimize } from "../optimize/optimize.js";
import type { Key, Task } from "../graph/task.js";
import { isLocalTask } from "../kernels/source.js";
import { getKernel } from "../kernels/registry.js";
import { copyInto, NDArray } from "../ndarray/ndarray.js";
import type { Executor } from "../schedule/executor.js";
import { defaultExecutor } from "../schedule/in-process.js";
import { type ProgressEvent, runGraph } from "../schedule/scheduler.js";
import { blockIndices, ChunkedArray } from "./chunked-array.js";
import { blockRegion } from "./creation.js";

export interface ComputeOptions {
  /** Where tasks run (default: in-process, on the calling thread). */
  executor?: Executor;
  /** Cancels the computation. */
  signal?: AbortSignal;
  /** Called as tasks finish: done/total tasks, bytes of chunks held. */
  onProgress?: (event: ProgressEvent) => void;
  /** Optimise the graph first (cull, fusion). Default `true`. */
  optimize?: boolean;
  /** Most tasks in flight at once (default twice the executor's concurrency). */
  maxInFlight?: number;
}

/** Must run on this thread: its source or target lives here, or it only hands over embedded data. */
function runsHere(task: Task): boolean {
  return task.op === "core.literal" || isLocalTask(task.params);
}

/** Tasks that {@link runsHere} run here, whatever the executor. */
function withLocalTasks(executor: Executor): Executor {
  if (executor === defaultExecutor) return executor;
  return {
    get concurrency() {
      return executor.concurrency;
    },
    run(task: Task, inputs, options) {
      if (runsHere(task)) return getKernel(task.op)(inputs as NDArray[], task.params);
      return executor.run(task, inputs, options);
    },
  };
}

/** Runs the graphs of several arrays as one (shared work runs once) and returns each block by key. */
export async function computeBlocks(
  arrays: readonly ChunkedArray[],
  options: ComputeOptions = {},
): Promise<Map<Key, NDArray>> {
  const graph = new Map<Key, Task>();
  for (const a of arrays)
    for (const layer of a.layers.values()) for (const t of layer.tasks) graph.set(t.key, t);
  const outputs = [...new Set(arrays.flatMap((a) => a.keys()))];
  const optimized =
    options.optimize === false
      ? graph
      : optimize(graph, outputs, { keepSeparate: (t) => isLocalTask(t.params) });
  return runGraph(optimized, outputs, {
    executor: withLocalTasks(options.executor ?? defaultExecutor),
    signal: options.signal,
    onProgress: options.onProgress,
    maxInFlight: options.maxInFlight,
  });
}

/** Joins an array's blocks into one NDArray. */
export function assemble<D extends DType>(a: ChunkedArray<D>, blocks: ReadonlyMap<Key, NDArray>): NDArray<D> {
  const indices = blockIndices(a.numblocks);
  if (indices.length === 1) {
    const only = blocks.get(a.key(indices[0]))!;
    return only.reshape(a.shape) as NDArray<D>;
  }
  const out = NDArray.zeros(a.dtype, a.shape);
  const offsets = a.chunks.map(chunkOffsets);
  for (const idx of indices) copyInto(out.region(blockRegion(offsets, idx)), blocks.get(a.key(idx))!);
  return out;
}

/**
 * Computes several arrays together, sharing common work, and returns one NDArray per array.
 *
 * @example
 * ```ts
 * const [m, s] = await ca.compute([x.mean(), x.std()]);
 * ```
 * @see dask.compute
 */
export async function compute<const A extends readonly ChunkedArray[]>(
  arrays: A,
  options: ComputeOptions = {},
): Promise<{ [K in keyof A]: A[K] extends ChunkedArray<infer D> ? NDArray<D> : never }> {
  const blocks = await computeBlocks(arrays, options);
  return arrays.map((a) => assemble(a, blocks)) as any;
}

/**
 * Computes the blocks and keeps them in memory as a new array whose graph is just those blocks.
 * @see dask.array.Array.persist
 */
export async function persist<D extends DType>(
  a: ChunkedArray<D>,
  options: ComputeOptions = {},
): Promise<ChunkedArray<D>> {
  const blocks = await computeBlocks([a], options);
  const name = `persist-${a.name}`;
  const tasks = a.keys().map((key) => ({
    key: `${name}${key.slice(a.name.length)}`,
    op: "core.literal",
    deps: [],
    params: { array: blocks.get(key)! as any },
  }));
  return ChunkedArray.fromLayer({ name, tasks, dependencies: [] }, [], a.chunks, a.dtype);
}
