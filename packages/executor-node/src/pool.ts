import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { isAbsolute, resolve as resolvePath } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type ResourceLimits, Worker } from "node:worker_threads";
import { pool, WorkerExitError } from "@chunked/core/internal";

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
   * Tasks the scheduler should keep in flight. Default: adaptive, `workers` × (2 ms / the median
   * run time of the slowest kernel run lately), between 1 and 64 per worker, so tiny tasks are
   * batched and big ones (reads) are not over-queued, however many tiny tasks run beside them.
   */
  concurrency?: number;
  /**
   * Kernel ids run on the calling thread instead of a worker: ones that only repackage data, where a
   * round trip would cost more than the kernel. Default `pool.DEFAULT_INLINE` of `@chunked/core/internal`
   * (`core.literal`, `core.identity`, `reduce.fields`).
   */
  inline?: readonly string[];
  /**
   * Tasks with inputs whose kind (kernel and input size) ran for less than this many ms lately run on
   * the calling thread, where a round trip would keep their dependents waiting longer (at most 1 ms of
   * them per tick). Default `pool.DEFAULT_INLINE_BELOW_MS` of `@chunked/core/internal` (0.5); 0 sends
   * every task not in `inline` to a thread.
   */
  inlineBelowMs?: number;
  /**
   * After a task is aborted (e.g. by a compute's timeout), how long its thread may go on running
   * it before the pool ends the thread and starts a replacement. Default 3000 ms.
   */
  abortGrace?: number;
  /** V8 heap limits of each worker (see `worker_threads.ResourceLimits`). A worker over them dies, and is replaced. */
  resourceLimits?: ResourceLimits;
  /** Node flags for the workers. Default: none for built code; tsx's hook when core runs from TypeScript sources. */
  execArgv?: readonly string[];
}

function moduleUrl(m: string | URL): string {
  if (m instanceof URL) return m.href;
  if (isAbsolute(m) || m.startsWith("./") || m.startsWith("../")) return pathToFileURL(resolvePath(m)).href;
  return m;
}

/**
 * The worker module: the built `worker.js` beside this file, else `worker-ts.mjs` (TypeScript
 * sources). `ts` is true when the worker will load TypeScript: its own source, or core's.
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
 * Flags for a built worker that still loads core's TypeScript sources: Node 20 ignores `--import`
 * in a worker's execArgv, so tsx's CommonJS hook is preloaded with `--require`. Running from
 * sources uses `worker-ts.mjs` instead, which registers tsx's ESM hooks itself.
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
/** The caller's resolution conditions plus `source` (other flags, e.g. V8's, are not allowed in workers). */
function withSourceCondition(execArgv: readonly string[]): string[] {
  const conditions = execArgv.filter((a) => a.startsWith("--conditions="));
  return conditions.includes(SOURCE_CONDITION) ? conditions : [...conditions, SOURCE_CONDITION];
}

/** Worker threads as a {@link pool.PoolTransport}: chunks travel in SharedArrayBuffers. */
class ThreadTransport implements pool.PoolTransport {
  readonly poolName = "NodePool";
  readonly workerNoun = "worker thread";
  readonly sharing = "shared" as const;
  readonly #file: URL;
  readonly #execArgv: string[] | undefined;
  readonly #resourceLimits: ResourceLimits | undefined;

  constructor(options: NodePoolOptions) {
    const file = workerFile();
    this.#file = file.url;
    this.#execArgv = options.execArgv
      ? [...options.execArgv]
      : file.ts && file.url.pathname.endsWith("/worker.js")
        ? tsxExecArgv()
        : file.ts
          ? withSourceCondition(process.execArgv)
          : undefined;
    this.#resourceLimits = options.resourceLimits;
  }

  spawn(_index: number, events: pool.WorkerEvents): pool.PoolWorker {
    const worker = new Worker(this.#file, {
      ...(this.#execArgv ? { execArgv: this.#execArgv } : {}),
      ...(this.#resourceLimits ? { resourceLimits: this.#resourceLimits } : {}),
    });
    let gone = false;
    worker.on("message", (m: pool.FromWorker) => events.message(m));
    worker.on("error", (err: Error) => {
      if (gone) return;
      gone = true;
      events.exit(new WorkerExitError(err.message, { cause: err }));
    });
    worker.on("exit", (code: number) => {
      if (gone) return;
      gone = true;
      events.exit(new WorkerExitError(`The worker thread exited with code: ${code}`));
    });
    return {
      post: (message, transfer) => worker.postMessage(message, transfer as never),
      terminate: async () => {
        gone = true;
        await worker.terminate();
      },
      keepAlive: (busy) => (busy ? worker.ref() : worker.unref()),
    };
  }
}

/**
 * An {@link @chunked/core!Executor | Executor} that runs tasks on a pool of worker threads, so a compute uses every core.
 * Workers import the same kernel registry as the main thread plus the user kernel modules given in
 * `modules`. The batching, blame, retry and abort logic is core's shared pool
 * (`WorkerPool` in `@chunked/core/internal`); this class adds Node's transport.
 *
 * - Chunks cross threads without element-wise serialisation: large ones through SharedArrayBuffers
 *   (a chunk that is not shared is copied into one once per compute, and reused by every task that
 *   needs it; the caller's chunk is never detached), small ones (< 32 KiB) as compact copies.
 * - Tasks submitted in the same tick are sent as batches (one message for many tasks), sized from
 *   the measured run time of each kernel, so 10k tiny tasks cost a few µs each, not ~50.
 * - A kernel that throws rejects its task with a `TaskError` naming the task key and kernel, with the
 *   worker's error (message and stack) as `cause`. A worker that dies (`process.exit`, out of memory)
 *   fails the task it was running, retries the other tasks it held, and is replaced.
 * - An aborted `signal` rejects the task at once; queued work is dropped, a worker skips the rest
 *   of a batch nobody waits for, and a thread stuck in an aborted kernel is replaced.
 * - Idle threads never keep the process alive; `close()` (or `await using`) ends them.
 *
 * @example
 * ```ts
 * // my-kernels.ts, imported by the main thread and (through `modules`) by every worker:
 * //   export const double = defineKernel("my.double", ([a]) => ca.nd.multiply(a, 2));
 * import * as ca from "@chunked/core";
 * import { NodePool } from "@chunked/executor-node";
 * import "./my-kernels.js";
 *
 * await using pool = new NodePool({ workers: 4, modules: [new URL("./my-kernels.js", import.meta.url)] });
 * const x = ca.random.random([1e8], { dtype: "float32", chunks: [1e7], seed: 1 });
 * const total = await x.sum().compute({ executor: pool });
 * ```
 */
export class NodePool extends pool.WorkerPool {
  constructor(options: NodePoolOptions = {}) {
    super(new ThreadTransport(options), {
      workers: options.workers ?? availableParallelism(),
      modules: (options.modules ?? []).map(moduleUrl),
      concurrency: options.concurrency,
      inline: options.inline,
      inlineBelowMs: options.inlineBelowMs,
      idleTimeout: options.idleTimeout ?? 60_000,
      abortGrace: options.abortGrace,
    });
  }
}
