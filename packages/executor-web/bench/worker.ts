/** The bench's pool worker, as the course's: the pool protocol plus @chunked/io's Zarr and HDF5 readers. */
import "../src/worker.js";
// By path, not as a dependency (see page.ts).
import "../../io/src/index.js";
