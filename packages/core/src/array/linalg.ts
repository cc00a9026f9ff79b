/**
 * Linear algebra on chunked arrays.
 *
 * - `tensordot`/`matmul`/`dot` are blocked: one task per (output block, contracted block) pair
 *   computes a partial product, and partials are summed in a tree of at most `splitEvery` per
 *   task (dask's `tensordot` + reduction). No task holds more than two input blocks and
 *   `splitEvery` output-sized partials.
 * - `linalg.qr` is the direct TSQR of tall-and-skinny arrays (QR per row block, QR of the stacked
 *   R factors, Q blocks multiplied back); `linalg.lstsq` builds on it (`R x = Qᵀ b`).
 * - `linalg.solve`, `linalg.inv` and `linalg.cholesky` factorise the (square) matrix in one task.
 */
import { resultType } from "../dtype/promote.js";
import { fmt, InvalidArgumentError, UnsupportedError } from "../errors.js";
import {
  choleskyKernel,
  luSolveKernel,
  type MatmulParams,
  matmulKernel,
  partialDType,
  solveUpperKernel,
  type TensordotParams,
  type TsqrParams,
  tensordotKernel,
  tsqrBlockKernel,
  tsqrQKernel,
  tsqrRKernel,
  tsqrReduceKernel,
} from "../kernels/linalg.js";
import { task } from "../kernels/registry.js";
import { blockLayer, normalizeOneAxis, requireKnownChunks, singleTask, sumPartials } from "./block-layer.js";
import { blockIndices, type ChunkedArray } from "./chunked-array.js";
import { eye } from "./creation-fill.js";
import * as ew from "./elementwise.js";
import * as ufuncs from "./ufuncs.js";
import { expandDims, squeeze } from "./joining.js";
import * as red from "./named-reductions.js";
import { DEFAULT_SPLIT_EVERY } from "./reductions.js";
import { commonBlockdim, rechunk } from "./rechunk.js";
import { ravel } from "./reshape.js";

/** Options of the blocked products. */
export interface ProductOptions {
  /** Most partial products summed by one task. Default {@link DEFAULT_SPLIT_EVERY}. */
  splitEvery?: number;
}

/** `splitEvery` checked: an integer >= 2. */
export function checkSplit(split: number): number {
  if (!(Number.isInteger(split) && split >= 2)) {
    throw new InvalidArgumentError(`splitEvery must be an integer >= 2. Got splitEvery=${fmt(split)}.`);
  }
  return split;
}

/** Axes pairs of {@link tensordot}: a count `n` (last n of `a` with first n of `b`) or two lists. */
export type TensordotAxes = number | readonly [number | readonly number[], number | readonly number[]];

/**
 * Sum of products over the paired axes (NumPy's `tensordot`); the result has `a`'s free axes then
 * `b`'s. Paired axes are rechunked to common blocks; partial products are tree-summed. Integer
 * products and sums wrap in their dtype as NumPy's (int64/uint64 modulo 2^64, exact past 2^53).
 *
 * @example
 * ```ts
 * ca.tensordot(a, b, [[1, 2], [1, 0]]);
 * ca.tensordot(a, b, 1); // matrix product for 2-d a, b
 * ```
 * @see numpy.tensordot, dask.array.tensordot
 */
export function tensordot(
  a: ChunkedArray,
  b: ChunkedArray,
  axes: TensordotAxes = 2,
  options: ProductOptions = {},
): ChunkedArray {
  const split = checkSplit(options.splitEvery ?? DEFAULT_SPLIT_EVERY);
  let axesA: number[];
  let axesB: number[];
  if (typeof axes === "number") {
    if (!Number.isInteger(axes) || axes < 0 || axes > a.ndim || axes > b.ndim) {
      throw new InvalidArgumentError(
        `axes must be an integer in [0, min(a.ndim, b.ndim)]. Got axes=${axes}, a.ndim=${a.ndim}, b.ndim=${b.ndim}.`,
      );
    }
    axesA = Array.from({ length: axes }, (_, i) => a.ndim - axes + i);
    axesB = Array.from({ length: axes }, (_, i) => i);
  } else {
    if (
      !Array.isArray(axes) ||
      axes.length !== 2 ||
      !axes.every((v) => typeof v === "number" || Array.isArray(v))
    ) {
      throw new InvalidArgumentError(
        `axes must be a count or a pair of axis lists, e.g. [[1], [0]]. Got axes=${fmt(axes)}.`,
      );
    }
    const l = (v: number | readonly number[]) => (typeof v === "number" ? [v] : [...v]);
    axesA = l(axes[0]).map((ax) => normalizeOneAxis(ax, a.ndim, "axes[0]"));
    axesB = l(axes[1]).map((ax) => normalizeOneAxis(ax, b.ndim, "axes[1]"));
  }
  if (axesA.length !== axesB.length) {
    throw new InvalidArgumentError(
      `shape-mismatch for sum: axes lists differ in length. Got axes=${fmt(axes)}.`,
    );
  }
  requireKnownChunks(a, "tensordot");
  requireKnownChunks(b, "tensordot");
  axesA.forEach((ax, i) => {
    if (a.shape[ax] !== b.shape[axesB[i]]) {
      throw new InvalidArgumentError(
        `shape-mismatch for sum: a axis ${ax} has length ${a.shape[ax]}, b axis ${axesB[i]} has ${b.shape[axesB[i]]}. Got shapes ${fmt(a.shape)} and ${fmt(b.shape)}.`,
      );
    }
  });
  // Paired axes get common blocks.
  const common = axesA.map((ax, i) => commonBlockdim([a.chunks[ax], b.chunks[axesB[i]]]));
  const ra = rechunk(
    a,
    a.chunks.map((c, ax) => (axesA.includes(ax) ? common[axesA.indexOf(ax)] : [...c])),
  );
  const rb = rechunk(
    b,
    b.chunks.map((c, ax) => (axesB.includes(ax) ? common[axesB.indexOf(ax)] : [...c])),
  );
  const freeA = a.chunks.map((_, ax) => ax).filter((ax) => !axesA.includes(ax));
  const freeB = b.chunks.map((_, ax) => ax).filter((ax) => !axesB.includes(ax));
  const outChunks = [...freeA.map((ax) => [...ra.chunks[ax]]), ...freeB.map((ax) => [...rb.chunks[ax]])];
  const dtype = resultType(a.dtype, b.dtype);
  const kGrid = common.map((c) => c.length);
  const kIdx = blockIndices(kGrid);
  const params: TensordotParams = { axesA, axesB, dtype: kIdx.length === 1 ? dtype : partialDType(dtype) };
  return sumPartials(
    "tensordot",
    [axesA, axesB],
    [ra, rb],
    outChunks,
    dtype,
    kIdx.length,
    split,
    (out, k, key) => {
      const ia = new Array<number>(a.ndim);
      const ib = new Array<number>(b.ndim);
      freeA.forEach((ax, i) => {
        ia[ax] = out[i];
      });
      freeB.forEach((ax, i) => {
        ib[ax] = out[freeA.length + i];
      });
      axesA.forEach((ax, i) => {
        ia[ax] = kIdx[k][i];
        ib[axesB[i]] = kIdx[k][i];
      });
      return task(tensordotKernel, key, [ra.key(ia), rb.key(ib)], params);
    },
  );
}

/**
 * The matrix product with NumPy's `@` rules: 1-d operands are promoted to a matrix and the
 * added axis removed; stacks of matrices (same leading shape) multiply pairwise.
 *
 * @example
 * ```ts
 * const c = ca.matmul(a, b); // a: [n, k], b: [k, m] -> [n, m]
 * ```
 * @see numpy.matmul, dask.array.matmul
 */
export function matmul(a: ChunkedArray, b: ChunkedArray, options: ProductOptions = {}): ChunkedArray {
  if (a.ndim === 0 || b.ndim === 0) {
    throw new InvalidArgumentError(
      `matmul: Input operand does not have enough dimensions. Got shapes ${fmt(a.shape)} and ${fmt(b.shape)}; use multiply for scalars.`,
    );
  }
  if (a.ndim === 1 && b.ndim === 1) return tensordot(a, b, 1, options);
  if (a.ndim === 1) return squeeze(matmul(expandDims(a, { axis: 0 }), b, options), { axis: -2 });
  if (b.ndim === 1) return squeeze(matmul(a, expandDims(b, { axis: 1 }), options), { axis: -1 });
  if (a.ndim === 2 && b.ndim === 2) return tensordot(a, b, [[1], [0]], options);
  const batch = a.shape.slice(0, -2);
  if (a.ndim !== b.ndim || b.shape.slice(0, -2).some((n, i) => n !== batch[i])) {
    throw new UnsupportedError(
      "broadcast matmul",
      `matmul of stacks needs equal leading shapes. Got shapes ${fmt(a.shape)} and ${fmt(b.shape)}; broadcastTo both to one leading shape first.`,
    );
  }
  if (a.shape[a.ndim - 1] !== b.shape[b.ndim - 2]) {
    throw new InvalidArgumentError(
      `matmul: Input operand 1 has a mismatch in its core dimension 0. Got shapes ${fmt(a.shape)} and ${fmt(b.shape)}.`,
    );
  }
  requireKnownChunks(a, "matmul");
  requireKnownChunks(b, "matmul");
  const split = checkSplit(options.splitEvery ?? DEFAULT_SPLIT_EVERY);
  const nd = a.ndim;
  const batchChunks = batch.map((_, ax) => commonBlockdim([a.chunks[ax], b.chunks[ax]]));
  const kChunks = commonBlockdim([a.chunks[nd - 1], b.chunks[nd - 2]]);
  const ra = rechunk(a, [...batchChunks, [...a.chunks[nd - 2]], kChunks]);
  const rb = rechunk(b, [...batchChunks, kChunks, [...b.chunks[nd - 1]]]);
  const outChunks = [...batchChunks, [...ra.chunks[nd - 2]], [...rb.chunks[nd - 1]]];
  const dtype = resultType(a.dtype, b.dtype);
  const params: MatmulParams = { dtype: kChunks.length === 1 ? dtype : partialDType(dtype) };
  return sumPartials("matmul", null, [ra, rb], outChunks, dtype, kChunks.length, split, (out, k, key) =>
    task(
      matmulKernel,
      key,
      [ra.key([...out.slice(0, nd - 1), k]), rb.key([...out.slice(0, nd - 2), k, out[nd - 1]])],
      params,
    ),
  );
}

/**
 * NumPy's `dot`: inner product of vectors, matrix product of matrices, and for N-d a sum over the
 * last axis of `a` and the second-to-last of `b`.
 *
 * @see numpy.dot, dask.array.dot
 */
export function dot(a: ChunkedArray, b: ChunkedArray, options: ProductOptions = {}): ChunkedArray {
  if (a.ndim === 0 || b.ndim === 0) return ufuncs.multiply(a, b);
  return tensordot(a, b, [[a.ndim - 1], [b.ndim === 1 ? 0 : b.ndim - 2]], options);
}

/**
 * The outer product of two vectors (flattened first): `out[i, j] = a[i] * b[j]`.
 *
 * @see numpy.outer, dask.array.outer
 */
export function outer(a: ChunkedArray, b: ChunkedArray): ChunkedArray {
  return ufuncs.multiply(expandDims(ravel(a), { axis: 1 }), expandDims(ravel(b), { axis: 0 }));
}

/** Options of {@link norm}. */
export interface NormOptions {
  /** Norm order: vector `null`/2, ±Infinity, 0, 1, any p; matrix `null`/"fro", 1, -1, ±Infinity. */
  ord?: number | "fro" | null;
  /** An axis (vector norm) or two axes (matrix norm); `null`: the whole array (2-d: matrix norm). */
  axis?: number | readonly [number, number] | null;
  /** Keep the reduced axes. Default false. */
  keepdims?: boolean;
}

/**
 * Vector and matrix norms as reductions (NumPy's `linalg.norm`). The 2-norm and nuclear norm of a
 * matrix need singular values and are not available: use the Frobenius norm or `linalg.qr`.
 *
 * @example
 * ```ts
 * ca.linalg.norm(x);                        // Frobenius / 2-norm
 * ca.linalg.norm(x, { ord: 1, axis: 1 });   // per-row 1-norms
 * ```
 * @see numpy.linalg.norm, dask.array.linalg.norm
 */
export function norm(x: ChunkedArray, options: NormOptions = {}): ChunkedArray {
  const ord = options.ord ?? null;
  const keepdims = options.keepdims ?? false;
  const ax = options.axis ?? null;
  const xf = x.dtype === "float32" || x.dtype === "float64" ? x : ew.astype(x, "float64");
  const abs = ufuncs.abs(xf);
  const matrix = (ax === null && x.ndim === 2) || (Array.isArray(ax) && ax.length === 2);
  if (!matrix) {
    const axis = ax === null ? null : normalizeOneAxis(ax as number, x.ndim);
    if (ax === null && x.ndim !== 1 && ord !== null) {
      throw new InvalidArgumentError(
        `Improper number of dimensions to norm. Got x shape=${fmt(x.shape)} with ord=${fmt(ord)}; give an axis.`,
      );
    }
    const o = { axis, keepdims };
    if (ord === null || ord === 2) return ufuncs.sqrt(red.sum(ufuncs.multiply(abs, abs), o));
    if (ord === Infinity) return red.max(abs, o);
    if (ord === -Infinity) return red.min(abs, o);
    if (ord === 0) return red.sum(ew.astype(ufuncs.notEqual(xf, 0), xf.dtype), o);
    if (ord === 1) return red.sum(abs, o);
    if (typeof ord !== "number")
      throw new InvalidArgumentError(`Invalid norm order for vectors. Got ord=${fmt(ord)}.`);
    return ufuncs.power(red.sum(ufuncs.power(abs, ord), o), 1 / ord);
  }
  const [r, c] = (
    ax === null ? [0, 1] : (ax as readonly number[]).map((a) => normalizeOneAxis(a, x.ndim))
  ) as [number, number];
  if (r === c) throw new InvalidArgumentError(`Duplicate axes given. Got axis=${fmt(ax)}.`);
  const both = { axis: [r, c], keepdims };
  if (ord === null || ord === "fro") return ufuncs.sqrt(red.sum(ufuncs.multiply(abs, abs), both));
  const colSums = (axis: number, other: number, pick: typeof red.max) => {
    const s = red.sum(abs, { axis, keepdims: true });
    const out = pick(s, { axis: other, keepdims: true });
    return keepdims ? out : squeeze(out, { axis: [r, c] });
  };
  if (ord === 1) return colSums(r, c, red.max);
  if (ord === -1) return colSums(r, c, red.min);
  if (ord === Infinity) return colSums(c, r, red.max);
  if (ord === -Infinity) return colSums(c, r, red.min);
  throw new UnsupportedError(
    "matrix norm order",
    `Matrix norms of order 2, -2 and "nuc" need singular values, which are not available. Got ord=${fmt(ord)}; use ord "fro", 1, -1 or ±Infinity, or compute() and use a dense SVD.`,
  );
}

/** `x` with its columns in one block (what TSQR needs), rows keeping their blocks. */
function tallSkinny(x: ChunkedArray, fn: string): ChunkedArray {
  if (x.ndim !== 2) throw new InvalidArgumentError(`${fn} needs a 2-d array. Got x shape=${fmt(x.shape)}.`);
  requireKnownChunks(x, fn);
  const n = x.shape[1];
  const src = x.chunks[1].length === 1 ? x : rechunk(x, [null, -1]);
  const short = src.chunks[0].findIndex((m) => m < n);
  if (short >= 0) {
    throw new InvalidArgumentError(
      `${fn} (TSQR) needs every row block at least as tall as the number of columns (${n}). Got row chunks=${fmt(src.chunks[0])}; rechunk rows to at least ${n}, e.g. x.rechunk([${Math.max(n, ...src.chunks[0])}, -1]).`,
    );
  }
  return src;
}

/**
 * QR factorisation of a tall-and-skinny matrix by direct TSQR: `x = q @ r` with `q` (m×n,
 * orthonormal columns, chunked like `x`'s rows) and `r` (n×n, upper triangular, non-negative
 * diagonal). Each row block must have at least n rows; columns are one block.
 *
 * @example
 * ```ts
 * const { q, r } = ca.linalg.qr(x); // x: [1_000_000, 10] in row blocks
 * ```
 * @see numpy.linalg.qr, dask.array.linalg.tsqr
 */
export function qr(x: ChunkedArray): { q: ChunkedArray<"float64">; r: ChunkedArray<"float64"> } {
  const src = tallSkinny(x, "qr");
  const n = src.shape[1];
  const rows = [...src.chunks[0]];
  const blocks = blockLayer("tsqr-block", null, [src], [rows.map((m) => m + n), [n]], "float64", ([i], key) =>
    task(tsqrBlockKernel, key, [src.key([i, 0])]),
  );
  const params: TsqrParams = { n, rows };
  const reduced = singleTask("tsqr-reduce", params, tsqrReduceKernel, blocks.keys(), params);
  const redKey = reduced.tasks[0].key;
  const q = blockLayer(
    "tsqr-q",
    params,
    [blocks],
    [rows, [n]],
    "float64",
    ([i], key) => task(tsqrQKernel, key, [blocks.key([i, 0]), redKey], { ...params, block: i }),
    [reduced],
  );
  const r = blockLayer(
    "tsqr-r",
    params,
    [blocks],
    [[n], [n]],
    "float64",
    (_, key) => task(tsqrRKernel, key, [redKey], params),
    [reduced],
  );
  return { q, r };
}

/**
 * Least-squares solution of `a x ≈ b` for tall-and-skinny `a`, from its TSQR: `r x = qᵀ b`
 * (`qᵀ b` is a blocked product). Returns `x` only (NumPy also returns residuals, rank and singular values).
 *
 * @see numpy.linalg.lstsq, dask.array.linalg.lstsq
 */
export function lstsq(a: ChunkedArray, b: ChunkedArray): ChunkedArray<"float64"> {
  if (b.ndim < 1 || b.ndim > 2 || b.shape[0] !== a.shape[0]) {
    throw new InvalidArgumentError(
      `lstsq: b must have a's rows (${a.shape[0]}) and 1 or 2 dimensions. Got b shape=${fmt(b.shape)}.`,
    );
  }
  const { q, r } = qr(a);
  const qtb = tensordot(q, rechunk(b, [q.chunks[0], ...b.chunks.slice(1).map(() => -1)]), [[0], [0]]);
  const y = b.ndim === 1 ? rechunk(qtb, [-1]) : rechunk(qtb, [-1, -1]);
  return blockLayer("lstsq", null, [r, y], y.chunks, "float64", (_, key) =>
    task(solveUpperKernel, key, [r.key([0, 0]), y.key(y.chunks.map(() => 0))]),
  );
}

function square(a: ChunkedArray, fn: string): ChunkedArray {
  if (a.ndim !== 2 || a.shape[0] !== a.shape[1]) {
    throw new InvalidArgumentError(
      `${fn}: Last 2 dimensions of the array must be square. Got a shape=${fmt(a.shape)}.`,
    );
  }
  requireKnownChunks(a, fn);
  return rechunk(a, [-1, -1]);
}

/**
 * Solves the square system `a x = b` (LU with partial pivoting; `a` is factorised in one task,
 * n² elements in memory). A singular `a` fails at compute with "Singular matrix".
 *
 * @see numpy.linalg.solve, dask.array.linalg.solve
 */
export function solve(a: ChunkedArray, b: ChunkedArray): ChunkedArray<"float64"> {
  const sa = square(a, "solve");
  if (b.ndim < 1 || b.ndim > 2 || b.shape[0] !== a.shape[0]) {
    throw new InvalidArgumentError(
      `solve: b must have a's rows (${a.shape[0]}) and 1 or 2 dimensions. Got b shape=${fmt(b.shape)}.`,
    );
  }
  requireKnownChunks(b, "solve");
  const sb = rechunk(
    b,
    b.chunks.map(() => -1),
  );
  return blockLayer("solve", null, [sa, sb], sb.chunks, "float64", (_, key) =>
    task(luSolveKernel, key, [sa.key([0, 0]), sb.key(sb.chunks.map(() => 0))]),
  );
}

/** The inverse of a square matrix (`solve(a, eye(n))`). @see numpy.linalg.inv */
export function inv(a: ChunkedArray): ChunkedArray<"float64"> {
  square(a, "inv");
  return solve(a, eye(a.shape[0], { chunks: -1 }));
}

/**
 * The lower Cholesky factor `l` of a symmetric positive-definite matrix (`a = l @ l.T`), in one
 * task. A matrix that is not positive definite fails at compute.
 *
 * @see numpy.linalg.cholesky, dask.array.linalg.cholesky
 */
export function cholesky(a: ChunkedArray): ChunkedArray<"float64"> {
  const sa = square(a, "cholesky");
  return blockLayer("cholesky", null, [sa], sa.chunks, "float64", (_, key) =>
    task(choleskyKernel, key, [sa.key([0, 0])]),
  );
}
