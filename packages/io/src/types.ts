/**
 * The contract between `@chunked/io` and `@chunked/core`: core's `fromArray` accepts an
 * {@link ArraySource} and core's `store` accepts an {@link ArrayTarget}. Both are structural, so
 * core mirrors these interfaces without importing this package.
 * @module
 */
import type { dtypes, NDArray } from "@chunked/core/internal";

/** A NumPy dtype name supported by @chunked (`"float32"`, `"int16"`, `"bool"`, ...). */
export type DType = dtypes.DType;

/**
 * A rectangular, possibly strided selection: one `[start, stop, step]` triple per axis, with
 * `0 <= start <= stop <= shape[axis]` and `step >= 1` (Python's `start:stop:step`, already
 * normalised). Its shape along an axis is `ceil((stop - start) / step)`.
 */
export type Region = readonly (readonly [number, number, number])[];

/** Where an HDF5 dataset lives, in a form that survives `postMessage` (see {@link openSource}). */
export interface Hdf5SourceDescriptor {
  readonly kind: "hdf5";
  /** Module that registers the opener of this kind in a worker (core imports it on demand). */
  readonly module?: string;
  /** Path of the file on the real filesystem (Node). */
  readonly path?: string;
  /** URL read lazily with HTTP range requests (browser worker). */
  readonly url?: string;
  /** A user-picked `File`/`Blob` (browser worker). Structured-clonable without copying the bytes. */
  readonly file?: Blob;
  /** Dataset path inside the file, e.g. `"/x"`. */
  readonly dataset: string;
  /** The source's token when the descriptor was made; a changed file gets a fresh handle. */
  readonly version?: string;
  /** How 64-bit integers are read (see {@link Hdf5OpenOptions.int64}). */
  readonly int64?: "error" | "float64";
}

/** Where a Zarr array lives, in a form that survives `postMessage` (see {@link openSource}). */
export interface ZarrSourceDescriptor {
  readonly kind: "zarr";
  /** Module that registers the opener of this kind in a worker (core imports it on demand). */
  readonly module?: string;
  /** A filesystem path (Node) or an `http(s)://` URL of the store's root. */
  readonly location: string;
  /** Path of the array inside the store, e.g. `"/"` or `"/temperature"`. */
  readonly path: string;
  /** The source's token when the descriptor was made. */
  readonly version?: string;
}

/** A structured-clonable description from which a worker can reopen a source. */
export type SourceDescriptor = Hdf5SourceDescriptor | ZarrSourceDescriptor;

/**
 * Anything `fromArray` can read block by block: an HDF5 dataset, a Zarr array, or your own.
 *
 * @example
 * ```ts
 * const x: ArraySource<"float32"> = await openHdf5Dataset("data.h5", "/x");
 * const block = await x.read([[0, 1000, 1], [0, 500, 2]]); // x[0:1000, 0:500:2]
 * ```
 */
export interface ArraySource<D extends DType = DType> {
  readonly shape: readonly number[];
  readonly dtype: D;
  /** Storage chunk shape, if the data is stored in chunks. Blocks aligned to it read fastest. */
  readonly chunks?: readonly number[];
  /** Deterministic identity (location + dataset + size/mtime), used to name graph layers. */
  readonly token?: string;
  /**
   * Reads a region as a new C-contiguous NDArray of the region's shape. Optional `out` (a
   * C-contiguous NDArray of that shape and dtype) is filled and returned instead, so a caller can
   * recycle block buffers: allocating a fresh buffer costs about as much as reading into it.
   */
  read(region: Region, out?: NDArray<D>): NDArray<D> | Promise<NDArray<D>>;
  /** How a worker reopens this source with {@link openSource}; absent when it cannot (memory stores). */
  readonly descriptor?: SourceDescriptor;
}

/** Anything `store` can write block by block: a new HDF5 dataset or Zarr array, or your own. */
export interface ArrayTarget<D extends DType = DType> {
  readonly shape: readonly number[];
  readonly dtype: D;
  /** Storage chunk shape; blocks aligned to it write without read-modify-write. */
  readonly chunks?: readonly number[];
  /** Writes `block` (shape = the region's shape; cast to `dtype` if needed) into `region`. */
  write(region: Region, block: NDArray): void | Promise<void>;
}

/**
 * A target that is completed or abandoned as a whole: `finish()` after the last write makes the
 * result visible (HDF5: rename of `<path>.partial`; Zarr: metadata written last); `abort()` after a
 * failure removes what was written. Both HDF5 and Zarr targets of this package implement it.
 */
export interface CompletableTarget<D extends DType = DType> extends ArrayTarget<D> {
  finish(): Promise<void>;
  abort(): Promise<void>;
}
