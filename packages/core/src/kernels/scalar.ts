/**
 * Scalar semantics of elementwise ops that JS operators do not give directly (NumPy's floor
 * division, remainder, power and rounding, C casts), shared by the generated loops of
 * elementwise.ts and the code-generation-free interpreter of interpret.ts.
 */
import type { DType } from "../dtype/dtypes.js";
import { InvalidArgumentError } from "../errors.js";

// ---------------------------------------------------------------------------------------------
// Scalar helpers called from generated code (small, so V8 inlines them).

export const fround = Math.fround;

/** `copysign(0, y)`. */
export function zeroWithSignOf(y: number): number {
  return y < 0 || (y === 0 && 1 / y < 0) ? -0 : 0;
}

/** NumPy's `npy_floor_divide` for float64 (fmod-based, snaps the quotient). */
export function floorDivF64(a: number, b: number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let div = (a - mod) / b;
  // C tests `if (mod)`, which is true for NaN: `!== 0` keeps that.
  if (mod !== 0 && b < 0 !== mod < 0) div -= 1;
  if (div !== 0) {
    let fd = Math.floor(div);
    if (div - fd > 0.5) fd += 1;
    return fd;
  }
  return zeroWithSignOf(a / b);
}

/** {@link floorDivF64} with every step rounded to float32. */
export function floorDivF32(a: number, b: number): number {
  if (b === 0) return fround(a / b);
  const mod = a % b;
  let div = fround(fround(a - mod) / b);
  if (mod !== 0 && b < 0 !== mod < 0) div = fround(div - 1);
  if (div !== 0) {
    let fd = Math.floor(div);
    if (fround(div - fd) > 0.5) fd = fround(fd + 1);
    return fd;
  }
  return zeroWithSignOf(a / b);
}

/** NumPy's `npy_remainder` for float64: the result has the sign of the divisor. */
export function modF64(a: number, b: number): number {
  if (b === 0) return a % b;
  const mod = a % b;
  if (mod === 0) return zeroWithSignOf(b);
  return b < 0 !== mod < 0 ? mod + b : mod;
}

/** {@link modF64} in float32. */
export function modF32(a: number, b: number): number {
  if (b === 0) return a % b;
  const mod = a % b;
  if (mod === 0) return zeroWithSignOf(b);
  return b < 0 !== mod < 0 ? fround(mod + b) : mod;
}

/** Integer floor division; division by zero gives 0 as in NumPy. The caller wraps to the dtype. */
export function floorDivInt(a: number, b: number): number {
  return b === 0 ? 0 : Math.floor(a / b);
}

/** Integer Python-style modulo; modulo by zero gives 0 as in NumPy. */
export function modInt(a: number, b: number): number {
  if (b === 0) return 0;
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r + 0; // + 0 turns -0 into 0
}

function negativePowerError(): InvalidArgumentError {
  return new InvalidArgumentError("Integers to negative integer powers are not allowed.");
}

/** Integer power modulo 2^32 (square-and-multiply with Math.imul); the caller wraps to the dtype. */
export function powInt(a: number, b: number): number {
  if (b < 0) throw negativePowerError();
  let r = 1;
  let base = a | 0;
  let e = b;
  while (e > 0) {
    if (e & 1) r = Math.imul(r, base);
    base = Math.imul(base, base);
    e >>>= 1;
  }
  return r;
}

/** Integer power where NumPy would use int64 (we use float64, exact to 2^53). */
export function powInt64(a: number, b: number): number {
  if (b < 0) throw negativePowerError();
  return a ** b;
}

/** C's `pow`: unlike `Math.pow`, `pow(1, y)` is 1 and `pow(-1, ±inf)` is 1, even for NaN y. */
export function powFloat(a: number, b: number): number {
  if (a === 1) return 1;
  if (a === -1 && (b === Infinity || b === -Infinity)) return 1;
  return a ** b;
}

/** Round half to even (C's `rint`), which is what `np.round` does. */
export function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export const HELPERS = {
  fround,
  floorDivF64,
  floorDivF32,
  modF64,
  modF32,
  floorDivInt,
  modInt,
  powInt,
  powInt64,
  powFloat,
  rint,
};

/**
 * Casts a JS number to `dtype` as C does (NumPy's `astype`): floats to integers truncate toward zero
 * and wrap; anything to bool is `!= 0` (NaN is true).
 */
export function castScalar(value: number, dtype: DType): number {
  switch (dtype) {
    case "bool":
      return value !== 0 ? 1 : 0;
    case "int8":
      return (value << 24) >> 24;
    case "int16":
      return (value << 16) >> 16;
    case "int32":
      return value | 0;
    case "uint8":
      return value & 255;
    case "uint16":
      return value & 65535;
    case "uint32":
      return value >>> 0;
    case "float32":
      return fround(value);
    case "float64":
      return value;
    case "int64":
    case "uint64":
      // A 64-bit constant as a number (exact within ±2^53); kernels/int64-elementwise.ts makes it a bigint.
      return Number.isFinite(value) ? Math.trunc(value) : 0;
  }
}
