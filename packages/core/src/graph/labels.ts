/**
 * Human names for what a task runs, used by graph drawings, profiles and error messages. A fused
 * task (`core.subgraph`) is named by the ops it contains, never by `core.subgraph`.
 * @module
 */
import { SUBGRAPH_OP } from "./fuse-linear.js";

/** The parts of a task (or of one step of a fused task) that say what it runs. */
export interface TaskLike {
  readonly op: string;
  readonly params?: unknown;
}

interface ExprNode {
  op?: string;
  args?: readonly ExprNode[];
}

/** Ops of a fused elementwise expression tree, in evaluation order (inputs first). */
function exprOps(node: ExprNode | undefined, out: string[]): string[] {
  if (!node || typeof node !== "object") return out;
  for (const a of node.args ?? []) exprOps(a, out);
  if (node.op) out.push(node.op);
  return out;
}

/**
 * One step: `elementwise(add, sqrt, mul)` for a fused elementwise expression; a reduction's chunk
 * step with elementwise work fused in front is `elementwise(…) → reduce.sum.chunk`.
 */
export function stepLabel(step: TaskLike): string {
  const params = step.params as { expr?: ExprNode; pre?: { expr?: ExprNode } } | undefined;
  if (params?.expr) return `elementwise(${exprOps(params.expr, []).join(", ")})`;
  if (params?.pre?.expr) return `elementwise(${exprOps(params.pre.expr, []).join(", ")}) → ${step.op}`;
  return step.op;
}

/**
 * What a task runs: its op, or for a fused `core.subgraph` task the labels of its steps joined by
 * " → " (`random.fill → elementwise(add, sqrt) → reduce.sum.chunk`), repeats collapsed (`… ×3`).
 */
export function taskLabel(task: TaskLike): string {
  if (task.op !== SUBGRAPH_OP) return stepLabel(task);
  const steps = (task.params as { steps?: readonly TaskLike[] } | undefined)?.steps ?? [];
  const parts: string[] = [];
  let last = "";
  let count = 0;
  const flush = () => {
    if (count) parts.push(count > 1 ? `${last} ×${count}` : last);
  };
  for (const step of steps) {
    const label = stepLabel(step);
    if (label === last) count++;
    else {
      flush();
      last = label;
      count = 1;
    }
  }
  flush();
  return parts.length ? parts.join(" → ") : task.op;
}
