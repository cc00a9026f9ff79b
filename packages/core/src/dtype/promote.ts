/**
 * NumPy 2 type promotion for the dtypes of @chunked: `result_type` between arrays, NEP 50 weak
 * scalars, and the result dtype of every elementwise operation.
 *
 * **NumPy divergence:** there is no int64. Where NumPy promotes to int64 (int32 + uint32,
 * bool + a JS integer, int8 + uint32, ...) @chunked returns float64, exact up to 2^53.
 * Where NumPy returns float16 (sqrt of int8/uint8/bool, round of bool) @chunked returns float32.
 */
import { DTYPE_INFO, type DType } from "./dtypes.js";
import { DTypeError, fmt, InvalidArgumentError } from "../errors.js";

/** Every operation an `elementwise.expr` node may name. */
export type ElementwiseOp =
  | "add"
  | "sub"
  | "mul"
  | "div"
  | "floorDiv"
  | "mod"
  | "pow"
  | "neg"
  | "abs"
  | "square"
  | "reciprocal"
  | "sign"
  | "equal"
  | "notEqual"
  | "less"
  | "lessEqual"
  | "greater"
  | "greaterEqual"
  | "logicalAnd"
  | "logicalOr"
  | "logicalXor"
  | "logicalNot"
  | "sqrt"
  | "exp"
  | "log"
  | "log1p"
  | "expm1"
  | "sin"
  | "cos"
  | "tan"
  | "arcsin"
  | "arccos"
  | "arctan"
  | "arctan2"
  | "sinh"
  | "cosh"
  | "tanh"
  | "floor"
  | "ceil"
  | "round"
  | "isnan"
  | "isfinite"
  | "isinf"
  | "maximum"
  | "minimum"
  | "clip"
  | "where"
  | "astype";

/** How an operation derives its result dtype from the common dtype of its operands. */
export type OpRule =
  /** Same dtype as the inputs (bool allowed). */
  | "same"
  /** Same dtype; bool is rejected (NumPy has no bool loop: subtract, negative, sign). */
  | "sameNoBool"
  /** Same dtype; bool becomes int8 (floor_divide, remainder, power, square, reciprocal). */
  | "sameBoolToInt8"
  /** True division: integers and bool give float64, floats keep their dtype. */
  | "trueDivide"
  /** Transcendental functions: the smallest float that holds the input (see {@link floatType}). */
  | "float"
  /** Comparisons, logical operations, isnan...: always bool. */
  | "bool"
  /** `where`: the common dtype of x and y (the condition does not take part). */
  | "where"
  /** `astype`: the requested dtype. */
  | "astype";

export interface OpInfo {
  /** Number of operands. */
  readonly arity: number;
  /** Result dtype rule. */
  readonly rule: OpRule;
  /** NumPy's ufunc name, used for layer names (`floor_divide-3f9a...`). */
  readonly numpyName: string;
}

/** Arity, result rule and NumPy name of every elementwise operation. */
export const ELEMENTWISE_OPS: { readonly [K in ElementwiseOp]: OpInfo } = {
  add: { arity: 2, rule: "same", numpyName: "add" },
  sub: { arity: 2, rule: "sameNoBool", numpyName: "subtract" },
  mul: { arity: 2, rule: "same", numpyName: "multiply" },
  div: { arity: 2, rule: "trueDivide", numpyName: "true_divide" },
  floorDiv: { arity: 2, rule: "sameBoolToInt8", numpyName: "floor_divide" },
  mod: { arity: 2, rule: "sameBoolToInt8", numpyName: "remainder" },
  pow: { arity: 2, rule: "sameBoolToInt8", numpyName: "power" },
  neg: { arity: 1, rule: "sameNoBool", numpyName: "negative" },
  abs: { arity: 1, rule: "same", numpyName: "absolute" },
  square: { arity: 1, rule: "sameBoolToInt8", numpyName: "square" },
  reciprocal: { arity: 1, rule: "sameBoolToInt8", numpyName: "reciprocal" },
  sign: { arity: 1, rule: "sameNoBool", numpyName: "sign" },
  equal: { arity: 2, rule: "bool", numpyName: "equal" },
  notEqual: { arity: 2, rule: "bool", numpyName: "not_equal" },
  less: { arity: 2, rule: "bool", numpyName: "less" },
  lessEqual: { arity: 2, rule: "bool", numpyName: "less_equal" },
  greater: { arity: 2, rule: "bool", numpyName: "greater" },
  greaterEqual: { arity: 2, rule: "bool", numpyName: "greater_equal" },
  logicalAnd: { arity: 2, rule: "bool", numpyName: "logical_and" },
  logicalOr: { arity: 2, rule: "bool", numpyName: "logical_or" },
  logicalXor: { arity: 2, rule: "bool", numpyName: "logical_xor" },
  logicalNot: { arity: 1, rule: "bool", numpyName: "logical_not" },
  sqrt: { arity: 1, rule: "float", numpyName: "sqrt" },
  exp: { arity: 1, rule: "float", numpyName: "exp" },
  log: { arity: 1, rule: "float", numpyName: "log" },
  log1p: { arity: 1, rule: "float", numpyName: "log1p" },
  expm1: { arity: 1, rule: "float", numpyName: "expm1" },
  sin: { arity: 1, rule: "float", numpyName: "sin" },
  cos: { arity: 1, rule: "float", numpyName: "cos" },
  tan: { arity: 1, rule: "float", numpyName: "tan" },
  arcsin: { arity: 1, rule: "float", numpyName: "arcsin" },
  arccos: { arity: 1, rule: "float", numpyName: "arccos" },
  arctan: { arity: 1, rule: "float", numpyName: "arctan" },
  arctan2: { arity: 2, rule: "float", numpyName: "arctan2" },
  sinh: { arity: 1, rule: "float", numpyName: "sinh" },
  cosh: { arity: 1, rule: "float", numpyName: "cosh" },
  tanh: { arity: 1, rule: "float", numpyName: "tanh" },
  floor: { arity: 1, rule: "same", numpyName: "floor" },
  ceil: { arity: 1, rule: "same", numpyName: "ceil" },
  round: { arity: 1, rule: "same", numpyName: "round" },
  isnan: { arity: 1, rule: "bool", numpyName: "isnan" },
  isfinite: { arity: 1, rule: "bool", numpyName: "isfinite" },
  isinf: { arity: 1, rule: "bool", numpyName: "isinf" },
  maximum: { arity: 2, rule: "same", numpyName: "maximum" },
  minimum: { arity: 2, rule: "same", numpyName: "minimum" },
  clip: { arity: 3, rule: "same", numpyName: "clip" },
  where: { arity: 3, rule: "where", numpyName: "where" },
  astype: { arity: 1, rule: "astype", numpyName: "astype" },
};

/** True when `op` names an elementwise operation. */
export function isElementwiseOp(op: unknown): op is ElementwiseOp {
  return typeof op === "string" && Object.hasOwn(ELEMENTWISE_OPS, op);
}

/** Signed integer dtypes by size, to find the smallest that holds a signed and an unsigned type. */
const SIGNED_BY_SIZE: readonly DType[] = ["int8", "int16", "int32"];

/**
 * The dtype NumPy's `result_type(a, b)` gives for two array dtypes (NumPy 2 rules).
 *
 * @example
 * ```ts
 * resultType("int8", "uint8"); // "int16"
 * resultType("int16", "float32"); // "float32"
 * resultType("int32", "float32"); // "float64"
 * resultType("int32", "uint32"); // "float64" (NumPy: int64)
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
  // One signed, one unsigned: the smallest signed type holding both (int64 becomes float64).
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
 * resultTypeWithScalar("bool", 1); // "float64" (NumPy: int64)
 * ```
 * **NumPy divergence:** NumPy gives int64 for a bool array and an integer; @chunked gives float64.
 * Whether an integer scalar fits the result dtype is checked separately ({@link checkScalarFits}).
 * @see numpy.result_type, NEP 50
 */
export function resultTypeWithScalar(dtype: DType, scalar: WeakScalar): DType {
  return combineWeak(dtype, scalarKind(scalar));
}

function combineWeak(dtype: DType, weak: "bool" | "int" | "float"): DType {
  const kind = DTYPE_INFO[dtype].kind;
  if (weak === "bool") return dtype;
  if (weak === "int") return kind === "bool" ? "float64" : dtype;
  return kind === "float" ? dtype : "float64";
}

/** The dtype of JS scalars alone: bool for booleans, float64 otherwise (NumPy: int64 for integers). */
function weakAlone(kinds: readonly ("bool" | "int" | "float")[]): DType {
  return kinds.every((k) => k === "bool") ? "bool" : "float64";
}

/**
 * NumPy's `result_type` over any mix of array dtypes and JS (weak) scalars: the strong dtypes
 * are promoted together, then each weak scalar may raise the kind.
 *
 * @example
 * ```ts
 * resultTypeOf("int8", "uint8", 3); // "int16"
 * resultTypeOf("float32", 1.5); // "float32"
 * resultTypeOf(2, 3); // "float64" (NumPy: int64)
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
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 in float16; @chunked has no float16 and
 * uses float32.
 * @see numpy.sqrt
 */
export function floatType(dtype: DType): DType {
  const info = DTYPE_INFO[dtype];
  if (info.kind === "float") return dtype;
  return info.itemsize <= 2 ? "float32" : "float64";
}

/**
 * The result dtype of `op` once its operands have been promoted to `common` (for `where`, the
 * common dtype of x and y; for `astype`, the target dtype). Throws {@link DTypeError} when NumPy has
 * no loop for it (subtract, negative and sign of bool).
 *
 * @example
 * ```ts
 * opResultType("div", "int16"); // "float64"
 * opResultType("sqrt", "int16"); // "float32"
 * opResultType("floorDiv", "bool"); // "int8"
 * opResultType("less", "float32"); // "bool"
 * ```
 */
export function opResultType(op: ElementwiseOp, common: DType): DType {
  const info = ELEMENTWISE_OPS[op];
  if (!info) throw new DTypeError(`Unknown elementwise operation. Got op=${fmt(op)}.`);
  switch (info.rule) {
    case "same":
    case "where":
    case "astype":
      // round of bool is float16 in NumPy; we have no float16.
      return op === "round" && common === "bool" ? "float32" : common;
    case "sameNoBool":
      if (common === "bool") throw boolNotSupported(op);
      return common;
    case "sameBoolToInt8":
      return common === "bool" ? "int8" : common;
    case "trueDivide":
      return trueDivideType(common);
    case "float":
      return floatType(common);
    case "bool":
      return "bool";
  }
}

function boolNotSupported(op: ElementwiseOp): DTypeError {
  const hint =
    op === "sub"
      ? " Use logicalXor instead."
      : op === "neg"
        ? " Use logicalNot instead."
        : " Cast with astype first.";
  return new DTypeError(
    `numpy boolean ${ELEMENTWISE_OPS[op].numpyName} is not supported. Got dtype="bool".${hint}`,
  );
}

/**
 * Checks that an integer JS scalar fits an integer dtype, as NumPy 2 does (`np.uint8([1]) + 300`
 * raises OverflowError). Floats and non-integer scalars always pass.
 *
 * @param name - the argument, for the message.
 */
export function checkScalarFits(dtype: DType, value: WeakScalar, name = "scalar"): void {
  if (typeof value === "boolean" || !Number.isInteger(value)) return;
  const info = DTYPE_INFO[dtype];
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
