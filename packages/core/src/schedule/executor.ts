import type { Task } from "../graph/task.js";
import type { NDArray } from "../ndarray/ndarray.js";
import type { WarningHandler } from "../warnings.js";

/** Options of {@link Executor.run}. */
export interface RunOptions {
  /** Aborts the task. */
  readonly signal?: AbortSignal;
  /** Receives the NumPy warnings the task's kernel emits (with the task's key). */
  readonly onWarning?: WarningHandler;
  /** An executor that runs tasks on workers calls it with the index of the worker that ran the task (for profiles). */
  readonly onWorker?: (worker: number) => void;
  /**
   * Where the task's output goes: a view of the caller's result in shared memory, given only to an
   * executor that {@link Executor.writesInto}. It may write the output there (same dtype and
   * shape) and return this very view, so the caller need not copy it.
   */
  readonly into?: NDArray;
}

/**
 * Runs tasks. The scheduler decides what runs when (static order, release on last use, a bound on
 * work in flight); an executor only runs one task given its inputs. Tasks are data and chunks are
 * TypedArray-backed, so an executor may run them in-process, on worker threads, in Web Workers or
 * remotely.
 */
export interface Executor {
  /** How many tasks the scheduler should keep in flight at once. */
  readonly concurrency: number;
  /**
   * Whether {@link RunOptions.into} is honoured: outputs may be written straight into a
   * SharedArrayBuffer-backed result (a pool whose workers share memory with the caller).
   */
  readonly writesInto?: boolean;
  /** Runs one task. `inputs` are the chunks named by `task.deps`, in order. */
  run(task: Task, inputs: readonly NDArray[], options?: RunOptions): NDArray | Promise<NDArray>;
  /**
   * Called when the scheduler stores a result (of any task, whoever ran it). With {@link release}
   * it lets an executor that owns chunk memory count the results that use it.
   */
  retain?(chunk: NDArray): void;
  /**
   * Called when the scheduler drops a result it retained (its last dependent has run; never for
   * outputs): an executor that owns the result's memory may reuse it once nothing else retains it.
   */
  release?(chunk: NDArray): void;
  /** Releases resources (threads). */
  close?(): Promise<void>;
}
