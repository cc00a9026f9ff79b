/**
 * fast-check arbitraries shared by the property tests: shapes, chunks that sum to a shape,
 * dtypes, data, axis options and basic-indexing selections. Imported as
 * `@chunked/core/testing/arbitraries`; needs `fast-check` (an optional peer dependency).
 * @module
 */
import fc from "fast-check";
import {
  DTYPE_INFO,
  DTYPES,
  type DType,
  dtypeKind,
  INT64_RANGE,
  is64BitInt,
  type TypedArrayOf,
} from "../dtype/dtypes.js";
import { NDArray, shapeSize } from "../ndarray/ndarray.js";
import { type GoldenSelectionItem, selectionToSyntax } from "./golden.js";

/** Constraints of {@link arbShape}. */
export interface ShapeConstraints {
  /** Fewest axes. Default 0 (a 0-d shape). */
  minNdim?: number;
  /** Most axes. Default 3. */
  maxNdim?: number;
  /** Smallest axis length. Default 1. */
  minDim?: number;
  /** Largest axis length. Default 7. */
  maxDim?: number;
  /** Largest number of elements. Default: no limit beyond `maxDim ** maxNdim`. */
  maxSize?: number;
}

/**
 * A shape: `ndim` in [minNdim, maxNdim], each axis in [minDim, maxDim]. Shrinks towards fewer, shorter axes.
 *
 * @example
 * ```ts
 * fc.sample(arbShape({ maxNdim: 2 }), 3); // e.g. [[], [3, 1], [7]]
 * ```
 */
export function arbShape(constraints: ShapeConstraints = {}): fc.Arbitrary<number[]> {
  const { minNdim = 0, maxNdim = 3, minDim = 1, maxDim = 7, maxSize } = constraints;
  const shape = fc.array(fc.integer({ min: minDim, max: maxDim }), {
    minLength: minNdim,
    maxLength: maxNdim,
  });
  return maxSize === undefined ? shape : shape.filter((s) => shapeSize(s) <= maxSize);
}

/**
 * Block sizes along one axis of length `n`: random cut points, so every chunking (one block to
 * all size-1) can appear. Shrinks towards one block. A zero-length axis gets `[0]`.
 */
export function arbAxisChunks(n: number): fc.Arbitrary<number[]> {
  if (n <= 1) return fc.constant([n]);
  const cuts = Array.from({ length: n - 1 }, (_, i) => i + 1);
  return fc.subarray(cuts).map((chosen) => {
    const edges = [0, ...chosen, n];
    return edges.slice(1).map((e, i) => e - edges[i]);
  });
}

/**
 * Explicit per-axis chunks (dask's `chunks`) that sum to `shape` on every axis.
 *
 * @example
 * ```ts
 * fc.sample(arbChunksFor([5, 2]), 1); // e.g. [[[2, 1, 2], [2]]]
 * ```
 */
export function arbChunksFor(shape: readonly number[]): fc.Arbitrary<number[][]> {
  if (shape.length === 0) return fc.constant([]);
  return fc.tuple(...shape.map(arbAxisChunks));
}

/** A shape together with chunks for it. */
export function arbShapeAndChunks(
  constraints: ShapeConstraints = {},
): fc.Arbitrary<{ shape: number[]; chunks: number[][] }> {
  return arbShape(constraints).chain((shape) => arbChunksFor(shape).map((chunks) => ({ shape, chunks })));
}

/** One of `dtypes` (default: every dtype \@chunked supports). */
export function arbDType<D extends DType = DType>(dtypes: readonly D[] = DTYPES as D[]): fc.Arbitrary<D> {
  return fc.constantFrom(...dtypes);
}

/** Constraints of {@link arbNDArray} and {@link arbFloatData}. */
export interface DataConstraints {
  /** Smallest value (clamped to the dtype's range). Default -100 for floats, the dtype's minimum for integers. */
  min?: number;
  /** Largest value (clamped to the dtype's range). Default 100 for floats, the dtype's maximum for integers. */
  max?: number;
  /** Mix in NaN (floats only). Default `false`. */
  nan?: boolean;
  /** Mix in ±Infinity (floats only). Default `false`. */
  infinity?: boolean;
}

/** Arbitrary for one element of `dtype`. */
function arbElement(dtype: DType, c: DataConstraints): fc.Arbitrary<number | bigint> {
  if (is64BitInt(dtype)) {
    // bigint elements; constraints clamp the full 64-bit range.
    const range = INT64_RANGE[dtype];
    const lo = c.min === undefined ? range.min : BigInt(Math.ceil(c.min));
    const hi = c.max === undefined ? range.max : BigInt(Math.floor(c.max));
    return fc.bigInt({ min: lo > range.min ? lo : range.min, max: hi < range.max ? hi : range.max });
  }
  const info = DTYPE_INFO[dtype];
  const kind = dtypeKind(dtype);
  if (kind === "bool") return fc.integer({ min: 0, max: 1 });
  if (kind !== "float") {
    return fc.integer({
      min: Math.max(info.min, Math.ceil(c.min ?? info.min)),
      max: Math.min(info.max, Math.floor(c.max ?? info.max)),
    });
  }
  const min = Math.max(info.min, c.min ?? -100);
  const max = Math.min(info.max, c.max ?? 100);
  const finite =
    dtype === "float32"
      ? fc.float({ min: Math.fround(min), max: Math.fround(max), noNaN: true })
      : fc.double({ min, max, noNaN: true });
  const specials = [
    ...(c.nan ? [Number.NaN] : []),
    ...(c.infinity ? [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY] : []),
  ];
  if (specials.length === 0) return finite;
  return fc.oneof({ weight: 9, arbitrary: finite }, { weight: 1, arbitrary: fc.constantFrom(...specials) });
}

/**
 * A C-contiguous NDArray of `dtype` and `shape` (booleans as 0/1 over a Uint8Array).
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbNDArray([3, 4], "int16"), (a) => a.size === 12));
 * ```
 */
export function arbNDArray<D extends DType>(
  shape: readonly number[],
  dtype: D,
  constraints: DataConstraints = {},
): fc.Arbitrary<NDArray<D>> {
  const n = shapeSize(shape);
  const ctor = DTYPE_INFO[dtype].ctor;
  return fc.array(arbElement(dtype, constraints), { minLength: n, maxLength: n }).map((values) => {
    const data = new ctor(n) as TypedArrayOf<D>;
    for (let i = 0; i < n; i++) data[i] = values[i];
    return NDArray.from(data, { dtype, shape });
  });
}

/** Float data for a shape: finite values in [-100, 100] unless the constraints say otherwise. */
export function arbFloatData<D extends "float32" | "float64" = "float64">(
  shape: readonly number[],
  dtype: D = "float64" as D,
  constraints: DataConstraints = {},
): fc.Arbitrary<NDArray<D>> {
  return arbNDArray(shape, dtype, constraints);
}

/** Constraints of {@link arbAxes} and {@link arbAxisOption}. */
export interface AxisConstraints {
  /** Also produce negative axes (`-1` for the last). Default `true`. */
  allowNegative?: boolean;
  /** Smallest number of axes in a list. Default 0. */
  minLength?: number;
}

/**
 * A subset of the axes `0..ndim-1` (no repeats), each possibly written negatively.
 *
 * @example
 * ```ts
 * fc.sample(arbAxes(3), 3); // e.g. [[], [0, -1], [1]]
 * ```
 */
export function arbAxes(ndim: number, constraints: AxisConstraints = {}): fc.Arbitrary<number[]> {
  const { allowNegative = true, minLength = 0 } = constraints;
  const all = Array.from({ length: ndim }, (_, i) => i);
  return fc.subarray(all, { minLength: Math.min(minLength, ndim) }).chain((axes) => {
    if (axes.length === 0 || !allowNegative) return fc.constant(axes);
    return fc.tuple(...axes.map((a) => fc.constantFrom(a, a - ndim)));
  });
}

/**
 * A reduction's `axis` option: `null`, one axis (possibly negative) or a list of distinct axes.
 * A 0-d shape only gets `null` or `[]`.
 */
export function arbAxisOption(
  ndim: number,
  constraints: AxisConstraints = {},
): fc.Arbitrary<number | number[] | null> {
  if (ndim === 0) return fc.constantFrom(null, [] as number[]);
  const low = (constraints.allowNegative ?? true) ? -ndim : 0;
  return fc.oneof(fc.constant(null), fc.integer({ min: low, max: ndim - 1 }), arbAxes(ndim, constraints));
}

/** A basic-indexing selection in the golden wire form, with its NumPy syntax. */
export interface SelectionSample {
  items: GoldenSelectionItem[];
  /** NumPy syntax, e.g. `"::-2, 3, None"`, for the tagged template. */
  syntax: string;
}

/** One item indexing an axis of length `n`: an int in range, or a slice with out-of-range bounds allowed. */
function arbAxisItem(n: number): fc.Arbitrary<GoldenSelectionItem> {
  const bound = fc.option(fc.integer({ min: -n - 2, max: n + 2 }), { nil: null });
  const step = fc.option(fc.constantFrom(1, 2, 3, -1, -2, -3), { nil: null });
  const slice = fc.tuple(bound, bound, step).map(([a, b, s]): GoldenSelectionItem => ({ slice: [a, b, s] }));
  return n === 0
    ? slice
    : fc.oneof(
        fc.integer({ min: -n, max: n - 1 }).map((i) => ({ int: i })),
        slice,
      );
}

/**
 * A valid NumPy basic-indexing selection for `shape`: ints, slices (negative steps,
 * out-of-range bounds), `newaxis` anywhere, and at most one ellipsis. Shrinks towards `":"`-like
 * selections. Compare `get()` with `referenceGetitem` from `./reference.js`.
 *
 * @example
 * ```ts
 * fc.sample(arbSelection([7, 9]), 1); // e.g. [{ items: [{ slice: [null, null, -2] }, { int: 3 }, "newaxis"], syntax: "::-2, 3, None" }]
 * ```
 */
export function arbSelection(shape: readonly number[]): fc.Arbitrary<SelectionSample> {
  const ndim = shape.length;
  const perAxis: fc.Arbitrary<GoldenSelectionItem[]> =
    ndim === 0 ? fc.constant([]) : fc.tuple(...shape.map((n) => arbAxisItem(n)));
  // An ellipsis replaces the items of axes [from, to); without one, trailing items may be dropped.
  const layout = fc.record({
    ellipsis: fc.boolean(),
    from: fc.integer({ min: 0, max: ndim }),
    span: fc.integer({ min: 0, max: ndim }),
    newaxes: fc.array(fc.integer({ min: 0, max: ndim }), { maxLength: 2 }),
  });
  return fc.tuple(perAxis, layout).map(([axisItems, { ellipsis, from, span, newaxes }]) => {
    const to = Math.min(ndim, from + span);
    let items: GoldenSelectionItem[] = ellipsis
      ? [...axisItems.slice(0, from), "...", ...axisItems.slice(to)]
      : axisItems.slice(0, to);
    for (const at of [...newaxes].sort((a, b) => b - a)) {
      items = [
        ...items.slice(0, Math.min(at, items.length)),
        "newaxis",
        ...items.slice(Math.min(at, items.length)),
      ];
    }
    if (items.length === 0) items = ["..."]; // `x[]` is not valid syntax; `x[...]` is the whole array
    return { items, syntax: selectionToSyntax(items) };
  });
}

/** Constraints of {@link arbChunkedCase}. */
export interface ChunkedCaseConstraints extends ShapeConstraints {
  /** Dtypes to draw from. Default: every supported dtype. */
  dtypes?: readonly DType[];
  /** Data constraints (range, NaN, infinities). */
  data?: DataConstraints;
}

/** A whole input for a chunked-array property: data, chunks and a reduction axis option. */
export interface ChunkedCase<D extends DType = DType> {
  dtype: D;
  shape: number[];
  chunks: number[][];
  /** The data as an NDArray. */
  array: NDArray<D>;
  /** The same data as a C-order TypedArray (for `fromArray(data, {shape, chunks})`). */
  data: TypedArrayOf<D>;
  axis: number | number[] | null;
}

/**
 * Dtype, shape, chunks, data and an axis option in one draw.
 *
 * @example
 * ```ts
 * test.prop([arbChunkedCase({ dtypes: ["float64", "int32"], maxNdim: 3, maxSize: 400 })])(
 *   "sum does not depend on chunking",
 *   async ({ data, shape, chunks, axis }) => { ... },
 * );
 * ```
 */
export function arbChunkedCase(constraints: ChunkedCaseConstraints = {}): fc.Arbitrary<ChunkedCase> {
  const { dtypes = DTYPES, data = {}, ...shapeConstraints } = constraints;
  return fc
    .tuple(arbDType(dtypes), arbShapeAndChunks(shapeConstraints))
    .chain(([dtype, { shape, chunks }]) =>
      fc
        .tuple(arbNDArray(shape, dtype, data), arbAxisOption(shape.length))
        .map(([array, axis]): ChunkedCase => ({ dtype, shape, chunks, array, data: array.data, axis })),
    );
}
