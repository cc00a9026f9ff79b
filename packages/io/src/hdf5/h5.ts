/**
 * What the HDF5 reader and writer share: h5wasm's types, its start-up, and slab limits. Nothing
 * here imports h5wasm's values or `node:*`; the entries pass in their h5wasm build.
 */
/** The h5wasm namespace object (both builds have the same API). */
export type H5Wasm = typeof import("h5wasm").default;
export type H5Module = Awaited<H5Wasm["ready"]>;
export type H5File = InstanceType<H5Wasm["File"]>;
export type H5Group = InstanceType<H5Wasm["Group"]>;

/** Largest slab moved through the wasm heap at once (the heap is capped at 2 GiB). */
export const MAX_SLAB_BYTES = 128 * 1024 * 1024;

const READY = new WeakMap<object, Promise<H5Module>>();

/** Waits for h5wasm and turns HDF5 errors into exceptions (else unknown filters return garbage). */
export function h5ready(h5wasm: H5Wasm): Promise<H5Module> {
  let ready = READY.get(h5wasm);
  if (!ready) {
    ready = h5wasm.ready.then((Module) => {
      Module.activate_throwing_error_handler();
      return Module;
    });
    READY.set(h5wasm, ready);
  }
  return ready;
}

/** `"/a/b"` for `"a/b"`, `"/a//b/"`, ... */
export function normalizeName(name: string): string {
  return `/${name.split("/").filter(Boolean).join("/")}`;
}
