/**
 * Writing HDF5 through h5wasm: a new file is written as `<path>.partial` and renamed when finished.
 */
import { dtypes, NDArray, shapeSize } from "@chunked/core/internal";
import { causeText, IoError, where } from "../errors.js";
import { Mutex } from "../lock.js";
import { checkBlockShape, checkRegion, regionShape } from "../region.js";
import type { ArrayTarget, CompletableTarget, DType, Region } from "../types.js";
import { H5_WRITE_DTYPE, BOOL_ATTR } from "./dtype.js";
import {
  type H5File,
  type H5Group,
  type H5Module,
  type H5Wasm,
  MAX_SLAB_BYTES,
  normalizeName,
} from "./h5.js";

/** A C-contiguous copy (or `block` itself) with the target's dtype; bool keeps NumPy's `x != 0`. */
function asDType(block: NDArray, dtype: DType): NDArray {
  const c = block.contiguous();
  if (c.dtype === dtype || (dtypes.itemsize(c.dtype) === 1 && c.dtype !== "int8" && dtype === "uint8"))
    return c;
  const src = c.data.subarray(c.offset, c.offset + c.size);
  // NDArray.from converts across bigint (int64/uint64) and number storage.
  if (dtypes.is64BitInt(dtype) || dtypes.is64BitInt(c.dtype))
    return NDArray.from(src, { dtype, shape: c.shape });
  const out = NDArray.zeros(dtype, c.shape);
  const nums = src as ArrayLike<number>;
  if (dtype === "bool") {
    for (let i = 0; i < nums.length; i++) out.data[i] = nums[i] !== 0 ? 1 : 0;
  } else (out.data as Float64Array).set(nums);
  return out;
}

export function writeRegion(
  M: H5Module,
  fileId: bigint,
  name: string,
  file: string,
  shape: readonly number[],
  dtype: DType,
  region: Region,
  block: NDArray,
): void {
  checkRegion(region, shape, file, name);
  checkBlockShape(region, block.shape, file, name);
  const data = asDType(block, dtype);
  const count = regionShape(region);
  if (shapeSize(count) === 0) return;
  const s = dtypes.itemsize(dtype);
  const rank = count.length;
  const bytes = new Uint8Array(data.data.buffer, data.data.byteOffset + data.offset * s, data.size * s);
  const rowBytes = shapeSize(count.slice(1)) * s;
  const rowsPer = rank === 0 ? 1 : Math.max(1, Math.floor(MAX_SLAB_BYTES / rowBytes));
  const rows = rank === 0 ? 1 : count[0];
  for (let r0 = 0; r0 < rows; r0 += rowsPer) {
    const nrows = Math.min(rowsPer, rows - r0);
    const part = rank === 0 ? bytes : bytes.subarray(r0 * rowBytes, (r0 + nrows) * rowBytes);
    const ptr = M._malloc(part.byteLength);
    if (!ptr)
      throw new IoError(
        "write",
        `Out of wasm memory writing ${part.byteLength} bytes to ${where(file, name)}.`,
        { file, dataset: name },
      );
    try {
      M.HEAPU8.set(part, ptr);
      if (rank === 0) M.set_dataset_data(fileId, name, null, null, null, BigInt(ptr));
      else {
        const c = [nrows, ...count.slice(1)].map(BigInt);
        const st = [region[0][0] + r0 * region[0][2], ...region.slice(1).map((r) => r[0])].map(BigInt);
        M.set_dataset_data(
          fileId,
          name,
          c,
          st,
          region.map((r) => BigInt(r[2])),
          BigInt(ptr),
        );
      }
    } catch (err) {
      throw new IoError("write", `Cannot write ${where(file, name)}: ${causeText(err)}.`, {
        file,
        dataset: name,
        cause: err,
      });
    } finally {
      M._free(ptr);
    }
  }
}

/** Filesystem operations the writer needs (Node). @internal */
export interface WriterFiles {
  resolve(path: string): string;
  exists(path: string): boolean;
  rename(from: string, to: string): void;
  remove(path: string): void;
  copy(from: string, to: string): void;
}

/** Options of {@link Hdf5Writer.createDataset} and `createHdf5Dataset`. */
export interface Hdf5DatasetOptions<D extends DType = DType> {
  shape: readonly number[];
  dtype: D;
  /** Storage chunk shape (clipped to the shape). Default: C-order blocks of about 4 MiB. */
  chunks?: readonly number[];
  /** `"gzip"` (HDF5's deflate, readable everywhere) or `null`/absent for none. */
  compression?: "gzip" | null;
  /** gzip level 0-9 (h5py's `compression_opts`). Default 4. */
  compressionOpts?: number;
  /** Attributes to attach, e.g. `{ units: "K" }`. */
  attrs?: Record<string, string | number>;
}

/** Options of `createHdf5`. */
export interface Hdf5WriterOptions {
  /**
   * `"a"` (default, like dask's `to_hdf5`): new datasets are added to the existing file, if any.
   * `"w"`: the finished file replaces any existing one.
   */
  mode?: "a" | "w";
}

const ACTIVE = new Set<string>();

/** Default chunk shape: halve leading axes until a chunk is at most ~4 MiB. */
export function autoChunks(shape: readonly number[], itemsize: number, target = 4 * 1024 * 1024): number[] {
  const chunks = shape.map((n) => Math.max(1, n));
  for (let d = 0; d < chunks.length && shapeSize(chunks) * itemsize > target; d++) {
    while (chunks[d] > 1 && shapeSize(chunks) * itemsize > target) chunks[d] = Math.ceil(chunks[d] / 2);
  }
  return chunks;
}

/**
 * Writes one HDF5 file, dataset by dataset and block by block. All writes go through one lock
 * (HDF5 allows one writer per file), into `<path>.partial`; {@link Hdf5Writer.finish} closes it
 * and renames it to `path`, so a file at `path` is always complete. A crash or
 * {@link Hdf5Writer.abort} leaves at most a `.partial` file, never a half-written `path`.
 *
 * @example
 * ```ts
 * const w = await createHdf5("out.h5");
 * const x = await w.createDataset("/x", { shape: [100, 100], dtype: "float32", chunks: [10, 100] });
 * for (let i = 0; i < 100; i += 10) await x.write([[i, i + 10, 1], [0, 100, 1]], block(i));
 * await w.finish(); // out.h5 appears now
 * ```
 */
export class Hdf5Writer {
  /** The final path. */
  readonly path: string;
  /** Where the file is written until {@link Hdf5Writer.finish}. */
  readonly partialPath: string;
  readonly #M: H5Module;
  readonly #h5: H5File;
  readonly #files: WriterFiles;
  readonly #lock = new Mutex();
  #state: "open" | "finished" | "aborted" = "open";
  #failed: unknown;

  /** @internal Use `createHdf5`. */
  constructor(
    h5wasm: H5Wasm,
    M: H5Module,
    files: WriterFiles,
    path: string,
    options: Hdf5WriterOptions = {},
  ) {
    const abs = files.resolve(path);
    if (ACTIVE.has(abs)) {
      throw new IoError(
        "exists",
        `HDF5 file ${JSON.stringify(path)} is already being written in this thread. Finish that writer first.`,
        { file: path },
      );
    }
    this.path = path;
    this.partialPath = `${abs}.partial`;
    this.#M = M;
    this.#files = files;
    if (files.exists(this.partialPath)) files.remove(this.partialPath); // left over from a crash
    try {
      if ((options.mode ?? "a") === "a" && files.exists(abs)) {
        files.copy(abs, this.partialPath);
        this.#h5 = new h5wasm.File(this.partialPath, "a");
      } else {
        this.#h5 = new h5wasm.File(this.partialPath, "w");
      }
    } catch (err) {
      if (files.exists(this.partialPath)) files.remove(this.partialPath);
      throw new IoError("write", `Cannot create HDF5 file ${JSON.stringify(path)}: ${causeText(err)}.`, {
        file: path,
        cause: err,
      });
    }
    ACTIVE.add(abs);
  }

  #check(dataset?: string): void {
    if (this.#state !== "open") {
      throw new IoError(
        "closed",
        `Cannot write ${where(this.path, dataset)}: the writer is ${this.#state}.`,
        { file: this.path, dataset },
      );
    }
  }

  /**
   * Creates an empty chunked dataset (filled as blocks arrive) and returns its {@link ArrayTarget}.
   * Fails (`exists`) when the file already has a dataset there.
   */
  createDataset<D extends DType>(
    name: string,
    options: Hdf5DatasetOptions<D>,
  ): Promise<Hdf5DatasetTarget<D>> {
    return this.#lock.run(() => {
      const path = normalizeName(name);
      this.#check(path);
      const M = this.#M;
      const fileId = this.#h5.file_id;
      if (M.get_type(fileId, path) >= 0) {
        throw new IoError("exists", `${where(this.path, path)} already exists.`, {
          file: this.path,
          dataset: path,
        });
      }
      const { shape, dtype } = options;
      if (!(dtype in H5_WRITE_DTYPE)) {
        throw new IoError(
          "dtype",
          `Cannot write dtype ${JSON.stringify(dtype)} to ${where(this.path, path)}.`,
          { file: this.path, dataset: path },
        );
      }
      const parts = path.split("/").filter(Boolean);
      let group: H5Group = this.#h5;
      for (const part of parts.slice(0, -1)) {
        const next = group.get(part);
        group = (next ?? group.create_group(part)) as H5Group;
      }
      const leaf = parts[parts.length - 1];
      const Ctor = dtypes.DTYPE_INFO[dtype].ctor;
      try {
        if (shape.length === 0) {
          group.create_dataset({ name: leaf, data: new Ctor(1), shape: [], dtype: H5_WRITE_DTYPE[dtype] });
        } else {
          const s = dtypes.itemsize(dtype);
          const chunks = (options.chunks ?? autoChunks(shape, s)).map((c, d) =>
            Math.max(1, Math.min(c, shape[d] || 1)),
          );
          const ds = group.create_dataset({
            name: leaf,
            data: new Ctor(0),
            shape: shape.map(() => 0),
            // An empty extensible dataset, resized below: h5wasm cannot create one without data.
            maxshape: shape.map((n) => (n === 0 ? null : n)),
            chunks,
            dtype: H5_WRITE_DTYPE[dtype],
            ...(options.compression === "gzip"
              ? { compression: "gzip" as const, compression_opts: options.compressionOpts ?? 4 }
              : {}),
          });
          ds.resize([...shape]);
        }
        const ds = group.get(leaf) as InstanceType<H5Wasm["Dataset"]>;
        if (dtype === "bool") ds.create_attribute(BOOL_ATTR, "bool");
        for (const [k, v] of Object.entries(options.attrs ?? {})) ds.create_attribute(k, v);
      } catch (err) {
        throw new IoError("write", `Cannot create ${where(this.path, path)}: ${causeText(err)}.`, {
          file: this.path,
          dataset: path,
          cause: err,
        });
      }
      const meta = M.get_dataset_metadata(fileId, path);
      return new Hdf5DatasetTarget<D>(this, path, [...shape], dtype, meta.chunks ?? undefined);
    });
  }

  /** @internal Runs one write under the file's lock. */
  run<T>(dataset: string, fn: (M: H5Module, fileId: bigint) => T): Promise<T> {
    return this.#lock.run(() => {
      this.#check(dataset);
      try {
        return fn(this.#M, this.#h5.file_id);
      } catch (err) {
        this.#failed ??= err;
        throw err;
      }
    });
  }

  /** Resolves once every write queued so far is done. */
  flushed(): Promise<void> {
    return this.#lock.idle();
  }

  /**
   * Waits for queued writes, closes the file and renames `<path>.partial` to `path`. Fails
   * (`write`) if any write failed: then call {@link Hdf5Writer.abort}.
   */
  finish(): Promise<void> {
    return this.#lock.run(() => {
      if (this.#state === "finished") return; // store() finished it already
      this.#check();
      if (this.#failed !== undefined) {
        throw new IoError(
          "write",
          `Cannot finish HDF5 file ${JSON.stringify(this.path)}: a block failed to write (${causeText(this.#failed)}). Call abort().`,
          { file: this.path, cause: this.#failed },
        );
      }
      this.#state = "finished";
      ACTIVE.delete(this.#files.resolve(this.path));
      try {
        this.#h5.close();
        this.#files.rename(this.partialPath, this.#files.resolve(this.path));
      } catch (err) {
        if (this.#files.exists(this.partialPath)) this.#files.remove(this.partialPath);
        throw new IoError(
          "write",
          `Cannot finish HDF5 file ${JSON.stringify(this.path)}: ${causeText(err)}.`,
          { file: this.path, cause: err },
        );
      }
    });
  }

  /** Stops writing and deletes `<path>.partial`; `path` keeps its previous content (if any). */
  abort(): Promise<void> {
    return this.#lock.run(() => {
      if (this.#state !== "open") return;
      this.#state = "aborted";
      ACTIVE.delete(this.#files.resolve(this.path));
      try {
        this.#h5.close();
      } finally {
        if (this.#files.exists(this.partialPath)) this.#files.remove(this.partialPath);
      }
    });
  }
}

/**
 * A new HDF5 dataset being written: the {@link ArrayTarget} that `store` writes blocks into.
 * Writes are queued on the file's lock; `finish()` completes the file when the target owns it
 * (made by `createHdf5Dataset`), else waits for this file's queued writes.
 */
export class Hdf5DatasetTarget<D extends DType = DType> implements CompletableTarget<D> {
  readonly writer: Hdf5Writer;
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: D;
  readonly chunks?: readonly number[];
  /** @internal */
  ownsWriter = false;

  /** @internal */
  constructor(writer: Hdf5Writer, name: string, shape: number[], dtype: D, chunks?: number[]) {
    this.writer = writer;
    this.name = name;
    this.shape = shape;
    this.dtype = dtype;
    if (chunks) this.chunks = chunks;
  }

  /** Writes `block` into `region` (queued behind earlier writes to the same file). */
  async write(region: Region, block: NDArray): Promise<void> {
    // Validate before queueing, so a bad block fails at once rather than behind other writes.
    checkRegion(region, this.shape, this.writer.path, this.name);
    checkBlockShape(region, block.shape, this.writer.path, this.name);
    return this.writer.run(this.name, (M, fileId) =>
      writeRegion(M, fileId, this.name, this.writer.path, this.shape, this.dtype, region, block),
    );
  }

  /** Completes the file if this target owns its writer, else waits for queued writes. */
  finish(): Promise<void> {
    return this.ownsWriter ? this.writer.finish() : this.writer.flushed();
  }

  /** Abandons the file if this target owns its writer (the `.partial` file is deleted). */
  abort(): Promise<void> {
    return this.ownsWriter ? this.writer.abort() : Promise.resolve();
  }
}
