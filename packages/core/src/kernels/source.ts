import type { DType } from "../dtype/dtypes.js";
import { InvalidArgumentError } from "../errors.js";
import { NDArray } from "../ndarray/ndarray.js";
import { defineKernel } from "./registry.js";

/** One `[start, stop, step]` triple per axis (step >= 1), always within bounds. */
export type Region = readonly (readonly [number, number, number])[];

/** A structured-clonable description from which any thread can reopen a source or target. */
export interface SourceDescriptor {
  readonly kind: string;
  /** A module whose import registers the opener of `kind` (imported on demand, e.g. in a worker). */
  readonly module?: string;
}

interface LocalDescriptor extends SourceDescriptor {
  readonly kind: "local";
  readonly id: string;
}

/**
 * Anything `fromArray` can read: a shape, a dtype and a (sync or async) region read. HDF5 and
 * Zarr datasets of `@chunked/io` implement it; so does {@link NDArray}.
 */
export interface ArraySource<D extends DType = DType> {
  readonly shape: readonly number[];
  readonly dtype: D;
  /** Storage chunk shape, if the source is chunked (auto chunks align to it). */
  readonly chunks?: readonly number[];
  /** Deterministic identity (e.g. path + dataset + mtime), so equal sources share graph keys. */
  readonly token?: string;
  /** Reads a region as a C-contiguous NDArray of the region's shape. */
  read(region: Region): NDArray<D> | Promise<NDArray<D>>;
  /** Lets worker threads reopen the source; without it, reads run on the calling thread. */
  readonly descriptor?: SourceDescriptor;
}

/** Anything `store` can write into. */
export interface ArrayTarget {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly chunks?: readonly number[];
  write(region: Region, block: NDArray): void | Promise<void>;
  readonly descriptor?: SourceDescriptor;
}

let importer: (specifier: string) => Promise<unknown> = (specifier) => import(/* @vite-ignore */ specifier);

/**
 * Sets how this thread imports the module named by a descriptor. A worker that runs TypeScript
 * sources through a CommonJS hook (Node 20 applies no ESM loader hooks to worker threads) passes
 * its `require`-based importer here.
 */
export function setModuleImporter(fn: (specifier: string) => Promise<unknown>): void {
  importer = fn;
}

/** Imports a module the way this thread can (see {@link setModuleImporter}). */
export function importModule(specifier: string): Promise<unknown> {
  return importer(specifier);
}

type Opener = (
  descriptor: SourceDescriptor,
) => ArraySource | ArrayTarget | Promise<ArraySource | ArrayTarget>;

const LOCAL = new Map<string, ArraySource | ArrayTarget>();
const OPENERS = new Map<string, Opener>();
const OPENED = new Map<string, Promise<ArraySource | ArrayTarget>>();
// Opened and resolved: lets reads of an open source stay synchronous.
const READY = new Map<string, ArraySource | ArrayTarget>();
let nextLocal = 0;

/** Keeps a source/target object on this thread and returns the descriptor tasks refer to it by. */
export function registerLocal(obj: ArraySource | ArrayTarget): SourceDescriptor {
  const id = `local-${nextLocal++}`;
  LOCAL.set(id, obj);
  return { kind: "local", id } as LocalDescriptor;
}

/** Forgets a local source/target once no graph needs it. */
export function releaseLocal(descriptor: SourceDescriptor): void {
  if (descriptor.kind === "local") LOCAL.delete((descriptor as LocalDescriptor).id);
}

/** Registers how to reopen descriptors of one kind (io registers "hdf5" and "zarr" in every thread). */
export function registerOpener(kind: string, opener: Opener): void {
  OPENERS.set(kind, opener);
}

async function open(descriptor: SourceDescriptor): Promise<ArraySource | ArrayTarget> {
  if (descriptor.kind === "local") {
    const { id } = descriptor as LocalDescriptor;
    const obj = LOCAL.get(id);
    if (!obj) throw new InvalidArgumentError(`Local source ${id} is not on this thread.`);
    return obj;
  }
  const cacheKey = JSON.stringify(descriptor);
  let p = OPENED.get(cacheKey);
  if (!p) {
    if (!OPENERS.has(descriptor.kind) && descriptor.module) await importModule(descriptor.module);
    const opener = OPENERS.get(descriptor.kind);
    if (!opener) {
      throw new InvalidArgumentError(
        `No opener registered for sources of kind ${JSON.stringify(descriptor.kind)}. Import its module (e.g. @chunked/io) in the worker.`,
      );
    }
    p = Promise.resolve(opener(descriptor));
    OPENED.set(cacheKey, p);
    p.then(
      (obj) => READY.set(cacheKey, obj),
      () => OPENED.delete(cacheKey),
    );
  }
  return p;
}

/** Opens a descriptor synchronously when it is local or already open on this thread. */
function openLocal(descriptor: SourceDescriptor): ArraySource | ArrayTarget | undefined {
  if (descriptor.kind === "local") return LOCAL.get((descriptor as LocalDescriptor).id);
  return READY.size ? READY.get(JSON.stringify(descriptor)) : undefined;
}

/** Records an object already open on this thread under its descriptor, so tasks here reuse it. */
export function rememberOpen(obj: ArraySource | ArrayTarget): void {
  if (!obj.descriptor) return;
  const key = JSON.stringify(obj.descriptor);
  if (!READY.has(key)) {
    READY.set(key, obj);
    OPENED.set(key, Promise.resolve(obj));
  }
}

export interface SourceReadParams {
  source: SourceDescriptor;
  region: Region;
}

/** Reads one block of a source. Runs on any thread that can open the descriptor. */
export const sourceRead = defineKernel("source.read", (_inputs, p: SourceReadParams) => {
  const local = openLocal(p.source) as ArraySource | undefined;
  if (local) return local.read(p.region);
  return open(p.source).then((s) => (s as ArraySource).read(p.region));
});

export interface StoreWriteParams {
  target: SourceDescriptor;
  region: Region;
}

/** Writes its input block into a target region; returns an empty array (nothing to keep). */
export const storeWrite = defineKernel("store.write", async (inputs, p: StoreWriteParams) => {
  const target = (openLocal(p.target) ?? (await open(p.target))) as ArrayTarget;
  await target.write(p.region, inputs[0]);
  return NDArray.zeros(inputs[0].dtype, [0]);
});

/** True when a task must run on the thread that created the graph (its source/target is local). */
export function isLocalTask(params: unknown): boolean {
  const p = params as { source?: SourceDescriptor; target?: SourceDescriptor } | undefined;
  return p?.source?.kind === "local" || p?.target?.kind === "local";
}
