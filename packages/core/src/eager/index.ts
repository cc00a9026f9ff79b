/**
 * The eager, in-memory API over {@link NDArray}: the "NumPy" of @chunked, exported as `nd`. Each
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
export {
  abs,
  add,
  arccos,
  arcsin,
  arctan,
  arctan2,
  astype,
  ceil,
  clip,
  cos,
  cosh,
  divide,
  equal,
  exp,
  expm1,
  floor,
  floorDivide,
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
  negative,
  notEqual,
  power,
  reciprocal,
  round,
  sign,
  sin,
  sinh,
  sqrt,
  square,
  subtract,
  tan,
  tanh,
  where,
} from "./elementwise.js";
export { ndget as get } from "./getitem.js";
export * as random from "./random.js";
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
  variance as var,
} from "./reduce.js";
export { broadcastShapes, broadcastTo } from "../ndarray/broadcast.js";
