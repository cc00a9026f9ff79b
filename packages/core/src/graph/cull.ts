/** Culling, the first generic graph pass (dask's `dask/optimization.py`). */
import { InvalidArgumentError } from "../errors.js";
import type { Graph, Key, Task } from "./task.js";

/**
 * The tasks needed to compute `outputs` (each task object kept as is). Dependencies missing from
 * the graph are left alone (they may be supplied from outside); a missing output throws.
 *
 * @see dask.optimization.cull
 */
export function cull(graph: Graph, outputs: readonly Key[]): Graph {
  const out: Graph = new Map();
  const stack: Task[] = [];
  for (const key of outputs) {
    if (out.has(key)) continue;
    const task = graph.get(key);
    if (!task) throw new InvalidArgumentError(`Output key ${JSON.stringify(key)} is not in the graph.`);
    out.set(key, task);
    stack.push(task);
  }
  while (stack.length > 0) {
    for (const dep of stack.pop()!.deps) {
      if (out.has(dep)) continue;
      const task = graph.get(dep);
      if (!task) continue;
      out.set(dep, task);
      stack.push(task);
    }
  }
  return out;
}
