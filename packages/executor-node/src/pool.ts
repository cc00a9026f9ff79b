import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { isAbsolute, resolve as resolvePath } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ResourceLimits } from "node:worker_threads";
import {
  type Executor,
  getKernel,
  type NDArray,
  type NDArrayLike,
  type Task,
  workerModules,
} from "@chunked/core/internal";
import { Piscina } from "piscina";
import { abortError, taskError } from "./errors.js";
import {
  type BatchRequest,
  type BatchResponse,
  ChunkTableBuilder,
  FAILED,
  fromWireError,
  isShared,
  OK,
  pack,
  packParams,
  readChunkTable,
  SHARE_MIN_BYTES,
  type WorkerData,
} from "./wire.js";

/**
 * A batch is closed once its tasks' estimated run time reaches this many ms: long enough that the
 * ~25-55 µs message round trip is a few percent, short enough that workers stay balanced.
 */
const BATCH_TARGET_MS = 1;
/** Upper bound on tasks in one message (keeps messages and result latency bounded). */
const MAX_BATCH = 1024;
/** Upper bound on the adaptive `concurrency` per worker (tiny tasks). */
const MAX_TASKS_PER_WORKER = 64;
/** Messages in flight per worker: one running, one waiting, so a worker never idles on a round trip. */
const BATCHES_PER_WORKER = 2;
/** How often a task that was in a batch whose worker died (but did not run) is retried. */
const MAX_RETRIES = 3;
/** Weight of a new sample in the moving average of task run times. */
const EWMA = 0.25;

/** Options of {@link NodePool}. */
export interface NodePoolOptions {
  /** Number of worker threads. Default: `os.availableParallelism()`. */
  workers?: number;
  /**
   * Modules that define user kernels (`defineKernel` calls): every worker imports them so their
   * kernels are registered there too. URLs (`new URL("./kernels.js", import.meta.url)`), `file:`
   * URLs, absolute or `./relative` paths (from the current directory). A bare package name is
   * resolved from this package, so prefer `import.meta.resolve("my-kernels")`.
   */
  modules?: readonly (string | URL)[];
  /**
   * Milliseconds without any task after which the worker threads exit; the next task starts them
   * again (about 0.1-0.3 s). Default 60 000. `Infinity` keeps them for the pool's life. Idle threads
   * never keep the process alive either way.
   */
  idleTimeout?: number;
  /**
   * Tasks the scheduler should keep in flight. Default: adaptive, `workers` × (1 ms / mean task
   * time), between 1 and 64 per worker, so tiny tasks are batched and big ones are not over-queued.
   */
  concurrency?: number;
  /**
   * Kernel ids run on the calling thread instead of a worker: ones that only repackage data, where a
   * round trip would cost more than the kernel. Default `["core.literal", "core.identity"]`.
   */
  inline?: readonly string[];
  /** V8 heap limits of each worker (see `worker_threads.ResourceLimits`). A worker over them dies, and is replaced. */
  resourceLimits?: ResourceLimits;
  /** Node flags for the workers. Default: none for the built worker; tsx's hook (`--require tsx/cjs`) when running from sources. */
  execArgv?: readonly string[];
}

interface Batch {
  readonly slot: number;
  readonly entries: Entry[];
  /** Entries not yet settled; when it drops to 0 the worker may skip the rest of the batch. */
  open: number;
}

interface Entry {
  readonly task: Task;
  readonly inputs: readonly NDArray[];
  readonly resolve: (out: NDArray) => void;
  readonly reject: (err: unknown) => void;
  readonly signal: AbortSignal | undefined;
  settled: boolean;
  batch: Batch | undefined;
  retries: number;
  /** Sent in a batch of its own (after its batch failed to post). */
  solo: boolean;
}

function isThenable<T>(v: unknown): v is PromiseLike<T> {
  return v !== null && typeof v === "object" && typeof (v as { then?: unknown }).then === "function";
}

function moduleUrl(m: string | URL): string {
  if (m instanceof URL) return m.href;
  if (isAbsolute(m) || m.startsWith("./") || m.startsWith("../")) return pathToFileURL(resolvePath(m)).href;
  return m;
}

/**
 * The worker module: the built `worker.js` beside this file, else `worker.ts`. `ts` is true when the
 * worker will load TypeScript: its own source, or core's (in the workspace core's exports point at
 * `src/*.ts` even for a built copy of this package).
 */
function workerFile(): { url: URL; ts: boolean } {
  const js = new URL("./worker.js", import.meta.url);
  if (!existsSync(fileURLToPath(js))) return { url: new URL("./worker-ts.mjs", import.meta.url), ts: true };
  let coreIsTs = false;
  try {
    coreIsTs = /\.[cm]?ts$/.test(createRequire(import.meta.url).resolve("@chunked/core/internal"));
  } catch {}
  return { url: js, ts: coreIsTs };
}

/**
 * Flags for a built worker that still loads core's TypeScript sources (the workspace): Node 20
 * ignores `--import` in a worker's execArgv, so tsx's CommonJS hook is preloaded with `--require`.
 * Running from sources uses `worker-ts.mjs` instead, which registers tsx's ESM hooks itself.
 */
function tsxExecArgv(): string[] {
  let hook = "tsx/cjs";
  try {
    hook = createRequire(import.meta.url).resolve("tsx/cjs");
  } catch {}
  return ["--require", hook, SOURCE_CONDITION];
}

/**
 * Workers loading TypeScript resolve `@chunked/*` to their sources like the caller did (vitest and
 * tsx resolve the `source` export condition; a worker thread gets only the flags it is given).
 */
const SOURCE_CONDITION = "--conditions=source";
function withSourceCondition(execArgv: readonly string[]): string[] {
  return execArgv.includes(SOURCE_CONDITION) ? [...execArgv] : [...execArgv, SOURCE_CONDITION];
}

/**
 * An {@link Executor} that runs tasks on a pool of worker threads (piscina), so a compute uses
 * every core. Workers import the same kernel registry as the main thread plus the user kernel
 * modules given in `modules`.
 *
 * - Chunks cross threads without element-wise serialisation: large ones through SharedArrayBuffers
 *   (an input that is not shared is copied into one once, and reused for every task that needs it;
 *   the caller's chunk is never detached), small ones (< 32 KiB) as compact copies. Views are
 *   compacted first, so a small view never drags its large buffer along.
 * - Tasks submitted in the same tick are sent as batches (one message for many tasks), sized from
 *   the measured run time of each kernel, so 10k tiny tasks cost a few µs each, not ~50.
 * - A kernel that throws rejects its task with a `TaskError` naming the task key and kernel, with the
 *   worker's error (message and stack) as `cause`. A worker that dies (`process.exit`, out of memory)
 *   fails the task it was running, retries the other tasks of its batch, and is replaced.
 * - An aborted `signal` rejects the task at once; queued work is dropped, and a worker skips the
 *   rest of a batch nobody waits for (a kernel already running finishes first).
 * - Idle threads never keep the process alive; `close()` ends them.
 *
 * @example
 * ```ts
 * // my-kernels.ts, imported by the main thread and (through `modules`) by every worker:
 * //   export const double = defineKernel("my.double", ([a]) => ca.nd.multiply(a, 2));
 * import * as ca from "@chunked/core";
 * import { NodePool } from "@chunked/executor-node";
 * import "./my-kernels.js";
 *
 * const pool = new NodePool({ workers: 4, modules: [new URL("./my-kernels.js", import.meta.url)] });
 * try {
 *   const x = ca.random.random([1e8], { dtype: "float32", chunks: [1e7], seed: 1 });
 *   const total = await x.sum().compute({ executor: pool });
 * } finally {
 *   await pool.close();
 * }
 * ```
 */
export class NodePool implements Executor {
  /** Number of worker threads. */
  readonly workers: number;

  readonly #modules: string[];
  readonly #idleTimeout: number;
  readonly #fixedConcurrency: number | undefined;
  readonly #inline: ReadonlySet<string>;
  readonly #resourceLimits: ResourceLimits | undefined;
  readonly #execArgv: string[] | undefined;
  readonly #worker: URL;
  readonly #maxBatches: number;
  readonly #control: Int32Array;
  readonly #freeSlots: number[];

  #piscina: Piscina | undefined;
  #queue: Entry[] = [];
  #head = 0;
  #inflight = 0;
  #pumpScheduled = false;
  #closed = false;
  #closing: Promise<void> | undefined;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #lastActive = 0;
  /** Moving average of run time (ms, measured in the worker) per kernel id, and over all tasks. */
  readonly #cost = new Map<string, number>();
  #meanMs: number | undefined;
  /** SharedArrayBuffer copies of non-shared chunks, so a chunk used by many tasks is copied once. */
  readonly #sharedCopies = new WeakMap<object, NDArrayLike>();
  /** Tasks waiting on each signal: one abort listener per signal, not per task. */
  readonly #bySignal = new WeakMap<AbortSignal, Set<Entry>>();

  constructor(options: NodePoolOptions = {}) {
    const workers = options.workers ?? availableParallelism();
    if (!Number.isInteger(workers) || workers < 1) {
      throw new RangeError(
        `NodePool needs at least one worker. Got workers=${workers}, expected a positive integer.`,
      );
    }
    this.workers = workers;
    this.#modules = (options.modules ?? []).map(moduleUrl);
    this.#idleTimeout = options.idleTimeout ?? 60_000;
    this.#fixedConcurrency = options.concurrency;
    this.#inline = new Set(options.inline ?? ["core.literal", "core.identity"]);
    this.#resourceLimits = options.resourceLimits;
    const file = workerFile();
    this.#worker = file.url;
    this.#execArgv = options.execArgv
      ? [...options.execArgv]
      : file.ts && file.url.pathname.endsWith("/worker.js")
        ? tsxExecArgv()
        : file.ts
          ? withSourceCondition(process.execArgv)
          : undefined;
    this.#maxBatches = workers * BATCHES_PER_WORKER;
    this.#control = new Int32Array(new SharedArrayBuffer(8 * this.#maxBatches));
    this.#freeSlots = Array.from({ length: this.#maxBatches }, (_, i) => this.#maxBatches - 1 - i);
    // Start the threads now, so the first compute does not pay for it.
    this.#ensurePiscina();
    this.#armIdle();
  }

  /** How many tasks the scheduler should keep in flight (see {@link NodePoolOptions.concurrency}). */
  get concurrency(): number {
    if (this.#fixedConcurrency !== undefined) return this.#fixedConcurrency;
    if (this.#meanMs === undefined) return this.workers;
    const perWorker = Math.round(BATCH_TARGET_MS / Math.max(this.#meanMs, 1e-3));
    return this.workers * Math.max(1, Math.min(MAX_TASKS_PER_WORKER, perWorker));
  }

  /**
   * Runs one task on a worker. `inputs` are the chunks named by `task.deps`, in order; they are not
   * modified or detached. Rejects with a `TaskError` (key, kernel, cause) when the kernel throws or
   * its worker dies, and with an `AbortError` when `signal` aborts first.
   */
  run(
    task: Task,
    inputs: readonly NDArray[],
    options: { signal?: AbortSignal } = {},
  ): NDArray | Promise<NDArray> {
    if (this.#closed) {
      return Promise.reject(new Error(`NodePool is closed: cannot run task ${task.key}. Create a new pool.`));
    }
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortError(task.key, signal));
    if (this.#inline.has(task.op)) return this.#runInline(task, inputs);
    return new Promise<NDArray>((resolve, reject) => {
      const entry: Entry = {
        task,
        inputs,
        resolve,
        reject,
        signal,
        settled: false,
        batch: undefined,
        retries: 0,
        solo: false,
      };
      if (signal) this.#watch(signal, entry);
      this.#queue.push(entry);
      // Coalesce everything submitted in this tick into batches.
      if (!this.#pumpScheduled) {
        this.#pumpScheduled = true;
        queueMicrotask(this.#pump);
      }
    });
  }

  /**
   * Ends the worker threads. Tasks not yet finished are rejected; later `run` calls reject.
   * Safe to call more than once.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    const queued = this.#queue.slice(this.#head);
    this.#queue = [];
    this.#head = 0;
    for (const e of queued) {
      this.#reject(
        e,
        taskError(e.task.key, e.task.op, new Error("The NodePool was closed before the task ran.")),
      );
    }
    const piscina = this.#piscina;
    this.#piscina = undefined;
    this.#closing = piscina ? piscina.destroy() : Promise.resolve();
    return this.#closing;
  }

  #runInline(task: Task, inputs: readonly NDArray[]): NDArray | Promise<NDArray> {
    const fail = (e: unknown) => Promise.reject(taskError(task.key, task.op, e));
    try {
      const out = getKernel(task.op)(inputs as NDArray[], task.params);
      return isThenable<NDArray>(out) ? Promise.resolve(out).catch(fail) : out;
    } catch (e) {
      return fail(e);
    }
  }

  #ensurePiscina(): Piscina {
    if (this.#piscina) return this.#piscina;
    // The allow-list of code a worker loads: our `modules` and the format tables of loaded io entries.
    const modules = [...new Set([...this.#modules, ...workerModules()])];
    const workerData: WorkerData = { modules, control: this.#control };
    const piscina = new Piscina({
      filename: this.#worker.href,
      minThreads: this.workers,
      maxThreads: this.workers,
      // Idle shutdown is ours (#armIdle): piscina only trims threads above minThreads.
      idleTimeout: Number.POSITIVE_INFINITY,
      concurrentTasksPerWorker: 1,
      atomics: "sync",
      recordTiming: false,
      workerData,
      ...(this.#execArgv ? { execArgv: this.#execArgv } : {}),
      ...(this.#resourceLimits ? { resourceLimits: this.#resourceLimits } : {}),
    });
    // A worker failing with no task on it is reported as an 'error' event; unhandled, it would
    // crash the process. Task failures are handled per batch.
    piscina.on("error", () => {});
    this.#piscina = piscina;
    return piscina;
  }

  #armIdle(): void {
    if (this.#idleTimer || !Number.isFinite(this.#idleTimeout) || this.#closed) return;
    const check = (): void => {
      this.#idleTimer = undefined;
      if (!this.#piscina || this.#closed) return;
      const idleFor = performance.now() - this.#lastActive;
      if (this.#inflight > 0 || this.#head < this.#queue.length || idleFor < this.#idleTimeout) {
        this.#idleTimer = setTimeout(check, Math.max(1, this.#idleTimeout - idleFor)).unref();
        return;
      }
      const piscina = this.#piscina;
      this.#piscina = undefined;
      void piscina.destroy();
    };
    this.#lastActive = performance.now();
    this.#idleTimer = setTimeout(check, this.#idleTimeout).unref();
  }

  #watch(signal: AbortSignal, entry: Entry): void {
    let entries = this.#bySignal.get(signal);
    if (!entries) {
      // One listener per signal for the signal's life: the scheduler passes one signal to every
      // task of a compute, and re-adding a listener whenever its set empties would pile them up.
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
      // Nobody waits for this batch any more: let the worker skip what it has not started.
      if (batch && batch.open === 0) Atomics.store(this.#control, 2 * batch.slot + 1, 1);
    }
  }

  #settle(e: Entry): boolean {
    if (e.settled) return false;
    e.settled = true;
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

  /** Packs a chunk for a worker; large non-shared chunks are copied to a SharedArrayBuffer once. */
  readonly #wire = (a: NDArrayLike): NDArrayLike => {
    if (isShared(a.data)) return pack(a, true);
    let bytes = a.data.BYTES_PER_ELEMENT;
    for (const s of a.shape) bytes *= s;
    if (bytes < SHARE_MIN_BYTES) return pack(a, false);
    let shared = this.#sharedCopies.get(a);
    if (!shared) {
      shared = pack(a, true);
      this.#sharedCopies.set(a, shared);
    }
    return shared;
  };

  readonly #pump = (): void => {
    this.#pumpScheduled = false;
    if (this.#closed) return;
    while (this.#inflight < this.#maxBatches && this.#head < this.#queue.length) {
      // Fair share: spread what is queued over the free message slots; cap by estimated run time.
      const share = Math.ceil((this.#queue.length - this.#head) / (this.#maxBatches - this.#inflight));
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
        // A kernel never measured counts as a full batch: it goes alone until we know better.
        cost += this.#cost.get(e.task.op) ?? BATCH_TARGET_MS;
      }
      if (this.#head === this.#queue.length) {
        this.#queue = [];
        this.#head = 0;
      }
      if (entries.length > 0) this.#send(entries);
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  };

  #send(entries: Entry[]): void {
    const ops: string[] = [];
    const opIndex = new Map<string, number>();
    const op: number[] = [];
    const params: unknown[] = [];
    const inStart: number[] = [0];
    const inputs: number[] = [];
    const chunks = new ChunkTableBuilder();
    // A chunk used by several tasks of the batch is sent once.
    const chunkIndex = new Map<NDArrayLike, number>();
    const sent: Entry[] = [];
    for (const e of entries) {
      const { key, op: id, params: p } = e.task;
      let packed: unknown;
      try {
        packed = packParams(p, "params", this.#wire);
      } catch (err) {
        this.#reject(e, taskError(key, id, err));
        continue;
      }
      let k = opIndex.get(id);
      if (k === undefined) opIndex.set(id, (k = ops.push(id) - 1));
      op.push(k);
      params.push(packed);
      for (const a of e.inputs) {
        let c = chunkIndex.get(a);
        if (c === undefined) chunkIndex.set(a, (c = chunks.add(this.#wire(a))));
        inputs.push(c);
      }
      inStart.push(inputs.length);
      sent.push(e);
    }
    if (sent.length === 0) return;
    const slot = this.#freeSlots.pop()!;
    Atomics.store(this.#control, 2 * slot, -1);
    Atomics.store(this.#control, 2 * slot + 1, 0);
    const batch: Batch = { slot, entries: sent, open: sent.length };
    for (const e of sent) e.batch = batch;
    this.#inflight++;
    this.#lastActive = performance.now();
    const table = chunks.finish();
    const request: BatchRequest = {
      slot,
      ops,
      op: new Int32Array(op),
      params,
      inStart: new Int32Array(inStart),
      inputs: new Int32Array(inputs),
      chunks: table,
    };
    this.#ensurePiscina()
      .run(request, { transferList: [table.arena] })
      .then(
        (res: BatchResponse) => this.#done(batch, res),
        (err: unknown) => this.#failed(batch, err),
      );
    this.#armIdle();
  }

  #release(batch: Batch): void {
    this.#freeSlots.push(batch.slot);
    this.#inflight--;
    this.#lastActive = performance.now();
  }

  #learn(op: string, ms: number): void {
    const prev = this.#cost.get(op);
    this.#cost.set(op, prev === undefined ? ms : prev + EWMA * (ms - prev));
    this.#meanMs = this.#meanMs === undefined ? ms : this.#meanMs + EWMA * (ms - this.#meanMs);
  }

  #done(batch: Batch, res: BatchResponse): void {
    this.#release(batch);
    const { status, ms, errors } = res;
    const outputs = readChunkTable(res.chunks, true);
    let nextOut = 0;
    let nextError = 0;
    const retry: Entry[] = [];
    for (let i = 0; i < batch.entries.length; i++) {
      const e = batch.entries[i];
      e.batch = undefined;
      const s = status[i];
      if (s === OK) {
        this.#learn(e.task.op, ms[i]);
        this.#resolve(e, outputs[nextOut++]);
      } else if (s === FAILED) {
        this.#learn(e.task.op, ms[i]);
        this.#reject(e, taskError(e.task.key, e.task.op, fromWireError(errors[nextError++])));
      } else if (!e.settled) {
        retry.push(e); // skipped by a cancel that raced with a retry; run it again
      }
    }
    this.#requeue(retry);
    this.#pump();
  }

  #failed(batch: Batch, err: unknown): void {
    // The task the worker was running when it died (-1: it had not started the batch).
    const running = Atomics.load(this.#control, 2 * batch.slot);
    this.#release(batch);
    const cause = err instanceof Error ? err : new Error(String(err));
    const retry: Entry[] = [];
    for (let i = 0; i < batch.entries.length; i++) {
      const e = batch.entries[i];
      e.batch = undefined;
      if (e.settled) continue;
      if (this.#closed) {
        this.#reject(
          e,
          taskError(
            e.task.key,
            e.task.op,
            new Error("The NodePool was closed before the task finished.", { cause }),
          ),
        );
      } else if (cause.name === "DataCloneError") {
        // The batch could not be posted (params that passed packParams but not structured clone):
        // send each task alone, so that only the culprit fails.
        if (batch.entries.length === 1) this.#reject(e, taskError(e.task.key, e.task.op, cause));
        else {
          e.solo = true;
          retry.push(e);
        }
      } else if (i === running || e.retries >= MAX_RETRIES) {
        const died = new Error(
          `The worker thread running it died (${cause.message}). The pool replaces the thread; other tasks of its batch are retried.`,
          { cause },
        );
        this.#reject(e, taskError(e.task.key, e.task.op, died));
      } else {
        e.retries++;
        retry.push(e);
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
