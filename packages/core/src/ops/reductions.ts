/**
 * What the lazy and eager reductions share before any kernel runs: the checks NumPy makes from
 * metadata alone.
 */
import { fmt, InvalidArgumentError } from "../errors.js";
import { type AxisTupleOptions, normalizeAxisTuple } from "../index/axis.js";
import type { DType } from "../dtype/dtypes.js";

/** Every built-in reduction; each has `reduce.<op>.chunk`, `.combine` and `.agg` kernels. */
export const REDUCTION_OPS = [
  "sum",
  "prod",
  "mean",
  "var",
  "std",
  "min",
  "max",
  "any",
  "all",
  "argmin",
  "argmax",
  "nansum",
  "nanprod",
  "nanmean",
  "nanvar",
  "nanstd",
  "nanmin",
  "nanmax",
  "nanargmin",
  "nanargmax",
] as const;

/** Name of a built-in reduction. */
export type ReduceOp = (typeof REDUCTION_OPS)[number];

/** NumPy's result dtype of sum/prod/mean/var/std, with int64 replaced by float64: float32 stays float32. */
export type SumDType<D extends DType> = D extends "float32" ? "float32" : "float64";
/** NumPy: mean keeps float32, promotes everything else to float64. */
export type MeanDType<D extends DType> = D extends "float32" ? "float32" : "float64";

/**
 * The result dtype of a reduction of an array of `dtype`.
 *
 * **NumPy divergence:** where NumPy returns int64/uint64 (sum and prod of bool and integers,
 * argmin/argmax indices) this returns float64, exact up to 2^53.
 *
 * @example
 * ```ts
 * reduceResultDType("sum", "int32");   // "float64" (NumPy: int64)
 * reduceResultDType("mean", "float32"); // "float32"
 * reduceResultDType("max", "uint8");    // "uint8"
 * ```
 * @see numpy.result_type
 */
export function reduceResultDType(op: ReduceOp, dtype: DType): DType {
  switch (op) {
    case "any":
    case "all":
      return "bool";
    case "min":
    case "max":
    case "nanmin":
    case "nanmax":
      return dtype;
    case "argmin":
    case "argmax":
    case "nanargmin":
    case "nanargmax":
      return "float64";
    default:
      return dtype === "float32" ? "float32" : "float64";
  }
}

/** True for the reductions that return indices (axis must be one integer or null). */
export function isArgReduction(op: string): boolean {
  return op === "argmin" || op === "argmax" || op === "nanargmin" || op === "nanargmax";
}

/** How reductions read `axis`: `null` is every axis, sorted, NumPy's ufunc wording for repeats. */
export const REDUCTION_AXES: AxisTupleOptions = {
  noneIsAll: true,
  sort: true,
  repeated: "duplicate value in 'axis'",
};

const IDENTITYLESS: Partial<Record<ReduceOp, string>> = { min: "minimum", max: "maximum" };

/**
 * Checks a reduction against the array's metadata before anything runs: axis bounds and duplicates,
 * arg-reductions over one axis or all, and empty reductions of ops without an identity. Returns the
 * normalised axes.
 */
export function checkReduction(
  op: ReduceOp,
  shape: readonly number[],
  axis: number | readonly number[] | null | undefined,
): number[] {
  if (isArgReduction(op) && axis !== null && axis !== undefined && typeof axis !== "number") {
    throw new InvalidArgumentError(`${op}: axis must be either null or an integer. Got axis=${fmt(axis)}.`);
  }
  const axes = normalizeAxisTuple(axis, shape.length, REDUCTION_AXES);
  let reducedSize = 1;
  for (const ax of axes) reducedSize *= shape[ax];
  // NumPy raises whenever the reduced axes are empty, whatever the size of the output.
  if (reducedSize === 0) {
    const name = IDENTITYLESS[op];
    if (name)
      throw new InvalidArgumentError(`zero-size array to reduction operation ${name} which has no identity`);
    if (op === "argmin" || op === "argmax") {
      throw new InvalidArgumentError(`attempt to get ${op} of an empty sequence`);
    }
    if (op === "nanargmin" || op === "nanargmax") {
      throw new InvalidArgumentError(`attempt to get ${op.slice(3)} of an empty sequence`);
    }
  }
  return axes;
}
