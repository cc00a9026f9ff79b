/**
 * Entry of a measured process: TypeScript through tsx, with h5wasm loaded before tsx's hook (see
 * ../register-tsx.mjs), so no measured process carries tsx's transform of h5wasm.
 */
await import("../register-tsx.mjs");
await import("./child.ts");
