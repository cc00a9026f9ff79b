import {
  type Executor,
  getKernel,
  type NDArray,
  type NDArrayLike,
  type Task,
  workerModules,
} from "@chunked/core/internal";
import { abortError, taskError, WorkerExitError } from "./errors.js";
import {
  BIG_BYTES,
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
  type ToWorker,
  type Transport,
} from "./protocol.js";

/**
 * A batch is closed once its tasks' estimated run time reaches this many ms: long enough that a
 * message round trip (~0.1 ms in Chromium) is a small fraction, short enough to keep workers balanced.
 */
const BATCH_TARGET_MS = 2;
/** Upper bound on tasks in one message (bounds message size and result latency). */
const MAX_BATCH = 1024;
/** Upper bound on the adaptive `concurrency` per worker (tiny tasks). */
const MAX_TASKS_PER_WORKER = 64;
/** Messages in flight per worker: one running, one waiting, so a worker never idles on a round trip. */
const BATCHES_PER_WORKER = 2;
/** How often a task whose batch was lost with its worker (but that did not kill it) is retried. */
const MAX_RETRIES = 3;
/** A worker that dies before it starts this many times in a row means the script cannot load. */
const MAX_START_FAILURES = 3;
/** Weight of a new sample in the moving average of task run times. */
const EWMA = 0.25;
/** Default cap on the number of workers (`navigator.hardwareConcurrency` may be large). */
const DEFAULT_MAX_WORKERS = 8;

/** What the pool needs of a `Worker` (a real one, or a test double). */
export interface WorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  addEventListener(type: "error" | "messageerror", listener: (event: Event) => void): void;
  terminate(): void;
}

/** Options of {@link WebPool}. */
export interface WebPoolOptions {
  /** Number of workers. Default: `navigator.hardwareConcurrency`, at most `maxWorkers`. */
  workers?: number;
  /** Cap on the default number of workers. Default 8. */
  maxWorkers?: number;
  /**
   * Modules that define kernels (`defineKernel` calls), `import()`ed by every worker before its
   * first task: user kernels, and `@chunked/io` readers. Absolute URLs, or paths relative to the
   * page. With Vite in dev, `new URL("./my-kernels.ts", import.meta.url)` works; for a production
   * build prefer a custom worker entry (`createWorker`, see the README).
   */
  modules?: readonly (string | URL)[];
  /**
   * How chunks move: `"shared"` (SharedArrayBuffer; the page must be cross-origin isolated),
   * `"transfer"` (fresh copies, transferred) or `"auto"` (default: shared when `crossOriginIsolated`).
   */
  transport?: "auto" | Transport;
  /**
   * Tasks the scheduler should keep in flight. Default: adaptive, `workers` × (2 ms / mean task
   * time), between 1 and 64 per worker, so tiny tasks are batched and big ones are not over-queued.
   */
  concurrency?: number;
  /**
   * Kernel ids run on the page instead of a worker: ones that only repackage data, where a round
   * trip would cost more than the kernel. Default `["core.literal", "core.identity"]`.
   */
  inline?: readonly string[];
  /**
   * Makes a worker. Default: the package's own module worker. Give your own entry to bundle your
   * kernels into the worker: `() => new Worker(new URL("./my-worker.ts", import.meta.url), { type: "module" })`
   * where my-worker.ts imports `"@chunked/executor-web/worker"` and your kernel modules.
   */
  createWorker?: () => WorkerLike;
}

/** Counters of a pool's life, for tests and diagnostics. */
export interface WebPoolStats {
  /** Tasks sent to workers (retries count again). */
  readonly tasks: number;
  /** Messages (batches) sent. */
  readonly batches: number;
  /** Workers started, replacements included. */
  readonly workersStarted: number;
  /** Workers that died and were replaced. */
  readonly workersLost: number;
  /** Total run time of kernels in the workers, in ms (as measured there). */
  readonly kernelMs: number;
}

interface Slot {
  readonly index: number;
  readonly worker: WorkerLike;
  readonly batches: Map<number, Batch>;
  ready: boolean;
  dead: boolean;
}

interface Batch {
  readonly id: number;
  readonly slot: Slot;
  readonly entries: Entry[];
  /** Entries not yet settled; at 0 the worker may skip the rest. */
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
  /** Sent in a batch of its own (after its batch could not be posted). */
  solo: boolean;
}

function isThenable<T>(v: unknown): v is PromiseLike<T> {
  return v !== null && typeof v === "object" && typeof (v as { then?: unknown }).then === "function";
}

function moduleUrl(m: string | URL): string {
  if (m instanceof URL) return m.href;
  const base = (globalThis as { location?: { href: string } }).location?.href;
  try {
    return new URL(m, base).href;
  } catch {
    return m; // a bare specifier: left to the worker's import map, if any
  }
}

function defaultWorkerCount(cap: number): number {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return Math.max(1, Math.min(cap, Number.isInteger(n) && n! > 0 ? n! : 4));
}

/** The package's worker. The `new URL(...)` stays inline in `new Worker(...)`: that is the pattern Vite bundles. */
function packageWorker(): WorkerLike {
  return new Worker(new URL("./worker.ts", import.meta.url), { type: "module", name: "chunked" });
}

/**
 * An {@link Executor} that runs tasks on a pool of Web Workers, so a page computes on every core.
 * Workers import the same kernel registry as the page plus the kernel modules given in `modules`.
 *
 * - Chunks move without element-wise serialisation. On a cross-origin isolated page (COOP/COEP
 *   headers, see the README) large chunks travel in SharedArrayBuffers: a page chunk is copied into
 *   one once per compute and reused by every task and worker that needs it. Otherwise each message carries a
 *   fresh compact copy whose buffer is transferred. The caller's chunks are never detached, and a
 *   small view never drags its large buffer along. Results come back shared or transferred.
 * - `run()` calls made in the same tick are sent as batches, one message per worker, sized from
 *   the measured run time of each kernel, so thousands of tiny tasks cost a few µs each.
 * - A kernel that throws rejects its task with core's `TaskError` naming the task key and kernel;
 *   `cause` is the worker's error rebuilt (class, message, stack). The pool stays usable.
 * - A worker that dies (a kernel calls `self.close()`, an error escapes a kernel, the script fails)
 *   fails the task it was running with a {@link WorkerExitError} cause; the other tasks it held are
 *   retried on a replacement worker.
 * - An aborted `signal` rejects the task at once; queued work is dropped, and a worker skips what
 *   it has not started of a batch nobody waits for.
 *
 * @example
 * ```ts
 * import * as ca from "@chunked/core";
 * import { WebPool, throttle } from "@chunked/executor-web";
 *
 * const pool = new WebPool(); // one worker per core, at most 8
 * const x = ca.random.normal(10, 0.1, [4000, 4000], { chunks: [500, 500], seed: 42 });
 * const [m] = await ca.compute([x.mean({ axis: 0 })], {
 *   executor: pool,
 *   onProgress: throttle((p) => (bar.value = p.done / p.total), 100),
 * });
 * pool.terminate();
 * ```
 */
export class WebPool implements Executor {
  /** Number of workers. */
  readonly workers: number;
  /** How chunks move between the page and the workers. */
  readonly transport: Transport;

  readonly #modules: string[];
  readonly #fixedConcurrency: number | undefined;
  readonly #inline: ReadonlySet<string>;
  readonly #createWorker: () => WorkerLike;
  readonly #slots: Slot[] = [];

  #queue: Entry[] = [];
  #head = 0;
  #pumpScheduled = false;
  #closed = false;
  #broken: Error | undefined;
  #startFailures = 0;
  #nextBatch = 0;
  readonly #batches = new Map<number, Batch>();
  /** Moving average of run time (ms, measured in the worker) per kernel id, and over all tasks. */
  readonly #cost = new Map<string, number>();
  #meanMs: number | undefined;
  /**
   * SharedArrayBuffer copies of page chunks, so a chunk used by many tasks is copied once. Kept per
   * compute (the scheduler's signal): a page array given to `fromArray` may change between computes.
   */
  readonly #sharedCopies = new WeakMap<AbortSignal, WeakMap<object, NDArrayLike>>();
  /** Tasks waiting on each signal: one abort listener per signal, not per task. */
  readonly #bySignal = new WeakMap<AbortSignal, Set<Entry>>();
  #stats = { tasks: 0, batches: 0, workersStarted: 0, workersLost: 0, kernelMs: 0 };
  #readyWaiters: { resolve: () => void; reject: (err: Error) => void }[] = [];

  constructor(options: WebPoolOptions = {}) {
    const workers = options.workers ?? defaultWorkerCount(options.maxWorkers ?? DEFAULT_MAX_WORKERS);
    if (!Number.isInteger(workers) || workers < 1) {
      throw new RangeError(
        `WebPool needs at least one worker. Got workers=${workers}, expected a positive integer.`,
      );
    }
    const canShare = typeof SharedArrayBuffer === "function";
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
    const transport = options.transport ?? "auto";
    if (transport === "shared" && !canShare) {
      throw new RangeError(
        'WebPool({ transport: "shared" }) needs SharedArrayBuffer, which this page does not have. Serve it cross-origin isolated (COOP/COEP headers, see the README) or use transport "auto".',
      );
    }
    this.transport = transport === "auto" ? (isolated && canShare ? "shared" : "transfer") : transport;
    this.workers = workers;
    this.#modules = (options.modules ?? []).map(moduleUrl);
    this.#fixedConcurrency = options.concurrency;
    this.#inline = new Set(options.inline ?? ["core.literal", "core.identity"]);
    this.#createWorker = options.createWorker ?? packageWorker;
    // Start the workers now, so the first compute does not wait for their scripts.
    for (let i = 0; i < workers; i++) this.#slots.push(this.#spawn(i));
  }

  /** How many tasks the scheduler should keep in flight (see {@link WebPoolOptions.concurrency}). */
  get concurrency(): number {
    if (this.#fixedConcurrency !== undefined) return this.#fixedConcurrency;
    if (this.#meanMs === undefined) return this.workers;
    const perWorker = Math.round(BATCH_TARGET_MS / Math.max(this.#meanMs, 1e-3));
    return this.workers * Math.max(1, Math.min(MAX_TASKS_PER_WORKER, perWorker));
  }

  /**
   * Resolves once every worker has loaded its script and kernel modules (a compute does not need
   * to wait for it: tasks queue meanwhile). Rejects if the pool is terminated or its workers cannot start.
   *
   * @example
   * ```ts
   * const pool = new WebPool({ modules: [kernelsUrl] });
   * await pool.ready(); // e.g. before timing, or to show "workers loaded"
   * ```
   */
  ready(): Promise<void> {
    if (this.#broken) return Promise.reject(this.#broken);
    if (this.#closed) return Promise.reject(new Error("WebPool is terminated."));
    if (this.#slots.every((s) => s.ready)) return Promise.resolve();
    return new Promise((resolve, reject) => this.#readyWaiters.push({ resolve, reject }));
  }

  /** Counters: tasks and messages sent, workers started and lost. */
  get stats(): WebPoolStats {
    return { ...this.#stats };
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
      return Promise.reject(
        new Error(`WebPool is terminated: cannot run task ${task.key}. Create a new pool.`),
      );
    }
    if (this.#broken) return Promise.reject(taskError(task.key, task.op, this.#broken));
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
      this.#schedulePump();
    });
  }

  /**
   * Ends the workers at once. Tasks not yet finished reject; later `run` calls reject. Safe to
   * call more than once.
   */
  terminate(): void {
    if (this.#closed) return;
    this.#closed = true;
    const pending = this.#queue.slice(this.#head);
    this.#queue = [];
    this.#head = 0;
    for (const batch of this.#batches.values()) pending.push(...batch.entries);
    this.#batches.clear();
    for (const slot of this.#slots) {
      slot.dead = true;
      slot.batches.clear();
      slot.worker.terminate();
    }
    for (const w of this.#readyWaiters.splice(0)) w.reject(new Error("WebPool is terminated."));
    const closed = new WorkerExitError("The WebPool was terminated before the task finished.");
    for (const e of pending) this.#reject(e, taskError(e.task.key, e.task.op, closed));
  }

  /** {@link terminate}, as the `Executor` interface's `close()`. */
  close(): Promise<void> {
    this.terminate();
    return Promise.resolve();
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

  // -- Workers

  #spawn(index: number): Slot {
    const worker = this.#createWorker();
    const slot: Slot = { index, worker, batches: new Map(), ready: false, dead: false };
    this.#stats.workersStarted++;
    worker.addEventListener("message", (event: MessageEvent<FromWorker>) =>
      this.#onMessage(slot, event.data),
    );
    worker.addEventListener("error", (event: Event) => {
      const e = event as ErrorEvent;
      const message =
        typeof e.message === "string" && e.message
          ? e.message
          : "the worker script failed to load or evaluate (see the browser console for the network or syntax error)";
      this.#onDeath(
        slot,
        new WorkerExitError(`The Web Worker failed: ${message}.`, { cause: e.error }),
        undefined,
      );
    });
    worker.addEventListener("messageerror", () => {
      this.#onDeath(
        slot,
        new WorkerExitError("A message from the Web Worker could not be deserialized."),
        undefined,
      );
    });
    // The allow-list of code a worker loads: our `modules` and the format tables of loaded io entries.
    const modules = [...new Set([...this.#modules, ...workerModules()])];
    const init: ToWorker = { type: "init", modules, transport: this.transport };
    worker.postMessage(init, []);
    return slot;
  }

  #onMessage(slot: Slot, msg: FromWorker): void {
    if (slot.dead) return;
    switch (msg.type) {
      case "ready":
        slot.ready = true;
        this.#startFailures = 0;
        if (this.#slots.every((s) => s.ready)) for (const w of this.#readyWaiters.splice(0)) w.resolve();
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
    const err = new WorkerExitError(
      `The Web Worker running it went away (${why}). The pool replaced the worker; other tasks it held were retried.`,
      msg.error ? { cause: fromWireError(msg.error) } : undefined,
    );
    this.#onDeath(slot, err, { batch: msg.batch, index: msg.index });
  }

  /**
   * A worker is gone: the task it was running fails (all its tasks, when that is unknown), the
   * others it held are retried elsewhere, and a new worker takes its place.
   */
  #onDeath(slot: Slot, err: Error, running: { batch: number; index: number } | undefined): void {
    if (slot.dead || this.#closed) return;
    slot.dead = true;
    slot.worker.terminate();
    this.#stats.workersLost++;
    const startup = !slot.ready;
    const retry: Entry[] = [];
    for (const batch of slot.batches.values()) {
      this.#batches.delete(batch.id);
      for (let i = 0; i < batch.entries.length; i++) {
        const e = batch.entries[i];
        e.batch = undefined;
        if (e.settled) continue;
        const blamed = running === undefined || (running.batch === batch.id && running.index === i);
        if (startup || blamed || e.retries >= MAX_RETRIES)
          this.#reject(e, taskError(e.task.key, e.task.op, err));
        else {
          e.retries++;
          retry.push(e);
        }
      }
    }
    slot.batches.clear();
    if (startup && ++this.#startFailures >= MAX_START_FAILURES) {
      this.#break(
        new WorkerExitError(
          `Web Workers failed to start ${MAX_START_FAILURES} times in a row; the pool gave up. Last error: ${err.message}`,
          { cause: err },
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
    for (const batch of this.#batches.values()) pending.push(...batch.entries);
    this.#batches.clear();
    for (const slot of this.#slots) {
      slot.dead = true;
      slot.batches.clear();
      slot.worker.terminate();
    }
    for (const e of pending) this.#reject(e, taskError(e.task.key, e.task.op, err));
    for (const w of this.#readyWaiters.splice(0)) w.reject(err);
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
      // Nobody waits for this batch any more: let the worker skip what it has not started.
      if (batch && batch.open === 0 && !batch.slot.dead) {
        const cancel: ToWorker = { type: "cancel", id: batch.id };
        batch.slot.worker.postMessage(cancel, []);
      }
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

  /** The live worker with the fewest batches in flight, and how many share that count. */
  #leastBusy(): { slot: Slot | undefined; ties: number } {
    let best: Slot | undefined;
    let ties = 0;
    for (const s of this.#slots) {
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
        cost += this.#cost.get(e.task.op) ?? 0;
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
    return table.addBig(this.#bigChunk(a, signal, transfer));
  }

  #bigChunk(a: NDArrayLike, signal: AbortSignal | undefined, transfer: ArrayBuffer[]): NDArrayLike {
    if (isShared(a.data)) return a; // shared memory already: nothing is copied, whatever the view
    if (this.transport === "shared") {
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
    const table = new ChunkTableBuilder();
    const transfer: ArrayBuffer[] = [];
    // A chunk used by several tasks of the batch is sent once.
    const chunkIndex = new Map<NDArrayLike, number>();
    const sent: Entry[] = [];
    for (const e of entries) {
      const { key, op: id, params: p } = e.task;
      let packed: unknown;
      try {
        packed = packParams(p, (a) => this.#paramChunk(a, e.signal, transfer));
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
        if (c === undefined) chunkIndex.set(a, (c = this.#addChunk(a, e.signal, table, transfer)));
        inputs.push(c);
      }
      inStart.push(inputs.length);
      sent.push(e);
    }
    if (sent.length === 0) return;
    const chunks = table.finish([sent.length, ...op, ...inStart, ...inputs]);
    if (chunks.arena) transfer.push(chunks.arena);
    const id = this.#nextBatch++;
    const request: BatchRequest = { type: "run", id, sentAt: Date.now(), ops, params, chunks };
    try {
      slot.worker.postMessage(request, transfer);
    } catch (err) {
      // Params that passed packParams but not structured clone (a class instance with a method,
      // say): send each task alone so only the culprit fails.
      if (sent.length === 1) this.#reject(sent[0], taskError(sent[0].task.key, sent[0].task.op, err));
      else {
        for (const e of sent) e.solo = true;
        this.#requeue(sent);
        this.#schedulePump();
      }
      return;
    }
    const batch: Batch = { id, slot, entries: sent, open: sent.length };
    for (const e of sent) e.batch = batch;
    slot.batches.set(id, batch);
    this.#batches.set(id, batch);
    this.#stats.tasks += sent.length;
    this.#stats.batches++;
  }

  #learn(op: string, ms: number): void {
    this.#stats.kernelMs += ms;
    const prev = this.#cost.get(op);
    this.#cost.set(op, prev === undefined ? ms : prev + EWMA * (ms - prev));
    this.#meanMs = this.#meanMs === undefined ? ms : this.#meanMs + EWMA * (ms - this.#meanMs);
  }

  #done(slot: Slot, res: BatchResponse): void {
    const batch = slot.batches.get(res.id);
    if (!batch) return;
    slot.batches.delete(res.id);
    this.#batches.delete(res.id);
    const { errors } = res;
    const n = batch.entries.length;
    const status = res.chunks.meta.subarray(0, n);
    const ms = res.chunks.meta.subarray(n, 2 * n);
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
