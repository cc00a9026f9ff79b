/**
 * Whole-chunk reads that decode straight into the caller's array, for the codec chains most stores
 * use (raw bytes, or blosc, little-endian, C order). zarrita's `getChunk` makes three fresh
 * buffers per chunk (the response body, the codec's copy out of wasm memory, the typed array),
 * and in Chromium a fresh buffer of a few hundred KB costs a page fault per 4 KiB page on first
 * touch: lesson 3's 62 chunks (32 MB) decoded in 240 ms that way and in 43 ms into one reused
 * array (headless Chromium, 2-core bench machine, load ~9). Here the chunk's bytes arrive in a
 * reused buffer (a BYOB read of the response) and the codec writes into the output array, which
 * the kernel allocated from core's recycled memory.
 * @internal
 * @module
 */
import { fmt } from "@chunked/core/internal";
import { IoError } from "../errors.js";

/** How a chunk's stored bytes become its elements, when no zarrita codec pipeline is needed. */
export type DirectCodec = { kind: "raw" } | { kind: "blosc" };

/**
 * The direct codec for an array's metadata, or undefined when only zarrita's pipeline reads it
 * (big-endian data, filters, Fortran order, transpose, sharding, other compressors).
 */
export function directCodec(meta: Record<string, unknown>, format: 2 | 3): DirectCodec | undefined {
  if (format === 2) {
    const dtype = meta.dtype;
    if (typeof dtype !== "string" || !/^[<|]/.test(dtype)) return undefined;
    if (meta.order !== undefined && meta.order !== "C") return undefined;
    if (Array.isArray(meta.filters) ? meta.filters.length > 0 : meta.filters != null) return undefined;
    const compressor = meta.compressor as { id?: unknown } | null | undefined;
    if (compressor == null) return { kind: "raw" };
    return compressor.id === "blosc" ? { kind: "blosc" } : undefined;
  }
  const codecs = meta.codecs;
  if (!Array.isArray(codecs) || codecs.length === 0 || codecs.length > 2) return undefined;
  const [bytes, compressor] = codecs as { name?: unknown; configuration?: { endian?: unknown } }[];
  if (bytes?.name !== "bytes") return undefined;
  const endian = bytes.configuration?.endian;
  if (endian !== undefined && endian !== "little") return undefined;
  if (compressor === undefined) return { kind: "raw" };
  return compressor.name === "blosc" ? { kind: "blosc" } : undefined;
}

/**
 * Throws unless `frame` is a whole blosc frame: its header's compressed size (bytes 12-15) must
 * equal the bytes stored. A truncated chunk otherwise decodes "successfully" into zeros.
 */
export function checkBloscFrame(frame: Uint8Array): { nbytes: number } {
  if (frame.byteLength < 16) {
    throw new IoError(
      "corrupt",
      `blosc frame is truncated: ${frame.byteLength} bytes, shorter than its 16-byte header`,
    );
  }
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const nbytes = view.getUint32(4, true);
  const cbytes = view.getUint32(12, true);
  if (cbytes !== frame.byteLength) {
    throw new IoError(
      "corrupt",
      `blosc frame is damaged: its header says ${cbytes} compressed bytes, the chunk has ${frame.byteLength}`,
    );
  }
  return { nbytes };
}

interface BloscDecoder {
  decode(data: Uint8Array, out: Uint8Array): Promise<Uint8Array>;
}
let blosc: Promise<BloscDecoder> | undefined;

/**
 * Decodes one stored chunk into `out` (exactly the chunk's bytes). The patched numcodecs
 * (patches/numcodecs@0.3.2.patch) copies its result out of wasm memory straight into `out`.
 */
export async function decodeInto(codec: DirectCodec, frame: Uint8Array, out: Uint8Array): Promise<void> {
  const damaged = (got: number) =>
    new IoError(
      "corrupt",
      `it decodes to ${fmt(got)} bytes, expected ${fmt(out.byteLength)} (a whole chunk)`,
    );
  if (codec.kind === "raw") {
    if (frame.byteLength !== out.byteLength) throw damaged(frame.byteLength);
    out.set(frame);
    return;
  }
  const { nbytes } = checkBloscFrame(frame);
  if (nbytes !== out.byteLength) throw damaged(nbytes);
  // Decoding reads the frame's own header: the codec's settings do not matter.
  blosc ??= import("#numcodecs/blosc").then(
    ({ default: Blosc }) =>
      Blosc.fromConfig({ id: "blosc" } as Parameters<typeof Blosc.fromConfig>[0]) as unknown as BloscDecoder,
  );
  await (await blosc).decode(frame, out);
}

/** Spare response buffers of this thread (a few: one per chunk in flight), for {@link fetchInto}. */
const spare: ArrayBuffer[] = [];
const MAX_SPARE = 8;
/** Smallest response buffer: power-of-two sizes from here let chunks of varying size share them. */
const MIN_BUFFER = 64 * 1024;

function takeBuffer(atLeast: number): ArrayBuffer {
  const i = spare.findIndex((b) => b.byteLength >= atLeast);
  if (i >= 0) return spare.splice(i, 1)[0];
  return new ArrayBuffer(Math.max(MIN_BUFFER, 2 ** Math.ceil(Math.log2(atLeast))));
}

function giveBuffer(buffer: ArrayBuffer): void {
  if (buffer.byteLength === 0 || spare.length >= MAX_SPARE) return;
  spare.push(buffer);
}

/** A response body in a buffer of this thread's, to hand back with `release()` once decoded. */
export interface Body {
  bytes: Uint8Array;
  release(): void;
}

/**
 * GETs `url` into a reused buffer (a BYOB read of the body), as zarrita's `FetchStore` would read
 * it: undefined on 404, an error on any status but 200/206. Where the body is not a byte stream
 * (older runtimes), the bytes arrive as a fresh buffer instead.
 */
export async function fetchInto(url: string): Promise<Body | undefined> {
  const response = await fetch(url);
  if (response.status === 404) return undefined;
  if (response.status !== 200 && response.status !== 206)
    throw new Error(`Unexpected response status ${response.status} ${response.statusText}`);
  let reader: ReadableStreamBYOBReader | undefined;
  try {
    reader = response.body?.getReader({ mode: "byob" });
  } catch {
    // Not a byte stream: read it whole below.
  }
  if (!reader) return { bytes: new Uint8Array(await response.arrayBuffer()), release: () => {} };
  // One spare byte, so the read that reports the end has room to be asked for.
  let buffer = takeBuffer(Number(response.headers.get("Content-Length") ?? 0) + 1);
  let length = 0;
  try {
    for (;;) {
      if (length === buffer.byteLength) {
        const bigger = takeBuffer(2 * buffer.byteLength);
        new Uint8Array(bigger).set(new Uint8Array(buffer));
        giveBuffer(buffer);
        buffer = bigger;
      }
      const { done, value } = await reader.read(new Uint8Array(buffer, length));
      // The read transfers the buffer: its memory comes back as `value.buffer`.
      if (value) buffer = value.buffer as ArrayBuffer;
      if (done) break;
      length += value.byteLength;
    }
  } catch (err) {
    reader.releaseLock();
    throw err;
  }
  const kept = buffer;
  return { bytes: new Uint8Array(kept, 0, length), release: () => giveBuffer(kept) };
}
