/**
 * Operations whose output size depends on the values (dask's "nan chunks"): boolean-mask indexing,
 * `compress`, `extract`, `nonzero`, `argwhere`, `flatnonzero` and `unique`. Their results have chunk
 * sizes `NaN` along the selected axis; elementwise operations between arrays chunked alike and
 * reductions still work, and everything that needs sizes throws {@link UnknownChunksError} at graph
 * build, naming {@link computeChunkSizes}, which resolves them by computing only the block shapes.
 */
import { type DType, is64BitInt } from "../dtype/dtypes.js";
import {
  BroadcastError,
  checkOptionsObject,
  DTypeError,
  fmt,
  InvalidArgumentError,
  InvalidSelectionError,
  UnsupportedError,
} from "../errors.js";
import { axisOptions } from "../index/axis.js";
import { createFull } from "../kernels/create.js";
import {
  type ArgwhereParams,
  type CompressParams,
  maskArgwhere,
  maskBlockShape,
  maskCompress,
  maskSelect,
  maskUnique,
} from "../kernels/mask.js";
import { task } from "../kernels/registry.js";
import { NDArray } from "../ndarray/ndarray.js";
import { blockLayer, normalizeOneAxis, requireKnownChunks } from "./block-layer.js";
import { blockIndices, ChunkedArray } from "./chunked-array.js";
import { type ComputeOptions, computeBlocks } from "./compute.js";
import { fromArray } from "./creation.js";
import { astype } from "./elementwise.js";
import { asIndices, exactFloat64Input, numberValues } from "./int64-support.js";
import { DEFAULT_SPLIT_EVERY } from "./reductions.js";
import { rechunk, unifyChunks } from "./rechunk.js";
import { ravel } from "./reshape.js";
import { getitem } from "./slicing.js";

/** A lazy or in-memory array used as a mask or condition. */
export type ArrayLikeOperand = ChunkedArray | NDArray;

/** A chunked array for `a`, chunked like `like` along the trailing axes when `a` is in memory. */
function asChunked(a: ArrayLikeOperand, like: ChunkedArray, name: string): ChunkedArray {
  if (a instanceof ChunkedArray) return a;
  if (a instanceof NDArray) {
    const lead = like.ndim - a.ndim;
    const chunks = a.shape.map((n, j) => {
      const c = like.chunks[j + lead];
      return c && !c.some(Number.isNaN) && c.reduce((s, v) => s + v, 0) === n ? [...c] : [n];
    });
    return fromArray(a, { chunks });
  }
  throw new InvalidArgumentError(
    `${name} must be a ChunkedArray or an NDArray. Got ${name}=${Object.prototype.toString.call(a)}.`,
  );
}

function knownShapeMismatch(a: readonly number[], b: readonly number[]): boolean {
  return a.length !== b.length || a.some((n, i) => !Number.isNaN(n) && !Number.isNaN(b[i]) && n !== b[i]);
}

/**
 * `x[mask]` with a boolean array: the selected elements as a 1-D array in C order when `mask` has
 * `x`'s shape, or the selected slices along axis 0 when `mask` is 1-D. The result's chunk sizes
 * along the selected axis are unknown (`NaN`) until computed. `x.get(mask)` is the method form.
 *
 * @example
 * ```ts
 * const x = ca.arange(10, { chunks: 4 });
 * const y = ca.booleanMask(x, x.gt(5)); // chunks [[NaN, NaN, NaN]]
 * await y.compute();                     // array([6., 7., 8., 9.])
 * ```
 * @see numpy boolean indexing, dask.array.slicing.slice_with_bool_dask_array
 */
export function booleanMask<D extends DType>(x: ChunkedArray<D>, mask: ArrayLikeOperand): ChunkedArray<D> {
  const m = asChunked(mask, x, "mask");
  if (m.dtype !== "bool") {
    throw new DTypeError(
      `Boolean indexing needs a bool mask. Got mask dtype=${fmt(m.dtype)}, expected "bool" (compare first, e.g. x.get(x.gt(0))).`,
    );
  }
  if (m.ndim === 1 && x.ndim > 1) return compress(m, x, { axis: 0 });
  if (m.ndim !== x.ndim) {
    throw new UnsupportedError(
      "boolean mask of this rank",
      `Boolean masks must have the array's shape or be 1-D (along axis 0). Got mask shape=${fmt(m.shape)}, array shape=${fmt(x.shape)}; use compress(condition, x, { axis }) for one axis.`,
    );
  }
  if (knownShapeMismatch(m.shape, x.shape)) {
    throw new BroadcastError(
      `boolean index did not match indexed array. Got mask shape=${fmt(m.shape)}, expected the array's shape ${fmt(x.shape)}.`,
    );
  }
  const { arrays } = unifyChunks(x, m);
  let [xs, ms] = arrays as [ChunkedArray<D>, ChunkedArray];
  if (x.ndim !== 1) {
    xs = ravel(xs);
    ms = ravel(ms);
  }
  if (x.ndim === 0)
    return blockLayer("getitem-mask", "select", [xs, ms], [[Number.NaN]], x.dtype, (_, key) =>
      task(maskSelect, key, [xs.key([0]), ms.key([0])]),
    ).withNewUnknownSizes([0], ms.name);
  return blockLayer(
    "getitem-mask",
    "select",
    [xs, ms],
    [xs.chunks[0].map(() => Number.NaN)],
    x.dtype,
    ([b], key) => task(maskSelect, key, [xs.key([b]), ms.key([b])]),
  ).withNewUnknownSizes([0], ms.name);
}

/** Options of {@link compress}. */
export interface CompressOptions {
  /** Axis to select along; `null` (default) selects from the flattened array. */
  axis?: number | null;
}

/**
 * The slices of `x` along `axis` where the 1-D `condition` is true (NumPy's `compress`). The
 * selected axis has unknown (`NaN`) chunk sizes. An in-memory condition shorter than the axis
 * selects nothing past its end, as in NumPy; a lazy one must be as long as the axis.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(NDArray.from([[1, 2], [3, 4], [5, 6]]), { chunks: 2 });
 * ca.compress(NDArray.from([false, true, true]), x, { axis: 0 }); // rows 1 and 2
 * ```
 * @see numpy.compress, dask.array.compress
 */
export function compress<D extends DType>(
  condition: ArrayLikeOperand | readonly boolean[],
  x: ChunkedArray<D>,
  optionsOrAxis: CompressOptions | number | null = {},
): ChunkedArray<D> {
  const options: CompressOptions = axisOptions("compress", optionsOrAxis);
  const axisOpt = options.axis ?? null;
  const src = axisOpt === null ? (x.ndim === 1 ? x : ravel(x)) : x;
  const axis = axisOpt === null ? 0 : normalizeOneAxis(axisOpt, x.ndim);
  requireKnownChunks(src, "compress", [axis]);
  const condIn = Array.isArray(condition)
    ? NDArray.from(condition as boolean[], { dtype: "bool" })
    : condition;
  const n = src.shape[axis];
  let cond =
    condIn instanceof NDArray
      ? fromArray(fitCondition(condIn as NDArray, n, axis), { chunks: [src.chunks[axis]] })
      : asChunked(condIn as ArrayLikeOperand, src, "condition");
  if (cond.ndim !== 1) {
    throw new InvalidArgumentError(`condition must be a 1-d array. Got condition shape=${fmt(cond.shape)}.`);
  }
  if (cond.shape[0] !== n) {
    throw new InvalidArgumentError(
      `a lazy condition must be as long as the selected axis (an in-memory one may be shorter). Got condition length=${cond.shape[0]}, expected ${n} (axis ${axis}).`,
    );
  }
  if (cond.dtype !== "bool") cond = astype(cond, "bool");
  cond = rechunk(cond, [src.chunks[axis]]);
  const chunks = src.chunks.map((c, ax) => (ax === axis ? c.map(() => Number.NaN) : [...c]));
  const params: CompressParams = { axis };
  return blockLayer("compress", params, [src, cond], chunks, x.dtype, (idx, key) =>
    task(maskCompress, key, [src.key(idx), cond.key([idx[axis]])], params),
  ).withNewUnknownSizes([axis], cond.name);
}

/**
 * An in-memory condition as NumPy's `compress` reads it: a shorter one selects nothing past its
 * end; a longer one may only have false entries past the axis.
 */
function fitCondition(cond: NDArray, n: number, axis: number): NDArray<"bool"> {
  if (cond.ndim !== 1) {
    throw new InvalidArgumentError(`condition must be a 1-d array. Got condition shape=${fmt(cond.shape)}.`);
  }
  const values = cond.toTypedArray() as ArrayLike<number | bigint | boolean>;
  const out = new Uint8Array(n);
  for (let i = 0; i < values.length; i++) {
    if (!values[i]) continue;
    if (i >= n) {
      throw new InvalidSelectionError(
        `index ${i} is out of bounds for axis ${axis} with size ${n}. Got a condition of length ${values.length} that is true at ${i}.`,
      );
    }
    out[i] = 1;
  }
  return new NDArray("bool", out, [n]);
}

/**
 * The elements of `x` where `condition` is non-zero, as a 1-D array (`x.ravel()[condition.ravel() != 0]`).
 *
 * @example
 * ```ts
 * ca.extract(x.gt(0), x); // the positive elements, chunks of unknown size
 * ```
 * @see numpy.extract, dask.array.extract
 */
export function extract<D extends DType>(condition: ArrayLikeOperand, x: ChunkedArray<D>): ChunkedArray<D> {
  const c = asChunked(condition, x, "condition");
  return booleanMask(x, c.dtype === "bool" ? c : astype(c, "bool"));
}

/**
 * Indices of the non-zero elements, one row per element (shape `[n, ndim]`, int64), in C order.
 * `n` is unknown until computed.
 *
 * @example
 * ```ts
 * await ca.argwhere(ca.fromArray(NDArray.from([[0, 1], [2, 0]]), { chunks: 1 })).compute(); // [[0, 1], [1, 0]]
 * ```
 * @see numpy.argwhere, dask.array.argwhere
 */
export function argwhere(x: ChunkedArray): ChunkedArray<"int64"> {
  requireKnownChunks(x, "argwhere");
  const shape = x.shape;
  const flat = numberValues(x.ndim === 1 ? x : ravel(x));
  const starts = flat.offsets()[0];
  const chunks = [flat.chunks[0].map(() => Number.NaN), [x.ndim]];
  const rows = blockLayer("argwhere", shape, [flat], chunks, "float64", ([b], key) => {
    const params: ArgwhereParams = { start: starts[b], shape };
    return task(maskArgwhere, key, [flat.key([b])], params);
  });
  return asIndices(rows);
}

/**
 * Indices of the non-zero elements, one array per axis (the columns of {@link argwhere}).
 *
 * @example
 * ```ts
 * const [rows, cols] = ca.nonzero(x.gt(0));
 * ```
 * @see numpy.nonzero, dask.array.nonzero
 */
export function nonzero(x: ChunkedArray): ChunkedArray<"int64">[] {
  if (x.ndim === 0) {
    throw new InvalidArgumentError(
      `Calling nonzero on 0d arrays is not allowed. Got x shape=${fmt(x.shape)}; use nonzero(atleast1d) e.g. x.reshape([1]).`,
    );
  }
  const rows = argwhere(x);
  return x.shape.map((_, ax) => getitem(rows, [null, ax]));
}

/**
 * Indices of the non-zero elements of the flattened array.
 *
 * @see numpy.flatnonzero
 */
export function flatnonzero(x: ChunkedArray): ChunkedArray<"int64"> {
  return nonzero(x.ndim === 1 ? x : ravel(x))[0];
}

/** Options of {@link unique}. */
export interface UniqueOptions {
  /** Most partial results merged by one task. Default {@link DEFAULT_SPLIT_EVERY}. */
  splitEvery?: number;
}

/**
 * The sorted distinct values of `x` as a 1-D array of unknown length (one block). Each block's
 * distinct values are merged in a tree of at most `splitEvery` partials per task.
 *
 * @example
 * ```ts
 * await ca.unique(ca.fromArray([3, 1, 3, 2], { chunks: 2 })).compute(); // array([1., 2., 3.])
 * ```
 * @see numpy.unique, dask.array.unique
 */
export function unique<D extends DType>(x: ChunkedArray<D>, options: UniqueOptions = {}): ChunkedArray<D> {
  checkOptionsObject(options, "unique");
  if (is64BitInt(x.dtype)) return astype(unique(exactFloat64Input(x, "unique"), options), x.dtype);
  const split = options.splitEvery ?? DEFAULT_SPLIT_EVERY;
  if (!(Number.isInteger(split) && split >= 2)) {
    throw new InvalidArgumentError(`splitEvery must be an integer >= 2. Got splitEvery=${fmt(split)}.`);
  }
  let level: ChunkedArray<D> = blockLayer(
    "unique-chunk",
    null,
    [x],
    [x.keys().map(() => Number.NaN)],
    x.dtype,
    ([b], key) => task(maskUnique, key, [x.key(blockIndices(x.numblocks)[b])]),
  );
  if (x.nblocks === 0) {
    return blockLayer("unique", null, [], [[0]], x.dtype, (_, key) =>
      task(createFull, key, [], { shape: [0], value: 0, dtype: x.dtype }),
    );
  }
  while (level.nblocks > 1) {
    const prev = level;
    const n = Math.ceil(prev.nblocks / split);
    level = blockLayer("unique-merge", split, [prev], [Array(n).fill(Number.NaN)], x.dtype, ([g], key) =>
      task(
        maskUnique,
        key,
        Array.from({ length: Math.min(split, prev.nblocks - g * split) }, (_, i) =>
          prev.key([g * split + i]),
        ),
      ),
    );
  }
  return level.withNewUnknownSizes([0]);
}

/**
 * Resolves unknown (`NaN`) chunk sizes by computing only the blocks' shapes (intermediate data is
 * freed as it goes), and returns the same array with known chunks. Arrays are immutable, so use
 * the result: `y = await y.computeChunkSizes()`.
 *
 * @example
 * ```ts
 * const y = await x.get(x.gt(0)).computeChunkSizes();
 * y.shape;          // [n]
 * y.at`:10`;        // slicing works now
 * ```
 * @see dask.array.Array.compute_chunk_sizes
 */
export async function computeChunkSizes<D extends DType>(
  x: ChunkedArray<D>,
  options: ComputeOptions = {},
): Promise<ChunkedArray<D>> {
  if (!x.chunks.some((c) => c.some(Number.isNaN))) return x;
  const indices = blockIndices(x.numblocks);
  const shapes = blockLayer(
    "chunk-shape",
    null,
    [x],
    x.numblocks.map((n) => Array(n).fill(1)),
    "float64",
    (idx, key) => task(maskBlockShape, key, [x.key(idx)]),
  );
  const blocks = await computeBlocks([shapes], options);
  const chunks = x.chunks.map((c) => [...c]);
  for (const idx of indices) {
    const s = blocks.get(shapes.key(idx))!;
    idx.forEach((b, ax) => {
      chunks[ax][b] = s.data[ax] as number;
    });
  }
  return new ChunkedArray(x.name, chunks, x.dtype, x.layers);
}
