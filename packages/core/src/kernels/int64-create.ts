/**
 * Creation kernels for int64 and uint64 blocks (`create.full`, `create.arange`, `create.linspace`
 * and `create.eye` hand them here): values are computed in BigInt, so ranges past 2^53 are exact.
 */
import { allocate } from "../dtype/dtypes.js";
import { NDArray, shapeSize, toElement } from "../ndarray/ndarray.js";

type Wide = "int64" | "uint64";

/**
 * A block of one value. `value` is a number or, for values past ±2^53, its decimal string (graph
 * parameters stay JSON-like).
 */
export function full64(dtype: Wide, shape: readonly number[], value: number | string): NDArray {
  const data = allocate(dtype, shapeSize(shape));
  const v = toElement(typeof value === "string" ? BigInt(value) : value, dtype) as bigint;
  if (v !== 0n) data.fill(v);
  return new NDArray(dtype, data, [...shape]);
}

/**
 * A block of `arange` over integers: element `g` (global index) is `start + g * step`, exact in
 * BigInt and wrapped to the dtype. `start` and `step` are truncated toward zero, as NumPy casts them.
 */
export function arange64(
  dtype: Wide,
  start: number | string,
  step: number | string,
  offset: number,
  n: number,
): NDArray {
  const data = allocate(dtype, n);
  // Integers (bigint arguments) step exactly; fractional numbers follow NumPy's cast of start and start + step.
  const exact =
    typeof start === "string" ||
    typeof step === "string" ||
    (Number.isInteger(start) && Number.isInteger(step));
  const v0 = exact ? BigInt(start) : BigInt(Math.trunc(start as number));
  const delta = exact ? BigInt(step) : BigInt(Math.trunc((start as number) + (step as number))) - v0;
  for (let i = 0; i < n; i++) data[i] = toElement(v0 + BigInt(offset + i) * delta, dtype) as bigint;
  return new NDArray(dtype, data, [n]);
}

/**
 * A number-valued block (linspace's float64 samples, eye's 0/1, arg-reductions' indices) converted
 * to a 64-bit dtype, rounding down as NumPy's linspace does (integers convert exactly).
 */
export function numbersTo64(block: NDArray, dtype: Wide): NDArray {
  const src = block.data as ArrayLike<number>;
  const data = allocate(dtype, src.length);
  for (let i = 0; i < src.length; i++) data[i] = toElement(Math.floor(src[i]), dtype) as bigint;
  return new NDArray(dtype, data, [...block.shape]);
}
