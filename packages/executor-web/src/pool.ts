import { InvalidArgumentError } from "@chunked/core";
import { pool, WorkerExitError } from "@chunked/core/internal";

/** Default cap on the number of workers (`navigator.hardwareConcurrency` may be large). */
const DEFAULT_MAX_WORKERS = 8;

/** How chunks move between the page and its workers (see {@link WebPoolOptions.transport}). */
export type Transport = pool.Sharing;

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
   * Tasks the scheduler should keep in flight. Default: adaptive, `workers` × (2 ms / the median
   * run time of the slowest kernel run lately), between 1 and 64 per worker, so tiny tasks are
   * batched and big ones (reads) are not over-queued, however many tiny tasks run beside them.
   */
  concurrency?: number;
  /**
   * Kernel ids run on the page instead of a worker: ones that only repackage data, where a round
   * trip would cost more than the kernel. Default `pool.DEFAULT_INLINE` of `@chunked/core/internal`
   * (`core.literal`, `core.identity`, `reduce.fields`).
   */
  inline?: readonly string[];
  /**
   * Tasks with inputs whose kind (kernel and input size) ran for less than this many ms lately run on
   * the page, where a round trip would keep their dependents waiting longer (at most 1 ms of them per
   * tick). Default `pool.DEFAULT_INLINE_BELOW_MS` of `@chunked/core/internal` (0.5); 0 sends every
   * task not in `inline` to a worker.
   */
  inlineBelowMs?: number;
  /**
   * After a task is aborted, how long its worker may go on running it before the pool terminates
   * the worker and starts a replacement. Default 3000 ms.
   */
  abortGrace?: number;
  /**
   * Makes a worker. Default: the package's own module worker. Give your own entry to bundle your
   * kernels into the worker: `() => new Worker(new URL("./my-worker.ts", import.meta.url), { type: "module" })`
   * where my-worker.ts imports `"@chunked/executor-web/worker"` and your kernel modules.
   */
  createWorker?: () => WorkerLike;
}

/** Counters of a pool's life, for tests and diagnostics. */
export type WebPoolStats = pool.WorkerPoolStats;

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

function chooseSharing(transport: WebPoolOptions["transport"]): Transport {
  const canShare = typeof SharedArrayBuffer === "function";
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  if (transport === "shared" && !canShare) {
    throw new InvalidArgumentError(
      'WebPool({ transport: "shared" }) needs SharedArrayBuffer, which this page does not have. Serve it cross-origin isolated (COOP/COEP headers, see the README) or use transport "auto".',
    );
  }
  if (transport !== undefined && transport !== "auto" && transport !== "shared" && transport !== "transfer")
    throw new InvalidArgumentError(
      `WebPool transport must be "auto", "shared" or "transfer". Got transport=${JSON.stringify(transport)}.`,
    );
  return transport === undefined || transport === "auto"
    ? isolated && canShare
      ? "shared"
      : "transfer"
    : transport;
}

/** Web Workers as a {@link pool.PoolTransport}. */
class WebWorkerTransport implements pool.PoolTransport {
  readonly poolName = "WebPool";
  readonly workerNoun = "Web Worker";
  readonly sharing: Transport;
  readonly #createWorker: () => WorkerLike;

  constructor(sharing: Transport, createWorker: () => WorkerLike) {
    this.sharing = sharing;
    this.#createWorker = createWorker;
  }

  spawn(_index: number, events: pool.WorkerEvents): pool.PoolWorker {
    const worker = this.#createWorker();
    let gone = false;
    const exit = (err: Error): void => {
      if (gone) return;
      gone = true;
      events.exit(err);
    };
    worker.addEventListener("message", (event: MessageEvent<pool.FromWorker>) => {
      if (!gone) events.message(event.data);
    });
    worker.addEventListener("error", (event: Event) => {
      const e = event as ErrorEvent;
      const message =
        typeof e.message === "string" && e.message
          ? e.message
          : "the worker script failed to load or evaluate (see the browser console for the network or syntax error)";
      exit(new WorkerExitError(`The Web Worker failed: ${message}.`, { cause: e.error }));
    });
    worker.addEventListener("messageerror", () => {
      exit(new WorkerExitError("A message from the Web Worker could not be deserialized."));
    });
    return {
      post: (message, transfer) => worker.postMessage(message, transfer),
      terminate: () => {
        gone = true;
        worker.terminate();
      },
    };
  }
}

/**
 * An {@link @chunked/core!Executor | Executor} that runs tasks on a pool of Web Workers, so a page computes on every core.
 * Workers import the same kernel registry as the page plus the kernel modules given in `modules`.
 * The batching, blame, retry and abort logic is core's shared pool (`WorkerPool` in `@chunked/core/internal`); this
 * class adds the Web Worker transport.
 *
 * - Chunks move without element-wise serialisation. On a cross-origin isolated page (COOP/COEP
 *   headers, see the README) large chunks travel in SharedArrayBuffers: a page chunk is copied into
 *   one once per compute and reused by every task and worker that needs it. Otherwise each message
 *   carries a fresh compact copy whose buffer is transferred. The caller's chunks are never
 *   detached, and a small view never drags its large buffer along.
 * - `run()` calls made in the same tick are sent as batches, one message per worker, sized from
 *   the measured run time of each kernel, so thousands of tiny tasks cost a few µs each.
 * - A kernel that throws rejects its task with core's `TaskError` naming the task key and kernel;
 *   `cause` is the worker's error rebuilt (class, message, stack). The pool stays usable.
 * - A worker that dies (a kernel calls `self.close()`, an error escapes a kernel, the script fails)
 *   fails the task it was running with a `WorkerExitError` cause; the other tasks it held are
 *   retried on a replacement worker.
 * - An aborted `signal` rejects the task at once; queued work is dropped, a worker skips what it
 *   has not started of a batch nobody waits for, and a worker stuck in an aborted kernel is replaced.
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
export class WebPool extends pool.WorkerPool {
  /** How chunks move between the page and the workers. */
  readonly transport: Transport;

  constructor(options: WebPoolOptions = {}) {
    const sharing = chooseSharing(options.transport);
    super(new WebWorkerTransport(sharing, options.createWorker ?? packageWorker), {
      workers: options.workers ?? defaultWorkerCount(options.maxWorkers ?? DEFAULT_MAX_WORKERS),
      modules: (options.modules ?? []).map(moduleUrl),
      concurrency: options.concurrency,
      inline: options.inline,
      inlineBelowMs: options.inlineBelowMs,
      abortGrace: options.abortGrace,
    });
    this.transport = sharing;
  }

  /** Ends the workers at once ({@link close} without waiting). Safe to call more than once. */
  terminate(): void {
    void this.close();
  }
}
