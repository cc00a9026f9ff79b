/**
 * How the value-dependent ops (masks, sort, counting) meet int64: indices and counts are computed
 * in float64 (exact, as they stay far below 2^53) and handed out as int64, NumPy's dtype for them;
 * ops whose kernels compare or copy values as numbers refuse int64/uint64 input at build time
 * rather than round values past 2^53.
 */
import { is64BitInt } from "../dtype/dtypes.js";
import { DTypeError, fmt } from "../errors.js";
import type { ChunkedArray } from "./chunked-array.js";
import { astype } from "./elementwise.js";

/** Float64 indices or counts (exact integers) as NumPy's int64. */
export function asIndices(x: ChunkedArray): ChunkedArray<"int64"> {
  return astype(x, "int64");
}

/** Throws a {@link DTypeError} naming `fn` when `x` holds 64-bit integers, which `fn`'s kernels read as numbers. */
export function refuse64BitInput(x: ChunkedArray, fn: string, name = "x"): void {
  if (is64BitInt(x.dtype)) {
    throw new DTypeError(
      `${fn} does not support ${x.dtype} input yet: its kernels compare values as float64, which rounds past 2^53. Got ${name} dtype=${fmt(x.dtype)}; cast with astype(${name}, "float64") if the values are below 2^53.`,
    );
  }
}

/** `x` as float64 when it holds 64-bit integers (for kernels that only need values below 2^53, e.g. bin indices). */
export function numberValues(x: ChunkedArray): ChunkedArray {
  return is64BitInt(x.dtype) ? astype(x, "float64") : x;
}
