/**
 * The pool core shared by every executor that runs tasks on workers: the wire format, the worker
 * runtime, and the batching {@link WorkerPool} with its {@link PoolTransport} interface.
 * @module
 */
export { BufferLedger, LentBuffers, RECYCLE_CAP_BYTES, sharedClassBytes, WorkerBuffers } from "./buffers.js";
export { serve } from "./runtime.js";
export type { ServeOptions, WorkerScope } from "./runtime.js";
export type { PoolTransport, PoolWorker, WorkerEvents } from "./transport.js";
export * from "./wire.js";
export { checkWorkerCount, DEFAULT_INLINE, DEFAULT_INLINE_BELOW_MS, WorkerPool } from "./worker-pool.js";
export type { WorkerPoolOptions, WorkerPoolStats } from "./worker-pool.js";
