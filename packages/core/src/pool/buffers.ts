/**
 * Owned shared memory. A SharedArrayBuffer lives until every thread that ever held it has
 * garbage-collected its wrapper, and V8 counts a shared buffer's memory towards no thread's GC
 * trigger (`BackingStore::PerIsolateAccountingLength` is 0 for shared memory): a dropped one stays
 * resident until each of those threads collects for unrelated reasons. So the shared buffers that
 * workers copy their kernels' big outputs into are not dropped while they can serve again: each
 * carries an id, the pool counts the scheduler's results that use it, and when the scheduler
 * releases the last (`Executor.release`) the buffer joins the pool's one free list
 * ({@link BufferLedger}). With each batch the pool lends the worker, from that list, a buffer of
 * the size each task's output had last time (by kernel and input size); the worker copies the
 * output there, or reports it unused. A worker allocates only when the pool had nothing that fits,
 * so a pool's shared bytes are what its results held and its tasks had lent at once, not what GC
 * has left. (Per-worker free lists, until session 10, kept buffers that the other worker needed:
 * the 10000² rechunk made 0.96 GB of buffers for 0.85 GB held, more in every repeat, and dropped
 * the surplus to GC: 1.66 GB peak RSS against 0.95 GB in-process.) Buffers come in size classes
 * ({@link sharedClassBytes}) so that outputs whose sizes differ a little (a sort's partitions and
 * buckets) reuse each other's. (Kernels themselves allocate from the worker's own free lists of
 * ordinary buffers, kernels/recycle.ts.)
 * @internal
 * @module
 */
import { FreeLists } from "../kernels/recycle.js";

/**
 * Least bytes of free shared buffers the pool keeps; the cap grows to 1.25 times the most bytes
 * that results used and batches were lent at once, so a compute of the same shape makes no new
 * buffer. Free buffers over it (sizes no compute makes any more) go to GC, oldest first.
 */
export const RECYCLE_CAP_BYTES = 64 * 2 ** 20;
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

/** The size classes (smallest first) whose buffers may serve `bytes`. */
function servingClasses(bytes: number): number[] {
  const classes = [sharedClassBytes(bytes)];
  for (let k = 0; k < LARGER_CLASSES; k++) classes.push(sharedClassBytes(classes[k] + 1));
  return classes;
}

/** Buffers the pool lent one batch: used by its outputs, or reported unused. */
export class LentBuffers {
  readonly #ids: number[];
  readonly #buffers: (SharedArrayBuffer | undefined)[];

  constructor(ids: readonly number[] = [], buffers: readonly SharedArrayBuffer[] = []) {
    this.#ids = [...ids];
    this.#buffers = [...buffers];
  }

  /** A lent buffer that serves `bytes` (its class or up to two larger), smallest first. */
  take(bytes: number): SharedArrayBuffer | undefined {
    for (const c of servingClasses(bytes)) {
      const i = this.#buffers.findIndex((b) => b?.byteLength === c);
      if (i >= 0) {
        const buffer = this.#buffers[i];
        this.#buffers[i] = undefined;
        return buffer;
      }
    }
    return undefined;
  }

  /** Ids of the buffers no output took: they go back to the pool's free list. */
  unused(): number[] {
    return this.#ids.filter((_, i) => this.#buffers[i] !== undefined);
  }
}

/**
 * A worker's side of the shared buffers: ids for the buffers it makes or is lent, and allocation
 * from a batch's lent buffers. It keeps no free buffers itself: the pool holds them all, so every
 * free buffer can serve either worker.
 */
export class WorkerBuffers {
  readonly #ids = new WeakMap<SharedArrayBuffer, number>();
  #next = 0;
  /** Buffers allocated, and lent ones used instead of allocating. */
  fresh = 0;
  reused = 0;

  /** `idBase` makes this worker's ids distinct from every other worker's. */
  constructor(private readonly idBase: number) {}

  /**
   * A shared buffer of at least `bytes` (its size class) with an id, for the copy of a kernel's
   * output that travels: a lent one that fits, else a new one. A lent one keeps its old bytes: the
   * copy overwrites the `bytes` it uses (wire.ts, compactCopy).
   */
  allocateShared(bytes: number, lent?: LentBuffers): SharedArrayBuffer {
    const recycled = lent?.take(bytes);
    if (recycled) {
      this.reused++;
      return recycled;
    }
    this.fresh++;
    const buffer = new SharedArrayBuffer(sharedClassBytes(bytes));
    this.#ids.set(buffer, this.idBase + this.#next++);
    return buffer;
  }

  /** The id of a buffer this worker allocated or was told about, or -1. */
  idOf(buffer: ArrayBufferLike): number {
    return this.#ids.get(buffer as SharedArrayBuffer) ?? -1;
  }

  /** Remembers the id of a buffer that arrived in a message (an input, or a lent buffer). */
  adopt(id: number, buffer: ArrayBufferLike): void {
    if (id >= 0) this.#ids.set(buffer as SharedArrayBuffer, id);
  }

  /** The buffers a batch was lent (their ids remembered), to allocate its outputs from. */
  lend(ids: readonly number[] = [], buffers: readonly SharedArrayBuffer[] = []): LentBuffers {
    for (let i = 0; i < buffers.length; i++) this.adopt(ids[i], buffers[i]);
    return new LentBuffers(ids, buffers);
  }
}

/** Free bytes kept per byte in use at the peak (see {@link BufferLedger}'s cap). */
const FREE_PER_IN_USE = 1.25;

const FREE = 0;
const LENT = 1;
const LIVE = 2;

interface Owned {
  readonly id: number;
  readonly bytes: number;
  /** Scheduler results using it (LIVE). */
  refs: number;
  state: typeof FREE | typeof LENT | typeof LIVE;
  /** The pool's handle while FREE or LENT (while LIVE, the results hold it). */
  buffer: SharedArrayBuffer | undefined;
}

/** What {@link BufferLedger} knows of the shared buffers, for `stats`. */
export interface BufferStats {
  /** Buffers that results use (arrived and not released). */
  readonly liveBuffers: number;
  readonly liveBytes: number;
  /** Most bytes live at once. */
  readonly peakLiveBytes: number;
  /** Lent buffers a worker used for an output instead of allocating one. */
  readonly recycled: number;
  /** Bytes of free buffers the pool holds, and of buffers lent to batches still running. */
  readonly freeBytes: number;
  readonly lentBytes: number;
  /** Bytes of all buffers the workers made (each counted once). */
  readonly madeBytes: number;
  /** Bytes of free buffers let go to GC (over the cap, or lent to a worker that died). */
  readonly droppedBytes: number;
}

/** Free buffers lent to one batch. */
export interface Lent {
  readonly ids: number[];
  readonly buffers: SharedArrayBuffer[];
}

/**
 * The pool's side: which shared buffers the scheduler's results use (it retains each result when
 * it stores it and releases it after its last use), the free ones, and the ones lent to batches.
 * Every buffer a worker made is in one of those states until it is dropped.
 */
export class BufferLedger {
  readonly #byId = new Map<number, Owned>();
  readonly #byBuffer = new WeakMap<ArrayBufferLike, Owned>();
  /** Free buffers by size class: the one place they are kept. */
  readonly #free = new FreeLists<SharedArrayBuffer>(RECYCLE_CAP_BYTES);
  #liveBuffers = 0;
  #liveBytes = 0;
  #peakLiveBytes = 0;
  #lentBytes = 0;
  #madeBytes = 0;
  #droppedBytes = 0;
  #recycled = 0;

  /** The id to send with a chunk whose buffer a worker allocated (so its views keep it), or -1. */
  idOf(buffer: ArrayBufferLike): number {
    return this.#byBuffer.get(buffer)?.id ?? -1;
  }

  /**
   * A chunk arrived in buffer `id` (< 0: not a pool buffer). Returns whether it is a new output's
   * memory (made by the worker, or lent to it), not a view of a chunk already live.
   */
  arrived(buffer: ArrayBufferLike, id: number): boolean {
    if (id < 0) return false;
    let owned = this.#byId.get(id);
    let fresh = true;
    if (!owned) {
      owned = { id, bytes: buffer.byteLength, refs: 0, state: LIVE, buffer: undefined };
      this.#byId.set(id, owned);
      this.#madeBytes += owned.bytes;
      this.#live(owned);
    } else if (owned.state === LENT) {
      this.#lentBytes -= owned.bytes;
      this.#recycled++;
      this.#live(owned);
    } else fresh = false;
    this.#byBuffer.set(buffer, owned);
    return fresh;
  }

  /** The scheduler holds a result that uses `buffer`. */
  retain(buffer: ArrayBufferLike): void {
    const owned = this.#byBuffer.get(buffer);
    if (owned?.state === LIVE) owned.refs++;
  }

  /** The scheduler dropped a result that used `buffer`; at the last one, the buffer is free. */
  release(buffer: ArrayBufferLike): void {
    const owned = this.#byBuffer.get(buffer);
    if (!owned || owned.state !== LIVE || --owned.refs > 0) return;
    this.#unlive(owned);
    this.#toFree(owned, buffer as SharedArrayBuffer);
  }

  /** An output that arrived for a task nobody waits for any more: free unless a result uses it. */
  discard(buffer: ArrayBufferLike): void {
    const owned = this.#byBuffer.get(buffer);
    if (!owned || owned.state !== LIVE || owned.refs > 0) return;
    this.#unlive(owned);
    this.#toFree(owned, buffer as SharedArrayBuffer);
  }

  /**
   * Free buffers for a batch whose tasks' outputs are expected to take `bytes` each (0: none
   * expected, or small): for each, a free buffer of its class or up to two larger, if any.
   */
  lend(bytes: readonly number[]): Lent | undefined {
    let lent: Lent | undefined;
    for (const b of bytes) {
      if (!(b > 0)) continue;
      // One class up first: it also serves an output a class larger or smaller than the last
      // (a sort's partitions vary by a few %), which its own class would not.
      const [own, up, top] = servingClasses(b);
      for (const c of [up, own, top]) {
        const buffer = this.#free.take(c);
        if (!buffer) continue;
        const owned = this.#byBuffer.get(buffer)!;
        owned.state = LENT;
        this.#lentBytes += owned.bytes;
        lent ??= { ids: [], buffers: [] };
        lent.ids.push(owned.id);
        lent.buffers.push(buffer);
        break;
      }
    }
    return lent;
  }

  /** Lent buffers a batch did not use (or was never sent with): free again. */
  returned(ids: readonly number[]): void {
    for (const id of ids) {
      const owned = this.#byId.get(id);
      if (!owned || owned.state !== LENT) continue;
      this.#lentBytes -= owned.bytes;
      this.#toFree(owned, owned.buffer!);
    }
  }

  /**
   * Lent buffers of a worker that died or was ended: dropped (left to GC), since a stuck kernel
   * may still write into them until its thread is gone.
   */
  lost(ids: readonly number[]): void {
    for (const id of ids) {
      const owned = this.#byId.get(id);
      if (!owned || owned.state !== LENT) continue;
      this.#lentBytes -= owned.bytes;
      this.#droppedBytes += owned.bytes;
      this.#byId.delete(id);
    }
  }

  get stats(): BufferStats {
    return {
      liveBuffers: this.#liveBuffers,
      liveBytes: this.#liveBytes,
      peakLiveBytes: this.#peakLiveBytes,
      recycled: this.#recycled,
      freeBytes: this.#free.bytes,
      lentBytes: this.#lentBytes,
      madeBytes: this.#madeBytes,
      droppedBytes: this.#droppedBytes,
    };
  }

  #live(owned: Owned): void {
    owned.state = LIVE;
    owned.refs = 0;
    owned.buffer = undefined;
    this.#liveBuffers++;
    this.#liveBytes += owned.bytes;
    if (this.#liveBytes > this.#peakLiveBytes) this.#peakLiveBytes = this.#liveBytes;
    // Free buffers are capped at 1.25 times the most bytes in use at once (results and lent): what
    // a compute used then fits when it is freed, with room for the buffers of the size classes it
    // no longer needed when it made others (a rechunk's blocks, then its pieces: the 10000²
    // rechunk made 0.92 GB for 0.85 GB in use), so the next compute of its shape makes nothing new
    // and drops nothing to GC.
    const inUse = this.#liveBytes + this.#lentBytes;
    if (FREE_PER_IN_USE * inUse > this.#free.cap) this.#free.cap = FREE_PER_IN_USE * inUse;
  }

  #unlive(owned: Owned): void {
    this.#liveBuffers--;
    this.#liveBytes -= owned.bytes;
  }

  #toFree(owned: Owned, buffer: SharedArrayBuffer): void {
    owned.state = FREE;
    owned.buffer = buffer;
    this.#byBuffer.set(buffer, owned);
    const expected = this.#free.bytes + owned.bytes;
    this.#free.put(buffer);
    if (this.#free.bytes < expected) this.#forgetDropped(expected - this.#free.bytes);
  }

  /**
   * Over the cap, the free list let the buffers freed longest ago go to GC (sizes no compute makes
   * any more): forget them.
   */
  #forgetDropped(bytes: number): void {
    this.#droppedBytes += bytes;
    for (const [id, owned] of this.#byId)
      if (owned.state === FREE && !this.#free.has(owned.buffer!)) this.#byId.delete(id);
  }
}
