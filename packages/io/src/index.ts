/**
 * `@chunked/io`: HDF5 and Zarr sources and targets for `@chunked/core`, read and written block by
 * block. This entry holds the runtime-free contract; the formats live behind subpaths so that only
 * what you use is loaded: `@chunked/io/hdf5` (h5wasm) and `@chunked/io/zarr` (zarrita), each with
 * a Node build and a browser build chosen by the `"browser"` export condition.
 *
 * @example
 * ```ts
 * import { openSource } from "@chunked/io";
 * import { openHdf5Dataset } from "@chunked/io/hdf5";
 * const x = await openHdf5Dataset("data.h5", "/x");   // ArraySource
 * // in a worker: rebuild it from its structured-clonable descriptor
 * const same = await openSource(x.descriptor!);
 * const block = await same.read([[0, 100, 1]]);
 * ```
 * @module
 */
export { IoError } from "./errors.js";
export type { IoErrorOptions, IoErrorReason } from "./errors.js";
export { clearSourceCache, openSource } from "./open-source.js";
export { alignedChunks, checkRegion, chunkPieces, fullRegion, regionShape } from "./region.js";
export type { ChunkPiece } from "./region.js";
export type {
  ArraySource,
  ArrayTarget,
  CompletableTarget,
  DType,
  Hdf5DirectDescriptor,
  Hdf5SourceDescriptor,
  Region,
  SourceDescriptor,
  ZarrSourceDescriptor,
} from "./types.js";
