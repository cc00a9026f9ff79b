/**
 * The dask-style one-liners (`from_hdf5`, `to_hdf5`, `from_zarr`, `to_zarr`) composed from the
 * sources and targets of this package and core's `fromArray` and `store`.
 */
import { type ChunkedArray, type ComputeOptions, type ChunkSpec, fromArray } from "@chunked/core";
import type { ArraySource } from "./types.js";

/** Options of the `to*` writers that run the computation. */
export interface WriteOptions
  extends Pick<ComputeOptions, "executor" | "signal" | "onProgress" | "timeout"> {}

/**
 * A chunk shape the file formats accept: dask's `to_zarr` needs regular chunks (all equal but a
 * smaller last one); anything else is rechunked to the largest block first.
 */
export function regularized(x: ChunkedArray): ChunkedArray {
  const regular = x.chunks.every(
    (c) => c.slice(0, -1).every((n) => n === c[0]) && (c.at(-1) ?? 0) <= (c[0] ?? 0),
  );
  return regular ? x : x.rechunk(x.chunksize);
}

/** Wraps an opened source as a chunked array (chunks default to the storage chunks, grown to ~128 MiB). */
export function chunkedFrom(source: ArraySource, chunks: ChunkSpec | undefined): ChunkedArray {
  return fromArray(source, { chunks: chunks ?? "auto" });
}
