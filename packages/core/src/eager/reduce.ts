/**
 * Eager reductions of an {@link NDArray}: the same kernels as the lazy tree reductions
 * (kernels/reduce.ts), run as chunk then aggregate on the one block.
 */
import type { DType } from "../dtype/dtypes.js";
import { reduceAggregate, reduceChunk } from "../kernels/reduce.js";
import { type MeanDType, type ReduceOp, reduceResultDType, type SumDType } from "../ops/reductions.js";
import type { NDArray } from "../ndarray/ndarray.js";
import { checkReduction } from "../ops/reductions.js";

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
export function reduce(op: ReduceOp, a: NDArray, options: NDReduceOptions = {}): NDArray {
  const axes = checkReduction(op, a.shape, options.axis);
  const partial = reduceChunk(op, a, { axis: axes, arrayShape: a.shape });
  return reduceAggregate(op, [partial], {
    axis: axes,
    keepdims: options.keepdims ?? false,
    dtype: reduceResultDType(op, a.dtype),
    ddof: options.ddof ?? 0,
  });
}

/**
 * Sum of the elements over the given axes (pairwise, accumulated in float64).
 *
 * **NumPy divergence:** bool and integer input gives float64 (NumPy: int64/uint64); integer sums
 * are exact up to 2^53 and do not wrap around.
 *
 * @example
 * ```ts
 * sum(NDArray.from([[1, 2], [3, 4]]), { axis: 1 }); // array([3., 7.])
 * ```
 * @see numpy.sum
 */
export function sum<D extends DType>(a: NDArray<D>, options: NDReduceOptions = {}): NDArray<SumDType<D>> {
  return reduce("sum", a, options) as NDArray<SumDType<D>>;
}

/**
 * Product of the elements over the given axes.
 *
 * **NumPy divergence:** bool and integer input gives float64 (NumPy: int64/uint64, which wraps around).
 *
 * @example
 * ```ts
 * prod(NDArray.from([1, 2, 3, 4])); // array(24.)
 * ```
 * @see numpy.prod
 */
export function prod<D extends DType>(a: NDArray<D>, options: NDReduceOptions = {}): NDArray<SumDType<D>> {
  return reduce("prod", a, options) as NDArray<SumDType<D>>;
}

/**
 * Arithmetic mean over the given axes; float32 stays float32 (computed in float64), others give float64.
 *
 * @example
 * ```ts
 * mean(NDArray.from([[1, 2], [3, 4]]), { axis: 0 }); // array([2., 3.])
 * ```
 * @see numpy.mean
 */
export function mean<D extends DType>(a: NDArray<D>, options: NDReduceOptions = {}): NDArray<MeanDType<D>> {
  return reduce("mean", a, options) as NDArray<MeanDType<D>>;
}

/**
 * Variance over the given axes, `M2 / (count - ddof)`.
 *
 * @example
 * ```ts
 * variance(NDArray.from([1, 2, 3, 4]), { ddof: 1 }); // array(1.6666666666666667)
 * ```
 * @see numpy.var
 */
export function variance<D extends DType>(
  a: NDArray<D>,
  options: NDReduceOptions = {},
): NDArray<MeanDType<D>> {
  return reduce("var", a, options) as NDArray<MeanDType<D>>;
}

/**
 * Standard deviation over the given axes, `sqrt(M2 / (count - ddof))`.
 *
 * @example
 * ```ts
 * std(NDArray.from([1, 2, 3, 4])); // array(1.118033988749895)
 * ```
 * @see numpy.std
 */
export function std<D extends DType>(a: NDArray<D>, options: NDReduceOptions = {}): NDArray<MeanDType<D>> {
  return reduce("std", a, options) as NDArray<MeanDType<D>>;
}

/**
 * Minimum over the given axes; NaN propagates. Throws on an empty reduction (no identity).
 *
 * @example
 * ```ts
 * min(NDArray.from([[1, 5], [3, 2]]), { axis: 0 }); // array([1., 2.])
 * ```
 * @see numpy.min
 */
export function min<D extends DType>(a: NDArray<D>, options: NDReduceOptions = {}): NDArray<D> {
  return reduce("min", a, options) as NDArray<D>;
}

/**
 * Maximum over the given axes; NaN propagates. Throws on an empty reduction (no identity).
 *
 * @example
 * ```ts
 * max(NDArray.from([[1, 5], [3, 2]]), { axis: 0 }); // array([3., 5.])
 * ```
 * @see numpy.max
 */
export function max<D extends DType>(a: NDArray<D>, options: NDReduceOptions = {}): NDArray<D> {
  return reduce("max", a, options) as NDArray<D>;
}

/**
 * True where any element over the given axes is non-zero (NaN counts as true).
 *
 * @example
 * ```ts
 * any(NDArray.from([[0, 0], [0, 1]]), { axis: 1 }); // array([False, True])
 * ```
 * @see numpy.any
 */
export function any(a: NDArray, options: NDReduceOptions = {}): NDArray<"bool"> {
  return reduce("any", a, options) as NDArray<"bool">;
}

/**
 * True where every element over the given axes is non-zero.
 *
 * @example
 * ```ts
 * all(NDArray.from([[1, 0], [1, 1]]), { axis: 1 }); // array([False, True])
 * ```
 * @see numpy.all
 */
export function all(a: NDArray, options: NDReduceOptions = {}): NDArray<"bool"> {
  return reduce("all", a, options) as NDArray<"bool">;
}

/**
 * Index of the minimum (the first one; a NaN wins, as in NumPy). With `axis: null` the index is
 * into the flattened array.
 *
 * **NumPy divergence:** indices are float64 (NumPy: int64).
 *
 * @example
 * ```ts
 * argmin(NDArray.from([[4, 1], [0, 7]])); // array(2.)
 * ```
 * @see numpy.argmin
 */
export function argmin(a: NDArray, options: NDArgReduceOptions = {}): NDArray<"float64"> {
  return reduce("argmin", a, options) as NDArray<"float64">;
}

/**
 * Index of the maximum (the first one; a NaN wins, as in NumPy).
 *
 * **NumPy divergence:** indices are float64 (NumPy: int64).
 *
 * @example
 * ```ts
 * argmax(NDArray.from([[4, 1], [0, 7]]), { axis: 1 }); // array([0., 1.])
 * ```
 * @see numpy.argmax
 */
export function argmax(a: NDArray, options: NDArgReduceOptions = {}): NDArray<"float64"> {
  return reduce("argmax", a, options) as NDArray<"float64">;
}

/**
 * Sum treating NaN as zero.
 *
 * **NumPy divergence:** bool and integer input gives float64 (NumPy: int64/uint64).
 *
 * @example
 * ```ts
 * nansum(NDArray.from([1, NaN, 2])); // array(3.)
 * ```
 * @see numpy.nansum
 */
export function nansum<D extends DType>(a: NDArray<D>, options: NDReduceOptions = {}): NDArray<SumDType<D>> {
  return reduce("nansum", a, options) as NDArray<SumDType<D>>;
}

/**
 * Product treating NaN as one.
 *
 * **NumPy divergence:** bool and integer input gives float64 (NumPy: int64/uint64).
 *
 * @example
 * ```ts
 * nanprod(NDArray.from([2, NaN, 3])); // array(6.)
 * ```
 * @see numpy.nanprod
 */
export function nanprod<D extends DType>(a: NDArray<D>, options: NDReduceOptions = {}): NDArray<SumDType<D>> {
  return reduce("nanprod", a, options) as NDArray<SumDType<D>>;
}

/**
 * Mean ignoring NaN; an all-NaN slice gives NaN.
 *
 * @example
 * ```ts
 * nanmean(NDArray.from([1, NaN, 3])); // array(2.)
 * ```
 * @see numpy.nanmean
 */
export function nanmean<D extends DType>(
  a: NDArray<D>,
  options: NDReduceOptions = {},
): NDArray<MeanDType<D>> {
  return reduce("nanmean", a, options) as NDArray<MeanDType<D>>;
}

/**
 * Variance ignoring NaN; NaN where `count - ddof <= 0`.
 *
 * @example
 * ```ts
 * nanvar(NDArray.from([1, NaN, 3])); // array(1.)
 * ```
 * @see numpy.nanvar
 */
export function nanvar<D extends DType>(a: NDArray<D>, options: NDReduceOptions = {}): NDArray<MeanDType<D>> {
  return reduce("nanvar", a, options) as NDArray<MeanDType<D>>;
}

/**
 * Standard deviation ignoring NaN.
 *
 * @example
 * ```ts
 * nanstd(NDArray.from([1, NaN, 3])); // array(1.)
 * ```
 * @see numpy.nanstd
 */
export function nanstd<D extends DType>(a: NDArray<D>, options: NDReduceOptions = {}): NDArray<MeanDType<D>> {
  return reduce("nanstd", a, options) as NDArray<MeanDType<D>>;
}

/**
 * Minimum ignoring NaN; an all-NaN slice gives NaN.
 *
 * @example
 * ```ts
 * nanmin(NDArray.from([NaN, 3, 1])); // array(1.)
 * ```
 * @see numpy.nanmin
 */
export function nanmin<D extends DType>(a: NDArray<D>, options: NDReduceOptions = {}): NDArray<D> {
  return reduce("nanmin", a, options) as NDArray<D>;
}

/**
 * Maximum ignoring NaN; an all-NaN slice gives NaN.
 *
 * @example
 * ```ts
 * nanmax(NDArray.from([NaN, 3, 1])); // array(3.)
 * ```
 * @see numpy.nanmax
 */
export function nanmax<D extends DType>(a: NDArray<D>, options: NDReduceOptions = {}): NDArray<D> {
  return reduce("nanmax", a, options) as NDArray<D>;
}

/**
 * Index of the minimum ignoring NaN; throws "All-NaN slice encountered" on an all-NaN slice.
 *
 * **NumPy divergence:** indices are float64 (NumPy: int64).
 *
 * @example
 * ```ts
 * nanargmin(NDArray.from([NaN, 3, 1])); // array(2.)
 * ```
 * @see numpy.nanargmin
 */
export function nanargmin(a: NDArray, options: NDArgReduceOptions = {}): NDArray<"float64"> {
  return reduce("nanargmin", a, options) as NDArray<"float64">;
}

/**
 * Index of the maximum ignoring NaN; throws "All-NaN slice encountered" on an all-NaN slice.
 *
 * **NumPy divergence:** indices are float64 (NumPy: int64).
 *
 * @example
 * ```ts
 * nanargmax(NDArray.from([NaN, 3, 1])); // array(1.)
 * ```
 * @see numpy.nanargmax
 */
export function nanargmax(a: NDArray, options: NDArgReduceOptions = {}): NDArray<"float64"> {
  return reduce("nanargmax", a, options) as NDArray<"float64">;
}
