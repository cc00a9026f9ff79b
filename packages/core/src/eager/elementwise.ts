/**
 * Eager elementwise operations on {@link NDArray}s: the NumPy of @chunked. Every function builds one
 * expression node and runs it through the same compiled kernel as the lazy API (`elementwise.expr`),
 * so eager and lazy results are identical by construction.
 *
 * Operands are NDArrays or JS scalars; scalars are NEP 50 "weak" (an integer-valued number is a weak
 * int, any other number a weak float): `int8 array + 3` stays int8, `float32 array + 0.1` stays float32.
 *
 * **NumPy divergence:** there is no int64. Where NumPy returns int64 (int32 + uint32, bool + 1, two
 * JS numbers) the result is float64, exact to 2^53.
 */
import type { DType } from "../dtype/dtypes.js";
import type { ElementwiseOp } from "../dtype/promote.js";
import { fmt, InvalidArgumentError } from "../errors.js";
import { evaluateExpr } from "../kernels/elementwise.js";
import { type BuildOpOptions, buildClip, buildOp, type OperandSpec, type OpExpr } from "../kernels/expr.js";
import { broadcastShapes } from "../ndarray/broadcast.js";
import { NDArray } from "../ndarray/ndarray.js";

/** An operand of an eager elementwise operation: an array or a (weak) JS scalar. */
export type Operand = NDArray | number | boolean;

interface Resolved {
  /** One spec per operand, `null` where the operand is `null` (a missing clip bound). */
  readonly specs: (OperandSpec | null)[];
  readonly inputs: NDArray[];
  readonly shapes: (readonly number[])[];
}

function resolve(operands: readonly (Operand | null)[], names: readonly string[]): Resolved {
  const specs: (OperandSpec | null)[] = [];
  const inputs: NDArray[] = [];
  const shapes: (readonly number[])[] = [];
  operands.forEach((o, i) => {
    if (o === null) specs.push(null);
    else if (o instanceof NDArray) {
      let k = inputs.indexOf(o);
      if (k < 0) k = inputs.push(o) - 1;
      specs.push({ input: k, dtype: o.dtype });
      shapes.push(o.shape);
    } else if (typeof o === "number" || typeof o === "boolean") {
      specs.push({ value: o });
    } else {
      throw new InvalidArgumentError(
        `Operands must be NDArrays, numbers or booleans. Got ${names[i] ?? `x${i + 1}`}=${Object.prototype.toString.call(o)}.`,
      );
    }
  });
  return { specs, inputs, shapes };
}

function run(expr: OpExpr, r: Resolved): NDArray {
  const shape = broadcastShapes(...r.shapes);
  return evaluateExpr({ expr, dtype: expr.dtype, shape }, r.inputs);
}

function apply(op: ElementwiseOp, operands: readonly Operand[], options: BuildOpOptions = {}): NDArray {
  const r = resolve(operands, options.names ?? []);
  return run(buildOp(op, r.specs as OperandSpec[], options), r);
}

/**
 * Elements of `x` where `condition` is true, else of `y` (all three broadcast together). The
 * condition is tested for truthiness, so any dtype works; the result dtype is `result_type(x, y)`.
 *
 * @example
 * ```ts
 * const x = NDArray.from([1, 2, 3], { dtype: "int8" });
 * where(greater(x, 1), x, 0).toArray(); // [0, 2, 3] (int8)
 * ```
 * @see numpy.where
 */
export function where(condition: Operand, x: Operand, y: Operand): NDArray {
  return apply("where", [condition, x, y], { names: ["condition", "x", "y"] });
}

/**
 * Limits values to `[min, max]` (`minimum(maximum(x, min), max)`; NaN propagates). Either bound
 * may be `null`. Integer bounds outside an integer dtype's range are clamped to it, as NumPy 2 does.
 *
 * @example
 * ```ts
 * clip(NDArray.from([-5, 0.5, 7]), 0, 1).toArray(); // [0, 0.5, 1]
 * clip(NDArray.from([5, 200], { dtype: "uint8" }), null, 100).toArray(); // [5, 100] (uint8)
 * ```
 * @see numpy.clip
 */
export function clip(x: Operand, min: Operand | null, max: Operand | null): NDArray {
  const r = resolve([x, min, max], ["a", "a_min", "a_max"]);
  if (r.specs[0] === null)
    throw new InvalidArgumentError("clip needs an array or number to clip. Got a=null.");
  return run(buildClip(r.specs[0], r.specs[1], r.specs[2]), r);
}

/**
 * A copy of `x` cast to `dtype` with C cast semantics, as NumPy's `astype`: floats truncate toward
 * zero and wrap into integer dtypes, anything non-zero (and NaN) becomes `true`.
 *
 * **NumPy divergence:** casting NaN, ±inf or values outside the int32 range to an integer dtype is
 * undefined in NumPy (platform-dependent); @chunked gives 0 for NaN and ±inf and wraps other values
 * modulo 2^32 (JavaScript's ToInt32/ToUint32).
 *
 * @example
 * ```ts
 * astype(NDArray.from([300.7, -1.5, NaN]), "int8").toArray(); // [44, -1, 0]
 * astype(NDArray.from([0, NaN, 2]), "bool").toArray(); // [false, true, true]
 * ```
 * @see numpy.ndarray.astype
 */
export function astype<D extends DType>(x: Operand, dtype: D): NDArray<D> {
  return apply("astype", [x], { dtype, names: ["x"] }) as NDArray<D>;
}

/**
 * Applies any elementwise op by its expression name (`"add"`, `"floorDiv"`, ...), for code that picks
 * the op at run time. `clip` takes `[x, min, max]` with `null` bounds allowed; `astype` needs
 * `options.dtype`.
 *
 * @example
 * ```ts
 * elementwiseOp("floorDiv", [NDArray.from([7, -7]), 2]).toArray(); // [3, -4]
 * ```
 */
export function elementwiseOp(
  op: ElementwiseOp,
  operands: readonly (Operand | null)[],
  options: { dtype?: DType } = {},
): NDArray {
  if (op === "clip") return clip(operands[0] as Operand, operands[1] ?? null, operands[2] ?? null);
  if (operands.includes(null))
    throw new InvalidArgumentError(`Only clip accepts null operands. Got op=${fmt(op)}.`);
  return apply(op, operands as Operand[], options);
}

/**
 * Elementwise sum `x1 + x2`. Integers wrap on overflow; bool + bool is logical or.
 *
 * @example
 * ```ts
 * add(NDArray.from([100, 120], { dtype: "int8" }), 10).toArray(); // [110, -126] (int8 wraps)
 * ```
 * @see numpy.add
 */
export function add(x1: Operand, x2: Operand): NDArray {
  return apply("add", [x1, x2]);
}

/**
 * Elementwise difference `x1 - x2`. Two bool operands are rejected (use {@link logicalXor}).
 *
 * @example
 * ```ts
 * subtract(NDArray.from([0, 5], { dtype: "uint8" }), 1).toArray(); // [255, 4] (uint8 wraps)
 * ```
 * @see numpy.subtract
 */
export function subtract(x1: Operand, x2: Operand): NDArray {
  return apply("sub", [x1, x2]);
}

/**
 * Elementwise product `x1 * x2`. Integers wrap on overflow; bool * bool is logical and.
 *
 * @example
 * ```ts
 * multiply(NDArray.from([2.5, -1]), 4).toArray(); // [10, -4]
 * ```
 * @see numpy.multiply
 */
export function multiply(x1: Operand, x2: Operand): NDArray {
  return apply("mul", [x1, x2]);
}

/**
 * True division `x1 / x2`: integers and bool give float64, floats keep their dtype; division by zero gives ±inf or nan.
 *
 * @example
 * ```ts
 * divide(NDArray.from([1, -1, 0], { dtype: "int32" }), 0).toArray(); // [Infinity, -Infinity, NaN] (float64)
 * ```
 * @see numpy.divide
 */
export function divide(x1: Operand, x2: Operand): NDArray {
  return apply("div", [x1, x2]);
}

/**
 * Floor division `x1 // x2`, rounding toward -inf. Integer division by zero gives 0, as in NumPy.
 *
 * @example
 * ```ts
 * floorDivide(NDArray.from([7, -7, 7], { dtype: "int16" }), NDArray.from([2, 2, 0], { dtype: "int16" })).toArray(); // [3, -4, 0]
 * ```
 * @see numpy.floor_divide
 */
export function floorDivide(x1: Operand, x2: Operand): NDArray {
  return apply("floorDiv", [x1, x2]);
}

/**
 * Remainder with the sign of the divisor (Python's `%`). Integer modulo by zero gives 0; float modulo by zero gives nan.
 *
 * @example
 * ```ts
 * mod(NDArray.from([7, -7, 7.5]), -2).toArray(); // [-1, -1, -0.5]
 * ```
 * @see numpy.mod
 */
export function mod(x1: Operand, x2: Operand): NDArray {
  return apply("mod", [x1, x2]);
}

/**
 * `x1 ** x2`. Integer powers wrap on overflow; negative integer exponents throw (a negative scalar exponent at graph build, a negative array element at compute).
 *
 * @example
 * ```ts
 * power(NDArray.from([2, 3], { dtype: "int8" }), 7).toArray(); // [-128, -117] (int8 wraps)
 * ```
 * @see numpy.power
 */
export function power(x1: Operand, x2: Operand): NDArray {
  return apply("pow", [x1, x2]);
}

/**
 * Elementwise arc tangent of `x1 / x2`, choosing the quadrant from both signs.
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * arctan2(NDArray.from([1, -1]), -1).toArray(); // [2.356..., -2.356...]
 * ```
 * @see numpy.arctan2
 */
export function arctan2(x1: Operand, x2: Operand): NDArray {
  return apply("arctan2", [x1, x2]);
}

/**
 * Elementwise maximum; a NaN in either operand gives NaN.
 *
 * @example
 * ```ts
 * maximum(NDArray.from([1, NaN, 5]), 3).toArray(); // [3, NaN, 5]
 * ```
 * @see numpy.maximum
 */
export function maximum(x1: Operand, x2: Operand): NDArray {
  return apply("maximum", [x1, x2]);
}

/**
 * Elementwise minimum; a NaN in either operand gives NaN.
 *
 * @example
 * ```ts
 * minimum(NDArray.from([1, NaN, 5]), 3).toArray(); // [1, NaN, 3]
 * ```
 * @see numpy.minimum
 */
export function minimum(x1: Operand, x2: Operand): NDArray {
  return apply("minimum", [x1, x2]);
}

/**
 * Elementwise `x1 == x2` (NaN is never equal).
 *
 * @example
 * ```ts
 * equal(NDArray.from([0.1, 0.2], { dtype: "float32" }), 0.1).toArray(); // [true, false] (0.1 is rounded to float32 first)
 * ```
 * @see numpy.equal
 */
export function equal(x1: Operand, x2: Operand): NDArray<"bool"> {
  return apply("equal", [x1, x2]) as NDArray<"bool">;
}

/**
 * Elementwise `x1 != x2` (true where either is NaN).
 *
 * @example
 * ```ts
 * notEqual(NDArray.from([1, NaN]), NaN).toArray(); // [true, true]
 * ```
 * @see numpy.not_equal
 */
export function notEqual(x1: Operand, x2: Operand): NDArray<"bool"> {
  return apply("notEqual", [x1, x2]) as NDArray<"bool">;
}

/**
 * Elementwise `x1 < x2`.
 *
 * @example
 * ```ts
 * less(NDArray.from([1, 200], { dtype: "uint8" }), 300).toArray(); // [true, true] (out-of-range integers compare exactly)
 * ```
 * @see numpy.less
 */
export function less(x1: Operand, x2: Operand): NDArray<"bool"> {
  return apply("less", [x1, x2]) as NDArray<"bool">;
}

/**
 * Elementwise `x1 <= x2`.
 *
 * @example
 * ```ts
 * lessEqual(NDArray.from([1, 2, 3]), 2).toArray(); // [true, true, false]
 * ```
 * @see numpy.less_equal
 */
export function lessEqual(x1: Operand, x2: Operand): NDArray<"bool"> {
  return apply("lessEqual", [x1, x2]) as NDArray<"bool">;
}

/**
 * Elementwise `x1 > x2`.
 *
 * @example
 * ```ts
 * greater(NDArray.from([1, NaN, 3]), 2).toArray(); // [false, false, true]
 * ```
 * @see numpy.greater
 */
export function greater(x1: Operand, x2: Operand): NDArray<"bool"> {
  return apply("greater", [x1, x2]) as NDArray<"bool">;
}

/**
 * Elementwise `x1 >= x2`.
 *
 * @example
 * ```ts
 * greaterEqual(NDArray.from([1, 2, 3]), 2).toArray(); // [false, true, true]
 * ```
 * @see numpy.greater_equal
 */
export function greaterEqual(x1: Operand, x2: Operand): NDArray<"bool"> {
  return apply("greaterEqual", [x1, x2]) as NDArray<"bool">;
}

/**
 * Elementwise truth of `x1 and x2` for any dtypes (non-zero and NaN are true).
 *
 * @example
 * ```ts
 * logicalAnd(NDArray.from([0, 1, NaN]), true).toArray(); // [false, true, true]
 * ```
 * @see numpy.logical_and
 */
export function logicalAnd(x1: Operand, x2: Operand): NDArray<"bool"> {
  return apply("logicalAnd", [x1, x2]) as NDArray<"bool">;
}

/**
 * Elementwise truth of `x1 or x2` for any dtypes (non-zero and NaN are true).
 *
 * @example
 * ```ts
 * logicalOr(NDArray.from([0, 0, 2]), NDArray.from([0, 1, 0])).toArray(); // [false, true, true]
 * ```
 * @see numpy.logical_or
 */
export function logicalOr(x1: Operand, x2: Operand): NDArray<"bool"> {
  return apply("logicalOr", [x1, x2]) as NDArray<"bool">;
}

/**
 * Elementwise truth of `x1 xor x2` for any dtypes (non-zero and NaN are true).
 *
 * @example
 * ```ts
 * logicalXor(NDArray.from([0, 1, 1]), NDArray.from([0, 0, 1])).toArray(); // [false, true, false]
 * ```
 * @see numpy.logical_xor
 */
export function logicalXor(x1: Operand, x2: Operand): NDArray<"bool"> {
  return apply("logicalXor", [x1, x2]) as NDArray<"bool">;
}

/**
 * Elementwise `not x` for any dtype (non-zero and NaN are true).
 *
 * @example
 * ```ts
 * logicalNot(NDArray.from([0, 2, NaN])).toArray(); // [true, false, false]
 * ```
 * @see numpy.logical_not
 */
export function logicalNot(x: Operand): NDArray<"bool"> {
  return apply("logicalNot", [x]) as NDArray<"bool">;
}

/**
 * Elementwise `-x`. Integers wrap (`-(-128)` is -128 in int8); bool is rejected (use {@link logicalNot}).
 *
 * @example
 * ```ts
 * negative(NDArray.from([-128, 5], { dtype: "int8" })).toArray(); // [-128, -5]
 * ```
 * @see numpy.negative
 */
export function negative(x: Operand): NDArray {
  return apply("neg", [x]);
}

/**
 * Elementwise absolute value. Integers wrap (`abs(-128)` is -128 in int8).
 *
 * @example
 * ```ts
 * abs(NDArray.from([-1.5, 2])).toArray(); // [1.5, 2]
 * ```
 * @see numpy.absolute
 */
export function abs(x: Operand): NDArray {
  return apply("abs", [x]);
}

/**
 * Elementwise `x * x` in the input dtype (integers wrap; bool gives int8).
 *
 * @example
 * ```ts
 * square(NDArray.from([3, 20], { dtype: "int8" })).toArray(); // [9, -112]
 * ```
 * @see numpy.square
 */
export function square(x: Operand): NDArray {
  return apply("square", [x]);
}

/**
 * Elementwise `1 / x` in the input dtype (integers truncate toward zero, as NumPy's C division).
 *
 * **NumPy divergence:** the integer reciprocal of 0 is undefined in NumPy (INT_MIN on x86); @chunked returns 0.
 *
 * @example
 * ```ts
 * reciprocal(NDArray.from([2, 0.5, 0])).toArray(); // [0.5, 2, Infinity]
 * ```
 * @see numpy.reciprocal
 */
export function reciprocal(x: Operand): NDArray {
  return apply("reciprocal", [x]);
}

/**
 * Elementwise sign: -1, 0 or 1 in the input dtype (NaN stays NaN). Bool is rejected.
 *
 * @example
 * ```ts
 * sign(NDArray.from([-2, 0, 3, NaN])).toArray(); // [-1, 0, 1, NaN]
 * ```
 * @see numpy.sign
 */
export function sign(x: Operand): NDArray {
  return apply("sign", [x]);
}

/**
 * Elementwise square root (negative inputs give NaN).
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * sqrt(NDArray.from([4, 2], { dtype: "int32" })).toArray(); // [2, 1.414...] (float64)
 * ```
 * @see numpy.sqrt
 */
export function sqrt(x: Operand): NDArray {
  return apply("sqrt", [x]);
}

/**
 * Elementwise `e ** x`.
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * exp(NDArray.from([0, 1])).toArray(); // [1, 2.718...]
 * ```
 * @see numpy.exp
 */
export function exp(x: Operand): NDArray {
  return apply("exp", [x]);
}

/**
 * Elementwise natural logarithm (0 gives -inf, negatives NaN).
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * log(NDArray.from([1, 0, -1])).toArray(); // [0, -Infinity, NaN]
 * ```
 * @see numpy.log
 */
export function log(x: Operand): NDArray {
  return apply("log", [x]);
}

/**
 * Elementwise `log(1 + x)`, accurate for small `x`.
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * log1p(NDArray.from([1e-10])).toArray(); // [9.999999999500001e-11]
 * ```
 * @see numpy.log1p
 */
export function log1p(x: Operand): NDArray {
  return apply("log1p", [x]);
}

/**
 * Elementwise `exp(x) - 1`, accurate for small `x`.
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * expm1(NDArray.from([1e-10])).toArray(); // [1.00000000005e-10]
 * ```
 * @see numpy.expm1
 */
export function expm1(x: Operand): NDArray {
  return apply("expm1", [x]);
}

/**
 * Elementwise sine (radians).
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * sin(NDArray.from([0, Math.PI / 2])).toArray(); // [0, 1]
 * ```
 * @see numpy.sin
 */
export function sin(x: Operand): NDArray {
  return apply("sin", [x]);
}

/**
 * Elementwise cosine (radians).
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * cos(NDArray.from([0])).toArray(); // [1]
 * ```
 * @see numpy.cos
 */
export function cos(x: Operand): NDArray {
  return apply("cos", [x]);
}

/**
 * Elementwise tangent (radians).
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * tan(NDArray.from([0])).toArray(); // [0]
 * ```
 * @see numpy.tan
 */
export function tan(x: Operand): NDArray {
  return apply("tan", [x]);
}

/**
 * Elementwise inverse sine (NaN outside [-1, 1]).
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * arcsin(NDArray.from([1])).toArray(); // [1.5707...]
 * ```
 * @see numpy.arcsin
 */
export function arcsin(x: Operand): NDArray {
  return apply("arcsin", [x]);
}

/**
 * Elementwise inverse cosine (NaN outside [-1, 1]).
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * arccos(NDArray.from([1])).toArray(); // [0]
 * ```
 * @see numpy.arccos
 */
export function arccos(x: Operand): NDArray {
  return apply("arccos", [x]);
}

/**
 * Elementwise inverse tangent.
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * arctan(NDArray.from([1])).toArray(); // [0.7853...]
 * ```
 * @see numpy.arctan
 */
export function arctan(x: Operand): NDArray {
  return apply("arctan", [x]);
}

/**
 * Elementwise hyperbolic sine.
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * sinh(NDArray.from([0])).toArray(); // [0]
 * ```
 * @see numpy.sinh
 */
export function sinh(x: Operand): NDArray {
  return apply("sinh", [x]);
}

/**
 * Elementwise hyperbolic cosine.
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * cosh(NDArray.from([0])).toArray(); // [1]
 * ```
 * @see numpy.cosh
 */
export function cosh(x: Operand): NDArray {
  return apply("cosh", [x]);
}

/**
 * Elementwise hyperbolic tangent.
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * tanh(NDArray.from([Infinity])).toArray(); // [1]
 * ```
 * @see numpy.tanh
 */
export function tanh(x: Operand): NDArray {
  return apply("tanh", [x]);
}

/**
 * Elementwise floor (toward -inf); integers and bool are returned unchanged in their dtype.
 *
 * @example
 * ```ts
 * floor(NDArray.from([-1.5, 1.5])).toArray(); // [-2, 1]
 * ```
 * @see numpy.floor
 */
export function floor(x: Operand): NDArray {
  return apply("floor", [x]);
}

/**
 * Elementwise ceiling (toward +inf); integers and bool are returned unchanged in their dtype.
 *
 * @example
 * ```ts
 * ceil(NDArray.from([-1.5, 1.5])).toArray(); // [-1, 2]
 * ```
 * @see numpy.ceil
 */
export function ceil(x: Operand): NDArray {
  return apply("ceil", [x]);
}

/**
 * Elementwise rounding to the nearest integer, halves to even (`np.round` with `decimals=0`); integers are unchanged.
 *
 * **NumPy divergence:** NumPy rounds bool to float16; @chunked returns float32.
 *
 * @example
 * ```ts
 * round(NDArray.from([0.5, 1.5, 2.5, -0.5])).toArray(); // [0, 2, 2, -0]
 * ```
 * @see numpy.round
 */
export function round(x: Operand): NDArray {
  return apply("round", [x]);
}

/**
 * Elementwise test for NaN (always false for integers and bool).
 *
 * @example
 * ```ts
 * isnan(NDArray.from([1, NaN])).toArray(); // [false, true]
 * ```
 * @see numpy.isnan
 */
export function isnan(x: Operand): NDArray<"bool"> {
  return apply("isnan", [x]) as NDArray<"bool">;
}

/**
 * Elementwise test for finite values (not NaN, not ±inf).
 *
 * @example
 * ```ts
 * isfinite(NDArray.from([1, NaN, -Infinity])).toArray(); // [true, false, false]
 * ```
 * @see numpy.isfinite
 */
export function isfinite(x: Operand): NDArray<"bool"> {
  return apply("isfinite", [x]) as NDArray<"bool">;
}

/**
 * Elementwise test for ±inf.
 *
 * @example
 * ```ts
 * isinf(NDArray.from([1, NaN, -Infinity])).toArray(); // [false, false, true]
 * ```
 * @see numpy.isinf
 */
export function isinf(x: Operand): NDArray<"bool"> {
  return apply("isinf", [x]) as NDArray<"bool">;
}
