/**
 * What a {@link WorkerPool} needs of a platform: start a worker, post it messages, hear its
 * messages and its death, end it. Worker threads (`@chunked/executor-node`), Web Workers
 * (`@chunked/executor-web`) and remote workers implement it; everything else (batching, the
 * wire format, blame, retries, abort, buffer reuse) is the pool core's.
 *
 * A worker serves the protocol of pool/wire.ts, normally by running {@link serve} on its scope.
 * @module
 */
import type { FromWorker, Sharing, ToWorker } from "./wire.js";

/** One started worker, as the pool core drives it. */
export interface PoolWorker {
  /**
   * Posts a message; buffers in `transfer` are moved, not copied. Throws synchronously (a
   * `DataCloneError`) when the message cannot be cloned: the pool then sends the batch's tasks
   * one by one, so only the culprit fails.
   */
  post(message: ToWorker, transfer: Transferable[]): void;
  /** Ends the worker now. No event is expected after it. */
  terminate(): void | Promise<void>;
  /**
   * Whether the worker must keep the process alive: true while it holds work, false when idle (a
   * Node worker thread is `ref()`ed / `unref()`ed). Optional: browsers have no such notion.
   */
  keepAlive?(busy: boolean): void;
}

/** Where a transport reports what happens to a worker it started. */
export interface WorkerEvents {
  /** A message from the worker (a batch's answer, "ready", or a last word before it exits). */
  message(message: FromWorker): void;
  /**
   * The worker went away on its own (it exited, crashed, ran out of memory, or its script failed
   * to load); `error` says how. Call it at most once, and not after {@link PoolWorker.terminate}.
   */
  exit(error: Error): void;
}

/**
 * A platform's way of running workers for a {@link WorkerPool}.
 *
 * @example
 * ```ts
 * // The Web Worker transport, in essence:
 * const transport: PoolTransport = {
 *   poolName: "WebPool",
 *   workerNoun: "Web Worker",
 *   sharing: crossOriginIsolated ? "shared" : "transfer",
 *   spawn(index, events) {
 *     const w = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
 *     w.addEventListener("message", (e) => events.message(e.data));
 *     w.addEventListener("error", (e) => events.exit(new Error(e.message)));
 *     return { post: (m, t) => w.postMessage(m, t), terminate: () => w.terminate() };
 *   },
 * };
 * ```
 */
export interface PoolTransport {
  /** The pool's class name, for messages ("NodePool"). */
  readonly poolName: string;
  /** What one worker is called, for messages ("worker thread", "Web Worker"). */
  readonly workerNoun: string;
  /** How large chunks cross (see {@link Sharing}). */
  readonly sharing: Sharing;
  /** Starts worker number `index` (a replacement reuses the index of the worker it replaces). */
  spawn(index: number, events: WorkerEvents): PoolWorker;
}
