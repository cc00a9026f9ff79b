/**
 * Result dtypes at the type level, so `x.add(1)` on a `ChunkedArray<"float32">` is a
 * `ChunkedArray<"float32">` and its `.data` a `Float32Array`. The table is {@link resultType}'s
 * (a test checks every pair); scalars follow NEP 50 as the runtime does.
 * @module
 */
import type { DType } from "./dtypes.js";

/** {@link resultType} for every pair of dtypes, as data (and as a type through `typeof`). */
export const PROMOTION_TABLE = {
  bool: {
    bool: "bool",
    int8: "int8",
    int16: "int16",
    int32: "int32",
    uint8: "uint8",
    uint16: "uint16",
    uint32: "uint32",
    int64: "int64",
    uint64: "uint64",
    float32: "float32",
    float64: "float64",
  },
  int8: {
    bool: "int8",
    int8: "int8",
    int16: "int16",
    int32: "int32",
    uint8: "int16",
    uint16: "int32",
    uint32: "int64",
    int64: "int64",
    uint64: "float64",
    float32: "float32",
    float64: "float64",
  },
  int16: {
    bool: "int16",
    int8: "int16",
    int16: "int16",
    int32: "int32",
    uint8: "int16",
    uint16: "int32",
    uint32: "int64",
    int64: "int64",
    uint64: "float64",
    float32: "float32",
    float64: "float64",
  },
  int32: {
    bool: "int32",
    int8: "int32",
    int16: "int32",
    int32: "int32",
    uint8: "int32",
    uint16: "int32",
    uint32: "int64",
    int64: "int64",
    uint64: "float64",
    float32: "float64",
    float64: "float64",
  },
  uint8: {
    bool: "uint8",
    int8: "int16",
    int16: "int16",
    int32: "int32",
    uint8: "uint8",
    uint16: "uint16",
    uint32: "uint32",
    int64: "int64",
    uint64: "uint64",
    float32: "float32",
    float64: "float64",
  },
  uint16: {
    bool: "uint16",
    int8: "int32",
    int16: "int32",
    int32: "int32",
    uint8: "uint16",
    uint16: "uint16",
    uint32: "uint32",
    int64: "int64",
    uint64: "uint64",
    float32: "float32",
    float64: "float64",
  },
  uint32: {
    bool: "uint32",
    int8: "int64",
    int16: "int64",
    int32: "int64",
    uint8: "uint32",
    uint16: "uint32",
    uint32: "uint32",
    int64: "int64",
    uint64: "uint64",
    float32: "float64",
    float64: "float64",
  },
  int64: {
    bool: "int64",
    int8: "int64",
    int16: "int64",
    int32: "int64",
    uint8: "int64",
    uint16: "int64",
    uint32: "int64",
    int64: "int64",
    uint64: "float64",
    float32: "float64",
    float64: "float64",
  },
  uint64: {
    bool: "uint64",
    int8: "float64",
    int16: "float64",
    int32: "float64",
    uint8: "uint64",
    uint16: "uint64",
    uint32: "uint64",
    int64: "float64",
    uint64: "uint64",
    float32: "float64",
    float64: "float64",
  },
  float32: {
    bool: "float32",
    int8: "float32",
    int16: "float32",
    int32: "float64",
    uint8: "float32",
    uint16: "float32",
    uint32: "float64",
    int64: "float64",
    uint64: "float64",
    float32: "float32",
    float64: "float64",
  },
  float64: {
    bool: "float64",
    int8: "float64",
    int16: "float64",
    int32: "float64",
    uint8: "float64",
    uint16: "float64",
    uint32: "float64",
    int64: "float64",
    uint64: "float64",
    float32: "float64",
    float64: "float64",
  },
} as const satisfies Record<DType, Record<DType, DType>>;

/** The dtype of an operation on arrays of dtypes `A` and `B` (NumPy's `result_type`). */
export type Promote<A extends DType, B extends DType> = A extends DType
  ? B extends DType
    ? (typeof PROMOTION_TABLE)[A][B]
    : never
  : never;

/** The float dtypes. */
export type FloatDType = "float32" | "float64";

/**
 * An array of dtype `D` with a JS scalar `S` (NEP 50: the scalar only raises the kind). An integer
 * literal keeps an integer dtype; a fractional literal makes it float64; a `number` not known at
 * compile time may do either.
 */
export type WithScalar<D extends DType, S> = S extends boolean
  ? D
  : S extends bigint
    ? D extends "bool"
      ? "int64"
      : D
    : D extends FloatDType
      ? D
      : D extends "bool"
        ? number extends S
          ? "int64" | "float64"
          : `${S & number}` extends `${bigint}`
            ? "int64"
            : "float64"
        : number extends S
          ? D | "float64"
          : `${S & number}` extends `${bigint}`
            ? D
            : "float64";

/** True division: integer results become float64. */
export type TrueDivide<R extends DType> = R extends FloatDType ? R : "float64";

/** Arithmetic other than `add`/`mul` (which keep bool): bool operands count as int8. */
export type Arithmetic<R extends DType> = R extends "bool" ? "int8" : R;
