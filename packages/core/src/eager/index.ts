/**
 * The eager, in-memory API over {@link NDArray}: the "NumPy" of \@chunked, exported as `nd`. Each
 * function runs the same kernels the chunked arrays run per block.
 *
 * @example
 * ```ts
 * import { NDArray, nd } from "@chunked/core";
 * const a = NDArray.from([[1, 2], [3, 4]]);
 * nd.mean(nd.add(a, 1), { axis: 0 }); // array([3., 4.])
 * ```
 * @module
 */
export { astype, clip, elementwiseOp, where } from "./elementwise.js";
export type { Operand } from "./elementwise.js";
// <generated-ops>
export {
  abs,
  add,
  arccos,
  arcsin,
  arctan,
  arctan2,
  ceil,
  cos,
  cosh,
  divide,
  divide as div,
  equal,
  exp,
  expm1,
  floor,
  floorDivide,
  floorDivide as floorDiv,
  greater,
  greaterEqual,
  isfinite,
  isinf,
  isnan,
  less,
  lessEqual,
  log,
  log1p,
  logicalAnd,
  logicalNot,
  logicalOr,
  logicalXor,
  maximum,
  minimum,
  mod,
  multiply,
  multiply as mul,
  negative,
  negative as neg,
  notEqual,
  power,
  power as pow,
  reciprocal,
  round,
  sign,
  sin,
  sinh,
  sqrt,
  square,
  subtract,
  subtract as sub,
  tan,
  tanh,
} from "./ufuncs.js";
// </generated-ops>
export { ndget as get } from "./getitem.js";
export * as random from "./random.js";
export { reduce } from "./reduce.js";
export type { NDArgReduceOptions, NDReduceOptions } from "./reduce.js";
// <generated-reductions>
export {
  all,
  any,
  argmax,
  argmin,
  max,
  mean,
  min,
  nanargmax,
  nanargmin,
  nanmax,
  nanmean,
  nanmin,
  nanprod,
  nanstd,
  nansum,
  nanvar,
  prod,
  std,
  sum,
  variance,
  variance as var,
} from "./named-reductions.js";
// </generated-reductions>
export { broadcastShapes, broadcastTo } from "../ndarray/broadcast.js";
