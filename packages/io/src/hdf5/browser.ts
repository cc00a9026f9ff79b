/**
 * HDF5 in the browser through h5wasm's web build (no NODERAWFS). Run it in a Web Worker: a
 * `File` is mounted with WORKERFS (random access with `FileReaderSync`, no full copy) and a URL
 * is read lazily with synchronous range requests; both need a worker. In-memory bytes also work
 * on the main thread (and in Node, which is how the tests exercise this entry).
 *
 * @example
 * ```ts
 * // inside a module Web Worker
 * import { openHdf5Dataset } from "@chunked/io/hdf5"; // resolves here via the "browser" condition
 * self.onmessage = async ({ data: file }) => {
 *   const x = await openHdf5Dataset(file, "/x"); // file: a File from <input type=file>
 *   postMessage(x.read([[0, 10, 1]]).data);
 * };
 * ```
 * @module
 */
import h5wasm from "h5wasm";
import { IoError } from "../errors.js";
import type { Hdf5SourceDescriptor } from "../types.js";
import { loadInWorkers } from "../worker-module.js";
import type { ByteReader } from "./direct.js";
import { h5ready } from "./h5.js";
import { type Hdf5Dataset, Hdf5File, type Hdf5OpenOptions } from "./read.js";

export { Hdf5Dataset, Hdf5File } from "./read.js";
export type { Hdf5OpenOptions } from "./read.js";

loadInWorkers();

/** What the browser entry opens: a URL (lazy HTTP range reads), a `File`/`Blob`, or bytes. */
export type Hdf5Input = string | Blob | Uint8Array;

let counter = 0;

interface EmscriptenFS {
  mkdir(path: string): void;
  mount(type: unknown, opts: unknown, mountpoint: string): { mount: unknown };
  unmount(mountpoint: string): void;
  writeFile(path: string, data: Uint8Array): void;
  unlink(path: string): void;
  rmdir(path: string): void;
  createLazyFile(parent: string, name: string, url: string, canRead: boolean, canWrite: boolean): unknown;
  filesystems: {
    WORKERFS: {
      createNode(parent: unknown, name: string, mode: number, dev: number, contents: Blob): unknown;
      FILE_MODE: number;
    };
  };
}

function bufferReader(bytes: Uint8Array, name: string): ByteReader {
  return {
    size: bytes.byteLength,
    read(into, position) {
      if (position + into.byteLength > bytes.byteLength) {
        throw new IoError(
          "corrupt",
          `HDF5 data ${JSON.stringify(name)} is truncated at offset ${position}.`,
          { file: name },
        );
      }
      into.set(bytes.subarray(position, position + into.byteLength));
    },
    close() {},
  };
}

function blobReader(blob: Blob, name: string): ByteReader | undefined {
  const FRS = (globalThis as { FileReaderSync?: new () => { readAsArrayBuffer(b: Blob): ArrayBuffer } })
    .FileReaderSync;
  if (!FRS) return undefined; // main thread or Node: no synchronous Blob reads, use h5wasm only
  const reader = new FRS();
  return {
    size: blob.size,
    read(into, position) {
      const got = new Uint8Array(reader.readAsArrayBuffer(blob.slice(position, position + into.byteLength)));
      if (got.byteLength !== into.byteLength) {
        throw new IoError(
          "corrupt",
          `HDF5 file ${JSON.stringify(name)} is truncated at offset ${position}.`,
          { file: name },
        );
      }
      into.set(got);
    },
    close() {},
  };
}

/**
 * Opens an HDF5 file in the browser: a URL (read lazily with HTTP range requests; the server
 * must answer `HEAD` with `Accept-Ranges: bytes`), a `File`/`Blob` (WORKERFS), or bytes.
 * URLs and Files need a Web Worker (synchronous XHR / `FileReaderSync`).
 *
 * @example
 * ```ts
 * const f = await openHdf5("/data/weather.h5"); // lazily, over HTTP
 * const t2m = f.get("/t2m");
 * ```
 */
export async function openHdf5(input: Hdf5Input, options: Hdf5OpenOptions = {}): Promise<Hdf5File> {
  if ((options.mode ?? "r") !== "r")
    throw new IoError("closed", "The browser build of @chunked/io/hdf5 opens files read-only.");
  const Module = await h5ready(h5wasm);
  const FS = Module.FS as unknown as EmscriptenFS;
  const dir = `/chunked-${++counter}`;
  FS.mkdir(dir);
  if (input instanceof Uint8Array) {
    const name = `bytes-${counter}.h5`;
    FS.writeFile(`${dir}/f.h5`, input);
    return new Hdf5File({
      h5wasm,
      Module,
      fsPath: `${dir}/f.h5`,
      name,
      token: `hdf5:${name}:${input.byteLength}`,
      bytes: () => bufferReader(input, name),
      options,
      onClose: () => {
        FS.unlink(`${dir}/f.h5`);
        FS.rmdir(dir);
      },
    });
  }
  if (typeof input === "string") {
    FS.createLazyFile(dir, "f.h5", input, true, false);
    return new Hdf5File({
      h5wasm,
      Module,
      fsPath: `${dir}/f.h5`,
      name: input,
      token: `hdf5:${input}`,
      descriptor: { kind: "hdf5", url: input },
      options,
      onClose: () => {
        FS.unlink(`${dir}/f.h5`);
        FS.rmdir(dir);
      },
    });
  }
  const file = input as Blob & { name?: string; lastModified?: number };
  const name = file.name ?? `blob-${counter}.h5`;
  const WORKERFS = (Module.FS as unknown as { filesystems: { WORKERFS: unknown } }).filesystems.WORKERFS;
  const root = FS.mount(WORKERFS, {}, dir);
  FS.filesystems.WORKERFS.createNode(root, "f.h5", FS.filesystems.WORKERFS.FILE_MODE, 0, file);
  return new Hdf5File({
    h5wasm,
    Module,
    fsPath: `${dir}/f.h5`,
    name,
    token: `hdf5:blob:${name}:${file.size}:${file.lastModified ?? 0}`,
    descriptor: { kind: "hdf5", file },
    bytes: () => blobReader(file, name),
    options,
    onClose: () => FS.unmount(dir),
  });
}

/**
 * Opens one dataset (see {@link openHdf5} for the inputs).
 *
 * @example
 * ```ts
 * const x = await openHdf5Dataset(file, "/x");
 * const first = x.read([[0, 100, 1]]);
 * ```
 */
export async function openHdf5Dataset(
  input: Hdf5Input,
  dataset: string,
  options: Hdf5OpenOptions = {},
): Promise<Hdf5Dataset> {
  const file = await openHdf5(input, options);
  try {
    return file.get(dataset);
  } catch (err) {
    file.close();
    throw err;
  }
}

/**
 * Reopens a dataset from its descriptor (the `hdf5` entry of the format table in
 * `../open-source.ts`; core caches the result per thread).
 * @internal
 */
export async function openDescriptor(d: Hdf5SourceDescriptor): Promise<Hdf5Dataset> {
  const input = d.file ?? d.url;
  if (!input) {
    throw new IoError(
      "not-found",
      `HDF5 path ${JSON.stringify(d.path)} is on a Node filesystem; use @chunked/io/hdf5 in Node.`,
    );
  }
  return openHdf5Dataset(input, d.dataset, { int64: d.int64 });
}
