/**
 * Reductions that accumulate blocks into one state as they arrive: a combine (or aggregate) task
 * of the tree whose inputs are all chunk steps of the same reduction absorbs them, and becomes one
 * `reduce.fold` task over the raw blocks. For a stack reduced over its stacked axis
 * (`stack(days).mean(0)`) the fold adds each block straight into one output-block-sized state:
 * no partial per block, no copies of partials; the tree's shape (and so its memory bound) is
 * unchanged, and the numbers are bit-identical (kernels/reduce.ts, reduceFold).
 */
import {
  isFoldable,
  type ReduceAggParams,
  type ReduceFoldParams,
  reduceFoldKernel,
} from "../kernels/reduce.js";
import type { ReduceOp } from "../ops/reductions.js";
import { task as kernelTask } from "../kernels/registry.js";
import type { Graph, Key, Param, Task } from "../graph/task.js";

const STAGE = /^reduce\.(\w+)\.(combine|agg)$/;

type Params = { readonly [k: string]: Param };

function params(task: Task | undefined): Params | undefined {
  const p = task?.params;
  if (typeof p !== "object" || p === null || Array.isArray(p) || ArrayBuffer.isView(p)) return undefined;
  return p as Params;
}

const sameJSON = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * True when `task` makes blocks of length 1 on every axis of `axes`: a stack or expandDims block
 * (`join.expand`) or an indexing block with new axes there. Only then does the fold beat the
 * chunk steps; elsewhere it would just hold up to splitEvery raw blocks instead of partials.
 */
function newAxesCover(task: Task | undefined, axes: Param | undefined): boolean {
  const p = params(task);
  if (!task || !p || !Array.isArray(axes)) return false;
  const raw = task.op === "join.expand" ? p.axis : task.op === "getitem.region" ? p.newaxes : undefined;
  const added = typeof raw === "number" ? [raw] : Array.isArray(raw) ? raw : [];
  return axes.length > 0 && axes.every((ax) => added.includes(ax));
}

/**
 * Folds the chunk steps of a reduction into the combine or aggregate task that reads them (see
 * the module doc), when their blocks come from a stack (or new axes) on the reduced axes. Chunk
 * steps that are outputs, have other dependents, carry a fused `pre` expression or block offsets
 * stay as they are.
 *
 * @example
 * ```ts
 * const g = fuseFolds(graph, stacked.mean({ axis: 0 }).keys());
 * // each first-level combine task is now a reduce.fold over up to splitEvery stack blocks
 * ```
 */
export function fuseFolds(graph: Graph, outputs: readonly Key[]): Graph {
  const outputSet = new Set(outputs);
  const dependents = new Map<Key, number>();
  for (const task of graph.values())
    for (const dep of new Set(task.deps)) dependents.set(dep, (dependents.get(dep) ?? 0) + 1);
  let out: Graph | undefined;
  for (const task of graph.values()) {
    const m = STAGE.exec(task.op);
    const p = params(task);
    if (!m || !p || !isFoldable(m[1]) || task.deps.length === 0) continue;
    const op = m[1] as ReduceOp;
    const stage = m[2] as ReduceFoldParams["stage"];
    const chunks = task.deps.map((key) => graph.get(key));
    const foldable = chunks.every((c, i) => {
      const cp = params(c);
      return (
        c !== undefined &&
        cp !== undefined &&
        c.op === `reduce.${op}.chunk` &&
        c.deps.length === 1 &&
        !outputSet.has(task.deps[i]) &&
        dependents.get(task.deps[i]) === 1 &&
        cp.pre === undefined &&
        cp.blockOffset === undefined &&
        sameJSON(cp.axis, p.axis) &&
        newAxesCover(graph.get(c.deps[0]), cp.axis)
      );
    });
    if (!foldable) continue;
    out ??= new Map(graph);
    for (const key of task.deps) out.delete(key);
    const deps = chunks.map((c) => (c as Task).deps[0]);
    out.set(task.key, kernelTask(reduceFoldKernel, task.key, deps, { ...(p as ReduceAggParams), op, stage }));
  }
  return out ?? graph;
}
