/**
 * Method sugar for the operations of the coverage files (mask, sort, scan, select, linalg, user
 * kernels), attached like `methods.ts`: one line over the free function of the same name, only
 * where NumPy's ndarray has the method.
 */
import type { DType } from "../dtype/dtypes.js";
import { ChunkedArray } from "./chunked-array.js";
import type { ComputeOptions } from "./compute.js";
import type { NDArray } from "../ndarray/ndarray.js";
import * as la from "./linalg.js";
import * as mask from "./mask.js";
import * as user from "./map-blocks.js";
import * as scans from "./scan.js";
import * as sorting from "./sort.js";
import { take } from "./take.js";

declare module "./chunked-array.js" {
  interface ChunkedArray<D extends DType = DType> {
    /** Resolves unknown (NaN) chunk sizes; returns the array with known chunks (see {@link mask.computeChunkSizes}). */
    computeChunkSizes(options?: ComputeOptions): Promise<ChunkedArray<D>>;
    /** Slices along `axis` where `condition` is true (see {@link mask.compress}). */
    compress(
      condition: Parameters<typeof mask.compress>[0],
      options?: mask.CompressOptions | number | null,
    ): ChunkedArray<D>;
    /** Indices of the non-zero elements, one array per axis (see {@link mask.nonzero}). */
    nonzero(): ChunkedArray<"int64">[];
    /** Elements at `indices` along an axis (see {@link take}). */
    take(indices: Parameters<typeof take>[1], options?: Parameters<typeof take>[2]): ChunkedArray<D>;
    /** A sorted copy along an axis (see {@link sorting.sort}; NumPy's method sorts in place, arrays here are immutable). */
    sort(options?: sorting.SortOptions | number): ChunkedArray<D>;
    /** Positions that sort along an axis (see {@link sorting.argsort}). */
    argsort(options?: sorting.SortOptions | number): ChunkedArray<"int64">;
    /** The |k| largest (k > 0) or smallest (k < 0) along an axis (see {@link sorting.topk}). */
    topk(k: number, options?: sorting.TopkOptions | number): ChunkedArray<D>;
    /** Positions of {@link sorting.topk}'s elements (see {@link sorting.argtopk}). */
    argtopk(k: number, options?: sorting.TopkOptions | number): ChunkedArray<"int64">;
    /** Matrix product (see {@link la.matmul}). */
    matmul(other: ChunkedArray, options?: la.ProductOptions): ChunkedArray;
    /** NumPy's dot (see {@link la.dot}). */
    dot(other: ChunkedArray, options?: la.ProductOptions): ChunkedArray;
    /** Cumulative sum (see {@link scans.cumsum}). */
    cumsum(options?: scans.ScanOptions | scans.ScanAxis): ChunkedArray<scans.ScanDType<D>>;
    /** Cumulative product (see {@link scans.cumprod}). */
    cumprod(options?: scans.ScanOptions | scans.ScanAxis): ChunkedArray<scans.ScanDType<D>>;
    /** Applies a kernel to every block (see {@link user.mapBlocks}). */
    mapBlocks(kernel: user.UserKernel | user.UserKernelFn, options?: user.MapBlocksOptions): ChunkedArray;
    /** Applies a stencil kernel with ghost cells (see {@link user.mapOverlap}). */
    mapOverlap(kernel: user.UserKernel | user.UserKernelFn, options: user.MapOverlapOptions): ChunkedArray;
    /** The block grid: `x.blocks.get(i, j)` is block (i, j) as an array (dask's `x.blocks[i, j]`). */
    readonly blocks: user.BlockView<D>;
    /** Computed blocks, one at a time: `for await (const { index, block } of x.iterBlocks())`. */
    iterBlocks(options?: ComputeOptions): AsyncGenerator<{ index: number[]; block: NDArray<D> }>;
  }
}

const P = ChunkedArray.prototype;
P.computeChunkSizes = function (options) {
  return mask.computeChunkSizes(this, options);
};
P.compress = function (condition, options) {
  return mask.compress(condition, this, options);
};
P.nonzero = function () {
  return mask.nonzero(this);
};
P.take = function (indices, options) {
  return take(this, indices, options);
};
P.sort = function (options) {
  return sorting.sort(this, options);
};
P.argsort = function (options) {
  return sorting.argsort(this, options);
};
P.topk = function (k, options) {
  return sorting.topk(this, k, options);
};
P.argtopk = function (k, options) {
  return sorting.argtopk(this, k, options);
};
P.mapBlocks = function (kernel, options) {
  return user.mapBlocks(kernel, this, options);
};
P.mapOverlap = function (kernel, options) {
  return user.mapOverlap(kernel, this, options);
};
Object.defineProperty(P, "blocks", {
  get(this: ChunkedArray) {
    return new user.BlockView(this);
  },
});
P.iterBlocks = function (options) {
  return user.iterBlocks(this, options);
};
P.cumsum = function (options) {
  return scans.cumsum(this, options);
};
P.cumprod = function (options) {
  return scans.cumprod(this, options);
};
P.matmul = function (other, options) {
  return la.matmul(this, other, options);
};
P.dot = function (other, options) {
  return la.dot(this, other, options);
};
