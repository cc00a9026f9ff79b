/**
 * Cumulative sums and products as blocked scans (dask's `cumreduction` with a sequential carry):
 * each block is scanned on its own, the last slice of each block feeds a chain of small carry
 * tasks, and each block adds (multiplies) its carry. Blocks stream: block i needs only its local
 * scan and carry i.
 */
import { type DType, dtypeKind } from "../dtype/dtypes.js";
import { fmt, InvalidArgumentError } from "../errors.js";
import { axisOptions } from "../index/axis.js";
import { reduceResultDType, type SumDType } from "../ops/reductions.js";
import { astype } from "./elementwise.js";
import { blockKey } from "../graph/task.js";
import { identity } from "../kernels/core.js";
import { task } from "../kernels/registry.js";
import {
  type ScanParams,
  scanApplyKernel,
  scanCarryKernel,
  scanLastKernel,
  scanLocalKernel,
} from "../kernels/scan.js";
import { blockLayer, normalizeOneAxis } from "./block-layer.js";
import type { ChunkedArray } from "./chunked-array.js";
import { ravel } from "./reshape.js";

/** Options of the scans. */
export interface ScanOptions {
  /** Axis to accumulate along; `null` (default) for the flattened array. */
  axis?: number | null;
}

/** The scan's axis given positionally, as NumPy allows: `x.cumsum(0)` is `x.cumsum({ axis: 0 })`. */
export type ScanAxis = number | null;

/** NumPy's cumsum/cumprod dtype: floats keep theirs, unsigned integers give uint64, bool and signed int64. */
export type ScanDType<D extends DType> = SumDType<D>;

function scan<D extends DType>(
  x: ChunkedArray<D>,
  op: "sum" | "prod",
  skipNaN: boolean,
  optionsOrAxis: ScanOptions | ScanAxis,
  fn: string,
): ChunkedArray<ScanDType<D>> {
  const options: ScanOptions = axisOptions(fn, optionsOrAxis);
  if (options.axis !== undefined && options.axis !== null && typeof options.axis !== "number") {
    throw new InvalidArgumentError(`${fn}: axis must be an integer or null. Got axis=${fmt(options.axis)}.`);
  }
  const flat = options.axis === null || options.axis === undefined;
  const dtype = reduceResultDType("sum", x.dtype) as ScanDType<D>;
  // Integers scan in int64/uint64 (BigInt, wrapping as NumPy), so the input is cast first.
  const cast: ChunkedArray = x.dtype === dtype || dtypeKind(dtype) === "float" ? x : astype(x, dtype);
  const src = flat ? (cast.ndim === 1 ? cast : ravel(cast)) : cast;
  const axis = flat ? 0 : normalizeOneAxis(options.axis as number, x.ndim);
  // Blocks carry their last slice forward, so block sizes may be unknown (a masked array).
  const params: ScanParams = { axis, op, skipNaN, dtype };
  const local = blockLayer(`${fn}-local`, params, [src], src.chunks, dtype, (idx, key) =>
    task(scanLocalKernel, key, [src.key(idx)], params),
  );
  if (src.chunks[axis].length <= 1) return local;
  const lastChunks = src.chunks.map((c, ax) => (ax === axis ? c.map(() => 1) : [...c]));
  const last = blockLayer(`${fn}-last`, params, [local], lastChunks, dtype, (idx, key) =>
    task(scanLastKernel, key, [local.key(idx)], params),
  );
  // carry[i] = op(carry[i-1], last[i-1]); carry[1] = last[0]. Block 0 of the carry layer is unused.
  const carry = blockLayer(`${fn}-carry`, params, [last], lastChunks, dtype, (idx, key, self) => {
    const i = idx[axis];
    const along = (j: number) => idx.map((v, ax) => (ax === axis ? j : v));
    if (i <= 1) return task(identity, key, [last.key(along(0))]);
    return task(scanCarryKernel, key, [blockKey(self, along(i - 1)), last.key(along(i - 1))], params);
  });
  return blockLayer(fn, params, [local, carry], src.chunks, dtype, (idx, key) =>
    idx[axis] === 0
      ? task(identity, key, [local.key(idx)])
      : task(scanApplyKernel, key, [carry.key(idx), local.key(idx)], params),
  );
}

/**
 * Cumulative sum along an axis (flattened when `axis` is `null`). Integer and bool input give
 * int64 (uint64 for unsigned), wrapping modulo 2^64 as NumPy; float32 stays float32 and
 * accumulates in float32.
 *
 * @example
 * ```ts
 * await ca.cumsum(ca.arange(5, { chunks: 2 })).compute(); // array([0., 1., 3., 6., 10.])
 * ```
 * @see numpy.cumsum, dask.array.cumsum
 */
export function cumsum<D extends DType>(
  x: ChunkedArray<D>,
  options: ScanOptions | ScanAxis = {},
): ChunkedArray<ScanDType<D>> {
  return scan(x, "sum", false, options, "cumsum");
}

/** Cumulative product along an axis; see {@link cumsum}. @see numpy.cumprod, dask.array.cumprod */
export function cumprod<D extends DType>(
  x: ChunkedArray<D>,
  options: ScanOptions | ScanAxis = {},
): ChunkedArray<ScanDType<D>> {
  return scan(x, "prod", false, options, "cumprod");
}

/** {@link cumsum} with NaN counted as zero. @see numpy.nancumsum, dask.array.nancumsum */
export function nancumsum<D extends DType>(
  x: ChunkedArray<D>,
  options: ScanOptions | ScanAxis = {},
): ChunkedArray<ScanDType<D>> {
  return scan(x, "sum", true, options, "nancumsum");
}

/** {@link cumprod} with NaN counted as one. @see numpy.nancumprod, dask.array.nancumprod */
export function nancumprod<D extends DType>(
  x: ChunkedArray<D>,
  options: ScanOptions | ScanAxis = {},
): ChunkedArray<ScanDType<D>> {
  return scan(x, "prod", true, options, "nancumprod");
}
