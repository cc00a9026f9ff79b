/**
 * The reductions, one row each, and what the lazy and eager reductions share before any kernel
 * runs: result dtypes and the checks NumPy makes from metadata alone.
 */
import { fmt, InvalidArgumentError } from "../errors.js";
import { type AxisTupleOptions, normalizeAxisTuple } from "../index/axis.js";
import { type DType, dtypeKind } from "../dtype/dtypes.js";

/** How a reduction's result dtype follows from its input dtype (NumPy's). */
export type ReductionDTypeRule =
  /** sum, prod: floats keep their dtype; bool and signed integers give int64, unsigned uint64. */
  | "sum"
  /** mean, var, std: float32 stays float32, everything else float64. */
  | "mean"
  /** min, max: the input dtype. */
  | "same"
  /** any, all. */
  | "bool"
  /** argmin, argmax: indices, int64. */
  | "index";

/** One row of {@link REDUCTIONS}. */
export interface ReductionRow {
  /** Result dtype rule. */
  readonly dtype: ReductionDTypeRule;
  /** An arg-reduction: `axis` is one axis or `null`, chunk tasks need their block's offset. */
  readonly arg?: true;
  /** Takes `ddof` (var, std and their nan twins). */
  readonly ddof?: true;
  /** First paragraph of the TSDoc of both wrappers. */
  readonly summary: string;
  /** The `**NumPy divergence:**` paragraph, when there is one. */
  readonly divergence?: string;
  /** An eager call with its result, the `@example` of `nd.<op>`. */
  readonly example: string;
  /** Name of the `ChunkedArray` method, when NumPy's ndarray has one. */
  readonly method?: string;
  /** The function's name when the id is a reserved word (`var` → `variance`, exported as both). */
  readonly name?: string;
}

/**
 * Every built-in reduction, by id (NumPy's name), one row each: the single description from which
 * the lazy `ca.*` and eager `nd.*` wrappers, their exports and the methods are generated
 * (`scripts/generate-ops.ts`). Each id has `reduce.<id>.chunk`, `.combine` and `.agg` kernels
 * (kernels/reduce.ts).
 */
export const REDUCTIONS = {
  sum: {
    dtype: "sum",
    summary:
      "Sum over the given axes. Floats sum pairwise within blocks in float64; bool and integers give int64 (uint64 for unsigned), exact and wrapping around modulo 2^64 as NumPy.",
    example: "sum(NDArray.from([[1, 2], [3, 4]]), { axis: 1 }); // array([3., 7.])",
    method: "sum",
  },
  prod: {
    dtype: "sum",
    summary:
      "Product over the given axes; bool and integers give int64 (uint64 for unsigned), wrapping around modulo 2^64 as NumPy.",
    example: "prod(NDArray.from([1, 2, 3, 4])); // array(24.)",
    method: "prod",
  },
  mean: {
    dtype: "mean",
    summary:
      "Arithmetic mean over the given axes; float32 stays float32 (computed in float64), others give float64.",
    example: "mean(NDArray.from([[1, 2], [3, 4]]), { axis: 0 }); // array([2., 3.])",
    method: "mean",
  },
  var: {
    dtype: "mean",
    ddof: true,
    summary:
      "Variance over the given axes: per-block `[count, mean, M2]` merged with Chan's parallel formula (the mean carried in double-double, so data on a large offset keep full precision), divided by `count - ddof` (inf or NaN when that is <= 0, as NumPy).",
    example: "variance(NDArray.from([1, 2, 3, 4]), { ddof: 1 }); // array(1.6666666666666667)",
    method: "var",
    name: "variance",
  },
  std: {
    dtype: "mean",
    ddof: true,
    summary: "Standard deviation over the given axes, `sqrt(M2 / (count - ddof))`.",
    example: "std(NDArray.from([1, 2, 3, 4])); // array(1.118033988749895)",
    method: "std",
  },
  min: {
    dtype: "same",
    summary:
      "Minimum over the given axes; NaN propagates. An empty reduction throws when the graph is built.",
    example: "min(NDArray.from([[1, 5], [3, 2]]), { axis: 0 }); // array([1., 2.])",
    method: "min",
  },
  max: {
    dtype: "same",
    summary:
      "Maximum over the given axes; NaN propagates. An empty reduction throws when the graph is built.",
    example: "max(NDArray.from([[1, 5], [3, 2]]), { axis: 0 }); // array([3., 5.])",
    method: "max",
  },
  any: {
    dtype: "bool",
    summary: "True where any element over the given axes is non-zero (NaN counts as true).",
    example: "any(NDArray.from([[0, 0], [0, 1]]), { axis: 1 }); // array([False, True])",
    method: "any",
  },
  all: {
    dtype: "bool",
    summary: "True where every element over the given axes is non-zero.",
    example: "all(NDArray.from([[1, 0], [1, 1]]), { axis: 1 }); // array([False, True])",
    method: "all",
  },
  argmin: {
    dtype: "index",
    arg: true,
    summary:
      "Index of the minimum along one axis, or into the flattened array with `axis: null` (the first one; a NaN wins, as in NumPy).",
    example: "argmin(NDArray.from([[4, 1], [0, 7]])); // array(2) (int64)",
    method: "argmin",
  },
  argmax: {
    dtype: "index",
    arg: true,
    summary:
      "Index of the maximum along one axis, or into the flattened array with `axis: null` (the first one; a NaN wins, as in NumPy).",
    example: "argmax(NDArray.from([[4, 1], [0, 7]]), { axis: 1 }); // array([0, 1])",
    method: "argmax",
  },
  nansum: {
    dtype: "sum",
    summary: "Sum treating NaN as zero.",
    example: "nansum(NDArray.from([1, NaN, 2])); // array(3.)",
  },
  nanprod: {
    dtype: "sum",
    summary: "Product treating NaN as one.",
    example: "nanprod(NDArray.from([2, NaN, 3])); // array(6.)",
  },
  nanmean: {
    dtype: "mean",
    summary: "Mean ignoring NaN; an all-NaN slice gives NaN.",
    example: "nanmean(NDArray.from([1, NaN, 3])); // array(2.)",
  },
  nanvar: {
    dtype: "mean",
    ddof: true,
    summary: "Variance ignoring NaN; NaN where `count - ddof <= 0`.",
    example: "nanvar(NDArray.from([1, NaN, 3])); // array(1.)",
  },
  nanstd: {
    dtype: "mean",
    ddof: true,
    summary: "Standard deviation ignoring NaN.",
    example: "nanstd(NDArray.from([1, NaN, 3])); // array(1.)",
  },
  nanmin: {
    dtype: "same",
    summary: "Minimum ignoring NaN; an all-NaN slice gives NaN.",
    example: "nanmin(NDArray.from([NaN, 3, 1])); // array(1.)",
  },
  nanmax: {
    dtype: "same",
    summary: "Maximum ignoring NaN; an all-NaN slice gives NaN.",
    example: "nanmax(NDArray.from([NaN, 3, 1])); // array(3.)",
  },
  nanargmin: {
    dtype: "index",
    arg: true,
    summary:
      'Index of the minimum ignoring NaN. An all-NaN slice throws "All-NaN slice encountered" at compute (inside a `TaskError` for lazy arrays), since only the values can tell.',
    example: "nanargmin(NDArray.from([NaN, 3, 1])); // array(2)",
  },
  nanargmax: {
    dtype: "index",
    arg: true,
    summary:
      'Index of the maximum ignoring NaN. An all-NaN slice throws "All-NaN slice encountered" at compute (inside a `TaskError` for lazy arrays), since only the values can tell.',
    example: "nanargmax(NDArray.from([NaN, 3, 1])); // array(1)",
  },
} as const satisfies Record<string, ReductionRow>;

/** Name of a built-in reduction. */
export type ReduceOp = keyof typeof REDUCTIONS;

/** Every built-in reduction, in table order. */
export const REDUCTION_OPS = Object.keys(REDUCTIONS) as ReduceOp[];

/** The row of `op`. */
export function reductionRow(op: ReduceOp): ReductionRow {
  return (REDUCTIONS as Readonly<Record<ReduceOp, ReductionRow>>)[op];
}

/** NumPy's result dtype of sum/prod: floats keep theirs, unsigned integers give uint64, bool and signed int64. */
export type SumDType<D extends DType> = D extends "float32" | "float64"
  ? D
  : D extends "uint8" | "uint16" | "uint32" | "uint64"
    ? "uint64"
    : "int64";
/** NumPy: mean keeps float32, promotes everything else to float64. */
export type MeanDType<D extends DType> = D extends "float32" ? "float32" : "float64";

/**
 * The result dtype of a reduction of an array of `dtype`.
 *
 * @example
 * ```ts
 * reduceResultDType("sum", "int32");   // "int64"
 * reduceResultDType("argmax", "float32"); // "int64"
 * reduceResultDType("mean", "float32"); // "float32"
 * reduceResultDType("max", "uint8");    // "uint8"
 * ```
 * @see numpy.result_type
 */
export function reduceResultDType(op: ReduceOp, dtype: DType): DType {
  switch (reductionRow(op).dtype) {
    case "bool":
      return "bool";
    case "same":
      return dtype;
    case "index":
      return "int64";
    case "sum":
      if (dtype === "float32" || dtype === "float64") return dtype;
      return dtypeKind(dtype) === "uint" ? "uint64" : "int64";
    case "mean":
      return dtype === "float32" ? "float32" : "float64";
  }
}

/** True for the reductions that return indices (axis must be one integer or null). */
export function isArgReduction(op: string): boolean {
  return Object.hasOwn(REDUCTIONS, op) && reductionRow(op as ReduceOp).arg === true;
}

/** How reductions read `axis`: `null` is every axis, sorted, NumPy's ufunc wording for repeats. */
export const REDUCTION_AXES: AxisTupleOptions = {
  noneIsAll: true,
  sort: true,
  repeated: "duplicate value in 'axis'",
};

/** An axis given positionally, as NumPy allows: `x.mean(0)` is `x.mean({ axis: 0 })`. */
export type ReduceAxis = number | readonly number[] | null;

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
