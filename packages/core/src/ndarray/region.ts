/**
 * Strided regions of an in-memory array: the view primitive under `getitem.region` tasks and the
 * eager `nd.get`.
 */
import type { DType } from "../dtype/dtypes.js";
import { fmt, InvalidSelectionError } from "../errors.js";
import { rangeLength } from "../index/slice.js";
import { NDArray } from "./ndarray.js";

/**
 * One axis of a region: `[start, stop, step]` with `range` semantics (the elements are
 * `start, start + step, …` while `< stop` for `step > 0`, `> stop` for `step < 0`; never wrapped,
 * so `stop = -1` with a negative step reaches index 0), or `null` for the whole axis in order.
 */
export type AxisRange = readonly [start: number, stop: number, step: number] | null;

/** What `getitem.region` does to one block: a strided (possibly reversed) region, then axis edits. */
export type GetitemParams = {
  /** One {@link AxisRange} per input axis. */
  readonly region: readonly AxisRange[];
  /** Input axes to drop (integer indices); their range has exactly one element. Ascending. */
  readonly drop: readonly number[];
  /** Output positions where a length-1 axis is inserted (newaxis). Ascending. */
  readonly newaxes: readonly number[];
};

/**
 * A view (no copy) of `a` through a region: each axis is restricted to its range (negative steps
 * give negative strides), the `drop` axes are removed and length-1 axes are inserted at the
 * output positions in `newaxes`.
 *
 * @example
 * ```ts
 * const a = NDArray.from([[0, 1, 2], [3, 4, 5]]);
 * regionView(a, [[1, 2, 1], [2, -1, -1]], [0], []).toArray(); // [5, 4, 3]
 * ```
 */
export function regionView<D extends DType>(
  a: NDArray<D>,
  region: readonly AxisRange[],
  drop: readonly number[] = [],
  newaxes: readonly number[] = [],
): NDArray<D> {
  const nd = a.ndim;
  if (region.length !== nd) {
    throw new InvalidSelectionError(
      `Region has ${region.length} axes, array has ${nd}. Got region=${fmt(region)}.`,
    );
  }
  let offset = a.offset;
  const shape: number[] = [];
  const strides: number[] = [];
  for (let ax = 0; ax < nd; ax++) {
    const r = region[ax];
    const n = a.shape[ax];
    const st = a.strides[ax];
    let len = n;
    let stride = st;
    if (r !== null) {
      const [start, stop, step] = r;
      len = rangeLength(start, stop, step);
      if (len > 0) {
        const last = start + (len - 1) * step;
        if (start < 0 || start >= n || last < 0 || last >= n) {
          throw new InvalidSelectionError(
            `Region is out of bounds for axis ${ax} with size ${n}. Got region=${fmt(region)}, shape=${fmt(a.shape)}.`,
          );
        }
        offset += start * st;
      }
      stride = st * step;
    }
    if (drop.length > 0 && drop.includes(ax)) {
      if (len !== 1) {
        throw new InvalidSelectionError(
          `A dropped axis must select one element. Got axis ${ax} with ${len} elements.`,
        );
      }
      continue;
    }
    shape.push(len);
    strides.push(stride);
  }
  for (const pos of newaxes) {
    shape.splice(pos, 0, 1);
    strides.splice(pos, 0, 0);
  }
  return new NDArray(a.dtype, a.data, shape, strides, offset);
}
