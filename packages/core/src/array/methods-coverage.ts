/**
 * Method sugar for the operations of the coverage files (mask, sort, scan, select, linalg, user
 * kernels), attached like `methods.ts`: one line over the free function of the same name, only
 * where NumPy's ndarray has the method.
 */
import type { DType } from "../dtype/dtypes.js";
import { ChunkedArray } from "./chunked-array.js";
import type { ComputeOptions } from "./compute.js";
import * as mask from "./mask.js";
import * as sorting from "./sort.js";
import { take } from "./take.js";

declare module "./chunked-array.js" {
  interface ChunkedArray<D extends DType = DType> {
    /** Resolves unknown (NaN) chunk sizes; returns the array with known chunks (see {@link mask.computeChunkSizes}). */
    computeChunkSizes(options?: ComputeOptions): Promise<ChunkedArray<D>>;
    /** Slices along `axis` where `condition` is true (see {@link mask.compress}). */
    compress(condition: Parameters<typeof mask.compress>[0], options?: mask.CompressOptions): ChunkedArray<D>;
    /** Indices of the non-zero elements, one array per axis (see {@link mask.nonzero}). */
    nonzero(): ChunkedArray<"float64">[];
    /** Elements at `indices` along an axis (see {@link take}). */
    take(indices: Parameters<typeof take>[1], options?: Parameters<typeof take>[2]): ChunkedArray<D>;
    /** A sorted copy along an axis (see {@link sorting.sort}; NumPy's method sorts in place, arrays here are immutable). */
    sort(options?: sorting.SortOptions): ChunkedArray<D>;
    /** Positions that sort along an axis (see {@link sorting.argsort}). */
    argsort(options?: sorting.SortOptions): ChunkedArray<"float64">;
    /** The |k| largest (k > 0) or smallest (k < 0) along an axis (see {@link sorting.topk}). */
    topk(k: number, options?: sorting.TopkOptions): ChunkedArray<D>;
    /** Positions of {@link sorting.topk}'s elements (see {@link sorting.argtopk}). */
    argtopk(k: number, options?: sorting.TopkOptions): ChunkedArray<"float64">;
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
