/**
 * The course's Web pool worker: the pool's protocol plus @chunked/io's format table, which reopens
 * HDF5 and Zarr sources in this worker and imports h5wasm or zarrita only when a task first reads
 * such a source.
 */
import "@chunked/executor-web/worker";
import "@chunked/io";
