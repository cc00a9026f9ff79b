/**
 * HDF5 and Zarr writers for the prep script, with h5wasm and zarrita directly.
 *
 * Stand-in for `@chunked/io`'s writers (`createHdf5Dataset` / `createZarr`), which were not
 * there when this was written; the {@link PrepTarget} shape mirrors theirs (`write(region, block)`
 * then finish) so switching is local to this file. What the prep script adds on top:
 * - everything goes to `<path>.partial` and is renamed onto `<path>` only after the last byte and
 *   the completeness marker are written, so an interrupted run never leaves a file that looks done;
 * - the marker (an attribute `chunked_prep` holding the generator's parameters as JSON) lets a
 *   later run keep a complete file ({@link checkExisting}).
 * @module
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { NDArray } from "@chunked/core/internal";
import type { File as H5File } from "h5wasm/node";

/** The dtypes the prep script writes. */
export type PrepDType = "float32" | "float64";

/** `[start, stop, step]` per axis, as `@chunked/io`'s `Region` (step is always 1 here). */
export type Region = readonly (readonly [number, number, number])[];

/** Name of the attribute that marks a dataset (HDF5) or group (Zarr) as completely written. */
export const MARKER_ATTR = "chunked_prep";

/** What one output dataset looks like. */
export interface DatasetSpec {
  /** Path of the dataset inside the file or Zarr group, e.g. `"/x"`. */
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: PrepDType;
  readonly chunks: readonly number[];
  /** Descriptive attributes (units, date ...). */
  readonly attrs: Readonly<Record<string, string | number>>;
  /** Generator parameters; a file whose marker differs is rewritten. */
  readonly marker: Readonly<Record<string, string | number>>;
}

/** An output being written: blocks in, then `finish` (marker + rename) or `abort` (delete). */
export interface PrepTarget {
  /** The final path (file or Zarr directory). */
  readonly path: string;
  write(region: Region, block: NDArray): void | Promise<void>;
  finish(): Promise<void>;
  abort(): Promise<void>;
}

/** Compression of Zarr chunks (HDF5 is always uncompressed: h5py opens it without plugins). */
export type ZarrCompression = "zstd" | "none";

/** The output formats. */
export type Format = "hdf5" | "zarr";

const H5_DTYPE: Record<PrepDType, string> = { float32: "<f", float64: "<d" };

type H5wasm = typeof import("h5wasm/node").default;
let h5ready: Promise<H5wasm> | undefined;

/**
 * Loads h5wasm once, on first use (so `--help` and flag errors answer at once); HDF5 errors
 * throw instead of printing and returning garbage.
 */
export function loadH5wasm(): Promise<H5wasm> {
  h5ready ??= import("h5wasm/node").then(async ({ default: h5 }) => {
    (await h5.ready).activate_throwing_error_handler();
    return h5;
  });
  return h5ready;
}

/** The path written while a target is incomplete. */
export function partialPath(path: string): string {
  return `${path}.partial`;
}

function markerJson(spec: DatasetSpec): string {
  return JSON.stringify(spec.marker);
}

/**
 * Creates `<file>.partial` (replacing any leftover) with an empty chunked dataset of the spec.
 * `finish` writes the attributes and marker, closes, and renames onto `file`.
 */
export async function createHdf5Target(file: string, spec: DatasetSpec): Promise<PrepTarget> {
  const h5 = await loadH5wasm();
  const tmp = partialPath(file);
  mkdirSync(dirname(file), { recursive: true });
  rmSync(tmp, { force: true });
  let f: H5File | undefined = new h5.File(tmp, "w");
  // h5wasm's create_dataset needs data: create it empty and extensible, then grow it to size.
  const empty = spec.dtype === "float32" ? new Float32Array(0) : new Float64Array(0);
  const d = f.create_dataset({
    name: spec.name,
    data: empty,
    shape: spec.shape.map((n, i) => (i === 0 ? 0 : n)),
    maxshape: [...spec.shape],
    chunks: [...spec.chunks],
    dtype: H5_DTYPE[spec.dtype],
  });
  d.resize([...spec.shape]);
  return {
    path: file,
    write(region, block) {
      d.write_slice(
        region.map(([a, b]) => [a, b]),
        block.contiguous().data,
      );
    },
    async finish() {
      if (!f) return;
      for (const [k, v] of Object.entries(spec.attrs)) d.create_attribute(k, v);
      d.create_attribute(MARKER_ATTR, markerJson(spec));
      f.close();
      f = undefined;
      renameSync(tmp, file);
    },
    async abort() {
      try {
        f?.close();
      } catch {
        // closing a file whose last write failed may fail too; the file is deleted anyway
      }
      f = undefined;
      rmSync(tmp, { force: true });
    },
  };
}

/**
 * Creates `<dir>.partial`, a Zarr v3 group holding one array at `spec.name`, one object per
 * chunk. `finish` writes the group's `zarr.json` with the marker and renames onto `dir`.
 */
export async function createZarrTarget(
  dir: string,
  spec: DatasetSpec,
  compression: ZarrCompression,
): Promise<PrepTarget> {
  const tmp = partialPath(dir);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const zarr = await import("zarrita");
  const { default: FileSystemStore } = await import("@zarrita/storage/fs");
  const store = new FileSystemStore(tmp);
  const codecs = [{ name: "bytes", configuration: { endian: "little" } }];
  if (compression === "zstd")
    codecs.push({ name: "zstd", configuration: { level: 1, checksum: false } } as never);
  const arr = await zarr.create(zarr.root(store).resolve(spec.name.replace(/^\//, "")), {
    shape: [...spec.shape],
    chunkShape: [...spec.chunks],
    dtype: spec.dtype,
    fillValue: 0,
    codecs,
    attributes: { ...spec.attrs },
  });
  let open = true;
  return {
    path: dir,
    async write(region, block) {
      const b = block.contiguous();
      await zarr.set(
        arr,
        region.map(([a, e]) => zarr.slice(a, e)),
        { data: b.data as Float32Array | Float64Array, shape: [...b.shape], stride: [...b.strides] },
      );
    },
    async finish() {
      if (!open) return;
      open = false;
      writeGroupJson(tmp, { [MARKER_ATTR]: markerJson(spec) });
      // rename() cannot replace a non-empty directory: drop the old copy (--force, stale) first.
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    },
    async abort() {
      open = false;
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** Writes a Zarr v3 group's `zarr.json` into `dir` (created if needed). */
export function writeGroupJson(dir: string, attributes: Record<string, unknown>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "zarr.json"),
    `${JSON.stringify({ zarr_format: 3, node_type: "group", attributes }, null, 2)}\n`,
  );
}

/** Creates a target of the given format at `path`. */
export function createTarget(
  format: Format,
  path: string,
  spec: DatasetSpec,
  compression: ZarrCompression,
): Promise<PrepTarget> {
  return format === "hdf5" ? createHdf5Target(path, spec) : createZarrTarget(path, spec, compression);
}

/** Whether an output already exists, complete and as asked for. */
export type Existing = { state: "missing" } | { state: "complete" } | { state: "stale"; why: string };

const same = (a: readonly number[] | null | undefined, b: readonly number[]) =>
  !!a && a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Checks an existing output: kept only if it has the spec's shape, dtype and chunks and carries
 * the completeness marker with the same generator parameters.
 */
export async function checkExisting(
  format: Format,
  path: string,
  spec: DatasetSpec,
  compression: ZarrCompression = "zstd",
): Promise<Existing> {
  if (!existsSync(path)) return { state: "missing" };
  try {
    if (format === "hdf5") return await checkHdf5(path, spec);
    return checkZarr(path, spec, compression);
  } catch (err) {
    return { state: "stale", why: `unreadable (${(err as Error).message.split("\n")[0]})` };
  }
}

async function checkHdf5(path: string, spec: DatasetSpec): Promise<Existing> {
  const h5 = await loadH5wasm();
  const f = new h5.File(path, "r");
  try {
    const d = f.get(spec.name);
    if (!(d instanceof h5.Dataset)) return { state: "stale", why: `no dataset ${spec.name}` };
    const m = d.metadata;
    const dtype =
      m.type === 1 && m.littleEndian ? ({ 4: "float32", 8: "float64" } as const)[m.size] : undefined;
    if (!same(m.shape, spec.shape)) return { state: "stale", why: `shape ${JSON.stringify(m.shape)}` };
    if (dtype !== spec.dtype) return { state: "stale", why: `dtype is not ${spec.dtype}` };
    if (!same(m.chunks, spec.chunks)) return { state: "stale", why: `chunks ${JSON.stringify(m.chunks)}` };
    const marker = MARKER_ATTR in d.attrs ? d.get_attribute(MARKER_ATTR, true) : undefined;
    if (marker === undefined) return { state: "stale", why: "no completeness marker" };
    if (marker !== markerJson(spec)) return { state: "stale", why: `made with other parameters ${marker}` };
    return { state: "complete" };
  } finally {
    f.close();
  }
}

function checkZarr(dir: string, spec: DatasetSpec, compression: ZarrCompression): Existing {
  const group = JSON.parse(readFileSync(join(dir, "zarr.json"), "utf8"));
  const marker = group?.attributes?.[MARKER_ATTR];
  if (marker === undefined) return { state: "stale", why: "no completeness marker" };
  const meta = JSON.parse(readFileSync(join(dir, spec.name.replace(/^\//, ""), "zarr.json"), "utf8"));
  if (!same(meta.shape, spec.shape)) return { state: "stale", why: `shape ${JSON.stringify(meta.shape)}` };
  if (meta.data_type !== spec.dtype) return { state: "stale", why: `dtype ${meta.data_type}` };
  const chunks = meta.chunk_grid?.configuration?.chunk_shape;
  if (!same(chunks, spec.chunks)) return { state: "stale", why: `chunks ${JSON.stringify(chunks)}` };
  const zstd = (meta.codecs ?? []).some((c: { name?: string }) => c.name === "zstd");
  if (zstd !== (compression === "zstd")) return { state: "stale", why: `compression is not ${compression}` };
  if (marker !== markerJson(spec)) return { state: "stale", why: `made with other parameters ${marker}` };
  return { state: "complete" };
}

/** Removes an output (file or directory) and its partial copy. */
export function removeOutput(path: string): void {
  rmSync(path, { recursive: true, force: true });
  rmSync(partialPath(path), { recursive: true, force: true });
}
