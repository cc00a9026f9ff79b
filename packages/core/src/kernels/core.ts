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
  const values: (NDArray | undefined)[] = [...inputs];
  const steps = params.steps;
  const last = lastUses(steps, inputs.length);
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    let r: NDArray | Promise<NDArray>;
    try {
      r = getKernel(s.op)(
        s.args.map((a) => values[a]!),
        s.params,
      );
    } catch (err) {
      throw stepError(steps, i, err);
    }
    if (r instanceof Promise) return finishAsync(r, values, inputs.length, steps, i, last);
    values.push(r);
    recycleDead(values, inputs.length, s.args, i, last);
  }
  return values[values.length - 1]!;
});

/** The step that last reads each value (`-1`: none; the last value is the result). */
const lastUseCache = new WeakMap<readonly Step[], Int32Array>();
function lastUses(steps: readonly Step[], nInputs: number): Int32Array {
  let last = lastUseCache.get(steps);
  if (!last) {
    last = new Int32Array(nInputs + steps.length).fill(-1);
    for (let i = 0; i < steps.length; i++) for (const a of steps[i].args) last[a] = i;
    last[last.length - 1] = steps.length; // the result lives on
    lastUseCache.set(steps, last);
  }
  return last;
}

/**
 * Gives back the memory of intermediate results that step `i` read for the last time (a block
 * read, then reduced), so a fused task over many blocks holds one block at a time, not all of
 * them. A buffer that an input or a value still to be read uses is kept (a view shares its
 * base's buffer), and recycleScratch takes only buffers this thread allocated while running a
 * kernel that no stored result uses.
 */
function recycleDead(
  values: (NDArray | undefined)[],
  nInputs: number,
  args: readonly number[],
  i: number,
  last: Int32Array,
): void {
  for (const a of args) {
    const v = values[a];
    if (a < nInputs || last[a] !== i || v === undefined) continue;
    values[a] = undefined;
    const buffer = v.data.buffer;
    let used = false;
    for (let j = 0; j < values.length && !used; j++) used = values[j]?.data.buffer === buffer;
    if (!used) recycleScratch(v.data);
  }
}

/**
 * Leaf steps (block reads) a fused task starts ahead of their turn once one of its steps is
 * async: a chain of reads then keeps requests in flight while it decodes and folds, instead of
 * waiting out each one's latency in turn (a worker holds one such chain). Each holds a block.
 */
const READ_AHEAD = 2;

async function finishAsync(
  pending: Promise<NDArray>,
  values: (NDArray | undefined)[],
  nInputs: number,
  steps: readonly Step[],
  at: number,
  last: Int32Array,
): Promise<NDArray> {
  const ahead = new Map<number, Promise<NDArray>>();
  let scan = at + 1;
  const readAhead = (): void => {
    for (; scan < steps.length && ahead.size < READ_AHEAD; scan++) {
      const s = steps[scan];
      if (s.args.length > 0) continue;
      let early: Promise<NDArray>;
      try {
        early = Promise.resolve(runRecycling(getKernel(s.op), [], s.params));
      } catch (err) {
        early = Promise.reject(err);
      }
      // Awaited at its turn; never, if an earlier step fails (no unhandled rejection then).
      early.catch(() => {});
      ahead.set(scan, early);
    }
  };
  let i = at;
  try {
    readAhead();
    values.push(await pending);
    recycleDead(values, nInputs, steps[at].args, at, last);
    for (i = at + 1; i < steps.length; i++) {
      const s = steps[i];
      let r = ahead.get(i);
      if (r) ahead.delete(i);
      else {
        // After an await, the executor's runRecycling has returned: allocate from the free lists
        // here too (an async read, then a reduction whose state would otherwise be fresh memory).
        r = Promise.resolve(
          runRecycling(
            getKernel(s.op),
            s.args.map((a) => values[a]!),
            s.params,
          ),
        );
      }
      readAhead();
      values.push(await r);
      recycleDead(values, nInputs, s.args, i, last);
    }
  } catch (err) {
    throw stepError(steps, i, err);
  }
  return values[values.length - 1]!;
}
