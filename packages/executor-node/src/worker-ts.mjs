// Worker entry when running from TypeScript sources: Node 20 applies no `--import` loader hooks to
// worker threads, so register tsx's ESM hooks here, then load the real worker. Its imports (core,
// user kernels, @chunked/io and h5wasm's ESM-only entry) all resolve as ES modules.
import { existsSync, readFileSync } from "node:fs";
import { register } from "tsx/esm/api";

// In the workspace, preload @chunked/io's h5wasm before tsx's hook exists: tsx would otherwise
// transform its 4 MB module and keep ~600 MB resident in every worker. Later imports hit the cache.
const h5wasm = new URL("../../io/node_modules/h5wasm/", import.meta.url);
try {
  if (existsSync(new URL("package.json", h5wasm))) {
    const pkg = JSON.parse(readFileSync(new URL("package.json", h5wasm), "utf8"));
    const entry = pkg.exports?.["./node"]?.import;
    if (entry) await import(new URL(entry, h5wasm).href);
  }
} catch {
  // Not loadable here: io loads it through tsx when it needs it.
}

register();
await import("./worker.ts");
