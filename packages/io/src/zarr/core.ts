/**
 * Zarr v2 and v3 through zarrita, independent of the runtime. The Node entry adds filesystem
 * paths (`@zarrita/storage/fs`); both entries take URLs (`FetchStore`), a `Map` (memory), or any
 * zarrita store.
 */
import { copyInto, cStrides, dtypes, fmt, NDArray, shapeSize } from "@chunked/core/internal";
import * as zarr from "zarrita";
import { IoError, where } from "../errors.js";
import { KeyedLock } from "../lock.js";
import { checkBlockShape, checkRegion, chunkPieces, outputFor, regionShape } from "../region.js";
import { zarrArrayRepr } from "../repr.js";
import {
  type Body,
  checkBloscFrame,
  type DirectCodec,
  decodeInto,
  directCodec,
  fetchInto,
} from "./direct.js";
import type {
  ArraySource,
  ArrayTarget,
  CompletableTarget,
  DType,
  Region,
  ZarrSourceDescriptor,
} from "../types.js";

/** A zarrita store: anything with `get(key)` (and `set(key, bytes)` to write). */
export type ZarrStore = zarr.Readable & Partial<zarr.AsyncWritable | zarr.SyncWritable>;

/** What `openZarr`/`createZarr` accept: a filesystem path (Node), an `http(s)://` URL, a `Map`, or a store. */
export type ZarrInput = string | Map<string, Uint8Array> | ZarrStore;

/** Runtime hooks for filesystem paths (Node only). @internal */
export interface ZarrPlatform {
  /** A store rooted at a filesystem path, plus what overwrite and tokens need. */
  pathStore?(path: string): PathStore;
}

/** @internal */
export interface PathStore {
  readonly store: ZarrStore;
  readonly root: string;
  /** True when the store's root directory exists. */
  exists(): boolean;
  /** Throws a `write` IoError (naming EROFS/EACCES) unless the store can be written. */
  assertWritable(): void;
  /**
   * Deletes the keys under `prefix` (an absolute store path) for which `isOurs(relativeKey)`
   * holds, and the directories of ours that leaves empty; every other file stays. `"files"`
   * keeps the directories (a rewrite of the array fills them again: `rmdir` costs milliseconds
   * on some filesystems); `"empty-directories"` removes only our empty directories.
   */
  removeKeys(
    prefix: string,
    isOurs: (relativeKey: string) => boolean,
    what?: "all" | "files" | "empty-directories",
  ): void;
  /** Size and mtime of one key, for tokens. */
  stat(key: string): { size: number; mtimeMs: number } | undefined;
}

interface ResolvedStore {
  store: ZarrStore;
  /** The store as the user named it, for messages. */
  name?: string;
  /** Reopenable location (path or URL). */
  location?: string;
  fs?: PathStore;
  /** For a URL: how direct reads fetch a key (`FetchStore`'s resolution, into reused buffers). */
  fetchKey?: (key: `/${string}`) => Promise<Body | undefined>;
}

const MEMORY_IDS = new WeakMap<object, number>();
let memoryCounter = 0;

function resolveStore(input: ZarrInput, platform: ZarrPlatform): ResolvedStore {
  if (typeof input === "string") {
    if (/^https?:\/\//.test(input))
      return { store: new zarr.FetchStore(input), name: input, location: input, fetchKey: urlFetcher(input) };
    if (!platform.pathStore) {
      throw new IoError(
        "not-found",
        `Zarr paths need Node; in a browser pass a URL, a Map or a store. Got ${JSON.stringify(input)}.`,
        { file: input },
      );
    }
    const fs = platform.pathStore(input);
    return { store: fs.store, name: input, location: fs.root, fs };
  }
  return { store: input as ZarrStore };
}

/** Fetches store keys under `root` as zarrita's `FetchStore` resolves them (query kept), via {@link fetchInto}. */
function urlFetcher(root: string): (key: `/${string}`) => Promise<Body | undefined> {
  const base = new URL(root);
  if (!base.pathname.endsWith("/")) base.pathname += "/";
  return (key) => {
    const url = new URL(key.slice(1), base);
    url.search = base.search;
    return fetchInto(url.href);
  };
}

/** `"/a/b"` for `"a/b"`; `.` and `..` segments are refused (like zarr-python), so no path leaves the store. */
function normalizePath(path: string | undefined, store?: string): `/${string}` {
  if (path !== undefined && typeof path !== "string") {
    throw new IoError("path", `A Zarr path must be a string. Got path=${fmt(path)}.`, { file: store });
  }
  const parts = (path ?? "").split("/").filter(Boolean);
  if (parts.some((p) => p === "." || p === "..")) {
    throw new IoError(
      "path",
      `A path containing '.' or '..' segments is not allowed in Zarr ${where(store)}. Got path=${fmt(path)}.`,
      { file: store },
    );
  }
  return `/${parts.join("/")}`;
}

function keyOf(path: string, name: string): `/${string}` {
  return (path === "/" ? `/${name}` : `${path}/${name}`) as `/${string}`;
}

function isZarritaError(err: unknown, tag: string): boolean {
  return typeof err === "object" && err !== null && (err as { _tag?: unknown })._tag === tag;
}

const SUPPORTED = new Set<string>([
  "bool",
  "int8",
  "int16",
  "int32",
  "uint8",
  "uint16",
  "uint32",
  "int64",
  "uint64",
  "float32",
  "float64",
]);

/**
 * Registers codecs zarrita lacks: gzip encode, blosc with the v3 spec's string shuffle, and blosc
 * decoding that checks the frame (numcodecs' decoder returns zeros for a truncated one). The wasm
 * codecs (blosc, lz4, zstd) come from `#numcodecs/*`: numcodecs with its input copied into wasm
 * memory in one call (patches/numcodecs@0.3.2.patch), vendored into the published package
 * (scripts/vendor-numcodecs.mjs), where zarrita's own entries would load the registry's copy.
 */
function registerCodecs(): void {
  if ((zarr.registry as unknown as { _chunkedIo?: boolean })._chunkedIo) return;
  type Entry = Parameters<typeof zarr.registry.set>[1];
  // zarrita's own gzip/zlib codecs decode only; numcodecs' encode too. Its header stamps each
  // chunk with the time (bytes 4-7, outside the CRC): zeroed, as Python's gzip at mtime=0 does,
  // so a chunk's bytes depend on its data alone.
  const gzip = (async () => {
    const GZip = (await import("numcodecs/gzip")).default;
    return {
      fromConfig(config: { level?: number }) {
        const codec = GZip.fromConfig(config as Parameters<typeof GZip.fromConfig>[0]);
        return {
          async encode(data: Uint8Array) {
            const out = await codec.encode(data);
            out.fill(0, 4, 8);
            return out;
          },
          decode: (data: Uint8Array) => codec.decode(data),
        };
      },
    };
  }) as unknown as Entry;
  // numcodecs.js expects shuffle 0|1|2 and silently ignores the v3 spelling "shuffle".
  const blosc = (async () => {
    const Blosc = (await import("#numcodecs/blosc")).default;
    const SHUFFLE: Record<string, number> = { noshuffle: 0, shuffle: 1, bitshuffle: 2 };
    return {
      fromConfig(config: Record<string, unknown>) {
        const shuffle = typeof config.shuffle === "string" ? SHUFFLE[config.shuffle] : config.shuffle;
        const codec = Blosc.fromConfig({ ...config, shuffle } as Parameters<typeof Blosc.fromConfig>[0]);
        return {
          encode: (data: Uint8Array) => codec.encode(data),
          async decode(frame: Uint8Array) {
            const { nbytes } = checkBloscFrame(frame);
            const out = await codec.decode(frame);
            if (out.byteLength !== nbytes) {
              throw new IoError(
                "corrupt",
                `blosc decompression failed: ${out.byteLength} bytes out, the header says ${nbytes}`,
              );
            }
            return out;
          },
        };
      },
    };
  }) as unknown as Entry;
  const lz4 = (() => import("#numcodecs/lz4").then((m) => m.default)) as unknown as Entry;
  const zstd = (() => import("#numcodecs/zstd").then((m) => m.default)) as unknown as Entry;
  zarr.registry
    .set("gzip", gzip)
    .set("numcodecs.gzip", gzip)
    .set("blosc", blosc)
    .set("numcodecs.blosc", blosc)
    .set("lz4", lz4)
    .set("numcodecs.lz4", lz4)
    .set("zstd", zstd)
    .set("numcodecs.zstd", zstd);
  (zarr.registry as unknown as { _chunkedIo?: boolean })._chunkedIo = true;
}

/** Options of `openZarr`. */
export interface ZarrOpenOptions {
  /** Path of the array inside the store. Default `"/"` (the store is the array). */
  path?: string;
}

/**
 * A Zarr array (v2 or v3): the {@link ArraySource} that `fromArray` reads. Reads are async.
 *
 * @example
 * ```ts
 * const z = await openZarr("data.zarr", { path: "/t2m" });
 * z.shape; z.dtype; z.chunks; // [5760, 11520], "float32", [500, 500]
 * const block = await z.read([[0, 500, 1], [0, 500, 1]]);
 * ```
 */
export class ZarrArray<D extends DType = DType> implements ArraySource<D> {
  readonly shape: readonly number[];
  readonly dtype: D;
  readonly chunks: readonly number[];
  readonly token: string;
  readonly descriptor?: ZarrSourceDescriptor;
  /** 2 or 3. */
  readonly zarrFormat: 2 | 3;
  /** The underlying zarrita array. */
  readonly array: zarr.Array<zarr.DataType, zarr.Readable>;
  /** The store as given (path or URL), for messages. */
  readonly storeName?: string;
  /** Path of the array inside the store. */
  readonly path: string;
  readonly #chunkKey: (coords: readonly number[]) => string;
  readonly #direct?: DirectRead;

  /** @internal Use `openZarr`. */
  constructor(
    array: zarr.Array<zarr.DataType, zarr.Readable>,
    zarrFormat: 2 | 3,
    token: string,
    storeName?: string,
    descriptor?: ZarrSourceDescriptor,
    chunkKey?: (coords: readonly number[]) => string,
    direct?: DirectRead,
  ) {
    this.array = array;
    if (direct) this.#direct = direct;
    this.#chunkKey = chunkKey ?? ((coords) => coords.join(".") || "0");
    this.zarrFormat = zarrFormat;
    this.shape = array.shape;
    this.dtype = array.dtype as D;
    this.chunks = array.chunks;
    this.token = token;
    this.storeName = storeName;
    this.path = array.path;
    if (descriptor) this.descriptor = descriptor;
  }

  /** zarr-python's repr: `<zarr.core.Array '/x' (100, 200) float32 read-only>`. */
  toString(): string {
    return zarrArrayRepr(this.path, this.shape, this.dtype);
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** The array's attributes (`.zattrs` / `attributes`). */
  get attrs(): Record<string, unknown> {
    return this.array.attrs;
  }

  /**
   * Reads `region` into a new C-contiguous NDArray, or into `out`, which is returned. A whole stored
   * chunk of a common codec chain (raw or blosc, little-endian) is decoded straight into the new
   * array; otherwise a whole chunk is zarrita's decoded chunk, without a copy.
   */
  async read(region: Region, out?: NDArray<D>): Promise<NDArray<D>> {
    checkRegion(region, this.shape, this.storeName, this.path);
    if (out) {
      const dst = outputFor(region, this.dtype, out, this.storeName, this.path);
      if (dst.size > 0) copyInto(dst, await this.read(region));
      return dst;
    }
    const shape = regionShape(region);
    if (shapeSize(shape) === 0) return NDArray.zeros(this.dtype, shape);
    const pieces = chunkPieces(region, this.chunks);
    const whole = this.#direct && pieces.length === 1 && this.#isWholeChunk(region);
    if (whole) {
      // Allocated before the first await, so a kernel gets it from core's recycled memory.
      const result = NDArray.zeros(this.dtype, shape);
      if (await this.#readDirect(pieces[0].coords, result)) return result;
    }
    if (pieces.length === 1) {
      // One chunk: view the region in it, skipping a copy of the whole chunk.
      const p = pieces[0];
      const chunk = await this.#chunk(p.coords);
      const steps = region.map((r) => r[2]);
      const offset = p.localFirst.reduce((acc, f, d) => acc + f * chunk.strides[d], 0);
      return new NDArray(
        this.dtype,
        chunk.data,
        shape,
        chunk.strides.map((s, d) => s * steps[d]),
        offset,
      ).contiguous();
    }
    const result = NDArray.zeros(this.dtype, shape);
    await Promise.all(
      pieces.map(async (p) => {
        const chunk = await this.#chunk(p.coords);
        const offset = p.localFirst.reduce((acc, f, d) => acc + f * chunk.strides[d], 0);
        const src = new NDArray(
          this.dtype,
          chunk.data,
          p.count,
          chunk.strides.map((s, d) => s * region[d][2]),
          offset,
        );
        copyInto(result.region(p.outFirst.map((f, d) => [f, f + p.count[d], 1] as const)), src);
      }),
    );
    return result;
  }

  /** The error of a chunk that could not be read or decoded. */
  #decodeError(key: string, err: unknown): IoError {
    const text = err instanceof Error ? err.message : String(err);
    return new IoError(
      "corrupt",
      `Cannot decode chunk ${JSON.stringify(key)} of Zarr ${where(this.storeName, this.path)}: ${text}.`,
      { file: this.storeName, dataset: this.path, cause: err },
    );
  }

  /** True when `region` is exactly one stored chunk, every step 1 (the chunk's bytes are the result's). */
  #isWholeChunk(region: Region): boolean {
    return region.every(([a, b, s], d) => s === 1 && a % this.chunks[d] === 0 && b - a === this.chunks[d]);
  }

  /**
   * Decodes the chunk at `coords` straight into `out` (see ./direct.ts). False when no chunk is
   * stored there: the caller reads the fill value the usual way.
   */
  async #readDirect(coords: number[], out: NDArray<D>): Promise<boolean> {
    const direct = this.#direct!;
    const key = this.chunkKey(coords);
    let body: Body | undefined;
    try {
      body = await direct.get(keyOf(this.path, key));
      if (body === undefined) return false;
      const data = out.data;
      await decodeInto(
        direct.codec,
        body.bytes,
        new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      );
    } catch (err) {
      throw this.#decodeError(key, err);
    } finally {
      body?.release();
    }
    return true;
  }

  /**
   * One decoded chunk (the fill value where none is stored). A chunk that cannot be decoded, or
   * decodes to another number of elements than the chunk shape holds, is an `IoError` naming its key.
   */
  async #chunk(coords: number[]): Promise<{ data: NDArray<D>["data"]; strides: number[] }> {
    const key = this.chunkKey(coords);
    let chunk: zarr.Chunk<zarr.DataType>;
    try {
      chunk = await this.array.getChunk(coords);
    } catch (err) {
      throw this.#decodeError(key, err);
    }
    const data = toTyped<D>(chunk.data);
    const expected = shapeSize(this.chunks);
    if (data.length !== expected) {
      throw new IoError(
        "corrupt",
        `Chunk ${JSON.stringify(key)} of Zarr ${where(this.storeName, this.path)} is damaged: it decodes to ${data.length} elements, expected ${expected} (chunk shape ${fmt([...this.chunks])}).`,
        { file: this.storeName, dataset: this.path },
      );
    }
    return { data, strides: chunk.stride };
  }

  /** The store key of a chunk, relative to the array (`"0.1"`, `"c/0/1"`). */
  chunkKey(coords: readonly number[]): string {
    return this.#chunkKey(coords);
  }
}

/** zarrita's chunk data as our storage: its BoolArray wraps the Uint8Array we use for bool. */
function toTyped<D extends DType>(data: unknown): NDArray<D>["data"] {
  if (data instanceof zarr.BoolArray) {
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength) as NDArray<D>["data"];
  }
  return data as NDArray<D>["data"];
}

function wrapError(err: unknown, doing: "read" | "open" | "write", file?: string, dataset?: string): IoError {
  if (err instanceof IoError) return err;
  const text = err instanceof Error ? err.message : String(err);
  if (isZarritaError(err, "NotFoundError")) {
    return new IoError("no-dataset", `No Zarr array at ${where(file, dataset)}: ${text}.`, {
      file,
      dataset,
      cause: err,
    });
  }
  const reason = doing === "write" ? "write" : "corrupt";
  return new IoError(reason, `Cannot ${doing} Zarr ${where(file, dataset)}: ${text}.`, {
    file,
    dataset,
    cause: err,
  });
}

async function hasKey(store: ZarrStore, key: `/${string}`): Promise<boolean> {
  return (await store.get(key)) !== undefined;
}

async function readJson(store: ZarrStore, key: `/${string}`, name?: string): Promise<unknown> {
  const bytes = await store.get(key);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new IoError(
      "corrupt",
      `Zarr metadata ${JSON.stringify(`${name ?? "<memory>"}${key}`)} is not valid JSON: ${err instanceof Error ? err.message : String(err)}.`,
      { file: name, dataset: key, cause: err },
    );
  }
}

/**
 * Checks the fields of array metadata that reads rely on and returns how chunk keys are spelled.
 * Errors name the file and the field (zarrita's would name neither).
 */
function checkMetadata(meta: unknown, format: 2 | 3, file: string): (coords: readonly number[]) => string {
  const bad = (field: string, got: unknown, expected: string): never => {
    throw new IoError(
      "corrupt",
      `Invalid Zarr metadata in ${JSON.stringify(file)}: field ${JSON.stringify(field)}. Got ${field}=${fmt(got)}, expected ${expected}.`,
      { file },
    );
  };
  if (typeof meta !== "object" || meta === null || Array.isArray(meta)) bad("(root)", meta, "a JSON object");
  const m = meta as Record<string, unknown>;
  const shape = m.shape;
  if (!Array.isArray(shape) || !shape.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    bad("shape", shape, "a list of non-negative integers");
  }
  const grid = m.chunk_grid as { configuration?: { chunk_shape?: unknown } } | undefined;
  const [chunkField, chunks] =
    format === 2
      ? ["chunks", m.chunks]
      : ["chunk_grid.configuration.chunk_shape", grid?.configuration?.chunk_shape];
  if (
    !Array.isArray(chunks) ||
    chunks.length !== (shape as unknown[]).length ||
    !chunks.every((n) => Number.isSafeInteger(n) && n > 0)
  ) {
    bad(
      chunkField,
      chunks,
      `${(shape as unknown[]).length} positive integers (one per axis of shape ${fmt(shape)})`,
    );
  }
  if (format === 2) {
    const sep = m.dimension_separator ?? ".";
    if (sep !== "." && sep !== "/") bad("dimension_separator", sep, '"." or "/"');
    return (coords) => coords.join(sep as string) || "0";
  }
  const encoding = m.chunk_key_encoding as
    | { name?: unknown; configuration?: { separator?: unknown } }
    | undefined;
  const sep = encoding?.configuration?.separator ?? (encoding?.name === "v2" ? "." : "/");
  if (sep !== "." && sep !== "/") bad("chunk_key_encoding.configuration.separator", sep, '"." or "/"');
  if (encoding?.name === "v2") return (coords) => coords.join(sep as string) || "0";
  return (coords) => ["c", ...coords].join(sep as string);
}

/** @internal */
export async function openZarrWith(
  platform: ZarrPlatform,
  input: ZarrInput,
  options: ZarrOpenOptions = {},
): Promise<ZarrArray> {
  const r = resolveStore(input, platform);
  const path = normalizePath(options.path, r.name);
  if (r.fs && !r.fs.exists()) {
    throw new IoError("not-found", `Zarr store ${JSON.stringify(r.name)} does not exist.`, {
      file: r.name,
      dataset: path,
    });
  }
  registerCodecs();
  let array: zarr.Array<zarr.DataType, zarr.Readable>;
  let format: 2 | 3;
  let chunkKey: (coords: readonly number[]) => string;
  let meta: unknown;
  try {
    const location = zarr.root(r.store).resolve(path);
    const v3 = keyOf(path, "zarr.json");
    const v2 = keyOf(path, ".zarray");
    if (await hasKey(r.store, v3)) {
      meta = await readJson(r.store, v3, r.name);
      chunkKey = checkMetadata(meta, 3, `${r.name ?? "<memory>"}${v3}`);
      array = await zarr.open.v3(location, { kind: "array" });
      format = 3;
    } else if (await hasKey(r.store, v2)) {
      meta = await readJson(r.store, v2, r.name);
      chunkKey = checkMetadata(meta, 2, `${r.name ?? "<memory>"}${v2}`);
      array = await zarr.open.v2(location, { kind: "array" });
      format = 2;
    } else {
      throw new IoError(
        "no-dataset",
        `No Zarr array at ${where(r.name, path)}: neither ${JSON.stringify(v3)} nor ${JSON.stringify(v2)} exists (an unfinished write has no metadata).`,
        { file: r.name, dataset: path },
      );
    }
  } catch (err) {
    throw wrapError(err, "open", r.name, path);
  }
  if (!SUPPORTED.has(array.dtype)) {
    throw new IoError(
      "dtype",
      `Unsupported dtype in Zarr ${where(r.name, path)}. Got ${JSON.stringify(array.dtype)}.`,
      { file: r.name, dataset: path },
    );
  }
  let version = "";
  if (r.fs) {
    const st = r.fs.stat(keyOf(path, format === 3 ? "zarr.json" : ".zarray"));
    if (st) version = `${st.size}:${Math.round(st.mtimeMs)}`;
  } else if (!r.location) {
    let id = MEMORY_IDS.get(r.store);
    if (id === undefined) MEMORY_IDS.set(r.store, (id = ++memoryCounter));
    version = `memory-${id}`;
  }
  const token = `zarr:${r.location ?? "memory"}:${path}:${version}`;
  const descriptor: ZarrSourceDescriptor | undefined = r.location
    ? { kind: "zarr", location: r.location, path, ...(version ? { version } : {}) }
    : undefined;
  const codec = directCodec(meta as Record<string, unknown>, format);
  const store = r.store;
  const direct: DirectRead | undefined = codec && {
    codec,
    get:
      r.fetchKey ??
      (async (key) => {
        const bytes = await store.get(key);
        return bytes && { bytes, release: () => {} };
      }),
  };
  return new ZarrArray(array, format, token, r.name, descriptor, chunkKey, direct);
}

/** How {@link ZarrArray} reads whole chunks without zarrita's pipeline (see ./direct.ts). */
interface DirectRead {
  codec: DirectCodec;
  /** A store key's bytes (undefined: no such key), released once decoded. */
  get(key: `/${string}`): Promise<Body | undefined>;
}

/** Compressors `createZarr` writes. */
export type ZarrCompressor = "zstd" | "gzip" | "blosc" | null;

/** Options of `createZarr`. */
export interface ZarrCreateOptions<D extends DType = DType> {
  /** Path of the array inside the store. Default `"/"`. */
  path?: string;
  shape: readonly number[];
  dtype: D;
  /** Chunk shape (clipped to the shape). Default: the whole array in one chunk. */
  chunks?: readonly number[];
  /**
   * Default `"blosc"` (lz4, level 5, byte shuffle: zarr-python 2's default). `"zstd"` (level 3),
   * `"gzip"` (level 1, like numcodecs), or `null` for raw chunks.
   */
  compressor?: ZarrCompressor;
  /** Compression level for the chosen compressor. */
  level?: number;
  /** Replace an existing array at `path` (like dask's `to_zarr(overwrite=True)`). Default false. */
  overwrite?: boolean;
  /** Zarr format version. Default 3. */
  zarrFormat?: 2 | 3;
  /** Value of chunks that are never written. Default 0 (false for bool). */
  fillValue?: number | boolean;
  /** Attributes stored with the array. */
  attributes?: Record<string, unknown>;
}

const V2_DTYPE: Record<DType, string> = {
  bool: "|b1",
  int8: "|i1",
  uint8: "|u1",
  int16: "<i2",
  uint16: "<u2",
  int32: "<i4",
  uint32: "<u4",
  int64: "<i8",
  uint64: "<u8",
  float32: "<f4",
  float64: "<f8",
};

const ITEMSIZE: Record<DType, number> = {
  bool: 1,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  float32: 4,
  float64: 8,
};

function encodeJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value, null, 2));
}

async function setKey(store: ZarrStore, key: `/${string}`, value: Uint8Array): Promise<void> {
  if (!store.set) throw new IoError("write", `The Zarr store is read-only (no set()).`);
  await store.set(key, value);
}

/**
 * A new Zarr array being written: the `ArrayTarget` that `store` writes blocks into.
 * Chunks are written as blocks arrive (in parallel across distinct chunks; writes touching the same
 * chunk are serialised by a per-chunk lock, since partial chunks need read-modify-write).
 * The metadata (`zarr.json`, or `.zarray` + `.zattrs`) is written by {@link ZarrArrayTarget.finish},
 * last: until then no Zarr reader sees an array at `path`, so an interrupted write never looks complete.
 */
export class ZarrArrayTarget<D extends DType = DType> implements CompletableTarget<D> {
  readonly shape: readonly number[];
  readonly dtype: D;
  readonly chunks: readonly number[];
  readonly zarrFormat: 2 | 3;
  readonly path: string;
  readonly storeName?: string;
  /**
   * Where other threads can write whole chunks of this array (a filesystem store), so `store`
   * runs the writes of chunk-aligned blocks in a pool's workers. @internal
   */
  readonly descriptor?: ZarrChunksDescriptor;
  readonly #store: ZarrStore;
  readonly #array: zarr.Array<zarr.DataType, zarr.Mutable>;
  readonly #metadata: [`/${string}`, Uint8Array][];
  readonly #locks = new KeyedLock();
  readonly #fs?: PathStore;
  readonly #chunkWriter: ChunkWriter;
  #state: "open" | "finished" | "aborted" = "open";
  /** Each write in progress, with its outcome recorded (resolves when it has settled). */
  readonly #pending = new Map<Promise<void>, Promise<void>>();
  /** Encoded chunks (and their bytes) that writeBehind left to be stored. */
  #queuedWrites = 0;
  #queuedBytes = 0;
  #failed: unknown;

  /** @internal Use `createZarr`. */
  constructor(
    store: ZarrStore,
    array: zarr.Array<zarr.DataType, zarr.Mutable>,
    metadata: [`/${string}`, Uint8Array][],
    format: 2 | 3,
    chunkWriter: ChunkWriter,
    storeName?: string,
    fs?: PathStore,
    descriptor?: ZarrChunksDescriptor,
  ) {
    this.descriptor = descriptor;
    this.#chunkWriter = chunkWriter;
    this.#store = store;
    this.#array = array;
    this.#metadata = metadata;
    this.zarrFormat = format;
    this.shape = array.shape;
    this.dtype = array.dtype as D;
    this.chunks = array.chunks;
    this.path = array.path;
    this.storeName = storeName;
    this.#fs = fs;
  }

  #check(): void {
    if (this.#state !== "open") {
      throw new IoError(
        "closed",
        `Cannot write Zarr ${where(this.storeName, this.path)}: the target is ${this.#state}.`,
        { file: this.storeName, dataset: this.path },
      );
    }
  }

  /** Writes `block` into `region`; chunk-aligned blocks are encoded without reading anything. */
  write(region: Region, block: NDArray): Promise<void> {
    return this.#write(region, block, false);
  }

  /**
   * Like {@link ZarrArrayTarget.write}, but a block that is one whole chunk returns once it is
   * encoded, while its bytes are stored in the background (at most 16 chunks and 64 MiB wait at
   * once); {@link ZarrArrayTarget.finish} waits for them and fails if one failed. `store` writes
   * this way in-process, so computing the next blocks overlaps the file system's work.
   */
  writeBehind(region: Region, block: NDArray): Promise<void> {
    return this.#write(region, block, true);
  }

  async #write(region: Region, block: NDArray, behind: boolean): Promise<void> {
    this.#check();
    checkRegion(region, this.shape, this.storeName, this.path);
    checkBlockShape(region, block.shape, this.storeName, this.path);
    const count = regionShape(region);
    if (shapeSize(count) === 0) return;
    const pieces = chunkPieces(region, this.chunks);
    const keys = pieces.map((p) => p.coords.join(","));
    const whole =
      LITTLE_ENDIAN && pieces.length === 1 && coversChunk(region, pieces[0].coords, this.chunks, this.shape);
    let encoded: (() => void) | undefined;
    const ready = whole && behind ? new Promise<void>((resolve) => (encoded = resolve)) : undefined;
    const task = this.#locks.run(keys, async () => {
      this.#check();
      if (whole) {
        let queued = 0;
        try {
          const bytes = await this.#chunkWriter.encode(block, count);
          // Raw chunks may be the block's own memory, which the caller reuses once write() returns.
          if (encoded && bytes.buffer !== block.data.buffer) {
            queued = bytes.byteLength;
            this.#queuedBytes += queued;
            this.#queuedWrites++;
            encoded();
          }
          await this.#chunkWriter.put(pieces[0].coords, bytes);
        } catch (err) {
          throw wrapError(err, "write", this.storeName, this.path);
        } finally {
          if (queued > 0) {
            this.#queuedBytes -= queued;
            this.#queuedWrites--;
          }
        }
        return;
      }
      const data = castTo(block, this.dtype);
      const value = {
        data: this.dtype === "bool" ? new zarr.BoolArray(data.buffer, data.byteOffset, data.length) : data,
        shape: count,
        stride: cStrides(count),
      };
      try {
        if (count.length === 0) await zarr.set(this.#array, [], data[0] as never);
        else {
          await zarr.set(
            this.#array,
            region.map(([a, b, s]) => zarr.slice(a, b, s)),
            value as never,
          );
        }
      } catch (err) {
        throw wrapError(err, "write", this.storeName, this.path);
      }
    });
    this.#pending.set(
      task,
      task.then(
        () => {
          this.#pending.delete(task);
        },
        (err) => {
          this.#pending.delete(task);
          this.#failed ??= err;
        },
      ),
    );
    if (!ready) return task;
    await Promise.race([ready, task]);
    while (this.#queuedWrites > MAX_QUEUED_WRITES || this.#queuedBytes > MAX_QUEUED_BYTES) {
      await Promise.race(this.#pending.values());
    }
  }

  /**
   * Waits for queued writes, then writes the metadata that makes the array visible. Fails
   * (`write`) if any write failed: then call {@link ZarrArrayTarget.abort}.
   */
  async finish(): Promise<void> {
    if (this.#state === "finished") return; // store() finished it already
    this.#check();
    while (this.#pending.size > 0) await Promise.all(this.#pending.values());
    this.#check();
    if (this.#failed !== undefined) {
      throw new IoError(
        "write",
        `Cannot finish Zarr ${where(this.storeName, this.path)}: a block failed to write (${this.#failed instanceof Error ? this.#failed.message : String(this.#failed)}). Call abort().`,
        { file: this.storeName, dataset: this.path, cause: this.#failed },
      );
    }
    this.#state = "finished";
    try {
      this.#fs?.removeKeys(this.path, isZarrKey, "empty-directories");
      for (const [key, value] of this.#metadata) await setKey(this.#store, key, value);
    } catch (err) {
      throw wrapError(err, "write", this.storeName, this.path);
    }
  }

  /** Stops writing and deletes the chunks written so far (filesystem and `Map` stores). */
  async abort(): Promise<void> {
    if (this.#state !== "open") return;
    this.#state = "aborted";
    await Promise.all(this.#pending.values());
    removeZarrKeys(this.#store, this.path as `/${string}`, this.#fs);
  }
}

/**
 * True when `region` is exactly the part of chunk `coords` inside the array (step 1, from the
 * chunk's first element to its last or to the array's end): the block alone makes the chunk.
 */
function coversChunk(
  region: Region,
  coords: readonly number[],
  chunks: readonly number[],
  shape: readonly number[],
): boolean {
  return region.every(
    ([a, b, step], d) => step === 1 && a === coords[d] * chunks[d] && b === Math.min(a + chunks[d], shape[d]),
  );
}

/** Most chunk writes, and bytes, a Zarr target lets wait for the file system before a write() waits. */
const MAX_QUEUED_WRITES = 16;
const MAX_QUEUED_BYTES = 64 * 2 ** 20;

/** On little-endian hosts (all we know of) typed arrays are in the bytes codec's order already. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Encodes and stores whole chunks without zarrita's `set` (which makes a fresh chunk and copies
 * the block into it): a C-contiguous block that is the whole chunk is compressed straight from
 * its memory; an edge chunk is padded with the fill value first, as zarrita pads it.
 * @internal
 */
class ChunkWriter {
  /** Loaded at the first write, so a codec that fails to load fails that write, not an unawaited promise. */
  #encode?: Promise<(bytes: Uint8Array) => Promise<Uint8Array> | Uint8Array>;

  constructor(
    private readonly store: ZarrStore,
    private readonly array: zarr.Array<zarr.DataType, zarr.Mutable>,
    private readonly chunkKey: (coords: readonly number[]) => string,
    private readonly fill: number | boolean,
    private readonly compressor: zarr.CodecMetadata | undefined,
  ) {}

  async write(coords: readonly number[], block: NDArray, count: readonly number[]): Promise<void> {
    await this.put(coords, await this.encode(block, count));
  }

  /** The chunk's stored bytes: `block` (`count` elements per axis) padded to a whole chunk, compressed. */
  async encode(block: NDArray, count: readonly number[]): Promise<Uint8Array> {
    const dtype = this.array.dtype as DType;
    const chunks = this.array.chunks;
    let data = castTo(block, dtype);
    if (count.some((c, d) => c !== chunks[d])) {
      const padded = NDArray.zeros(dtype, chunks);
      if (this.fill !== 0 && this.fill !== false) padded.data.fill(toFill(this.fill, dtype) as never);
      copyInto(padded.region(count.map((c) => [0, c, 1] as const)), new NDArray(dtype, data, count));
      data = padded.data;
    }
    this.#encode ??= compressorEncoder(this.compressor, this.array);
    const encode = await this.#encode;
    return encode(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }

  /** Stores the encoded chunk at `coords`. */
  put(coords: readonly number[], bytes: Uint8Array): Promise<void> {
    return setKey(this.store, keyOf(this.array.path, this.chunkKey(coords)), bytes);
  }
}

function toFill(fill: number | boolean, dtype: DType): number | bigint {
  if (dtypes.is64BitInt(dtype)) return BigInt(Number(fill));
  return Number(fill);
}

/** The compressor's `encode` (identity for raw chunks), loaded once through zarrita's codec registry. */
async function compressorEncoder(
  codec: zarr.CodecMetadata | undefined,
  array: zarr.Array<zarr.DataType, zarr.Mutable>,
): Promise<(bytes: Uint8Array) => Promise<Uint8Array> | Uint8Array> {
  if (!codec) return (bytes) => bytes;
  const load = zarr.registry.get(codec.name);
  if (!load) throw new IoError("write", `No Zarr codec ${JSON.stringify(codec.name)} is registered.`);
  const Codec = (await load()) as unknown as {
    fromConfig(
      config: unknown,
      meta: unknown,
    ): { encode(bytes: Uint8Array): Promise<Uint8Array> | Uint8Array };
  };
  const instance = Codec.fromConfig(codec.configuration ?? {}, {
    data_type: array.dtype,
    shape: array.chunks,
    codecs: [],
  });
  return (bytes) => instance.encode(bytes);
}

function castTo(block: NDArray, dtype: DType): NDArray["data"] {
  const c = block.contiguous();
  const src = c.data.subarray(c.offset, c.offset + c.size);
  if (c.dtype === dtype || (dtype === "uint8" && c.dtype === "bool")) {
    return src;
  }
  // NDArray.from converts across bigint (int64/uint64) and number storage.
  if (dtypes.is64BitInt(dtype) || dtypes.is64BitInt(c.dtype))
    return NDArray.from(src, { dtype, shape: c.shape }).data;
  const out = NDArray.zeros(dtype, c.shape).data;
  const nums = src as ArrayLike<number>;
  if (dtype === "bool") for (let i = 0; i < nums.length; i++) out[i] = nums[i] !== 0 ? 1 : 0;
  else (out as Float64Array).set(nums);
  return out;
}

/**
 * True for the keys a Zarr array writes, relative to its path: its metadata and its chunks (v2
 * `0.1` or `0/1`, v3 `c/0/1` or `c.0.1`). A user's `notes.txt` or a nested array never matches.
 */
export function isZarrKey(relative: string): boolean {
  return (
    /^(zarr\.json|\.zarray|\.zattrs|\.zgroup)$/.test(relative) ||
    /^\d+([./]\d+)*$/.test(relative) ||
    /^c([./]\d+)*$/.test(relative)
  );
}

/** Deletes the Zarr keys under `path` (never other files), where the store allows listing (filesystem, Map). */
function removeZarrKeys(
  store: ZarrStore,
  path: `/${string}`,
  fs?: PathStore,
  what: "all" | "files" = "all",
): void {
  if (fs) {
    fs.removeKeys(path, isZarrKey, what);
    return;
  }
  if (store instanceof Map) {
    const prefix = path === "/" ? "/" : `${path}/`;
    for (const key of [...store.keys()])
      if (key.startsWith(prefix) && isZarrKey(key.slice(prefix.length))) store.delete(key);
  }
}

function compressorCodecs(
  compressor: ZarrCompressor,
  level: number | undefined,
  itemsize: number,
  format: 2 | 3,
): { v3: zarr.CodecMetadata[]; v2: Record<string, unknown> | null; zarrita: zarr.CodecMetadata[] } {
  if (compressor === null) return { v3: [], v2: null, zarrita: [] };
  if (compressor === "zstd") {
    const l = level ?? 3;
    return {
      v3: [{ name: "zstd", configuration: { level: l, checksum: false } }],
      v2: { id: "zstd", level: l },
      zarrita: [{ name: format === 3 ? "zstd" : "numcodecs.zstd", configuration: { level: l } }],
    };
  }
  if (compressor === "gzip") {
    const l = level ?? 1;
    return {
      v3: [{ name: "gzip", configuration: { level: l } }],
      v2: { id: "gzip", level: l },
      zarrita: [{ name: format === 3 ? "gzip" : "numcodecs.gzip", configuration: { level: l } }],
    };
  }
  if (compressor === "blosc") {
    const clevel = level ?? 5;
    return {
      v3: [
        {
          name: "blosc",
          configuration: { cname: "lz4", clevel, shuffle: "shuffle", typesize: itemsize, blocksize: 0 },
        },
      ],
      v2: { id: "blosc", cname: "lz4", clevel, shuffle: 1, blocksize: 0 },
      zarrita: [{ name: "blosc", configuration: { cname: "lz4", clevel, shuffle: 1, blocksize: 0 } }],
    };
  }
  throw new IoError(
    "write",
    `Unknown Zarr compressor ${fmt(compressor)}. Expected "zstd", "gzip", "blosc" or null.`,
  );
}

/** @internal */
export async function createZarrWith<D extends DType>(
  platform: ZarrPlatform,
  input: ZarrInput,
  options: ZarrCreateOptions<D>,
): Promise<ZarrArrayTarget<D>> {
  registerCodecs();
  const r = resolveStore(input, platform);
  const path = normalizePath(options.path, r.name);
  const { shape, dtype } = options;
  const format = options.zarrFormat ?? 3;
  if (!SUPPORTED.has(dtype)) {
    throw new IoError("dtype", `Cannot write dtype ${fmt(dtype)} to Zarr ${where(r.name, path)}.`, {
      file: r.name,
      dataset: path,
    });
  }
  if (!r.store.set)
    throw new IoError("write", `Zarr store ${where(r.name, path)} is read-only.`, {
      file: r.name,
      dataset: path,
    });
  r.fs?.assertWritable();
  const chunks = (options.chunks ?? shape).map((c, d) => Math.max(1, Math.min(c, shape[d] || 1)));
  if (chunks.length !== shape.length) {
    throw new IoError(
      "region",
      `Chunks do not match the shape. Got chunks=${fmt([...chunks])}, shape=${fmt([...shape])}.`,
      { file: r.name, dataset: path },
    );
  }
  const metaKeys = ["zarr.json", ".zarray", ".zgroup"].map((k) => keyOf(path, k));
  const exists = (await Promise.all(metaKeys.map((k) => hasKey(r.store, k)))).some(Boolean);
  if (exists && !options.overwrite) {
    throw new IoError(
      "exists",
      `Zarr ${where(r.name, path)} already contains an array or group. Pass { overwrite: true } to replace it.`,
      { file: r.name, dataset: path },
    );
  }
  // Old metadata goes first, so a half-done rewrite never shows the old array's metadata.
  for (const k of [...metaKeys, keyOf(path, ".zattrs")]) {
    if (await hasKey(r.store, k)) {
      const del = (r.store as { delete?: (key: string) => unknown }).delete;
      if (!del)
        throw new IoError(
          "write",
          `Cannot overwrite Zarr ${where(r.name, path)}: the store cannot delete keys.`,
          { file: r.name, dataset: path },
        );
      await del.call(r.store, k);
    }
  }
  // Chunks of an earlier (finished or unfinished) write would show through unwritten chunks; other
  // files (a user's notes in the same directory) are kept, as zarr-python keeps them. The chunk
  // directories stay for the new chunks; finish() removes those left empty.
  removeZarrKeys(r.store, path, r.fs, "files");

  const itemsize = ITEMSIZE[dtype];
  const fill = options.fillValue ?? (dtype === "bool" ? false : 0);
  // JSON has no NaN/Infinity: both Zarr formats spell them as strings.
  const fillJson =
    typeof fill === "number" && !Number.isFinite(fill)
      ? Number.isNaN(fill)
        ? "NaN"
        : fill > 0
          ? "Infinity"
          : "-Infinity"
      : fill;
  const codecs = compressorCodecs(
    options.compressor === undefined ? "blosc" : options.compressor,
    options.level,
    itemsize,
    format,
  );
  const bytesCodec: zarr.CodecMetadata =
    itemsize > 1
      ? { name: "bytes", configuration: { endian: "little" } }
      : { name: "bytes", configuration: {} };
  const attributes = options.attributes ?? {};
  const metadata: [`/${string}`, Uint8Array][] = [];
  let chunkKeyEncoding: zarr.ArrayMetadata["chunk_key_encoding"];
  if (format === 3) {
    chunkKeyEncoding = { name: "default", configuration: { separator: "/" } };
    metadata.push([
      keyOf(path, "zarr.json"),
      encodeJson({
        zarr_format: 3,
        node_type: "array",
        shape,
        data_type: dtype,
        chunk_grid: { name: "regular", configuration: { chunk_shape: chunks } },
        chunk_key_encoding: chunkKeyEncoding,
        fill_value: fillJson,
        codecs: [bytesCodec, ...codecs.v3],
        attributes,
      }),
    ]);
  } else {
    chunkKeyEncoding = { name: "v2", configuration: { separator: "." } };
    if (Object.keys(attributes).length > 0) metadata.push([keyOf(path, ".zattrs"), encodeJson(attributes)]);
    metadata.push([
      keyOf(path, ".zarray"),
      encodeJson({
        zarr_format: 2,
        shape,
        chunks,
        dtype: V2_DTYPE[dtype],
        compressor: codecs.v2,
        fill_value: fillJson,
        order: "C",
        filters: null,
        dimension_separator: ".",
      }),
    ]);
  }
  // Parent groups, so zarr-python can open the hierarchy.
  const parts = path.split("/").filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const group = normalizePath(parts.slice(0, i).join("/"));
    if (format === 3 && !(await hasKey(r.store, keyOf(group, "zarr.json")))) {
      await setKey(
        r.store,
        keyOf(group, "zarr.json"),
        encodeJson({ zarr_format: 3, node_type: "group", attributes: {} }),
      );
    }
    if (format === 2 && !(await hasKey(r.store, keyOf(group, ".zgroup")))) {
      await setKey(r.store, keyOf(group, ".zgroup"), encodeJson({ zarr_format: 2 }));
    }
  }
  // The array object writes chunks; its metadata reaches the store only in finish().
  const meta = {
    zarr_format: 3,
    node_type: "array",
    shape: [...shape],
    data_type: dtype,
    chunk_grid: { name: "regular", configuration: { chunk_shape: chunks } },
    chunk_key_encoding: chunkKeyEncoding,
    fill_value: fill,
    codecs: [bytesCodec, ...codecs.zarrita],
    attributes,
  } as zarr.ArrayMetadata<zarr.DataType>;
  const { array, writer } = chunkWriter(r.store, path, meta, format);
  const descriptor: ZarrChunksDescriptor | undefined =
    r.fs && LITTLE_ENDIAN ? { kind: "zarr-chunks", location: r.fs.root, path, format, meta } : undefined;
  return new ZarrArrayTarget<D>(r.store, array, metadata, format, writer, r.name, r.fs, descriptor);
}

/**
 * What another thread needs to write whole chunks of an array being created: the store's root
 * directory, the array's path, and the metadata its chunks are encoded with (the metadata file
 * itself is written by the creating thread's target, last).
 * @internal
 */
export interface ZarrChunksDescriptor {
  readonly kind: "zarr-chunks";
  readonly location: string;
  readonly path: `/${string}`;
  readonly format: 2 | 3;
  readonly meta: zarr.ArrayMetadata<zarr.DataType>;
}

function chunkWriter(
  store: ZarrStore,
  path: `/${string}`,
  meta: zarr.ArrayMetadata<zarr.DataType>,
  format: 2 | 3,
): { array: zarr.Array<zarr.DataType, zarr.Mutable>; writer: ChunkWriter } {
  const array = new zarr.Array(store as zarr.Mutable, path, meta);
  const chunkKey =
    format === 3
      ? (coords: readonly number[]) => ["c", ...coords].join("/")
      : (coords: readonly number[]) => coords.join(".") || "0";
  // meta.codecs: the bytes codec, then the compressor if any.
  const writer = new ChunkWriter(store, array, chunkKey, meta.fill_value as number | boolean, meta.codecs[1]);
  return { array, writer };
}

/**
 * The writer of whole chunks that a {@link ZarrChunksDescriptor} names, on this thread (a pool
 * worker): `store` sends it only blocks that are exactly one chunk, so no chunk is written by two
 * threads and none needs reading first.
 * @internal
 */
export function openChunksWith(platform: ZarrPlatform, d: ZarrChunksDescriptor): ArrayTarget {
  registerCodecs();
  const fs = platform.pathStore?.(d.location);
  if (!fs)
    throw new IoError("write", `Cannot write Zarr chunks to ${JSON.stringify(d.location)} on this thread.`);
  const { array, writer } = chunkWriter(fs.store, d.path, d.meta, d.format);
  const { shape, chunks } = array;
  return {
    shape,
    dtype: array.dtype as DType,
    chunks,
    async write(region: Region, block: NDArray): Promise<void> {
      checkRegion(region, shape, d.location, d.path);
      checkBlockShape(region, block.shape, d.location, d.path);
      const pieces = chunkPieces(region, chunks);
      if (pieces.length !== 1 || !coversChunk(region, pieces[0].coords, chunks, shape)) {
        throw new IoError(
          "write",
          `Only whole chunks of Zarr ${where(d.location, d.path)} are written on this thread. Got region=${fmt(region)}, chunks=${fmt(chunks)}.`,
          { file: d.location, dataset: d.path },
        );
      }
      try {
        await writer.write(pieces[0].coords, block, regionShape(region));
      } catch (err) {
        throw wrapError(err, "write", d.location, d.path);
      }
    },
  };
}
