/**
 * Entry of a measured process. h5wasm is imported before tsx's hook is registered: tsx would
 * otherwise transform h5wasm's 4 MB module, which leaves ~600 MB resident for the process's life.
 * Later imports of "h5wasm/node" (from @chunked/io) hit Node's module cache.
 */
try {
  await import("h5wasm/node");
} catch {
  // Not installed: workloads that need it fail loudly themselves.
}
const { register } = await import("tsx/esm/api");
register();
await import("./child.ts");
