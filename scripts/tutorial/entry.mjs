// Entry of `pnpm start`: h5wasm is imported before tsx's hook is registered, because tsx would
// otherwise transform its 4 MB module and keep ~600 MB resident. Later imports hit the module cache.
await import("h5wasm/node");
const { register } = await import("tsx/esm/api");
register();
await import("./run.ts");
