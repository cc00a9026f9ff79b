/**
 * The format table: how any thread reopens this package's sources from their descriptors. Each
 * format module is loaded on first use (like zarrita's codec registry) and exports its
 * `openDescriptor`; core keeps the one cache of opened sources. A pool worker imports this module
 * (see `./worker-module.ts`) and nothing a descriptor names.
 * @module
 */
import { clearOpened, fmt, openDescriptor, registerOpener } from "@chunked/core/internal";
import { IoError } from "./errors.js";
import type { ArraySource, SourceDescriptor } from "./types.js";
import { loadInWorkers } from "./worker-module.js";

type FormatModule<D extends SourceDescriptor> = { openDescriptor(descriptor: D): Promise<ArraySource> };

// Self-references: the package's export conditions pick the Node or the browser build.
const FORMATS: {
  [K in SourceDescriptor["kind"]]: () => Promise<FormatModule<Extract<SourceDescriptor, { kind: K }>>>;
} = {
  hdf5: () => import("@chunked/io/hdf5"),
  zarr: () => import("@chunked/io/zarr"),
};

function isFormat(kind: unknown): kind is SourceDescriptor["kind"] {
  return typeof kind === "string" && Object.hasOwn(FORMATS, kind);
}

for (const kind of Object.keys(FORMATS) as SourceDescriptor["kind"][]) {
  registerOpener(kind, async (d) => (await FORMATS[kind]()).openDescriptor(d as never));
}
// Not a source: where a worker writes whole chunks of a Zarr array being created (Node).
registerOpener("zarr-chunks", async (d) => (await import("@chunked/io/zarr")).openChunks(d as never));
loadInWorkers();

/**
 * Reopens a source from its {@link ArraySource.descriptor}, e.g. inside a worker. Open handles
 * are cached per thread, so the tasks of one worker share one handle per dataset.
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
export async function openSource(descriptor: SourceDescriptor): Promise<ArraySource> {
  const kind = (descriptor as { kind?: unknown } | null)?.kind;
  if (!isFormat(kind)) {
    throw new IoError(
      "not-found",
      `Unknown source kind. Got kind=${fmt(kind)}, expected one of ${fmt(Object.keys(FORMATS))}.`,
    );
  }
  return (await openDescriptor(descriptor)) as ArraySource;
}

/** Forgets the sources reopened on this thread (their handles close when collected or on exit). */
export function clearSourceCache(): void {
  clearOpened();
}
