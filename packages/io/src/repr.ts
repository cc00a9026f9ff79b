/**
 * Reprs of datasets, in the forms h5py and zarr-python print, so a NumPy user recognises them:
 * `<HDF5 dataset "x": shape (100, 200), type "<f4">` and `<zarr.core.Array '/x' (100, 200) float32 read-only>`.
 * @module
 */
import type { H5TypeInfo } from "./hdf5/dtype.js";

const H5T_ENUM = 8;
const H5T_FLOAT = 1;

/** A shape as Python prints a tuple: `()`, `(5,)`, `(3, 4)`. */
export function pyTuple(shape: readonly number[]): string {
  return `(${shape.join(", ")}${shape.length === 1 ? "," : ""})`;
}

/** NumPy's type string of an HDF5 type as stored in the file (`"<f4"`, `">i2"`, `"|u1"`, `"|b1"`). */
function h5TypeString(t: H5TypeInfo): string {
  const order = t.size === 1 ? "|" : t.littleEndian ? "<" : ">";
  const kind = t.type === H5T_ENUM ? "b" : t.type === H5T_FLOAT ? "f" : t.signed ? "i" : "u";
  return `${order}${kind}${t.size}`;
}

/** h5py's repr of a dataset: its last path component, shape and the file's type. */
export function hdf5DatasetRepr(path: string, shape: readonly number[], type: H5TypeInfo): string {
  const name = path.slice(path.lastIndexOf("/") + 1) || "/";
  return `<HDF5 dataset ${JSON.stringify(name)}: shape ${pyTuple(shape)}, type "${h5TypeString(type)}">`;
}

/**
 * zarr-python's (v2) repr of an array opened for reading: its path in the store, shape and dtype.
 */
export function zarrArrayRepr(path: string, shape: readonly number[], dtype: string): string {
  return `<zarr.core.Array '${path}' ${pyTuple(shape)} ${dtype} read-only>`;
}
