import { importModule, registerOpener } from "@chunked/core/internal";
import { IoError } from "./errors.js";
import type { ArraySource, SourceDescriptor } from "./types.js";

type Opener = (descriptor: SourceDescriptor) => Promise<ArraySource>;

/**
 * The module a worker imports to reopen our descriptors (its import registers the openers). A URL,
 * not a bare name: the worker resolves it from core, which does not depend on this package.
 */
export const IO_MODULE = new URL(
  import.meta.url.endsWith(".ts") ? "./index.ts" : "./index.js",
  import.meta.url,
).href;

const OPENERS = new Map<SourceDescriptor["kind"], Opener>();
// Per thread (each worker has its own module instance): one open source per descriptor.
const CACHE = new Map<string, Promise<ArraySource>>();

/**
 * Registers how sources of one `kind` are reopened. `@chunked/io/hdf5` and `@chunked/io/zarr`
 * register themselves when imported; a custom source kind can register its own.
 * @internal
 */
export function registerSourceOpener<K extends SourceDescriptor["kind"]>(
  kind: K,
  opener: (descriptor: Extract<SourceDescriptor, { kind: K }>) => Promise<ArraySource>,
): void {
  OPENERS.set(kind, opener as Opener);
}

function cacheKey(d: SourceDescriptor): string {
  if (d.kind === "hdf5" && d.file) {
    const f = d.file as Blob & { name?: string; lastModified?: number };
    return JSON.stringify([
      "hdf5-blob",
      f.name ?? "",
      f.size,
      f.lastModified ?? 0,
      d.dataset,
      d.int64 ?? "error",
    ]);
  }
  return JSON.stringify(d);
}

/**
 * Reopens a source from its {@link ArraySource.descriptor}, e.g. inside a worker. Open handles
 * are cached per thread, so the tasks of one worker share one file handle per dataset.
 *
 * @example
 * ```ts
 * // main thread
 * const x = await openHdf5Dataset("/data/t2m.h5", "/t2m");
 * worker.postMessage({ source: x.descriptor, region: [[0, 1000, 1]] });
 * // worker
 * const source = await openSource(msg.source);
 * const block = await source.read(msg.region);
 * ```
 */
export function openSource(descriptor: SourceDescriptor): Promise<ArraySource> {
  const key = cacheKey(descriptor);
  let source = CACHE.get(key);
  if (!source) {
    source = (async () => {
      let opener = OPENERS.get(descriptor.kind);
      if (!opener) {
        // Self-references resolve through the package's conditional exports (node or browser build).
        if (import.meta.url.endsWith(".ts")) {
          // Running from sources (maybe in a worker whose TypeScript hook only covers require).
          await importModule(new URL(`./${descriptor.kind}/index.ts`, import.meta.url).href);
        } else if (descriptor.kind === "hdf5") await import("@chunked/io/hdf5");
        else if (descriptor.kind === "zarr") await import("@chunked/io/zarr");
        opener = OPENERS.get(descriptor.kind);
      }
      if (!opener) {
        throw new IoError(
          "not-found",
          `No opener for source kind ${JSON.stringify((descriptor as { kind: unknown }).kind)}.`,
        );
      }
      return opener(descriptor);
    })();
    CACHE.set(key, source);
    // A failed open is not cached: the file may appear later.
    source.catch(() => CACHE.delete(key));
  }
  return source;
}

/** Forgets the cached sources of this thread (their handles close when collected or on exit). */
export function clearSourceCache(): void {
  CACHE.clear();
}

// Core's `source.read` kernel reopens descriptors through its own registry: route our kinds here.
registerOpener("hdf5", (d) => openSource(d as unknown as SourceDescriptor));
registerOpener("zarr", (d) => openSource(d as unknown as SourceDescriptor));
