/**
 * HDF5 and Zarr outputs of the prep script, written through `@chunked/io`'s writers
 * (`createHdf5Dataset`, `createZarr`): the same code paths the library's `store` uses.
 *
 * What the prep script adds on top:
 * - everything goes to `<path>.partial` and is renamed onto `<path>` only after the last byte is
 *   written (io's HDF5 writer does so itself; a Zarr copy is written into `<dir>.partial` and the
 *   directory renamed), so an interrupted run never leaves an output that looks done;
 * - a completeness marker (an attribute `chunked_prep` holding the generator's parameters as JSON:
 *   on the HDF5 dataset, on the Zarr group) lets a later run keep a complete output
 *   ({@link checkExisting}) and rewrite one made with other parameters.
 * @module
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { NDArray } from "@chunked/core/internal";
import type { Region } from "@chunked/io";

/** The dtypes the prep script writes. */
export type PrepDType = "float32" | "float64";

/** Name of the attribute that marks a dataset (HDF5) or group (Zarr) as completely written. */
export const MARKER_ATTR = "chunked_prep";

export type { Region };

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

/**
 * Compression of Zarr chunks (HDF5 is always uncompressed: h5py opens it without plugins).
 * `"blosc"` is blosc's lz4 after a byte shuffle (the Zarr v3 core codec, as zarr-python writes it):
 * grouping the float32s' exponent and high mantissa bytes makes the course's weather 26 MB under
 * zstd alone but 19 MB under blosc, and it decodes faster.
 */
export type ZarrCompression = "zstd" | "blosc" | "none";

/** The output formats. */
export type Format = "hdf5" | "zarr";

/** The path written while a target is incomplete. */
export function partialPath(path: string): string {
  return `${path}.partial`;
}

function markerJson(spec: DatasetSpec): string {
  return JSON.stringify(spec.marker);
}

/**
 * Creates `<file>.partial` (replacing any leftover) with an empty chunked dataset of the spec,
 * its attributes and the marker; `finish` closes it and renames it onto `file`.
 */
export async function createHdf5Target(file: string, spec: DatasetSpec): Promise<PrepTarget> {
  const { createHdf5Dataset } = await import("@chunked/io/hdf5");
  mkdirSync(dirname(file), { recursive: true });
  const t = await createHdf5Dataset(file, spec.name, {
    shape: spec.shape,
    dtype: spec.dtype,
    chunks: spec.chunks,
    attrs: { ...spec.attrs, [MARKER_ATTR]: markerJson(spec) },
    mode: "w",
  });
  return {
    path: file,
    write: (region, block) => t.write(region, block),
    finish: () => t.finish(),
    abort: () => t.abort(),
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
  const { createZarr } = await import("@chunked/io/zarr");
  const tmp = partialPath(dir);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const t = await createZarr(tmp, {
    path: spec.name,
    shape: spec.shape,
    dtype: spec.dtype,
    chunks: spec.chunks,
    compressor: compression === "none" ? null : compression,
    // zstd 1: ~1.2x smaller float64 noise at several times level 3's speed; blosc: io's default (5).
    ...(compression === "zstd" ? { level: 1 } : {}),
    zarrFormat: 3,
    fillValue: 0,
    attributes: { ...spec.attrs },
  });
  let open = true;
  return {
    path: dir,
    write: (region, block) => t.write(region, block),
    async finish() {
      if (!open) return;
      open = false;
      await t.finish();
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
  const { openHdf5 } = await import("@chunked/io/hdf5");
  const f = await openHdf5(path);
  try {
    if (!f.datasets().includes(spec.name)) return { state: "stale", why: `no dataset ${spec.name}` };
    const d = f.get(spec.name);
    if (!same(d.shape, spec.shape)) return { state: "stale", why: `shape ${JSON.stringify(d.shape)}` };
    if (d.dtype !== spec.dtype) return { state: "stale", why: `dtype ${d.dtype}` };
    if (!same(d.chunks, spec.chunks))
      return { state: "stale", why: `chunks ${JSON.stringify(d.chunks ?? null)}` };
    const marker = d.attrs()[MARKER_ATTR];
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
  const codec = (meta.codecs ?? []).find((c: { name?: string }) => c.name !== "bytes")?.name ?? "none";
  if (codec !== compression) return { state: "stale", why: `compression is ${codec}, not ${compression}` };
  if (marker !== markerJson(spec)) return { state: "stale", why: `made with other parameters ${marker}` };
  return { state: "complete" };
}

/** Removes the partial copy of an output (file or directory), if any. */
export function removePartial(path: string): void {
  rmSync(partialPath(path), { recursive: true, force: true });
}
