/**
 * Reductions that accumulate blocks into one state as they arrive: a combine (or aggregate) task
 * of the tree whose inputs are all chunk steps of the same reduction absorbs them, and becomes one
 * `reduce.fold` task over the raw blocks. For a stack reduced over its stacked axis
 * (`stack(days).mean(0)`) the fold adds each block straight into one output-block-sized state:
 * no partial per block, no copies of partials. The folds of one output block then form a chain
 * (`chainFolds`): each adds its blocks to the previous one's state in place, so one state per
 * output block exists at a time and the blocks are summed in stacked order (NumPy's order for an
 * axis-0 reduction, which differs from the tree's in the last bits of float64 sums).
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
  return out ? chainFolds(out, outputSet) : graph;
}

/**
 * Turns each reduction tree of folds (the combine levels above them, up to the aggregate) into a
 * chain: every fold adds its blocks to the previous fold's partial, and the last one finishes. One
 * partial per output block lives at a time, no partials are merged, and the blocks are added in
 * stacked order, as NumPy adds the rows of an axis-0 reduction. Only over one stacked axis, where
 * every fold and combine of the tree feeds just its parent.
 */
function chainFolds(graph: Graph, outputs: ReadonlySet<Key>): Graph {
  const dependents = new Map<Key, number>();
  for (const task of graph.values())
    for (const dep of new Set(task.deps)) dependents.set(dep, (dependents.get(dep) ?? 0) + 1);
  const out = new Map(graph);
  for (const root of graph.values()) {
    const m = STAGE.exec(root.op);
    const p = params(root);
    if (!m || m[2] !== "agg" || !p || !isFoldable(m[1]) || !Array.isArray(p.axis) || p.axis.length !== 1)
      continue;
    const op = m[1];
    const folds: Task[] = [];
    const combines: Key[] = [];
    // The folds under `key` in block order, or false when the tree holds anything else.
    const collect = (key: Key): boolean => {
      const t = graph.get(key);
      const tp = params(t);
      if (!t || !tp || outputs.has(key) || dependents.get(key) !== 1 || !sameJSON(tp.axis, p.axis))
        return false;
      if (t.op === reduceFoldKernel.id && tp.op === op && tp.stage === "combine" && tp.carry === undefined) {
        folds.push(t);
        return true;
      }
      if (t.op !== `reduce.${op}.combine`) return false;
      combines.push(key);
      return t.deps.every(collect);
    };
    if (!root.deps.every(collect) || folds.length < 2) continue;
    for (const key of combines) out.delete(key);
    const last = folds.length - 1;
    for (let i = 1; i < last; i++) {
      const f = folds[i];
      out.set(f.key, { ...f, deps: [folds[i - 1].key, ...f.deps], params: { ...params(f), carry: true } });
    }
    out.delete(folds[last].key);
    out.set(
      root.key,
      kernelTask(reduceFoldKernel, root.key, [folds[last - 1].key, ...folds[last].deps], {
        ...(p as ReduceAggParams),
        op: op as ReduceOp,
        stage: "agg",
        carry: true,
      }),
    );
  }
  return out;
}
