/**
 * dask's `Profiler` + `ResourceProfiler` for one process: which task ran when, on which lane, what it
 * made, and how many bytes of chunks the scheduler held over time.
 * @module
 */
import type { Task } from "../graph/task.js";
import type { NDArray } from "../ndarray/ndarray.js";
import type { Executor } from "../schedule/executor.js";
import { defaultExecutor } from "../schedule/in-process.js";
import type { ProgressEvent } from "../schedule/scheduler.js";
import { taskLabel } from "../graph/labels.js";

/** One task of a profiled run. Times are milliseconds since the profiler's first task. */
export interface TaskRecord {
  /** The task's key (`layer/block index`). */
  readonly key: string;
  /** What ran: the op, or the ops of a fused task (see {@link taskLabel}). */
  readonly label: string;
  /** When the scheduler handed the task to the executor (a pool may queue it briefly). */
  readonly start: number;
  /** When its result came back. */
  readonly end: number;
  /**
   * The concurrency slot it occupied: the lowest one free when it started. In-process every task is
   * on lane 0; on a pool, lanes approximate workers (the scheduler keeps up to twice as many tasks in
   * flight as there are workers).
   */
  readonly lane: number;
  /** The index of the pool worker that ran it; `undefined` when it ran on the calling thread. */
  readonly worker: number | undefined;
  /** Bytes of the chunk it produced. */
  readonly bytes: number;
  /** Bytes of its input chunks. */
  readonly inputBytes: number;
}

/** The scheduler's state at one progress event (about every 50 ms, and at start and end). */
export interface MemorySample {
  /** Milliseconds since the profiler's first event. */
  readonly time: number;
  /** Bytes of chunk results held in memory. */
  readonly bytesHeld: number;
  /** Tasks running (handed to the executor, not yet back). */
  readonly running: number;
  /** Tasks finished. */
  readonly done: number;
  /** Tasks in the run. */
  readonly total: number;
}

/** What a {@link Profiler} recorded. */
export interface Profile {
  /** Every task run, in the order they finished. */
  readonly tasks: readonly TaskRecord[];
  /** The scheduler's state over time. */
  readonly memory: readonly MemorySample[];
  /** From the first event to the last, in milliseconds. */
  readonly durationMs: number;
  /** Number of lanes used. */
  readonly lanes: number;
}

/**
 * Records every task of the computes it is passed to (`compute({ profile })`, also `persist`,
 * `store` and the io writers): start, end, worker, bytes made; and the bytes the scheduler held over
 * time. Draw it with {@link profileSvg}. One profiler may record several computes in turn.
 *
 * @example
 * ```ts
 * const profiler = new Profiler();
 * await y.compute({ executor: pool, profile: profiler });
 * const { tasks, memory } = profiler.profile; // or: profileSvg(profiler.profile)
 * ```
 * @see dask.diagnostics.Profiler
 * @see dask.diagnostics.ResourceProfiler
 */
export class Profiler {
  readonly #tasks: TaskRecord[] = [];
  readonly #memory: MemorySample[] = [];
  readonly #busy: boolean[] = [];
  #t0: number | undefined;
  #last = 0;

  /** Milliseconds since the first recorded event. */
  #now(): number {
    const t = performance.now();
    this.#t0 ??= t;
    this.#last = t - this.#t0;
    return this.#last;
  }

  #takeLane(): number {
    let lane = this.#busy.indexOf(false);
    if (lane < 0) lane = this.#busy.length;
    this.#busy[lane] = true;
    return lane;
  }

  #record(
    task: Task,
    inputs: readonly NDArray[],
    start: number,
    lane: number,
    worker: number | undefined,
    value: NDArray,
  ): NDArray {
    this.#busy[lane] = false;
    let inputBytes = 0;
    for (const x of inputs) inputBytes += x.data.byteLength;
    this.#tasks.push({
      key: task.key,
      label: taskLabel(task),
      start,
      end: this.#now(),
      lane,
      worker,
      bytes: value?.data?.byteLength ?? 0,
      inputBytes,
    });
    return value;
  }

  /**
   * An executor that runs tasks on `executor` (default: in-process) and records them; `compute`
   * uses it for its `profile` option.
   */
  wrap(executor: Executor = defaultExecutor): Executor {
    return {
      get concurrency() {
        return executor.concurrency;
      },
      retain: executor.retain && ((chunk) => executor.retain?.(chunk)),
      release: executor.release && ((chunk) => executor.release?.(chunk)),
      run: (task, inputs, options) => {
        const lane = this.#takeLane();
        const start = this.#now();
        let worker: number | undefined;
        let out: NDArray | Promise<NDArray>;
        try {
          out = executor.run(task, inputs, {
            ...options,
            onWorker: (w) => {
              worker = w;
              options?.onWorker?.(w);
            },
          });
        } catch (err) {
          this.#busy[lane] = false;
          throw err;
        }
        if (out instanceof Promise || typeof (out as { then?: unknown }).then === "function") {
          return Promise.resolve(out).then(
            (value) => this.#record(task, inputs, start, lane, worker, value),
            (err) => {
              this.#busy[lane] = false;
              throw err;
            },
          );
        }
        return this.#record(task, inputs, start, lane, worker, out as NDArray);
      },
    };
  }

  /** Records the scheduler's progress events (bytes held over time). */
  readonly onProgress = (event: ProgressEvent): void => {
    const { bytesHeld, running, done, total } = event;
    this.#memory.push({ time: this.#now(), bytesHeld, running, done, total });
  };

  /** What was recorded so far (a copy). */
  get profile(): Profile {
    const tasks = [...this.#tasks];
    let lanes = 0;
    for (const t of tasks) lanes = Math.max(lanes, t.lane + 1);
    return { tasks, memory: [...this.#memory], durationMs: this.#last, lanes };
  }

  /** Forgets everything recorded. */
  reset(): void {
    this.#tasks.length = 0;
    this.#memory.length = 0;
    this.#busy.length = 0;
    this.#t0 = undefined;
    this.#last = 0;
  }
}
