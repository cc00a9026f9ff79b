/**
 * The array-aware optimisation (dask's `dask/array/optimization.py`): cull, push slices into reads,
 * fuse chains of elementwise tasks into one task per chunk (one loop, no temporaries) and into the
 * chunk step of reductions, then the generic linear fusion of `graph/`. Output keys never change
 * and are never fused away.
 */
import { InvalidArgumentError } from "../errors.js";
import { cull } from "../graph/cull.js";
import { chainRootLimit, fuseLinear } from "../graph/fuse-linear.js";
import { indexGraph } from "../graph/indexed.js";
import type { Graph, Key, Param, Task } from "../graph/task.js";
import { elementwiseExpr } from "../kernels/elementwise.js";
import type { ElementwiseParams, Expr } from "../kernels/expr.js";
import { reduceFoldKernel } from "../kernels/reduce.js";
import { fuseFolds } from "./fuse-fold.js";
import { fuseMultiReductions } from "./fuse-multi.js";
import { fuseReductions } from "./fuse-reduction.js";
import { pushdownSlices } from "./pushdown.js";

const ELEMENTWISE_OP = elementwiseExpr.id;

/** A producer used more than once by its consumer's expression is inlined only when this small. */
const MAX_DUPLICATED_EXPR_NODES = 8;

function isExpr(value: unknown): value is Expr {
  return typeof value === "object" && value !== null && ("in" in value || "const" in value || "op" in value);
}

function elementwiseParams(task: Task): ElementwiseParams | undefined {
  if (task.op !== ELEMENTWISE_OP) return undefined;
  const params = task.params as Partial<ElementwiseParams> | undefined;
  return params && isExpr(params.expr) ? (params as ElementwiseParams) : undefined;
}

/** Number of nodes of an expression. */
export function exprSize(expr: Expr): number {
  if ("args" in expr) {
    let n = 1;
    for (const a of expr.args) n += exprSize(a);
    return n;
  }
  return 1;
}

/** How many `{in: j}` leaves read one of `positions`. */
function countRefs(expr: Expr, positions: ReadonlySet<number>): number {
  if ("in" in expr) return positions.has(expr.in) ? 1 : 0;
  if ("args" in expr) {
    let n = 0;
    for (const a of expr.args) n += countRefs(a, positions);
    return n;
  }
  return 0;
}

/** Replaces every `{in: j}` by `map(j)`. */
function substitute(expr: Expr, map: (j: number) => Expr): Expr {
  if ("in" in expr) return map(expr.in);
  if ("args" in expr)
    return { op: expr.op, args: expr.args.map((a) => substitute(a, map)), dtype: expr.dtype };
  return expr;
}

/**
 * Inlines `producer` (an elementwise task) into `consumer`'s expression. The new inputs are the
 * consumer's other inputs then the producer's, without repeats.
 */
function inline(
  consumer: Task,
  cParams: ElementwiseParams,
  producer: Task,
  pParams: ElementwiseParams,
): Task {
  const deps: Key[] = [];
  const position = new Map<Key, number>();
  const add = (key: Key): number => {
    let j = position.get(key);
    if (j === undefined) {
      j = deps.length;
      deps.push(key);
      position.set(key, j);
    }
    return j;
  };
  const consumerMap = consumer.deps.map((key) => (key === producer.key ? -1 : add(key)));
  const producerMap = producer.deps.map(add);
  // In a chain the producer's inputs keep their positions: share its expression, do not copy it.
  const identity = producerMap.every((j, q) => j === q);
  const inner = identity ? pParams.expr : substitute(pParams.expr, (j) => ({ in: producerMap[j] }));
  const expr = substitute(cParams.expr, (j) => (consumerMap[j] < 0 ? inner : { in: consumerMap[j] }));
  return { key: consumer.key, op: consumer.op, deps, params: { ...cParams, expr } as unknown as Param };
}

/**
 * Low-level fusion. An `"elementwise.expr"` task whose dependency is another elementwise task with
 * exactly one dependent (and not an output) absorbs it into its expression. A reduction's chunk
 * step (op ending in `.chunk` with `params.fusable === true` and a single input) absorbs such a
 * producer as `params.pre` and reads the producer's inputs instead. Output keys are kept. Tasks
 * that `outputs` do not need are dropped (a cull comes for free with the indexing).
 */
export function fuseElementwise(graph: Graph, outputs: readonly Key[]): Graph {
  const g = indexGraph(graph, outputs);
  const n = g.n;
  const current = g.tasks.slice();
  const removed = new Uint8Array(n);
  const isOutput = new Uint8Array(n);
  for (const key of outputs) {
    const i = g.index.get(key);
    if (i !== undefined) isOutput[i] = 1;
  }
  const dents = new Int32Array(n);
  for (let i = 0; i < n; i++) dents[i] = g.dentOff[i + 1] - g.dentOff[i];

  // Topological order (Kahn), so a producer has absorbed its own producers before it is inlined.
  const needed = new Int32Array(n);
  const topo = new Int32Array(n);
  let t = 0;
  for (let i = 0; i < n; i++) if ((needed[i] = g.depOff[i + 1] - g.depOff[i]) === 0) topo[t++] = i;
  for (let s = 0; s < t; s++) {
    const k = topo[s];
    for (let e = g.dentOff[k]; e < g.dentOff[k + 1]; e++)
      if (--needed[g.dentIdx[e]] === 0) topo[t++] = g.dentIdx[e];
  }
  if (t < n) throw new InvalidArgumentError("Cannot fuse a graph with a cycle.");

  const fusableProducer = (j: number | undefined): j is number =>
    j !== undefined &&
    !removed[j] &&
    !isOutput[j] &&
    dents[j] === 1 &&
    elementwiseParams(current[j]) !== undefined;

  for (let s = 0; s < n; s++) {
    const c = topo[s];
    let task = current[c];
    if (task.op === ELEMENTWISE_OP) {
      for (let changed = true; changed; ) {
        changed = false;
        const cParams = elementwiseParams(task);
        if (!cParams) break;
        for (let pos = 0; pos < task.deps.length && !changed; pos++) {
          const j = g.index.get(task.deps[pos]);
          if (!fusableProducer(j)) continue;
          const producer = current[j];
          const pParams = elementwiseParams(producer)!;
          const positions = new Set<number>();
          for (let q = 0; q < task.deps.length; q++) if (task.deps[q] === producer.key) positions.add(q);
          // Reading the producer twice duplicates its work: only for small expressions.
          if (countRefs(cParams.expr, positions) > 1 && exprSize(pParams.expr) > MAX_DUPLICATED_EXPR_NODES)
            continue;
          const before = new Set(task.deps);
          // The producer's inputs now feed the consumer; those it already read lose a dependent.
          for (const key of new Set(producer.deps)) {
            const q = g.index.get(key);
            if (q !== undefined && before.has(key)) dents[q]--;
          }
          task = inline(task, cParams, producer, pParams);
          removed[j] = 1;
          changed = true;
        }
      }
    } else if (task.op.endsWith(".chunk") && isFusableChunk(task.params) && new Set(task.deps).size === 1) {
      const j = g.index.get(task.deps[0]);
      if (fusableProducer(j)) {
        const producer = current[j];
        const { expr, dtype, shape } = elementwiseParams(producer)!;
        task = {
          key: task.key,
          op: task.op,
          deps: producer.deps,
          params: { ...(task.params as object), pre: { expr, dtype, shape } } as unknown as Param,
        };
        removed[j] = 1;
      }
    }
    current[c] = task;
  }

  const out: Graph = new Map();
  for (let i = 0; i < n; i++) if (!removed[i]) out.set(g.keys[i], current[i]);
  return out;
}

function isFusableChunk(params: Param | undefined): boolean {
  if (typeof params !== "object" || params === null || Array.isArray(params) || ArrayBuffer.isView(params)) {
    return false;
  }
  const p = params as { readonly [k: string]: Param };
  return p.fusable === true && p.pre === undefined;
}

/** Options of {@link optimize}. */
export interface OptimizeOptions {
  /** Fuse elementwise chains and linear chains of tasks (default `true`). */
  fuse?: boolean;
  /** Push slices down into source reads (default `true`). */
  pushdown?: boolean;
  /** Tasks that must stay separate tasks (e.g. ones that only the calling thread can run). */
  keepSeparate?: (task: Task) => boolean;
}

/**
 * Prepares a graph to run (dask's array optimisation): cull to what `outputs` need; push slices into
 * the reads of their sources (`x[::100]` of a file reads only those rows); fuse elementwise chains
 * into one loop per block, and into the chunk step of a reduction; fuse small inner reductions into
 * the expressions that read them (fuse-reduction.ts) and the chunk steps of several reductions of
 * one input into one pass (fuse-multi.ts); fold the blocks of a tree level straight into one state
 * (fuse-fold.ts); then fuse what remains of linear
 * chains into single tasks, so an intermediate block never leaves the thread that made it.
 * Output keys are kept.
 *
 * @example
 * ```ts
 * const small = optimize(graph, outputs);
 * ```
 * @see dask.array.optimization.optimize
 */
export function optimize(graph: Graph, outputs: readonly Key[], options: OptimizeOptions = {}): Graph {
  let g = cull(graph, outputs);
  if (options.pushdown !== false) g = pushdownSlices(g, outputs);
  if (options.fuse === false) return g;
  g = fuseFolds(fuseMultiReductions(fuseReductions(fuseElementwise(g, outputs), outputs), outputs), outputs);
  const keep = options.keepSeparate;
  // A fold over raw blocks reads them itself, and a reduction's merge steps take in the subtrees
  // that read their own blocks (up to chainRootLimit's blocks a task): on a pool, fewer blocks and
  // partials cross to the calling thread and back.
  return fuseLinear(
    g,
    outputs,
    (t) => t.op !== "core.literal" && !(keep?.(t) ?? false),
    (t) => t.op === reduceFoldKernel.id || MERGE_STEP.test(t.op),
    chainRootLimit(g, outputs.length),
  );
}

/** The combine and aggregate steps of a reduction tree (kernels/reduce.ts). */
const MERGE_STEP = /^reduce\.\w+\.(combine|agg)$/;
