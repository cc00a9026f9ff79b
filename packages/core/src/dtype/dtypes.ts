/**
 * Dtypes and their associated JavaScript types. Add a dtype by adding one row to {@link DTypeMap}
 * and one to {@link DTYPE_INFO}.
 */
import { DTypeError } from "../errors.js";

/** Associated types for each dtype. */
export interface DTypeMap {
  bool: { array: Uint8Array; scalar: boolean; kind: "bool" };
  int8: { array: Int8Array; scalar: number; kind: "int" };
  int16: { array: Int16Array; scalar: number; kind: "int" };
  int32: { array: Int32Array; scalar: number; kind: "int" };
  uint8: { array: Uint8Array; scalar: number; kind: "uint" };
  uint16: { array: Uint16Array; scalar: number; kind: "uint" };
  uint32: { array: Uint32Array; scalar: number; kind: "uint" };
  /** 64-bit integers are stored as BigInt64Array (as zarrita and h5wasm return them); elements read as `bigint`. */
  int64: { array: BigInt64Array; scalar: bigint; kind: "int" };
  uint64: { array: BigUint64Array; scalar: bigint; kind: "uint" };
  float32: { array: Float32Array; scalar: number; kind: "float" };
  float64: { array: Float64Array; scalar: number; kind: "float" };
}

/** A NumPy dtype name supported by \@chunked. */
export type DType = keyof DTypeMap;
/** The TypedArray that stores elements of dtype `D`. */
export type TypedArrayOf<D extends DType> = DTypeMap[D]["array"];
/** The JavaScript scalar for one element of dtype `D`. */
export type ScalarOf<D extends DType> = DTypeMap[D]["scalar"];
/** Any TypedArray used as chunk storage. */
export type AnyTypedArray = TypedArrayOf<DType>;
/** The dtypes whose elements are JS numbers (all but int64 and uint64). */
export type NumberDType = Exclude<DType, "int64" | "uint64">;
/** Chunk storage whose elements are JS numbers (not BigInt64Array/BigUint64Array). */
export type NumberTypedArray = TypedArrayOf<NumberDType>;
/**
 * The dtype of a TypedArray's elements, as `NDArray.from` and `fromArray` read it: a `Uint8Array`
 * is uint8 (bool data needs `dtype: "bool"`).
 */
export type DTypeOfArray<A extends AnyTypedArray> = A extends BigInt64Array
  ? "int64"
  : A extends BigUint64Array
    ? "uint64"
    : A extends Float64Array
      ? "float64"
      : A extends Float32Array
        ? "float32"
        : A extends Int32Array
          ? "int32"
          : A extends Int16Array
            ? "int16"
            : A extends Int8Array
              ? "int8"
              : A extends Uint32Array
                ? "uint32"
                : A extends Uint16Array
                  ? "uint16"
                  : A extends Uint8Array
                    ? "uint8"
                    : DType;
/** NumPy's dtype kinds, as used by type promotion. */
export type DTypeKind = "bool" | "int" | "uint" | "float";

interface DTypeInfo {
  readonly kind: DTypeKind;
  readonly itemsize: number;
  readonly ctor: {
    new (length: number): AnyTypedArray;
    new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): AnyTypedArray;
  };
  readonly min: number;
  readonly max: number;
}

export const DTYPE_INFO: { readonly [D in DType]: DTypeInfo } = {
  bool: { kind: "bool", itemsize: 1, ctor: Uint8Array, min: 0, max: 1 },
  int8: { kind: "int", itemsize: 1, ctor: Int8Array, min: -128, max: 127 },
  int16: { kind: "int", itemsize: 2, ctor: Int16Array, min: -32768, max: 32767 },
  int32: { kind: "int", itemsize: 4, ctor: Int32Array, min: -2147483648, max: 2147483647 },
  uint8: { kind: "uint", itemsize: 1, ctor: Uint8Array, min: 0, max: 255 },
  uint16: { kind: "uint", itemsize: 2, ctor: Uint16Array, min: 0, max: 65535 },
  uint32: { kind: "uint", itemsize: 4, ctor: Uint32Array, min: 0, max: 4294967295 },
  // min/max as numbers are rounded (2^63, 2^64); exact checks use INT64_RANGE.
  int64: { kind: "int", itemsize: 8, ctor: BigInt64Array, min: -(2 ** 63), max: 2 ** 63 },
  uint64: { kind: "uint", itemsize: 8, ctor: BigUint64Array, min: 0, max: 2 ** 64 },
  float32: {
    kind: "float",
    itemsize: 4,
    ctor: Float32Array,
    min: -3.4028234663852886e38,
    max: 3.4028234663852886e38,
  },
  float64: { kind: "float", itemsize: 8, ctor: Float64Array, min: -Number.MAX_VALUE, max: Number.MAX_VALUE },
};

/** Exact ranges of the 64-bit integer dtypes. */
export const INT64_RANGE = {
  int64: { min: -(2n ** 63n), max: 2n ** 63n - 1n },
  uint64: { min: 0n, max: 2n ** 64n - 1n },
} as const;

/** True for int64 and uint64, whose elements are `bigint`s. */
export function is64BitInt(dtype: DType): dtype is "int64" | "uint64" {
  return dtype === "int64" || dtype === "uint64";
}

/**
 * The number-typed storage of a block, for kernels that read elements as numbers; a 64-bit integer
 * block (bigint elements) throws a {@link DTypeError} naming `what`.
 */
export function numberStorage(dtype: DType, data: AnyTypedArray, what: string): NumberTypedArray {
  if (is64BitInt(dtype)) {
    throw new DTypeError(`${what} does not take ${dtype} blocks. Got dtype=${JSON.stringify(dtype)}.`);
  }
  return data as NumberTypedArray;
}

/** All supported dtypes, in promotion order within each kind. */
export const DTYPES = Object.keys(DTYPE_INFO) as DType[];

export function isDType(value: unknown): value is DType {
  return typeof value === "string" && Object.hasOwn(DTYPE_INFO, value);
}

/** Bytes per element. */
export function itemsize(dtype: DType): number {
  return DTYPE_INFO[dtype].itemsize;
}

export function dtypeKind(dtype: DType): DTypeKind {
  return DTYPE_INFO[dtype].kind;
}

let localAllocator: ((bytes: number) => ArrayBuffer | undefined) | undefined;

/**
 * Makes {@link allocate}'s non-shared arrays take memory from `fn` (the in-process executor's
 * recycled buffers, kernels/recycle.ts, which pool workers use too): `fn` returns a zero-filled ArrayBuffer of exactly `bytes`,
 * or `undefined` for a fresh array.
 */
export function setLocalAllocator(fn: ((bytes: number) => ArrayBuffer | undefined) | undefined): void {
  localAllocator = fn;
}

/** Allocates a zero-filled TypedArray for `length` elements (SharedArrayBuffer-backed when `shared`). */
export function allocate<D extends DType>(dtype: D, length: number, shared?: boolean): TypedArrayOf<D> {
  const { ctor, itemsize } = DTYPE_INFO[dtype];
  if (shared && typeof SharedArrayBuffer !== "undefined") {
    return new ctor(new SharedArrayBuffer(length * itemsize), 0, length) as TypedArrayOf<D>;
  }
  const buffer = localAllocator?.(length * itemsize);
  return (buffer ? new ctor(buffer, 0, length) : new ctor(length)) as TypedArrayOf<D>;
}

/** The dtype whose storage is this TypedArray (Uint8Array maps to uint8, never bool). */
export function dtypeOfTypedArray(data: ArrayBufferView): DType {
  if (data instanceof BigInt64Array) return "int64";
  if (data instanceof BigUint64Array) return "uint64";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof Int16Array) return "int16";
  if (data instanceof Int8Array) return "int8";
  if (data instanceof Uint32Array) return "uint32";
  if (data instanceof Uint16Array) return "uint16";
  if (data instanceof Uint8Array || data instanceof Uint8ClampedArray) return "uint8";
  throw new DTypeError(
    `Unsupported TypedArray. Got ${data.constructor.name}, expected a Float64Array, Float32Array, Int32Array, Int16Array, Int8Array, Uint32Array, Uint16Array, Uint8Array, BigInt64Array or BigUint64Array.`,
  );
}
