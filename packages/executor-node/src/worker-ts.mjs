// Worker entry when running from TypeScript sources: Node 20 applies no `--import` loader hooks to
// worker threads, so register tsx's ESM hooks here, then load the real worker. Its imports (core,
// user kernels, @chunked/io and h5wasm's ESM-only entry) all resolve as ES modules.
import { register } from "tsx/esm/api";

register();
const worker = await import("./worker.ts");
export default worker.default;
