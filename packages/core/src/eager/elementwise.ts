/**
 * Eager elementwise operations on {@link NDArray}s: the NumPy of \@chunked. Every function builds one
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
import { fmt, InvalidArgumentError } from "../errors.js";
import { evaluateExpr } from "../kernels/elementwise.js";
import { type BuildOpOptions, buildClip, buildOp, type OperandSpec, type OpExpr } from "../kernels/expr.js";
import { broadcastShapes } from "../ndarray/broadcast.js";
import { NDArray } from "../ndarray/ndarray.js";
import { type ElementwiseOp, type ElementwiseOpName, resolveElementwiseOp } from "../ops/elementwise.js";

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

/** Runs one elementwise op on in-memory arrays: what every generated `nd.<op>` wrapper calls. */
export function applyElementwise(
  op: ElementwiseOp,
  operands: readonly Operand[],
  options: BuildOpOptions = {},
): NDArray {
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
  return applyElementwise("where", [condition, x, y], { names: ["condition", "x", "y"] });
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
 * undefined in NumPy (platform-dependent); \@chunked gives 0 for NaN and ±inf and wraps other values
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
  return applyElementwise("astype", [x], { dtype, names: ["x"] }) as NDArray<D>;
}

/**
 * Applies any elementwise op by its id or an alias (`"floorDivide"`, `"floorDiv"`, ...), for code
 * that picks the op at run time. `clip` takes `[x, min, max]` with `null` bounds allowed; `astype` needs
 * `options.dtype`.
 *
 * @example
 * ```ts
 * elementwiseOp("floorDivide", [NDArray.from([7, -7]), 2]).toArray(); // [3, -4]
 * ```
 */
export function elementwiseOp(
  name: ElementwiseOpName,
  operands: readonly (Operand | null)[],
  options: { dtype?: DType } = {},
): NDArray {
  const op = resolveElementwiseOp(name);
  if (op === undefined) throw new InvalidArgumentError(`Unknown elementwise operation. Got op=${fmt(name)}.`);
  if (op === "clip") return clip(operands[0] as Operand, operands[1] ?? null, operands[2] ?? null);
  if (operands.includes(null))
    throw new InvalidArgumentError(`Only clip accepts null operands. Got op=${fmt(op)}.`);
  return applyElementwise(op, operands as Operand[], options);
}
