/**
 * The eager, in-memory API over {@link NDArray}: the "NumPy" of \@chunked, exported as `nd`. Each
 * function runs the same kernels the chunked arrays run per block.
 *
 * As in NumPy, every call returns a new, materialised array: a chain of calls makes one temporary
 * per step (`nd.sum(nd.multiply(d, d), { axis: -1 })` of an [n, n, 3] difference holds two n × n × 3
 * arrays). As in NumPy, the elementwise functions take `{ out }` to write into an existing array
 * instead, the operand itself included (`nd.multiply(d, d, { out: d })`): on large arrays, first
 * writes to fresh memory cost more than the arithmetic, so reusing arrays this way is the eager
 * chain's main speed-up. To evaluate such a chain as one fused loop with no temporaries at all,
 * write it on `fromArray(x)` and `compute()` it (the lazy API fuses elementwise ops, broadcasts and
 * inner reductions into the outer reduction, as dask does for NumPy users).
 *
 * @example
 * ```ts
 * import { NDArray, nd } from "@chunked/core";
 * const a = NDArray.from([[1, 2], [3, 4]]);
 * nd.mean(nd.add(a, 1), { axis: 0 }); // array([3., 4.])
 * nd.multiply(a, a, { out: a }); // squares a in place: array([[1., 4.], [9., 16.]])
 * ```
 * @module
 */
export { astype, clip, elementwiseOp, where } from "./elementwise.js";
export type { Operand, UfuncOptions } from "./elementwise.js";
// The generated elementwise ops (one per row of ops/elementwise.ts) and their aliases.
export * from "./ufuncs.js";
export { ndget as get } from "./getitem.js";
export * as random from "./random.js";
export { reduce } from "./reduce.js";
export type { NDArgReduceOptions, NDReduceOptions } from "./reduce.js";
// The generated named reductions (one per row of ops/reductions.ts).
export * from "./named-reductions.js";
export { broadcastShapes, broadcastTo } from "../ndarray/broadcast.js";
