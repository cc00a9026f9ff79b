/** `take` along one axis with in-memory integer indices (NumPy's integer-array indexing on one axis). */
import type { DType } from "../dtype/dtypes.js";
import { dtypeKind } from "../dtype/dtypes.js";
import { DTypeError, fmt, InvalidArgumentError, InvalidSelectionError, UnsupportedError } from "../errors.js";
import { task } from "../kernels/registry.js";
import { selectTake, type TakeParams } from "../kernels/select.js";
import { NDArray } from "../ndarray/ndarray.js";
import { blockLayer, normalizeOneAxis, requireKnownChunks } from "./block-layer.js";
import { ChunkedArray } from "./chunked-array.js";

/** Options of {@link take}. */
export interface TakeOptions {
  /** Axis to take along; negative counts from the end. Default 0. */
  axis?: number;
}

function indexValues(indices: NDArray | readonly number[] | ChunkedArray): number[] {
  if (indices instanceof ChunkedArray) {
    throw new UnsupportedError(
      "lazy integer index",
      `Indexing with a lazy integer array is not supported. Got indices=<ChunkedArray dtype=${indices.dtype} shape=${fmt(indices.shape)}>; compute it first: take(x, await indices.compute()).`,
    );
  }
  if (indices instanceof NDArray) {
    const kind = dtypeKind(indices.dtype);
    if (kind !== "int" && kind !== "uint") {
      throw new DTypeError(`take needs integer indices. Got indices dtype=${fmt(indices.dtype)}.`);
    }
    if (indices.ndim !== 1) {
      throw new InvalidArgumentError(`take needs 1-d indices. Got indices shape=${fmt(indices.shape)}.`);
    }
    return Array.from(indices.toTypedArray() as ArrayLike<number | bigint>, Number);
  }
  if (!Array.isArray(indices) || indices.some((v) => !Number.isInteger(v))) {
    throw new InvalidArgumentError(`take needs integer indices. Got indices=${fmt(indices)}.`);
  }
  return [...indices];
}

/**
 * The elements at `indices` along `axis` (repeats and any order allowed; negative indices count
 * from the end). Output blocks along the axis are about as long as the input's largest block, and
 * each reads only the input blocks its indices fall in.
 *
 * @example
 * ```ts
 * const x = ca.arange(10, { chunks: 3 });
 * await ca.take(x, [9, 0, 0, 4]).compute(); // array([9., 0., 0., 4.])
 * ```
 * @see numpy.take, dask.array.take
 */
export function take<D extends DType>(
  x: ChunkedArray<D>,
  indices: NDArray | readonly number[] | ChunkedArray,
  options: TakeOptions = {},
): ChunkedArray<D> {
  const axis = normalizeOneAxis(options.axis ?? 0, x.ndim);
  requireKnownChunks(x, "take", [axis]);
  const n = x.shape[axis];
  const idx = indexValues(indices).map((v) => {
    const j = v < 0 ? v + n : v;
    if (j < 0 || j >= n) {
      throw new InvalidSelectionError(
        `index ${v} is out of bounds for axis ${axis} with size ${n}. Got indices containing ${v}, expected values in [${-n}, ${n - 1}].`,
      );
    }
    return j;
  });
  const offsets = x.offsets()[axis];
  const blockOf = (j: number) => {
    let lo = 0;
    let hi = offsets.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (offsets[mid] <= j) lo = mid;
      else hi = mid;
    }
    return lo;
  };
  const size = Math.max(1, ...x.chunks[axis]);
  const groups: number[][] = [];
  for (let s = 0; s < idx.length; s += size) groups.push(idx.slice(s, s + size));
  if (groups.length === 0) groups.push([]);
  const plans = groups.map((g) => {
    const blocks = [...new Set(g.map(blockOf))];
    if (blocks.length === 0) blocks.push(0);
    const params: TakeParams = {
      axis,
      source: g.map((j) => blocks.indexOf(blockOf(j))),
      local: g.map((j) => j - offsets[blockOf(j)]),
    };
    return { blocks, params };
  });
  const chunks = x.chunks.map((c, ax) => (ax === axis ? groups.map((g) => g.length) : [...c]));
  return blockLayer("take", [axis, idx], [x], chunks, x.dtype, (bi, key) => {
    const plan = plans[bi[axis]];
    return task(
      selectTake,
      key,
      plan.blocks.map((b) => x.key(bi.map((v, ax) => (ax === axis ? b : v)))),
      plan.params,
    );
  });
}
