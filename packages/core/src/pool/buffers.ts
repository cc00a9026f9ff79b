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
 * (`Executor.release`), the buffer is free: the pool lends it to a worker for the next output of
 * its size. Buffers come in size classes ({@link sharedClassBytes}) so that outputs whose sizes
 * differ a little (a sort's partitions and buckets) reuse each other's. (Kernels themselves
 * allocate from the worker's own free lists of ordinary buffers, kernels/recycle.ts.)
 * @internal
 * @module
 */
import { FreeLists } from "../kernels/recycle.js";

/**
 * Free shared buffers the pool always may keep, in bytes; it keeps up to the most bytes its
 * results held in shared buffers at once if that is more. A free buffer costs the same memory as a
 * dropped one until every thread that held it collects garbage, and is reused: dropping one makes
 * the next compute allocate again while the old one is still resident (the bench's R1 on the pool,
 * 836 MB live, grew by 0.9 GB per repeat with a 32 MB cap). The cap only trims buffers of size
 * classes no task makes any more.
 */
export const RECYCLE_CAP_BYTES = 32 * 2 ** 20;
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
 * A free buffer for `bytes`: of its class, else up to {@link LARGER_CLASSES} classes larger, so
 * that sizes straddling a class boundary (a sort's partitions, whose buckets differ by a few %)
 * share the buffers of the upper class instead of needing a stock of each.
 */
function takeForSize(free: FreeLists<SharedArrayBuffer>, bytes: number): SharedArrayBuffer | undefined {
  for (let c = sharedClassBytes(bytes), k = 0; k <= LARGER_CLASSES; k++, c = sharedClassBytes(c + 1)) {
    const buffer = free.take(c);
    if (buffer) return buffer;
  }
  return undefined;
}

/**
 * A worker's shared-memory allocator. Its free buffers are the ones the pool lent it with a batch
 * for the outputs it expects (see {@link BufferLedger}); those it did not use go back with the
 * answer ({@link WorkerBuffers.takeSpare}), so no worker hoards buffers the other one needs.
 */
export class WorkerBuffers {
  readonly #free = new FreeLists<SharedArrayBuffer>(Number.POSITIVE_INFINITY);
  readonly #ids = new WeakMap<SharedArrayBuffer, number>();
  #next = 0;
  /** Buffers allocated, and handed out again instead of allocated. */
  fresh = 0;
  reused = 0;

  /** `idBase` makes this worker's ids distinct from every other worker's. */
  constructor(private readonly idBase: number) {}

  /**
   * A shared buffer of at least `bytes` (its size class) with an id, for the copy of a kernel's
   * output that travels. A lent one keeps its old bytes: the copy overwrites the `bytes` it uses
   * (wire.ts, compactCopy).
   */
  readonly allocateShared = (bytes: number): SharedArrayBuffer => {
    const lent = takeForSize(this.#free, bytes);
    if (lent) {
      this.reused++;
      return lent;
    }
    this.fresh++;
    const buffer = new SharedArrayBuffer(sharedClassBytes(bytes));
    this.#ids.set(buffer, this.idBase + this.#next++);
    return buffer;
  };

  /** The id of a buffer this worker allocated or was told about, or -1. */
  idOf(buffer: ArrayBufferLike): number {
    return this.#ids.get(buffer as SharedArrayBuffer) ?? -1;
  }

  /** Remembers the id of a buffer that arrived in a message (an input, or a lent buffer). */
  adopt(id: number, buffer: ArrayBufferLike): void {
    if (id >= 0) this.#ids.set(buffer as SharedArrayBuffer, id);
  }

  /** Takes free buffers the pool lent for a batch's outputs (made here or by another worker). */
  lend(ids: readonly number[], buffers: readonly SharedArrayBuffer[]): void {
    for (let i = 0; i < buffers.length; i++) {
      this.adopt(ids[i], buffers[i]);
      this.#free.put(buffers[i]);
    }
  }

  /** The lent buffers not used, to give back to the pool with an answer (none are kept here). */
  takeSpare(): { ids: number[]; buffers: SharedArrayBuffer[] } | undefined {
    if (this.#free.bytes === 0) return undefined;
    const buffers = this.#free.drain();
    return { ids: buffers.map((b) => this.idOf(b)), buffers };
  }

  /** Bytes of free buffers held. */
  get freeBytes(): number {
    return this.#free.bytes;
  }
}

interface Owned {
  readonly id: number;
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
  /** Free buffers lent to a worker for a batch's outputs. */
  readonly recycled: number;
  /** Bytes of free buffers the pool holds to lend (none once the pool has idled). */
  readonly freeBytes: number;
}

/**
 * The pool's side: which worker buffers the scheduler's results use (the scheduler retains each
 * result when it stores it and releases it after its last use), and the free ones. A free buffer
 * is lent with a batch to whichever worker runs a task expected to make an output of its size
 * class (the size that task's kernel made last), and comes back if unused. Tied to the worker
 * that made them, buffers sat free in one worker while the other allocated: S1's repeats kept
 * allocating 72 MB buckets, and R1's grew by what each worker's share of the work changed.
 */
export class BufferLedger {
  readonly #byId = new Map<number, Owned>();
  readonly #byBuffer = new WeakMap<ArrayBufferLike, Owned>();
  readonly #free = new FreeLists<SharedArrayBuffer>(RECYCLE_CAP_BYTES);
  readonly #freeIds = new WeakMap<SharedArrayBuffer, number>();
  #liveBytes = 0;
  #peakLiveBytes = 0;
  #recycled = 0;

  /** The id to send with a chunk whose buffer a worker allocated (so its views keep it), or -1. */
  idOf(buffer: ArrayBufferLike): number {
    return this.#byBuffer.get(buffer)?.id ?? -1;
  }

  /** A chunk arrived in a worker's buffer `id` (< 0: not a worker-allocated buffer). */
  arrived(buffer: ArrayBufferLike, id: number): void {
    if (id < 0) return;
    let owned = this.#byId.get(id);
    if (!owned) {
      owned = { id, bytes: buffer.byteLength, refs: 0 };
      this.#byId.set(id, owned);
      this.#liveBytes += owned.bytes;
      if (this.#liveBytes > this.#peakLiveBytes) {
        this.#peakLiveBytes = this.#liveBytes;
        if (this.#peakLiveBytes > this.#free.cap) this.#free.cap = this.#peakLiveBytes;
      }
    }
    this.#byBuffer.set(buffer, owned);
  }

  /** The scheduler holds a result that uses `buffer`. */
  retain(buffer: ArrayBufferLike): void {
    const owned = this.#byBuffer.get(buffer);
    if (owned) owned.refs++;
  }

  /**
   * The scheduler dropped a result that used `buffer`; at the last one, the buffer is free (kept:
   * one dropped here would stay resident until GC, see the module's note).
   */
  release(buffer: ArrayBufferLike): void {
    const owned = this.#byBuffer.get(buffer);
    if (!owned || --owned.refs > 0) return;
    this.#byId.delete(owned.id);
    this.#byBuffer.delete(buffer);
    this.#liveBytes -= owned.bytes;
    this.#putFree(owned.id, buffer as SharedArrayBuffer);
  }

  /** Buffers a worker was lent and did not use. */
  giveBack(ids: readonly number[], buffers: readonly SharedArrayBuffer[]): void {
    for (let i = 0; i < buffers.length; i++) if (ids[i] >= 0) this.#putFree(ids[i], buffers[i]);
  }

  #putFree(id: number, buffer: SharedArrayBuffer): void {
    this.#freeIds.set(buffer, id);
    this.#free.put(buffer);
  }

  /** A free buffer (and its id) for an output of about `bytes`, taken from the free ones; or none. */
  lend(bytes: number): { id: number; buffer: SharedArrayBuffer } | undefined {
    const buffer = takeForSize(this.#free, bytes);
    if (!buffer) return undefined;
    this.#recycled++;
    return { id: this.#freeIds.get(buffer)!, buffer };
  }

  /** Bytes of free buffers held. */
  get freeBytes(): number {
    return this.#free.bytes;
  }

  /** Lets go of the free buffers (an idle pool keeps none; GC takes them once no thread holds one). */
  dropFree(): void {
    this.#free.drain();
  }

  get stats(): BufferStats {
    return {
      liveBuffers: this.#byId.size,
      liveBytes: this.#liveBytes,
      peakLiveBytes: this.#peakLiveBytes,
      recycled: this.#recycled,
      freeBytes: this.#free.bytes,
    };
  }
}
