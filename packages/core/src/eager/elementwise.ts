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
import { BroadcastError, DTypeError, fmt, InvalidArgumentError } from "../errors.js";
import { type ElementwiseParams, evaluateExpr } from "../kernels/elementwise.js";
import { type BuildOpOptions, buildClip, buildOp, type OperandSpec, type OpExpr } from "../kernels/expr.js";
import { broadcastShapes } from "../ndarray/broadcast.js";
import { NDArray } from "../ndarray/ndarray.js";
import { type ElementwiseOp, type ElementwiseOpName, resolveElementwiseOp } from "../ops/elementwise.js";
import { collectWarnings, emitWarning, type WarningCategory } from "../warnings.js";

/** An operand of an eager elementwise operation: an array or a (weak) JS scalar. */
export type Operand = NDArray | number | boolean;

/** Options of the eager elementwise operations (`nd.add(a, b, { out })`). */
export interface UfuncOptions {
  /**
   * Where to write the result, as NumPy's `out=`; it is returned. It must have the result's dtype,
   * be C-contiguous, and have a shape the operands broadcast to. It may be an operand itself
   * (`nd.multiply(a, a, { out: a })` squares `a` in place); an operand that overlaps it in any
   * other way is copied first, as NumPy does, so the result and the warnings are those of a
   * fresh output. Reusing arrays saves the first writes to fresh memory, which cost an eager chain
   * on large arrays more than its arithmetic.
   *
   * **NumPy divergence:** NumPy also casts the result to another `out` dtype (`same_kind`) and
   * writes strided views; here either is an error.
   *
   * @example
   * ```ts
   * const d2 = nd.sum(nd.multiply(diff, diff, { out: diff }), { axis: -1 });
   * nd.divide(1, d2, { out: d2 }); // 1 / d2, in place
   * ```
   */
  readonly out?: NDArray;
}

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

function run(expr: OpExpr, r: Resolved, out?: NDArray): NDArray {
  if (out === undefined) {
    const shape = broadcastShapes(...r.shapes);
    return evaluateExpr({ expr, dtype: expr.dtype, shape }, r.inputs);
  }
  checkOut(out, expr.dtype, r.shapes);
  const params: ElementwiseParams = { expr, dtype: expr.dtype, shape: out.shape };
  const inPlace = r.inputs.some((a) => sameElements(a, out));
  const flat = r.inputs.every((a) => a.size === 1 || (a.isContiguous && a.size === out.size));
  // Inputs overlapping `out` other than element for element are copied first, as NumPy does.
  const inputs = r.inputs.map((a) =>
    overlaps(a, out) && !(inPlace && flat && sameElements(a, out)) ? a.copy() : a,
  );
  return inPlace && flat ? evaluateInPlace(params, inputs, out) : evaluateExpr(params, inputs, out);
}

function checkOut(out: NDArray, dtype: DType, shapes: readonly (readonly number[])[]): void {
  if (!(out instanceof NDArray))
    throw new InvalidArgumentError(`out must be an NDArray. Got out=${Object.prototype.toString.call(out)}.`);
  if (out.dtype !== dtype)
    throw new DTypeError(`out must have the result's dtype ${dtype}. Got out.dtype=${fmt(out.dtype)}.`);
  if (!out.isContiguous)
    throw new InvalidArgumentError(`out must be C-contiguous. Got out with strides=${fmt(out.strides)}.`);
  const shape = broadcastShapes(...shapes, out.shape);
  if (shape.length !== out.ndim || shape.some((n, i) => n !== out.shape[i]))
    throw new BroadcastError(
      `non-broadcastable output operand with shape ${fmt(out.shape)} doesn't match the broadcast shape ${fmt(shape)}. Got out.shape=${fmt(out.shape)}.`,
    );
}

/** The byte range a view's elements span in its buffer (start inclusive, end exclusive). */
function byteSpan(a: NDArray): [number, number] {
  if (a.size === 0) return [0, 0];
  let lo = a.offset;
  let hi = a.offset;
  for (let i = 0; i < a.ndim; i++) {
    const d = (a.shape[i] - 1) * a.strides[i];
    if (d < 0) lo += d;
    else hi += d;
  }
  const size = a.data.BYTES_PER_ELEMENT;
  return [a.data.byteOffset + lo * size, a.data.byteOffset + (hi + 1) * size];
}

function overlaps(a: NDArray, out: NDArray): boolean {
  if (a.data.buffer !== out.data.buffer) return false;
  const [a0, a1] = byteSpan(a);
  const [b0, b1] = byteSpan(out);
  return a0 < b1 && b0 < a1;
}

/** True when `a` is `out`'s elements in `out`'s order: element i is read where it is written. */
function sameElements(a: NDArray, out: NDArray): boolean {
  return (
    a.data.buffer === out.data.buffer &&
    a.dtype === out.dtype &&
    a.size === out.size &&
    a.isContiguous &&
    a.data.byteOffset + a.offset * a.data.BYTES_PER_ELEMENT ===
      out.data.byteOffset + out.offset * out.data.BYTES_PER_ELEMENT
  );
}

/** Elements per block of an in-place evaluation: its scratch output stays in the cache. */
const IN_PLACE_BLOCK = 1 << 14;

/**
 * Evaluates into `out` when an input is `out` itself (all inputs flat or scalar), block by block:
 * each block is computed into a scratch array and then copied over, so the warning checks, which
 * re-read the inputs, see them unchanged. Each distinct warning is reported once.
 */
function evaluateInPlace(params: ElementwiseParams, inputs: readonly NDArray[], out: NDArray): NDArray {
  const n = out.size;
  const scratch = NDArray.zeros(out.dtype, [Math.min(n, IN_PLACE_BLOCK)]);
  const warnings = new Map<string, [WarningCategory, string, string]>();
  collectWarnings(
    (category, message, op) => warnings.set(`${category}|${message}|${op}`, [category, message, op]),
    () => {
      for (let start = 0; start < n; start += IN_PLACE_BLOCK) {
        const len = Math.min(IN_PLACE_BLOCK, n - start);
        const views = inputs.map((a) =>
          a.size === 1
            ? new NDArray(a.dtype, a.data, [1], [1], a.offset)
            : new NDArray(a.dtype, a.data, [len], [1], a.offset + start),
        );
        const block =
          len === scratch.size ? scratch : new NDArray(out.dtype, scratch.data.subarray(0, len), [len]);
        evaluateExpr({ ...params, shape: [len] }, views, block);
        (out.data as Float64Array).set(block.data as Float64Array, out.offset + start);
      }
    },
  );
  for (const [category, message, op] of warnings.values()) emitWarning(category, message, op);
  return out;
}

/** Runs one elementwise op on in-memory arrays: what every generated `nd.<op>` wrapper calls. */
export function applyElementwise(
  op: ElementwiseOp,
  operands: readonly Operand[],
  options: BuildOpOptions & UfuncOptions = {},
): NDArray {
  const r = resolve(operands, options.names ?? []);
  return run(buildOp(op, r.specs as OperandSpec[], options), r, options.out);
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
 * clip(a, 0, 1, { out: a }); // in place
 * ```
 * @see numpy.clip
 */
export function clip(
  x: Operand,
  min: Operand | null,
  max: Operand | null,
  options: UfuncOptions = {},
): NDArray {
  const r = resolve([x, min, max], ["a", "a_min", "a_max"]);
  if (r.specs[0] === null)
    throw new InvalidArgumentError("clip needs an array or number to clip. Got a=null.");
  return run(buildClip(r.specs[0], r.specs[1], r.specs[2]), r, options.out);
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
