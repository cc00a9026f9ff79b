import { fileURLToPath } from "node:url";

/**
 * How the scripts' tests start a TypeScript process, as `pnpm prep` does: packages from their
 * sources (`--conditions=source`) and tsx registered after h5wasm is loaded (see register-tsx.mjs).
 */
export const TSX_NODE_ARGS: readonly string[] = [
  "--conditions=source",
  "--import",
  fileURLToPath(new URL("./register-tsx.mjs", import.meta.url)),
];
