import { SUBGRAPH_OP } from "../graph/fuse-linear.js";
import { stepLabel } from "../graph/labels.js";
import { NDArray, type NDArrayLike } from "../ndarray/ndarray.js";
import { recycleScratch, runRecycling } from "./recycle.js";
import { defineKernel, getKernel } from "./registry.js";

/** A chunk embedded in the graph (fromArray over in-memory data, persisted results). */
export const literal = defineKernel("core.literal", (_inputs, params: { array: NDArrayLike }) =>
  NDArray.revive(params.array),
);

/** Returns its single input unchanged (aliases, e.g. rechunk no-ops). */
export const identity = defineKernel("core.identity", (inputs) => inputs[0]);

interface Step {
  op: string;
  params?: unknown;
  args: readonly number[];
}

/**
 * The error of step `at` of a fused task, naming the op that failed (the task itself is only
 * `core.subgraph`): "elementwise(sqrt, log) (step 2 of 3 of a fused task): …".
 */
function stepError(steps: readonly Step[], at: number, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  return new Error(
    `${stepLabel(steps[at])} (step ${at + 1} of ${steps.length} of a fused task): ${message}`,
    {
      cause: err,
    },
  );
}

/** Runs a fused chain of kernels back to back (see graph/fuse-linear.ts); async only when a step is. */
export const subgraph = defineKernel(SUBGRAPH_OP, (inputs, params: { steps: readonly Step[] }) => {
  const values: NDArray[] = [...inputs];
  const steps = params.steps;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    let r: NDArray | Promise<NDArray>;
    try {
      r = getKernel(s.op)(
        s.args.map((a) => values[a]),
        s.params,
      );
    } catch (err) {
      throw stepError(steps, i, err);
    }
    if (r instanceof Promise) return finishAsync(r, values, inputs.length, steps, i);
    values.push(r);
  }
  const out = values[values.length - 1];
  recycleIntermediates(values, inputs.length, out);
  return out;
});

/**
 * Gives back the memory of the chain's intermediate results (a block read, then reduced): no one
 * else has them. Buffers that the result or an input uses are kept, and recycleScratch takes only
 * buffers this thread's in-process run allocated and no stored result uses.
 */
function recycleIntermediates(values: readonly NDArray[], nInputs: number, out: NDArray): void {
  for (let i = nInputs; i < values.length - 1; i++) {
    const buffer = values[i].data.buffer;
    if (buffer === out.data.buffer) continue;
    let isInput = false;
    for (let j = 0; j < nInputs; j++) if (values[j].data.buffer === buffer) isInput = true;
    if (!isInput) recycleScratch(values[i].data);
  }
}

async function finishAsync(
  pending: Promise<NDArray>,
  values: NDArray[],
  nInputs: number,
  steps: readonly Step[],
  at: number,
): Promise<NDArray> {
  let i = at;
  try {
    values.push(await pending);
    for (i = at + 1; i < steps.length; i++) {
      const s = steps[i];
      // After an await, the executor's runRecycling has returned: allocate from the free lists
      // here too (an async read, then a reduction whose state would otherwise be fresh memory).
      values.push(
        await runRecycling(
          getKernel(s.op),
          s.args.map((a) => values[a]),
          s.params,
        ),
      );
    }
  } catch (err) {
    throw stepError(steps, i, err);
  }
  const out = values[values.length - 1];
  recycleIntermediates(values, nInputs, out);
  return out;
}
