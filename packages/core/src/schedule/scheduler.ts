/**
 * The dynamic scheduler, after dask's `local.py:get_async`: a ready set picked by static priority
 * (graph/order.ts), each intermediate released the moment its last dependent has run, and a bound
 * on tasks in flight. State lives in integer-indexed typed arrays; a task whose executor returns
 * synchronously is finished in the same loop, without a promise (shared/design.md §4).
 */
import { AbortError, InvalidArgumentError, TaskError } from "../errors.js";
import { indexGraph } from "../graph/indexed.js";
import { orderIndexed } from "../graph/order.js";
import type { Graph, Key } from "../graph/task.js";
import type { NDArray } from "../ndarray/ndarray.js";
import type { WarningHandler } from "../warnings.js";
import type { Executor } from "./executor.js";
import { defaultExecutor } from "./in-process.js";
import { isThenable } from "./thenable.js";

/** Progress of a run: tasks done of total, bytes of chunks held in memory, tasks running. */
export interface ProgressEvent {
  readonly done: number;
  readonly total: number;
  readonly bytesHeld: number;
  /**
   * Most bytes held at once so far in this run. Exact, unlike the most `bytesHeld` seen in events:
   * an output block handed to `compute`'s result is held only until it is copied there.
   */
  readonly peakBytesHeld: number;
  readonly running: number;
}

/** Measurements of one run. */
export interface ScheduleStats {
  /** Tasks run (after the implicit cull to the outputs). */
  readonly tasks: number;
  /** Most chunk results held in memory at once (outputs included). */
  readonly peakHeldChunks: number;
  /** Most bytes of chunk results held at once (a TypedArray shared by several results counts once). */
  readonly peakHeldBytes: number;
  /** Wall time of the run, in milliseconds. */
  readonly durationMs: number;
}

/** Options of {@link runGraph}. */
export interface RunGraphOptions {
  /** Where tasks run (default: in-process). */
  executor?: Executor;
  /** Cancels the run: it rejects with AbortError, and the signal is passed on to the executor. */
  signal?: AbortSignal;
  /** Called at most every ~50 ms while running, and once at the end. Keep it cheap. */
  onProgress?: (event: ProgressEvent) => void;
  /** Called once with the run's measurements when it succeeds. */
  onStats?: (stats: ScheduleStats) => void;
  /** Most tasks in flight at once (default: twice the executor's concurrency). */
  maxInFlight?: number;
  /**
   * Soft cap, in bytes, on chunks held plus the expected outputs of the tasks running and of the
   * next one (each kernel's mean output size so far; a kernel not yet seen counts as the largest
   * mean seen, and runs one task alone until its first output shows its size): no new task starts
   * while that would go over it. One task may always run, so progress is guaranteed. Default: no
   * cap.
   */
  maxBytesInFlight?: number;
  /** Longest synchronous stretch before yielding to the event loop, in ms (default 50). */
  yieldEveryMs?: number;
  /**
   * Fails the run with a {@link TaskError} naming the task when one task runs longer than `task`
   * ms, or the run takes longer than `total` ms (naming the longest-running task); the running
   * tasks are then aborted. Synchronous in-process kernels cannot be interrupted, so a task
   * timeout applies to asynchronous tasks (pools, async reads).
   */
  timeout?: { readonly task?: number; readonly total?: number };
  /** Receives the NumPy warnings of the tasks (passed on to the executor; default: the global handler). */
  onWarning?: WarningHandler;
  /**
   * Receives each output chunk as soon as it is computed. Returning `false` leaves it out of the
   * results: the run drops it after its last dependent, as an intermediate, and the executor may
   * reuse its memory then, so copy what you need before returning. Returning `true` keeps it.
   */
  onOutput?: (key: Key, chunk: NDArray) => boolean;
}

const PROGRESS_INTERVAL_MS = 50;
/** How many synchronous tasks run between clock reads. */
const CHECK_EVERY = 256;

function abortError(signal: AbortSignal | undefined): AbortError {
  return new AbortError("The computation was aborted.", { cause: signal?.reason });
}

/**
 * Runs the tasks that `outputs` need and returns the output chunks by key. Tasks start in static
 * priority order among those ready, except that ready tasks with inputs go before roots (tasks
 * without dependencies, which load or make new data): data in memory is used up before more is
 * loaded. Intermediates are dropped after their last use.
 *
 * @throws TaskError when a kernel fails (no new task starts after that), AbortError on abort.
 * @see dask.local.get_async
 */
export async function runGraph(
  graph: Graph,
  outputs: readonly Key[],
  options: RunGraphOptions = {},
): Promise<Map<Key, NDArray>> {
  return (await runGraphWithStats(graph, outputs, options)).results;
}

/** {@link runGraph}, also returning the run's {@link ScheduleStats} (peak memory held). */
export function runGraphWithStats(
  graph: Graph,
  outputs: readonly Key[],
  options: RunGraphOptions = {},
): Promise<{ results: Map<Key, NDArray>; stats: ScheduleStats }> {
  const started = performance.now();
  const executor = options.executor ?? defaultExecutor;
  const signal = options.signal;
  if (signal?.aborted) return Promise.reject(abortError(signal));

  let g: ReturnType<typeof indexGraph>;
  let prio: Int32Array;
  try {
    g = indexGraph(graph, outputs);
    if (g.external.length > 0) {
      const missing = g.external[0];
      const needer = g.tasks.find((t) => t.deps.includes(missing))!;
      throw new InvalidArgumentError(
        `Task ${JSON.stringify(needer.key)} depends on ${JSON.stringify(missing)}, which is not in the graph.`,
      );
    }
    prio = orderIndexed(g);
  } catch (err) {
    return Promise.reject(err);
  }

  const n = g.n;
  const { tasks, depOff, depIdx, dentOff, dentIdx, inOff, inIdx } = g;
  // Read per pump: a pool adapts its concurrency to the task sizes it measures.
  const fixedInFlight = options.maxInFlight;
  const inFlightLimit = () => Math.max(1, fixedInFlight ?? executor.concurrency * 2);
  const maxBytes = options.maxBytesInFlight ?? Number.POSITIVE_INFINITY;
  const bounded = maxBytes !== Number.POSITIVE_INFINITY;
  const yieldEveryMs = options.yieldEveryMs ?? 50;
  const onProgress = options.onProgress;
  const onOutput = options.onOutput;

  // -- State, by task index.
  const waiting = new Int32Array(n); // unfinished dependencies
  const waitingData = new Int32Array(n); // dependents not yet run
  const isOutput = new Uint8Array(n);
  const results: (NDArray | undefined)[] = new Array(n).fill(undefined);
  for (const key of outputs) isOutput[g.index.get(key)!] = 1;

  // Ready tasks: a binary min-heap on static priority, where a task with inputs (they are in
  // memory once it is ready) goes before every root: what is loaded is used up before more is
  // loaded. The static order alone may load every root of a multi-stage rechunk before any
  // intermediate releases them (dask#3139).
  for (let i = 0; i < n; i++) if (depOff[i + 1] === depOff[i]) prio[i] += n;
  const heap = new Int32Array(n);
  let heapSize = 0;
  const heapPush = (x: number): void => {
    let i = heapSize++;
    const px = prio[x];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const y = heap[parent];
      if (prio[y] <= px) break;
      heap[i] = y;
      i = parent;
    }
    heap[i] = x;
  };
  const heapPop = (): number => {
    const top = heap[0];
    const last = heap[--heapSize];
    const pl = prio[last];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= heapSize) break;
      if (child + 1 < heapSize && prio[heap[child + 1]] < prio[heap[child]]) child++;
      if (prio[heap[child]] >= pl) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = last;
    return top;
  };
  for (let i = 0; i < n; i++) {
    waiting[i] = depOff[i + 1] - depOff[i];
    waitingData[i] = dentOff[i + 1] - dentOff[i];
    if (waiting[i] === 0) heapPush(i);
  }

  // Memory accounting: bytes per distinct TypedArray (identity kernels return their input's).
  const refs = new Map<object, number>();
  let held = 0;
  let bytesHeld = 0;
  let peakHeld = 0;
  let peakBytes = 0;
  // Expected output bytes per kernel (mean so far), and of the tasks running.
  const outBytes = new Map<string, { total: number; count: number }>();
  let largestMeanOut = 0;
  let runningBytes = 0;
  const expectedBytes = new Float64Array(n);
  // Kernels with a task running and no output seen yet: their next task waits for that size.
  const probing = new Map<string, number>();
  const expectOutput = (op: string): number => {
    const seen = outBytes.get(op);
    return seen === undefined ? largestMeanOut : seen.total / seen.count;
  };
  const learnOutput = (op: string, bytes: number): void => {
    let seen = outBytes.get(op);
    if (seen === undefined) outBytes.set(op, (seen = { total: 0, count: 0 }));
    seen.total += bytes;
    seen.count++;
    largestMeanOut = Math.max(largestMeanOut, seen.total / seen.count);
  };
  const fitsBudget = (op: string): boolean =>
    !probing.has(op) && bytesHeld + runningBytes + expectOutput(op) <= maxBytes;
  const startBounded = (i: number): void => {
    const op = tasks[i].op;
    runningBytes += expectedBytes[i] = expectOutput(op);
    if (!outBytes.has(op)) probing.set(op, (probing.get(op) ?? 0) + 1);
  };
  const settleBounded = (i: number): void => {
    runningBytes = running === 0 ? 0 : runningBytes - expectedBytes[i];
    const op = tasks[i].op;
    const probes = probing.get(op);
    if (probes !== undefined) {
      if (probes > 1) probing.set(op, probes - 1);
      else probing.delete(op);
    }
  };
  const retainChunk = executor.retain?.bind(executor);
  const hold = (value: NDArray): void => {
    retainChunk?.(value);
    held++;
    if (held > peakHeld) peakHeld = held;
    const data = value.data;
    const r = refs.get(data);
    if (r === undefined) {
      refs.set(data, 1);
      bytesHeld += data.byteLength;
      if (bytesHeld > peakBytes) peakBytes = bytesHeld;
    } else refs.set(data, r + 1);
  };
  const releaseChunk = executor.release?.bind(executor);
  const release = (i: number): void => {
    const value = results[i]!;
    results[i] = undefined;
    releaseChunk?.(value);
    held--;
    const data = value.data;
    const r = refs.get(data)!;
    if (r === 1) {
      refs.delete(data);
      bytesHeld -= data.byteLength;
    } else refs.set(data, r - 1);
  };

  let done = 0;
  let running = 0;
  let settled = false;
  let lastProgress = started;
  let lastYield = 0;
  let sinceCheck = 0;
  const internal = new AbortController();
  const runOptions = { signal: internal.signal, onWarning: options.onWarning };

  // Start times of the asynchronous tasks running, for timeouts.
  const runningSince = new Map<number, number>();
  let lastStarted = -1;
  const taskTimeout = options.timeout?.task;
  const totalTimeout = options.timeout?.total;

  return new Promise((resolve, reject) => {
    const onAbort = (): void => fail(abortError(signal));
    signal?.addEventListener("abort", onAbort, { once: true });
    const timedOut = (i: number, what: string, ms: number): TaskError =>
      new TaskError(
        tasks[i].key,
        tasks[i].op,
        new Error(`timed out: ${what} ran longer than its timeout of ${ms} ms`),
      );
    const totalTimer =
      totalTimeout === undefined
        ? undefined
        : setTimeout(() => {
            // Blame the longest-running task, else the last one started.
            let oldest = lastStarted;
            let since = Number.POSITIVE_INFINITY;
            for (const [i, t] of runningSince) if (t < since) [oldest, since] = [i, t];
            fail(timedOut(Math.max(0, oldest), "the compute", totalTimeout));
          }, totalTimeout);
    const taskTimers = new Map<number, ReturnType<typeof setTimeout>>();

    const cleanup = (): void => {
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      if (totalTimer !== undefined) clearTimeout(totalTimer);
      for (const t of taskTimers.values()) clearTimeout(t);
      taskTimers.clear();
    };
    function fail(err: unknown): void {
      if (settled) return;
      cleanup();
      // Cancels whatever is still running on the executor.
      internal.abort(err);
      reject(err);
    }
    const progress = (): void => {
      if (onProgress) onProgress({ done, total: n, bytesHeld, peakBytesHeld: peakBytes, running });
    };
    const taskError = (i: number, err: unknown): unknown => {
      if (err instanceof TaskError || err instanceof AbortError) return err;
      if (signal?.aborted) return abortError(signal);
      return new TaskError(tasks[i].key, tasks[i].op, err);
    };
    const noArray = (i: number): TaskError =>
      new TaskError(tasks[i].key, tasks[i].op, new TypeError("the kernel returned no NDArray"));
    const finish = (): void => {
      cleanup();
      const out = new Map<Key, NDArray>();
      for (const key of outputs) {
        const i = g.index.get(key)!;
        if (isOutput[i]) out.set(key, results[i]!);
      }
      const stats: ScheduleStats = {
        tasks: n,
        peakHeldChunks: peakHeld,
        peakHeldBytes: peakBytes,
        durationMs: performance.now() - started,
      };
      progress();
      options.onStats?.(stats);
      resolve({ results: out, stats });
    };

    /** Stores a result, releases inputs whose last dependent this was, readies dependents. */
    const complete = (i: number, value: NDArray): void => {
      results[i] = value;
      if (bounded) learnOutput(tasks[i].op, value.data.byteLength);
      hold(value);
      done++;
      // A consumed output is an intermediate from now on.
      if (isOutput[i] && onOutput && !onOutput(tasks[i].key, value)) isOutput[i] = 0;
      for (let e = depOff[i]; e < depOff[i + 1]; e++) {
        const d = depIdx[e];
        if (--waitingData[d] === 0 && !isOutput[d]) release(d);
      }
      for (let e = dentOff[i]; e < dentOff[i + 1]; e++) {
        const j = dentIdx[e];
        if (--waiting[j] === 0) heapPush(j);
      }
      if (waitingData[i] === 0 && !isOutput[i]) release(i);
    };

    const asyncSettled = (i: number): void => {
      running--;
      if (bounded) settleBounded(i);
      runningSince.delete(i);
      const timer = taskTimers.get(i);
      if (timer !== undefined) {
        clearTimeout(timer);
        taskTimers.delete(i);
      }
    };
    const onAsyncDone = (i: number, value: NDArray): void => {
      asyncSettled(i);
      if (settled) return;
      if (value == null) {
        fail(noArray(i));
        return;
      }
      complete(i, value);
      const now = performance.now();
      if (onProgress && now - lastProgress >= PROGRESS_INTERVAL_MS) {
        lastProgress = now;
        progress();
      }
      pump();
    };

    function pump(): void {
      if (settled) return;
      lastYield = performance.now();
      while (
        heapSize > 0 &&
        running < inFlightLimit() &&
        (!bounded || running === 0 || fitsBudget(tasks[heap[0]].op))
      ) {
        const i = heapPop();
        lastStarted = i;
        const a = inOff[i];
        const b = inOff[i + 1];
        const inputs = new Array<NDArray>(b - a);
        for (let e = a; e < b; e++) inputs[e - a] = results[inIdx[e]]!;
        let value: NDArray | PromiseLike<NDArray>;
        try {
          value = executor.run(tasks[i], inputs, runOptions);
        } catch (err) {
          fail(taskError(i, err));
          return;
        }
        if (isThenable<NDArray>(value)) {
          running++;
          if (bounded) startBounded(i);
          if (totalTimeout !== undefined || taskTimeout !== undefined) runningSince.set(i, performance.now());
          if (taskTimeout !== undefined) {
            taskTimers.set(
              i,
              setTimeout(() => fail(timedOut(i, "the task", taskTimeout)), taskTimeout),
            );
          }
          value.then(
            (v) => onAsyncDone(i, v),
            (err) => {
              asyncSettled(i);
              fail(taskError(i, err));
            },
          );
        } else {
          if (value == null) {
            fail(noArray(i));
            return;
          }
          complete(i, value);
        }
        if (++sinceCheck >= CHECK_EVERY) {
          sinceCheck = 0;
          if (signal?.aborted) {
            fail(abortError(signal));
            return;
          }
          const now = performance.now();
          if (onProgress && now - lastProgress >= PROGRESS_INTERVAL_MS) {
            lastProgress = now;
            progress();
          }
          // A long synchronous stretch yields, so abort signals, timers and UI get a turn.
          if (now - lastYield >= yieldEveryMs) {
            lastYield = now;
            setTimeout(pump, 0);
            return;
          }
        }
      }
      if (done === n) finish();
      else if (running === 0) {
        // Nothing running and nothing started: no task would ever finish.
        fail(new Error(`Scheduler stalled with ${n - done} tasks left (internal error)`));
      }
    }

    if (onProgress) progress();
    pump();
  });
}
