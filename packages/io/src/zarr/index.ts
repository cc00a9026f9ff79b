/**
 * Zarr v2 and v3 in Node through zarrita: filesystem paths (`@zarrita/storage/fs`), `http(s)://`
 * URLs (`FetchStore`), a `Map` (memory), or any zarrita store. Browsers get `./browser.ts`
 * (everything but filesystem paths) through the `"browser"` export condition.
 *
 * @example
 * ```ts
 * import { createZarr, openZarr } from "@chunked/io/zarr";
 * const t = await createZarr("out.zarr", { shape: [1000], dtype: "float32", chunks: [100], overwrite: true });
 * for (let i = 0; i < 1000; i += 100) await t.write([[i, i + 100, 1]], block(i));
 * await t.finish(); // writes zarr.json: the array exists from now on
 * const z = await openZarr("out.zarr");
 * ```
 * @module
 */
import fs from "node:fs";
import nodePath from "node:path";
import { isMainThread } from "node:worker_threads";
import FileSystemStore from "@zarrita/storage/fs";
import type { ArrayTarget, DType, ZarrSourceDescriptor } from "../types.js";
import { loadInWorkers } from "../worker-module.js";
import { assertWritable } from "../writable.js";
import {
  createZarrWith,
  openChunksWith,
  openZarrWith,
  type PathStore,
  type ZarrArray,
  type ZarrArrayTarget,
  type ZarrChunksDescriptor,
  type ZarrCreateOptions,
  type ZarrInput,
  type ZarrOpenOptions,
  type ZarrPlatform,
} from "./core.js";
import { type ChunkedArray, type ChunkSpec, store } from "@chunked/core";
import { registerOpener } from "@chunked/core/internal";
import { chunkedFrom, regularized, type WriteOptions } from "../chunked.js";

export { ZarrArray, ZarrArrayTarget } from "./core.js";

loadInWorkers();
// Where this thread writes whole chunks for store() (workers register it through ../open-source.ts).
registerOpener("zarr-chunks", (d) => openChunks(d as ZarrChunksDescriptor));
export type { ZarrCompressor, ZarrCreateOptions, ZarrInput, ZarrOpenOptions, ZarrStore } from "./core.js";

/**
 * A pool worker (any thread but the main one) writes chunk files synchronously: the thread is its
 * own, and each `fs.promises` open/write/close hops to libuv's thread pool and back. W3-zarr on a
 * 2-worker NodePool, alternating (23:47-23:49 UTC, load 10-16): async 7.7-11.5 s, CPU 5.8-7.9 s
 * (2.4-3.7 s of it outside the main and worker threads); sync 4.5-5.3 s, CPU 4.5-4.8 s (0.6-0.9 s).
 * The main thread keeps async writes, which `writeBehind` overlaps with the next block's encode.
 */
const files = isMainThread
  ? {
      mkdir: (dir: string) => fs.promises.mkdir(dir, { recursive: true }),
      writeFile: (file: string, value: Uint8Array) => fs.promises.writeFile(file, value),
    }
  : {
      mkdir: async (dir: string) => fs.mkdirSync(dir, { recursive: true }),
      writeFile: async (file: string, value: Uint8Array) => fs.writeFileSync(file, value),
    };

function stripSlash(key: string): string {
  return key.replace(/^\/+/, "");
}

function unlinkIfThere(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
}

/**
 * zarrita's filesystem store, making each chunk directory once per store instead of once per
 * chunk (`mkdir -p` is several system calls, and a write has one per chunk). A directory deleted
 * behind its back (`forgetDirectories`, or by another process) is made again.
 */
class DirectoryCachingStore extends FileSystemStore {
  readonly #made = new Set<string>();

  override async set(key: string, value: Uint8Array): Promise<void> {
    const file = nodePath.join(this.root, stripSlash(key));
    const dir = nodePath.dirname(file);
    if (!this.#made.has(dir)) {
      await files.mkdir(dir);
      this.#made.add(dir);
    }
    try {
      await files.writeFile(file, value);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      await files.mkdir(dir);
      await files.writeFile(file, value);
    }
  }

  forgetDirectories(): void {
    this.#made.clear();
  }
}

const platform: ZarrPlatform = {
  pathStore(path: string): PathStore {
    const root = nodePath.resolve(path);
    const store = new DirectoryCachingStore(root);
    return {
      store,
      root,
      exists: () => fs.existsSync(root),
      assertWritable: () => assertWritable(path, "Zarr store"),
      removeKeys(prefix, isOurs, what = "all") {
        store.forgetDirectories();
        const top = nodePath.join(root, stripSlash(prefix));
        const visit = (dir: string): boolean => {
          let entries: fs.Dirent[];
          try {
            entries = fs.readdirSync(dir, { withFileTypes: true });
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
            throw err;
          }
          let removedAll = true;
          for (const e of entries) {
            const full = nodePath.join(dir, e.name);
            const rel = nodePath.relative(top, full).split(nodePath.sep).join("/");
            if (e.isDirectory()) {
              // Only chunk directories (v3's `c/`) are entered, and removed once empty.
              if (isOurs(rel) && visit(full) && what !== "files") fs.rmdirSync(full);
              else removedAll = false;
            } else if (isOurs(rel) && what !== "empty-directories") unlinkIfThere(full);
            else removedAll = false;
          }
          return removedAll;
        };
        visit(top);
      },
      stat(key) {
        try {
          const s = fs.statSync(nodePath.join(root, stripSlash(key)));
          return { size: s.size, mtimeMs: s.mtimeMs };
        } catch {
          return undefined;
        }
      },
    };
  },
};

/**
 * Opens a Zarr array (v2 or v3, detected) for reading. Throws an `IoError`: `not-found` for a
 * missing store directory, `no-dataset` when there is no array at `path` (also while a
 * `createZarr` is unfinished), `dtype` for float16/string arrays.
 *
 * @example
 * ```ts
 * const a = await openZarr("data.zarr", { path: "/t2m" });           // filesystem
 * const b = await openZarr("https://example.org/data.zarr");         // HTTP
 * const c = await openZarr(mapStore, { path: "/x" });                // in memory
 * const block = await a.read([[0, 10, 1], [0, 20, 2]]);
 * ```
 * @see zarr.open_array, dask.array.from_zarr
 */
export function openZarr(input: ZarrInput, options: ZarrOpenOptions = {}): Promise<ZarrArray> {
  return openZarrWith(platform, input, options);
}

/**
 * Creates a Zarr array to be written block by block (the `ArrayTarget` `store` writes to).
 * Chunks are written as blocks arrive; the metadata is written by `finish()`, so an interrupted
 * write is never mistaken for a complete array. With `overwrite: true` an existing array at `path`
 * is deleted first (metadata, then chunks), like dask's `to_zarr(overwrite=True)`.
 *
 * @example
 * ```ts
 * const t = await createZarr("out.zarr", { path: "/x", shape: [100, 100], dtype: "float64", chunks: [10, 100], compressor: "zstd", zarrFormat: 2 });
 * await Promise.all(blocks.map((b, i) => t.write([[10 * i, 10 * i + 10, 1], [0, 100, 1]], b)));
 * await t.finish();
 * ```
 * @see dask.array.to_zarr
 */
export function createZarr<D extends DType>(
  input: ZarrInput,
  options: ZarrCreateOptions<D>,
): Promise<ZarrArrayTarget<D>> {
  return createZarrWith(platform, input, options);
}

/**
 * Reopens an array from its descriptor (the `zarr` entry of the format table in
 * `../open-source.ts`; core caches the result per thread).
 * @internal
 */
export function openDescriptor(d: ZarrSourceDescriptor): Promise<ZarrArray> {
  return openZarr(d.location, { path: d.path });
}

/**
 * Opens, on this thread, the writer of whole chunks a `createZarr` target's descriptor names (the
 * `zarr-chunks` opener of `../open-source.ts`): a pool worker writes the blocks it computed.
 * @internal
 */
export function openChunks(d: ZarrChunksDescriptor): ArrayTarget {
  return openChunksWith(platform, d);
}

/**
 * A chunked array over a Zarr array (dask's `from_zarr`); chunks default to the Zarr chunks, grown to
 * about 128 MiB.
 *
 * @example
 * ```ts
 * const x = await fromZarr("datasets/weather.zarr", { path: "/t2m" });
 * ```
 * @see dask.array.from_zarr
 */
export async function fromZarr(
  input: ZarrInput,
  options: ZarrOpenOptions & { chunks?: ChunkSpec } = {},
): Promise<ChunkedArray> {
  return chunkedFrom(await openZarr(input, options), options.chunks);
}

/**
 * Computes an array and writes it as a Zarr array whose chunks are the array's blocks, each block
 * written as soon as it is computed, in parallel (dask's `to_zarr`). Irregular chunks are first
 * rechunked to regular ones. The metadata is written last, so an interrupted write is never
 * mistaken for a complete array.
 *
 * @example
 * ```ts
 * await toZarr(x.at`:, ::2, ::2`, "datasets/myfile.zarr", { overwrite: true });
 * ```
 * @see dask.array.to_zarr
 */
export async function toZarr(
  x: ChunkedArray,
  input: ZarrInput,
  options: WriteOptions & Omit<ZarrCreateOptions, "shape" | "dtype" | "chunks"> = {},
): Promise<void> {
  const y = regularized(x);
  const target = await createZarr(input, {
    ...options,
    shape: y.shape,
    dtype: y.dtype,
    chunks: y.chunksize.map((c) => Math.max(1, c)),
  });
  // Blocks are chunk-aligned: no lock needed, writes run in parallel. store() finishes the
  // target (metadata last) or, on failure, aborts it.
  await store(y, target, { ...options, lock: false });
}
