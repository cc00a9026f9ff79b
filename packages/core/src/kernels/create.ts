/**
 * Creation kernels: every block computes its values from its own shape and global offset, so no
 * data sits in the graph.
 */
import { allocate, type DType, dtypeKind, is64BitInt } from "../dtype/dtypes.js";
import { arange64, numbersTo64, full64 } from "./int64-create.js";
import { NDArray, shapeSize } from "../ndarray/ndarray.js";
import { defineKernel } from "./registry.js";

export interface FullParams {
  /** Block shape. */
  readonly shape: readonly number[];
  /** Fill value (already a valid value of `dtype`; booleans as 0/1; a decimal string for a 64-bit integer past ±2^53). */
  readonly value: number | string;
  readonly dtype: DType;
}

/** A block filled with one value. */
export const createFull = defineKernel("create.full", (_inputs, p: FullParams) => {
  if (is64BitInt(p.dtype)) return full64(p.dtype, p.shape, p.value);
  const data = allocate(p.dtype, shapeSize(p.shape));
  // Fresh TypedArrays are +0-filled already.
  if (p.value !== 0 || Object.is(p.value, -0)) data.fill(Number(p.value));
  return new NDArray(p.dtype, data, [...p.shape]);
});

export interface ArangeParams {
  /** `start` of the whole range (a decimal string for an integer past ±2^53). */
  readonly start: number | string;
  readonly step: number | string;
  /** Global index of this block's first element. */
  readonly offset: number;
  /** Number of elements in this block. */
  readonly n: number;
  readonly dtype: DType;
}

/**
 * A block of `arange`, computed as NumPy does for the whole array: `out[0] = start`,
 * `out[1] = start + step`, then `out[i] = out[0] + i * (out[1] - out[0])` in the output dtype, so
 * values do not depend on the chunking.
 */
export const createArange = defineKernel("create.arange", (_inputs, p: ArangeParams) => {
  const { n, offset, dtype } = p;
  if (is64BitInt(dtype)) return arange64(dtype, p.start, p.step, offset, n);
  const start = Number(p.start);
  const step = Number(p.step);
  const data = allocate(dtype, n) as any;
  const kind = dtypeKind(dtype);
  if (kind === "float") {
    const f32 = dtype === "float32";
    const r = f32 ? Math.fround : (v: number) => v;
    const v0 = r(start);
    const v1 = r(start + step);
    const delta = r(v1 - v0);
    let i = 0;
    if (offset === 0 && n > 0) data[i++] = v0;
    if (offset + i === 1 && i < n) data[i++] = v1;
    if (f32) {
      for (; i < n; i++) data[i] = Math.fround(v0 + Math.fround(Math.fround(offset + i) * delta));
    } else {
      for (; i < n; i++) data[i] = v0 + (offset + i) * delta;
    }
  } else {
    // Integer (and bool, length <= 2) dtypes: values are cast by truncation, then stepped exactly.
    const v0 = Math.trunc(start);
    const v1 = Math.trunc(start + step);
    const delta = v1 - v0;
    for (let i = 0; i < n; i++) {
      const g = offset + i;
      data[i] = g === 1 ? v1 : v0 + g * delta;
    }
    if (kind === "bool") for (let i = 0; i < n; i++) data[i] = data[i] !== 0 ? 1 : 0;
  }
  return new NDArray(dtype, data, [n]);
});

export interface LinspaceParams {
  readonly start: number;
  readonly stop: number;
  /** Total number of samples of the whole array. */
  readonly num: number;
  readonly endpoint: boolean;
  /** Global index of this block's first element. */
  readonly offset: number;
  /** Number of elements in this block. */
  readonly n: number;
  readonly dtype: DType;
}

/**
 * A block of `linspace`, by NumPy's formula on float64: `i * step + start` with
 * `step = (stop - start) / div`, `(i / div) * delta + start` when `step` underflows to 0, and the
 * last sample exactly `stop` when `endpoint`. Integer dtypes take the floor, as NumPy does.
 */
export const createLinspace = defineKernel("create.linspace", (_inputs, p: LinspaceParams): NDArray => {
  const { n, offset, dtype, num, start } = p;
  if (is64BitInt(dtype))
    return numbersTo64(createLinspace.fn(_inputs, { ...p, dtype: "float64" }) as NDArray, dtype);
  const data = allocate(dtype, n) as any;
  // NumPy evaluates in float64 and casts at the end.
  const y: Float64Array = dtype === "float64" ? data : new Float64Array(n);
  const div = p.endpoint ? num - 1 : num;
  const delta = p.stop - start;
  const step = div > 0 ? delta / div : Number.NaN;
  if (div > 0 && step !== 0) {
    for (let i = 0; i < n; i++) y[i] = (offset + i) * step + start;
  } else if (div > 0) {
    // Denormal step (NumPy gh-5437).
    for (let i = 0; i < n; i++) y[i] = ((offset + i) / div) * delta + start;
  } else {
    for (let i = 0; i < n; i++) y[i] = (offset + i) * delta + start;
  }
  if (p.endpoint && num > 1 && n > 0 && offset + n === num) y[n - 1] = p.stop;
  if (y !== data) {
    const kind = dtypeKind(dtype);
    if (kind === "int" || kind === "uint") for (let i = 0; i < n; i++) data[i] = Math.floor(y[i]);
    else if (kind === "bool") for (let i = 0; i < n; i++) data[i] = y[i] !== 0 ? 1 : 0;
    else data.set(y);
  }
  return new NDArray(dtype, data, [n]);
});

export interface EyeParams {
  /** Block shape `[rows, cols]`. */
  readonly shape: readonly [number, number];
  /** Global row and column of the block's first element. */
  readonly offset: readonly [number, number];
  /** Diagonal: 0 main, > 0 above, < 0 below. */
  readonly k: number;
  readonly dtype: DType;
}

/** A block of the identity-like matrix with ones on diagonal `k`. */
export const createEye = defineKernel("create.eye", (_inputs, p: EyeParams): NDArray => {
  if (is64BitInt(p.dtype))
    return numbersTo64(createEye.fn(_inputs, { ...p, dtype: "float64" }) as NDArray, p.dtype);
  const [rows, cols] = p.shape;
  const data = allocate(p.dtype, rows * cols);
  // Global (row, col) is on the diagonal when col - row === k.
  const shift = p.offset[0] + p.k - p.offset[1];
  for (let r = 0; r < rows; r++) {
    const c = r + shift;
    if (c >= 0 && c < cols) data[r * cols + c] = 1;
  }
  return new NDArray(p.dtype, data, [rows, cols]);
});
