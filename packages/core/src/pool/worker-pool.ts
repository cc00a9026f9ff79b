/**
 * The pool core every transport shares: a queue of tasks, a batching loop that packs the tasks of
 * one tick into one message per worker (sized from measured run times), blame and retry when a
 * worker dies, abort, and the run-time estimate that sets the scheduler's concurrency.
 * @module
 */
import { AbortError, InvalidArgumentError, TaskError, WorkerExitError } from "../errors.js";
import type { Task } from "../graph/task.js";
import { getKernel } from "../kernels/registry.js";
import { workerModules } from "../kernels/source.js";
import type { NDArray, NDArrayLike } from "../ndarray/ndarray.js";
import type { Executor, RunOptions } from "../schedule/executor.js";
import { runCollectingWarnings, type WarningHandler, warningHandler } from "../warnings.js";
import { isThenable } from "../schedule/thenable.js";
import { BufferLedger, type BufferStats } from "./buffers.js";
import { RunTimes } from "./run-times.js";
import type { PoolTransport, PoolWorker } from "./transport.js";
import {
  BATCHES_PER_WORKER,
  BIG_BYTES,
  type AllocationCounts,
  type BatchRequest,
  type BatchResponse,
  byteSize,
  ChunkTableBuilder,
  compactCopy,
  type ExitMessage,
  FAILED,
  type FromWorker,
  fromWireError,
  isShared,
  OK,
  ownsWholeBuffer,
  packParams,
  readChunkTable,
  RunningCell,
  type ToWorker,
  WRITTEN,
} from "./wire.js";

/**
 * A batch is closed once its tasks' estimated run time reaches this many ms: long enough that a
 * message round trip (~0.03-0.1 ms) is a small fraction, short enough to keep workers balanced.
 */
const BATCH_TARGET_MS = 2;
/** Upper bound on tasks in one message (bounds message size and result latency). */
const MAX_BATCH = 1024;
/** Upper bound on the adaptive `concurrency` per worker (tiny tasks). */
const MAX_TASKS_PER_WORKER = 64;
/** How often a task whose batch was lost with its worker (but that did not kill it) is retried. */
const MAX_RETRIES = 3;
/** Most task kinds whose output size the pool remembers (to lend each output a free buffer). */
const MAX_OUT_KINDS = 4096;
/** A worker that dies before it starts this many times in a row means its script cannot load. */
const MAX_START_FAILURES = 3;

/**
 * Kernels a pool runs on the calling thread by default: they only repackage data (a literal, an
 * identity, the fields of a multi-reduction's partial: `compute([x.sum(), x.mean()])` makes two
 * per block), so a round trip to a worker (~0.1 ms of the calling thread's time) would cost more.
 */
export const DEFAULT_INLINE: readonly string[] = ["core.literal", "core.identity", "reduce.fields"];

/**
 * Default of `inlineBelowMs`: a task with inputs whose kind ({@link taskKind}) ran for less than this
 * many ms (median of its latest runs) goes on the calling thread, because a round trip to a worker
 * keeps its dependents waiting about as long: a message each way and the worker's wake-up, 0.1-0.3 ms
 * on an idle machine and milliseconds under load (W4's slices, 0.02 ms each, and its final combine,
 * 0.2 ms, took 1-11 ms each on a pool).
 */
export const DEFAULT_INLINE_BELOW_MS = 0.5;
/**
 * Calling-thread time per tick that tasks run there for being tiny may take; the rest of a tick's
 * tasks go to the workers, so a graph of many tiny tasks still spreads over them.
 */
const INLINE_MS_PER_TICK = 1;

/** Options of {@link WorkerPool} (the transport-independent ones). */
export interface WorkerPoolOptions {
  /** Number of workers (a positive integer). */
  workers: number;
  /** Module URLs every worker imports before its first task, so their kernels register. */
  modules?: readonly string[];
  /**
   * Tasks the scheduler should keep in flight. Default: adaptive, `workers` × (2 ms / the median
   * run time of the slowest kernel run lately), between 1 and 64 per worker, so tiny tasks are
   * batched and big ones (reads, say) are not over-queued, even among many tiny ones.
   */
  concurrency?: number;
  /**
   * Kernel ids run on the calling thread instead of a worker: ones that only repackage data, where
   * a round trip would cost more than the kernel. Default {@link DEFAULT_INLINE}.
   */
  inline?: readonly string[];
  /**
   * Tasks with inputs whose kind (kernel and input size) ran for less than this many ms, the median
   * of its latest runs, run on the calling thread: a round trip to a worker would keep their
   * dependents waiting longer. At most 1 ms of them per tick; the rest go to the workers. Default
   * {@link DEFAULT_INLINE_BELOW_MS}; 0 sends every task not in `inline` to a worker.
   */
  inlineBelowMs?: number;
  /**
   * Milliseconds without any task after which the workers end; the next task starts them again.
   * Default `Infinity` (keep them for the pool's life).
   */
  idleTimeout?: number;
  /**
   * After a task is aborted, how long its worker may go on running it before the pool decides it
   * is stuck, ends it and starts a replacement (its other tasks are retried there). Default 3000 ms.
   */
  abortGrace?: number;
}

/** Counters of a pool's life, for tests and diagnostics. */
export interface WorkerPoolStats {
  /** Tasks sent to workers (retries count again). */
  readonly tasks: number;
  /** Tasks run on the calling thread: `inline` kernels, and tasks below `inlineBelowMs`. */
  readonly inlined: number;
  /** Outputs the workers wrote straight into the caller's result (`RunOptions.into`). */
  readonly written: number;
  /** Messages (batches) sent. */
  readonly batches: number;
  /** Workers started, replacements and restarts after an idle timeout included. */
  readonly workersStarted: number;
  /** Workers that died and were replaced. */
  readonly workersLost: number;
  /** Workers ended because they went on running an aborted task (see `abortGrace`). */
  readonly workersStuck: number;
  /** Total run time of kernels in the workers, in ms (as measured there). */
  readonly kernelMs: number;
  /** The shared buffers workers made: in use by results, free, lent to batches, dropped (pool/buffers.ts). */
  readonly buffers: BufferStats;
  /**
   * Arrays of at least 64 KiB the workers' kernels allocated (`fresh` ones cost a page fault per
   * 4 KiB, `reused` ones came from the workers' free lists, kernels/recycle.ts), and the shared
   * buffers big outputs were copied into (`sharedFresh`, `sharedReused`; pool/buffers.ts).
   */
  readonly allocations: AllocationCounts;
}

interface Slot {
  readonly index: number;
  readonly worker: PoolWorker;
  readonly batches: Map<number, Batch>;
  /** The batch id and task index the worker runs (shared memory), when the platform has it. */
  readonly running: Int32Array | undefined;
  ready: boolean;
  dead: boolean;
}

interface Batch {
  readonly id: number;
  readonly slot: Slot;
  readonly entries: Entry[];
  /** Ids of the free shared buffers lent to it (pool/buffers.ts). */
  readonly lent: readonly number[];
  /** Entries not yet settled; at 0 the worker may skip the rest. */
  open: number;
  stuckTimer?: ReturnType<typeof setTimeout>;
}

interface Entry {
  readonly task: Task;
  readonly inputs: readonly NDArray[];
  readonly resolve: (out: NDArray) => void;
  readonly reject: (err: unknown) => void;
  readonly signal: AbortSignal | undefined;
  /** Receives the warnings the worker reports for this task. */
  readonly onWarning: WarningHandler | undefined;
  /** Told which worker ran this task (profiles). */
  readonly onWorker: ((worker: number) => void) | undefined;
  /** The task's {@link taskKind}, whose run times decide whether tasks like it run inline. */
  readonly kind: string | undefined;
  /** Its kernel had no run time yet when it was queued (see `concurrency`). */
  readonly unmeasured: boolean;
  /** Its kernel and exact input bytes: the last output of the same decides the buffer lent for it. */
  readonly outKind: string;
  settled: boolean;
  batch: Batch | undefined;
  retries: number;
  /** Sent in a batch of its own (after its batch could not be posted). */
  solo: boolean;
  /** Where the worker may write the output (`RunOptions.into`, shared memory). */
  readonly into: NDArray | undefined;
}

/** A message for a positive-integer option, naming it. */
export function checkWorkerCount(poolName: string, workers: unknown): number {
  if (!Number.isInteger(workers) || (workers as number) < 1) {
    throw new InvalidArgumentError(
      `${poolName} needs at least one worker. Got workers=${String(workers)}, expected a positive integer.`,
    );
  }
  return workers as number;
}

/**
 * An {@link Executor} that runs tasks on a pool of workers reached through a
 * {@link PoolTransport}. `NodePool` and `WebPool` are this class with their transport.
 *
 * - Chunks move without element-wise serialisation: large ones shared (SharedArrayBuffer; a
 *   caller's chunk is copied into shared memory once per compute) or as transferred compact
 *   copies, small ones packed into one arena per message. The caller's chunks are never detached,
 *   and a small view never drags its large buffer along.
 * - `run()` calls of one tick go out as batches, one message per idle worker, sized from the
 *   measured run time of each kernel, so thousands of tiny tasks cost a few µs each.
 * - A kernel that throws rejects its task with core's `TaskError` (key, kernel, the worker's
 *   error rebuilt as `cause`). The pool stays usable.
 * - A worker that dies fails the task it was running (`WorkerExitError` cause); the other tasks it
 *   held are retried on a replacement.
 * - An aborted `signal` rejects its tasks at once; queued work is dropped, a worker skips what it
 *   has not started of a batch nobody waits for, and a worker still running an aborted task after
 *   `abortGrace` ms is ended and replaced.
 */
export class WorkerPool implements Executor, AsyncDisposable {
  /** Number of workers. */
  readonly workers: number;

  readonly #transport: PoolTransport;
  readonly #modules: readonly string[];
  readonly #fixedConcurrency: number | undefined;
  readonly #inline: ReadonlySet<string>;
  readonly #inlineBelowMs: number;
  /** Calling-thread ms left in this tick for tasks run there for being tiny. */
  #inlineMsLeft = INLINE_MS_PER_TICK;
  #inlineRefillScheduled = false;
  readonly #idleTimeout: number;
  readonly #abortGrace: number;
  readonly #slots: (Slot | undefined)[] = [];

  #queue: Entry[] = [];
  #head = 0;
  #pumpScheduled = false;
  #closed = false;
  #closing: Promise<void> | undefined;
  #broken: Error | undefined;
  #startFailures = 0;
  #nextBatch = 0;
  #inflight = 0;
  /** Tasks queued or running whose kernel had no run time yet when they were queued. */
  #unmeasured = 0;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #lastActive = 0;
  /** Run times per kernel id, as measured in the workers. */
  readonly #runTimes = new RunTimes();
  /** Run times per task kind (kernel and input size), wherever the task ran. */
  readonly #kindTimes = new RunTimes();
  /**
   * SharedArrayBuffer copies of the caller's chunks, so a chunk used by many tasks is copied once.
   * Kept per compute (the scheduler's signal): an array given to `fromArray` may change between computes.
   */
  readonly #sharedCopies = new WeakMap<AbortSignal, WeakMap<object, NDArrayLike>>();
  /** Tasks waiting on each signal: one abort listener per signal, not per task. */
  readonly #bySignal = new WeakMap<AbortSignal, Set<Entry>>();
  #stats = {
    tasks: 0,
    inlined: 0,
    written: 0,
    batches: 0,
    workersStarted: 0,
    workersLost: 0,
    workersStuck: 0,
    kernelMs: 0,
  };
  readonly #allocations = { fresh: 0, reused: 0, sharedFresh: 0, sharedReused: 0 };
  #readyWaiters: { resolve: () => void; reject: (err: Error) => void }[] = [];
  /** Which results use which worker buffers; frees them on the scheduler's last release. */
  readonly #buffers = new BufferLedger();
  /** Bytes of the last output of each task kind that travelled in a shared buffer (0: none). */
  readonly #outBytes = new Map<string, number>();

  constructor(transport: PoolTransport, options: WorkerPoolOptions) {
    this.#transport = transport;
    this.workers = checkWorkerCount(transport.poolName, options.workers);
    const { concurrency, idleTimeout, abortGrace, inlineBelowMs } = options;
    if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1))
      throw new InvalidArgumentError(
        `${transport.poolName} concurrency must be a positive integer. Got concurrency=${String(concurrency)}.`,
      );
    if (idleTimeout !== undefined && !(idleTimeout >= 0))
      throw new InvalidArgumentError(
        `${transport.poolName} idleTimeout must be a non-negative number of ms. Got idleTimeout=${String(idleTimeout)}.`,
      );
    if (inlineBelowMs !== undefined && !(inlineBelowMs >= 0))
      throw new InvalidArgumentError(
        `${transport.poolName} inlineBelowMs must be a non-negative number of ms. Got inlineBelowMs=${String(inlineBelowMs)}.`,
      );
    if (abortGrace !== undefined && !(abortGrace >= 0))
      throw new InvalidArgumentError(
        `${transport.poolName} abortGrace must be a non-negative number of ms. Got abortGrace=${String(abortGrace)}.`,
      );
    this.#modules = options.modules ?? [];
    this.#fixedConcurrency = concurrency;
    this.#inline = new Set(options.inline ?? DEFAULT_INLINE);
    this.#inlineBelowMs = inlineBelowMs ?? DEFAULT_INLINE_BELOW_MS;
    this.#idleTimeout = idleTimeout ?? Number.POSITIVE_INFINITY;
    this.#abortGrace = abortGrace ?? 3000;
    // Start the workers now, so the first compute does not wait for their scripts.
    for (let i = 0; i < this.workers; i++) this.#slots.push(this.#spawn(i));
    this.#armIdle();
  }

  /** How large chunks cross to the workers. */
  get sharing(): PoolTransport["sharing"] {
    return this.#transport.sharing;
  }

  /**
   * Whether workers write outputs straight into the caller's result (`RunOptions.into`): when they
   * share memory with it.
   */
  get writesInto(): boolean {
    return this.#transport.sharing === "shared" && typeof SharedArrayBuffer === "function";
  }

  /**
   * How many tasks the scheduler should keep in flight: the `concurrency` option, or adaptive,
   * `workers` × (2 ms / the slowest recent kernel's run time), between 1 and 64 per worker.
   */
  get concurrency(): number {
    if (this.#fixedConcurrency !== undefined) return this.#fixedConcurrency;
    const slowest = this.#runTimes.slowestRecent();
    // A kernel not yet measured may be slow and big (a compute's reads or random blocks after a
    // graph of tiny tasks): one task per worker until it is. Counted as tiny, the 10000² rechunk
    // started all 100 of its 8 MB blocks at once after a warm-up of tiny tasks (1.24 GB held,
    // against 0.84 GB once measured).
    if (slowest === undefined || this.#unmeasured > 0) return this.workers;
    const perWorker = Math.round(BATCH_TARGET_MS / Math.max(slowest, 1e-3));
    return this.workers * Math.max(1, Math.min(MAX_TASKS_PER_WORKER, perWorker));
  }

  /** Counters: tasks and messages sent, workers started, lost and replaced. */
  get stats(): WorkerPoolStats {
    return { ...this.#stats, buffers: this.#buffers.stats, allocations: { ...this.#allocations } };
  }

  /** The scheduler holds `chunk` (a result): a worker buffer it uses is not free until it is released. */
  retain(chunk: NDArray): void {
    this.#buffers.retain(chunk.data.buffer);
  }

  /**
   * The scheduler dropped `chunk` (its last dependent ran): when it was the last result using a
   * shared buffer a worker allocated, the buffer goes back to that worker for reuse, instead of
   * waiting for both threads' garbage collectors.
   */
  release(chunk: NDArray): void {
    this.#buffers.release(chunk.data.buffer);
  }

  /**
   * Resolves once every worker has loaded its script and kernel modules (a compute need not wait
   * for it: tasks queue meanwhile). Rejects if the pool is closed or its workers cannot start.
   *
   * @example
   * ```ts
   * const pool = new NodePool({ modules: [kernelsUrl] });
   * await pool.ready(); // e.g. before timing
   * ```
   */
  ready(): Promise<void> {
    if (this.#broken) return Promise.reject(this.#broken);
    if (this.#closed) return Promise.reject(this.#closedError());
    for (let i = 0; i < this.workers; i++) if (!this.#slots[i]) this.#slots[i] = this.#spawn(i);
    if (this.#slots.every((s) => s?.ready)) return Promise.resolve();
    // A script whose only pending work is `await pool.ready()` must not exit before the workers start.
    for (const s of this.#slots) if (s && !s.ready) s.worker.keepAlive?.(true);
    return new Promise((resolve, reject) => this.#readyWaiters.push({ resolve, reject }));
  }

  /**
   * Runs one task on a worker. `inputs` are the chunks named by `task.deps`, in order; they are not
   * modified or detached. Rejects with a `TaskError` (key, kernel, cause) when the kernel throws or
   * its worker dies, and with an `AbortError` when `signal` aborts first.
   */
  run(task: Task, inputs: readonly NDArray[], options: RunOptions = {}): NDArray | Promise<NDArray> {
    if (this.#closed) {
      return Promise.reject(
        new WorkerExitError(
          `${this.#transport.poolName} is closed: cannot run task ${task.key}. Create a new pool.`,
        ),
      );
    }
    if (this.#broken) return Promise.reject(new TaskError(task.key, task.op, this.#broken));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortError(task.key, signal));
    if (this.#inline.has(task.op)) {
      this.#stats.inlined++;
      return this.#runInline(task, inputs, options.onWarning);
    }
    const into = this.writesInto ? options.into : undefined;
    // Tasks without inputs (reads, random fills) make their data: their cost is unknown from here.
    // One with a place in the caller's result is not tiny: a worker copies it there.
    const bytes = inputBytes(inputs);
    const kind = this.#inlineBelowMs > 0 && inputs.length > 0 && !into ? taskKind(task.op, bytes) : undefined;
    if (kind !== undefined && this.#isTiny(kind)) return this.#runTiny(task, inputs, options.onWarning, kind);
    const outKind = `${task.op}:${bytes}`;
    const unmeasured = this.#runTimes.cost(task.op) === undefined;
    if (unmeasured) this.#unmeasured++;
    return new Promise<NDArray>((resolve, reject) => {
      const entry: Entry = {
        task,
        inputs,
        resolve,
        reject,
        signal,
        onWarning: options.onWarning,
        onWorker: options.onWorker,
        kind,
        outKind,
        unmeasured,
        settled: false,
        batch: undefined,
        retries: 0,
        solo: false,
        into,
      };
      if (signal) this.#watch(signal, entry);
      this.#queue.push(entry);
      this.#schedulePump();
    });
  }

  /**
   * Ends the workers. Tasks not yet finished reject; later `run` calls reject. Safe to call more
   * than once.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    const name = this.#transport.poolName;
    const queued = this.#queue.slice(this.#head);
    this.#queue = [];
    this.#head = 0;
    for (const e of queued)
      this.#reject(
        e,
        new TaskError(
          e.task.key,
          e.task.op,
          new WorkerExitError(`The ${name} was closed before the task ran.`),
        ),
      );
    const ended: (void | Promise<void>)[] = [];
    for (const slot of this.#slots) {
      if (!slot) continue;
      for (const batch of slot.batches.values()) {
        for (const e of batch.entries)
          this.#reject(
            e,
            new TaskError(
              e.task.key,
              e.task.op,
              new WorkerExitError(`The ${name} was closed before the task finished.`),
            ),
          );
      }
      ended.push(this.#end(slot));
    }
    for (const w of this.#readyWaiters.splice(0)) w.reject(this.#closedError());
    this.#closing = Promise.all(ended).then(() => undefined);
    return this.#closing;
  }

  /** {@link close}, for `await using pool = new NodePool()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #closedError(): WorkerExitError {
    return new WorkerExitError(`${this.#transport.poolName} is closed.`);
  }

  #isTiny(kind: string): boolean {
    const ms = this.#kindTimes.cost(kind);
    return ms !== undefined && ms < this.#inlineBelowMs && this.#inlineMsLeft > 0;
  }

  /** Runs a task known to be tiny on the calling thread, and learns its run time there. */
  #runTiny(
    task: Task,
    inputs: readonly NDArray[],
    onWarning: WarningHandler | undefined,
    kind: string,
  ): NDArray | Promise<NDArray> {
    this.#stats.inlined++;
    const started = performance.now();
    const spent = (): void => {
      const ms = performance.now() - started;
      this.#kindTimes.learn(kind, ms);
      this.#inlineMsLeft -= ms;
      if (this.#inlineRefillScheduled) return;
      this.#inlineRefillScheduled = true;
      queueMicrotask(() => {
        this.#inlineRefillScheduled = false;
        this.#inlineMsLeft = INLINE_MS_PER_TICK;
      });
    };
    const out = this.#runInline(task, inputs, onWarning);
    if (!isThenable<NDArray>(out)) {
      spent();
      return out;
    }
    return out.finally(spent);
  }

  #runInline(
    task: Task,
    inputs: readonly NDArray[],
    onWarning: WarningHandler | undefined,
  ): NDArray | Promise<NDArray> {
    const fail = (e: unknown) => Promise.reject(new TaskError(task.key, task.op, e));
    try {
      const run = () => getKernel(task.op)(inputs as NDArray[], task.params);
      const out = onWarning ? runCollectingWarnings(task.key, onWarning, run) : run();
      return isThenable<NDArray>(out) ? Promise.resolve(out).catch(fail) : out;
    } catch (e) {
      return fail(e);
    }
  }

  // -- Workers

  #spawn(index: number): Slot {
    const running = RunningCell.create();
    let slot: Slot | undefined;
    const worker = this.#transport.spawn(index, {
      message: (msg) => {
        if (slot) this.#onMessage(slot, msg);
      },
      exit: (error) => {
        if (slot) this.#onDeath(slot, error, undefined);
      },
    });
    slot = { index, worker, batches: new Map(), running, ready: false, dead: false };
    this.#stats.workersStarted++;
    const init: ToWorker = {
      type: "init",
      // The allow-list of code a worker loads: our `modules` and the format tables of loaded io entries.
      modules: [...new Set([...this.#modules, ...workerModules()])],
      sharing: this.#transport.sharing,
      poolName: this.#transport.poolName,
      idBase: this.#stats.workersStarted * 2 ** 32,
      ...(running ? { running } : {}),
    };
    worker.post(init, []);
    // Idle threads never keep the process alive, except while someone awaits ready().
    worker.keepAlive?.(this.#readyWaiters.length > 0);
    return slot;
  }

  /** Ends a worker on purpose (close, idle, stuck): no death is reported for it. */
  #end(slot: Slot): void | Promise<void> {
    if (slot.dead) return;
    slot.dead = true;
    for (const batch of slot.batches.values()) {
      if (batch.stuckTimer) clearTimeout(batch.stuckTimer);
      this.#inflight--;
    }
    // Lent buffers a stuck kernel may still write into go to GC, not to another task.
    for (const batch of slot.batches.values()) this.#buffers.lost(batch.lent);
    slot.batches.clear();
    if (this.#slots[slot.index] === slot) this.#slots[slot.index] = undefined;
    return slot.worker.terminate();
  }

  #onMessage(slot: Slot, msg: FromWorker): void {
    if (slot.dead) return;
    switch (msg.type) {
      case "ready":
        slot.ready = true;
        this.#startFailures = 0;
        if (slot.batches.size === 0) slot.worker.keepAlive?.(false);
        if (this.#slots.every((s) => s?.ready)) for (const w of this.#readyWaiters.splice(0)) w.resolve();
        break;
      case "done":
        this.#done(slot, msg);
        break;
      case "exit":
        this.#onExit(slot, msg);
        break;
    }
  }

  #onExit(slot: Slot, msg: ExitMessage): void {
    const why =
      msg.reason === "close"
        ? "a kernel called self.close()"
        : `an error escaped a kernel: ${msg.error ? `${msg.error.name}: ${msg.error.message}` : "unknown"}`;
    const cause = msg.error ? fromWireError(msg.error) : new WorkerExitError(why);
    this.#onDeath(slot, cause, { batch: msg.batch, index: msg.index }, why);
  }

  /**
   * A worker is gone: the task it was running fails (all its tasks, when that is unknown), the
   * others it held are retried elsewhere, and a new worker takes its place.
   */
  #onDeath(
    slot: Slot,
    cause: Error,
    known: { batch: number; index: number } | undefined,
    why = cause.message,
  ): void {
    if (slot.dead || this.#closed) return;
    const running = known ?? (slot.running ? RunningCell.current(slot.running) : undefined);
    const batches = [...slot.batches.values()];
    const startup = !slot.ready;
    void this.#end(slot);
    this.#stats.workersLost++;
    const died = new WorkerExitError(
      `The ${this.#transport.workerNoun} running it died (${why}). The pool replaced it; other tasks it held were retried.`,
      { cause },
    );
    const retry: Entry[] = [];
    for (const batch of batches) {
      for (let i = 0; i < batch.entries.length; i++) {
        const e = batch.entries[i];
        e.batch = undefined;
        if (e.settled) continue;
        const blamed = running === undefined || (running.batch === batch.id && running.index === i);
        if (startup || blamed || e.retries >= MAX_RETRIES)
          this.#reject(e, new TaskError(e.task.key, e.task.op, startup ? cause : died));
        else {
          e.retries++;
          retry.push(e);
        }
      }
    }
    if (startup && ++this.#startFailures >= MAX_START_FAILURES) {
      this.#break(
        new WorkerExitError(
          `${this.#transport.poolName}: workers failed to start ${MAX_START_FAILURES} times in a row; the pool gave up. Last error: ${cause.message}`,
          { cause },
        ),
      );
      return;
    }
    this.#slots[slot.index] = this.#spawn(slot.index);
    this.#requeue(retry);
    this.#pump();
  }

  /** The worker script cannot run here: fail everything now and later, rather than respawn forever. */
  #break(err: Error): void {
    this.#broken = err;
    const pending = this.#queue.slice(this.#head);
    this.#queue = [];
    this.#head = 0;
    for (const slot of this.#slots) {
      if (!slot) continue;
      for (const batch of slot.batches.values()) pending.push(...batch.entries);
      void this.#end(slot);
    }
    for (const e of pending) this.#reject(e, new TaskError(e.task.key, e.task.op, err));
    for (const w of this.#readyWaiters.splice(0)) w.reject(err);
  }

  #armIdle(): void {
    if (this.#idleTimer || !Number.isFinite(this.#idleTimeout) || this.#closed) return;
    const check = (): void => {
      this.#idleTimer = undefined;
      if (this.#closed) return;
      const idleFor = performance.now() - this.#lastActive;
      if (this.#inflight > 0 || this.#head < this.#queue.length || idleFor < this.#idleTimeout) {
        this.#idleTimer = setTimeout(check, Math.max(1, this.#idleTimeout - idleFor));
        (this.#idleTimer as { unref?: () => void }).unref?.();
        return;
      }
      for (const slot of this.#slots) if (slot) void this.#end(slot);
    };
    this.#lastActive = performance.now();
    this.#idleTimer = setTimeout(check, this.#idleTimeout);
    (this.#idleTimer as { unref?: () => void }).unref?.();
  }

  // -- Abort

  #watch(signal: AbortSignal, entry: Entry): void {
    let entries = this.#bySignal.get(signal);
    if (!entries) {
      // One listener per signal for the signal's life: the scheduler passes one signal to every task
      // of a compute, and re-adding a listener whenever the set empties would pile them up.
      const set = new Set<Entry>();
      entries = set;
      this.#bySignal.set(signal, set);
      signal.addEventListener("abort", () => this.#abort(signal, set), { once: true });
    }
    entries.add(entry);
  }

  #abort(signal: AbortSignal, entries: Set<Entry>): void {
    for (const e of [...entries]) {
      const batch = e.batch;
      this.#reject(e, abortError(e.task.key, signal));
      if (!batch || batch.open > 0 || batch.slot.dead) continue;
      // Nobody waits for this batch any more: let the worker skip what it has not started, and
      // replace the worker if it is still in this batch's kernel after the grace period.
      const cancel: ToWorker = { type: "cancel", id: batch.id };
      batch.slot.worker.post(cancel, []);
      batch.stuckTimer ??= setTimeout(() => this.#replaceStuck(batch), this.#abortGrace);
      (batch.stuckTimer as { unref?: () => void }).unref?.();
    }
  }

  #replaceStuck(batch: Batch): void {
    const slot = batch.slot;
    if (slot.dead || this.#closed || slot.batches.get(batch.id) !== batch) return;
    // Only a worker inside one of this batch's kernels is stuck; one still starting up, or busy
    // with an earlier batch, will skip the cancelled tasks when it gets to them.
    const inKernel = slot.running ? RunningCell.inKernel(slot.running, batch.id) : slot.ready;
    if (!inKernel) {
      batch.stuckTimer = setTimeout(() => this.#replaceStuck(batch), this.#abortGrace);
      (batch.stuckTimer as { unref?: () => void }).unref?.();
      return;
    }
    const others = [...slot.batches.values()].filter((b) => b !== batch);
    void this.#end(slot);
    this.#stats.workersStuck++;
    const retry: Entry[] = [];
    for (const b of others)
      for (const e of b.entries) {
        e.batch = undefined;
        if (!e.settled) retry.push(e);
      }
    this.#slots[slot.index] = this.#spawn(slot.index);
    this.#requeue(retry);
    this.#pump();
  }

  #settle(e: Entry): boolean {
    if (e.settled) return false;
    e.settled = true;
    if (e.unmeasured) this.#unmeasured--;
    if (e.batch) e.batch.open--;
    if (e.signal) this.#bySignal.get(e.signal)?.delete(e);
    return true;
  }

  #resolve(e: Entry, out: NDArray): void {
    if (this.#settle(e)) e.resolve(out);
  }

  #reject(e: Entry, err: unknown): void {
    if (this.#settle(e)) e.reject(err);
  }

  // -- Dispatch

  #schedulePump(): void {
    // Coalesce everything submitted in this tick into batches.
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    queueMicrotask(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  /** The worker with the fewest batches in flight (started on demand), and how many share that count. */
  #leastBusy(): { slot: Slot | undefined; ties: number } {
    let best: Slot | undefined;
    let ties = 0;
    for (let i = 0; i < this.workers; i++) {
      let s = this.#slots[i];
      if (!s) this.#slots[i] = s = this.#spawn(i); // ended after an idle timeout
      if (s.dead) continue;
      if (!best || s.batches.size < best.batches.size) {
        best = s;
        ties = 1;
      } else if (s.batches.size === best.batches.size) ties++;
    }
    return { slot: best, ties };
  }

  #pump(): void {
    if (this.#closed || this.#broken) return;
    while (this.#head < this.#queue.length) {
      const { slot, ties } = this.#leastBusy();
      if (!slot || slot.batches.size >= BATCHES_PER_WORKER) break;
      // Fair share of what is queued over the least busy workers, capped by known run time; a
      // kernel never measured counts for nothing, so a first tick of tasks is spread evenly.
      const share = Math.ceil((this.#queue.length - this.#head) / ties);
      const entries: Entry[] = [];
      let cost = 0;
      while (
        this.#head < this.#queue.length &&
        entries.length < share &&
        entries.length < MAX_BATCH &&
        cost < BATCH_TARGET_MS
      ) {
        const e = this.#queue[this.#head];
        if (e.settled) {
          this.#head++;
          continue;
        }
        if (e.solo && entries.length > 0) break;
        this.#head++;
        entries.push(e);
        if (e.solo) break;
        cost += this.#runTimes.cost(e.task.op) ?? 0;
      }
      if (this.#head === this.#queue.length) {
        this.#queue = [];
        this.#head = 0;
      }
      if (entries.length > 0) this.#send(slot, entries);
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Packs a chunk for a message: small ones into the arena, big ones shared or as a transferred copy. */
  #addChunk(
    a: NDArrayLike,
    signal: AbortSignal | undefined,
    table: ChunkTableBuilder,
    transfer: ArrayBuffer[],
  ): number {
    if (byteSize(a) < BIG_BYTES) return table.addSmall(a);
    const big = this.#bigChunk(a, signal, transfer);
    return table.addBig(big, this.#buffers.idOf(big.data.buffer));
  }

  #bigChunk(a: NDArrayLike, signal: AbortSignal | undefined, transfer: ArrayBuffer[]): NDArrayLike {
    if (isShared(a.data)) return a; // shared memory already: nothing is copied, whatever the view
    if (this.#transport.sharing === "shared") {
      // Without a signal (a direct run() call) there is no compute to scope a cache to.
      if (!signal) return compactCopy(a, true);
      let copies = this.#sharedCopies.get(signal);
      if (!copies) this.#sharedCopies.set(signal, (copies = new WeakMap()));
      let shared = copies.get(a);
      if (!shared) copies.set(a, (shared = compactCopy(a, true)));
      return shared;
    }
    // Never transfer the caller's buffer (the scheduler may still need it): transfer a copy.
    const copy = compactCopy(a, false);
    transfer.push(copy.data.buffer as ArrayBuffer);
    return copy;
  }

  /** A chunk inside task params (core.literal): compacted, shared or transferred like an input. */
  #paramChunk(a: NDArrayLike, signal: AbortSignal | undefined, transfer: ArrayBuffer[]): NDArrayLike {
    if (byteSize(a) >= BIG_BYTES) return this.#bigChunk(a, signal, transfer);
    return ownsWholeBuffer(a) || isShared(a.data) ? a : compactCopy(a, false);
  }

  #send(slot: Slot, entries: Entry[]): void {
    const ops: string[] = [];
    const opIndex = new Map<string, number>();
    const op: number[] = [];
    const params: unknown[] = [];
    const inStart: number[] = [0];
    const inputs: number[] = [];
    const into: number[] = [];
    const table = new ChunkTableBuilder();
    const transfer: ArrayBuffer[] = [];
    // A chunk used by several tasks of the batch is sent once.
    const chunkIndex = new Map<NDArrayLike, number>();
    const sent: Entry[] = [];
    const name = this.#transport.poolName;
    for (const e of entries) {
      const { key, op: id, params: p } = e.task;
      let packed: unknown;
      try {
        packed = packParams(p, (a) => this.#paramChunk(a, e.signal, transfer), name);
      } catch (err) {
        this.#reject(e, new TaskError(key, id, err));
        continue;
      }
      let k = opIndex.get(id);
      if (k === undefined) opIndex.set(id, (k = ops.push(id) - 1));
      op.push(k);
      params.push(packed);
      for (const a of e.inputs) {
        let c = chunkIndex.get(a);
        if (c === undefined) chunkIndex.set(a, (c = this.#addChunk(a, e.signal, table, transfer)));
        inputs.push(c);
      }
      inStart.push(inputs.length);
      // Always big (a view of the caller's shared result), never copied.
      into.push(e.into ? table.addBig(e.into) : -1);
      sent.push(e);
    }
    if (sent.length === 0) return;
    const chunks = table.finish([sent.length, ...op, ...inStart, ...inputs]);
    // Cloned, not transferred, where chunks are shared: a detached ArrayBuffer would make V8 check
    // for detachment in every typed-array loop this thread optimises later (in-process computes
    // after a pool's: W4 290 -> 330 ms), as runtime.ts does for the workers' results.
    if (chunks.arena && this.#transport.sharing !== "shared") transfer.push(chunks.arena);
    const id = this.#nextBatch++;
    // A free buffer for each output expected to travel shared, of the size its kind's last had.
    const lent = this.#buffers.lend(sent.map((e) => (e.into ? 0 : (this.#outBytes.get(e.outKind) ?? 0))));
    const request: BatchRequest = {
      type: "run",
      id,
      sentAt: Date.now(),
      ops,
      params,
      chunks,
      ...(lent ? { lent: lent.buffers, lentIds: lent.ids } : {}),
      ...(into.some((c) => c >= 0) ? { into } : {}),
    };
    try {
      slot.worker.post(request, transfer);
    } catch (err) {
      if (lent) this.#buffers.returned(lent.ids);
      // Params that passed packParams but not structured clone (a class instance with a method,
      // say): send each task alone so only the culprit fails.
      if (sent.length === 1) this.#reject(sent[0], new TaskError(sent[0].task.key, sent[0].task.op, err));
      else {
        for (const e of sent) e.solo = true;
        this.#requeue(sent);
        this.#schedulePump();
      }
      return;
    }
    const batch: Batch = { id, slot, entries: sent, lent: lent?.ids ?? [], open: sent.length };
    for (const e of sent) e.batch = batch;
    if (slot.batches.size === 0) slot.worker.keepAlive?.(true);
    slot.batches.set(id, batch);
    this.#inflight++;
    this.#lastActive = performance.now();
    this.#stats.tasks += sent.length;
    this.#stats.batches++;
    this.#armIdle();
  }

  #learn(e: Entry, ms: number): void {
    this.#stats.kernelMs += ms;
    this.#runTimes.learn(e.task.op, ms);
    if (e.kind !== undefined) this.#kindTimes.learn(e.kind, ms);
  }

  #done(slot: Slot, res: BatchResponse): void {
    const batch = slot.batches.get(res.id);
    if (!batch) return;
    slot.batches.delete(res.id);
    if (batch.stuckTimer) clearTimeout(batch.stuckTimer);
    if (slot.batches.size === 0) slot.worker.keepAlive?.(false);
    this.#inflight--;
    this.#lastActive = performance.now();
    const { errors } = res;
    if (res.unused) this.#buffers.returned(res.unused);
    const a = res.allocations;
    this.#allocations.fresh += a.fresh;
    this.#allocations.reused += a.reused;
    this.#allocations.sharedFresh += a.sharedFresh;
    this.#allocations.sharedReused += a.sharedReused;
    const n = batch.entries.length;
    const status = res.chunks.meta.subarray(0, n);
    const ms = res.chunks.meta.subarray(n, 2 * n);
    const ids: number[] = [];
    const outputs = readChunkTable(res.chunks, true, ids);
    let nextOut = 0;
    let nextError = 0;
    const retry: Entry[] = [];
    for (const w of res.warnings ?? []) {
      const e = batch.entries[w.index];
      if (e.settled) continue;
      const { category, message, op } = w;
      (e.onWarning ?? warningHandler())({ category, message, op, key: e.task.key });
    }
    for (let i = 0; i < n; i++) {
      const e = batch.entries[i];
      e.batch = undefined;
      const s = status[i];
      if (s === WRITTEN) {
        this.#learn(e, ms[i]);
        this.#stats.written++;
        if (!e.settled) e.onWorker?.(slot.index);
        this.#resolve(e, e.into!);
      } else if (s === OK) {
        this.#learn(e, ms[i]);
        const out = outputs[nextOut];
        const made = this.#buffers.arrived(out.data.buffer, ids[nextOut]);
        if (this.#outBytes.size >= MAX_OUT_KINDS) this.#outBytes.clear(); // many shapes: start afresh
        this.#outBytes.set(e.outKind, made ? out.data.byteLength : 0);
        // Nobody waits for it (aborted): its buffer is free at once.
        if (e.settled) this.#buffers.discard(out.data.buffer);
        nextOut++;
        if (!e.settled) e.onWorker?.(slot.index);
        this.#resolve(e, out);
      } else if (s === FAILED) {
        this.#learn(e, ms[i]);
        this.#reject(e, new TaskError(e.task.key, e.task.op, fromWireError(errors[nextError++])));
      } else if (!e.settled) {
        retry.push(e); // skipped by a cancel that raced with a retry: run it again
      }
    }
    this.#requeue(retry);
    this.#pump();
  }

  /** Puts tasks back at the front of the queue, in their order. */
  #requeue(entries: Entry[]): void {
    if (entries.length === 0) return;
    this.#queue.splice(this.#head, 0, ...entries);
  }
}

/**
 * What a task's run time is learned under: its kernel and the size class (a power of two) of its
 * inputs' bytes. Fused tasks share one kernel id, so the input size is what tells a combine of
 * partial results from a loop over whole blocks.
 */
function taskKind(op: string, bytes: number): string {
  return `${op}@${Math.ceil(Math.log2(bytes + 1))}`;
}

function inputBytes(inputs: readonly NDArray[]): number {
  let bytes = 0;
  for (const a of inputs) bytes += a.data.byteLength;
  return bytes;
}

/** The rejection of a task whose signal aborted; `cause` is the signal's reason. */
function abortError(key: string, signal: AbortSignal): AbortError {
  return new AbortError(`Task ${key} was aborted.`, { cause: signal.reason });
}
