/**
 * Value comparison with per-dtype tolerances (house style, "Testing"): integers and bool exact;
 * float32 rtol 1e-5; float64 rtol 1e-12 elementwise and 1e-10 for reductions; NaN equals NaN.
 */
import { type DType, dtypeKind, is64BitInt } from "../dtype/dtypes.js";
import { fmt } from "../errors.js";
import type { NDArray } from "../ndarray/ndarray.js";
import type { GoldenCase } from "./golden.js";

/** Relative and absolute tolerance: `|actual - expected| <= atol + rtol * |expected|`. */
export interface Tolerance {
  rtol: number;
  atol: number;
}

/** Options of {@link assertClose}. */
export interface AssertCloseOptions {
  /** Relative tolerance. Default: {@link toleranceFor} the expected dtype. */
  rtol?: number;
  /** Absolute tolerance. Default: {@link toleranceFor} the expected dtype. */
  atol?: number;
  /** Use the looser reduction tolerances (float64 rtol 1e-10): summation order differs from NumPy's. */
  reduction?: boolean;
  /** Compare dtypes. Default `true`. */
  checkDtype?: boolean;
  /** Treat NaN as equal to NaN. Default `true`. */
  equalNan?: boolean;
  /** Prefix of the failure message, e.g. a golden case id. */
  label?: string;
}

/** Thrown by the assertions of `@chunked/core/testing`. */
export class AssertionError extends Error {
  override readonly name = "AssertionError";
}

const FLOAT_TOLERANCE: Record<"float32" | "float64", { elementwise: Tolerance; reduction: Tolerance }> = {
  // atol only absorbs last-bit noise around zero (e.g. sin(pi)); rtol is the real contract.
  float32: { elementwise: { rtol: 1e-5, atol: 1e-6 }, reduction: { rtol: 1e-5, atol: 1e-5 } },
  float64: { elementwise: { rtol: 1e-12, atol: 1e-15 }, reduction: { rtol: 1e-10, atol: 1e-12 } },
};

/**
 * The default tolerance for a dtype: exact for integers and bool.
 *
 * @example
 * ```ts
 * toleranceFor("float64", true); // { rtol: 1e-10, atol: 1e-12 }
 * ```
 */
export function toleranceFor(dtype: DType, reduction = false): Tolerance {
  if (dtype === "float32" || dtype === "float64") {
    return { ...FLOAT_TOLERANCE[dtype][reduction ? "reduction" : "elementwise"] };
  }
  return { rtol: 0, atol: 0 };
}

/** NumPy-style text for one value: `nan`, `inf`, `-0`. */
function show(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (v === Number.POSITIVE_INFINITY) return "inf";
  if (v === Number.NEGATIVE_INFINITY) return "-inf";
  if (Object.is(v, -0)) return "-0";
  return String(v);
}

/** Index tuple of flat C-order position `flat` in `shape`. */
function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    idx[i] = shape[i] === 0 ? 0 : flat % shape[i];
    flat = shape[i] === 0 ? 0 : Math.floor(flat / shape[i]);
  }
  return idx;
}

function fail(label: string | undefined, message: string): never {
  throw new AssertionError(label ? `${label}: ${message}` : message);
}

/**
 * Asserts that two arrays have the same shape and dtype and close values, with per-dtype
 * tolerances. The message names the first mismatching index and the values there.
 *
 * @example
 * ```ts
 * assertClose(NDArray.from([0.1 + 0.2]), NDArray.from([0.3])); // passes: rtol 1e-12
 * assertClose(NDArray.from([1, NaN]), NDArray.from([1, NaN])); // passes: NaN equals NaN
 * ```
 * @see numpy.testing.assert_allclose
 */
export function assertClose(actual: NDArray, expected: NDArray, options: AssertCloseOptions = {}): void {
  const { label, checkDtype = true, equalNan = true } = options;
  if (actual.ndim !== expected.ndim || actual.shape.some((s, i) => s !== expected.shape[i])) {
    fail(label, `shape mismatch. Got actual.shape=${fmt(actual.shape)}, expected ${fmt(expected.shape)}.`);
  }
  if (checkDtype && actual.dtype !== expected.dtype) {
    fail(label, `dtype mismatch. Got actual.dtype=${fmt(actual.dtype)}, expected ${fmt(expected.dtype)}.`);
  }
  const exact = dtypeKind(expected.dtype) !== "float";
  const base = exact ? { rtol: 0, atol: 0 } : toleranceFor(expected.dtype, options.reduction);
  const rtol = options.rtol ?? base.rtol;
  const atol = options.atol ?? base.atol;

  // 64-bit integers compare exactly as bigints; the rest as numbers.
  const wide = is64BitInt(actual.dtype) || is64BitInt(expected.dtype);
  const a = asValues(actual, wide);
  const e = asValues(expected, wide);
  let bad = 0;
  let first = -1;
  let worst = 0;
  for (let i = 0; i < e.length; i++) {
    if (wide) {
      if (a[i] !== e[i]) {
        bad++;
        if (first < 0) first = i;
      }
      continue;
    }
    const x = a[i] as number;
    const y = e[i] as number;
    if (x === y) continue; // also inf === inf and -0 === 0
    const xNan = Number.isNaN(x);
    const yNan = Number.isNaN(y);
    if (xNan && yNan && equalNan) continue;
    const diff = Math.abs(x - y);
    if (!xNan && !yNan && Number.isFinite(diff) && diff <= atol + rtol * Math.abs(y)) continue;
    bad++;
    if (first < 0) first = i;
    if (diff > worst || Number.isNaN(diff)) worst = diff; // a NaN diff (NaN vs number) stays the worst
  }
  if (bad === 0) return;
  if (wide) {
    fail(
      label,
      `values differ at flat index ${first}: actual=${a[first]}, expected=${e[first]}. ${bad} of ${e.length} elements differ (exact comparison; dtype=${expected.dtype}).`,
    );
  }
  const x = a[first] as number;
  const y = e[first] as number;
  const where = expected.ndim === 0 ? "" : ` at index ${fmt(unravel(first, expected.shape))} (flat ${first})`;
  const tol = exact ? "exact comparison" : `rtol=${rtol}, atol=${atol}`;
  fail(
    label,
    `values differ${where}: actual=${show(x)}, expected=${show(y)}, |diff|=${show(Math.abs(x - y))}. ` +
      `${bad} of ${e.length} elements differ (max |diff|=${show(worst)}; ${tol}; dtype=${expected.dtype}).`,
  );
}

/**
 * Checks that two arrays are bit-identical: same dtype, shape and elements (NaN equals NaN; -0 and
 * 0 differ). For results that must not depend on where they ran (a pool against in-process).
 *
 * @example
 * ```ts
 * assertIdentical(await y.compute({ executor: pool }), await y.compute(), "mean on the pool");
 * ```
 */
export function assertIdentical(actual: NDArray, expected: NDArray, label?: string): void {
  if (actual.dtype !== expected.dtype) {
    fail(label, `dtype mismatch. Got actual.dtype=${fmt(actual.dtype)}, expected ${fmt(expected.dtype)}.`);
  }
  assertClose(actual, expected, { label, rtol: 0, atol: 0 });
  const a = actual.toTypedArray();
  const e = expected.toTypedArray();
  for (let i = 0; i < e.length; i++) {
    if (!Object.is(a[i], e[i]) && !(Number.isNaN(Number(a[i])) && Number.isNaN(Number(e[i])))) {
      fail(
        label,
        `values differ at flat index ${i}: actual=${show(Number(a[i]))}, expected=${show(Number(e[i]))}.`,
      );
    }
  }
}

/**
 * {@link assertClose} against a decoded golden case: labels the message with the case id, uses
 * reduction tolerances for the `reductions` family.
 *
 * @example
 * ```ts
 * for (const c of loadGolden("reductions").cases) assertGolden(await run(c).compute(), c);
 * ```
 */
export function assertGolden(actual: NDArray, golden: GoldenCase, options: AssertCloseOptions = {}): void {
  assertClose(actual, golden.expected, {
    label: golden.id,
    reduction: golden.family === "reductions",
    ...options,
  });
}

/** The elements in C order; when `wide`, integer values as bigints (anything else never equals one). */
function asValues(a: NDArray, wide: boolean): ArrayLike<number | bigint> {
  const data = a.toTypedArray();
  if (!wide || is64BitInt(a.dtype)) return data;
  return Array.from(data as ArrayLike<number>, (v) => (Number.isInteger(v) ? BigInt(v) : v));
}
