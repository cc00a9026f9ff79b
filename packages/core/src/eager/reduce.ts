/**
 * Eager reductions of an {@link NDArray}: the same kernels as the lazy tree reductions
 * (kernels/reduce.ts), run as chunk then aggregate on the one block (`reduceWhole`).
 */
import { reduceWhole } from "../kernels/reduce.js";
import { int64Reduction } from "../kernels/int64-reduce.js";
import { axisOptions } from "../index/axis.js";
import { checkReduction, type ReduceAxis, type ReduceOp, reduceResultDType } from "../ops/reductions.js";
import type { NDArray } from "../ndarray/ndarray.js";

/** Options of the eager reductions. */
export interface NDReduceOptions {
  /** Axis or axes to reduce; negative counts from the end. `null` or missing: all axes. */
  axis?: number | readonly number[] | null;
  /** Keep reduced axes as length-1 axes. Default `false`. */
  keepdims?: boolean;
  /** var/std only: delta degrees of freedom, the divisor is `count - ddof`. Default 0. */
  ddof?: number;
}

/** Options of the eager arg-reductions: one axis or all of them. */
export interface NDArgReduceOptions {
  /** The axis along which to find the index; negative counts from the end. `null`: flat index. */
  axis?: number | null;
  /** Keep the reduced axes as length-1 axes. Default `false`. */
  keepdims?: boolean;
}

/**
 * Any built-in reduction of an NDArray by name (what the named functions call).
 *
 * @example
 * ```ts
 * reduce("sum", NDArray.from([[1, 2], [3, 4]]), { axis: 0 }); // array([4., 6.])
 * ```
 */
export function reduce(
  op: ReduceOp,
  a: NDArray,
  optionsOrAxis: NDReduceOptions | NDArgReduceOptions | ReduceAxis = {},
): NDArray {
  const options: NDReduceOptions = axisOptions(`nd.${op}`, optionsOrAxis);
  const axes = checkReduction(op, a.shape, options.axis);
  const aggParams = {
    axis: axes,
    keepdims: options.keepdims ?? false,
    dtype: reduceResultDType(op, a.dtype),
    ddof: options.ddof ?? 0,
  };
  const wide = int64Reduction(op, a.dtype);
  if (wide) {
    const partial = wide.chunk.fn([a], { axis: axes, arrayShape: a.shape }) as NDArray;
    return wide.agg.fn([partial], aggParams) as NDArray;
  }
  return reduceWhole(op, a, { axis: axes, arrayShape: a.shape }, aggParams);
}
