/**
 * How the scripts' tests start a TypeScript process, as `pnpm prep` does: packages from their
 * sources (`--conditions=source`) and h5wasm loaded before tsx's hook is registered. tsx would
 * otherwise transform h5wasm's 4 MB module (~30 s and ~600 MB per process).
 */
export const TSX_NODE_ARGS: readonly string[] = [
  "--conditions=source",
  "--import",
  "h5wasm/node",
  "--import",
  "tsx",
];
