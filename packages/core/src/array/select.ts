/**
 * Selection and rearrangement built from blocks: triangles, flips, rolls, padding, tiling,
 * repetition, differences and closeness tests. Most are compositions of slicing and
 * `concatenate` (block relabelling, no copies); `triu`/`tril` and `repeat` have their own kernels.
 */
import type { DType } from "../dtype/dtypes.js";
import { checkOptionsObject, fmt, InvalidArgumentError } from "../errors.js";
import { axisOptions } from "../index/axis.js";
import { task } from "../kernels/registry.js";
import { type RepeatParams, selectRepeat, selectTri, type TriParams } from "../kernels/select.js";
import { slice } from "../index/slice.js";
import { blockLayer, normalizeOneAxis, requireKnownChunks } from "./block-layer.js";
import { ChunkedArray } from "./chunked-array.js";
import { fromArray } from "./creation.js";
import { full } from "./creation-fill.js";
import * as ew from "./elementwise.js";
import * as ufuncs from "./ufuncs.js";
import { broadcastTo, concatenate, expandDims } from "./joining.js";
import { nonzero } from "./mask.js";
import { all } from "./named-reductions.js";
import { reshape, ravel } from "./reshape.js";
import { getitem } from "./slicing.js";
import { NDArray } from "../ndarray/ndarray.js";

/** Options of {@link triu} and {@link tril}. */
export interface TriOptions {
  /** Diagonal offset: 0 the main diagonal, > 0 above it, < 0 below. Default 0. */
  k?: number;
}

function tri<D extends DType>(x: ChunkedArray<D>, k: number, lower: boolean, fn: string): ChunkedArray<D> {
  if (x.ndim < 2) {
    throw new InvalidArgumentError(
      `${fn} needs an array of at least 2 dimensions. Got x shape=${fmt(x.shape)}.`,
    );
  }
  if (!Number.isInteger(k)) throw new InvalidArgumentError(`${fn}: k must be an integer. Got k=${fmt(k)}.`);
  requireKnownChunks(x, fn, [x.ndim - 2, x.ndim - 1]);
  const offsets = x.offsets();
  const r = x.ndim - 2;
  const c = x.ndim - 1;
  return blockLayer(fn, k, [x], x.chunks, x.dtype, (idx, key) => {
    const params: TriParams = { k, lower, rowOffset: offsets[r][idx[r]], colOffset: offsets[c][idx[c]] };
    return task(selectTri, key, [x.key(idx)], params);
  });
}

/**
 * The upper triangle of the last two axes (`j - i >= k`); the rest is zero.
 *
 * @example
 * ```ts
 * ca.triu(ca.ones([4, 4], { chunks: 2 }), { k: 1 }); // strictly upper triangle
 * ```
 * @see numpy.triu, dask.array.triu
 */
export function triu<D extends DType>(x: ChunkedArray<D>, options: TriOptions = {}): ChunkedArray<D> {
  return tri(x, options.k ?? 0, false, "triu");
}

/**
 * The lower triangle of the last two axes (`j - i <= k`); the rest is zero.
 *
 * @see numpy.tril, dask.array.tril
 */
export function tril<D extends DType>(x: ChunkedArray<D>, options: TriOptions = {}): ChunkedArray<D> {
  return tri(x, options.k ?? 0, true, "tril");
}

function axesOf(axis: number | readonly number[] | null | undefined, ndim: number, name = "axis"): number[] {
  if (axis === null || axis === undefined) return [...Array(ndim).keys()];
  const list = typeof axis === "number" ? [axis] : [...axis];
  const out = list.map((a) => normalizeOneAxis(a, ndim, name));
  if (new Set(out).size !== out.length)
    throw new InvalidArgumentError(`repeated axis. Got ${name}=${fmt(axis)}.`);
  return out;
}

/** Options of {@link flip}. */
export interface FlipOptions {
  /** Axis or axes to reverse. Default: all. */
  axis?: number | readonly number[] | null;
}

/**
 * Reverses the order of elements along the given axes (a negative-step slice: no copies).
 *
 * @see numpy.flip, dask.array.flip
 */
export function flip<D extends DType>(
  x: ChunkedArray<D>,
  optionsOrAxis: FlipOptions | number | readonly number[] | null = {},
): ChunkedArray<D> {
  const options: FlipOptions = axisOptions("flip", optionsOrAxis);
  const axes = axesOf(options.axis, x.ndim);
  return getitem(
    x,
    x.chunks.map((_, ax) => (axes.includes(ax) ? slice(null, null, -1) : null)),
  );
}

/** Options of {@link roll}. */
export interface RollOptions {
  /** Axis or axes to roll along (one per shift). Default `null`: the flattened array, reshaped back. */
  axis?: number | readonly number[] | null;
}

/**
 * Rolls elements along axes: those shifted past the end come back at the start.
 *
 * @example
 * ```ts
 * ca.roll(ca.arange(5, { chunks: 2 }), 2); // [3, 4, 0, 1, 2]
 * ```
 * @see numpy.roll, dask.array.roll
 */
export function roll<D extends DType>(
  x: ChunkedArray<D>,
  shift: number | readonly number[],
  optionsOrAxis: RollOptions | number | readonly number[] | null = {},
): ChunkedArray<D> {
  const options: RollOptions = axisOptions("roll", optionsOrAxis);
  if (options.axis === null || options.axis === undefined) {
    if (typeof shift !== "number") {
      throw new InvalidArgumentError(`roll without axis takes one shift. Got shift=${fmt(shift)}.`);
    }
    return reshape(roll(ravel(x), shift, { axis: 0 }), x.shape);
  }
  const axes = typeof options.axis === "number" ? [options.axis] : [...options.axis];
  const shifts = typeof shift === "number" ? axes.map(() => shift) : [...shift];
  if (shifts.length !== axes.length) {
    throw new InvalidArgumentError(
      `roll needs one shift per axis. Got shift=${fmt(shift)}, axis=${fmt(options.axis)}.`,
    );
  }
  let out = x;
  axes.forEach((a, i) => {
    const ax = normalizeOneAxis(a, x.ndim);
    requireKnownChunks(x, "roll", [ax]);
    const n = x.shape[ax];
    const s = n === 0 ? 0 : ((shifts[i] % n) + n) % n;
    if (s === 0) return;
    const sel = (lo: number | null, hi: number | null) =>
      getitem(
        out,
        out.chunks.map((_, k) => (k === ax ? slice(lo, hi) : null)),
      );
    out = concatenate([sel(n - s, null), sel(0, n - s)], { axis: ax }) as ChunkedArray<D>;
  });
  return out;
}

/** A negative-step slice stop: `null` to run through index 0 (a stop of -1 would mean "the end"). */
function stopBefore(stop: number): number | null {
  return stop < 0 ? null : stop;
}

/** Padding modes of {@link pad}. */
export type PadMode = "constant" | "edge" | "reflect" | "symmetric" | "wrap";

/** Options of {@link pad}. */
export interface PadOptions {
  /** How to fill the border. Default `"constant"`. */
  mode?: PadMode;
  /** The fill value of `"constant"`. Default 0. */
  constantValues?: number;
}

function padWidths(
  padWidth: number | readonly number[] | readonly (readonly number[])[],
  ndim: number,
): [number, number][] {
  const bad = () =>
    new InvalidArgumentError(
      `padWidth must be n, [before, after], or one [before, after] per axis (${ndim}) of non-negative integers. Got padWidth=${fmt(padWidth)}.`,
    );
  let pairs: [number, number][];
  if (typeof padWidth === "number") pairs = Array.from({ length: ndim }, () => [padWidth, padWidth]);
  else if (padWidth.length === 2 && padWidth.every((v) => typeof v === "number")) {
    pairs = Array.from({ length: ndim }, () => [padWidth[0] as number, padWidth[1] as number]);
  } else if (padWidth.length === 1 && Array.isArray(padWidth[0]) && padWidth[0].length === 2) {
    const [b, a] = padWidth[0] as number[];
    pairs = Array.from({ length: ndim }, () => [b, a]);
  } else if (padWidth.length === ndim && padWidth.every((p) => Array.isArray(p) && p.length === 2)) {
    pairs = (padWidth as number[][]).map((p) => [p[0], p[1]]);
  } else throw bad();
  if (pairs.some((p) => p.some((v) => !Number.isInteger(v) || v < 0))) throw bad();
  return pairs;
}

/**
 * Pads every axis with `before`/`after` elements: a constant, the edge value, a reflection
 * (`reflect` without, `symmetric` with the edge repeated), or the other end (`wrap`).
 *
 * @example
 * ```ts
 * ca.pad(x, [[1, 1], [2, 0]], { mode: "edge" });
 * ```
 * @see numpy.pad, dask.array.pad
 */
export function pad<D extends DType>(
  x: ChunkedArray<D>,
  padWidth: number | readonly number[] | readonly (readonly number[])[],
  options: PadOptions = {},
): ChunkedArray<D> {
  const mode = options.mode ?? "constant";
  if (!["constant", "edge", "reflect", "symmetric", "wrap"].includes(mode)) {
    throw new InvalidArgumentError(
      `mode must be one of "constant", "edge", "reflect", "symmetric", "wrap". Got mode=${fmt(mode)}.`,
    );
  }
  const widths = padWidths(padWidth, x.ndim);
  requireKnownChunks(x, "pad");
  let out: ChunkedArray<D> = x;
  widths.forEach(([before, after], ax) => {
    if (before === 0 && after === 0) return;
    const n = out.shape[ax];
    const limit = mode === "reflect" ? n - 1 : mode === "constant" ? Infinity : n;
    if ((before > limit || after > limit) && mode !== "edge") {
      throw new InvalidArgumentError(
        `pad mode "${mode}" supports at most ${limit} elements on axis ${ax} of length ${n}. Got padWidth=[${before}, ${after}].`,
      );
    }
    if (n === 0 && mode !== "constant") {
      throw new InvalidArgumentError(
        `can't extend empty axis ${ax} using modes other than 'constant'. Got mode=${fmt(mode)}.`,
      );
    }
    const sel = (s: ReturnType<typeof slice>) =>
      getitem(
        out,
        out.chunks.map((_, k) => (k === ax ? s : null)),
      );
    const part = (count: number, atStart: boolean): ChunkedArray<D> => {
      const shape = out.shape.map((v, k) => (k === ax ? count : v));
      switch (mode) {
        case "constant":
          return full(shape, options.constantValues ?? 0, {
            dtype: out.dtype,
            chunks: out.chunks.map((c, k) => (k === ax ? [count] : [...c])),
          });
        case "edge":
          return broadcastTo(sel(atStart ? slice(0, 1) : slice(n - 1, n)), shape, {
            chunks: out.chunks.map((c, k) => (k === ax ? [count] : [...c])),
          });
        case "reflect":
          return atStart ? sel(slice(count, 0, -1)) : sel(slice(n - 2, stopBefore(n - 2 - count), -1));
        case "symmetric":
          return atStart ? sel(slice(count - 1, null, -1)) : sel(slice(n - 1, stopBefore(n - 1 - count), -1));
        default:
          return atStart ? sel(slice(n - count, n)) : sel(slice(0, count));
      }
    };
    const pieces: ChunkedArray<D>[] = [];
    if (before > 0) pieces.push(part(before, true));
    pieces.push(out);
    if (after > 0) pieces.push(part(after, false));
    out = concatenate(pieces, { axis: ax }) as ChunkedArray<D>;
  });
  return out;
}

/**
 * The array repeated `reps` times along each axis (`reps` longer than `ndim` adds leading axes).
 *
 * @see numpy.tile, dask.array.tile
 */
export function tile<D extends DType>(x: ChunkedArray<D>, reps: number | readonly number[]): ChunkedArray<D> {
  const r = typeof reps === "number" ? [reps] : [...reps];
  if (r.some((v) => !Number.isInteger(v) || v < 0)) {
    throw new InvalidArgumentError(`reps must be non-negative integers. Got reps=${fmt(reps)}.`);
  }
  let out: ChunkedArray<D> = x;
  while (out.ndim < r.length) out = expandDims(out, { axis: 0 });
  const full = [...Array(out.ndim - r.length).fill(1), ...r];
  full.forEach((count, ax) => {
    if (count === 1) return;
    if (count === 0) {
      out = getitem(
        out,
        out.chunks.map((_, k) => (k === ax ? slice(0, 0) : null)),
      );
      return;
    }
    out = concatenate(Array(count).fill(out), { axis: ax }) as ChunkedArray<D>;
  });
  return out;
}

/** Options of {@link repeat}. */
export interface RepeatOptions {
  /** Axis to repeat along. Default `null`: the flattened array. */
  axis?: number | null;
}

/**
 * Repeats each element `repeats` times (or `repeats[i]` times for element `i`) along an axis.
 *
 * @example
 * ```ts
 * ca.repeat(ca.arange(3, { chunks: 2 }), 2); // [0, 0, 1, 1, 2, 2]
 * ```
 * @see numpy.repeat, dask.array.repeat
 */
export function repeat<D extends DType>(
  x: ChunkedArray<D>,
  repeats: number | readonly number[],
  optionsOrAxis: RepeatOptions | number | null = {},
): ChunkedArray<D> {
  const options: RepeatOptions = axisOptions("repeat", optionsOrAxis);
  const src = options.axis === null || options.axis === undefined ? ravel(x) : x;
  const axis =
    options.axis === null || options.axis === undefined ? 0 : normalizeOneAxis(options.axis, x.ndim);
  requireKnownChunks(src, "repeat", [axis]);
  const n = src.shape[axis];
  const counts = typeof repeats === "number" ? Array(n).fill(repeats) : [...repeats];
  if (counts.length !== n || counts.some((c) => !Number.isInteger(c) || c < 0)) {
    throw new InvalidArgumentError(
      `repeats must be a non-negative integer or one per element (${n}) along the axis. Got repeats=${fmt(repeats)}.`,
    );
  }
  const offsets = src.offsets()[axis];
  const per = src.chunks[axis].map((_, b) => counts.slice(offsets[b], offsets[b + 1]));
  const chunks = src.chunks.map((c, ax) =>
    ax === axis ? per.map((p) => p.reduce((s, v) => s + v, 0)) : [...c],
  );
  return blockLayer("repeat", [axis, counts], [src], chunks, x.dtype, (idx, key) => {
    const params: RepeatParams = { axis, counts: per[idx[axis]] };
    return task(selectRepeat, key, [src.key(idx)], params);
  });
}

/** Options of {@link diff}. */
export interface DiffOptions {
  /** Times to difference. Default 1. */
  n?: number;
  /** Axis. Default -1. */
  axis?: number;
  /**
   * Values put before `x` along the axis first: an array matching `x` on the other axes, or a
   * scalar repeated across them (a JS integer counts as NumPy's int64, else float64).
   */
  prepend?: number | NDArray | ChunkedArray;
  /** Values put after `x` along the axis first, as {@link DiffOptions.prepend}. */
  append?: number | NDArray | ChunkedArray;
}

/** `diff`'s prepend/append as arrays to join to `x` along `axis` (NumPy's `asanyarray`, then a 0-d value spread). */
function diffEdge(value: DiffOptions["prepend"], x: ChunkedArray, axis: number): ChunkedArray[] {
  if (value === undefined) return [];
  const arr =
    value instanceof ChunkedArray
      ? value
      : fromArray(
          value instanceof NDArray
            ? value
            : NDArray.from([value], { dtype: Number.isInteger(value) ? "int64" : "float64" }).reshape([]),
        );
  if (arr.ndim !== 0) return [arr];
  return [
    broadcastTo(
      arr,
      x.shape.map((s, k) => (k === axis ? 1 : s)),
    ),
  ];
}

/**
 * The `n`-th discrete difference along an axis, `x[1:] - x[:-1]` (`!=` for bool), after joining
 * `prepend` and `append` to `x` along the axis.
 *
 * @see numpy.diff, dask.array.diff
 */
export function diff<D extends DType>(x: ChunkedArray<D>, options: DiffOptions = {}): ChunkedArray {
  checkOptionsObject(options, "diff");
  const n = options.n ?? 1;
  if (!Number.isInteger(n) || n < 0) {
    throw new InvalidArgumentError(`order must be non-negative. Got n=${fmt(n)}.`);
  }
  const axis = normalizeOneAxis(options.axis ?? -1, x.ndim);
  requireKnownChunks(x, "diff", [axis]);
  const before = diffEdge(options.prepend, x, axis);
  const after = diffEdge(options.append, x, axis);
  let out: ChunkedArray =
    before.length + after.length > 0 ? concatenate([...before, x, ...after], { axis }) : x;
  for (let i = 0; i < n; i++) {
    const sel = (s: ReturnType<typeof slice>) =>
      getitem(
        out,
        out.chunks.map((_, k) => (k === axis ? s : null)),
      );
    const hi = sel(slice(1, null));
    const lo = sel(slice(null, -1));
    out = out.dtype === "bool" ? ufuncs.notEqual(hi, lo) : ufuncs.subtract(hi, lo);
  }
  return out;
}

/** Options of {@link isclose} and {@link allclose}. */
export interface IscloseOptions {
  /** Relative tolerance. Default 1e-5. */
  rtol?: number;
  /** Absolute tolerance. Default 1e-8. */
  atol?: number;
  /** NaNs in the same place count as equal. Default false. */
  equalNan?: boolean;
}

/**
 * Elementwise `|a - b| <= atol + rtol * |b|` (infinities equal only to themselves).
 *
 * @see numpy.isclose, dask.array.isclose
 */
export function isclose(
  a: ew.LazyOperand,
  b: ew.LazyOperand,
  options: IscloseOptions = {},
): ChunkedArray<"bool"> {
  const rtol = options.rtol ?? 1e-5;
  const atol = options.atol ?? 1e-8;
  for (const [k, v] of [
    ["rtol", rtol],
    ["atol", atol],
  ] as const) {
    if (!(typeof v === "number" && v >= 0))
      throw new InvalidArgumentError(`${k} must be a non-negative number. Got ${k}=${fmt(v)}.`);
  }
  const af = ew.astype(a, "float64");
  const bf = ew.astype(b, "float64");
  const near = ufuncs.logicalAnd(
    ufuncs.lessEqual(
      ufuncs.abs(ufuncs.subtract(af, bf)),
      ufuncs.add(atol, ufuncs.multiply(rtol, ufuncs.abs(bf))),
    ),
    ufuncs.isfinite(bf),
  );
  const close = ufuncs.logicalOr(near, ufuncs.equal(af, bf));
  return options.equalNan
    ? ufuncs.logicalOr(close, ufuncs.logicalAnd(ufuncs.isnan(af), ufuncs.isnan(bf)))
    : close;
}

/**
 * True when every element pair is {@link isclose}: a 0-d bool array.
 *
 * @see numpy.allclose, dask.array.allclose
 */
export function allclose(
  a: ew.LazyOperand,
  b: ew.LazyOperand,
  options: IscloseOptions = {},
): ChunkedArray<"bool"> {
  return all(isclose(a, b, options));
}

/**
 * `where(condition)`: the indices of non-zero elements, one array per axis (NumPy's one-argument
 * form, {@link nonzero}); `where(condition, x, y)`: elements of `x` where true, else of `y`.
 *
 * @example
 * ```ts
 * const [i] = ca.where(x.gt(0));     // indices
 * const y = ca.where(x.gt(0), x, 0); // values
 * ```
 * @see numpy.where, dask.array.where
 */
export function where(condition: ChunkedArray): ChunkedArray<"int64">[];
export function where(condition: ew.LazyOperand, x: ew.LazyOperand, y: ew.LazyOperand): ChunkedArray;
export function where(
  condition: ew.LazyOperand,
  x?: ew.LazyOperand,
  y?: ew.LazyOperand,
): ChunkedArray | ChunkedArray<"int64">[] {
  if (x === undefined && y === undefined) {
    if (typeof condition !== "object" || !("chunks" in condition)) {
      throw new InvalidArgumentError(
        `where(condition) needs a ChunkedArray. Got condition=${fmt(typeof condition)}.`,
      );
    }
    return nonzero(condition as ChunkedArray);
  }
  if (x === undefined || y === undefined) {
    throw new InvalidArgumentError("either both or neither of x and y should be given. Got one of them.");
  }
  return ew.where(condition, x, y);
}
