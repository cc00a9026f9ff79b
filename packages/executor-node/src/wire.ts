/**
 * What crosses the thread boundary, and how chunks are packed for it. Used by both the main thread
 * and the workers. A chunk never travels as a structured clone of a big buffer: it is either shared
 * (SharedArrayBuffer), or a small compact copy.
 * @internal
 * @module
 */
import { dtypes, NDArray, type NDArrayLike, type Param } from "@chunked/core/internal";

const { DTYPES, DTYPE_INFO } = dtypes;
type DType = dtypes.DType;

/**
 * Chunks of at least this many bytes travel in SharedArrayBuffers; smaller ones are copied. Measured
 * with a MessagePort microbenchmark (2 vCPU): cloning a 16 KiB buffer costs about as much as sharing
 * one (~6-9 µs); at 64 KiB cloning costs ~36 µs vs ~3 µs to share. A SharedArrayBuffer copy is made
 * once and then sent to any number of tasks.
 */
export const SHARE_MIN_BYTES = 32 * 1024;

/**
 * A table of chunks in columnar form. Structured clone of one small object per task costs several
 * µs (measured: ~12 µs/task for `{ op, params, inputs: [{ dtype, shape, strides, offset, data }] }`
 * on a loaded 2-vCPU machine, vs ~1 µs in this form), so metadata goes as one Float64Array, small
 * chunks' bytes as one ArrayBuffer (transferred), and large chunks as SharedArrayBuffer views.
 */
export interface ChunkTable {
  /** Per chunk: dtype code, ndim, shape, strides, offset, source (-1: arena, else index in `big`), byte offset in the arena, length. */
  readonly meta: Float64Array;
  /** Bytes of the small chunks, 8-aligned. */
  readonly arena: ArrayBuffer;
  /** SharedArrayBuffer-backed data of large chunks. */
  readonly big: ArrayBufferView[];
}

/** One message to a worker: a batch of tasks run in order, and the control slot it reports to. */
export interface BatchRequest {
  readonly slot: number;
  /** Distinct kernel ids of the batch; `op[i]` indexes it. */
  readonly ops: string[];
  readonly op: Int32Array;
  readonly params: unknown[];
  /** Inputs of task i are chunks `inputs[inStart[i]] .. inputs[inStart[i+1]-1]`. */
  readonly inStart: Int32Array;
  readonly inputs: Int32Array;
  readonly chunks: ChunkTable;
}

/** Task outcome codes in {@link BatchResponse.status}. */
export const OK = 0;
export const FAILED = 1;
export const CANCELLED = 2;

/** A worker's answer: per task a status and run time; the chunks of the OK tasks, the errors of the failed ones, in order. */
export interface BatchResponse {
  readonly status: Int8Array;
  readonly ms: Float64Array;
  readonly chunks: ChunkTable;
  readonly errors: WireError[];
}

/** An error rebuilt on the other side of the boundary (name, message, stack survive). */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: string;
}

/** Data given to every worker at start. */
export interface WorkerData {
  /** Module URLs/specifiers to import so their kernels register. */
  readonly modules: readonly string[];
  /**
   * Two Int32 per batch slot: `[2s]` index of the task the worker is running (-1 before the first),
   * `[2s+1]` non-zero when the main thread cancelled the batch. Lets the main thread blame the right
   * task when a worker dies, and skip work nobody waits for.
   */
  readonly control: Int32Array;
}

const DTYPE_CODE = new Map(DTYPES.map((d, i) => [d, i]));

/** Builds a {@link ChunkTable}; chunks should be packed first ({@link packChunk}). */
export class ChunkTableBuilder {
  readonly #meta: number[] = [];
  readonly #small: { data: ArrayBufferView; at: number }[] = [];
  readonly #big: ArrayBufferView[] = [];
  #bytes = 0;
  #count = 0;

  get count(): number {
    return this.#count;
  }

  /** Adds a chunk, returns its index in the table. */
  add(a: NDArrayLike): number {
    const m = this.#meta;
    const { shape, strides } = a;
    m.push(DTYPE_CODE.get(a.dtype) ?? -1, shape.length);
    for (let i = 0; i < shape.length; i++) m.push(shape[i]);
    for (let i = 0; i < strides.length; i++) m.push(strides[i]);
    m.push(a.offset);
    const data = a.data;
    if (isShared(data)) {
      m.push(this.#big.length, 0, (data as AnyTypedArray).length);
      this.#big.push(data);
    } else {
      const at = this.#bytes;
      this.#bytes += (data.byteLength + 7) & ~7;
      this.#small.push({ data, at });
      m.push(-1, at, (data as AnyTypedArray).length);
    }
    return this.#count++;
  }

  finish(): ChunkTable {
    const arena = new ArrayBuffer(this.#bytes);
    const bytes = new Uint8Array(arena);
    for (const { data, at } of this.#small)
      bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    return { meta: new Float64Array(this.#meta), arena, big: this.#big };
  }
}

/**
 * The chunks of a table. `copy: false` gives views into the arena (the worker: inputs live for one
 * batch); `copy: true` gives each small chunk its own buffer (the main thread: a result kept by
 * the scheduler must not pin the whole batch's arena).
 */
export function readChunkTable(table: ChunkTable, copy: boolean): NDArray[] {
  const { meta, arena, big } = table;
  const out: NDArray[] = [];
  // One view of the arena per dtype (offsets are 8-aligned), so reading a chunk allocates only its own array.
  const whole = new Map<DType, AnyTypedArray>();
  let p = 0;
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
    if (source >= 0) data = big[source] as AnyTypedArray;
    else {
      const { ctor, itemsize } = DTYPE_INFO[dtype];
      if (!copy) data = new ctor(arena, at, length);
      else {
        let all = whole.get(dtype);
        if (!all) whole.set(dtype, (all = new ctor(arena, 0, Math.floor(arena.byteLength / itemsize))));
        // `new ctor(length)` keeps tiny arrays on V8's heap; `arena.slice()` would allocate a
        // backing store per chunk (several µs each, and GC work).
        data = new ctor(length);
        const from = at / itemsize;
        if (length <= 16) for (let i = 0; i < length; i++) data[i] = all[from + i];
        else data.set(all.subarray(from, from + length) as never);
      }
    }
    out.push(new NDArray(dtype, data, shape, strides, offset));
  }
  return out;
}

type AnyTypedArray = dtypes.AnyTypedArray;

export function isShared(data: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== "undefined" && data.buffer instanceof SharedArrayBuffer;
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

function plain(a: NDArrayLike): NDArrayLike {
  // A plain object, so that nothing but the five fields is ever cloned.
  return { dtype: a.dtype, shape: a.shape, strides: a.strides, offset: a.offset, data: a.data };
}

function typedLike(data: AnyTypedArray, length: number, shared: boolean): AnyTypedArray {
  const Ctor = data.constructor as new (
    buffer: ArrayBufferLike,
    byteOffset: number,
    length: number,
  ) => AnyTypedArray;
  const bytes = length * data.BYTES_PER_ELEMENT;
  return new Ctor(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes), 0, length);
}

/**
 * A compact form of `a` that costs at most its own elements to send: contiguous views covering their
 * whole buffer are returned as is; other views are copied densely (`V` elements) or, when that would
 * be larger (broadcast views with 0 strides), by copying just the range of elements they touch.
 * `shared` chooses a SharedArrayBuffer for the copy. SharedArrayBuffer-backed input is returned as is:
 * sending it copies nothing, however large its buffer.
 */
export function pack(a: NDArrayLike, shared: boolean): NDArrayLike {
  const data = a.data as AnyTypedArray;
  if (isShared(data)) return plain(a);
  const { shape, strides, offset } = a;
  let size = 1;
  let lo = offset;
  let hi = offset;
  for (let i = 0; i < shape.length; i++) {
    size *= shape[i];
    const span = (shape[i] - 1) * strides[i];
    if (span < 0) lo += span;
    else hi += span;
  }
  if (size === 0)
    return { dtype: a.dtype, shape, strides: shape.map(() => 0), offset: 0, data: typedLike(data, 0, false) };
  const footprint = hi - lo + 1;
  if (footprint <= size) {
    // Gap-free views (any axis order) and broadcast views (0 strides): the touched range is no larger
    // than the dense form, so copy just that range and keep the strides.
    const wholeBuffer = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
    if (!shared && wholeBuffer && lo === 0 && footprint === data.length) return plain(a);
    const out = typedLike(data, footprint, shared);
    out.set(data.subarray(lo, hi + 1));
    return { dtype: a.dtype, shape, strides, offset: offset - lo, data: out };
  }
  // Views with gaps (x[::2], a block of a larger array): a dense C-order copy of just the elements.
  return plain(NDArray.revive(a).copy(shared));
}

function byteSize(a: NDArrayLike): number {
  let n = a.data.BYTES_PER_ELEMENT;
  for (const s of a.shape) n *= s;
  return n;
}

/** Packs a chunk for sending: shared when at least {@link SHARE_MIN_BYTES}, else a small compact copy. */
export function packChunk(a: NDArrayLike): NDArrayLike {
  return pack(a, byteSize(a) >= SHARE_MIN_BYTES);
}

/** Compacts a TypedArray/DataView param so that a clone copies only its own bytes. */
function packView(v: ArrayBufferView): ArrayBufferView {
  if (isShared(v) || v.byteLength === v.buffer.byteLength) return v;
  const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
  if (v instanceof DataView) return new DataView(bytes.buffer);
  const Ctor = v.constructor as new (buffer: ArrayBuffer) => ArrayBufferView;
  return new Ctor(bytes.buffer);
}

/** Thrown for task params that cannot cross to a worker. */
export class UnclonableParamError extends Error {
  override readonly name = "UnclonableParamError";
}

/**
 * Prepares task params for a worker: chunks embedded in params (e.g. `core.literal`) are packed like
 * inputs, views into larger buffers are compacted, and functions/symbols are rejected with a fix.
 * Returns `params` itself when nothing needs changing (the common case: small literal data).
 */
export function packParams(
  params: unknown,
  path = "params",
  cache?: (a: NDArrayLike) => NDArrayLike,
): unknown {
  if (params === null || params === undefined) return params;
  const t = typeof params;
  if (t === "function" || t === "symbol") {
    throw new UnclonableParamError(
      `Task parameter ${path} is a ${t}, which cannot be sent to a worker thread. Pass data only; a kernel that needs code must be registered with defineKernel in a module listed in NodePool({ modules }).`,
    );
  }
  if (t !== "object") return params;
  if (ArrayBuffer.isView(params)) return packView(params);
  if (isNDArrayLike(params)) return cache ? cache(params) : packChunk(params);
  if (Array.isArray(params)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < params.length; i++) {
      const v = packParams(params[i], `${path}[${i}]`, cache);
      if (!Object.is(v, params[i])) (out ??= params.slice())[i] = v;
    }
    return out ?? params;
  }
  const proto = Object.getPrototypeOf(params);
  if (proto !== Object.prototype && proto !== null) return params; // Map, Date, ...: clonable as is
  let out: Record<string, unknown> | undefined;
  for (const k of Object.keys(params)) {
    const v0 = (params as Record<string, unknown>)[k];
    const v = packParams(v0, `${path}.${k}`, cache);
    if (!Object.is(v, v0)) (out ??= { ...(params as Record<string, unknown>) })[k] = v;
  }
  return out ?? params;
}

export function toWireError(e: unknown): WireError {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return {
      name: e.name,
      message: e.message,
      stack: e.stack,
      ...(typeof code === "string" ? { code } : {}),
    };
  }
  return { name: "Error", message: `Non-error thrown: ${String(e)}` };
}

const BUILTIN_ERRORS = new Map<string, ErrorConstructor>(
  [Error, RangeError, TypeError, SyntaxError, ReferenceError, EvalError, URIError].map((C) => [C.name, C]),
);

/** Rebuilds an Error (name, message, stack from the worker, `code` when present). */
export function fromWireError(w: WireError): Error {
  const Builtin = BUILTIN_ERRORS.get(w.name);
  const err = Builtin ? new Builtin(w.message) : new Error(w.message);
  err.name = w.name;
  if (w.stack !== undefined) err.stack = w.stack;
  if (w.code !== undefined) (err as { code?: string }).code = w.code;
  return err;
}

export type { Param };
