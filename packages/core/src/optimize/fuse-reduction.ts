/**
 * Fusion across inner reductions: a task whose elementwise expression reads the result of a small
 * reduction (one chunk step and its aggregate, i.e. the reduced axes are one block) absorbs that
 * reduction, so the block it reduces is never materialised. The consumer is a reduction's chunk
 * step with a fused `pre` expression (`nansum(lj(((d*d).sum(-1))))`), or an elementwise task; it
 * becomes one `fused.loop` task (kernels/fused.ts) reading the inner reduction's inputs directly.
 * Runs after elementwise fusion, which has already folded the elementwise chains on both sides.
 */
import type { DType } from "../dtype/dtypes.js";
import type { Expr } from "../kernels/expr.js";
import {
  fusedLoop,
  type FusedLoopParams,
  INNER_OPS,
  type InnerOp,
  innerGroup,
  type LoopSource,
  MAX_SEQUENTIAL_RUN,
} from "../kernels/fused.js";
import type { ReduceChunkParams } from "../kernels/reduce.js";
import { task as kernelTask } from "../kernels/registry.js";
import type { ReduceOp } from "../ops/reductions.js";
import type { Graph, Key, Param, Task } from "../graph/task.js";

interface PreParams {
  readonly expr: Expr;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

type ChunkParams = Omit<ReduceChunkParams, "pre"> & { readonly pre?: PreParams };

const CHUNK = /^reduce\.(\w+)\.chunk$/;

function record(params: Param | undefined): { readonly [k: string]: Param } | undefined {
  if (typeof params !== "object" || params === null || Array.isArray(params) || ArrayBuffer.isView(params)) {
    return undefined;
  }
  return params as { readonly [k: string]: Param };
}

const isInnerOp = (op: string): op is InnerOp => (INNER_OPS as readonly string[]).includes(op);

const sameAxes = (a: unknown, b: unknown): boolean =>
  Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => v === b[i]);

/** Replaces every `{in: j}` of `expr` by `{in: map(j)}`. */
function remapInputs(expr: Expr, map: (j: number) => number): Expr {
  if ("in" in expr) return { in: map(expr.in) };
  if ("args" in expr)
    return { op: expr.op, args: expr.args.map((a) => remapInputs(a, map)), dtype: expr.dtype };
  return expr;
}

/**
 * The inner reduction `agg` (with its chunk step) as a loop source, or undefined when it cannot be
 * fused: not a built-in reduction the fused loop runs exactly, more than one partial, a shape
 * unknown until run time, or an order of summation the loop would not reproduce.
 */
function innerReduction(
  agg: Task,
  chunk: Task | undefined,
): { op: InnerOp; pre: PreParams; axis: number[]; keepdims: boolean; dtype: DType } | undefined {
  const m = /^reduce\.(\w+)\.agg$/.exec(agg.op);
  if (!m || !isInnerOp(m[1]) || agg.deps.length !== 1 || !chunk || chunk.op !== `reduce.${m[1]}.chunk`)
    return;
  const op = m[1];
  const aggParams = record(agg.params);
  const chunkParams = record(chunk.params) as ChunkParams | undefined;
  const pre = chunkParams?.pre;
  if (!aggParams || !chunkParams || !pre || chunkParams.blockOffset !== undefined) return;
  const axis = chunkParams.axis;
  if (!Array.isArray(axis) || !sameAxes(axis, aggParams.axis)) return;
  if (pre.shape.some((n) => !Number.isFinite(n))) return;
  const count = axis.reduce((c, ax) => c * pre.shape[ax], 1);
  if (count === 0) return;
  if ((op === "sum" || op === "mean") && innerGroup(pre.shape, axis) > MAX_SEQUENTIAL_RUN) return;
  if (typeof aggParams.dtype !== "string") return;
  return { op, pre, axis: [...axis], keepdims: aggParams.keepdims === true, dtype: aggParams.dtype as DType };
}

/**
 * Fuses inner reductions into the elementwise expressions that read them (see the module doc).
 * Output keys are kept; an inner reduction used by more than one task, or requested as an
 * output, stays as it is.
 *
 * @example
 * ```ts
 * // d2 = (diff * diff).sum(-1) with one block along the last axis; e = nansum(1 / d2)
 * const g = fuseReductions(fuseElementwise(graph, outputs), outputs);
 * // each e chunk is now one fused.loop task reading the blocks of diff's inputs
 * ```
 */
export function fuseReductions(graph: Graph, outputs: readonly Key[]): Graph {
  const outputSet = new Set(outputs);
  const dependents = new Map<Key, number>();
  for (const task of graph.values())
    for (const dep of new Set(task.deps)) dependents.set(dep, (dependents.get(dep) ?? 0) + 1);
  const private1 = (key: Key) => !outputSet.has(key) && dependents.get(key) === 1;

  const out: Graph = new Map(graph);
  // Only tasks not yet rewritten are absorbed (a consumer fused earlier keeps its own inputs).
  const unchanged = (key: Key) => out.get(key) === graph.get(key);
  for (const task of graph.values()) {
    if (!out.has(task.key)) continue;
    const params = record(task.params);
    if (!params) continue;
    const chunkOp = CHUNK.exec(task.op)?.[1];
    let outer: PreParams | undefined;
    if (chunkOp !== undefined) outer = (params as ChunkParams).pre;
    else if (task.op === "elementwise.expr") outer = params as unknown as PreParams;
    if (!outer || outer.shape.some((n) => !Number.isFinite(n))) continue;

    const deps: Key[] = [];
    const position = new Map<Key, number>();
    const add = (key: Key): number => {
      let j = position.get(key);
      if (j === undefined) {
        position.set(key, (j = deps.length));
        deps.push(key);
      }
      return j;
    };
    const absorbed: Key[] = [];
    const sources: LoopSource[] = task.deps.map((key) => {
      const agg = graph.get(key);
      const inner =
        agg &&
        private1(key) &&
        agg.deps.length === 1 &&
        private1(agg.deps[0]) &&
        unchanged(key) &&
        unchanged(agg.deps[0])
          ? innerReduction(agg, graph.get(agg.deps[0]))
          : undefined;
      if (!agg || !inner) return { input: add(key) };
      const chunk = graph.get(agg.deps[0]) as Task;
      absorbed.push(key, chunk.key);
      return {
        reduce: inner.op,
        expr: remapInputs(inner.pre.expr, (j) => add(chunk.deps[j])),
        exprDType: inner.pre.dtype,
        shape: inner.pre.shape,
        axis: inner.axis,
        keepdims: inner.keepdims,
        dtype: inner.dtype,
      };
    });
    if (absorbed.length === 0) continue;
    let reduce: FusedLoopParams["reduce"];
    if (chunkOp !== undefined) {
      const { pre: _pre, fusable: _fusable, ...rest } = params as ChunkParams & { fusable?: boolean };
      reduce = { ...rest, op: chunkOp as ReduceOp };
    }
    const fused: FusedLoopParams = {
      expr: outer.expr,
      sources,
      dtype: outer.dtype,
      shape: outer.shape,
      ...(reduce ? { reduce } : {}),
    };
    for (const key of absorbed) out.delete(key);
    out.set(task.key, kernelTask(fusedLoop, task.key, deps, fused));
  }
  return out;
}
