/**
 * `@chunked/executor-cluster`: run `@chunked/core` graphs on many machines. A driver's
 * {@link ClusterExecutor} sends batches of tasks through BullMQ queues on Redis to `chunked-worker`
 * processes, which run them on their threads; chunks travel inline or through a Redis chunk store.
 * It is what dask.distributed is for dask.array. See docs/cluster.md.
 *
 * @example
 * ```ts
 * // On each machine: npx chunked-worker --redis redis://redis.internal:6379 --threads 8
 * import * as ca from "@chunked/core";
 * import { ClusterExecutor } from "@chunked/executor-cluster";
 *
 * const cluster = new ClusterExecutor({ redis: "redis://redis.internal:6379" });
 * const mean = await ca.random.normal(10, 0.1, [20000, 20000], { chunks: [1000, 1000] })
 *   .mean()
 *   .compute({ executor: cluster });
 * await cluster.close();
 * ```
 *
 * @module
 */
import "./kernels.js";

export { ClusterExecutor } from "./executor.js";
export type { ClusterExecutorOptions } from "./executor.js";
export { ClusterWorker } from "./worker.js";
export type { ClusterWorkerOptions } from "./worker.js";
export { RedisChunkStore } from "./store.js";
export type { ChunkStore } from "./store.js";
export { decodeChunk, encodeChunk, pack, unpack } from "./codec.js";
export type { WorkerInfo } from "./protocol.js";
