/**
 * Indexing with a whole array, `x.get(mask)` / `x.get(indices)`: a boolean array selects elements
 * (or rows when 1-D), an integer array takes along axis 0.
 */
import type { DType } from "../dtype/dtypes.js";
import { dtypeKind } from "../dtype/dtypes.js";
import { DTypeError, fmt } from "../errors.js";
import type { NDArray } from "../ndarray/ndarray.js";
import type { ChunkedArray } from "./chunked-array.js";
import { booleanMask } from "./mask.js";
import { take } from "./take.js";

/** An array used as the whole selection: a boolean mask or integer indices. */
export type ArrayIndex = ChunkedArray | NDArray;

/**
 * `x[index]` for an array `index`: boolean → {@link booleanMask}, integer → {@link take} along axis 0.
 *
 * @example
 * ```ts
 * x.get(x.gt(0));                         // positive elements, chunks of unknown size
 * x.get(NDArray.from([3, 0, 1], { dtype: "int32" })); // rows 3, 0, 1
 * ```
 */
export function indexWithArray<D extends DType>(x: ChunkedArray<D>, index: ArrayIndex): ChunkedArray<D> {
  if (index.dtype === "bool") return booleanMask(x, index);
  const kind = dtypeKind(index.dtype);
  if (kind === "int" || kind === "uint") return take(x, index, { axis: 0 });
  throw new DTypeError(
    `Arrays used as indices must be of integer or boolean type. Got index dtype=${fmt(index.dtype)}.`,
  );
}
