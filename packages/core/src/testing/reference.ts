/**
 * A deliberately naive NumPy basic-indexing oracle for property tests of `get()`/`at`. It builds
 * a strided view and copies it; it shares no code with `index/` so the two can check each other.
 */
import type { DType } from "../dtype/dtypes.js";
import { fmt } from "../errors.js";
import { NDArray } from "../ndarray/ndarray.js";
import type { GoldenSelectionItem } from "./golden.js";

/** CPython's `slice.indices(n)` followed by the slice length. */
export function sliceIndices(
  start: number | null,
  stop: number | null,
  step: number | null,
  n: number,
): { start: number; stop: number; step: number; length: number } {
  const s = step ?? 1;
  if (s === 0) throw new Error("slice step cannot be zero");
  const clamp = (v: number | null, fallback: number): number => {
    if (v === null) return fallback;
    if (v < 0) {
      const w = v + n;
      return w < 0 ? (s < 0 ? -1 : 0) : w;
    }
    return v >= n ? (s < 0 ? n - 1 : n) : v;
  };
  const a = clamp(start, s < 0 ? n - 1 : 0);
  const b = clamp(stop, s < 0 ? -1 : n);
  const length =
    s < 0 ? (b < a ? Math.floor((a - b - 1) / -s) + 1 : 0) : a < b ? Math.floor((b - a - 1) / s) + 1 : 0;
  return { start: a, stop: b, step: s, length };
}

/**
 * `x[selection]` for NumPy basic indexing (ints, slices, newaxis, one ellipsis), as a new
 * C-contiguous array. Throws with NumPy's wording on out-of-bounds ints or too many indices.
 *
 * @example
 * ```ts
 * const x = NDArray.from(new Int32Array(63).map((_, i) => i), { shape: [7, 9] });
 * referenceGetitem(x, [{ slice: [null, null, -2] }, { int: 3 }, "newaxis"]).shape; // [4, 1]
 * ```
 */
export function referenceGetitem<D extends DType>(
  x: NDArray<D>,
  selection: readonly GoldenSelectionItem[],
): NDArray<D> {
  const consumed = selection.filter((it) => it !== "newaxis" && it !== "...").length;
  const ellipses = selection.filter((it) => it === "...").length;
  if (ellipses > 1) throw new Error("an index can only have a single ellipsis ('...')");
  if (consumed > x.ndim) {
    throw new Error(
      `too many indices for array: array is ${x.ndim}-dimensional, but ${consumed} were indexed`,
    );
  }
  const full: GoldenSelectionItem = { slice: [null, null, null] };
  const fill = new Array<GoldenSelectionItem>(x.ndim - consumed).fill(full);
  const items = ellipses ? selection.flatMap((it) => (it === "..." ? fill : [it])) : [...selection, ...fill];

  const shape: number[] = [];
  const strides: number[] = [];
  let offset = x.offset;
  let axis = 0;
  for (const it of items) {
    if (it === "newaxis") {
      shape.push(1);
      strides.push(0);
      continue;
    }
    if (it === "...") continue; // already expanded
    const n = x.shape[axis];
    const stride = x.strides[axis];
    if ("int" in it) {
      const i = it.int < 0 ? it.int + n : it.int;
      if (i < 0 || i >= n)
        throw new Error(`index ${it.int} is out of bounds for axis ${axis} with size ${n}`);
      offset += i * stride;
    } else {
      const { start, step, length } = sliceIndices(it.slice[0], it.slice[1], it.slice[2], n);
      if (length > 0) offset += start * stride;
      shape.push(length);
      strides.push(step * stride);
    }
    axis++;
  }
  if (axis !== x.ndim) throw new Error(`selection consumed ${axis} axes of ${fmt(x.shape)}`);
  return new NDArray(x.dtype, x.data, shape, strides, offset).copy();
}
