/** `take` along one axis with in-memory integer indices (NumPy's integer-array indexing on one axis). */
import type { DType } from "../dtype/dtypes.js";
import { dtypeKind } from "../dtype/dtypes.js";
import { DTypeError, fmt, InvalidArgumentError, InvalidSelectionError } from "../errors.js";
import { axisOptions } from "../index/axis.js";
import type { Key } from "../graph/task.js";
import { task } from "../kernels/registry.js";
import { lazyTakeKernel } from "../kernels/take-lazy.js";
import { selectTake, type TakeParams } from "../kernels/select.js";
import { NDArray } from "../ndarray/ndarray.js";
import { blockLayer, normalizeOneAxis, requireKnownChunks, sumPartials } from "./block-layer.js";
import { ChunkedArray } from "./chunked-array.js";
import { checkSplit } from "./linalg.js";
import { DEFAULT_SPLIT_EVERY } from "./reductions.js";

/** Options of {@link take}. */
export interface TakeOptions {
  /** Axis to take along; negative counts from the end. Default 0. */
  axis?: number;
  /** With lazy `indices`: most parts assembled by one task. Default {@link DEFAULT_SPLIT_EVERY}. */
  splitEvery?: number;
}

function indexValues(indices: NDArray | readonly number[]): number[] {
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
 * `indices` may be a lazy 1-D integer array (dask's `x[idx]` with a dask array): the result is
 * chunked like `indices` along `axis` (unknown sizes stay unknown, see `computeChunkSizes()`).
 * Each block of `x` along the axis fills the positions whose index falls in it, and a tree of at
 * most `splitEvery` parts per task assembles each output block, so no task holds more than one
 * block of `x` and `splitEvery` output-sized parts. Indices out of bounds fail at compute.
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
  optionsOrAxis: TakeOptions | number = {},
): ChunkedArray<D> {
  const options: TakeOptions = axisOptions("take", optionsOrAxis);
  const axis = normalizeOneAxis(options.axis ?? 0, x.ndim);
  requireKnownChunks(x, "take", [axis]);
  if (indices instanceof ChunkedArray) return lazyTake(x, indices, axis, options.splitEvery);
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

/** {@link take} with a lazy index array: per output block, the blocks of `x` along the axis fill their positions. */
function lazyTake<D extends DType>(
  x: ChunkedArray<D>,
  indices: ChunkedArray,
  axis: number,
  splitEvery = DEFAULT_SPLIT_EVERY,
): ChunkedArray<D> {
  const kind = dtypeKind(indices.dtype);
  if (kind !== "int" && kind !== "uint") {
    throw new DTypeError(`take needs integer indices. Got indices dtype=${fmt(indices.dtype)}.`);
  }
  if (indices.ndim !== 1) {
    throw new InvalidArgumentError(`take needs 1-d indices. Got indices shape=${fmt(indices.shape)}.`);
  }
  const split = checkSplit(splitEvery);
  const n = x.shape[axis];
  const offsets = x.offsets()[axis];
  const outChunks = x.chunks.map((c, ax) => (ax === axis ? [...indices.chunks[0]] : [...c]));
  // The partial axis runs over x's blocks along `axis`; output blocks run over the index blocks.
  const partial = (out: number[], k: number, key: Key) =>
    task(lazyTakeKernel, key, [indices.key([out[axis]]), x.key(out.map((b, ax) => (ax === axis ? k : b)))], {
      axis,
      n,
      bounds: [offsets[k], offsets[k + 1]],
      leaf: true,
    });
  const result = sumPartials(
    "take-lazy",
    axis,
    [x, indices],
    outChunks,
    x.dtype,
    x.numblocks[axis],
    split,
    partial,
    {
      combine: (out, deps, leaves, key) =>
        task(lazyTakeKernel, key, [indices.key([out[axis]]), ...deps], {
          axis,
          n,
          bounds: [...leaves.map(([first]) => offsets[first]), offsets[leaves[leaves.length - 1][1]]],
          leaf: false,
        }),
      inputs: [indices],
      dtype: x.dtype,
    },
  ) as ChunkedArray<D>;
  const origin = indices.unknownOrigins[0];
  return origin === null ? result : result.withNewUnknownSizes([axis], origin);
}
