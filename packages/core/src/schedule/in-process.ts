import type { Task } from "../graph/task.js";
// The optimiser emits core kernels (fused subgraphs) whatever the graph used.
import "../kernels/core.js";
import { releaseChunk, retainChunk, runRecycling } from "../kernels/recycle.js";
import { getKernel, type Kernel } from "../kernels/registry.js";
import type { NDArray } from "../ndarray/ndarray.js";
import { runCollectingWarnings } from "../warnings.js";
import type { Executor, RunOptions } from "./executor.js";

/**
 * Runs each task on the calling thread by calling its kernel directly. Synchronous kernels return
 * synchronously, which lets the scheduler run whole graphs without a promise per task.
 */
export class InProcessExecutor implements Executor {
  readonly concurrency = 1;
  // Consecutive tasks usually share an op: skip the registry lookup then.
  private lastOp = "";
  private lastKernel: Kernel | undefined;

  /** Runs `task`'s kernel on `inputs`. */
  run(task: Task, inputs: readonly NDArray[], options?: RunOptions): NDArray | Promise<NDArray> {
    let kernel = this.lastKernel;
    if (task.op !== this.lastOp || kernel === undefined) {
      kernel = getKernel(task.op);
      this.lastOp = task.op;
      this.lastKernel = kernel;
    }
    // Outputs of at least 64 KiB reuse the memory of released results (kernels/recycle.ts).
    const onWarning = options?.onWarning;
    if (onWarning === undefined) return runRecycling(kernel, inputs as NDArray[], task.params);
    const run = kernel;
    return runCollectingWarnings(task.key, onWarning, () =>
      runRecycling(run, inputs as NDArray[], task.params),
    );
  }

  /** Counts a stored result that uses recyclable memory. */
  retain(chunk: NDArray): void {
    retainChunk(chunk);
  }

  /** Recycles a released result's memory once no stored result uses it. */
  release(chunk: NDArray): void {
    releaseChunk(chunk);
  }
}

/** The executor used when none is given: in-process, on the calling thread. */
export const defaultExecutor: Executor = new InProcessExecutor();
