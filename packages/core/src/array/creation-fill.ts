import { type ChunkSpec, chunkOffsets, normalizeChunks } from "../chunks/normalize.js";
import { DTYPE_INFO, DTYPES, type DType, dtypeKind, is64BitInt, isDType } from "../dtype/dtypes.js";
import { checkScalarFits } from "../dtype/promote.js";
import { checkOptionsObject, DTypeError, fmt, InvalidArgumentError, UnknownChunksError } from "../errors.js";
import {
  type ArangeParams,
  createArange,
  createEye,
  createFull,
  createLinspace,
  type EyeParams,
  type FullParams,
  type LinspaceParams,
} from "../kernels/create.js";
import { task } from "../kernels/registry.js";
import { blockLayer } from "./block-layer.js";
import type { ChunkedArray } from "./chunked-array.js";
import { UNKNOWN_CHUNKS_FIX } from "./rechunk.js";

export interface FillOptions<D extends DType = DType> {
  /** Element type. Default `"float64"` (`full`: `"bool"` for a boolean value, else `"float64"`). */
  dtype?: D;
  /** Block shape: a number, one entry per axis, `-1` for a whole axis, `"auto"`, or explicit sizes. Default `"auto"`. */
  chunks?: ChunkSpec;
}

export interface FillLikeOptions<D extends DType = DType> {
  /** Element type. Default: the prototype's dtype. */
  dtype?: D;
  /** Block shape. Default: the prototype's chunks (when the shape is unchanged), else `"auto"`. */
  chunks?: ChunkSpec;
  /** Shape of the result. Default: the prototype's shape. */
  shape?: readonly number[] | number;
}

function checkDType(dtype: unknown, fn: string): DType {
  if (!isDType(dtype)) {
    throw new DTypeError(
      `${fn}: unknown dtype. Got dtype=${fmt(dtype)}, expected one of ${DTYPES.join(", ")}.`,
    );
  }
  return dtype;
}

function checkShape(shape: readonly number[] | number, fn: string): number[] {
  if (typeof shape !== "number" && !Array.isArray(shape)) {
    throw new InvalidArgumentError(
      `${fn}: shape must be an integer or a list of integers. Got shape=${fmt(shape)}.`,
    );
  }
  const s = typeof shape === "number" ? [shape] : [...shape];
  if (s.some((n) => typeof n !== "number" || n < 0)) {
    throw new InvalidArgumentError(`negative dimensions are not allowed. Got shape=${fmt(s)} in ${fn}.`);
  }
  if (!s.every(Number.isSafeInteger)) {
    throw new InvalidArgumentError(`${fn}: shape must be integers below 2**53. Got shape=${fmt(s)}.`);
  }
  return s;
}

/**
 * The stored form of a fill value in `dtype`, checked as NumPy 2 checks Python scalars. A 64-bit
 * integer past ±2^53 is stored as its decimal string (graph parameters stay JSON-like).
 */
function fillValue(value: number | boolean | bigint, dtype: DType, fn: string): number | string {
  const kind = dtypeKind(dtype);
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "bigint") {
    if (kind === "bool") return value !== 0n ? 1 : 0;
    if (kind === "float") return dtype === "float32" ? Math.fround(Number(value)) : Number(value);
    checkScalarFits(dtype, value, "value");
    return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  }
  if (is64BitInt(dtype) && Number.isInteger(value)) checkScalarFits(dtype, value, "value");
  if (typeof value !== "number") {
    throw new InvalidArgumentError(
      `${fn}: the fill value must be a number or a boolean. Got value=${fmt(value)}.`,
    );
  }
  if (kind === "bool") return value !== 0 ? 1 : 0;
  if (kind === "int" || kind === "uint") {
    const { min, max } = DTYPE_INFO[dtype];
    if (!is64BitInt(dtype) && Number.isInteger(value) && (value < min || value > max)) {
      throw new InvalidArgumentError(
        `Python integer ${value} out of bounds for ${dtype}. Got value=${value}, expected ${min} <= value <= ${max}.`,
      );
    }
    if (!Number.isFinite(value)) {
      throw new InvalidArgumentError(
        `cannot convert float ${fmt(value)} to integer. Got value=${fmt(value)}, dtype=${fmt(dtype)}.`,
      );
    }
    return Math.trunc(value);
  }
  return dtype === "float32" ? Math.fround(value) : value;
}

/** A layer of `create.full` tasks over a block grid. */
function fillArray<D extends DType>(
  prefix: string,
  shape: readonly number[],
  value: number | string,
  dtype: D,
  chunks: number[][],
): ChunkedArray<D> {
  return blockLayer(prefix, ["full", shape, value], [], chunks, dtype, (idx, key) => {
    const params: FullParams = { shape: idx.map((b, ax) => chunks[ax][b]), value, dtype };
    return task(createFull, key, [], params);
  });
}

function filled<D extends DType>(
  prefix: string,
  shapeArg: readonly number[] | number,
  value: number | boolean | bigint,
  dtypeArg: DType,
  chunkSpec: ChunkSpec | undefined,
): ChunkedArray<D> {
  const dtype = checkDType(dtypeArg, prefix) as D;
  const shape = checkShape(shapeArg, prefix);
  const chunks = normalizeChunks(chunkSpec ?? "auto", shape, { dtype });
  return fillArray(prefix, shape, fillValue(value, dtype, prefix), dtype, chunks);
}

/**
 * An array of zeros. Each block is made by its own task from its shape: no data in the graph.
 *
 * @example
 * ```ts
 * const x = ca.zeros([1000, 1000], { chunks: 250 }); // float64, 16 blocks
 * ```
 * @see numpy.zeros, dask.array.zeros
 */
export function zeros<D extends DType = "float64">(
  shape: readonly number[] | number,
  options: FillOptions<D> = {},
): ChunkedArray<D> {
  checkOptionsObject(options, "zeros");
  return filled("zeros", shape, 0, options.dtype ?? "float64", options.chunks);
}

/**
 * An array of ones.
 *
 * @example
 * ```ts
 * const x = ca.ones(10, { chunks: 5 }); // chunks [[5, 5]]
 * ```
 * @see numpy.ones, dask.array.ones
 */
export function ones<D extends DType = "float64">(
  shape: readonly number[] | number,
  options: FillOptions<D> = {},
): ChunkedArray<D> {
  checkOptionsObject(options, "ones");
  return filled("ones", shape, 1, options.dtype ?? "float64", options.chunks);
}

/**
 * An array without meaningful initial values; here it is zero-filled, like {@link zeros}.
 *
 * @example
 * ```ts
 * const buf = ca.empty([100, 100], { dtype: "float32", chunks: 50 });
 * ```
 * @see numpy.empty, dask.array.empty
 */
export function empty<D extends DType = "float64">(
  shape: readonly number[] | number,
  options: FillOptions<D> = {},
): ChunkedArray<D> {
  checkOptionsObject(options, "empty");
  return filled("empty", shape, 0, options.dtype ?? "float64", options.chunks);
}

/**
 * An array filled with `value`. A number gives float64, a boolean bool and a `bigint` int64 (a
 * JS number does not say whether it is an integer; a bigint is what NumPy's Python int is).
 *
 * @example
 * ```ts
 * const x = ca.full([3, 4], 7, { dtype: "int32", chunks: 2 });
 * const m = ca.full([3, 4], Number.NaN); // float64
 * const big = ca.full([2], 2n ** 60n); // int64, exact
 * ```
 * @see numpy.full, dask.array.full
 */
export function full<D extends DType = "float64">(
  shape: readonly number[] | number,
  value: number | boolean | bigint,
  options: FillOptions<D> = {},
): ChunkedArray<D> {
  checkOptionsObject(options, "full");
  return filled(
    "full",
    shape,
    value,
    options.dtype ?? (typeof value === "boolean" ? "bool" : typeof value === "bigint" ? "int64" : "float64"),
    options.chunks,
  );
}

function likeArgs(
  x: ChunkedArray,
  options: FillLikeOptions,
  fn: string,
): { shape: number[]; dtype: DType; chunks: number[][] } {
  checkOptionsObject(options, fn);
  const dtype = checkDType(options.dtype ?? x.dtype, fn);
  const shape = options.shape === undefined ? x.shape : checkShape(options.shape, fn);
  const sameShape = shape.length === x.ndim && shape.every((s, i) => Object.is(s, x.shape[i]));
  if (options.chunks === undefined && sameShape) {
    if (x.chunks.some((c) => c.some(Number.isNaN))) {
      throw new UnknownChunksError(
        `${fn}: the prototype's chunk sizes are unknown. Got chunks=${fmt(x.chunks)}. ${UNKNOWN_CHUNKS_FIX}`,
      );
    }
    return { shape, dtype, chunks: x.chunks.map((c) => [...c]) };
  }
  return { shape, dtype, chunks: normalizeChunks(options.chunks ?? "auto", shape, { dtype }) };
}

/**
 * Zeros with the shape, dtype and chunks of another array.
 *
 * @example
 * ```ts
 * const z = ca.zerosLike(x); // same shape, dtype, chunks as x
 * ```
 * @see numpy.zeros_like, dask.array.zeros_like
 */
export function zerosLike<D extends DType>(x: ChunkedArray<D>, options?: FillLikeOptions<D>): ChunkedArray<D>;
export function zerosLike<D extends DType>(
  x: ChunkedArray,
  options: FillLikeOptions<D> & { dtype: D },
): ChunkedArray<D>;
export function zerosLike(x: ChunkedArray, options: FillLikeOptions = {}): ChunkedArray {
  const { shape, dtype, chunks } = likeArgs(x, options, "zerosLike");
  return fillArray("zeros_like", shape, 0, dtype, chunks);
}

/**
 * Ones with the shape, dtype and chunks of another array.
 *
 * @example
 * ```ts
 * const o = ca.onesLike(x, { dtype: "float32" });
 * ```
 * @see numpy.ones_like, dask.array.ones_like
 */
export function onesLike<D extends DType>(x: ChunkedArray<D>, options?: FillLikeOptions<D>): ChunkedArray<D>;
export function onesLike<D extends DType>(
  x: ChunkedArray,
  options: FillLikeOptions<D> & { dtype: D },
): ChunkedArray<D>;
export function onesLike(x: ChunkedArray, options: FillLikeOptions = {}): ChunkedArray {
  const { shape, dtype, chunks } = likeArgs(x, options, "onesLike");
  return fillArray("ones_like", shape, fillValue(1, dtype, "onesLike"), dtype, chunks);
}

/**
 * `value` everywhere, with the shape, dtype and chunks of another array.
 *
 * @example
 * ```ts
 * const m = ca.fullLike(x, -1);
 * ```
 * @see numpy.full_like, dask.array.full_like
 */
export function fullLike<D extends DType>(
  x: ChunkedArray<D>,
  value: number | boolean | bigint,
  options?: FillLikeOptions<D>,
): ChunkedArray<D>;
export function fullLike<D extends DType>(
  x: ChunkedArray,
  value: number | boolean | bigint,
  options: FillLikeOptions<D> & { dtype: D },
): ChunkedArray<D>;
export function fullLike(
  x: ChunkedArray,
  value: number | boolean | bigint,
  options: FillLikeOptions = {},
): ChunkedArray {
  const { shape, dtype, chunks } = likeArgs(x, options, "fullLike");
  return fillArray("full_like", shape, fillValue(value, dtype, "fullLike"), dtype, chunks);
}

export interface RangeOptions<D extends DType = DType> {
  /** Element type. Default `"float64"`. */
  dtype?: D;
  /** Block length (or `"auto"`, or explicit sizes). Default `"auto"`. */
  chunks?: ChunkSpec;
}

/**
 * Evenly spaced values in `[start, stop)` with spacing `step` (Python's `range` for numbers).
 * Values are NumPy's, whatever the chunking: element `i` is `start + i * delta` with
 * `delta = (start + step) - start` computed in the output dtype, exactly as `numpy.arange` fills
 * its buffer (dask's per-block `arange` can differ from NumPy for fractional steps; this does not).
 * The length is `ceil((stop - start) / step)`, or 0 when negative.
 *
 * Numbers give float64 and `bigint` arguments int64 (NumPy's Python ints), computed exactly in BigInt:
 * `ca.arange(10n)` is NumPy's `np.arange(10)`.
 *
 * @example
 * ```ts
 * ca.arange(10, { chunks: 4 });           // [0, 1, ..., 9], chunks [[4, 4, 2]], float64
 * ca.arange(1, 2, 0.25);                  // [1, 1.25, 1.5, 1.75]
 * ca.arange(0, 10, 3, { dtype: "int32" }); // [0, 3, 6, 9]
 * ca.arange(2n ** 60n, 2n ** 60n + 3n);    // int64, exact past 2^53
 * ```
 * @see numpy.arange, dask.array.arange
 */
export function arange<D extends DType = "int64">(stop: bigint, options?: RangeOptions<D>): ChunkedArray<D>;
export function arange<D extends DType = "int64">(
  start: bigint,
  stop: bigint,
  options?: RangeOptions<D>,
): ChunkedArray<D>;
export function arange<D extends DType = "int64">(
  start: bigint,
  stop: bigint,
  step: bigint,
  options?: RangeOptions<D>,
): ChunkedArray<D>;
export function arange<D extends DType = "float64">(stop: number, options?: RangeOptions<D>): ChunkedArray<D>;
export function arange<D extends DType = "float64">(
  start: number,
  stop: number,
  options?: RangeOptions<D>,
): ChunkedArray<D>;
export function arange<D extends DType = "float64">(
  start: number,
  stop: number,
  step: number,
  options?: RangeOptions<D>,
): ChunkedArray<D>;
export function arange(...args: (number | bigint | RangeOptions | undefined)[]): ChunkedArray {
  const last = args[args.length - 1];
  const options: RangeOptions = typeof last === "object" && last !== null ? (args.pop() as RangeOptions) : {};
  while (args.length && args[args.length - 1] === undefined) args.pop();
  if (args.length > 0 && args.every((n) => typeof n === "bigint"))
    return arangeBig(args as bigint[], options);
  const nums = args as number[];
  if (nums.length === 0 || nums.length > 3 || !nums.every((n) => typeof n === "number")) {
    throw new InvalidArgumentError(
      `arange takes 1 to 3 numbers (start, stop, step), or 1 to 3 bigints, then options. Got ${fmt(nums)}.`,
    );
  }
  const [start, stop, step] = nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1];
  if (step === 0)
    throw new InvalidArgumentError("arange: step must not be zero (division by zero). Got step=0.");
  if (![start, stop, step].every(Number.isFinite)) {
    throw new InvalidArgumentError(
      `arange: arguments must be finite (Maximum allowed size exceeded). Got start=${fmt(start)}, stop=${fmt(stop)}, step=${fmt(step)}.`,
    );
  }
  const dtype = checkDType(options.dtype ?? "float64", "arange");
  const delta = stop - start;
  const q = delta / step;
  // NumPy: a quotient that underflows to 0 for a non-zero range still gives one element.
  const num = q === 0 && delta !== 0 ? (Object.is(q, -0) ? 0 : 1) : Math.max(0, Math.ceil(q));
  if (dtype === "bool" && num > 2) {
    throw new DTypeError(
      `arange: no fill-function for data-type bool beyond 2 elements. Got dtype="bool", length=${num}.`,
    );
  }
  const chunks = normalizeChunks(options.chunks ?? "auto", [num], { dtype });
  const offsets = chunkOffsets(chunks[0]);
  return blockLayer("arange", [start, stop, step], [], chunks, dtype, ([b], key) => {
    const params: ArangeParams = { start, step, offset: offsets[b], n: chunks[0][b], dtype };
    return task(createArange, key, [], params);
  });
}

/** `arange` of bigint arguments: int64 by default, the length and every value exact in BigInt. */
function arangeBig(args: readonly bigint[], options: RangeOptions): ChunkedArray {
  if (args.length > 3) {
    throw new InvalidArgumentError(
      `arange takes 1 to 3 bigints (start, stop, step) then options. Got ${args.length}.`,
    );
  }
  const [start, stop, step] = args.length === 1 ? [0n, args[0], 1n] : [args[0], args[1], args[2] ?? 1n];
  if (step === 0n)
    throw new InvalidArgumentError("arange: step must not be zero (division by zero). Got step=0.");
  const dtype = checkDType(options.dtype ?? "int64", "arange");
  const span = stop - start;
  // ceil(span / step) for either sign, at least 0.
  const q = span / step + (span % step !== 0n && span > 0n === step > 0n ? 1n : 0n);
  const num = q > 0n ? Number(q) : 0;
  if (!Number.isSafeInteger(num)) {
    throw new InvalidArgumentError(
      `arange: too many elements. Got ${q} (start=${start}, stop=${stop}, step=${step}).`,
    );
  }
  if (dtype === "bool" && num > 2) {
    throw new DTypeError(
      `arange: no fill-function for data-type bool beyond 2 elements. Got dtype="bool", length=${num}.`,
    );
  }
  const chunks = normalizeChunks(options.chunks ?? "auto", [num], { dtype });
  // Past ±2^53 the ends travel as decimal strings (graph parameters stay JSON-like).
  const exact = (v: bigint): number | string => (Number.isSafeInteger(Number(v)) ? Number(v) : String(v));
  const offsets = chunkOffsets(chunks[0]);
  return blockLayer("arange", [String(start), String(stop), String(step)], [], chunks, dtype, ([b], key) => {
    const params: ArangeParams = {
      start: exact(start),
      step: exact(step),
      offset: offsets[b],
      n: chunks[0][b],
      dtype,
    };
    return task(createArange, key, [], params);
  });
}

export interface LinspaceOptions<D extends DType = DType> extends RangeOptions<D> {
  /** Number of samples. Default 50. */
  num?: number;
  /** Whether `stop` is the last sample. Default `true`. */
  endpoint?: boolean;
}

/**
 * `num` evenly spaced samples over `[start, stop]` (or `[start, stop)` without `endpoint`), by
 * NumPy's formula on float64 (`i * step + start`, the last sample exactly `stop`), so values match
 * NumPy whatever the chunking. Integer dtypes take the floor, as NumPy does.
 *
 * @example
 * ```ts
 * ca.linspace(0, 1, 5);                           // [0, 0.25, 0.5, 0.75, 1] (NumPy's signature)
 * ca.linspace(2, 3, { num: 5 });                  // [2, 2.25, 2.5, 2.75, 3]
 * ca.linspace(0, 1, 1000, { chunks: 100 });       // 10 blocks
 * ```
 * @see numpy.linspace, dask.array.linspace
 */
export function linspace<D extends DType = "float64">(
  start: number,
  stop: number,
  numOrOptions?: number | LinspaceOptions<D>,
  moreOptions?: LinspaceOptions<D>,
): ChunkedArray<D> {
  if (typeof start !== "number" || typeof stop !== "number") {
    throw new InvalidArgumentError(
      `linspace: start and stop must be numbers. Got start=${fmt(start)}, stop=${fmt(stop)}.`,
    );
  }
  const positional = typeof numOrOptions === "number";
  const options: LinspaceOptions<D> = (positional ? moreOptions : numOrOptions) ?? {};
  if (typeof options !== "object" || options === null) {
    throw new InvalidArgumentError(
      `linspace: expected linspace(start, stop, num?, options?). Got ${fmt(numOrOptions)} after stop.`,
    );
  }
  if (positional && options.num !== undefined && options.num !== numOrOptions) {
    throw new InvalidArgumentError(
      `linspace: num given twice. Got num=${fmt(numOrOptions)} and options.num=${fmt(options.num)}.`,
    );
  }
  const num = positional ? (numOrOptions as number) : (options.num ?? 50);
  if (!Number.isInteger(num))
    throw new InvalidArgumentError(`linspace: num must be an integer. Got num=${fmt(num)}.`);
  if (num < 0)
    throw new InvalidArgumentError(`Number of samples, ${num}, must be non-negative. Got num=${num}.`);
  const endpoint = options.endpoint ?? true;
  const dtype = checkDType(options.dtype ?? "float64", "linspace") as D;
  const chunks = normalizeChunks(options.chunks ?? "auto", [num], { dtype });
  const offsets = chunkOffsets(chunks[0]);
  return blockLayer("linspace", [start, stop, num, endpoint], [], chunks, dtype, ([b], key) => {
    const params: LinspaceParams = { start, stop, num, endpoint, offset: offsets[b], n: chunks[0][b], dtype };
    return task(createLinspace, key, [], params);
  });
}

export interface EyeOptions<D extends DType = DType> {
  /** Number of columns. Default `N`. */
  M?: number | null;
  /** Diagonal: 0 the main one, > 0 above, < 0 below. Default 0. */
  k?: number;
  /** Element type. Default `"float64"`. */
  dtype?: D;
  /** Block shape. Default `"auto"`. */
  chunks?: ChunkSpec;
}

/**
 * A 2-D array with ones on diagonal `k` and zeros elsewhere.
 *
 * @example
 * ```ts
 * const I = ca.eye(1000, { chunks: 250 });
 * const U = ca.eye(4, { M: 5, k: 1, dtype: "int32" });
 * ```
 * @see numpy.eye, dask.array.eye
 */
export function eye<D extends DType = "float64">(N: number, options: EyeOptions<D> = {}): ChunkedArray<D> {
  checkOptionsObject(options, "eye");
  const M = options.M ?? N;
  const k = options.k ?? 0;
  const shape = checkShape([N, M], "eye");
  if (!Number.isInteger(k)) throw new InvalidArgumentError(`eye: k must be an integer. Got k=${fmt(k)}.`);
  const dtype = checkDType(options.dtype ?? "float64", "eye") as D;
  const chunks = normalizeChunks(options.chunks ?? "auto", shape, { dtype });
  const offsets = chunks.map(chunkOffsets);
  return blockLayer("eye", [shape, k], [], chunks, dtype, (idx, key) => {
    const bshape: [number, number] = [chunks[0][idx[0]], chunks[1][idx[1]]];
    const offset: [number, number] = [offsets[0][idx[0]], offsets[1][idx[1]]];
    // Blocks that miss the diagonal are plain zeros.
    const lo = offset[1] - (offset[0] + bshape[0] - 1);
    const hi = offset[1] + bshape[1] - 1 - offset[0];
    if (k < lo || k > hi) {
      return task(createFull, key, [], { shape: bshape, value: 0, dtype });
    }
    const params: EyeParams = { shape: bshape, offset, k, dtype };
    return task(createEye, key, [], params);
  });
}
