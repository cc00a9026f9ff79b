/**
 * The course's Web pool worker: the pool's protocol plus openers for HDF5 and Zarr sources that
 * import @chunked/io's browser readers (h5wasm, zarrita) only when a task first reads such a source.
 */
import "@chunked/executor-web/worker";
import { registerOpener } from "@chunked/core/internal";

registerOpener("hdf5", async (d) => {
  await import("@chunked/io/hdf5");
  const { openSource } = await import("@chunked/io");
  return openSource(d as never);
});
registerOpener("zarr", async (d) => {
  await import("@chunked/io/zarr");
  const { openSource } = await import("@chunked/io");
  return openSource(d as never);
});
