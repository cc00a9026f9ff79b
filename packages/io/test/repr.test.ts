/**
 * Datasets print as h5py and zarr-python print them. The expected strings are what h5py 3 and
 * zarr 2 (Debian's python3-h5py, python3-zarr) print for the same fixture files.
 */
import { inspect } from "node:util";
import path from "node:path";
import { afterAll, expect, test } from "vitest";
import { openHdf5 } from "../src/hdf5/index.js";
import { openZarr } from "../src/zarr/index.js";
import { FIXTURES } from "./helpers.js";

const h5 = await openHdf5(path.join(FIXTURES, "h5py_basic.h5"));
afterAll(() => h5.close());

test.each([
  ["/contig_f32", '<HDF5 dataset "contig_f32": shape (2000,), type "<f4">'],
  ["/big_endian_u32", '<HDF5 dataset "big_endian_u32": shape (5, 7), type ">u4">'],
  ["/bool_2d", '<HDF5 dataset "bool_2d": shape (9, 11), type "|b1">'],
  ["/chunked_u8", '<HDF5 dataset "chunked_u8": shape (500,), type "|u1">'],
  ["/group/nested_f64", '<HDF5 dataset "nested_f64": shape (2, 3, 4), type "<f8">'],
  ["/scalar_f64", '<HDF5 dataset "scalar_f64": shape (), type "<f8">'],
])("HDF5 %s prints as h5py does", (name, expected) => {
  const d = h5.get(name);
  expect(String(d)).toBe(expected);
  expect(`${d}`).toBe(expected);
  expect(inspect(d)).toBe(expected);
});

test("a dataset of a closed file says so, as h5py does", async () => {
  const f = await openHdf5(path.join(FIXTURES, "h5py_basic.h5"));
  const d = f.get("/contig_f32");
  f.close();
  expect(String(d)).toBe("<Closed HDF5 dataset>");
});

test.each([
  ["zarr_v2.zarr", "/f32_blosc", "<zarr.core.Array '/f32_blosc' (30, 20) float32 read-only>"],
  ["zarr_v2.zarr", "/g/f64_nested", "<zarr.core.Array '/g/f64_nested' (7, 11) float64 read-only>"],
  ["zarr_v2.zarr", "/bool_raw", "<zarr.core.Array '/bool_raw' (4, 5, 6) bool read-only>"],
])("Zarr %s %s prints as zarr-python does", async (store, name, expected) => {
  const z = await openZarr(path.join(FIXTURES, store), { path: name });
  expect(String(z)).toBe(expected);
  expect(inspect(z)).toBe(expected);
});
