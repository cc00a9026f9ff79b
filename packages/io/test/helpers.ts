import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { cStrides, dtypes, NDArray, shapeSize } from "@chunked/core/internal";
import type { DType, Region } from "../src/types.js";

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../fixtures/io");

export interface Hdf5Case {
  file: string;
  dataset: string;
  shape?: number[];
  dtype?: DType;
  chunks?: number[] | null;
  direct?: "contiguous" | "btree-v1" | null;
  data_b64?: string;
  error?: string;
  read?: boolean;
  open?: { int64?: "float64" };
}

export interface ZarrCase {
  store: string;
  path: string;
  shape?: number[];
  dtype?: DType;
  chunks?: number[];
  data_b64?: string;
  zarr_format?: 2 | 3;
  attrs?: Record<string, unknown>;
  error?: string;
}

export const manifest: { hdf5: Hdf5Case[]; zarr: ZarrCase[] } = JSON.parse(
  fs.readFileSync(path.join(FIXTURES, "manifest.json"), "utf8"),
);

/** Decodes a manifest's base64 C-order little-endian bytes. */
export function decode(b64: string, dtype: DType, shape: readonly number[]): NDArray {
  const bytes = Buffer.from(b64, "base64");
  const Ctor = dtypes.DTYPE_INFO[dtype].ctor;
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new NDArray(dtype, new Ctor(copy.buffer, 0, shapeSize(shape)) as NDArray["data"], [...shape]);
}

/** The naive selection of a region from a C-contiguous array (reference for strided reads). */
export function select(a: NDArray, region: Region): NDArray {
  const shape = region.map(([s, e, st]) => (e <= s ? 0 : Math.ceil((e - s) / st)));
  const out = NDArray.zeros(a.dtype, shape);
  const strides = cStrides(a.shape);
  const n = shapeSize(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    let p = a.offset;
    for (let d = 0; d < shape.length; d++) p += (region[d][0] + idx[d] * region[d][2]) * strides[d];
    out.data[k] = a.data[p];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** Exact equality of dtype, shape and values (NaN equals NaN, -0 equals 0). */
export function expectSame(got: NDArray, want: NDArray, what = ""): void {
  const prefix = what ? `${what}: ` : "";
  if (got.dtype !== want.dtype) throw new Error(`${prefix}dtype ${got.dtype} != ${want.dtype}`);
  if (got.shape.join(",") !== want.shape.join(","))
    throw new Error(`${prefix}shape [${got.shape}] != [${want.shape}]`);
  const g = got.contiguous();
  const w = want.contiguous();
  for (let i = 0; i < g.size; i++) {
    const a = g.data[g.offset + i];
    const b = w.data[w.offset + i];
    if (!(a === b || (Number.isNaN(a) && Number.isNaN(b)))) {
      throw new Error(`${prefix}value ${i} differs: ${a} != ${b}`);
    }
  }
}

/** A fresh temporary directory, removed by `cleanup`. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chunked-io-"));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Deterministic test data of a dtype (a simple LCG; bool alternates irregularly). */
export function sample(dtype: DType, shape: readonly number[], seed = 1): NDArray {
  const out = NDArray.zeros(dtype, shape);
  let x = seed >>> 0;
  const info = dtypes.DTYPE_INFO[dtype];
  for (let i = 0; i < out.size; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const u = x / 2 ** 32;
    if (dtype === "bool") out.data[i] = u > 0.5 ? 1 : 0;
    else if (info.kind === "float") out.data[i] = (u - 0.5) * 1e3;
    else out.data[i] = Math.floor(info.min + u * (info.max - info.min + 1));
  }
  return out;
}

export const ALL_DTYPES: DType[] = [
  "bool",
  "int8",
  "uint8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "float32",
  "float64",
];

/** Blocks of a regular grid over `shape` (the regions `store` would write). */
export function blockRegions(shape: readonly number[], block: readonly number[]): Region[] {
  const axes = shape.map((n, d) => {
    const out: [number, number, number][] = [];
    for (let s = 0; s < n; s += block[d]) out.push([s, Math.min(n, s + block[d]), 1]);
    return out;
  });
  let regions: [number, number, number][][] = [[]];
  for (const a of axes) regions = regions.flatMap((r) => a.map((x) => [...r, x]));
  return regions;
}
