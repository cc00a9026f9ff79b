/** Direct reads (bytes straight from the file) must equal h5wasm's hyperslab reads, for any region. */
import fs from "node:fs";
import path from "node:path";
import type { NDArray } from "@chunked/core/internal";
import fc from "fast-check";
import h5wasm from "h5wasm/node";
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from "vitest";
import { createHdf5, openDescriptor, openHdf5 } from "../src/hdf5/index.js";
import type { Hdf5File } from "../src/hdf5/read.js";
import { DirectSource, setMaxScratchBytes } from "../src/hdf5/direct.js";
import { alignedChunks, chunkPieces, isContiguousRun } from "../src/region.js";
import type { Region } from "../src/types.js";
import { blockRegions, expectSame, sample, select, tempDir } from "./helpers.js";

const tmp = tempDir();
const file = path.join(tmp.dir, "direct.h5");
let direct: Hdf5File;
let plain: Hdf5File;
const DATA = {
  "/contig3d": sample("float64", [17, 13, 11], 1),
  "/chunked3d": sample("int16", [30, 21, 9], 2),
  "/chunked1d": sample("float32", [100_003], 3),
  "/sparse2d": sample("uint32", [40, 40], 4),
};

beforeAll(async () => {
  const w = await createHdf5(file, { mode: "w" });
  const c3 = await w.createDataset("/chunked3d", { shape: [30, 21, 9], dtype: "int16", chunks: [7, 5, 4] });
  for (const r of blockRegions([30, 21, 9], [7, 5, 4])) await c3.write(r, select(DATA["/chunked3d"], r));
  const c1 = await w.createDataset("/chunked1d", { shape: [100_003], dtype: "float32", chunks: [1000] });
  await c1.write([[0, 100_003, 1]], DATA["/chunked1d"]);
  // Only some chunks written: the rest are unallocated and must read as the fill value (0).
  const sp = await w.createDataset("/sparse2d", { shape: [40, 40], dtype: "uint32", chunks: [8, 8] });
  for (const r of blockRegions([40, 40], [8, 8]).filter((_, i) => i % 3 === 0))
    await sp.write(r, select(DATA["/sparse2d"], r));
  await w.finish();
  for (const r of blockRegions([40, 40], [8, 8]).filter((_, i) => i % 3 !== 0)) {
    for (let i = r[0][0]; i < r[0][1]; i++)
      (DATA["/sparse2d"].data as Float64Array).fill(0, i * 40 + r[1][0], i * 40 + r[1][1]);
  }
  // A contiguous dataset, through h5wasm directly (our writer always chunks).
  await h5wasm.ready;
  const f = new h5wasm.File(file, "a");
  f.create_dataset({
    name: "contig3d",
    data: DATA["/contig3d"].data as Float64Array,
    shape: [17, 13, 11],
    dtype: "<d",
  });
  f.close();
  direct = await openHdf5(file, { directReadMinBytes: 0 });
  plain = await openHdf5(file, { directReads: false });
});
afterAll(() => {
  direct?.close();
  plain?.close();
  tmp.cleanup();
});

const arbRegion = (shape: readonly number[]) =>
  fc.tuple(
    ...shape.map((n) =>
      fc
        .tuple(fc.nat(n), fc.nat(n), fc.integer({ min: 1, max: Math.max(1, Math.ceil(n / 2)) }))
        .map(([a, b, s]) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          return [lo, hi, s] as const;
        }),
    ),
  ) as fc.Arbitrary<Region>;

describe.each(Object.keys(DATA))("%s", (name) => {
  test("layout", () => {
    const want = {
      "/contig3d": "contiguous",
      "/chunked3d": "btree-v1",
      "/chunked1d": "btree-v1",
      "/sparse2d": "btree-v1",
    }[name];
    expect(direct.get(name).directLayout).toBe(want);
    expect(plain.get(name).directLayout).toBe(null);
  });

  test.each([
    ["default", 0],
    ["64 B, so strided pieces split", 64],
  ])("random regions equal h5wasm's reads and the data (scratch limit %s)", (_, limit) => {
    const previous = limit ? setMaxScratchBytes(limit) : undefined;
    onTestFinished(() => {
      if (previous !== undefined) setMaxScratchBytes(previous);
    });
    const a = direct.get(name);
    const b = plain.get(name);
    const data = DATA[name as keyof typeof DATA];
    fc.assert(
      fc.property(arbRegion(a.shape), (region) => {
        const got = a.read(region);
        expectSame(got, b.read(region));
        expectSame(got, select(data, region));
      }),
      { numRuns: 60, seed: 42 },
    );
  });
});

describe.each(Object.keys(DATA))("%s, as a worker opens it from its descriptor", (name) => {
  test("carries the layout when every chunk is known, and reads the same from it without h5wasm", async () => {
    const a = direct.get(name);
    const d = structuredClone(a.descriptor!);
    expect(d.direct !== undefined).toBe(name !== "/sparse2d"); // unallocated chunks need h5wasm
    expect(plain.get(name).descriptor!.direct).toBeUndefined();
    if (!d.direct) return;
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
    const source = await openDescriptor(d);
    expect(source).toBeInstanceOf(DirectSource);
    expect([source.shape, source.dtype, source.chunks, source.token]).toEqual([
      a.shape,
      a.dtype,
      a.chunks,
      a.token,
    ]);
    const data = DATA[name as keyof typeof DATA];
    fc.assert(
      fc.property(arbRegion(a.shape), (region) => {
        expectSame(source.read(region) as NDArray, select(data, region));
      }),
      { numRuns: 60, seed: 42 },
    );
  });
});

test("a descriptor's layout is not used once the file has changed", async () => {
  const copy = path.join(tmp.dir, "changed.h5");
  fs.copyFileSync(file, copy);
  const f = await openHdf5(copy, { directReadMinBytes: 0 });
  const d = f.get("/chunked1d").descriptor!;
  f.close();
  expect(d.direct?.kind).toBe("btree-v1");
  fs.utimesSync(copy, new Date(), new Date(Date.now() + 5000));
  const source = await openDescriptor(d);
  expect(source).not.toBeInstanceOf(DirectSource);
  expectSame(source.read([[0, 100_003, 1]]) as NDArray, DATA["/chunked1d"]);
});

test("reading into a caller's buffer (recycled blocks), at an offset", async () => {
  const { NDArray } = await import("@chunked/core/internal");
  const data = DATA["/chunked3d"];
  const region = [
    [2, 9, 1],
    [0, 21, 1],
    [0, 9, 1],
  ] as const;
  for (const f of [direct, plain]) {
    const backing = new Int16Array(10 + 7 * 21 * 9).fill(-7);
    const out = new NDArray("int16", backing, [7, 21, 9], undefined, 10);
    expect(f.get("/chunked3d").read(region as unknown as Region, out as never)).toBe(out);
    expectSame(out, select(data, region as unknown as Region));
    expect(Array.from(backing.subarray(0, 10))).toEqual(new Array(10).fill(-7));
    expect(() =>
      f.get("/chunked3d").read(region as unknown as Region, NDArray.zeros("int16", [7, 21]) as never),
    ).toThrow(expect.objectContaining({ reason: "region" }));
  }
});

describe("region helpers", () => {
  test("chunkPieces covers each selected element once", () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 3 })
          .chain((shape) =>
            fc.tuple(
              fc.constant(shape),
              arbRegion(shape),
              fc.tuple(...shape.map((n) => fc.integer({ min: 1, max: n }))),
            ),
          ),
        ([, region, chunks]) => {
          const pieces = chunkPieces(region, chunks);
          const n = region.reduce((acc, [a, b, s]) => acc * (b <= a ? 0 : Math.ceil((b - a) / s)), 1);
          expect(pieces.reduce((acc, p) => acc + p.count.reduce((x, y) => x * y, 1), 0)).toBe(n);
          for (const p of pieces) {
            p.localFirst.forEach((f, d) => {
              expect(f + (p.count[d] - 1) * region[d][2]).toBeLessThan(chunks[d]);
              expect(p.coords[d] * chunks[d] + f).toBe(region[d][0] + p.outFirst[d] * region[d][2]);
            });
          }
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });

  test("alignedChunks: multiples of the storage chunks, about the target size", () => {
    expect(alignedChunks([5760, 11520], 4, [500, 500])).toEqual([2500, 11520]);
    expect(alignedChunks([1e9], 4, [1e6])).toEqual([33e6]);
    expect(alignedChunks([10, 10], 8, [3, 3])).toEqual([10, 10]);
    expect(alignedChunks([100, 100], 8, undefined, 800)).toEqual([1, 100]);
    expect(alignedChunks([100, 7], 8, [1, 7], 1)).toEqual([1, 7]); // never below one storage chunk
  });

  test("isContiguousRun", () => {
    expect(isContiguousRun([2, 0], [3, 5], [1, 1], [10, 5])).toBe(true);
    expect(isContiguousRun([2, 1], [1, 3], [1, 1], [10, 5])).toBe(true);
    expect(isContiguousRun([2, 1], [2, 3], [1, 1], [10, 5])).toBe(false);
    expect(isContiguousRun([2, 0], [3, 5], [2, 1], [10, 5])).toBe(false);
    expect(isContiguousRun([0, 0], [1, 1], [7, 7], [10, 5])).toBe(true);
  });
});
