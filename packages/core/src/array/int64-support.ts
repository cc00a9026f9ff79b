/**
 * How the value-dependent ops (masks, sort, counting) meet int64: indices and counts are computed
 * in float64 (exact, as they stay far below 2^53) and handed out as int64, NumPy's dtype for them;
 * ops whose kernels compare values as numbers read int64/uint64 input through
 * {@link exactFloat64Input}, which fails at compute rather than round a value past 2^53.
 */
import { is64BitInt } from "../dtype/dtypes.js";
import { exactFloat64Kernel } from "../kernels/int64-exact.js";
import { task } from "../kernels/registry.js";
import { blockLayer } from "./block-layer.js";
import type { ChunkedArray } from "./chunked-array.js";
import { astype } from "./elementwise.js";

/** Float64 indices or counts (exact integers) as NumPy's int64. */
export function asIndices(x: ChunkedArray): ChunkedArray<"int64"> {
  return astype(x, "int64");
}

/**
 * `x` as float64 for `fn`'s number-comparing kernels when it holds 64-bit integers (itself
 * otherwise). A block with a value past ±2^53, which would round, fails at compute naming `fn`.
 */
export function exactFloat64Input(x: ChunkedArray, fn: string): ChunkedArray {
  if (!is64BitInt(x.dtype)) return x;
  return blockLayer("exact-float64", fn, [x], x.chunks, "float64", (idx, key) =>
    task(exactFloat64Kernel, key, [x.key(idx)], { fn }),
  );
}

/** `x` as float64 when it holds 64-bit integers (for kernels that only need values below 2^53, e.g. bin indices). */
export function numberValues(x: ChunkedArray): ChunkedArray {
  return is64BitInt(x.dtype) ? astype(x, "float64") : x;
}
