/**
 * Recycled chunk memory for in-process runs. A fresh typed array of a few MB costs a page fault
 * per 4 KiB page when first touched, and V8 frees array buffers only at GC, so the C allocator
 * cannot reuse them the way NumPy's arrays are reused. Measured on the 2-core bench machine: a
 * fresh 4 MB Float64Array cost 7–15 ns per element against about 1 ns reused, and W1 (sum and
 * mean of 1e8 float32 read from HDF5) spent 6.6 s wall / 1.6 s CPU in-process against 0.8 s / 0.35 s
 * with glibc told never to return memory.
 *
 * So while {@link InProcessExecutor} runs a kernel, {@link allocate}'s non-shared arrays of at
 * least {@link MIN_BYTES} come from here: each such buffer counts the scheduler's stored results
 * that use it (`retain`/`release`), and when the last is released the buffer goes to a free list
 * by size, from which the next allocation of that size is served (zero-filled). Only buffers made
 * here during a kernel run are ever recycled, never the caller's arrays, eager results or pool
 * memory. A kernel may also give back a scratch array it allocated and never let escape.
 * @internal
 * @module
 */
import { setLocalAllocator } from "../dtype/dtypes.js";
import type { NDArray } from "../ndarray/ndarray.js";

/** Smaller arrays are cheap to make fresh (no page faults): not worth tracking. */
const MIN_BYTES = 64 * 1024;
/** Most bytes of free buffers kept on a thread that computes in-process. */
const CAP_BYTES = 128 * 2 ** 20;

/**
 * Free buffers by exact byte length, at most `cap` bytes in all. When a buffer would go over the
 * cap, the ones freed longest ago go to GC (sizes a compute no longer makes: edge blocks, an
 * earlier compute's), not the one just freed. Used here for kernels' arrays and by the pool for
 * the shared buffers a worker copies outputs into (pool/buffers.ts).
 */
export class FreeLists<B extends ArrayBufferLike> {
  readonly #bySize = new Map<number, B[]>();
  /** Every free buffer, oldest first (each size's list is in the same order). */
  readonly #byAge = new Set<B>();
  #bytes = 0;
  #cap: number;

  constructor(cap: number) {
    this.#cap = cap;
  }

  /** A free buffer of exactly `bytes`, the one freed last, or undefined. */
  take(bytes: number): B | undefined {
    const buffer = this.#bySize.get(bytes)?.pop();
    if (buffer === undefined) return undefined;
    this.#byAge.delete(buffer);
    this.#bytes -= bytes;
    return buffer;
  }

  /** Keeps `buffer` for reuse (unless it alone is over the cap), dropping the oldest to make room. */
  put(buffer: B): void {
    const bytes = buffer.byteLength;
    if (bytes === 0 || bytes > this.#cap || this.#byAge.has(buffer)) return;
    this.#shrinkTo(this.#cap - bytes);
    let list = this.#bySize.get(bytes);
    if (!list) this.#bySize.set(bytes, (list = []));
    list.push(buffer);
    this.#byAge.add(buffer);
    this.#bytes += bytes;
  }

  /** Whether `buffer` is on a free list. */
  has(buffer: ArrayBufferLike): boolean {
    return this.#byAge.has(buffer as B);
  }

  /** Bytes of free buffers held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Most bytes kept; lowering it drops the oldest buffers at once. */
  get cap(): number {
    return this.#cap;
  }
  set cap(bytes: number) {
    this.#cap = bytes;
    this.#shrinkTo(bytes);
  }

  /** Leaves the buffers freed longest ago to GC until at most `bytes` are held. */
  #shrinkTo(bytes: number): void {
    while (this.#bytes > bytes) {
      const oldest = this.#byAge.values().next().value as B;
      this.#byAge.delete(oldest);
      const list = this.#bySize.get(oldest.byteLength)!;
      list.shift(); // the oldest of its size: lists grow at the end and are taken from there
      if (list.length === 0) this.#bySize.delete(oldest.byteLength);
      this.#bytes -= oldest.byteLength;
    }
  }
}

/** Buffers made here, with how many stored results use each (absent: not ours). */
const uses = new WeakMap<ArrayBufferLike, number>();
const free = new FreeLists<ArrayBuffer>(CAP_BYTES);
/** Counters for tests and diagnostics: allocations served fresh or from the free lists. */
const counts = { fresh: 0, reused: 0 };
/** Kernel runs in progress on this thread: allocations are recycled only inside one. */
let depth = 0;

function take(bytes: number): ArrayBuffer | undefined {
  if (depth === 0 || bytes < MIN_BYTES) return undefined;
  const buffer = free.take(bytes);
  if (buffer === undefined) {
    const fresh = new ArrayBuffer(bytes);
    uses.set(fresh, 0);
    counts.fresh++;
    return fresh;
  }
  counts.reused++;
  new Uint8Array(buffer).fill(0);
  return buffer;
}

/**
 * Sets the most bytes of free buffers this thread keeps (default 128 MB). A pool worker keeps
 * fewer: its kernels' outputs leave it as copies, so its lists hold only the scratch and
 * intermediates of the tasks it runs, and every worker's idle lists add to the process.
 */
export function setRecycleCap(bytes: number): void {
  free.cap = bytes;
}

let installed = false;

/**
 * Runs `kernel` with recycling allocation on. The first call installs the allocator hook;
 * a thread that never runs kernels in-process (a pool worker) never does.
 */
export function runRecycling<P, A, R>(kernel: (inputs: A, params: P) => R, inputs: A, params: P): R {
  if (!installed) {
    setLocalAllocator(take);
    installed = true;
  }
  depth++;
  try {
    return kernel(inputs, params);
  } finally {
    depth--;
  }
}

/** The scheduler stored a result that uses `chunk`'s memory. */
export function retainChunk(chunk: NDArray): void {
  const buffer = chunk.data.buffer;
  const n = uses.get(buffer);
  if (n !== undefined) uses.set(buffer, n + 1);
}

/** The scheduler dropped a result it retained: its memory is reused once no stored result uses it. */
export function releaseChunk(chunk: NDArray): void {
  const buffer = chunk.data.buffer;
  const n = uses.get(buffer);
  if (n === undefined || n === 0) return;
  uses.set(buffer, n - 1);
  if (n === 1) free.put(buffer as ArrayBuffer);
}

/**
 * Gives back `a`, a scratch array the calling kernel allocated with {@link allocate} and never let
 * escape (no result uses it, nothing reads it afterwards). Arrays not made here are left to GC.
 */
export function recycleScratch(a: ArrayBufferView): void {
  const buffer = a.buffer;
  if (uses.get(buffer) === 0 && a.byteOffset === 0 && a.byteLength === buffer.byteLength)
    free.put(buffer as ArrayBuffer);
}

/** How many recyclable allocations were made fresh and how many reused a released buffer. */
export function recycleStats(): { fresh: number; reused: number; freeBytes: number } {
  return { ...counts, freeBytes: free.bytes };
}
