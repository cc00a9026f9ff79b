/**
 * int64/uint64 blocks read as float64 by ops whose kernels compare numbers (sort, topk, unique,
 * isin, searchsorted): exact while every value is within ±2^53, an error naming the op otherwise.
 */
import { DTypeError } from "../errors.js";
import { NDArray } from "../ndarray/ndarray.js";
import { defineKernel } from "./registry.js";

const LIMIT = BigInt(Number.MAX_SAFE_INTEGER);

/** Params of `int64.exactFloat64`: the op that reads the values, for the message. */
export interface ExactFloat64Params {
  readonly fn: string;
}

/** The block as float64, or a {@link DTypeError} when a value would round. */
export function exactFloat64(a: NDArray, p: ExactFloat64Params): NDArray {
  const src = a.toTypedArray() as ArrayLike<bigint>;
  const out = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (v > LIMIT || v < -LIMIT) {
      throw new DTypeError(
        `${p.fn} compares ${a.dtype} values as float64, exact only within ±2^53 (${Number.MAX_SAFE_INTEGER}). Got a value ${v}; values this large are not supported by ${p.fn} yet.`,
      );
    }
    out[i] = Number(v);
  }
  return new NDArray("float64", out, [...a.shape]);
}

export const exactFloat64Kernel = defineKernel("int64.exactFloat64", ([a], p: ExactFloat64Params) =>
  exactFloat64(a, p),
);
