/**
 * What crosses the network: chunks as a small header plus raw little-endian bytes, and task
 * parameters as msgpack (msgpackr), which keeps NaN, ±Infinity and TypedArrays where JSON would turn
 * them into `null` or objects. msgpack itself writes -0 as the integer 0, so -0 travels as an
 * extension value (shared/design.md §1: tasks are data and must survive a binary encoding).
 * @module
 */
import { endianness } from "node:os";
import { DTypeError } from "@chunked/core";
import {
  dtypes,
  NDArray,
  type NDArrayLike,
  StoreError,
  UnclonableParamError,
  UnsupportedError,
} from "@chunked/core/internal";
import { addExtension, Packr } from "msgpackr";

const { DTYPES, DTYPE_INFO } = dtypes;
type DType = dtypes.DType;

/** First bytes of every stored chunk: "CHK" and the format version. */
const MAGIC = [0x43, 0x48, 0x4b, 1] as const;
const DTYPE_CODE = new Map<DType, number>(DTYPES.map((d, i) => [d, i]));

if (endianness() !== "LE") {
  // Chunks are stored as raw little-endian bytes, read back with TypedArray views.
  throw new UnsupportedError("big-endian", "@chunked/executor-cluster needs a little-endian machine.");
}

/**
 * Encodes a chunk: 4 magic bytes, dtype code (u8), ndim (u8), 2 bytes padding, ndim × u64 shape
 * (as float64, exact below 2^53), then the elements in C order, little-endian. A view is compacted
 * first, so only its own elements are written.
 */
export function encodeChunk(a: NDArrayLike): Buffer {
  const arr = NDArray.revive(a).contiguous();
  const ndim = arr.shape.length;
  const headerBytes = 8 + 8 * ndim;
  const code = DTYPE_CODE.get(arr.dtype);
  if (code === undefined) throw new DTypeError(`Cannot encode a chunk of dtype ${arr.dtype}.`);
  const data = arr.data;
  const itemsize = data.BYTES_PER_ELEMENT;
  const elements = new Uint8Array(data.buffer, data.byteOffset + arr.offset * itemsize, arr.size * itemsize);
  const out = Buffer.allocUnsafe(headerBytes + elements.byteLength);
  out.set(MAGIC, 0);
  out[4] = code;
  out[5] = ndim;
  out[6] = 0;
  out[7] = 0;
  for (let i = 0; i < ndim; i++) out.writeDoubleLE(arr.shape[i], 8 + 8 * i);
  out.set(elements, headerBytes);
  return out;
}

/** Decodes {@link encodeChunk}'s bytes into a C-contiguous NDArray with its own, aligned buffer. */
export function decodeChunk(bytes: Uint8Array): NDArray {
  if (bytes.length < 8 || MAGIC.some((m, i) => bytes[i] !== m)) {
    throw new StoreError("Not a @chunked chunk (bad magic bytes): the store holds something else.");
  }
  const dtype = DTYPES[bytes[4]];
  if (dtype === undefined) throw new StoreError(`Unknown dtype code ${bytes[4]} in a stored chunk.`);
  const ndim = bytes[5];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = new Array<number>(ndim);
  let size = 1;
  for (let i = 0; i < ndim; i++) size *= shape[i] = view.getFloat64(8 + 8 * i, true);
  const start = 8 + 8 * ndim;
  const { ctor, itemsize } = DTYPE_INFO[dtype];
  if (bytes.length - start !== size * itemsize) {
    throw new StoreError(
      `A stored chunk is truncated: shape ${JSON.stringify(shape)} of ${dtype} needs ${size * itemsize} bytes, got ${bytes.length - start}.`,
    );
  }
  // Copy into a fresh buffer: the element offset inside a network buffer need not be aligned.
  const data = new ctor(size);
  new Uint8Array(data.buffer).set(bytes.subarray(start));
  return new NDArray(dtype, data as never, shape);
}

/** Stands for -0 inside msgpack, which would otherwise write it as the integer 0. */
class NegativeZero {}
const NEGATIVE_ZERO = new NegativeZero();

addExtension({
  Class: NegativeZero,
  type: 0x2d, // '-'
  write: () => null,
  read: () => -0,
});

/** Replaces every -0 with {@link NEGATIVE_ZERO}; returns the input itself when it holds none. */
function markNegativeZero(v: unknown): unknown {
  if (typeof v === "number") return Object.is(v, -0) ? NEGATIVE_ZERO : v;
  if (v === null || typeof v !== "object" || ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const m = markNegativeZero(v[i]);
      if (m !== v[i]) (out ??= v.slice())[i] = m;
    }
    return out ?? v;
  }
  let out: Record<string, unknown> | undefined;
  for (const k of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[k];
    const m = markNegativeZero(x);
    if (m !== x) (out ??= { ...(v as Record<string, unknown>) })[k] = m;
  }
  return out ?? v;
}

function rejectCode(v: unknown, path: string): void {
  const t = typeof v;
  if (t === "function" || t === "symbol") {
    throw new UnclonableParamError(
      `Task parameter ${path} is a ${t}, which cannot be sent to a cluster worker. Pass data only; a kernel that needs code must be registered with defineKernel in a module every worker imports (chunked-worker --module).`,
    );
  }
  if (v === null || t !== "object" || ArrayBuffer.isView(v)) return;
  if (Array.isArray(v)) for (let i = 0; i < v.length; i++) rejectCode(v[i], `${path}[${i}]`);
  else
    for (const k of Object.keys(v as object)) rejectCode((v as Record<string, unknown>)[k], `${path}.${k}`);
}

const packr = new Packr({ useRecords: false, moreTypes: true });

/**
 * msgpack-encodes a message (task batches, completions). NaN, ±Infinity, -0, TypedArrays and
 * Buffers come back as they went in.
 * @throws TypeError naming the path of a function or symbol, which cannot travel.
 */
export function pack(value: unknown): Buffer {
  rejectCode(value, "params");
  return packr.pack(markNegativeZero(value));
}

/** Decodes {@link pack}'s bytes. */
export function unpack<T>(bytes: Uint8Array): T {
  return packr.unpack(bytes) as T;
}
