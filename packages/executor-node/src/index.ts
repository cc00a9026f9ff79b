/**
 * `@chunked/executor-node`: run `@chunked/core` graphs on every core of a Node.js machine, with a
 * pool of worker threads. It is what dask's threaded scheduler and `Client(n_workers=4)` are for
 * dask.array.
 *
 * @example
 * ```ts
 * import * as ca from "@chunked/core";
 * import { NodePool } from "@chunked/executor-node";
 *
 * await using pool = new NodePool(); // one worker thread per core
 * const x = ca.random.normal(10, 0.1, [20000, 20000], { chunks: [1000, 1000], seed: 42 });
 * const mean = await x.mean().compute({ executor: pool });
 * ```
 *
 * @module
 */
export { UnclonableParamError, WorkerExitError } from "@chunked/core/internal";
export { NodePool } from "./pool.js";
export type { NodePoolOptions } from "./pool.js";
