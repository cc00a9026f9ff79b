import type { DType } from "../dtype/dtypes.js";
import { asSelection, normalizeSelection } from "../index/normalize.js";
import type { Selection, SelectionItem } from "../index/slice.js";
import { NDArray } from "../ndarray/ndarray.js";

/**
 * Basic NumPy indexing of an in-memory array, returning a view that shares `a.data` (no copy):
 * integers drop axes, slices keep them (negative steps give negative strides), `newaxis` inserts
 * length-1 axes, `"..."` stands for the remaining axes.
 *
 * @example
 * ```ts
 * const a = NDArray.from([[0, 1, 2], [3, 4, 5]]);
 * ndget(a, [null, slice(null, null, -1)]).toArray(); // [[2, 1, 0], [5, 4, 3]]
 * ndget(a, [1, newaxis]).shape;                      // [1, 3]
 * ```
 * @see numpy basic indexing
 */
export function ndget<D extends DType>(a: NDArray<D>, selection: Selection | SelectionItem): NDArray<D> {
  const items = normalizeSelection(asSelection(selection), a.shape);
  let offset = a.offset;
  const shape: number[] = [];
  const strides: number[] = [];
  for (const it of items) {
    if (it.kind === "newaxis") {
      shape.push(1);
      strides.push(0);
    } else if (it.kind === "index") offset += it.index * a.strides[it.axis];
    else {
      if (it.length > 0) offset += it.start * a.strides[it.axis];
      shape.push(it.length);
      strides.push(a.strides[it.axis] * it.step);
    }
  }
  return new NDArray(a.dtype, a.data, shape, strides, offset);
}
