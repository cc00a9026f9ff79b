/**
 * `@chunked/executor-node`: run `@chunked/core` graphs on every core of a Node.js machine, with a
 * pool of worker threads (piscina). It is what dask's threaded scheduler and `Client(n_workers=4)`
 * are for dask.array.
 *
 * @example
 * ```ts
 * import { NodePool } from "@chunked/executor-node";
 *
 * const pool = new NodePool(); // one worker per core
 * const mean = await x.mean().compute({ executor: pool });
 * await pool.close();
 * ```
 *
 * @module
 */
export { NodePool } from "./pool.js";
export type { NodePoolOptions } from "./pool.js";
