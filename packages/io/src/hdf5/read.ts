/**
 * Reading HDF5 through h5wasm, independent of the runtime: the Node entry (`./index.ts`, h5wasm's
 * NODERAWFS build) and the browser entry (`./browser.ts`, the web build) pass in their h5wasm
 * and platform hooks.
 */
import { copyInto, dtypes, fmt, NDArray, shapeSize } from "@chunked/core/internal";
import { causeText, IoError, where } from "../errors.js";
import { checkRegion, outputFor } from "../region.js";
import { hdf5DatasetRepr } from "../repr.js";
import type { ArraySource, ArrayTarget, DType, Hdf5SourceDescriptor, Region } from "../types.js";
import { type ByteReader, type DirectLayout, discoverLayout, readDirect, shipLayout } from "./direct.js";
import { BOOL_ATTR, type DTypeMapping, type H5TypeInfo, mapH5Type } from "./dtype.js";
import { type H5File, type H5Module, type H5Wasm, MAX_SLAB_BYTES, normalizeName } from "./h5.js";
import { writeRegion } from "./write.js";

/** Filters every HDF5 build has: deflate, shuffle, fletcher32, szip, nbit, scaleoffset. */
const BUILTIN_FILTERS = new Set([1, 2, 3, 4, 5, 6]);

/** Options of {@link openHdf5}. */
export interface Hdf5OpenOptions {
  /** `"r"` (default) reads; `"a"` also lets {@link Hdf5Dataset.write} change datasets in place. */
  mode?: "r" | "a";
  /**
   * How 64-bit integer datasets are read: `"int64"` (default: int64/uint64, as h5py), `"float64"`
   * (converted, exact up to 2^53) or `"error"` (refused).
   */
  int64?: "int64" | "error" | "float64";
  /**
   * Read uncompressed data straight from the file when its layout allows (contiguous, or chunks
   * indexed by a version-1 B-tree). Default `true`; `false` reads everything through h5wasm.
   */
  directReads?: boolean;
  /** Datasets smaller than this many bytes are always read through h5wasm. Default 256 KiB. */
  directReadMinBytes?: number;
}

/** What an entry point knows about the file it opened. @internal */
export interface Hdf5FileInit {
  readonly h5wasm: H5Wasm;
  readonly Module: H5Module;
  /** Path inside h5wasm's (Emscripten) filesystem. */
  readonly fsPath: string;
  /** The file as the user named it (path, URL or File name), for messages. */
  readonly name: string;
  /** Token prefix naming this file and its version, e.g. `hdf5:/data/a.h5:4096:1700000000000`. */
  readonly token: string;
  /** How a worker reopens it (without the dataset), if it can. */
  readonly descriptor?: Omit<Hdf5SourceDescriptor, "dataset">;
  /** Random access to the file's bytes for direct reads. */
  readonly bytes?: () => ByteReader | undefined;
  readonly options: Hdf5OpenOptions;
  readonly onClose?: () => void;
}

/**
 * An open HDF5 file. Get datasets with {@link Hdf5File.get}; close it when done.
 *
 * @example
 * ```ts
 * const f = await openHdf5("weather.h5");
 * f.datasets();                // ["/t2m", "/u10"]
 * const t2m = f.get("/t2m");   // Hdf5Dataset: shape, dtype, chunks, read(region)
 * f.close();
 * ```
 */
export class Hdf5File {
  /** The file as given (path, URL or File name). */
  readonly name: string;
  readonly mode: "r" | "a";
  readonly #init: Hdf5FileInit;
  readonly #h5: H5File;
  readonly #datasets = new Map<string, Hdf5Dataset>();
  #bytes: ByteReader | null | undefined;
  #closed = false;

  /** @internal Use `openHdf5`. */
  constructor(init: Hdf5FileInit) {
    this.#init = init;
    this.name = init.name;
    this.mode = init.options.mode ?? "r";
    try {
      this.#h5 = new init.h5wasm.File(init.fsPath, this.mode);
    } catch (err) {
      throw new IoError(
        "corrupt",
        `Cannot open ${where(init.name)} as HDF5: ${causeText(err)}.${init.name.endsWith(".partial") ? " A .partial file is what an unfinished write leaves behind; write it again." : ""}`,
        { file: init.name, cause: err },
      );
    }
  }

  /** @internal */
  get fileId(): bigint {
    return this.#h5.file_id;
  }

  /** @internal */
  get init(): Hdf5FileInit {
    return this.#init;
  }

  /** @internal Random access to the file's bytes (opened on first use), or null. */
  byteReader(): ByteReader | null {
    if (this.#bytes === undefined) this.#bytes = this.#init.bytes?.() ?? null;
    return this.#bytes;
  }

  /** Paths of every dataset in the file, e.g. `["/g/x", "/y"]`. */
  datasets(): string[] {
    const M = this.#init.Module;
    return M.get_names(this.fileId, "/", true)
      .map((n) => normalizeName(n))
      .filter((n) => this.#typeOf(n) === M.H5G_DATASET);
  }

  #typeOf(path: string): number {
    try {
      return this.#init.Module.get_type(this.fileId, path);
    } catch {
      return -1;
    }
  }

  /**
   * The dataset at `path`. Throws an {@link IoError} (`no-dataset`) naming the datasets that do
   * exist, or (`dtype`) when its type has no @chunked dtype.
   */
  get(path: string): Hdf5Dataset {
    this.#checkOpen();
    const name = normalizeName(path);
    let ds = this.#datasets.get(name);
    if (!ds) {
      const type = this.#typeOf(name);
      if (type !== this.#init.Module.H5G_DATASET) {
        const found = this.datasets();
        const what = type === this.#init.Module.H5G_GROUP ? "is a group, not a dataset" : "not found";
        throw new IoError(
          "no-dataset",
          `Dataset ${JSON.stringify(name)} ${what} in HDF5 file ${JSON.stringify(this.name)}. Got path=${JSON.stringify(path)}, expected one of ${fmt(found.slice(0, 20))}${found.length > 20 ? " ..." : ""}.`,
          { file: this.name, dataset: name },
        );
      }
      ds = new Hdf5Dataset(this, name);
      this.#datasets.set(name, ds);
    }
    return ds;
  }

  #checkOpen(): void {
    if (this.#closed)
      throw new IoError("closed", `HDF5 file ${JSON.stringify(this.name)} is closed.`, { file: this.name });
  }

  /** Closes the file (and its direct-read handle). Datasets of a closed file cannot be read. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#bytes?.close();
    this.#h5.close();
    this.#init.onClose?.();
  }

  /** @internal */
  get closed(): boolean {
    return this.#closed;
  }
}

/**
 * One HDF5 dataset: an {@link ArraySource} (shape, dtype, storage chunks, region reads) that
 * `fromArray` accepts. Reads are synchronous and return C-contiguous NDArrays.
 *
 * Uncompressed data in a contiguous layout or in chunks indexed by a version-1 B-tree (h5py's
 * and h5wasm's default) is read straight from the file into the result's buffer; everything else
 * (compressed, other chunk indexes, big-endian) goes through h5wasm's hyperslab reads.
 *
 * @example
 * ```ts
 * const x = await openHdf5Dataset("data.h5", "/x"); // shape [1000, 2000], chunks [100, 2000]
 * const block = x.read([[0, 100, 1], [0, 2000, 10]]); // x[0:100, ::10]
 * ```
 */
export class Hdf5Dataset<D extends DType = DType> implements ArraySource<D>, ArrayTarget<D> {
  readonly file: Hdf5File;
  /** Path inside the file, e.g. `"/x"`. */
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: D;
  /** Storage chunk shape, or undefined for a contiguous (or compact) dataset. */
  readonly chunks?: readonly number[];
  readonly token: string;
  /** HDF5 filters in the pipeline (`[]` when uncompressed), e.g. `[{ id: 1, name: "deflate" }]`. */
  readonly filters: readonly { readonly id: number; readonly name: string }[];
  readonly #map: DTypeMapping;
  readonly #repr: string;
  #layout: DirectLayout | null | undefined;
  readonly #descriptor?: Hdf5SourceDescriptor;
  #shipped: Hdf5SourceDescriptor | undefined;

  /** @internal Use {@link Hdf5File.get}. */
  constructor(file: Hdf5File, name: string) {
    this.file = file;
    this.name = name;
    const M = file.init.Module;
    let meta: H5TypeInfo & { shape: number[] | null; chunks: number[] | null };
    try {
      meta = M.get_dataset_metadata(file.fileId, name) as typeof meta;
    } catch (err) {
      throw new IoError(
        "corrupt",
        `Cannot read the metadata of ${where(file.name, name)}: ${causeText(err)}.`,
        { file: file.name, dataset: name, cause: err },
      );
    }
    const boolAttr = meta.type === 0 && meta.size === 1 && this.#attr(BOOL_ATTR) === "bool";
    const map = mapH5Type(meta, file.init.options.int64 ?? "int64", boolAttr);
    if (typeof map === "string") {
      throw new IoError("dtype", `Unsupported dtype in ${where(file.name, name)}. Got ${map}.`, {
        file: file.name,
        dataset: name,
      });
    }
    this.#map = map;
    this.dtype = map.dtype as D;
    this.shape = meta.shape ?? [];
    this.#repr = hdf5DatasetRepr(name, this.shape, meta);
    if (meta.chunks) this.chunks = meta.chunks;
    this.filters = M.get_dataset_filters(file.fileId, name).map((f) => ({ id: f.id, name: f.name }));
    const missing = this.filters.filter((f) => !BUILTIN_FILTERS.has(f.id));
    if (missing.length > 0) {
      // h5wasm has HDF5's built-in filters only; a plugin filter would fail at the first read.
      const names = missing.map((f) => `${f.name || "unnamed"} (id ${f.id})`).join(", ");
      throw new IoError(
        "filter",
        `${where(file.name, name)} is compressed with ${names}, a filter h5wasm does not include. Got filters=${fmt(this.filters.map((f) => f.name || f.id))}, expected HDF5's built-in ones (gzip/deflate, shuffle, fletcher32, scaleoffset, nbit). Rewrite it with gzip, e.g. h5repack -f GZIP=4.`,
        { file: file.name, dataset: name },
      );
    }
    this.token = `${file.init.token}:${name}`;
    if (file.init.descriptor) {
      this.#descriptor = {
        ...file.init.descriptor,
        dataset: name,
        ...(file.init.options.int64 ? { int64: file.init.options.int64 } : {}),
      };
    }
  }

  /**
   * How another thread reopens this dataset. From a file on disk, an uncompressed dataset whose
   * chunks are all allocated also carries its layout (probed here on first use), so that a pool
   * worker reads it straight from the file without loading h5wasm.
   */
  get descriptor(): Hdf5SourceDescriptor | undefined {
    const base = this.#descriptor;
    if (!base?.path || this.file.closed) return base;
    if (this.#shipped === undefined) {
      const layout = this.#direct();
      const shipped = layout ? shipLayout(layout, this.shape) : undefined;
      this.#shipped = shipped
        ? {
            ...base,
            direct: {
              shape: this.shape,
              dtype: this.dtype,
              ...(this.chunks ? { chunks: this.chunks } : {}),
              token: this.token,
              ...shipped,
            },
          }
        : base;
    }
    return this.#shipped;
  }

  /** h5py's repr: `<HDF5 dataset "x": shape (100, 200), type "<f4">` (the file's type). */
  toString(): string {
    return this.file.closed ? "<Closed HDF5 dataset>" : this.#repr;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  #attr(key: string): unknown {
    try {
      const h5 = new this.file.init.h5wasm.Dataset(this.file.fileId, this.name);
      return h5.attrs[key]?.json_value;
    } catch {
      return undefined;
    }
  }

  /** The dataset's attributes as JSON-compatible values (e.g. `{ units: "K" }`). */
  attrs(): Record<string, unknown> {
    const h5 = new this.file.init.h5wasm.Dataset(this.file.fileId, this.name);
    const out: Record<string, unknown> = {};
    for (const [k, a] of Object.entries(h5.attrs)) out[k] = a.json_value;
    return out;
  }

  /** Number of elements. */
  get size(): number {
    return shapeSize(this.shape);
  }

  /**
   * How reads reach the bytes: `"contiguous"` or `"btree-v1"` (direct reads from the file), or
   * `null` (through h5wasm). Probes the layout on first use.
   */
  get directLayout(): "contiguous" | "btree-v1" | null {
    return this.#direct()?.kind ?? null;
  }

  #direct(): DirectLayout | null {
    if (this.#layout !== undefined) return this.#layout;
    const init = this.file.init;
    const bytes =
      this.file.mode === "r" && init.options.directReads !== false ? this.file.byteReader() : null;
    this.#layout =
      bytes && this.#map.plain && !this.#map.convert && this.filters.length === 0
        ? discoverLayout({
            FS: init.Module.FS,
            fsPath: init.fsPath,
            bytes,
            shape: this.shape,
            chunks: this.chunks ?? null,
            itemsize: this.#map.fileItemsize,
            minBytes: init.options.directReadMinBytes,
            readElement: (index) => this.#elementBytes(index),
          })
        : null;
    return this.#layout;
  }

  #elementBytes(index: readonly number[]): Uint8Array {
    const one = NDArray.zeros(
      this.dtype,
      index.map(() => 1),
    );
    this.#readHdf5Into(
      one,
      [...index],
      index.map(() => 1),
      index.map(() => 1),
    );
    return new Uint8Array(one.data.buffer, one.data.byteOffset, one.data.byteLength).slice();
  }

  /**
   * Reads `region` (one `[start, stop, step]` per axis) into a new C-contiguous NDArray (or into
   * `into`, which is returned). Throws an {@link IoError}: `region` when it does not fit, `corrupt` when HDF5 cannot read.
   */
  read(region: Region, into?: NDArray<D>): NDArray<D> {
    this.#checkOpen();
    checkRegion(region, this.shape, this.file.name, this.name);
    const out = outputFor(region, this.dtype, into, this.file.name, this.name);
    if (out.size === 0) return out;
    const layout = this.#direct();
    const bytes = layout ? this.file.byteReader() : null;
    try {
      if (layout && bytes) {
        readDirect(layout, bytes, region, out, (dst, start, count, step) =>
          this.#readHdf5Into(dst, start, count, step),
        );
      } else {
        this.#readHdf5Into(
          out,
          region.map((r) => r[0]),
          [...out.shape],
          region.map((r) => r[2]),
        );
      }
    } catch (err) {
      if (err instanceof IoError) throw err;
      throw new IoError("corrupt", `Cannot read ${where(this.file.name, this.name)}: ${causeText(err)}.`, {
        file: this.file.name,
        dataset: this.name,
        cause: err,
      });
    }
    return out;
  }

  /** Reads the whole dataset. */
  readAll(): NDArray<D> {
    return this.read(this.shape.map((n) => [0, n, 1] as const));
  }

  #checkOpen(): void {
    if (this.file.closed) {
      throw new IoError("closed", `Cannot use ${where(this.file.name, this.name)}: the file is closed.`, {
        file: this.file.name,
        dataset: this.name,
      });
    }
  }

  /** Reads a hyperslab through h5wasm into `dst` (a view of the hyperslab's shape). */
  #readHdf5Into(dst: NDArray<D>, start: number[], count: number[], step: number[]): void {
    const M = this.file.init.Module;
    const s = this.#map.fileItemsize;
    const rank = count.length;
    if (shapeSize(count) === 0) return;
    const rowBytes = shapeSize(count.slice(1)) * s;
    const rowsPer = rank === 0 ? 1 : Math.max(1, Math.floor(MAX_SLAB_BYTES / rowBytes));
    const rows = rank === 0 ? 1 : count[0];
    for (let r0 = 0; r0 < rows; r0 += rowsPer) {
      const c = rank === 0 ? [] : [Math.min(rowsPer, rows - r0), ...count.slice(1)];
      const st = rank === 0 ? [] : [start[0] + r0 * step[0], ...start.slice(1)];
      const n = shapeSize(c);
      const nbytes = n * s;
      const ptr = M._malloc(nbytes);
      if (!ptr)
        throw new IoError(
          "corrupt",
          `Out of wasm memory reading ${nbytes} bytes of ${where(this.file.name, this.name)}.`,
        );
      try {
        if (rank === 0) M.get_dataset_data(this.file.fileId, this.name, null, null, null, BigInt(ptr));
        else {
          M.get_dataset_data(
            this.file.fileId,
            this.name,
            c.map(BigInt),
            st.map(BigInt),
            step.map(BigInt),
            BigInt(ptr),
          );
        }
        const heap = M.HEAPU8; // read after H5Dread: the heap may have grown and moved
        const sub =
          rank === 0
            ? dst
            : new NDArray(this.dtype, dst.data, c, dst.strides, dst.offset + r0 * dst.strides[0]);
        if (this.#map.convert) {
          const raw = heap.slice(ptr, ptr + nbytes);
          const ints =
            this.#map.convert === "int64" ? new BigInt64Array(raw.buffer) : new BigUint64Array(raw.buffer);
          const f = new Float64Array(n);
          for (let i = 0; i < n; i++) f[i] = Number(ints[i]);
          copyInto(sub, new NDArray("float64", f, c) as NDArray);
        } else if (sub.isContiguous) {
          new Uint8Array(sub.data.buffer, sub.data.byteOffset + sub.offset * s, nbytes).set(
            heap.subarray(ptr, ptr + nbytes),
          );
        } else {
          const Ctor = dtypes.DTYPE_INFO[this.dtype].ctor;
          const tmp = new NDArray(
            this.dtype,
            new Ctor(heap.slice(ptr, ptr + nbytes).buffer) as NDArray<D>["data"],
            c,
          );
          copyInto(sub, tmp);
        }
      } finally {
        M._free(ptr);
      }
    }
  }

  /**
   * Writes `block` into `region` of this dataset, in place (file opened with `mode: "a"`).
   * Unlike {@link createHdf5Dataset}, there is no temporary file: a failure leaves a partial write.
   */
  write(region: Region, block: NDArray): void {
    this.#checkOpen();
    if (this.file.mode !== "a") {
      throw new IoError(
        "closed",
        `Cannot write ${where(this.file.name, this.name)}: the file is open read-only. Open it with { mode: "a" }.`,
        { file: this.file.name, dataset: this.name },
      );
    }
    writeRegion(
      this.file.init.Module,
      this.file.fileId,
      this.name,
      this.file.name,
      this.shape,
      this.dtype,
      region,
      block,
    );
  }
}
