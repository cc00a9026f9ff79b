/**
 * The warning cases of `fixtures/golden/warnings.json` (made by
 * `scripts/prep/goldens/make_warning_goldens.py` with NumPy) as @chunked expressions, so that every
 * executor's tests check the same NumPy warnings.
 * @module
 */
import type { ChunkedArray } from "../array/chunked-array.js";
import * as ca from "../index.js";
import type { DType } from "../dtype/dtypes.js";
import { NDArray } from "../ndarray/ndarray.js";
import type { ChunkedWarning } from "../warnings.js";

type A = ChunkedArray;

/** One input of a warning case: float values as numbers, or `"nan"`, `"inf"`, `"-inf"`. */
export interface WarningGoldenInput {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly data: readonly (number | string)[];
}

/** `fixtures/golden/warnings.json`: per case, its inputs and NumPy's warning messages (sorted). */
export interface WarningGolden {
  readonly numpy: string;
  readonly cases: Readonly<
    Record<string, { readonly inputs: readonly WarningGoldenInput[]; readonly warnings: readonly string[] }>
  >;
}

/** The @chunked expression of each case of the golden file, over its inputs `a` (and `b`). */
export const WARNING_CASES: Readonly<Record<string, (a: A, b: A) => A>> = {
  "divide by zero": (a) => ca.divide(a, 0),
  "divide by an array with zeros": (a, b) => ca.divide(a, b),
  "divide without zeros": (a) => ca.divide(a, 2),
  "log of zero and negatives": (a) => ca.log(a),
  "log1p of -1": (a) => ca.log1p(a),
  "sqrt of negatives": (a) => ca.sqrt(a),
  "arcsin out of domain": (a) => ca.arcsin(a),
  "exp overflow": (a) => ca.exp(a),
  "multiply overflow": (a) => ca.multiply(a, 10),
  "float32 multiply overflow": (a) => ca.multiply(a, 2),
  "power of zero by -1": (a) => ca.power(a, -1),
  "power overflow": (a) => ca.power(a, 3),
  "inf minus inf": (a) => ca.subtract(a, Number.POSITIVE_INFINITY),
  "floor_divide by zero": (a) => ca.floorDivide(a, 0),
  "remainder by zero": (a) => ca.mod(a, 0),
  "int floor_divide by zero": (a, b) => ca.floorDivide(a, b),
  "int remainder by zero": (a, b) => ca.mod(a, b),
  "int floor_divide without zeros": (a) => ca.floorDivide(a, a),
  "cast to float32 overflows": (a) => a.astype("float32"),
  "cast NaN to int32": (a) => a.astype("int32"),
  "cast 1e10 to int32": (a) => a.astype("int32"),
  "cast 300 to int8 (wraps silently)": (a) => a.astype("int8"),
  "NaN input propagates silently": (a) => ca.add(a, 1),
  "exp of inf is silent": (a) => ca.exp(a),
  "chained: sqrt then divide": (a) => ca.divide(ca.sqrt(a), a),
  "sum overflow": (a) => ca.sum(a),
  "prod overflow": (a) => ca.prod(a),
  "mean overflow": (a) => ca.mean(a),
  "sum of a quotient (fused)": (a) => ca.sum(ca.divide(a, 0)),
  "mean of a log (fused)": (a) => ca.mean(ca.log(a)),
  "sum with inf is silent": (a) => ca.sum(a),
  "mean of an empty axis": (a) => ca.mean(a, { axis: 0 }),
  "var with ddof = n": (a) => ca.var(a, { ddof: 6 }),
  "std of an empty axis": (a) => ca.std(a, { axis: 0 }),
  "sum of an empty axis is silent": (a) => ca.sum(a, { axis: 0 }),
  "nanmean of an all-NaN slice": (a) => ca.nanmean(a, { axis: 0 }),
  "nanmin of an all-NaN slice": (a) => ca.nanmin(a, { axis: 0 }),
  "nanmax of an all-NaN slice": (a) => ca.nanmax(a, { axis: 0 }),
  "nanvar of an all-NaN slice": (a) => ca.nanvar(a, { axis: 0 }),
  "nanstd with ddof = count": (a) => ca.nanstd(a, { ddof: 3 }),
  "nanmedian of an all-NaN slice": (a) => ca.nanmedian(a, { axis: 0 }),
  "nanquantile of an all-NaN slice": (a) => ca.nanquantile(a, [0.25, 0.75], { axis: 0 }),
  "median with a NaN is silent": (a) => ca.median(a),
  "nansum of an all-NaN slice is silent": (a) => ca.nansum(a, { axis: 0 }),
  "mean with a NaN is silent": (a) => ca.mean(a),
};

const decode = (v: number | string) => (typeof v === "number" ? v : Number(v.replace("inf", "Infinity")));

/**
 * A case's expression over its golden inputs, chunked in blocks of 2 along every axis.
 *
 * @example
 * ```ts
 * const x = warningCase(golden, "divide by zero"); // fromArray([1, 2, 0, -1, 4, 0.5]) / 0
 * ```
 */
export function warningCase(golden: WarningGolden, name: string): A {
  const inputs = golden.cases[name].inputs.map((input) => {
    const nd = NDArray.from(input.data.map(decode), { dtype: input.dtype as DType, shape: input.shape });
    return ca.fromArray(nd, { chunks: input.shape.map((n) => Math.max(1, Math.min(2, n))) });
  });
  return WARNING_CASES[name](inputs[0], inputs[1] ?? inputs[0]);
}

/** The distinct messages of `warnings`, sorted, as the golden file lists NumPy's. */
export function warningMessages(warnings: readonly ChunkedWarning[]): string[] {
  return [...new Set(warnings.map((w) => w.message))].sort();
}
