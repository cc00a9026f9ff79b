/**
 * Kernels of `take` with a lazy integer index: each block of `x` along the axis fills the
 * positions whose index falls in it, and a tree picks, per position, the part that filled it.
 */
import { InvalidSelectionError } from "../errors.js";
import type { NDArray } from "../ndarray/ndarray.js";
import { defineKernel } from "./registry.js";
import { takeBlocks } from "./select.js";

/**
 * Params of `take.lazy`: the inputs after the index block cover `[bounds[s], bounds[s + 1])` of
 * the axis (length `n`); a `leaf` reads one block of `x`, otherwise the inputs are partials.
 */
export interface LazyTakeParams {
  readonly axis: number;
  readonly n: number;
  readonly bounds: readonly number[];
  readonly leaf: boolean;
}

/** Positions of `indices` along the axis whose value falls in one of the inputs' ranges. */
export function lazyTakeBlocks([indices, ...parts]: readonly NDArray[], p: LazyTakeParams): NDArray {
  const values = Array.from(indices.toTypedArray() as ArrayLike<number | bigint>, Number);
  const source = new Array<number>(values.length).fill(-1);
  const local = new Array<number>(values.length).fill(0);
  const last = p.bounds.length - 1;
  values.forEach((v, i) => {
    const j = v < 0 ? v + p.n : v;
    if (!(Number.isInteger(j) && j >= 0 && j < p.n)) {
      throw new InvalidSelectionError(
        `index ${v} is out of bounds for axis ${p.axis} with size ${p.n}. Got an index array containing ${v}, expected values in [${-p.n}, ${p.n - 1}].`,
      );
    }
    if (j < p.bounds[0] || j >= p.bounds[last]) return;
    let s = 0;
    while (j >= p.bounds[s + 1]) s++;
    source[i] = s;
    local[i] = p.leaf ? j - p.bounds[s] : i;
  });
  return takeBlocks(parts, { axis: p.axis, source, local });
}

export const lazyTakeKernel = defineKernel("take.lazy", (inputs, p: LazyTakeParams) =>
  lazyTakeBlocks(inputs, p),
);
