/**
 * Lazy elementwise operations on {@link ChunkedArray}s, with NumPy broadcasting at the block level
 * (dask's `blockwise`): axes are aligned from the right, length-1 axes broadcast, and operands whose
 * blocks do not line up are rechunked to their common refinement first (`unifyChunks`).
 *
 * Each operation adds one layer of `elementwise.expr` tasks (one per output block) whose expression
 * is just this op over its inputs; the optimizer fuses chains of them into one task per block.
 * In-memory {@link NDArray} operands become `core.literal` blocks chunked like the result; size-1
 * arrays and JS scalars become constants of the expression. The result dtype (NumPy 2 promotion,
 * NEP 50 weak scalars) is known before compute, and unsupported dtypes throw at graph build.
 *
 * **NumPy divergence:** there is no int64. Where NumPy returns int64 (int32 + uint32, bool + 1) the
 * result is float64, exact to 2^53.
 */
import { DTYPES, type DType, isDType } from "../dtype/dtypes.js";
import { ELEMENTWISE_OPS, type ElementwiseOp } from "../dtype/promote.js";
import { DTypeError, fmt, InvalidArgumentError, UnknownChunksError } from "../errors.js";
import { blockKey, type Task } from "../graph/task.js";
import { tokenize } from "../graph/tokenize.js";
import "../kernels/elementwise.js";
import {
  type BuildOpOptions,
  buildClip,
  buildOp,
  type ElementwiseParams,
  type OperandSpec,
  type OpExpr,
} from "../kernels/expr.js";
import { broadcastShapes } from "../ndarray/broadcast.js";
import { NDArray } from "../ndarray/ndarray.js";
import { blockIndices, ChunkedArray } from "./chunked-array.js";
import { fromArray } from "./creation.js";
import { UNKNOWN_CHUNKS_FIX, unifyChunks } from "./rechunk.js";

/** An operand of a lazy elementwise operation: a chunked array, an in-memory array, or a (weak) JS scalar. */
export type LazyOperand = ChunkedArray | NDArray | number | boolean;

/**
 * Builds the layer of `op` over `operands` (`null` only for a missing clip bound). `build` makes the
 * expression node from one spec per operand.
 */
function blockwise(
  opName: string,
  operands: readonly (LazyOperand | null)[],
  names: readonly string[],
  build: (specs: (OperandSpec | null)[]) => OpExpr,
): ChunkedArray {
  // 1. Classify; the result shape comes from every array-like operand.
  const shapes: (readonly number[])[] = [];
  for (const [i, o] of operands.entries()) {
    if (o instanceof ChunkedArray || o instanceof NDArray) shapes.push(o.shape);
    else if (o !== null && typeof o !== "number" && typeof o !== "boolean") {
      throw new InvalidArgumentError(
        `Operands must be ChunkedArrays, NDArrays, numbers or booleans. Got ${names[i]}=${Object.prototype.toString.call(o)}.`,
      );
    }
  }
  const shape = broadcastShapes(...shapes);
  const nd = shape.length;

  // 2. Line up the blocks of the chunked operands.
  const chunked = operands.filter((o): o is ChunkedArray => o instanceof ChunkedArray);
  const unified = chunked.length ? unifyChunks(...chunked) : { chunks: [], arrays: [] };
  const byOriginal = new Map<ChunkedArray, ChunkedArray>(chunked.map((a, i) => [a, unified.arrays[i]]));
  const uLead = nd - unified.chunks.length;
  const chunks: number[][] = shape.map((n, ax) => {
    const j = ax - uLead;
    const c = j >= 0 ? unified.chunks[j] : undefined;
    // Axes no chunked operand spans (or only with length 1) are one block.
    return c && !(c.length === 1 && c[0] === 1 && n !== 1) ? [...c] : [n];
  });

  // 3. Inputs (deduplicated by layer name) and one spec per operand.
  const inputs: ChunkedArray[] = [];
  const inputOf = (a: ChunkedArray): number => {
    let k = inputs.findIndex((b) => b.name === a.name);
    if (k < 0) k = inputs.push(a) - 1;
    return k;
  };
  const specs = operands.map((o): OperandSpec | null => {
    if (o === null) return null;
    if (typeof o === "number" || typeof o === "boolean") return { value: o };
    if (o instanceof NDArray) {
      if (o.size === 1) return { value: o.data[o.offset] as number, dtype: o.dtype };
      const lead = nd - o.ndim;
      const c = o.shape.map((n, j) => (n === 1 ? [1] : chunks[j + lead]));
      if (c.some((axis) => axis.some(Number.isNaN))) {
        throw new UnknownChunksError(
          `Cannot align an in-memory array with blocks of unknown size. Got chunks=${fmt(chunks)}. ${UNKNOWN_CHUNKS_FIX}`,
        );
      }
      const a = fromArray(o, { chunks: c });
      return { input: inputOf(a), dtype: a.dtype };
    }
    const a = byOriginal.get(o)!;
    return { input: inputOf(a), dtype: a.dtype };
  });
  const expr = build(specs);
  const dtype = expr.dtype;

  // 4. One task per output block.
  const name = `${opName}-${tokenize(
    "elementwise",
    inputs.map((a) => a.name),
    expr,
    chunks,
  )}`;
  const tasks: Task[] = [];
  for (const idx of blockIndices(chunks.map((c) => c.length))) {
    const deps = inputs.map((a) => {
      const lead = nd - a.ndim;
      return a.key(a.chunks.map((c, j) => (c.length === 1 ? 0 : idx[j + lead])));
    });
    const params: ElementwiseParams = { expr, dtype, shape: idx.map((b, ax) => chunks[ax][b]) };
    tasks.push({ key: blockKey(name, idx), op: "elementwise.expr", deps, params: params as any });
  }
  return ChunkedArray.fromLayer(
    { name, tasks, dependencies: [...new Set(inputs.map((a) => a.name))] },
    inputs,
    chunks,
    dtype,
  );
}

function elementwise(
  op: ElementwiseOp,
  operands: readonly LazyOperand[],
  options: BuildOpOptions = {},
): ChunkedArray {
  const names = options.names ?? operands.map((_, i) => `x${i + 1}`);
  return blockwise(ELEMENTWISE_OPS[op].numpyName, operands, names, (specs) =>
    buildOp(op, specs as OperandSpec[], { ...options, names }),
  );
}

/**
 * Elements of `x` where `condition` is true, else of `y`, all three broadcast together block by
 * block. The condition is tested for truthiness (any dtype); the result dtype is `result_type(x, y)`.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([-1, 2, -3, 4]), { chunks: 2 });
 * const y = ca.where(ca.greater(x, 0), x, 0); // negative values replaced by 0
 * ```
 * @see numpy.where, dask.array.where
 */
export function where(condition: LazyOperand, x: LazyOperand, y: LazyOperand): ChunkedArray {
  return elementwise("where", [condition, x, y], { names: ["condition", "x", "y"] });
}

/**
 * Limits values to `[min, max]` (`minimum(maximum(x, min), max)`; NaN propagates). Either bound may
 * be `null`; bounds may be scalars or arrays that broadcast against `x`. Integer bounds outside an
 * integer dtype's range are clamped to it, as NumPy 2 does.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([-5, 0.5, 7, 2]), { chunks: 2 });
 * const y = ca.clip(x, 0, 1);
 * ```
 * @see numpy.clip, dask.array.clip
 */
export function clip(x: LazyOperand, min: LazyOperand | null, max: LazyOperand | null): ChunkedArray {
  return blockwise("clip", [x, min, max], ["a", "a_min", "a_max"], ([a, lo, hi]) => {
    if (a === null) throw new InvalidArgumentError("clip needs an array or number to clip. Got a=null.");
    return buildClip(a, lo, hi);
  });
}

/**
 * `x` cast to `dtype` with C cast semantics, as NumPy's `astype` (floats truncate toward zero and
 * wrap into integer dtypes; non-zero and NaN become `true`). Returns `x` itself when it already has
 * that dtype, as dask does.
 *
 * **NumPy divergence:** casting NaN, ±inf or values outside the int32 range to an integer dtype is
 * undefined in NumPy (platform-dependent); @chunked gives 0 for NaN and ±inf and wraps other values
 * modulo 2^32.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1.7, -1.7, 300]), { chunks: 2 });
 * const y = ca.astype(x, "int8"); // [1, -1, 44] once computed
 * ```
 * @see numpy.ndarray.astype, dask.array.Array.astype
 */
export function astype<D extends DType>(x: LazyOperand, dtype: D): ChunkedArray<D> {
  if (!isDType(dtype)) {
    const hint =
      dtype === "int64" || dtype === "uint64"
        ? " @chunked has no 64-bit integers: use float64 (exact to 2**53) or int32."
        : "";
    throw new DTypeError(
      `astype: unknown dtype. Got dtype=${fmt(dtype)}, expected one of ${DTYPES.join(", ")}.${hint}`,
    );
  }
  if (x instanceof ChunkedArray && x.dtype === dtype) return x as ChunkedArray<D>;
  return elementwise("astype", [x], { dtype, names: ["x"] }) as ChunkedArray<D>;
}

/**
 * Applies any elementwise op by its expression name (`"add"`, `"floorDiv"`, ...), for code that
 * picks the op at run time (golden tests, method tables). `clip` takes `[x, min, max]` with
 * `null` bounds allowed; `astype` needs `options.dtype`.
 *
 * @example
 * ```ts
 * const y = ca.elementwiseOp("floorDiv", [x, 2]);
 * ```
 */
export function elementwiseOp(
  op: ElementwiseOp,
  operands: readonly (LazyOperand | null)[],
  options: { dtype?: DType } = {},
): ChunkedArray {
  if (op === "clip") return clip(operands[0] as LazyOperand, operands[1] ?? null, operands[2] ?? null);
  if (operands.includes(null))
    throw new InvalidArgumentError(`Only clip accepts null operands. Got op=${fmt(op)}.`);
  return elementwise(op, operands as LazyOperand[], options);
}

/**
 * Elementwise sum `x1 + x2`. Integers wrap on overflow; bool + bool is logical or. Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.add(x, 2); // one task per block, fused with neighbours at compute
 * ```
 * @see numpy.add, dask.array.add
 */
export function add(x1: LazyOperand, x2: LazyOperand): ChunkedArray {
  return elementwise("add", [x1, x2]);
}

/**
 * Elementwise difference `x1 - x2`. Two bool operands are rejected (use {@link logicalXor}). Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.subtract(x, 2); // one task per block, fused with neighbours at compute
 * ```
 * @see numpy.subtract, dask.array.subtract
 */
export function subtract(x1: LazyOperand, x2: LazyOperand): ChunkedArray {
  return elementwise("sub", [x1, x2]);
}

/**
 * Elementwise product `x1 * x2`. Integers wrap on overflow; bool * bool is logical and. Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.multiply(x, 2); // one task per block, fused with neighbours at compute
 * ```
 * @see numpy.multiply, dask.array.multiply
 */
export function multiply(x1: LazyOperand, x2: LazyOperand): ChunkedArray {
  return elementwise("mul", [x1, x2]);
}

/**
 * True division `x1 / x2`: integers and bool give float64, floats keep their dtype; division by zero gives ±inf or nan. Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.divide(x, 2); // one task per block, fused with neighbours at compute
 * ```
 * @see numpy.divide, dask.array.divide
 */
export function divide(x1: LazyOperand, x2: LazyOperand): ChunkedArray {
  return elementwise("div", [x1, x2]);
}

/**
 * Floor division `x1 // x2`, rounding toward -inf. Integer division by zero gives 0, as in NumPy. Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.floorDivide(x, 2); // one task per block, fused with neighbours at compute
 * ```
 * @see numpy.floor_divide, dask.array.floor_divide
 */
export function floorDivide(x1: LazyOperand, x2: LazyOperand): ChunkedArray {
  return elementwise("floorDiv", [x1, x2]);
}

/**
 * Remainder with the sign of the divisor (Python's `%`). Integer modulo by zero gives 0; float modulo by zero gives nan. Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.mod(x, 2); // one task per block, fused with neighbours at compute
 * ```
 * @see numpy.mod, dask.array.mod
 */
export function mod(x1: LazyOperand, x2: LazyOperand): ChunkedArray {
  return elementwise("mod", [x1, x2]);
}

/**
 * `x1 ** x2`. Integer powers wrap on overflow; negative integer exponents throw (a negative scalar exponent at graph build, a negative array element at compute). Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.power(x, 2); // one task per block, fused with neighbours at compute
 * ```
 * @see numpy.power, dask.array.power
 */
export function power(x1: LazyOperand, x2: LazyOperand): ChunkedArray {
  return elementwise("pow", [x1, x2]);
}

/**
 * Elementwise arc tangent of `x1 / x2`, choosing the quadrant from both signs. Lazy: one `elementwise.expr` task per output block.
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.arctan2(x, 2); // one task per block, fused with neighbours at compute
 * ```
 * @see numpy.arctan2, dask.array.arctan2
 */
export function arctan2(x1: LazyOperand, x2: LazyOperand): ChunkedArray {
  return elementwise("arctan2", [x1, x2]);
}

/**
 * Elementwise maximum; a NaN in either operand gives NaN. Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.maximum(x, 2); // one task per block, fused with neighbours at compute
 * ```
 * @see numpy.maximum, dask.array.maximum
 */
export function maximum(x1: LazyOperand, x2: LazyOperand): ChunkedArray {
  return elementwise("maximum", [x1, x2]);
}

/**
 * Elementwise minimum; a NaN in either operand gives NaN. Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.minimum(x, 2); // one task per block, fused with neighbours at compute
 * ```
 * @see numpy.minimum, dask.array.minimum
 */
export function minimum(x1: LazyOperand, x2: LazyOperand): ChunkedArray {
  return elementwise("minimum", [x1, x2]);
}

/**
 * Elementwise `x1 == x2` (NaN is never equal). Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.equal(x, 2); // one task per block, fused with neighbours at compute
 * ```
 * @see numpy.equal, dask.array.equal
 */
export function equal(x1: LazyOperand, x2: LazyOperand): ChunkedArray<"bool"> {
  return elementwise("equal", [x1, x2]) as ChunkedArray<"bool">;
}

/**
 * Elementwise `x1 != x2` (true where either is NaN). Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.notEqual(x, 2); // one task per block, fused with neighbours at compute
 * ```
 * @see numpy.not_equal, dask.array.not_equal
 */
export function notEqual(x1: LazyOperand, x2: LazyOperand): ChunkedArray<"bool"> {
  return elementwise("notEqual", [x1, x2]) as ChunkedArray<"bool">;
}

/**
 * Elementwise `x1 < x2`. Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.less(x, 2); // one task per block, fused with neighbours at compute
 * ```
 * @see numpy.less, dask.array.less
 */
export function less(x1: LazyOperand, x2: LazyOperand): ChunkedArray<"bool"> {
  return elementwise("less", [x1, x2]) as ChunkedArray<"bool">;
}

/**
 * Elementwise `x1 <= x2`. Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.lessEqual(x, 2); // one task per block, fused with neighbours at compute
 * ```
 * @see numpy.less_equal, dask.array.less_equal
 */
export function lessEqual(x1: LazyOperand, x2: LazyOperand): ChunkedArray<"bool"> {
  return elementwise("lessEqual", [x1, x2]) as ChunkedArray<"bool">;
}

/**
 * Elementwise `x1 > x2`. Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.greater(x, 2); // one task per block, fused with neighbours at compute
 * ```
 * @see numpy.greater, dask.array.greater
 */
export function greater(x1: LazyOperand, x2: LazyOperand): ChunkedArray<"bool"> {
  return elementwise("greater", [x1, x2]) as ChunkedArray<"bool">;
}

/**
 * Elementwise `x1 >= x2`. Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.greaterEqual(x, 2); // one task per block, fused with neighbours at compute
 * ```
 * @see numpy.greater_equal, dask.array.greater_equal
 */
export function greaterEqual(x1: LazyOperand, x2: LazyOperand): ChunkedArray<"bool"> {
  return elementwise("greaterEqual", [x1, x2]) as ChunkedArray<"bool">;
}

/**
 * Elementwise truth of `x1 and x2` for any dtypes (non-zero and NaN are true). Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.logicalAnd(x, 2); // one task per block, fused with neighbours at compute
 * ```
 * @see numpy.logical_and, dask.array.logical_and
 */
export function logicalAnd(x1: LazyOperand, x2: LazyOperand): ChunkedArray<"bool"> {
  return elementwise("logicalAnd", [x1, x2]) as ChunkedArray<"bool">;
}

/**
 * Elementwise truth of `x1 or x2` for any dtypes (non-zero and NaN are true). Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.logicalOr(x, 2); // one task per block, fused with neighbours at compute
 * ```
 * @see numpy.logical_or, dask.array.logical_or
 */
export function logicalOr(x1: LazyOperand, x2: LazyOperand): ChunkedArray<"bool"> {
  return elementwise("logicalOr", [x1, x2]) as ChunkedArray<"bool">;
}

/**
 * Elementwise truth of `x1 xor x2` for any dtypes (non-zero and NaN are true). Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.logicalXor(x, 2); // one task per block, fused with neighbours at compute
 * ```
 * @see numpy.logical_xor, dask.array.logical_xor
 */
export function logicalXor(x1: LazyOperand, x2: LazyOperand): ChunkedArray<"bool"> {
  return elementwise("logicalXor", [x1, x2]) as ChunkedArray<"bool">;
}

/**
 * Elementwise `not x` for any dtype (non-zero and NaN are true). Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.logicalNot(x);
 * ```
 * @see numpy.logical_not, dask.array.logical_not
 */
export function logicalNot(x: LazyOperand): ChunkedArray<"bool"> {
  return elementwise("logicalNot", [x]) as ChunkedArray<"bool">;
}

/**
 * Elementwise `-x`. Integers wrap (`-(-128)` is -128 in int8); bool is rejected (use {@link logicalNot}). Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.negative(x);
 * ```
 * @see numpy.negative, dask.array.negative
 */
export function negative(x: LazyOperand): ChunkedArray {
  return elementwise("neg", [x]);
}

/**
 * Elementwise absolute value. Integers wrap (`abs(-128)` is -128 in int8). Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.abs(x);
 * ```
 * @see numpy.absolute, dask.array.absolute
 */
export function abs(x: LazyOperand): ChunkedArray {
  return elementwise("abs", [x]);
}

/**
 * Elementwise `x * x` in the input dtype (integers wrap; bool gives int8). Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.square(x);
 * ```
 * @see numpy.square, dask.array.square
 */
export function square(x: LazyOperand): ChunkedArray {
  return elementwise("square", [x]);
}

/**
 * Elementwise `1 / x` in the input dtype (integers truncate toward zero, as NumPy's C division). Lazy: one `elementwise.expr` task per output block.
 *
 * **NumPy divergence:** the integer reciprocal of 0 is undefined in NumPy (INT_MIN on x86); @chunked returns 0.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.reciprocal(x);
 * ```
 * @see numpy.reciprocal, dask.array.reciprocal
 */
export function reciprocal(x: LazyOperand): ChunkedArray {
  return elementwise("reciprocal", [x]);
}

/**
 * Elementwise sign: -1, 0 or 1 in the input dtype (NaN stays NaN). Bool is rejected. Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.sign(x);
 * ```
 * @see numpy.sign, dask.array.sign
 */
export function sign(x: LazyOperand): ChunkedArray {
  return elementwise("sign", [x]);
}

/**
 * Elementwise square root (negative inputs give NaN). Lazy: one `elementwise.expr` task per output block.
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.sqrt(x);
 * ```
 * @see numpy.sqrt, dask.array.sqrt
 */
export function sqrt(x: LazyOperand): ChunkedArray {
  return elementwise("sqrt", [x]);
}

/**
 * Elementwise `e ** x`. Lazy: one `elementwise.expr` task per output block.
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.exp(x);
 * ```
 * @see numpy.exp, dask.array.exp
 */
export function exp(x: LazyOperand): ChunkedArray {
  return elementwise("exp", [x]);
}

/**
 * Elementwise natural logarithm (0 gives -inf, negatives NaN). Lazy: one `elementwise.expr` task per output block.
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.log(x);
 * ```
 * @see numpy.log, dask.array.log
 */
export function log(x: LazyOperand): ChunkedArray {
  return elementwise("log", [x]);
}

/**
 * Elementwise `log(1 + x)`, accurate for small `x`. Lazy: one `elementwise.expr` task per output block.
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.log1p(x);
 * ```
 * @see numpy.log1p, dask.array.log1p
 */
export function log1p(x: LazyOperand): ChunkedArray {
  return elementwise("log1p", [x]);
}

/**
 * Elementwise `exp(x) - 1`, accurate for small `x`. Lazy: one `elementwise.expr` task per output block.
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.expm1(x);
 * ```
 * @see numpy.expm1, dask.array.expm1
 */
export function expm1(x: LazyOperand): ChunkedArray {
  return elementwise("expm1", [x]);
}

/**
 * Elementwise sine (radians). Lazy: one `elementwise.expr` task per output block.
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.sin(x);
 * ```
 * @see numpy.sin, dask.array.sin
 */
export function sin(x: LazyOperand): ChunkedArray {
  return elementwise("sin", [x]);
}

/**
 * Elementwise cosine (radians). Lazy: one `elementwise.expr` task per output block.
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.cos(x);
 * ```
 * @see numpy.cos, dask.array.cos
 */
export function cos(x: LazyOperand): ChunkedArray {
  return elementwise("cos", [x]);
}

/**
 * Elementwise tangent (radians). Lazy: one `elementwise.expr` task per output block.
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.tan(x);
 * ```
 * @see numpy.tan, dask.array.tan
 */
export function tan(x: LazyOperand): ChunkedArray {
  return elementwise("tan", [x]);
}

/**
 * Elementwise inverse sine (NaN outside [-1, 1]). Lazy: one `elementwise.expr` task per output block.
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.arcsin(x);
 * ```
 * @see numpy.arcsin, dask.array.arcsin
 */
export function arcsin(x: LazyOperand): ChunkedArray {
  return elementwise("arcsin", [x]);
}

/**
 * Elementwise inverse cosine (NaN outside [-1, 1]). Lazy: one `elementwise.expr` task per output block.
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.arccos(x);
 * ```
 * @see numpy.arccos, dask.array.arccos
 */
export function arccos(x: LazyOperand): ChunkedArray {
  return elementwise("arccos", [x]);
}

/**
 * Elementwise inverse tangent. Lazy: one `elementwise.expr` task per output block.
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.arctan(x);
 * ```
 * @see numpy.arctan, dask.array.arctan
 */
export function arctan(x: LazyOperand): ChunkedArray {
  return elementwise("arctan", [x]);
}

/**
 * Elementwise hyperbolic sine. Lazy: one `elementwise.expr` task per output block.
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.sinh(x);
 * ```
 * @see numpy.sinh, dask.array.sinh
 */
export function sinh(x: LazyOperand): ChunkedArray {
  return elementwise("sinh", [x]);
}

/**
 * Elementwise hyperbolic cosine. Lazy: one `elementwise.expr` task per output block.
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.cosh(x);
 * ```
 * @see numpy.cosh, dask.array.cosh
 */
export function cosh(x: LazyOperand): ChunkedArray {
  return elementwise("cosh", [x]);
}

/**
 * Elementwise hyperbolic tangent. Lazy: one `elementwise.expr` task per output block.
 *
 * **NumPy divergence:** NumPy computes bool, int8 and uint8 inputs in float16; @chunked has no float16 and returns float32.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.tanh(x);
 * ```
 * @see numpy.tanh, dask.array.tanh
 */
export function tanh(x: LazyOperand): ChunkedArray {
  return elementwise("tanh", [x]);
}

/**
 * Elementwise floor (toward -inf); integers and bool are returned unchanged in their dtype. Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.floor(x);
 * ```
 * @see numpy.floor, dask.array.floor
 */
export function floor(x: LazyOperand): ChunkedArray {
  return elementwise("floor", [x]);
}

/**
 * Elementwise ceiling (toward +inf); integers and bool are returned unchanged in their dtype. Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.ceil(x);
 * ```
 * @see numpy.ceil, dask.array.ceil
 */
export function ceil(x: LazyOperand): ChunkedArray {
  return elementwise("ceil", [x]);
}

/**
 * Elementwise rounding to the nearest integer, halves to even (`np.round` with `decimals=0`); integers are unchanged. Lazy: one `elementwise.expr` task per output block.
 *
 * **NumPy divergence:** NumPy rounds bool to float16; @chunked returns float32.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.round(x);
 * ```
 * @see numpy.round, dask.array.round
 */
export function round(x: LazyOperand): ChunkedArray {
  return elementwise("round", [x]);
}

/**
 * Elementwise test for NaN (always false for integers and bool). Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.isnan(x);
 * ```
 * @see numpy.isnan, dask.array.isnan
 */
export function isnan(x: LazyOperand): ChunkedArray<"bool"> {
  return elementwise("isnan", [x]) as ChunkedArray<"bool">;
}

/**
 * Elementwise test for finite values (not NaN, not ±inf). Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.isfinite(x);
 * ```
 * @see numpy.isfinite, dask.array.isfinite
 */
export function isfinite(x: LazyOperand): ChunkedArray<"bool"> {
  return elementwise("isfinite", [x]) as ChunkedArray<"bool">;
}

/**
 * Elementwise test for ±inf. Lazy: one `elementwise.expr` task per output block.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array([1, 2, 3, 4]), { chunks: 2 });
 * const y = ca.isinf(x);
 * ```
 * @see numpy.isinf, dask.array.isinf
 */
export function isinf(x: LazyOperand): ChunkedArray<"bool"> {
  return elementwise("isinf", [x]) as ChunkedArray<"bool">;
}
