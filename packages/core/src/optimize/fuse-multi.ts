/**
 * One pass for several reductions of the same blocks: `compute([x.sum(), x.mean(), x.std()])`
 * has three chunk tasks per block of x, with the same input and axes. They become one
 * `reduce.multi.chunk` task that reads and converts the block once and folds every reduction in
 * the same sweep, plus one small `reduce.fields` task per reduction that hands its partial (bit
 * for bit what its own chunk task returned) to its unchanged combine/aggregate tree.
 */
import {
  isMultiReducible,
  multiFieldRanges,
  type ReduceChunkParams,
  reduceFields,
  reduceMultiChunk,
} from "../kernels/reduce.js";
import { task as kernelTask } from "../kernels/registry.js";
import type { ReduceOp } from "../ops/reductions.js";
import type { Graph, Key, Param, Task } from "../graph/task.js";
import { tokenize } from "../graph/tokenize.js";

const CHUNK = /^reduce\.(\w+)\.chunk$/;

/** What makes chunk tasks groupable: the same inputs and the same params apart from the op. */
function groupKey(task: Task): string | undefined {
  const op = CHUNK.exec(task.op)?.[1];
  if (op === undefined || !isMultiReducible(op)) return undefined;
  const params = task.params;
  if (typeof params !== "object" || params === null || Array.isArray(params) || ArrayBuffer.isView(params)) {
    return undefined;
  }
  const { fusable: _fusable, ...rest } = params as { readonly [k: string]: Param };
  if (rest.blockOffset !== undefined) return undefined;
  return JSON.stringify([task.deps, rest]);
}

/**
 * Merges the chunk tasks of different reductions that read the same blocks with the same params
 * (see the module doc). Output keys are kept: a chunk task that is an output is left alone.
 *
 * @example
 * ```ts
 * const g = fuseMultiReductions(graph, [...x.sum().keys(), ...x.mean().keys()]);
 * // per block of x: one reduce.multi.chunk task and two reduce.fields tasks
 * ```
 */
export function fuseMultiReductions(graph: Graph, outputs: readonly Key[]): Graph {
  const outputSet = new Set(outputs);
  const groups = new Map<string, Task[]>();
  for (const task of graph.values()) {
    if (outputSet.has(task.key)) continue;
    const key = groupKey(task);
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group) group.push(task);
    else groups.set(key, [task]);
  }
  let out: Graph | undefined;
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    out ??= new Map(graph);
    const ops = group.map((t) => CHUNK.exec(t.op)?.[1] as ReduceOp);
    const first = group[0];
    const index = first.key.slice(first.key.lastIndexOf("/") + 1);
    const multiKey = `multi-chunk-${tokenize(group.map((t) => t.key))}/${index}`;
    const { fusable: _fusable, ...params } = first.params as ReduceChunkParams;
    out.set(multiKey, kernelTask(reduceMultiChunk, multiKey, first.deps, { ...params, ops }));
    multiFieldRanges(ops).forEach(([start, count], i) => {
      const key = group[i].key;
      out?.set(key, kernelTask(reduceFields, key, [multiKey], { start, count }));
    });
  }
  return out ?? graph;
}
