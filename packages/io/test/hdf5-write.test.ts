import fs from "node:fs";
import path from "node:path";
import { NDArray } from "@chunked/core/internal";
import { afterAll, describe, expect, test } from "vitest";
import { createHdf5, createHdf5Dataset, openHdf5, openHdf5Dataset } from "../src/hdf5/index.js";
import type { DType } from "../src/types.js";
import { ALL_DTYPES, blockRegions, expectSame, sample, select, tempDir } from "./helpers.js";

const tmp = tempDir();
afterAll(tmp.cleanup);
const file = (name: string) => path.join(tmp.dir, name);

describe("HDF5 round trips, block by block", () => {
  test.each(ALL_DTYPES)("%s, 2-d, chunks not dividing the shape", async (dtype: DType) => {
    const shape = [23, 17];
    const data = sample(dtype, shape, 7);
    const t = await createHdf5Dataset(file(`rt-${dtype}.h5`), "/x", { shape, dtype, chunks: [5, 6] });
    expect(t.chunks).toEqual([5, 6]);
    for (const r of blockRegions(shape, [5, 6])) await t.write(r, select(data, r));
    await t.finish();
    const x = await openHdf5Dataset(file(`rt-${dtype}.h5`), "/x", { directReadMinBytes: 0 });
    expect([x.dtype, x.shape, x.chunks, x.directLayout]).toEqual([dtype, shape, [5, 6], "btree-v1"]);
    expectSame(x.readAll(), data);
    expectSame(
      x.read([
        [1, 23, 4],
        [16, 17, 1],
      ]),
      select(data, [
        [1, 23, 4],
        [16, 17, 1],
      ]),
    );
    x.file.close();
  });

  test.each([1, 3])("gzip, %i-d, blocks unaligned with chunks", async (rank) => {
    const shape = [12, 10, 9].slice(0, rank);
    const data = sample("float64", shape, rank);
    const t = await createHdf5Dataset(file(`gz${rank}.h5`), "/g/deep/x", {
      shape,
      dtype: "float64",
      chunks: shape.map(() => 4),
      compression: "gzip",
      compressionOpts: 1,
    });
    await Promise.all(
      blockRegions(
        shape,
        shape.map(() => 3),
      ).map((r) => t.write(r, select(data, r))),
    );
    await t.finish();
    const x = await openHdf5Dataset(file(`gz${rank}.h5`), "/g/deep/x");
    expect(x.filters.map((f) => f.name)).toEqual(["deflate"]);
    expect(x.directLayout).toBe(null);
    expectSame(x.readAll(), data);
    x.file.close();
  });

  test("strided writes, casts, 0-d and empty datasets, attributes", async () => {
    const w = await createHdf5(file("misc.h5"), { mode: "w" });
    const a = await w.createDataset("/a", {
      shape: [10],
      dtype: "int32",
      chunks: [4],
      attrs: { units: "m", scale: 2 },
    });
    await a.write([[0, 10, 2]], NDArray.from([1, 2, 3, 4, 5], { dtype: "int32" }));
    await a.write([[1, 10, 2]], NDArray.from([-1.7, -2, -3, -4, 1e3], { dtype: "float64" })); // cast like NumPy
    const b = await w.createDataset("/b", { shape: [], dtype: "float64" });
    await b.write([], NDArray.from([2.5], { shape: [] }));
    const c = await w.createDataset("/c", { shape: [0, 3], dtype: "bool" });
    await c.write(
      [
        [0, 0, 1],
        [0, 3, 1],
      ],
      NDArray.zeros("bool", [0, 3]),
    );
    const d = await w.createDataset("/d", { shape: [4], dtype: "bool" });
    await d.write([[0, 4, 1]], NDArray.from([0, 2.5, Number.NaN, -1], { dtype: "float64" }));
    await w.finish();
    const f = await openHdf5(file("misc.h5"));
    expect(Array.from(f.get("/a").readAll().data as ArrayLike<number>)).toEqual([
      1, -1, 2, -2, 3, -3, 4, -4, 5, 1000,
    ]);
    expect(f.get("/a").attrs()).toEqual({ units: "m", scale: 2 });
    expect(f.get("/b").readAll().item()).toBe(2.5);
    expect([f.get("/c").shape, f.get("/c").dtype]).toEqual([[0, 3], "bool"]);
    expect(Array.from(f.get("/d").readAll().data as ArrayLike<number>)).toEqual([0, 1, 1, 1]);
    f.close();
  });

  test("a file appears only when finished; abort leaves the old file", async () => {
    const p = file("partial.h5");
    const t = await createHdf5Dataset(p, "/x", { shape: [100], dtype: "float32", chunks: [10] });
    await t.write([[0, 50, 1]], sample("float32", [50]));
    expect(fs.existsSync(p)).toBe(false);
    expect(fs.existsSync(`${p}.partial`)).toBe(true);
    await t.finish();
    expect(fs.existsSync(p)).toBe(true);
    expect(fs.existsSync(`${p}.partial`)).toBe(false);
    await expect(t.write([[0, 1, 1]], sample("float32", [1]))).rejects.toMatchObject({ reason: "closed" });

    // mode "a" (default) adds to a copy; aborting keeps the finished file as it was.
    const u = await createHdf5Dataset(p, "/y", { shape: [5], dtype: "int16" });
    await u.write([[0, 5, 1]], sample("int16", [5]));
    await u.abort();
    expect(fs.existsSync(`${p}.partial`)).toBe(false);
    const f = await openHdf5(p);
    expect(f.datasets()).toEqual(["/x"]);
    f.close();

    const v = await createHdf5Dataset(p, "/y", { shape: [5], dtype: "int16" });
    await v.finish();
    const g = await openHdf5(p);
    expect(g.datasets().sort()).toEqual(["/x", "/y"]);
    g.close();
    await expect(createHdf5Dataset(p, "/x", { shape: [5], dtype: "int16" })).rejects.toMatchObject({
      reason: "exists",
      dataset: "/x",
    });
    expect(fs.existsSync(`${p}.partial`)).toBe(false);
  });

  test("one writer per file; writes are serialised in order", async () => {
    const p = file("lock.h5");
    const w = await createHdf5(p, { mode: "w" });
    await expect(createHdf5(p)).rejects.toMatchObject({ reason: "exists" });
    const x = await w.createDataset("/x", { shape: [1000], dtype: "int32", chunks: [100] });
    // Overlapping writes: the last one queued wins, as if run one after another.
    const writes = [];
    for (let k = 0; k < 10; k++)
      writes.push(x.write([[0, 1000, 1]], NDArray.from(new Int32Array(1000).fill(k))));
    await Promise.all(writes);
    await w.finish();
    const y = await openHdf5Dataset(p, "/x");
    expect(new Set(y.readAll().data as Float64Array)).toEqual(new Set([9]));
    y.file.close();
  });

  test("blocks that do not fit the region fail before anything is written", async () => {
    const t = await createHdf5Dataset(file("bad.h5"), "/x", { shape: [4, 4], dtype: "float32" });
    await expect(
      t.write(
        [
          [0, 2, 1],
          [0, 4, 1],
        ],
        NDArray.zeros("float32", [2, 3]),
      ),
    ).rejects.toMatchObject({
      reason: "region",
      dataset: "/x",
    });
    await expect(
      t.write(
        [
          [0, 5, 1],
          [0, 4, 1],
        ],
        NDArray.zeros("float32", [5, 4]),
      ),
    ).rejects.toThrow(/out of bounds/);
    await t.abort();
    expect(fs.existsSync(file("bad.h5"))).toBe(false);
  });

  test("a failed block write blocks finish(); abort removes the partial file", async () => {
    const p = file("failed.h5");
    const t = await createHdf5Dataset(p, "/x", { shape: [4], dtype: "float32" });
    const broken = {
      dtype: "float32",
      shape: [4],
      contiguous() {
        throw new Error("kernel exploded");
      },
    } as unknown as NDArray;
    await expect(t.write([[0, 4, 1]], broken)).rejects.toThrow(/kernel exploded/);
    await expect(t.finish()).rejects.toMatchObject({ reason: "write" });
    expect(fs.existsSync(p)).toBe(false);
    await t.abort();
    expect(fs.existsSync(`${p}.partial`)).toBe(false);
  });

  test("in-place writes with mode 'a'", async () => {
    const p = file("inplace.h5");
    const t = await createHdf5Dataset(p, "/x", { shape: [6], dtype: "uint16" });
    await t.write([[0, 6, 1]], NDArray.from([1, 2, 3, 4, 5, 6], { dtype: "uint16" }));
    await t.finish();
    const ro = await openHdf5Dataset(p, "/x");
    expect(() => ro.write([[0, 1, 1]], NDArray.from([9], { dtype: "uint16" }))).toThrow(/read-only/);
    ro.file.close();
    const rw = await openHdf5Dataset(p, "/x", { mode: "a" });
    rw.write([[1, 6, 2]], NDArray.from([0, 0, 0], { dtype: "uint16" }));
    expect(Array.from(rw.readAll().data as ArrayLike<number>)).toEqual([1, 0, 3, 0, 5, 0]);
    rw.file.close();
  });
});
