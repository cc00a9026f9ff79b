/**
 * NumPy broadcasting of shapes and of NDArray views.
 */
import type { DType } from "../dtype/dtypes.js";
import { BroadcastError, fmt } from "../errors.js";
import { NDArray } from "./ndarray.js";

/** NumPy's text for a shape in broadcast errors: `(3,4)`, `(5,)`, `()`. */
function shapeText(shape: readonly number[]): string {
  return `(${shape.join(",")}${shape.length === 1 ? "," : ""})`;
}

/**
 * The shape that all `shapes` broadcast to (NumPy rules: align from the right; each axis must be
 * equal or 1). Throws {@link BroadcastError} otherwise.
 *
 * @example
 * ```ts
 * broadcastShapes([3, 1], [4]); // [3, 4]
 * broadcastShapes([3, 4], [5]); // BroadcastError: operands could not be broadcast together with shapes (3,4) (5,)
 * ```
 * @see numpy.broadcast_shapes
 */
export function broadcastShapes(...shapes: readonly (readonly number[])[]): number[] {
  const ndim = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  for (const s of shapes) {
    const lead = ndim - s.length;
    for (let j = 0; j < s.length; j++) {
      const n = s[j];
      const ax = j + lead;
      if (n === out[ax] || n === 1) continue;
      // Unknown (NaN) lengths, from boolean masks, are matched by the blockwise layer later.
      if (Number.isNaN(n) || Number.isNaN(out[ax])) {
        if (out[ax] === 1) out[ax] = n;
        continue;
      }
      if (out[ax] === 1) out[ax] = n;
      else {
        throw new BroadcastError(
          `operands could not be broadcast together with shapes ${shapes.map(shapeText).join(" ")}`,
        );
      }
    }
  }
  return out;
}

/**
 * A read-only view of `a` broadcast to `shape` (stride 0 on broadcast axes; no copy).
 *
 * @example
 * ```ts
 * broadcastTo(NDArray.from([1, 2, 3]), [2, 3]).toArray(); // [[1, 2, 3], [1, 2, 3]]
 * ```
 * @see numpy.broadcast_to
 */
export function broadcastTo<D extends DType>(a: NDArray<D>, shape: readonly number[]): NDArray<D> {
  const lead = shape.length - a.ndim;
  const strides = new Array<number>(shape.length).fill(0);
  let ok = lead >= 0;
  for (let j = 0; ok && j < a.ndim; j++) {
    if (a.shape[j] === shape[j + lead]) strides[j + lead] = a.strides[j];
    else if (a.shape[j] !== 1) ok = false;
  }
  if (!ok) {
    throw new BroadcastError(
      `operands could not be broadcast together with remapped shapes [original->remapped]: ${shapeText(a.shape)} and requested shape ${shapeText(shape)}. Got shape=${fmt(a.shape)}, expected a shape that broadcasts to ${fmt(shape)}.`,
    );
  }
  return new NDArray(a.dtype, a.data, [...shape], strides, a.offset);
}
