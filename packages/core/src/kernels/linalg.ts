/**
 * Dense linear-algebra kernels on blocks: a cache-friendly GEMM for block products (batched and
 * tensordot forms), elementwise sums of partial products, Householder QR and the TSQR stages,
 * triangular solves, LU with partial pivoting, and Cholesky.
 */
import { allocate, type DType, dtypeKind, is64BitInt } from "../dtype/dtypes.js";
import { NDArray } from "../ndarray/ndarray.js";
import { defineKernel } from "./registry.js";

/** GEMM blocking: a `KC × NC` panel of B stays in L2, an `MC × KC` panel of A in L1/L2. */
const KC = 256;
const MC = 64;
const NC = 1024;

/**
 * `C += A·B` for row-major `A` (m×k), `B` (k×n), `C` (m×n). Goto-style: B is packed in panels of
 * `KC` rows by 4-column strips, A in 4-row strips, and a 4×4 tile of C is accumulated in sixteen
 * locals over a whole `KC` panel, so each loaded value feeds four multiply-adds and C is touched
 * once per panel (about 4× the plain i-k-j loop on 1000² blocks). Every product is computed, so
 * `0 · Inf` gives NaN as in BLAS; the sum order depends only on the shapes.
 */
export function gemm(
  a: Float64Array,
  b: Float64Array,
  c: Float64Array,
  m: number,
  k: number,
  n: number,
): void {
  if (m === 0 || n === 0 || k === 0) return;
  const bp = new Float64Array(Math.min(KC, k) * Math.ceil(Math.min(NC, n) / 4) * 4);
  const ap = new Float64Array(Math.ceil(Math.min(MC, m) / 4) * 4 * Math.min(KC, k));
  const tile = new Float64Array(16);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    const strips = Math.ceil(nc / 4);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packB(b, bp, n, jc, pc, kc, strips);
      for (let ic = 0; ic < m; ic += MC) {
        const rows = Math.ceil(Math.min(MC, m - ic) / 4);
        packA(a, ap, m, k, ic, pc, kc, rows);
        for (let si = 0; si < rows; si++) {
          const i0 = ic + si * 4;
          const h = Math.min(4, m - i0);
          for (let sj = 0; sj < strips; sj++) {
            const j0 = jc + sj * 4;
            microKernel(ap, si * kc * 4, bp, sj * kc * 4, kc, tile);
            const w = Math.min(4, n - j0);
            for (let r = 0; r < h; r++) {
              const o = (i0 + r) * n + j0;
              for (let q = 0; q < w; q++) c[o + q] += tile[r * 4 + q];
            }
          }
        }
      }
    }
  }
}

/** Rows `pc..pc+kc` of B's columns from `jc`, as 4-column strips (`bp[s·kc·4 + p·4 + q]`), zero-padded. */
function packB(
  b: Float64Array,
  bp: Float64Array,
  n: number,
  jc: number,
  pc: number,
  kc: number,
  strips: number,
): void {
  for (let s = 0; s < strips; s++) {
    const j0 = jc + s * 4;
    const w = Math.min(4, n - j0);
    const base = s * kc * 4;
    for (let p = 0; p < kc; p++) {
      const src = (pc + p) * n + j0;
      const d = base + p * 4;
      for (let q = 0; q < 4; q++) bp[d + q] = q < w ? b[src + q] : 0;
    }
  }
}

/** Columns `pc..pc+kc` of A's rows from `ic`, as 4-row strips (`ap[s·kc·4 + p·4 + r]`), zero-padded. */
function packA(
  a: Float64Array,
  ap: Float64Array,
  m: number,
  k: number,
  ic: number,
  pc: number,
  kc: number,
  rows: number,
): void {
  for (let s = 0; s < rows; s++) {
    const i0 = ic + s * 4;
    const base = s * kc * 4;
    for (let r = 0; r < 4; r++) {
      const src = (i0 + r) * k + pc;
      if (i0 + r < m) for (let p = 0; p < kc; p++) ap[base + p * 4 + r] = a[src + p];
      else for (let p = 0; p < kc; p++) ap[base + p * 4 + r] = 0;
    }
  }
}

/** The 4×4 product of a packed A strip and a packed B strip over `kc`, into `tile` (row-major). */
function microKernel(
  ap: Float64Array,
  x: number,
  bp: Float64Array,
  y: number,
  kc: number,
  tile: Float64Array,
): void {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0,
    c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0,
    c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  for (let p = 0; p < kc; p++, x += 4, y += 4) {
    const a0 = ap[x],
      a1 = ap[x + 1],
      a2 = ap[x + 2],
      a3 = ap[x + 3];
    const b0 = bp[y],
      b1 = bp[y + 1],
      b2 = bp[y + 2],
      b3 = bp[y + 3];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
  }
  tile[0] = c00;
  tile[1] = c01;
  tile[2] = c02;
  tile[3] = c03;
  tile[4] = c10;
  tile[5] = c11;
  tile[6] = c12;
  tile[7] = c13;
  tile[8] = c20;
  tile[9] = c21;
  tile[10] = c22;
  tile[11] = c23;
  tile[12] = c30;
  tile[13] = c31;
  tile[14] = c32;
  tile[15] = c33;
}

/** The view's elements as one run of `a.data` when `axes` keep its order and it is contiguous. */
function inOrder(a: NDArray, axes: readonly number[]): ArrayLike<number | bigint> | undefined {
  if (!a.isContiguous || axes.some((ax, i) => ax !== i)) return undefined;
  return a.data.subarray(a.offset, a.offset + a.size);
}

/** Positions in `a.data` of a view's elements in the order of `axes` (a transposed C-order walk). */
function elementOrder(a: NDArray, axes: readonly number[]): Float64Array {
  const shape = axes.map((ax) => a.shape[ax]);
  const strides = axes.map((ax) => a.strides[ax]);
  const n = shape.reduce((s, v) => s * v, 1);
  const out = new Float64Array(n);
  if (n === 0) return out;
  const idx = new Array<number>(shape.length).fill(0);
  let p = a.offset;
  for (let i = 0; i < n; i++) {
    out[i] = p;
    for (let ax = shape.length - 1; ax >= 0; ax--) {
      p += strides[ax];
      if (++idx[ax] < shape[ax]) break;
      p -= strides[ax] * shape[ax];
      idx[ax] = 0;
    }
  }
  return out;
}

/**
 * The elements of a view in the order of `axes` (a transposed C-order copy), as float64 (or as
 * int32, wrapping modulo 2^32, for the narrow integer products).
 */
function gather(a: NDArray, axes: readonly number[]): Float64Array;
function gather(a: NDArray, axes: readonly number[], Out: Int32ArrayConstructor): Int32Array;
function gather(
  a: NDArray,
  axes: readonly number[],
  Out: Float64ArrayConstructor | Int32ArrayConstructor = Float64Array,
): Float64Array | Int32Array {
  const d = a.data;
  const bigints = d instanceof BigInt64Array || d instanceof BigUint64Array;
  const run = inOrder(a, axes);
  if (run && !bigints) {
    const out = new Out(a.size);
    out.set(run as ArrayLike<number>);
    return out;
  }
  const order = elementOrder(a, axes);
  const out = new Out(order.length);
  const values = d as ArrayLike<number | bigint>;
  for (let i = 0; i < order.length; i++) out[i] = Number(values[order[i]]);
  return out;
}

/**
 * The elements of a view in the order of `axes` as two's-complement int64 words: uint64 values
 * keep their bits (products and sums modulo 2^64 are the same for both), narrower integers and
 * bools are sign- or zero-extended.
 */
export function gatherInt64(a: NDArray, axes: readonly number[]): BigInt64Array {
  const d = a.data;
  const run = inOrder(a, axes);
  if (run && (d instanceof BigInt64Array || d instanceof BigUint64Array)) {
    const out = allocate("int64", a.size);
    out.set(run as BigInt64Array);
    return out;
  }
  const order = elementOrder(a, axes);
  const out = allocate("int64", order.length);
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) {
    for (let i = 0; i < order.length; i++) out[i] = d[order[i]];
  } else {
    const nums = d as ArrayLike<number>;
    for (let i = 0; i < order.length; i++) out[i] = BigInt(nums[order[i]]);
  }
  return out;
}

/**
 * Writes float64 values into a new array of a number-stored `dtype` (bool: non-zero is true;
 * narrow integers wrap). int64/uint64 products never pass through float64 ({@link castInt64}).
 */
export function castFloat64(values: Float64Array, dtype: DType, shape: readonly number[]): NDArray {
  if (dtype === "float64") return new NDArray("float64", values, [...shape]);
  const out = allocate(dtype, values.length) as any;
  if (dtype === "bool") for (let i = 0; i < values.length; i++) out[i] = values[i] !== 0 ? 1 : 0;
  else out.set(values);
  return new NDArray(dtype, out, [...shape]);
}

/**
 * Integer dtypes narrower than 64 bits. NumPy multiplies and adds them in the dtype itself,
 * wrapping; products computed modulo 2^32 (int32 arithmetic) and then truncated to the dtype give
 * the same bits. Float64 products would round past 2^53 and then saturate on the cast.
 */
export function wrapsIn32(dtype: DType): boolean {
  const kind = dtypeKind(dtype);
  return (kind === "int" || kind === "uint") && !is64BitInt(dtype);
}

/** `C += A·B` for row-major int32 matrices, modulo 2^32. */
function gemmInt32(A: Int32Array, B: Int32Array, C: Int32Array, m: number, k: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let p = 0; p < k; p++) {
      const aip = A[i * k + p];
      if (aip === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) C[row + j] = (C[row + j] + Math.imul(aip, B[bp + j])) | 0;
    }
  }
}

/** Int32 residues into a new array of the narrow integer `dtype` (typed-array stores truncate). */
export function castInt32(values: Int32Array, dtype: DType, shape: readonly number[]): NDArray {
  const out = allocate(dtype, values.length) as Int32Array;
  out.set(values);
  return new NDArray(dtype, out, [...shape]);
}

/**
 * `C += A·B` for row-major int64 words, modulo 2^64 as NumPy's int64 and uint64 products wrap.
 * `BigInt.asIntN(64, …)` around each multiply-add lets V8 compute in machine words.
 */
function gemmInt64(
  A: BigInt64Array,
  B: BigInt64Array,
  C: BigInt64Array,
  m: number,
  k: number,
  n: number,
): void {
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let p = 0; p < k; p++) {
      const aip = A[i * k + p];
      if (aip === 0n) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) C[row + j] = BigInt.asIntN(64, C[row + j] + aip * B[bp + j]);
    }
  }
}

/** Int64 words as a block of `dtype` (int64, or uint64 reading the same bits). */
export function castInt64(values: BigInt64Array, dtype: DType, shape: readonly number[]): NDArray {
  const data =
    dtype === "uint64" ? new BigUint64Array(values.buffer, values.byteOffset, values.length) : values;
  return new NDArray(dtype, data, [...shape]);
}

/**
 * The dtype in which partial products are kept until summed: int32 residues for narrow integers,
 * the result's own 64-bit words for int64/uint64 (both wrap, so the sum is exact modulo 2^bits
 * whatever the chunking), float64 otherwise.
 */
export function partialDType(dtype: DType): DType {
  if (wrapsIn32(dtype)) return "int32";
  return is64BitInt(dtype) ? dtype : "float64";
}

/** Params of `linalg.tensordot`: contracted axes of each block, in pairing order. */
export interface TensordotParams {
  readonly axesA: readonly number[];
  readonly axesB: readonly number[];
  readonly dtype: DType;
}

/** NumPy's tensordot of two blocks: free axes of `a`, then free axes of `b`. */
export function tensordotBlocks(a: NDArray, b: NDArray, p: TensordotParams): NDArray {
  const freeA = a.shape.map((_, ax) => ax).filter((ax) => !p.axesA.includes(ax));
  const freeB = b.shape.map((_, ax) => ax).filter((ax) => !p.axesB.includes(ax));
  const m = freeA.reduce((s, ax) => s * a.shape[ax], 1);
  const k = p.axesA.reduce((s, ax) => s * a.shape[ax], 1);
  const n = freeB.reduce((s, ax) => s * b.shape[ax], 1);
  const shape = [...freeA.map((ax) => a.shape[ax]), ...freeB.map((ax) => b.shape[ax])];
  if (wrapsIn32(p.dtype)) {
    const C = new Int32Array(m * n);
    gemmInt32(
      gather(a, [...freeA, ...p.axesA], Int32Array),
      gather(b, [...p.axesB, ...freeB], Int32Array),
      C,
      m,
      k,
      n,
    );
    return castInt32(C, p.dtype, shape);
  }
  if (is64BitInt(p.dtype)) {
    const C = allocate("int64", m * n);
    gemmInt64(gatherInt64(a, [...freeA, ...p.axesA]), gatherInt64(b, [...p.axesB, ...freeB]), C, m, k, n);
    return castInt64(C, p.dtype, shape);
  }
  const A = gather(a, [...freeA, ...p.axesA]);
  const B = gather(b, [...p.axesB, ...freeB]);
  const C = new Float64Array(m * n);
  gemm(A, B, C, m, k, n);
  return castFloat64(C, p.dtype, shape);
}

/** Params of `linalg.matmul`: blocks are `[...batch, m, k]` and `[...batch, k, n]` with equal batch shapes. */
export interface MatmulParams {
  readonly dtype: DType;
}

/** Batched matrix product of two blocks. */
export function matmulBlocks(a: NDArray, b: NDArray, p: MatmulParams): NDArray {
  const nd = a.ndim;
  const batch = a.shape.slice(0, nd - 2);
  const [m, k] = a.shape.slice(nd - 2);
  const n = b.shape[nd - 1];
  const nb = batch.reduce((s, v) => s * v, 1);
  if (wrapsIn32(p.dtype)) {
    const A = gather(a, [...Array(nd).keys()], Int32Array);
    const B = gather(b, [...Array(nd).keys()], Int32Array);
    const C = new Int32Array(nb * m * n);
    for (let t = 0; t < nb; t++) {
      gemmInt32(A.subarray(t * m * k), B.subarray(t * k * n), C.subarray(t * m * n), m, k, n);
    }
    return castInt32(C, p.dtype, [...batch, m, n]);
  }
  if (is64BitInt(p.dtype)) {
    const A = gatherInt64(a, [...Array(nd).keys()]);
    const B = gatherInt64(b, [...Array(nd).keys()]);
    const C = allocate("int64", nb * m * n);
    for (let t = 0; t < nb; t++) {
      gemmInt64(A.subarray(t * m * k), B.subarray(t * k * n), C.subarray(t * m * n), m, k, n);
    }
    return castInt64(C, p.dtype, [...batch, m, n]);
  }
  const A = gather(a, [...Array(nd).keys()]);
  const B = gather(b, [...Array(nd).keys()]);
  const C = new Float64Array(nb * m * n);
  for (let t = 0; t < nb; t++) {
    gemm(A.subarray(t * m * k), B.subarray(t * k * n), C.subarray(t * m * n), m, k, n);
  }
  return castFloat64(C, p.dtype, [...batch, m, n]);
}

/**
 * Elementwise sum of partial products (all of one shape), cast to `dtype`: int64/uint64 partials
 * add modulo 2^64; others add in float64, where int32 residues of narrow integer products add
 * exactly (far below 2^53) and wrap on the cast.
 */
export function sumBlocks(inputs: readonly NDArray[], dtype: DType): NDArray {
  const first = inputs[0];
  const axes = [...Array(first.ndim).keys()];
  if (is64BitInt(dtype)) {
    const acc = gatherInt64(first, axes);
    for (let s = 1; s < inputs.length; s++) {
      const v = gatherInt64(inputs[s], axes);
      for (let i = 0; i < acc.length; i++) acc[i] = BigInt.asIntN(64, acc[i] + v[i]);
    }
    return castInt64(acc, dtype, first.shape);
  }
  const acc = gather(first, axes);
  for (let s = 1; s < inputs.length; s++) {
    const v = gather(inputs[s], axes);
    for (let i = 0; i < acc.length; i++) acc[i] += v[i];
  }
  return castFloat64(acc, dtype, first.shape);
}

/** Householder QR of a row-major m×n matrix (m >= n): Q (m×n, orthonormal columns), R (n×n, non-negative diagonal). */
export function householderQR(A: Float64Array, m: number, n: number): { q: Float64Array; r: Float64Array } {
  const R = Float64Array.from(A);
  const vs: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const v = new Float64Array(m);
    let norm = 0;
    for (let i = j; i < m; i++) norm += R[i * n + j] * R[i * n + j];
    norm = Math.sqrt(norm);
    const alpha = R[j * n + j] > 0 ? -norm : norm;
    for (let i = j; i < m; i++) v[i] = R[i * n + j];
    v[j] -= alpha;
    let vv = 0;
    for (let i = j; i < m; i++) vv += v[i] * v[i];
    vs.push(v);
    if (vv === 0) continue;
    for (let c = j; c < n; c++) {
      let dot = 0;
      for (let i = j; i < m; i++) dot += v[i] * R[i * n + c];
      const f = (2 * dot) / vv;
      for (let i = j; i < m; i++) R[i * n + c] -= f * v[i];
    }
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity.
  const Q = new Float64Array(m * n);
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  for (let j = n - 1; j >= 0; j--) {
    const v = vs[j];
    let vv = 0;
    for (let i = j; i < m; i++) vv += v[i] * v[i];
    if (vv === 0) continue;
    for (let c = 0; c < n; c++) {
      let dot = 0;
      for (let i = j; i < m; i++) dot += v[i] * Q[i * n + c];
      const f = (2 * dot) / vv;
      for (let i = j; i < m; i++) Q[i * n + c] -= f * v[i];
    }
  }
  const r = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const sign = R[i * n + i] < 0 ? -1 : 1;
    for (let c = i; c < n; c++) r[i * n + c] = sign * R[i * n + c];
    for (let row = 0; row < m; row++) Q[row * n + i] *= sign;
  }
  return { q: Q, r };
}

/** Stage 1 of TSQR: a block's Q (m×n) and R (n×n), packed as rows `[Q; R]`. */
export function tsqrBlock(a: NDArray): NDArray<"float64"> {
  const [m, n] = a.shape;
  const { q, r } = householderQR(gather(a, [0, 1]), m, n);
  const out = new Float64Array((m + n) * n);
  out.set(q);
  out.set(r, m * n);
  return new NDArray("float64", out, [m + n, n]);
}

/** Params of the TSQR stages. */
export interface TsqrParams {
  readonly n: number;
  /** Row counts of the blocks, in order. */
  readonly rows: readonly number[];
  /** Block this Q task finishes. */
  readonly block?: number;
}

/** Stage 2: QR of the stacked block R factors, packed `[Q2 (P·n × n); R (n×n)]`. */
export function tsqrReduce(packed: readonly NDArray[], p: TsqrParams): NDArray<"float64"> {
  const { n } = p;
  const P = packed.length;
  const stack = new Float64Array(P * n * n);
  for (let i = 0; i < P; i++) {
    const d = packed[i].data as Float64Array;
    stack.set(d.subarray(p.rows[i] * n, (p.rows[i] + n) * n), i * n * n);
  }
  const { q, r } = householderQR(stack, P * n, n);
  const out = new Float64Array((P * n + n) * n);
  out.set(q);
  out.set(r, P * n * n);
  return new NDArray("float64", out, [P * n + n, n]);
}

/** Stage 3: the final Q rows of one block, `Q_i · Q2_i`. */
export function tsqrQ(block: NDArray, reduced: NDArray, p: TsqrParams): NDArray<"float64"> {
  const { n } = p;
  const i = p.block ?? 0;
  const m = p.rows[i];
  const qi = (block.data as Float64Array).subarray(0, m * n);
  const q2 = (reduced.data as Float64Array).subarray(i * n * n, (i + 1) * n * n);
  const out = new Float64Array(m * n);
  gemm(qi, q2, out, m, n, n);
  return new NDArray("float64", out, [m, n]);
}

/** The R factor out of stage 2's packed result. */
export function tsqrR(reduced: NDArray, p: TsqrParams): NDArray<"float64"> {
  const { n } = p;
  const P = p.rows.length;
  return new NDArray("float64", (reduced.data as Float64Array).slice(P * n * n, (P * n + n) * n), [n, n]);
}

/** Solves `R x = y` for upper-triangular `R` (n×n) and `y` (n or n×k). */
export function solveUpper(r: NDArray, y: NDArray): NDArray<"float64"> {
  const n = r.shape[0];
  const R = gather(r, [0, 1]);
  const k = y.ndim === 1 ? 1 : y.shape[1];
  const X = gather(y, [...Array(y.ndim).keys()]);
  for (let c = 0; c < k; c++) {
    for (let i = n - 1; i >= 0; i--) {
      let s = X[i * k + c];
      for (let j = i + 1; j < n; j++) s -= R[i * n + j] * X[j * k + c];
      X[i * k + c] = s / R[i * n + i];
    }
  }
  return new NDArray("float64", X, [...y.shape]);
}

/** Solves `A x = b` by LU with partial pivoting (LAPACK gesv's method). */
export function luSolve(a: NDArray, b: NDArray): NDArray<"float64"> {
  const n = a.shape[0];
  const A = gather(a, [0, 1]);
  const k = b.ndim === 1 ? 1 : b.shape[1];
  const X = gather(b, [...Array(b.ndim).keys()]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(A[i * n + c]) > Math.abs(A[piv * n + c])) piv = i;
    if (A[piv * n + c] === 0) throw new RangeError("Singular matrix");
    if (piv !== c) {
      for (let j = 0; j < n; j++) [A[c * n + j], A[piv * n + j]] = [A[piv * n + j], A[c * n + j]];
      for (let j = 0; j < k; j++) [X[c * k + j], X[piv * k + j]] = [X[piv * k + j], X[c * k + j]];
    }
    for (let i = c + 1; i < n; i++) {
      const f = A[i * n + c] / A[c * n + c];
      if (f === 0) continue;
      for (let j = c; j < n; j++) A[i * n + j] -= f * A[c * n + j];
      for (let j = 0; j < k; j++) X[i * k + j] -= f * X[c * k + j];
    }
  }
  return solveUpper(new NDArray("float64", A, [n, n]), new NDArray("float64", X, [...b.shape]));
}

/** Lower Cholesky factor of a symmetric positive-definite matrix. */
export function cholesky(a: NDArray): NDArray<"float64"> {
  const n = a.shape[0];
  const A = gather(a, [0, 1]);
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j];
    for (let p = 0; p < j; p++) d -= L[j * n + p] * L[j * n + p];
    if (!(d > 0)) throw new RangeError("Matrix is not positive definite");
    const ljj = Math.sqrt(d);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j];
      for (let p = 0; p < j; p++) s -= L[i * n + p] * L[j * n + p];
      L[i * n + j] = s / ljj;
    }
  }
  return new NDArray("float64", L, [n, n]);
}

export const tensordotKernel = defineKernel("linalg.tensordot", ([a, b], p: TensordotParams) =>
  tensordotBlocks(a, b, p),
);
export const matmulKernel = defineKernel("linalg.matmul", ([a, b], p: MatmulParams) => matmulBlocks(a, b, p));
export const sumKernel = defineKernel("linalg.sum", (inputs, p: { dtype: DType }) =>
  sumBlocks(inputs, p.dtype),
);
export const tsqrBlockKernel = defineKernel("linalg.tsqr.block", ([a]) => tsqrBlock(a));
export const tsqrReduceKernel = defineKernel("linalg.tsqr.reduce", (inputs, p: TsqrParams) =>
  tsqrReduce(inputs, p),
);
export const tsqrQKernel = defineKernel("linalg.tsqr.q", ([b, r], p: TsqrParams) => tsqrQ(b, r, p));
export const tsqrRKernel = defineKernel("linalg.tsqr.r", ([r], p: TsqrParams) => tsqrR(r, p));
export const solveUpperKernel = defineKernel("linalg.solveUpper", ([r, y]) => solveUpper(r, y));
export const luSolveKernel = defineKernel("linalg.luSolve", ([a, b]) => luSolve(a, b));
export const choleskyKernel = defineKernel("linalg.cholesky", ([a]) => cholesky(a));
