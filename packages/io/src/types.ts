/**
 * The contract between `@chunked/io` and `@chunked/core`: core declares {@link ArraySource},
 * {@link ArrayTarget}, {@link CompletableTarget} and {@link Region} (`fromArray` reads sources,
 * `store` writes targets); this package adds the descriptors of its formats.
 * @module
 */
import type { dtypes, SourceDescriptor as CoreDescriptor } from "@chunked/core/internal";

export type { ArraySource, ArrayTarget, CompletableTarget, Region } from "@chunked/core/internal";

/** A NumPy dtype name supported by \@chunked (`"float32"`, `"int16"`, `"bool"`, ...). */
export type DType = dtypes.DType;

/** Where an HDF5 dataset lives, in a form that survives `postMessage` (see {@link openSource}). */
export interface Hdf5SourceDescriptor extends CoreDescriptor {
  readonly kind: "hdf5";
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
  /** How 64-bit integers are read (see `Hdf5OpenOptions.int64`). */
  readonly int64?: "int64" | "error" | "float64";
  /**
   * Where every byte of the dataset is in the file (Node, uncompressed data whose chunks are all
   * known), found by the thread that opened it: a worker reads with it and never loads h5wasm.
   */
  readonly direct?: Hdf5DirectDescriptor;
}

/** What a thread needs to read an HDF5 dataset straight from its file, without h5wasm. */
export interface Hdf5DirectDescriptor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Storage chunk shape, or undefined for a contiguous dataset. */
  readonly chunks?: readonly number[];
  /** The dataset's token (as the opening thread computed it). */
  readonly token: string;
  readonly kind: "contiguous" | "btree-v1";
  /** The dataset shape (contiguous) or the storage chunk shape. */
  readonly chunkShape: readonly number[];
  /** File offset of a contiguous dataset's first byte. */
  readonly address?: number;
  /**
   * File offsets of the chunks (btree-v1) in C order of the chunk grid, as runs of 4 numbers
   * `first chunk, count, address, stride` (a file written chunk by chunk in order has one run).
   */
  readonly runs?: readonly number[];
}

/** Where a Zarr array lives, in a form that survives `postMessage` (see {@link openSource}). */
export interface ZarrSourceDescriptor extends CoreDescriptor {
  readonly kind: "zarr";
  /** A filesystem path (Node) or an `http(s)://` URL of the store's root. */
  readonly location: string;
  /** Path of the array inside the store, e.g. `"/"` or `"/temperature"`. */
  readonly path: string;
  /** The source's token when the descriptor was made. */
  readonly version?: string;
}

/** The descriptors of this package's formats: data from which any thread reopens a source. */
export type SourceDescriptor = Hdf5SourceDescriptor | ZarrSourceDescriptor;
