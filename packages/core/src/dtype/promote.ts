/**
 * NumPy 2 type promotion for the dtypes of \@chunked: `result_type` between arrays and NEP 50 weak
 * scalars. What each elementwise op makes of the promoted dtype is its row's rule (ops/elementwise.ts).
 *
 * int64 and uint64 follow NumPy: `int32 + uint32` is int64, `int64 + uint64` is float64, a bool
 * array with a JS integer is int64.
 *
 * **NumPy divergence:** where NumPy returns float16 (sqrt of int8/uint8/bool, round of bool) \@chunked returns float32.
 */
import { DTYPE_INFO, type DType, INT64_RANGE, is64BitInt } from "./dtypes.js";
import { InvalidArgumentError } from "../errors.js";

/** Signed integer dtypes by size, to find the smallest that holds a signed and an unsigned type. */
const SIGNED_BY_SIZE: readonly DType[] = ["int8", "int16", "int32", "int64"];

/**
 * The dtype NumPy's `result_type(a, b)` gives for two array dtypes (NumPy 2 rules).
 *
 * @example
 * ```ts
 * resultType("int8", "uint8"); // "int16"
 * resultType("int16", "float32"); // "float32"
 * resultType("int32", "float32"); // "float64"
 * resultType("int32", "uint32"); // "int64"
 * resultType("int64", "uint64"); // "float64"
 * ```
 * @see numpy.result_type, numpy.promote_types
 */
export function resultType(a: DType, b: DType): DType {
  if (a === b) return a;
  const ia = DTYPE_INFO[a];
  const ib = DTYPE_INFO[b];
  if (ia.kind === "bool") return b;
  if (ib.kind === "bool") return a;
  if (ia.kind === "float" || ib.kind === "float") {
    // float32 holds integers up to 16 bits exactly; 32-bit integers need float64.
    if (a === "float64" || b === "float64") return "float64";
    const other = ia.kind === "float" ? ib : ia;
    return other.kind === "float" || other.itemsize <= 2 ? "float32" : "float64";
  }
  if (ia.kind === ib.kind) return ia.itemsize >= ib.itemsize ? a : b;
  // One signed, one unsigned: the smallest signed type holding both (none for uint64: float64).
  const [signed, unsigned] = ia.kind === "int" ? [ia, ib] : [ib, ia];
  const need = Math.max(signed.itemsize, unsigned.itemsize * 2);
  for (const s of SIGNED_BY_SIZE) if (DTYPE_INFO[s].itemsize >= need) return s;
  return "float64";
}

/** A JS scalar operand: a NEP 50 "weak" scalar. */
export type WeakScalar = number | boolean;

/** The weak kind of a JS scalar: booleans are bool, integer-valued numbers int, other numbers (and NaN, ±Inf) float. */
export function scalarKind(value: WeakScalar): "bool" | "int" | "float" {
  if (typeof value === "boolean") return "bool";
  return Number.isInteger(value) ? "int" : "float";
}

/**
 * The result dtype of an array of dtype `dtype` combined with a JS scalar, following NEP 50:
 * the scalar is "weak" and only raises the kind (bool < int < float), never the size.
 *
 * @example
 * ```ts
 * resultTypeWithScalar("int8", 3); // "int8"
 * resultTypeWithScalar("int8", 2.5); // "float64"
 * resultTypeWithScalar("float32", 0.1); // "float32"
 * resultTypeWithScalar("bool", 1); // "int64"
 * ```
 * Whether an integer scalar fits the result dtype is checked separately ({@link checkScalarFits}).
 * @see numpy.result_type, NEP 50
 */
export function resultTypeWithScalar(dtype: DType, scalar: WeakScalar): DType {
  return combineWeak(dtype, scalarKind(scalar));
}

function combineWeak(dtype: DType, weak: "bool" | "int" | "float"): DType {
  const kind = DTYPE_INFO[dtype].kind;
  if (weak === "bool") return dtype;
  if (weak === "int") return kind === "bool" ? "int64" : dtype;
  return kind === "float" ? dtype : "float64";
}

/** The dtype of JS scalars alone, as NumPy's defaults: bool, int64 for integers, float64 with any float. */
function weakAlone(kinds: readonly ("bool" | "int" | "float")[]): DType {
  if (kinds.includes("float")) return "float64";
  return kinds.includes("int") ? "int64" : "bool";
}

/**
 * NumPy's `result_type` over any mix of array dtypes and JS (weak) scalars: the strong dtypes
 * are promoted together, then each weak scalar may raise the kind.
 *
 * @example
 * ```ts
 * resultTypeOf("int8", "uint8", 3); // "int16"
 * resultTypeOf("float32", 1.5); // "float32"
 * resultTypeOf(2, 3); // "int64"
 * ```
 * @see numpy.result_type
 */
export function resultTypeOf(...operands: readonly (DType | WeakScalar)[]): DType {
  let strong: DType | undefined;
  const weak: ("bool" | "int" | "float")[] = [];
  for (const o of operands) {
    if (typeof o === "string") strong = strong === undefined ? o : resultType(strong, o);
    else weak.push(scalarKind(o));
  }
  if (strong === undefined) return weakAlone(weak);
  // Kinds only go up, so applying the highest weak kind is enough.
  let out = strong;
  for (const k of weak) out = combineWeak(out, k);
  return out;
}

/**
 * The dtype of true division (`/`): integers and bool give float64, floats keep their dtype.
 * @see numpy.true_divide
 */
export function trueDivideType(dtype: DType): DType {
  return DTYPE_INFO[dtype].kind === "float" ? dtype : "float64";
}

/**
 * The dtype of a transcendental function (sqrt, exp, sin, arctan2, ...) of `dtype`: the smallest
 * float that holds it, as NumPy chooses its loop.
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 in float16; \@chunked has no float16 and
 * uses float32.
 * @see numpy.sqrt
 */
export function floatType(dtype: DType): DType {
  const info = DTYPE_INFO[dtype];
  if (info.kind === "float") return dtype;
  return info.itemsize <= 2 ? "float32" : "float64";
}

/**
 * Checks that an integer JS scalar fits an integer dtype, as NumPy 2 does (`np.uint8([1]) + 300`
 * raises OverflowError). Floats and non-integer scalars always pass.
 *
 * @param name - the argument, for the message.
 */
export function checkScalarFits(dtype: DType, value: WeakScalar | bigint, name = "scalar"): void {
  if (typeof value === "boolean") return;
  if (typeof value === "number" && !Number.isInteger(value)) return;
  const info = DTYPE_INFO[dtype];
  if (is64BitInt(dtype)) {
    const { min, max } = INT64_RANGE[dtype];
    const v = BigInt(value);
    if (v < min || v > max) {
      throw new InvalidArgumentError(
        `Python integer ${value} out of bounds for ${dtype}. Got ${name}=${value}, expected ${min} <= ${name} <= ${max}.`,
      );
    }
    return;
  }
  if (info.kind !== "int" && info.kind !== "uint") return;
  if (value < info.min || value > info.max) {
    throw new InvalidArgumentError(
      `Python integer ${value} out of bounds for ${dtype}. Got ${name}=${value}, expected ${info.min} <= ${name} <= ${info.max}.`,
    );
  }
}

/**
 * True when every value of `from` is exactly representable in `to` (`numpy.can_cast(from, to, "safe")`).
 * @see numpy.can_cast
 */
export function canCastSafely(from: DType, to: DType): boolean {
  if (from === to) return true;
  const f = DTYPE_INFO[from];
  const t = DTYPE_INFO[to];
  if (f.kind === "bool") return true;
  if (t.kind === "bool") return false;
  if (t.kind === "float") {
    if (to === "float64") return true;
    return f.kind === "float" ? false : f.itemsize <= 2;
  }
  if (f.kind === "float") return false;
  return f.min >= t.min && f.max <= t.max;
}
