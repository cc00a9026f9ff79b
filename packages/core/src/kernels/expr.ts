/**
 * Elementwise expressions: the params format of `elementwise.expr` tasks, shared by the kernel,
 * the eager NDArray ops, the lazy graph builders and the optimizer (which fuses chains of them
 * into one expression), and {@link buildOp}, the single place where operand dtypes and JS scalars
 * are resolved into one typed expression node.
 */
import { DTYPE_INFO, type DType, isDType } from "../dtype/dtypes.js";
import { checkScalarFits, resultTypeOf, type WeakScalar } from "../dtype/promote.js";
import { DTypeError, fmt, InvalidArgumentError } from "../errors.js";
import { type ElementwiseOp, elementwiseOpRow, isElementwiseOp, opResultType } from "../ops/elementwise.js";

/** An input chunk, by position in the task's deps, broadcast NumPy-style against the output block. */
export interface InputExpr {
  readonly in: number;
}

/** A literal, cast to `dtype` (C cast semantics) before use. */
export interface ConstExpr {
  readonly const: number;
  readonly dtype: DType;
}

/** An operation over sub-expressions; `dtype` is its result dtype. */
export interface OpExpr {
  readonly op: ElementwiseOp;
  readonly args: readonly Expr[];
  readonly dtype: DType;
}

/** A node of an elementwise expression tree. */
export type Expr = InputExpr | ConstExpr | OpExpr;

/** Params of an `elementwise.expr` task. */
export interface ElementwiseParams {
  /** The expression evaluated per element. */
  readonly expr: Expr;
  /** Output dtype (the root node's dtype). */
  readonly dtype: DType;
  /** Output block shape; every input broadcasts to it. */
  readonly shape: readonly number[];
}

/** One operand of {@link buildOp}. */
export type OperandSpec =
  /** An array, input number `input` of the task; its dtype is strong. */
  | { readonly input: number; readonly dtype: DType }
  /** A JS scalar: NEP 50 weak unless `dtype` is given (a 0-d array's value, which is strong). */
  | { readonly value: WeakScalar; readonly dtype?: DType };

export interface BuildOpOptions {
  /** Target dtype of `astype`. */
  dtype?: DType;
  /** Names of the operands for error messages (default `x1`, `x2`, ... as NumPy's ufuncs). */
  names?: readonly string[];
}

const COMPARISONS: ReadonlySet<ElementwiseOp> = new Set([
  "equal",
  "notEqual",
  "less",
  "lessEqual",
  "greater",
  "greaterEqual",
]);

/** True for ops whose operands are only tested for truthiness or NaN-ness (no common dtype). */
function isPredicate(op: ElementwiseOp): boolean {
  return elementwiseOpRow(op).rule === "bool" && !COMPARISONS.has(op);
}

function isIntDType(dtype: DType): boolean {
  const kind = DTYPE_INFO[dtype].kind;
  return kind === "int" || kind === "uint";
}

/**
 * Builds one typed expression node `op(...operands)`, resolving dtypes as NumPy 2 does: the common
 * dtype of the operands (JS scalars weak, NEP 50), then the op's result rule. Throws at graph-build
 * time: {@link DTypeError} for unsupported dtypes (e.g. `subtract` of bools), {@link InvalidArgumentError}
 * for integer scalars that do not fit (`uint8 + 300`) and negative integer exponents.
 *
 * @example
 * ```ts
 * buildOp("add", [{ input: 0, dtype: "int8" }, { value: 3 }]);
 * // { op: "add", args: [{ in: 0 }, { const: 3, dtype: "int8" }], dtype: "int8" }
 * ```
 */
export function buildOp(
  op: ElementwiseOp,
  operands: readonly OperandSpec[],
  options: BuildOpOptions = {},
): OpExpr {
  if (!isElementwiseOp(op))
    throw new InvalidArgumentError(`Unknown elementwise operation. Got op=${fmt(op)}.`);
  const info = elementwiseOpRow(op);
  if (operands.length !== info.arity) {
    throw new InvalidArgumentError(
      `${info.ufunc} takes ${info.arity} operands. Got ${operands.length}, expected ${info.arity}.`,
    );
  }
  const names = options.names ?? operands.map((_, i) => `x${i + 1}`);
  const typeOf = (o: OperandSpec): DType | WeakScalar => ("input" in o ? o.dtype : (o.dtype ?? o.value));

  let common: DType;
  if (op === "astype") {
    if (!isDType(options.dtype)) {
      throw new DTypeError(`astype needs a target dtype. Got dtype=${fmt(options.dtype)}.`);
    }
    common = options.dtype;
  } else if (op === "where") {
    common = resultTypeOf(typeOf(operands[1]), typeOf(operands[2]));
  } else if (isPredicate(op)) {
    common = "bool"; // unused: operands keep their own dtypes
  } else {
    common = resultTypeOf(...operands.map(typeOf));
  }
  const dtype = opResultType(op, common);
  // The dtype NumPy's loop casts weak scalars to: true division and float functions of integers
  // run in float (so `int8 / 300` is fine), the rest in the common dtype.
  const rule = info.rule;
  const loop = rule === "trueDivide" || rule === "float" || rule === "sameBoolToInt8" ? dtype : common;

  const args = operands.map((o, i) => {
    if ("input" in o) return { in: o.input } satisfies InputExpr;
    const value = typeof o.value === "boolean" ? Number(o.value) : o.value;
    if (typeof value !== "number") {
      throw new InvalidArgumentError(`Operands must be arrays or numbers. Got ${names[i]}=${fmt(o.value)}.`);
    }
    if (o.dtype !== undefined) return { const: value, dtype: o.dtype } satisfies ConstExpr;
    return weakConst(op, value, typeof o.value === "boolean", loop, i, names[i]);
  });
  if (op === "power" && isIntDType(dtype)) {
    const e = operands[1];
    if (!("input" in e) && Number(e.value) < 0) {
      throw new InvalidArgumentError(
        `Integers to negative integer powers are not allowed. Got ${names[1]}=${fmt(e.value)} with dtype=${fmt(dtype)}. Cast to float first (astype(x, "float64")).`,
      );
    }
  }
  return { op, args, dtype };
}

/** A weak scalar as a const node: cast to the loop dtype, with NumPy 2's special cases. */
function weakConst(
  op: ElementwiseOp,
  value: number,
  isBool: boolean,
  loop: DType,
  index: number,
  name: string,
): ConstExpr {
  if (isPredicate(op)) return { const: value, dtype: isBool ? "bool" : "float64" };
  const outOfRange =
    isIntDType(loop) &&
    Number.isInteger(value) &&
    (value < DTYPE_INFO[loop].min || value > DTYPE_INFO[loop].max);
  if (outOfRange) {
    // NumPy 2 compares out-of-range Python integers exactly; float64 holds them exactly.
    if (COMPARISONS.has(op)) return { const: value, dtype: "float64" };
    // np.clip clamps out-of-range integer bounds to the dtype's range.
    if (op === "clip")
      return { const: Math.min(Math.max(value, DTYPE_INFO[loop].min), DTYPE_INFO[loop].max), dtype: loop };
    // np.where casts without checking (the value wraps).
    if (!(op === "where" && index > 0)) checkScalarFits(loop, value, name);
  }
  return { const: value, dtype: op === "where" && index === 0 ? (isBool ? "bool" : "float64") : loop };
}

/** The result dtype of an expression node (inputs need their dtypes). */
export function exprDType(expr: Expr, inputDTypes: readonly DType[]): DType {
  if ("in" in expr) return inputDTypes[expr.in];
  return expr.dtype;
}

/**
 * Builds `clip(x, min, max)` where either bound may be missing (`null`): the missing bound becomes
 * the identity for the common dtype (±Infinity for floats, the dtype's range for integers), so the
 * result dtype is NumPy's `result_type(x, given bounds)`.
 */
export function buildClip(x: OperandSpec, min: OperandSpec | null, max: OperandSpec | null): OpExpr {
  if (min === null && max === null) {
    throw new InvalidArgumentError("One of max or min must be given. Got min=null, max=null.");
  }
  const typeOf = (o: OperandSpec): DType | WeakScalar => ("input" in o ? o.dtype : (o.dtype ?? o.value));
  const common = resultTypeOf(...[x, min, max].filter((o): o is OperandSpec => o !== null).map(typeOf));
  const info = DTYPE_INFO[common];
  const bound = (o: OperandSpec | null, lower: boolean): OperandSpec =>
    o ??
    (info.kind === "float"
      ? { value: lower ? -Infinity : Infinity, dtype: common }
      : { value: lower ? info.min : info.max, dtype: common });
  return buildOp("clip", [x, bound(min, true), bound(max, false)], { names: ["a", "a_min", "a_max"] });
}
