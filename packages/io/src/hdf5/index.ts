/**
 * HDF5 in Node through h5wasm's NODERAWFS build: files on the real filesystem are read lazily
 * (opening a 4 GB file reads only its metadata), and uncompressed data is read straight from the
 * file into each block's buffer. Browsers get `./browser.ts` through the `"browser"` export
 * condition.
 *
 * @example
 * ```ts
 * import { openHdf5Dataset, createHdf5Dataset } from "@chunked/io/hdf5";
 * const x = await openHdf5Dataset("data.h5", "/x");      // ArraySource for fromArray
 * const block = x.read([[0, 1000, 1], [0, 50, 1]]);
 * const out = await createHdf5Dataset("out.h5", "/y", { shape: x.shape, dtype: "float32", chunks: [1000, 50] });
 * await out.write([[0, 1000, 1], [0, 50, 1]], block);
 * await out.finish();                                      // out.h5 appears only now
 * ```
 * @module
 */
import fs from "node:fs";
import nodePath from "node:path";
import type { ChunkedArray, ChunkSpec } from "@chunked/core";
import { chunkedFrom, regularized, type WriteOptions } from "../chunked.js";
import { IoError } from "../errors.js";
import type { ArraySource, DType, Hdf5SourceDescriptor } from "../types.js";
import { loadInWorkers } from "../worker-module.js";
import { assertWritable } from "../writable.js";
import { type ByteReader, DirectSource } from "./direct.js";
import { type H5Wasm, h5ready } from "./h5.js";
import { type Hdf5Dataset, Hdf5File, type Hdf5OpenOptions } from "./read.js";
import {
  type Hdf5DatasetOptions,
  type Hdf5DatasetTarget,
  Hdf5Writer,
  type Hdf5WriterOptions,
  type WriterFiles,
} from "./write.js";

export { Hdf5Dataset, Hdf5File } from "./read.js";
export type { Hdf5OpenOptions } from "./read.js";
export { autoChunks, Hdf5DatasetTarget, Hdf5Writer } from "./write.js";
export type { Hdf5DatasetOptions, Hdf5WriterOptions } from "./write.js";

loadInWorkers();

let h5wasmModule: Promise<H5Wasm> | undefined;

/** h5wasm, loaded on first use: a worker that reads only through shipped layouts never loads it. */
function loadH5wasm(): Promise<H5Wasm> {
  h5wasmModule ??= import("h5wasm/node").then((m) => m.default);
  return h5wasmModule;
}

/** A file's version in tokens and descriptors: its size and modification time. */
function fileVersion(stat: fs.Stats): string {
  return `${stat.size}:${Math.round(stat.mtimeMs)}`;
}

function fileReader(path: string): ByteReader {
  const fd = fs.openSync(path, "r");
  const size = fs.fstatSync(fd).size;
  return {
    size,
    read(into, position) {
      let done = 0;
      while (done < into.byteLength) {
        const n = fs.readSync(fd, into, done, into.byteLength - done, position + done);
        if (n === 0) {
          throw new IoError(
            "corrupt",
            `HDF5 file ${JSON.stringify(path)} is truncated: needed ${into.byteLength} bytes at offset ${position}, file size ${size}.`,
            { file: path },
          );
        }
        done += n;
      }
    },
    close() {
      fs.closeSync(fd);
    },
  };
}

const files: WriterFiles = {
  resolve: (p) => nodePath.resolve(p),
  exists: (p) => fs.existsSync(p),
  rename: (a, b) => fs.renameSync(a, b),
  remove: (p) => fs.rmSync(p, { force: true }),
  copy: (a, b) => fs.copyFileSync(a, b),
};

/**
 * Opens an HDF5 file on the local filesystem (lazily: nothing but metadata is read).
 * Throws an {@link IoError}: `not-found` for a missing file, `corrupt` for one HDF5 cannot open
 * (not HDF5, truncated).
 *
 * @example
 * ```ts
 * const f = await openHdf5("weather.h5");
 * const t2m = f.get("/t2m");
 * console.log(t2m.shape, t2m.dtype, t2m.chunks);
 * f.close();
 * ```
 * @see h5py.File
 */
export async function openHdf5(path: string, options: Hdf5OpenOptions = {}): Promise<Hdf5File> {
  const h5wasm = await loadH5wasm();
  const Module = await h5ready(h5wasm);
  const abs = nodePath.resolve(path);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch (err) {
    throw new IoError("not-found", `HDF5 file ${JSON.stringify(path)} does not exist.`, {
      file: path,
      cause: err,
    });
  }
  if (!stat.isFile())
    throw new IoError("not-found", `HDF5 path ${JSON.stringify(path)} is not a file.`, { file: path });
  return new Hdf5File({
    h5wasm,
    Module,
    fsPath: abs,
    name: path,
    token: `hdf5:${abs}:${fileVersion(stat)}`,
    descriptor: { kind: "hdf5", path: abs, version: fileVersion(stat) },
    bytes: () => fileReader(abs),
    options,
  });
}

/**
 * Opens one dataset of an HDF5 file: the {@link ArraySource} that `fromArray` reads.
 * Closing the dataset's `file` releases the handle.
 *
 * @example
 * ```ts
 * const x = await openHdf5Dataset("data.h5", "/x");
 * x.shape; x.dtype; x.chunks; // [1000, 2000], "float32", [100, 2000]
 * const top = x.read([[0, 10, 1], [0, 2000, 1]]);
 * x.file.close();
 * ```
 */
export async function openHdf5Dataset(
  path: string,
  dataset: string,
  options: Hdf5OpenOptions = {},
): Promise<Hdf5Dataset> {
  const file = await openHdf5(path, options);
  try {
    return file.get(dataset);
  } catch (err) {
    file.close();
    throw err;
  }
}

/**
 * Starts writing an HDF5 file into `<path>.partial`; `finish()` renames it to `path`.
 * Several datasets can be created in one file; all writes are serialised.
 *
 * @example
 * ```ts
 * const w = await createHdf5("out.h5", { mode: "w" });
 * const x = await w.createDataset("/x", { shape: [1000], dtype: "float64", chunks: [100] });
 * const y = await w.createDataset("/g/y", { shape: [10, 10], dtype: "int16", compression: "gzip" });
 * // ... await x.write(region, block) for every block ...
 * await w.finish();
 * ```
 * @see dask.array.to_hdf5
 */
export async function createHdf5(path: string, options: Hdf5WriterOptions = {}): Promise<Hdf5Writer> {
  assertWritable(path, "HDF5 file");
  const h5wasm = await loadH5wasm();
  const Module = await h5ready(h5wasm);
  return new Hdf5Writer(h5wasm, Module, files, path, options);
}

/**
 * Creates one chunked dataset in a new `<path>.partial` file (added to a copy of `path` if it
 * exists, like `to_hdf5`'s mode "a") and returns the target `store` writes into; its `finish()`
 * completes the file (rename to `path`), `abort()` deletes the partial file.
 *
 * @example
 * ```ts
 * const t = await createHdf5Dataset("out.h5", "/x", { shape: [100, 100], dtype: "float32", chunks: [10, 100] });
 * for (let i = 0; i < 100; i += 10) await t.write([[i, i + 10, 1], [0, 100, 1]], blocks[i / 10]);
 * await t.finish();
 * ```
 * @see dask.array.to_hdf5
 */
export async function createHdf5Dataset<D extends DType>(
  path: string,
  name: string,
  options: Hdf5DatasetOptions<D> & Hdf5WriterOptions,
): Promise<Hdf5DatasetTarget<D>> {
  const writer = await createHdf5(path, { mode: options.mode ?? "a" });
  try {
    const target = await writer.createDataset(name, options);
    target.ownsWriter = true;
    return target;
  } catch (err) {
    await writer.abort();
    throw err;
  }
}

/**
 * Reopens a dataset from its descriptor (the `hdf5` entry of the format table in
 * `../open-source.ts`; core caches the result per thread): with the layout it carries when the
 * file is the version it was found in (no h5wasm), else through h5wasm.
 * @internal
 */
export async function openDescriptor(d: Hdf5SourceDescriptor): Promise<ArraySource> {
  if (!d.path) {
    throw new IoError(
      "not-found",
      "This HDF5 source was opened in a browser (File or URL); reopen it with @chunked/io/hdf5/browser.",
    );
  }
  if (d.direct && d.version !== undefined) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(d.path);
    } catch {}
    if (stat && fileVersion(stat) === d.version) return new DirectSource(d, fileReader(d.path));
  }
  return openHdf5Dataset(d.path, d.dataset, { int64: d.int64 });
}

/**
 * A chunked array over one dataset of an HDF5 file (dask's `from_array(h5py_dataset)`): chunks
 * default to the dataset's storage chunks, grown to about 128 MiB. Nothing is read until compute.
 *
 * @example
 * ```ts
 * const x = await fromHdf5("datasets/random.hdf5", "/x", { chunks: [1_000_000] });
 * const total = await x.sum().compute();
 * ```
 * @see dask.array.from_array
 */
export async function fromHdf5(
  path: string,
  dataset: string,
  options: Hdf5OpenOptions & { chunks?: ChunkSpec } = {},
): Promise<ChunkedArray> {
  return chunkedFrom(await openHdf5Dataset(path, dataset, options), options.chunks);
}

/**
 * Computes arrays and writes them as datasets of one HDF5 file, block by block (dask's `to_hdf5`).
 * The file appears under `path` only when every block is written (until then it is
 * `<path>.partial`); a failure removes the partial file.
 *
 * @example
 * ```ts
 * await toHdf5("out.h5", { "/mean": x.mean({ axis: 0 }), "/half": x.at`::2` }, { compression: "gzip" });
 * ```
 * @see dask.array.to_hdf5
 */
export async function toHdf5(
  path: string,
  datasets: Readonly<Record<string, ChunkedArray>>,
  options: WriteOptions & Hdf5WriterOptions & { compression?: Hdf5DatasetOptions["compression"] } = {},
): Promise<void> {
  const writer = await createHdf5(path, { mode: options.mode ?? "a" });
  try {
    const arrays = Object.values(datasets).map(regularized);
    const targets = [];
    for (const [i, name] of Object.keys(datasets).entries()) {
      const x = arrays[i];
      targets.push(
        await writer.createDataset(name, {
          shape: x.shape,
          dtype: x.dtype,
          chunks: x.chunksize.map((c) => Math.max(1, c)),
          compression: options.compression,
        }),
      );
    }
    const { store } = await import("@chunked/core");
    await store(arrays, targets, { ...options, lock: true });
    await writer.finish();
  } catch (err) {
    await writer.abort();
    throw err;
  }
}

export type { ByteReader } from "./direct.js";
