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
 * int64/uint64 results (int32 + uint32, bool + 1) are computed in BigInt and wrap as NumPy's.
 */
import { DTYPES, type DType, INT64_RANGE, is64BitInt, isDType } from "../dtype/dtypes.js";
import { DTypeError, fmt, InvalidArgumentError, UnknownChunksError } from "../errors.js";
import { elementwiseExpr } from "../kernels/elementwise.js";
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
import {
  type ElementwiseOp,
  type ElementwiseOpName,
  elementwiseOpRow,
  resolveElementwiseOp,
} from "../ops/elementwise.js";
import { task } from "../kernels/registry.js";
import { blockLayer } from "./block-layer.js";
import { ChunkedArray } from "./chunked-array.js";
import { fromArray } from "./creation.js";
import { full } from "./creation-fill.js";
import { UNKNOWN_CHUNKS_FIX, unifyChunks } from "./rechunk.js";

/**
 * An operand of a lazy elementwise operation: a chunked array, an in-memory array, or a (weak) JS
 * scalar. A bigint is NumPy's Python int: weak like an integer-valued number, and exact past 2^53
 * with int64/uint64 arrays.
 */
export type LazyOperand = ChunkedArray | NDArray | number | boolean | bigint;

/**
 * Bigint scalars as the operands the expression takes: a number within ±2^53 (exact); past that,
 * with a 64-bit integer array whose dtype holds it, a 0-d array of that dtype (promotes as the
 * weak scalar would); otherwise the number (float arrays convert, narrower integers overflow).
 */
function bigintOperands(operands: readonly (LazyOperand | null)[]): (Exclude<LazyOperand, bigint> | null)[] {
  const wide = operands.find(
    (o): o is ChunkedArray | NDArray =>
      (o instanceof ChunkedArray || o instanceof NDArray) && is64BitInt(o.dtype),
  );
  return operands.map((o) => {
    if (typeof o !== "bigint") return o;
    const safe = BigInt(Number.MAX_SAFE_INTEGER);
    if (o <= safe && o >= -safe) return Number(o);
    if (wide && o >= INT64_RANGE[wide.dtype as "int64"].min && o <= INT64_RANGE[wide.dtype as "int64"].max) {
      return full([], o, { dtype: wide.dtype });
    }
    return Number(o);
  });
}

/**
 * Builds the layer of `op` over `operands` (`null` only for a missing clip bound). `build` makes the
 * expression node from one spec per operand.
 */
function blockwise(
  opName: string,
  rawOperands: readonly (LazyOperand | null)[],
  names: readonly string[],
  build: (specs: (OperandSpec | null)[]) => OpExpr,
): ChunkedArray {
  const operands = bigintOperands(rawOperands);
  // 1. Classify; the result shape comes from every array-like operand.
  const shapes: (readonly number[])[] = [];
  for (const [i, o] of operands.entries()) {
    if (o instanceof ChunkedArray || o instanceof NDArray) shapes.push(o.shape);
    else if (o !== null && typeof o !== "number" && typeof o !== "boolean") {
      throw new InvalidArgumentError(
        `Operands must be ChunkedArrays, NDArrays, numbers, bigints or booleans. Got ${names[i]}=${Object.prototype.toString.call(o)}.`,
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
  return blockLayer(opName, ["elementwise", expr], inputs, chunks, dtype, (idx, key) => {
    const deps = inputs.map((a) => {
      const lead = nd - a.ndim;
      return a.key(a.chunks.map((c, j) => (c.length === 1 ? 0 : idx[j + lead])));
    });
    const params: ElementwiseParams = { expr, dtype, shape: idx.map((b, ax) => chunks[ax][b]) };
    return task(elementwiseExpr, key, deps, params);
  });
}

/** Builds the layer of one elementwise op: what every generated `ca.<op>` wrapper calls. */
export function applyElementwise(
  op: ElementwiseOp,
  operands: readonly LazyOperand[],
  options: BuildOpOptions = {},
): ChunkedArray {
  const names = options.names ?? operands.map((_, i) => `x${i + 1}`);
  return blockwise(elementwiseOpRow(op).ufunc, operands, names, (specs) =>
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
  return applyElementwise("where", [condition, x, y], { names: ["condition", "x", "y"] });
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
 * undefined in NumPy (platform-dependent); \@chunked gives 0 for NaN and ±inf and wraps other values
 * modulo 2^32 (int64/uint64: x86's 2^63 pattern for NaN, ±inf and out-of-range values, as NumPy there).
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
    throw new DTypeError(
      `astype: unknown dtype. Got dtype=${fmt(dtype)}, expected one of ${DTYPES.join(", ")}.`,
    );
  }
  if (x instanceof ChunkedArray && x.dtype === dtype) return x as ChunkedArray<D>;
  return applyElementwise("astype", [x], { dtype, names: ["x"] }) as ChunkedArray<D>;
}

/**
 * Applies any elementwise op by its id or an alias (`"floorDivide"`, `"floorDiv"`, ...), for code
 * that picks the op at run time (golden tests, method tables). `clip` takes `[x, min, max]` with
 * `null` bounds allowed; `astype` needs `options.dtype`.
 *
 * @example
 * ```ts
 * const y = ca.elementwiseOp("floorDivide", [x, 2]);
 * ```
 */
export function elementwiseOp(
  name: ElementwiseOpName,
  operands: readonly (LazyOperand | null)[],
  options: { dtype?: DType } = {},
): ChunkedArray {
  const op = resolveElementwiseOp(name);
  if (op === undefined) throw new InvalidArgumentError(`Unknown elementwise operation. Got op=${fmt(name)}.`);
  if (op === "clip") return clip(operands[0] as LazyOperand, operands[1] ?? null, operands[2] ?? null);
  if (operands.includes(null))
    throw new InvalidArgumentError(`Only clip accepts null operands. Got op=${fmt(op)}.`);
  return applyElementwise(op, operands as LazyOperand[], options);
}
