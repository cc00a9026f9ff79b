/**
 * Zarr v2 and v3 in the browser through zarrita: `http(s)://` URLs (`FetchStore`), a `Map`
 * (memory), or any zarrita store (e.g. an OPFS store). Filesystem paths are Node-only.
 *
 * @example
 * ```ts
 * import { openZarr } from "@chunked/io/zarr"; // resolves here via the "browser" condition
 * const z = await openZarr("https://example.org/data.zarr", { path: "/t2m" });
 * const block = await z.read([[0, 100, 1], [0, 100, 1]]);
 * ```
 * @module
 */
import type { DType, ZarrSourceDescriptor } from "../types.js";
import { loadInWorkers } from "../worker-module.js";
import {
  createZarrWith,
  openZarrWith,
  type ZarrArray,
  type ZarrArrayTarget,
  type ZarrCreateOptions,
  type ZarrInput,
  type ZarrOpenOptions,
} from "./core.js";

export { ZarrArray, ZarrArrayTarget } from "./core.js";

loadInWorkers();
export type { ZarrCompressor, ZarrCreateOptions, ZarrInput, ZarrOpenOptions, ZarrStore } from "./core.js";

/**
 * Opens a Zarr array (v2 or v3) from a URL, a `Map` or a store.
 *
 * @example
 * ```ts
 * const z = await openZarr("https://example.org/data.zarr");
 * ```
 */
export function openZarr(input: ZarrInput, options: ZarrOpenOptions = {}): Promise<ZarrArray> {
  return openZarrWith({}, input, options);
}

/**
 * Creates a Zarr array in a writable store (a `Map`, or e.g. an OPFS store); metadata is written by `finish()`.
 *
 * @example
 * ```ts
 * const store = new Map<string, Uint8Array>();
 * const t = await createZarr(store, { shape: [10], dtype: "int16", chunks: [5] });
 * ```
 */
export function createZarr<D extends DType>(
  input: ZarrInput,
  options: ZarrCreateOptions<D>,
): Promise<ZarrArrayTarget<D>> {
  return createZarrWith({}, input, options);
}

/**
 * Reopens an array from its descriptor (the `zarr` entry of the format table in
 * `../open-source.ts`; core caches the result per thread).
 * @internal
 */
export function openDescriptor(d: ZarrSourceDescriptor): Promise<ZarrArray> {
  return openZarr(d.location, { path: d.path });
}
