/**
 * What crosses between a pool and its workers, and how chunks are packed for it; imported by both
 * sides. Every transport (worker threads, Web Workers, a cluster queue) speaks this format.
 *
 * A chunk never travels as a structured clone of a big buffer: it is shared (SharedArrayBuffer),
 * transferred (a fresh compact copy), or small and packed with the other small chunks of its
 * message into one transferred arena. Structured clone of one small object per task costs several
 * µs (~12 µs/task measured for `{ op, params, inputs: [{ dtype, shape, strides, offset, data }] }`
 * vs ~1 µs in this columnar form), and every typed array in a message costs a few µs more, so a
 * message carries one Float64Array of numbers, one arena, and the big chunks' views.
 * @internal
 * @module
 */
import { DTYPE_INFO, DTYPES, type AnyTypedArray, type DType } from "../dtype/dtypes.js";
import { UnclonableParamError } from "../errors.js";
import type { WarningCategory } from "../warnings.js";
import { copyInto, NDArray, type NDArrayLike } from "../ndarray/ndarray.js";

/**
 * How large chunks cross. `"shared"`: SharedArrayBuffer views (needs SharedArrayBuffer; in a
 * browser, a cross-origin isolated page): a chunk is copied into shared memory once and then read
 * by any number of workers. `"transfer"`: each message carries fresh compact copies whose buffers
 * are transferred (zero-copy hand-over).
 */
export type Sharing = "shared" | "transfer";

/**
 * Chunks of at least this many bytes travel on their own (shared or transferred); smaller ones are
 * copied into the message's arena. Measured with a MessagePort microbenchmark (2 vCPU): cloning a
 * 16 KiB buffer costs about as much as sharing one (~6-9 µs); at 64 KiB cloning costs ~36 µs vs
 * ~3 µs to share.
 */
export const BIG_BYTES = 32 * 1024;

/**
 * A table of chunks in columnar form: one Float64Array of metadata (after the message's own header
 * numbers), one arena for the bytes of the small chunks, and the large chunks' data.
 */
export interface ChunkTable {
  /**
   * `[0, start)`: the message's header numbers. Then per chunk: dtype code, ndim, shape, strides,
   * offset, source (-1: arena, else index in `big`), byte offset in the arena (a big chunk: the id
   * of its worker-allocated buffer, or -1), length.
   */
  readonly meta: Float64Array;
  readonly start: number;
  /** Bytes of the small chunks, 8-aligned; transferred. `null` when there are none. */
  readonly arena: ArrayBuffer | null;
  /** Data of the large chunks: SharedArrayBuffer views, or fresh buffers listed for transfer. */
  readonly big: ArrayBufferView[];
}

/**
 * A batch of tasks for one worker, run in order. The header of `chunks.meta` is `n`, then `op[n]`
 * (indices into `ops`), `inStart[n + 1]`, `inputs[inStart[n]]`: the inputs of task i are chunks
 * `inputs[inStart[i]] .. inputs[inStart[i + 1] - 1]`.
 */
export interface BatchRequest {
  readonly type: "run";
  readonly id: number;
  /** `Date.now()` when posted (tells a batch that waited in the worker's queue). */
  readonly sentAt: number;
  /** Distinct kernel ids of the batch. */
  readonly ops: string[];
  readonly params: unknown[];
  readonly chunks: ChunkTable;
  /**
   * Free shared buffers lent to this batch for its big outputs (pool/buffers.ts): the worker copies
   * an output into one that fits instead of allocating, and reports the rest in `unused`.
   */
  readonly lent?: SharedArrayBuffer[];
  /** Their ids. */
  readonly lentIds?: number[];
  /**
   * Per task, the chunk (index in `chunks`) its output is to be written into, or -1: a view of the
   * caller's result in shared memory (`RunOptions.into`). Absent when no task has one.
   */
  readonly into?: number[];
}

/** The task index of a {@link BatchRequest}, read from its header. */
export function readBatchIndex(meta: Float64Array): {
  n: number;
  op: Float64Array;
  inStart: Float64Array;
  inputs: Float64Array;
} {
  const n = meta[0];
  const op = meta.subarray(1, 1 + n);
  const inStart = meta.subarray(1 + n, 2 + 2 * n);
  const inputs = meta.subarray(2 + 2 * n, 2 + 2 * n + inStart[n]);
  return { n, op, inStart, inputs };
}

/** First message to a worker. */
export interface InitMessage {
  readonly type: "init";
  /** Module URLs to import before the first task, so their kernels register. */
  readonly modules: readonly string[];
  readonly sharing: Sharing;
  /** What the worker runs, in shared memory when the platform has it (see {@link RunningCell}). */
  readonly running?: Int32Array;
  /** Name of the pool, for messages (e.g. "NodePool"). */
  readonly poolName: string;
  /** First id of the shared buffers this worker allocates (distinct per worker; pool/buffers.ts). */
  readonly idBase: number;
}

/** Nobody waits for batch `id` any more: skip what has not started. */
export interface CancelMessage {
  readonly type: "cancel";
  readonly id: number;
}

export type ToWorker = InitMessage | BatchRequest | CancelMessage;

/**
 * Batches a worker holds at once: one running, one waiting, so it never idles on a round trip.
 * Both may be inside a kernel: the first awaiting a read while the second runs.
 */
export const BATCHES_PER_WORKER = 2;

/**
 * What a worker is doing, in shared memory the pool reads without a message: so it can blame the
 * right task when the worker dies without a word, and tell a worker still inside an aborted
 * batch's kernel from one busy with another batch. Int32 cells: for each lane (one per batch held,
 * see {@link BATCHES_PER_WORKER}) the batch id and task index (-1 between tasks), then the lane
 * running now (-1: none).
 */
export const RunningCell = {
  length: 2 * BATCHES_PER_WORKER + 1,

  create(): Int32Array | undefined {
    if (typeof SharedArrayBuffer !== "function") return undefined;
    return new Int32Array(new SharedArrayBuffer(RunningCell.length * 4)).fill(-1);
  },

  /** The worker runs task `index` of `batch` in `lane` (index -1: the batch is between tasks). */
  set(cell: Int32Array, lane: number, batch: number, index: number): void {
    Atomics.store(cell, 2 * lane, batch);
    Atomics.store(cell, 2 * lane + 1, index);
    Atomics.store(cell, 2 * BATCHES_PER_WORKER, lane);
  },

  /** `lane`'s batch is answered. */
  clear(cell: Int32Array, lane: number): void {
    Atomics.store(cell, 2 * lane, -1);
    Atomics.store(cell, 2 * lane + 1, -1);
    Atomics.compareExchange(cell, 2 * BATCHES_PER_WORKER, lane, -1);
  },

  /** The task running now (batch and index -1 when none). */
  current(cell: Int32Array): { batch: number; index: number } {
    const lane = Atomics.load(cell, 2 * BATCHES_PER_WORKER);
    if (lane < 0) return { batch: -1, index: -1 };
    return { batch: Atomics.load(cell, 2 * lane), index: Atomics.load(cell, 2 * lane + 1) };
  },

  /** Whether the worker is inside one of `batch`'s kernels (running it, or awaiting its read). */
  inKernel(cell: Int32Array, batch: number): boolean {
    for (let lane = 0; lane < BATCHES_PER_WORKER; lane++)
      if (Atomics.load(cell, 2 * lane) === batch && Atomics.load(cell, 2 * lane + 1) >= 0) return true;
    return false;
  },
};

/** Task outcome codes in a {@link BatchResponse}'s header. */
export const OK = 0;
export const FAILED = 1;
export const CANCELLED = 2;
/** OK, and the output was written into the task's `into` chunk: no chunk in the answer's table. */
export const WRITTEN = 3;

/**
 * The answer to a batch of n tasks. The header of `chunks.meta` is `status[n]` then `ms[n]` (run
 * time of each task); chunks of the OK tasks and errors of the failed ones follow, in task order.
 */
export interface BatchResponse {
  readonly type: "done";
  readonly id: number;
  readonly chunks: ChunkTable;
  readonly errors: WireError[];
  /** NumPy warnings the kernels emitted (warnings.ts), by task index; absent when there were none. */
  readonly warnings?: TaskWarning[];
  /** Arrays the batch's kernels allocated from the worker's free lists: made fresh, or reused. */
  readonly allocations: AllocationCounts;
  /** Ids of the lent buffers no output took. */
  readonly unused?: number[];
}

/**
 * Recyclable allocations (kernels/recycle.ts) made fresh or served by reusing a free buffer; and
 * the same for the shared buffers big outputs are copied into (pool/buffers.ts). A fresh buffer
 * costs a page fault per 4 KiB on first write, and GC work later.
 */
export interface AllocationCounts {
  readonly fresh: number;
  readonly reused: number;
  readonly sharedFresh: number;
  readonly sharedReused: number;
}

/** A warning of task `index` of a batch. */
export interface TaskWarning {
  readonly index: number;
  readonly category: WarningCategory;
  readonly message: string;
  readonly op: string;
}

/** The worker script evaluated and its kernel modules were imported (sent once, after init). */
export interface ReadyMessage {
  readonly type: "ready";
}

/**
 * The worker is going away: a kernel closed it (`reason: "close"`), or an uncaught error or
 * unhandled rejection escaped a kernel (`reason: "error"`, with `error`). `batch`/`index` name the
 * task it was running, if any.
 */
export interface ExitMessage {
  readonly type: "exit";
  readonly reason: "close" | "error";
  readonly batch: number;
  readonly index: number;
  readonly error?: WireError;
}

export type FromWorker = BatchResponse | ReadyMessage | ExitMessage;

/** An error rebuilt on the other side of the boundary (name, message, stack, code, cause survive). */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: string;
  readonly cause?: WireError;
}

const DTYPE_CODE = new Map(DTYPES.map((d, i) => [d, i]));

/** True when `data` lives in a SharedArrayBuffer. */
export function isShared(data: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== "undefined" && data.buffer instanceof SharedArrayBuffer;
}

/** Bytes of a view's own elements. */
export function byteSize(a: NDArrayLike): number {
  let n = a.data.BYTES_PER_ELEMENT;
  for (const s of a.shape) n *= s;
  return n;
}

function plain(a: NDArrayLike): NDArrayLike {
  // A plain object, so that nothing but the five fields is ever cloned.
  return { dtype: a.dtype, shape: a.shape, strides: a.strides, offset: a.offset, data: a.data };
}

/**
 * Makes the shared memory of a copy (a pool worker passes its recycling allocator). Its contents
 * need not be zero: a copy writes every byte.
 */
export type SharedAllocator = (bytes: number) => SharedArrayBuffer;

const newShared: SharedAllocator = (bytes) => new SharedArrayBuffer(bytes);

function alloc(
  like: AnyTypedArray,
  length: number,
  shared: boolean,
  allocShared: SharedAllocator,
): AnyTypedArray {
  const Ctor = like.constructor as new (
    buffer: ArrayBufferLike,
    byteOffset: number,
    length: number,
  ) => AnyTypedArray;
  const bytes = length * like.BYTES_PER_ELEMENT;
  return new Ctor(shared ? allocShared(bytes) : new ArrayBuffer(bytes), 0, length);
}

/**
 * The range of elements a view touches: `[lo, hi]` and its element count. Broadcast (0-stride) and
 * gap-free views touch no more than their own size.
 */
function touched(a: NDArrayLike): { lo: number; hi: number; size: number } {
  let size = 1;
  let lo = a.offset;
  let hi = a.offset;
  for (let i = 0; i < a.shape.length; i++) {
    size *= a.shape[i];
    const span = (a.shape[i] - 1) * a.strides[i];
    if (span < 0) lo += span;
    else hi += span;
  }
  return { lo, hi, size };
}

/** True when `a.data` is exactly a whole buffer and `a` uses all of it (nothing to compact). */
export function ownsWholeBuffer(a: NDArrayLike): boolean {
  const data = a.data as AnyTypedArray;
  if (data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength) return false;
  const { lo, hi, size } = touched(a);
  return size > 0 && lo === 0 && hi - lo + 1 === data.length && size >= data.length;
}

/**
 * A compact copy of `a` in a new buffer (a SharedArrayBuffer from `allocShared` when `shared`)
 * holding at most its own elements. Gap-free views (any axis order) and broadcast views keep their
 * strides and copy the range they touch; views with gaps (a block of a larger array, `x[::2]`)
 * become dense C order.
 */
export function compactCopy(a: NDArrayLike, shared: boolean, allocShared = newShared): NDArrayLike {
  const data = a.data as AnyTypedArray;
  const { lo, hi, size } = touched(a);
  if (size === 0)
    return {
      dtype: a.dtype,
      shape: a.shape,
      strides: a.shape.map(() => 0),
      offset: 0,
      data: alloc(data, 0, shared, allocShared),
    };
  const footprint = hi - lo + 1;
  if (footprint <= size) {
    const out = alloc(data, footprint, shared, allocShared);
    out.set(data.subarray(lo, hi + 1) as never);
    return { dtype: a.dtype, shape: a.shape, strides: a.strides, offset: a.offset - lo, data: out };
  }
  const dense = new NDArray(a.dtype, alloc(data, size, shared, allocShared), [...a.shape]);
  copyInto(dense, NDArray.revive(a));
  return plain(dense);
}

/**
 * Builds a {@link ChunkTable}. Small chunks ({@link addSmall}) are copied (compacted) into the
 * arena; large ones ({@link addBig}) are taken as they are, so the caller passes SharedArrayBuffer
 * backed or fresh, compact chunks.
 */
export class ChunkTableBuilder {
  readonly #meta: number[] = [];
  readonly #small: { data: AnyTypedArray; from: number; to: number; at: number }[] = [];
  readonly #big: ArrayBufferView[] = [];
  #bytes = 0;
  #count = 0;

  get count(): number {
    return this.#count;
  }

  /** Adds a small chunk, copied compactly into the arena. Returns its index in the table. */
  addSmall(a: NDArrayLike): number {
    let { strides, offset } = a;
    let data = a.data as AnyTypedArray;
    const { lo, hi, size } = touched(a);
    let from = size === 0 ? 0 : lo;
    let to = size === 0 ? 0 : hi + 1;
    if (size > 0 && hi - lo + 1 > size) {
      // Gaps: copy densely first (small, so cheap).
      const dense = NDArray.revive(a).copy();
      data = dense.data as AnyTypedArray;
      strides = dense.strides;
      offset = 0;
      from = 0;
      to = data.length;
    } else if (size === 0) {
      strides = a.shape.map(() => 0);
      offset = 0;
    } else offset -= lo;
    const at = this.#bytes;
    this.#bytes += ((to - from) * data.BYTES_PER_ELEMENT + 7) & ~7;
    this.#small.push({ data, from, to, at });
    this.#push(a.dtype, a.shape, strides, offset, -1, at, to - from);
    return this.#count++;
  }

  /**
   * Adds a chunk whose data travels as it is (shared, or a fresh buffer the caller transfers);
   * `bufferId` names its buffer when a worker allocated it (pool/buffers.ts).
   */
  addBig(a: NDArrayLike, bufferId = -1): number {
    const length = (a.data as AnyTypedArray).length;
    this.#push(a.dtype, a.shape, a.strides, a.offset, this.#big.length, bufferId, length);
    this.#big.push(a.data);
    return this.#count++;
  }

  #push(
    dtype: DType,
    shape: readonly number[],
    strides: readonly number[],
    offset: number,
    source: number,
    at: number,
    length: number,
  ): void {
    const m = this.#meta;
    m.push(DTYPE_CODE.get(dtype) ?? -1, shape.length);
    for (let i = 0; i < shape.length; i++) m.push(shape[i]);
    for (let i = 0; i < shape.length; i++) m.push(strides[i]);
    m.push(offset, source, at, length);
  }

  /** The table, with `header` numbers ahead of the chunks' metadata. */
  finish(header: ArrayLike<number>): ChunkTable {
    let arena: ArrayBuffer | null = null;
    if (this.#bytes > 0) {
      arena = new ArrayBuffer(this.#bytes);
      const bytes = new Uint8Array(arena);
      for (const { data, from, to, at } of this.#small) {
        const k = data.BYTES_PER_ELEMENT;
        bytes.set(new Uint8Array(data.buffer, data.byteOffset + from * k, (to - from) * k), at);
      }
    }
    const meta = new Float64Array(header.length + this.#meta.length);
    meta.set(header);
    meta.set(this.#meta, header.length);
    return { meta, start: header.length, arena, big: this.#big };
  }
}

/**
 * The chunks of a table. `copy: false` gives views into the arena (a worker: inputs live for one
 * batch); `copy: true` gives each small chunk its own buffer (the pool: a result the scheduler
 * keeps must not pin the whole batch's arena). `bufferIds`, when given, receives each chunk's
 * buffer id (-1 for none).
 */
export function readChunkTable(table: ChunkTable, copy: boolean, bufferIds?: number[]): NDArray[] {
  const { meta, arena, big } = table;
  const out: NDArray[] = [];
  let p = table.start;
  while (p < meta.length) {
    const dtype = DTYPES[meta[p++]];
    const ndim = meta[p++];
    const shape = new Array<number>(ndim);
    const strides = new Array<number>(ndim);
    for (let i = 0; i < ndim; i++) shape[i] = meta[p + i];
    for (let i = 0; i < ndim; i++) strides[i] = meta[p + ndim + i];
    p += 2 * ndim;
    const offset = meta[p++];
    const source = meta[p++];
    const at = meta[p++];
    const length = meta[p++];
    let data: AnyTypedArray;
    bufferIds?.push(source >= 0 ? at : -1);
    if (source >= 0) data = big[source] as AnyTypedArray;
    else {
      const { ctor } = DTYPE_INFO[dtype];
      const view = new ctor(arena!, at, length);
      if (!copy) data = view;
      else {
        // `new ctor(length)` keeps tiny arrays on V8's heap; `arena.slice()` would allocate a
        // backing store per chunk (several µs each, and GC work).
        data = new ctor(length);
        data.set(view as never);
      }
    }
    out.push(new NDArray(dtype, data, shape, strides, offset));
  }
  return out;
}

/** Duck-typed NDArrayLike (a plain object after a clone, or an NDArray). */
export function isNDArrayLike(v: unknown): v is NDArrayLike {
  if (v === null || typeof v !== "object") return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.dtype === "string" &&
    Array.isArray(o.shape) &&
    Array.isArray(o.strides) &&
    typeof o.offset === "number" &&
    ArrayBuffer.isView(o.data)
  );
}

/** Compacts a TypedArray/DataView param so that a clone copies only its own bytes. */
function packView(v: ArrayBufferView): ArrayBufferView {
  if (isShared(v) || v.byteLength === v.buffer.byteLength) return v;
  const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
  if (v instanceof DataView) return new DataView(bytes.buffer);
  const Ctor = v.constructor as new (buffer: ArrayBuffer) => ArrayBufferView;
  return new Ctor(bytes.buffer);
}

/**
 * Prepares task params for a worker: chunks embedded in params (`core.literal`, fused into
 * `core.subgraph` steps) go through `chunk` like inputs, views into larger buffers are compacted,
 * and functions/symbols are rejected with a fix naming `poolName`. Returns `params` itself when
 * nothing changes (the common case: small literal data).
 */
export function packParams(
  params: unknown,
  chunk: (a: NDArrayLike) => NDArrayLike,
  poolName: string,
  path = "params",
): unknown {
  if (params === null || params === undefined) return params;
  const t = typeof params;
  if (t === "function" || t === "symbol") {
    throw new UnclonableParamError(
      `Task parameter ${path} is a ${t}, which cannot be sent to a worker. Pass data only; a kernel that needs code must be registered with defineKernel in a module listed in ${poolName}({ modules }).`,
    );
  }
  if (t !== "object") return params;
  if (ArrayBuffer.isView(params)) return packView(params);
  if (isNDArrayLike(params)) return chunk(params);
  if (Array.isArray(params)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < params.length; i++) {
      const v = packParams(params[i], chunk, poolName, `${path}[${i}]`);
      if (!Object.is(v, params[i])) (out ??= params.slice())[i] = v;
    }
    return out ?? params;
  }
  const proto = Object.getPrototypeOf(params);
  if (proto !== Object.prototype && proto !== null) return params; // Map, Date, ...: clonable as they are
  let out: Record<string, unknown> | undefined;
  for (const k of Object.keys(params)) {
    const v0 = (params as Record<string, unknown>)[k];
    const v = packParams(v0, chunk, poolName, `${path}.${k}`);
    if (!Object.is(v, v0)) (out ??= { ...(params as Record<string, unknown>) })[k] = v;
  }
  return out ?? params;
}

/** An error as plain data (name, message, stack, `code`, and up to four levels of `cause`). */
export function toWireError(e: unknown, depth = 0): WireError {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    const cause = (e as { cause?: unknown }).cause;
    return {
      name: e.name,
      message: e.message,
      stack: e.stack,
      ...(typeof code === "string" ? { code } : {}),
      ...(cause !== undefined && depth < 4 ? { cause: toWireError(cause, depth + 1) } : {}),
    };
  }
  if (e !== null && typeof e === "object" && typeof (e as { message?: unknown }).message === "string") {
    // ErrorEvent-like objects and errors from another realm.
    const o = e as { name?: unknown; message: string; stack?: unknown };
    return {
      name: typeof o.name === "string" ? o.name : "Error",
      message: o.message,
      ...(typeof o.stack === "string" ? { stack: o.stack } : {}),
    };
  }
  return { name: "Error", message: `Non-error thrown: ${String(e)}` };
}

const BUILTIN_ERRORS = new Map<string, ErrorConstructor>(
  [Error, RangeError, TypeError, SyntaxError, ReferenceError, EvalError, URIError].map((C) => [C.name, C]),
);

/** Rebuilds an Error (class for built-ins, name, message, the worker's stack, `code`, `cause`). */
export function fromWireError(w: WireError): Error {
  const Builtin = BUILTIN_ERRORS.get(w.name);
  const options = w.cause ? { cause: fromWireError(w.cause) } : undefined;
  const err = Builtin ? new Builtin(w.message, options) : new Error(w.message, options);
  err.name = w.name;
  if (w.stack !== undefined) err.stack = w.stack;
  if (w.code !== undefined) (err as { code?: string }).code = w.code;
  return err;
}
