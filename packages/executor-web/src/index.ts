/**
 * `@chunked/executor-web`: run `@chunked/core` graphs on every core of the machine, in a browser,
 * with a pool of Web Workers. What `NodePool` (`@chunked/executor-node`) is for Node, for pages.
 *
 * @example
 * ```ts
 * import * as ca from "@chunked/core";
 * import { WebPool } from "@chunked/executor-web";
 *
 * const pool = new WebPool(); // navigator.hardwareConcurrency workers, at most 8
 * const x = ca.random.normal(10, 0.1, [4000, 4000], { chunks: [500, 500], seed: 42 });
 * const [m] = await ca.compute([x.mean({ axis: 0 })], { executor: pool });
 * pool.terminate();
 * ```
 *
 * A custom worker entry (to bundle your own kernels into the workers) imports
 * `@chunked/executor-web/worker`; see {@link WebPoolOptions.createWorker} and the README.
 * @module
 */
export { UnclonableParamError, WorkerExitError } from "@chunked/core/internal";
export { WebPool } from "./pool.js";
export type { Transport, WebPoolOptions, WebPoolStats, WorkerLike } from "./pool.js";
export { throttle } from "./throttle.js";
export type { Throttled } from "./throttle.js";
