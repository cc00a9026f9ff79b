/**
 * Direct reads of HDF5 raw data, kerchunk-style: HDF5 (through h5wasm) tells us where the bytes
 * are, and we read them from the file straight into the chunk's buffer.
 *
 * h5wasm 0.10.3 exposes no chunk addresses (no H5Dget_offset / H5Dget_chunk_info /
 * H5Dchunk_iter bindings, and those symbols are not exported from its wasm). So we learn them by
 * watching the reads HDF5 itself makes: while h5wasm reads one probe element we wrap its
 * Emscripten `FS.read` and record `(position, length)`.
 * - Contiguous layout: the raw read of element k starts at `address + k * itemsize` (HDF5's sieve
 *   buffer starts at the requested element); three probes must agree.
 * - Chunked layout indexed by a version-1 B-tree (what h5py and h5wasm write by default): one of
 *   the traced reads is a "TREE" node of the chunk index; we parse it and walk its level through
 *   sibling pointers and then all children, which lists every allocated chunk with its address.
 * Every result is verified against values HDF5 returns; anything unexpected (newer chunk indexes,
 * filters, big-endian data, a cached index) yields `null` and reads keep going through h5wasm.
 */
import { copyInto, cStrides, dtypes, NDArray, shapeSize } from "@chunked/core/internal";
import { causeText, IoError, where } from "../errors.js";
import { checkRegion, chunkPieces, isContiguousRun, outputFor, regionShape } from "../region.js";
import type { ArraySource, DType, Hdf5DirectDescriptor, Hdf5SourceDescriptor, Region } from "../types.js";

/** Synchronous random access to the bytes of one file. */
export interface ByteReader {
  readonly size: number;
  /** Fills `into` with the bytes at `position`; throws when the file ends first. */
  read(into: Uint8Array, position: number): void;
  close(): void;
}

/** Where the raw bytes of a dataset are. */
export interface DirectLayout {
  readonly kind: "contiguous" | "btree-v1";
  /** The dataset shape (contiguous) or the storage chunk shape. */
  readonly chunkShape: readonly number[];
  /** Absolute file offset of a contiguous dataset's first byte. */
  readonly address?: number;
  /** Absolute file offset of every allocated, unfiltered, full-size chunk, keyed by `"i,j,k"`. */
  readonly chunkAddresses?: ReadonlyMap<string, number>;
}

/** What discovery needs from the HDF5 side. */
export interface ProbeContext {
  /** h5wasm's Emscripten FS object, whose `read` we wrap while probing. */
  readonly FS: unknown;
  /** The path h5wasm opened (the FS stream's `path`). */
  readonly fsPath: string;
  readonly bytes: ByteReader;
  readonly shape: readonly number[];
  /** Storage chunk shape, or null for a contiguous dataset. */
  readonly chunks: readonly number[] | null;
  readonly itemsize: number;
  /** Smaller datasets are left to h5wasm. Default {@link MIN_DIRECT_BYTES}. */
  readonly minBytes?: number;
  /** Reads one element through HDF5 and returns its (little-endian) bytes. */
  readElement(index: readonly number[]): Uint8Array;
}

/** Datasets smaller than this are read through h5wasm: probing would cost more than it saves. */
export const MIN_DIRECT_BYTES = 256 * 1024;

interface TracedRead {
  position: number;
  length: number;
}

type FSRead = (
  stream: { path?: string },
  buffer: unknown,
  offset: number,
  length: number,
  position?: number,
) => number;

function traceReads(FS: unknown, fsPath: string, fn: () => void): TracedRead[] {
  const fs = FS as { read: FSRead };
  const original = fs.read;
  const reads: TracedRead[] = [];
  fs.read = function (this: unknown, stream, buffer, offset, length, position) {
    if (stream.path === fsPath && typeof position === "number") reads.push({ position, length });
    return original.call(this, stream, buffer, offset, length, position);
  };
  try {
    fn();
  } finally {
    fs.read = original;
  }
  return reads;
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return index;
}

function bytesAt(bytes: ByteReader, position: number, length: number): Uint8Array | undefined {
  if (position < 0 || position + length > bytes.size) return undefined;
  const out = new Uint8Array(length);
  bytes.read(out, position);
  return out;
}

function sameBytes(bytes: ByteReader, position: number, expected: Uint8Array): boolean {
  const got = bytesAt(bytes, position, expected.length);
  return got?.every((b, i) => b === expected[i]) ?? false;
}

/** Finds where a dataset's bytes are, or returns null when they cannot be read directly. */
export function discoverLayout(ctx: ProbeContext): DirectLayout | null {
  if (ctx.shape.length === 0 || shapeSize(ctx.shape) * ctx.itemsize < (ctx.minBytes ?? MIN_DIRECT_BYTES))
    return null;
  try {
    return ctx.chunks ? discoverBTree(ctx, ctx.chunks) : discoverContiguous(ctx);
  } catch {
    // Any surprise while parsing means "not a layout we understand": h5wasm still reads it.
    return null;
  }
}

function discoverContiguous(ctx: ProbeContext): DirectLayout | null {
  const n = shapeSize(ctx.shape);
  const s = ctx.itemsize;
  let address: number | undefined;
  // Far-apart probes so that HDF5's 64 KiB sieve buffer never already holds the next one.
  for (const k of [n - 1, 0, Math.floor(n / 2)]) {
    let value: Uint8Array | undefined;
    const reads = traceReads(ctx.FS, ctx.fsPath, () => {
      value = ctx.readElement(unravel(k, ctx.shape));
    });
    const raw = reads.findLast((r) => r.length >= s);
    if (!raw || !value) return null;
    const candidate = raw.position - k * s;
    if (address !== undefined && candidate !== address) return null;
    address = candidate;
    if (!sameBytes(ctx.bytes, address + k * s, value)) return null;
  }
  if (address === undefined || address < 0 || address + n * s > ctx.bytes.size) return null;
  return { kind: "contiguous", chunkShape: ctx.shape, address };
}

interface Superblock {
  base: number;
  offsetSize: number;
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function readSuperblock(bytes: ByteReader): Superblock | null {
  // The superblock sits at 0 or after a user block of 512, 1024, 2048, ... bytes.
  for (let at = 0; at + 16 <= bytes.size; at = at === 0 ? 512 : at * 2) {
    const h = bytesAt(bytes, at, 16);
    if (!h || !SIGNATURE.every((b, i) => h[i] === b)) continue;
    const version = h[8];
    const offsetSize = version <= 1 ? h[13] : h[9];
    if (![2, 4, 8].includes(offsetSize)) return null;
    return { base: at, offsetSize };
  }
  return null;
}

function readUint(view: DataView, at: number, size: number): number | undefined {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(view.getUint8(at + i));
  if (v === (1n << BigInt(8 * size)) - 1n) return undefined; // HDF5's "undefined address"
  return Number(v);
}

interface TreeNode {
  level: number;
  left: number | undefined;
  right: number | undefined;
  /** Chunk offsets (in elements) of each child's first key. */
  keys: { nbytes: number; offsets: number[] }[];
  children: number[];
}

function readTreeNode(bytes: ByteReader, position: number, sb: Superblock, rank: number): TreeNode | null {
  const o = sb.offsetSize;
  const head = bytesAt(bytes, position, 8 + 2 * o);
  // "TREE", node type 1 = raw data chunks.
  const TREE = [0x54, 0x52, 0x45, 0x45, 1];
  if (!head || !TREE.every((b, k) => head[k] === b)) return null;
  const hv = new DataView(head.buffer);
  const level = head[5];
  const entries = hv.getUint16(6, true);
  const left = readUint(hv, 8, o);
  const right = readUint(hv, 8 + o, o);
  const keySize = 8 + 8 * (rank + 1);
  const body = bytesAt(bytes, position + 8 + 2 * o, entries * (keySize + o) + keySize);
  if (!body) return null;
  const bv = new DataView(body.buffer);
  const keys: TreeNode["keys"] = [];
  const children: number[] = [];
  for (let i = 0; i < entries; i++) {
    const at = i * (keySize + o);
    const offsets: number[] = [];
    for (let d = 0; d < rank; d++) offsets.push(Number(bv.getBigUint64(at + 8 + 8 * d, true)));
    keys.push({ nbytes: bv.getUint32(at, true), offsets });
    const child = readUint(bv, at + keySize, o);
    if (child === undefined) return null;
    children.push(sb.base + child);
  }
  return {
    level,
    left: left === undefined ? undefined : sb.base + left,
    right: right === undefined ? undefined : sb.base + right,
    keys,
    children,
  };
}

const MAX_NODES = 1_000_000;

function discoverBTree(ctx: ProbeContext, chunkShape: readonly number[]): DirectLayout | null {
  const rank = ctx.shape.length;
  const origin = new Array<number>(rank).fill(0);
  const reads = traceReads(ctx.FS, ctx.fsPath, () => void ctx.readElement(origin));
  const sb = readSuperblock(ctx.bytes);
  if (!sb) return null;
  let start: TreeNode | null = null;
  let startAt = -1;
  for (const r of reads) {
    start = readTreeNode(ctx.bytes, r.position, sb, rank);
    if (start) {
      startAt = r.position;
      break;
    }
  }
  if (!start) return null;

  // All nodes of the start node's level, through the sibling links.
  const nodes = new Map<number, TreeNode>([[startAt, start]]);
  for (const dir of ["left", "right"] as const) {
    let at = start[dir];
    while (at !== undefined && !nodes.has(at)) {
      const node = readTreeNode(ctx.bytes, at, sb, rank);
      if (!node || node.level !== start.level || nodes.size > MAX_NODES) return null;
      nodes.set(at, node);
      at = node[dir];
    }
  }
  let level = [...nodes.values()];
  let count = level.length;
  for (let l = start.level; l > 0; l--) {
    const next: TreeNode[] = [];
    for (const node of level) {
      for (const child of node.children) {
        const c = readTreeNode(ctx.bytes, child, sb, rank);
        if (!c || c.level !== l - 1 || ++count > MAX_NODES) return null;
        next.push(c);
      }
    }
    level = next;
  }

  const expected = shapeSize(chunkShape) * ctx.itemsize;
  const addresses = new Map<string, number>();
  for (const leaf of level) {
    leaf.keys.forEach((key, i) => {
      const coords = key.offsets.map((o, d) => o / chunkShape[d]);
      // A chunk of another size is filtered (or odd): leave it to h5wasm.
      if (key.nbytes !== expected || !coords.every(Number.isInteger)) return;
      if (leaf.children[i] + expected > ctx.bytes.size) return;
      addresses.set(coords.join(","), leaf.children[i]);
    });
  }
  if (addresses.size === 0) return null;

  // Check the first and last chunks against what HDF5 reads there.
  const keys = [...addresses.keys()];
  for (const key of new Set([keys[0], keys[keys.length - 1]])) {
    const index = key.split(",").map((c, d) => Number(c) * chunkShape[d]);
    if (!sameBytes(ctx.bytes, addresses.get(key)!, ctx.readElement(index))) return null;
  }
  return { kind: "btree-v1", chunkShape, chunkAddresses: addresses };
}

/** Largest span of a chunk buffered at once for a strided or partial read. */
let MAX_SCRATCH_BYTES = 64 * 1024 * 1024;

/** @internal For tests: a small limit exercises the splitting of large strided pieces. */
export function setMaxScratchBytes(n: number): number {
  const previous = MAX_SCRATCH_BYTES;
  MAX_SCRATCH_BYTES = n;
  return previous;
}

let scratch = new ArrayBuffer(0);

function scratchBytes(n: number): ArrayBuffer {
  if (scratch.byteLength < n) scratch = new ArrayBuffer(Math.max(n, scratch.byteLength * 2));
  return scratch;
}

/**
 * Reads `region` into `out` (C-contiguous, the region's shape) from the file's bytes. Pieces in
 * chunks the layout does not know (unallocated, filtered) go through `fallback`.
 */
export function readDirect<D extends DType>(
  layout: DirectLayout,
  bytes: ByteReader,
  region: Region,
  out: NDArray<D>,
  fallback: (dst: NDArray<D>, start: number[], count: number[], step: number[]) => void,
): void {
  const dtype = out.dtype;
  const s = dtypes.itemsize(dtype);
  const step = region.map((r) => r[2]);
  const ones = step.map(() => 1);
  const outShape = regionShape(region);
  const outStrides = cStrides(outShape);
  const cShape = layout.chunkShape;
  const cStr = cStrides(cShape);
  const outBytes = new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength);
  const Ctor = dtypes.DTYPE_INFO[dtype].ctor;
  for (const p of chunkPieces(region, cShape)) {
    const outOffset = p.outFirst.reduce((acc, f, d) => acc + f * outStrides[d], out.offset);
    const address = layout.address ?? layout.chunkAddresses?.get(p.coords.join(","));
    if (address === undefined) {
      const dst = new NDArray(dtype, out.data, p.count, outStrides, outOffset);
      fallback(
        dst,
        p.localFirst.map((f, d) => p.coords[d] * cShape[d] + f),
        p.count,
        step,
      );
      continue;
    }
    readPiece(p.localFirst, p.count, outOffset, address);
  }

  // Reads one piece: straight into `out` when both sides are one run, else through a scratch
  // buffer holding the span from its first to its last element (split while that span is large,
  // so a strided read of a huge contiguous dataset never buffers the whole of it).
  function readPiece(localFirst: number[], count: number[], outOffset: number, address: number): void {
    let first = 0;
    let last = 0;
    for (let d = 0; d < cShape.length; d++) {
      first += localFirst[d] * cStr[d];
      last += (localFirst[d] + (count[d] - 1) * step[d]) * cStr[d];
    }
    const n = last - first + 1;
    const outFirst = unravelOffset(outOffset - out.offset);
    if (
      isContiguousRun(localFirst, count, step, cShape) &&
      isContiguousRun(outFirst, count, ones, outShape)
    ) {
      // The common case (aligned blocks): straight from the file into the output buffer.
      bytes.read(outBytes.subarray(outOffset * s, (outOffset + n) * s), address + first * s);
      return;
    }
    if (n * s > MAX_SCRATCH_BYTES) {
      const k = count.findIndex((c) => c > 1);
      const half = Math.ceil(count[k] / 2);
      const a = [...count];
      const b = [...count];
      a[k] = half;
      b[k] = count[k] - half;
      const lf = [...localFirst];
      lf[k] += half * step[k];
      readPiece(localFirst, a, outOffset, address);
      readPiece(lf, b, outOffset + half * outStrides[k], address);
      return;
    }
    const buf = scratchBytes(n * s);
    bytes.read(new Uint8Array(buf, 0, n * s), address + first * s);
    const src = new NDArray(
      dtype,
      new Ctor(buf, 0, n) as NDArray<D>["data"],
      count,
      cStr.map((c, d) => c * step[d]),
      0,
    );
    copyInto(new NDArray(dtype, out.data, count, outStrides, outOffset), src);
  }

  function unravelOffset(offset: number): number[] {
    return outStrides.map((st, d) => Math.floor(offset / st) % outShape[d]);
  }
}

/** Layouts with more runs than this are not shipped (workers probe the file themselves). */
const MAX_SHIPPED_RUNS = 4096;

function chunkGrid(shape: readonly number[], chunkShape: readonly number[]): number[] {
  return shape.map((n, d) => Math.ceil(n / chunkShape[d]));
}

/**
 * `layout` in the form a descriptor carries, or undefined when a reader would still need h5wasm
 * (a chunk the layout does not know: unallocated or filtered) or the chunks are too scattered.
 */
export function shipLayout(
  layout: DirectLayout,
  shape: readonly number[],
): Pick<Hdf5DirectDescriptor, "kind" | "chunkShape" | "address" | "runs"> | undefined {
  const { kind, chunkShape } = layout;
  if (kind === "contiguous") return { kind, chunkShape, address: layout.address };
  const grid = chunkGrid(shape, chunkShape);
  const total = shapeSize(grid);
  const addresses = layout.chunkAddresses;
  if (!addresses || addresses.size !== total) return undefined;
  const runs: number[] = [];
  for (let i = 0; i < total; i++) {
    const address = addresses.get(unravel(i, grid).join(","));
    if (address === undefined) return undefined;
    const r = runs.length - 4;
    if (r >= 0 && (runs[r + 1] === 1 || address === runs[r + 2] + runs[r + 1] * runs[r + 3])) {
      if (runs[r + 1] === 1) runs[r + 3] = address - runs[r + 2];
      runs[r + 1]++;
    } else {
      if (runs.length >= 4 * MAX_SHIPPED_RUNS) return undefined;
      runs.push(i, 1, address, 0);
    }
  }
  return { kind, chunkShape, runs };
}

/** The layout a descriptor carries, back in the form {@link readDirect} reads. */
export function unshipLayout(d: Hdf5DirectDescriptor): DirectLayout {
  if (d.kind === "contiguous") return { kind: d.kind, chunkShape: d.chunkShape, address: d.address };
  const grid = chunkGrid(d.shape, d.chunkShape);
  const chunkAddresses = new Map<string, number>();
  const runs = d.runs ?? [];
  for (let r = 0; r < runs.length; r += 4) {
    for (let k = 0; k < runs[r + 1]; k++)
      chunkAddresses.set(unravel(runs[r] + k, grid).join(","), runs[r + 2] + k * runs[r + 3]);
  }
  return { kind: d.kind, chunkShape: d.chunkShape, chunkAddresses };
}

/**
 * An HDF5 dataset read only through the layout its descriptor carries: what a pool worker opens,
 * so that it never loads h5wasm (its memory, and the grows that would detach its buffers).
 */
export class DirectSource<D extends DType = DType> implements ArraySource<D> {
  readonly shape: readonly number[];
  readonly dtype: D;
  readonly chunks?: readonly number[];
  readonly token: string;
  readonly descriptor: Hdf5SourceDescriptor;
  readonly #layout: DirectLayout;
  readonly #bytes: ByteReader;

  /** `descriptor.direct` must be set; `bytes` reads the file it names. */
  constructor(descriptor: Hdf5SourceDescriptor, bytes: ByteReader) {
    const d = descriptor.direct!;
    this.descriptor = descriptor;
    this.shape = d.shape;
    this.dtype = d.dtype as D;
    if (d.chunks) this.chunks = d.chunks;
    this.token = d.token;
    this.#layout = unshipLayout(d);
    this.#bytes = bytes;
  }

  /** Reads `region` into a new C-contiguous NDArray (or into `into`). */
  read(region: Region, into?: NDArray<D>): NDArray<D> {
    const file = this.descriptor.path ?? "";
    const dataset = this.descriptor.dataset;
    checkRegion(region, this.shape, file, dataset);
    const out = outputFor(region, this.dtype, into, file, dataset);
    if (out.size === 0) return out;
    try {
      readDirect(this.#layout, this.#bytes, region, out, () => {
        throw new Error("a chunk is missing from the layout");
      });
    } catch (err) {
      if (err instanceof IoError) throw err;
      throw new IoError("corrupt", `Cannot read ${where(file, dataset)}: ${causeText(err)}.`, {
        file,
        dataset,
        cause: err,
      });
    }
    return out;
  }
}
