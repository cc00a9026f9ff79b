// Entry of `pnpm tutorial`: TypeScript through tsx, h5wasm loaded first (see ../register-tsx.mjs).
await import("../register-tsx.mjs");
await import("./run.ts");
