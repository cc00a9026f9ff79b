import type { DType } from "../dtype/dtypes.js";
import { fmt, InvalidArgumentError } from "../errors.js";
import { NDArray } from "../ndarray/ndarray.js";
import { defineKernel } from "./registry.js";

/** One `[start, stop, step]` triple per axis (step >= 1), always within bounds. */
export type Region = readonly (readonly [number, number, number])[];

/**
 * A structured-clonable description from which any thread can reopen a source or target. It is
 * data only: a thread reopens it with the opener registered for its `kind` by trusted code (a
 * module given to the pool, or `@chunked/io`), and never imports a module a descriptor names.
 */
export interface SourceDescriptor {
  readonly kind: string;
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
  /**
   * Reads a region as a new C-contiguous NDArray of the region's shape. Optional `out` (a
   * C-contiguous NDArray of that shape and dtype) is filled and returned instead, so a caller can
   * recycle block buffers.
   */
  read(region: Region, out?: NDArray<D>): NDArray<D> | Promise<NDArray<D>>;
  /** Lets worker threads reopen the source; without it, reads run on the calling thread. */
  readonly descriptor?: SourceDescriptor;
}

/** Anything `store` can write into. */
export interface ArrayTarget<D extends DType = DType> {
  readonly shape: readonly number[];
  readonly dtype: D;
  /** Storage chunk shape; blocks aligned to it write without read-modify-write. */
  readonly chunks?: readonly number[];
  /** Writes `block` (shape = the region's shape; cast to `dtype` if needed) into `region`. */
  write(region: Region, block: NDArray): void | Promise<void>;
  /**
   * Lets worker threads reopen the target and write there the blocks that are exactly one
   * storage chunk each (`store` with `lock: false`); other blocks are written on the calling thread.
   */
  readonly descriptor?: SourceDescriptor;
}

/**
 * A target completed or abandoned as a whole: `store` calls `finish()` after the last write
 * (e.g. HDF5 renames `<path>.partial`, Zarr writes its metadata last) and `abort()` after a
 * failure (removing what was written).
 */
export interface CompletableTarget<D extends DType = DType> extends ArrayTarget<D> {
  finish(): Promise<void>;
  abort(): Promise<void>;
  /**
   * Like `write`, but may return before the block is stored, once its memory may be reused;
   * `finish()` waits for such writes and fails if one failed. `store` writes this way on the
   * calling thread, so computing the next blocks overlaps storing the last ones.
   */
  writeBehind?(region: Region, block: NDArray): Promise<void>;
}

type Opener = (
  descriptor: SourceDescriptor,
) => ArraySource | ArrayTarget | Promise<ArraySource | ArrayTarget>;

const LOCAL = new Map<string, ArraySource | ArrayTarget>();
const OPENERS = new Map<string, Opener>();
// The one cache of reopened sources on this thread, by descriptor.
const OPENED = new Map<string, Promise<ArraySource | ArrayTarget>>();
// Opened and resolved: lets reads of an open source stay synchronous.
const READY = new Map<string, ArraySource | ArrayTarget>();
const WORKER_MODULES = new Set<string>();
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

/**
 * Registers how to reopen descriptors of one kind. Only trusted code calls it: `@chunked/io`'s
 * format table, or a module the pool was given in `modules`.
 */
export function registerOpener(kind: string, opener: Opener): void {
  OPENERS.set(kind, opener);
}

/**
 * Asks every pool worker started from now on to import `url` (e.g. `@chunked/io`'s format table,
 * which registers its openers): with the pool's own `modules`, the only code a worker loads.
 */
export function registerWorkerModule(url: string): void {
  WORKER_MODULES.add(url);
}

/** The modules registered with {@link registerWorkerModule}, for pools to load in their workers. */
export function workerModules(): string[] {
  return [...WORKER_MODULES];
}

/** A cache key for a descriptor; a `Blob` (browser `File`) is known by name, size and date. */
function descriptorKey(descriptor: SourceDescriptor): string {
  return JSON.stringify(descriptor, (_k, v) => {
    if (typeof Blob !== "undefined" && v instanceof Blob) {
      const f = v as Blob & { name?: string; lastModified?: number };
      return { blob: [f.name ?? "", f.size, f.lastModified ?? 0, f.type] };
    }
    return v;
  });
}

/**
 * Reopens a descriptor with the opener registered for its kind, once per thread (later calls get
 * the same object). A kind without an opener is refused: descriptors are data and never load code.
 */
export function openDescriptor(descriptor: SourceDescriptor): Promise<ArraySource | ArrayTarget> {
  if (descriptor?.kind === "local") {
    const { id } = descriptor as LocalDescriptor;
    const obj = LOCAL.get(id);
    if (!obj) return Promise.reject(new InvalidArgumentError(`Local source ${id} is not on this thread.`));
    return Promise.resolve(obj);
  }
  const cacheKey = descriptorKey(descriptor);
  let p = OPENED.get(cacheKey);
  if (!p) {
    p = openerFor(descriptor).then((opener) => opener(descriptor));
    OPENED.set(cacheKey, p);
    p.then(
      (obj) => READY.set(cacheKey, obj),
      // A failed open is not cached: the file may appear later.
      () => OPENED.delete(cacheKey),
    );
  }
  return p;
}

let workerModulesLoaded: Promise<unknown> | undefined;

/** The opener of a descriptor's kind; the registered worker modules (an allow-list) are loaded first if needed. */
async function openerFor(descriptor: SourceDescriptor): Promise<Opener> {
  const kind: unknown = descriptor?.kind;
  if (typeof kind === "string" && !OPENERS.has(kind) && WORKER_MODULES.size > 0) {
    workerModulesLoaded ??= Promise.all([...WORKER_MODULES].map((url) => import(/* @vite-ignore */ url)));
    await workerModulesLoaded;
  }
  const opener = typeof kind === "string" ? OPENERS.get(kind) : undefined;
  if (!opener) {
    throw new InvalidArgumentError(
      `No opener for sources of kind ${fmt(kind)} on this thread. Got kind=${fmt(kind)}, expected one of ${fmt([...OPENERS.keys()])}. A thread loads code only from @chunked/io's formats and the modules given to the pool (its modules option), never from a descriptor.`,
    );
  }
  return opener;
}

/** Forgets the sources reopened on this thread (their handles close when collected or on exit). */
export function clearOpened(): void {
  OPENED.clear();
  READY.clear();
}

/** Opens a descriptor synchronously when it is local or already open on this thread. */
function openLocal(descriptor: SourceDescriptor): ArraySource | ArrayTarget | undefined {
  if (descriptor.kind === "local") return LOCAL.get((descriptor as LocalDescriptor).id);
  return READY.size ? READY.get(descriptorKey(descriptor)) : undefined;
}

/** Records an object already open on this thread under its descriptor, so tasks here reuse it. */
export function rememberOpen(obj: ArraySource | ArrayTarget): void {
  if (!obj.descriptor) return;
  const key = descriptorKey(obj.descriptor);
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
  return openDescriptor(p.source).then((s) => (s as ArraySource).read(p.region));
});

export interface StoreWriteParams {
  target: SourceDescriptor;
  region: Region;
}

/** Writes its input block into a target region; returns an empty array (nothing to keep). */
export const storeWrite = defineKernel("store.write", async (inputs, p: StoreWriteParams) => {
  const target = (openLocal(p.target) ?? (await openDescriptor(p.target))) as ArrayTarget;
  await target.write(p.region, inputs[0]);
  return NDArray.zeros(inputs[0].dtype, [0]);
});

/** True when a task must run on the thread that created the graph (its source/target is local). */
export function isLocalTask(params: unknown): boolean {
  const p = params as { source?: SourceDescriptor; target?: SourceDescriptor } | undefined;
  return p?.source?.kind === "local" || p?.target?.kind === "local";
}
