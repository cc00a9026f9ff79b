/**
 * Owned shared memory. A SharedArrayBuffer lives until every thread that ever held it has
 * garbage-collected its wrapper, and V8 counts a shared buffer's memory towards no thread's GC
 * trigger (`BackingStore::PerIsolateAccountingLength` is 0 for shared memory): a dropped one stays
 * resident until each of those threads collects for unrelated reasons. The pool's thread, which
 * holds a wrapper of every chunk, collects rarely, so left to GC, chunks a compute dropped long ago
 * stay resident (measured: GBs on a 4 GB read-and-reduce while the scheduler held tens of MB; the
 * 1e8 sort of the bench 0.94 GB, 0.53 GB with the pool's thread collecting every 300 ms). So the
 * shared buffers that workers copy their kernels' big outputs into carry an id; the pool counts the
 * scheduler's results that use each one, and when the scheduler releases the last
 * (`Executor.release`), the buffer goes back to the worker that made it, whose allocator hands it
 * out again. Buffers come in size classes ({@link sharedClassBytes}) so that outputs whose sizes
 * differ a little (a sort's partitions and buckets) reuse each other's. (Kernels themselves
 * allocate from the worker's own free lists of ordinary buffers, kernels/recycle.ts.)
 * @internal
 * @module
 */
import { FreeLists } from "../kernels/recycle.js";

/**
 * Least bytes of free shared buffers a worker keeps. Only buffers of a size class the worker no
 * longer makes need the cap: a free buffer costs the same memory as a dropped one until GC, and is
 * reused, so the cap is well above a compute's working set (the 1e8 sort's 67 MB buckets). A worker
 * whose buffers the scheduler once held more of at once keeps that much (see
 * {@link BufferLedger.takeFree}).
 */
export const RECYCLE_CAP_BYTES = 256 * 2 ** 20;
/**
 * Most bytes of free buffers a worker's kernels keep (kernels/recycle.ts; 128 MB in-process).
 * Measured on the tutorial W1, W2 and W3: 16 MB serves all but ~0.5% of their allocations from
 * the lists, as 128 MB does, and W3's peak RSS with 2 workers fell from 900-920 to 740 MB.
 */
export const WORKER_KERNEL_CAP_BYTES = 16 * 2 ** 20;

/**
 * The byte length of the shared buffer that holds `bytes`: 8 classes per doubling, so at most
 * 12.5% of a buffer is unused (and never touched, so not resident when fresh).
 */
export function sharedClassBytes(bytes: number): number {
  if (bytes <= 64) return Math.ceil(bytes / 8) * 8;
  const step = 2 ** (Math.floor(Math.log2(bytes - 1)) - 3);
  return Math.ceil(bytes / step) * step;
}

/** How many classes larger a free buffer may be and still serve an allocation (at most ~1.3×). */
const LARGER_CLASSES = 2;

/**
 * A worker's shared-memory allocator: free lists of recycled buffers by size class. When the free
 * buffers would exceed {@link RECYCLE_CAP_BYTES}, the ones freed longest ago go (sizes a compute
 * no longer makes: edge blocks, an earlier compute's), not the one just freed.
 */
export class WorkerBuffers {
  readonly #free: FreeLists<SharedArrayBuffer>;
  readonly #ids = new WeakMap<SharedArrayBuffer, number>();
  #next = 0;
  /** Buffers allocated, and handed out again instead of allocated. */
  fresh = 0;
  reused = 0;

  /** `idBase` makes this worker's ids distinct from every other worker's; `cap`: most free bytes kept. */
  constructor(
    private readonly idBase: number,
    cap = RECYCLE_CAP_BYTES,
  ) {
    this.#free = new FreeLists<SharedArrayBuffer>(cap);
  }

  /**
   * A shared buffer of at least `bytes` (its size class) with an id, for the copy of a kernel's
   * output that travels. A recycled one keeps its old bytes: the copy overwrites the `bytes` it
   * uses (wire.ts, compactCopy).
   */
  readonly allocateShared = (bytes: number): SharedArrayBuffer => {
    const size = sharedClassBytes(bytes);
    // Its own class, else a free buffer up to LARGER_CLASSES classes larger: sizes that straddle a
    // class boundary (a sort's partitions, whose buckets differ by a few %) then share the buffers
    // of the upper class instead of keeping a stock of each.
    for (let c = size, k = 0; k <= LARGER_CLASSES; k++, c = sharedClassBytes(c + 1)) {
      const recycled = this.#free.take(c);
      if (recycled) {
        this.reused++;
        return recycled;
      }
    }
    this.fresh++;
    const buffer = new SharedArrayBuffer(size);
    this.#ids.set(buffer, this.idBase + this.#next++);
    return buffer;
  };

  /** The id of a buffer this worker allocated or was told about, or -1. */
  idOf(buffer: ArrayBufferLike): number {
    return this.#ids.get(buffer as SharedArrayBuffer) ?? -1;
  }

  /** Remembers the id of a buffer that arrived in a message (an input, or a recycled buffer). */
  adopt(id: number, buffer: ArrayBufferLike): void {
    if (id >= 0) this.#ids.set(buffer as SharedArrayBuffer, id);
  }

  /**
   * Takes back buffers nothing uses any more (one over the cap alone is left to GC); `cap`, when
   * given, is the most bytes of free buffers to keep from now on.
   */
  recycle(ids: readonly number[], buffers: readonly SharedArrayBuffer[], cap?: number): void {
    if (cap !== undefined) this.#free.cap = cap;
    for (let i = 0; i < buffers.length; i++) {
      this.adopt(ids[i], buffers[i]);
      this.#free.put(buffers[i]);
    }
  }

  /** Bytes of free buffers held. */
  get freeBytes(): number {
    return this.#free.bytes;
  }
}

/** Free buffers going back to the worker that made them, and the most free bytes it should keep. */
export interface FreeBuffers {
  readonly ids: number[];
  readonly buffers: SharedArrayBuffer[];
  readonly cap: number;
}

/**
 * Bytes of a worker's buffers the pool holds (results use them, or they wait to go back to it), now
 * and the most at once.
 */
interface OwnerBytes {
  held: number;
  peak: number;
}

interface Owned {
  readonly id: number;
  /** The worker that allocated it (its free list takes it back). */
  readonly owner: object;
  readonly bytes: number;
  /** Scheduler results using it. */
  refs: number;
}

/** What {@link BufferLedger} knows of the buffers in use, for `stats`. */
export interface BufferStats {
  /** Worker-allocated shared buffers that arrived and are not free again. */
  readonly liveBuffers: number;
  readonly liveBytes: number;
  /** Most bytes live at once. */
  readonly peakLiveBytes: number;
  /** Buffers returned to their worker for reuse. */
  readonly recycled: number;
}

/**
 * The pool's side: which worker buffers the scheduler's results use (the scheduler retains each
 * result when it stores it and releases it after its last use), and which buffers are free again.
 */
export class BufferLedger {
  readonly #byId = new Map<number, Owned>();
  readonly #byBuffer = new WeakMap<ArrayBufferLike, Owned>();
  readonly #pending = new Map<object, { ids: number[]; buffers: SharedArrayBuffer[]; bytes: number }>();
  readonly #byOwner = new WeakMap<object, OwnerBytes>();
  /** Workers that ended: buffers they made are left to GC when freed. */
  readonly #gone = new WeakSet<object>();
  #liveBytes = 0;
  #peakLiveBytes = 0;
  #recycled = 0;

  /** The id to send with a chunk whose buffer a worker allocated (so its views keep it), or -1. */
  idOf(buffer: ArrayBufferLike): number {
    return this.#byBuffer.get(buffer)?.id ?? -1;
  }

  /** A chunk arrived from `owner` in its buffer `id` (< 0: not a worker-allocated buffer). */
  arrived(buffer: ArrayBufferLike, id: number, owner: object): void {
    if (id < 0) return;
    let owned = this.#byId.get(id);
    if (!owned) {
      owned = { id, owner, bytes: buffer.byteLength, refs: 0 };
      this.#byId.set(id, owned);
      this.#liveBytes += owned.bytes;
      if (this.#liveBytes > this.#peakLiveBytes) this.#peakLiveBytes = this.#liveBytes;
      let mine = this.#byOwner.get(owner);
      if (!mine) this.#byOwner.set(owner, (mine = { held: 0, peak: 0 }));
      mine.held += owned.bytes;
      if (mine.held > mine.peak) mine.peak = mine.held;
    }
    this.#byBuffer.set(buffer, owned);
  }

  /** The scheduler holds a result that uses `buffer`. */
  retain(buffer: ArrayBufferLike): void {
    const owned = this.#byBuffer.get(buffer);
    if (owned) owned.refs++;
  }

  /**
   * The scheduler dropped a result that used `buffer`; at the last one, the buffer is free and goes
   * back to its worker with the next batch (all of them: one dropped here would stay resident
   * until GC, see the module's note; the worker's free lists cap what it keeps).
   */
  release(buffer: ArrayBufferLike): void {
    const owned = this.#byBuffer.get(buffer);
    if (!owned || --owned.refs > 0) return;
    this.#byId.delete(owned.id);
    this.#byBuffer.delete(buffer);
    this.#liveBytes -= owned.bytes;
    if (this.#gone.has(owned.owner)) return;
    let queue = this.#pending.get(owned.owner);
    if (!queue) this.#pending.set(owned.owner, (queue = { ids: [], buffers: [], bytes: 0 }));
    queue.ids.push(owned.id);
    queue.buffers.push(buffer as SharedArrayBuffer);
    queue.bytes += owned.bytes;
  }

  /**
   * Free buffers to send back to `owner` with its next message (and forget), with the most free
   * bytes it should keep: the most of its buffers the pool held at once, in results or waiting to
   * go back (at least {@link RECYCLE_CAP_BYTES}). Everything a compute held then fits when it is
   * freed, and the next compute of the same shape makes no new buffer: a worker that dropped some
   * over a fixed cap made them again in every repeat, while the dropped ones stayed resident until
   * GC (the 10000² rechunk: +0.4 GB per repeat in one process).
   */
  takeFree(owner: object): FreeBuffers | undefined {
    const queue = this.#pending.get(owner);
    if (!queue || queue.ids.length === 0) return undefined;
    this.#pending.delete(owner);
    this.#recycled += queue.ids.length;
    const mine = this.#byOwner.get(owner)!;
    mine.held -= queue.bytes;
    return { ids: queue.ids, buffers: queue.buffers, cap: Math.max(RECYCLE_CAP_BYTES, mine.peak) };
  }

  /** A worker is gone: its free buffers go to GC. */
  forget(owner: object): void {
    this.#gone.add(owner);
    this.#pending.delete(owner);
  }

  get stats(): BufferStats {
    return {
      liveBuffers: this.#byId.size,
      liveBytes: this.#liveBytes,
      peakLiveBytes: this.#peakLiveBytes,
      recycled: this.#recycled,
    };
  }
}
