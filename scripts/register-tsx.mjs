/**
 * `node --import <this file> my-script.ts`: runs TypeScript with tsx, h5wasm loaded first. tsx would
 * otherwise transform h5wasm's 4 MB module (~25 s and ~600 MB resident for the process's life);
 * loaded before tsx's hook, later imports of "h5wasm/node" (from @chunked/io) hit Node's module
 * cache. Resolved from here, so it works from any working directory.
 */
await import("h5wasm/node");
const { register } = await import("tsx/esm/api");
register();
