import { type ChunkSpec, chunkOffsets, normalizeChunks } from "../chunks/normalize.js";
import {
  type AnyTypedArray,
  DTYPE_INFO,
  DTYPES,
  type DType,
  type DTypeOfArray,
  dtypeOfTypedArray,
  isDType,
} from "../dtype/dtypes.js";
import { checkOptionsObject, DTypeError, fmt, InvalidArgumentError } from "../errors.js";
import { literal } from "../kernels/core.js";
import { task } from "../kernels/registry.js";
import { type ArraySource, type Region, registerLocal, rememberOpen, sourceRead } from "../kernels/source.js";
import { NDArray, type NestedArray } from "../ndarray/ndarray.js";
import { blockLayer } from "./block-layer.js";
import type { ChunkedArray } from "./chunked-array.js";

export interface FromArrayOptions {
  /** Block shape: a number, one entry per axis, `-1` for a whole axis, `"auto"`, or explicit per-axis sizes. Default `"auto"`. */
  chunks?: ChunkSpec;
  /** Shape, when the source is a flat TypedArray or JS array. */
  shape?: readonly number[];
  /** Dtype, when the source is a JS array (default float64) or a Uint8Array holding booleans (`"bool"`). */
  dtype?: DType;
  /** Layer name prefix (default `"array"`). */
  name?: string;
}

const identityTokens = new WeakMap<object, string>();
let nextIdentity = 0;

/** A token for an object: its own `token` when it has one, otherwise a per-object identity. */
function objectToken(obj: object): string {
  const own = (obj as { token?: unknown }).token;
  if (typeof own === "string") return own;
  let t = identityTokens.get(obj);
  if (!t) identityTokens.set(obj, (t = `obj${nextIdentity++}-${Math.random().toString(36).slice(2, 10)}`));
  return t;
}

function isSource(x: unknown): x is ArraySource {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as ArraySource).read === "function" &&
    Array.isArray((x as ArraySource).shape)
  );
}

/** Region of one block. */
export function blockRegion(offsets: readonly number[][], index: readonly number[]): Region {
  return index.map((b, ax) => [offsets[ax][b], offsets[ax][b + 1], 1] as const);
}

/**
 * A chunked array over in-memory data or anything with `shape`, `dtype` and a region `read`
 * (HDF5 and Zarr datasets from `@chunked/io`). Nothing is read until compute.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float32Array(600), { shape: [20, 30], chunks: [5, 10] });
 * const d = ca.fromArray(await openHdf5("data.h5").then((f) => f.get("/x")), { chunks: [1_000_000] });
 * ```
 * @see dask.array.from_array
 */
export function fromArray<D extends DType>(
  source: ArraySource | NDArray | AnyTypedArray | NestedArray,
  options: FromArrayOptions & { dtype: D },
): ChunkedArray<D>;
export function fromArray<D extends DType>(
  source: ArraySource<D> | NDArray<D>,
  options?: FromArrayOptions,
): ChunkedArray<D>;
export function fromArray<A extends AnyTypedArray>(
  source: A,
  options?: FromArrayOptions,
): ChunkedArray<DTypeOfArray<A>>;
export function fromArray(source: NestedArray, options?: FromArrayOptions): ChunkedArray;
export function fromArray<D extends DType = DType>(
  source: ArraySource<D> | NDArray<D> | AnyTypedArray | NestedArray,
  options: FromArrayOptions = {},
): ChunkedArray<D> {
  checkOptionsObject(options, "fromArray");
  if (options.dtype !== undefined && !isDType(options.dtype)) {
    throw new DTypeError(
      `Unknown dtype. Got dtype=${fmt(options.dtype)}, expected one of ${DTYPES.join(", ")}.`,
    );
  }
  if (source instanceof NDArray) return fromNDArray(source as NDArray<D>, options);
  if (ArrayBuffer.isView(source)) {
    return fromNDArray(
      NDArray.from(source as AnyTypedArray, {
        shape: options.shape,
        dtype: options.dtype ?? dtypeOfTypedArray(source),
      }) as NDArray<D>,
      options,
    );
  }
  if (Array.isArray(source) || typeof source === "number" || typeof source === "boolean") {
    checkValues(source as NestedArray, options.dtype ?? "float64");
    return fromNDArray(
      NDArray.from(source as NestedArray, { shape: options.shape, dtype: options.dtype }) as NDArray<D>,
      options,
    );
  }
  if (!isSource(source)) {
    throw new InvalidArgumentError(
      `fromArray needs an NDArray, a TypedArray, nested arrays, or an object with shape, dtype and read(region). Got source=${Object.prototype.toString.call(source)}.`,
    );
  }
  if (!isDType(source.dtype))
    throw new DTypeError(`Unsupported source dtype. Got dtype=${fmt(source.dtype)}.`);
  const shape = [...source.shape];
  const chunks = normalizeChunks(options.chunks ?? "auto", shape, {
    dtype: source.dtype,
    previousChunks: source.chunks,
  });
  if (source.descriptor) rememberOpen(source);
  const descriptor = source.descriptor ?? registerLocal(source);
  const offsets = chunks.map(chunkOffsets);
  return blockLayer(options.name ?? "array", objectToken(source), [], chunks, source.dtype, (idx, key) =>
    task(sourceRead, key, [], { source: descriptor, region: blockRegion(offsets, idx) }),
  );
}

/**
 * Refuses what NumPy 2 refuses in `np.array(values, dtype)`: elements that are not numbers or
 * booleans, and (for integer dtypes) out-of-range integers and non-finite floats, which a
 * TypedArray would otherwise wrap or turn into garbage silently.
 */
function checkValues(values: NestedArray | number | boolean, dtype: DType): void {
  const info = DTYPE_INFO[dtype];
  const integer = info.kind === "int" || info.kind === "uint";
  const at = (path: number[]) => (path.length ? ` at index [${path.join(", ")}]` : "");
  const visit = (v: unknown, path: number[]): void => {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        visit(v[i], path);
        path.pop();
      }
      return;
    }
    if (typeof v === "boolean") return;
    if (typeof v !== "number") {
      throw new DTypeError(
        `fromArray: could not convert ${fmt(v)} to ${dtype}${at(path)}. Got a ${v === null ? "null" : typeof v}, expected numbers or booleans.`,
      );
    }
    if (!integer) return;
    if (!Number.isFinite(v)) {
      throw new InvalidArgumentError(
        `cannot convert float ${fmt(v)} to integer${at(path)}. Got dtype=${fmt(dtype)}.`,
      );
    }
    if (Number.isInteger(v) && (v < info.min || v > info.max)) {
      throw new InvalidArgumentError(
        `Python integer ${v} out of bounds for ${dtype}${at(path)}. Got value=${v}, expected ${info.min} <= value <= ${info.max}.`,
      );
    }
  };
  visit(values, []);
}

function fromNDArray<D extends DType>(a: NDArray<D>, options: FromArrayOptions): ChunkedArray<D> {
  const chunks = normalizeChunks(options.chunks ?? "auto", a.shape, { dtype: a.dtype });
  const offsets = chunks.map(chunkOffsets);
  const token = [objectToken(a), a.shape, a.strides, a.offset];
  return blockLayer(options.name ?? "array", token, [], chunks, a.dtype, (idx, key) =>
    task(literal, key, [], { array: a.region(blockRegion(offsets, idx)) }),
  );
}
