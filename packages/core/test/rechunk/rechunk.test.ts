import { test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { ChunkedArray } from "@chunked/core";
import { commonBlockdim, rechunk, unifyChunks } from "@chunked/core";
import { isChunkedError } from "@chunked/core";
import { blockKey } from "@chunked/core/internal";
import { rechunkAssemble } from "../../src/kernels/join.js";
import { NDArray } from "@chunked/core";
import { assertClose } from "@chunked/core/testing";
import { arbChunksFor, arbShapeAndChunks } from "@chunked/core/testing/arbitraries";
import { chunked, evaluate, iota } from "../joining/helpers.js";

describe("rechunk: plan", () => {
  it("returns the array itself when the chunks do not change", () => {
    const x = chunked(iota([6, 4]), [
      [3, 3],
      [2, 2],
    ]);
    expect(rechunk(x, [3, 2])).toBe(x);
    expect(rechunk(x, { 0: 3 })).toBe(x);
    expect(rechunk(x, [null, [2, 2]] as any)).toBe(x);
  });

  it("makes one task per new block and no intermediate layer", () => {
    const x = chunked(iota([10, 10]), [
      [5, 5],
      [4, 6],
    ]);
    const y = rechunk(x, [[3, 7], [10]]);
    expect(y.chunks).toEqual([[3, 7], [10]]);
    const layer = y.layers.get(y.name)!;
    expect(layer.tasks).toHaveLength(2);
    expect(layer.dependencies).toEqual([x.name]);
    expect(y.layers.size).toBe(x.layers.size + 1);
    // block (1, 0) = rows 3..10 of the old grid: old blocks (0,0),(0,1),(1,0),(1,1)
    const t = layer.tasks.find((t) => t.key === blockKey(y.name, [1, 0]))!;
    expect(t.op).toBe("rechunk.assemble");
    expect(t.deps).toEqual([x.key([0, 0]), x.key([0, 1]), x.key([1, 0]), x.key([1, 1])]);
  });

  it("aliases new blocks that are exactly old blocks", () => {
    const x = chunked(iota([10, 4]), [[5, 5], [4]]);
    const y = rechunk(x, [[5, 2, 3], [4]]);
    const first = y.layers.get(y.name)!.tasks[0];
    expect(first.op).toBe("core.identity");
    expect(first.deps).toEqual([x.key([0, 0])]);
  });

  it("is deterministic: equal expressions give equal keys", () => {
    const x = chunked(iota([8, 8]), 4);
    expect(rechunk(x, 2).keys()).toEqual(rechunk(x, [2, 2]).keys());
    expect(rechunk(x, 2).name).not.toBe(rechunk(x, 3).name);
  });

  it("accepts dask's dict spec with -1 and auto", () => {
    const x = new ChunkedArray(
      "big-0",
      [new Array(4).fill(250), new Array(4).fill(250), new Array(4).fill(250)],
      "float64",
      new Map(),
    );
    const y = rechunk(x, { 0: -1, 1: 100, 2: "auto" });
    expect(y.chunks[0]).toEqual([1000]);
    expect(y.chunks[1]).toEqual(new Array(10).fill(100));
    // 128 MiB / 8 bytes / (1000 * 100) = 167.7 elements along axis 2
    expect(y.chunksize[2]).toBeLessThanOrEqual(168);
    expect(y.chunksize[0] * y.chunksize[1] * y.chunksize[2] * 8).toBeLessThanOrEqual(128 * 2 ** 20);
  });

  it("keeps axes not named in a dict, and negative axes count from the end", () => {
    const x = chunked(iota([6, 8]), [
      [2, 4],
      [4, 4],
    ]);
    expect(rechunk(x, { [-1]: 8 }).chunks).toEqual([[2, 4], [8]]);
    expect(rechunk(x, { 0: null } as any).chunks).toEqual([
      [2, 4],
      [4, 4],
    ]);
  });

  it("throws at build time for bad specs", () => {
    const x = chunked(iota([6, 8]), 2);
    expect(() => rechunk(x, [[3, 2], [8]])).toThrow(/Chunks do not add up to shape/);
    expect(() => rechunk(x, [2])).toThrow(/same length\/dimension/);
    expect(() => rechunk(x, { 2: 3 })).toThrow(/axis 2 is out of bounds for array of dimension 2/);
    expect(() => rechunk(x, [0, 2])).toThrow(/positive integers/);
  });

  it("allows unknown chunks on untouched axes only", () => {
    const base = chunked(iota([4, 6]), [
      [2, 2],
      [3, 3],
    ]);
    const x = new ChunkedArray(
      base.name,
      [
        [Number.NaN, Number.NaN],
        [3, 3],
      ],
      base.dtype,
      base.layers,
    );
    const y = rechunk(x, { 1: 6 });
    expect(y.chunks[0].every(Number.isNaN)).toBe(true);
    expect(y.chunks[1]).toEqual([6]);
    let err: unknown;
    try {
      rechunk(x, { 0: 2 });
    } catch (e) {
      err = e;
    }
    expect(isChunkedError(err, "UnknownChunksError")).toBe(true);
    expect(String(err)).toMatch(/computeChunkSizes/);
  });
});

describe("rechunk: values", () => {
  const a = iota([7, 5, 3]);
  const chunkings: number[][][] = [
    [[7], [5], [3]],
    [
      [2, 2, 2, 1],
      [3, 2],
      [1, 1, 1],
    ],
    [[1, 3, 3], [5], [2, 1]],
    [[4, 3], [1, 1, 1, 1, 1], [3]],
  ];
  for (const from of chunkings) {
    for (const to of chunkings) {
      it(`${JSON.stringify(from)} -> ${JSON.stringify(to)}`, async () => {
        const y = rechunk(chunked(a, from), to);
        expect(y.chunks).toEqual(to);
        assertClose(await evaluate(y), a);
      });
    }
  }

  it("handles zero-length axes and empty blocks", async () => {
    const z = NDArray.zeros("float64", [0, 4]);
    const y = rechunk(chunked(z, [[0], [2, 2]]), [[0], [4]]);
    expect((await evaluate(y)).shape).toEqual([0, 4]);
    const x = chunked(iota([5]), [[2, 0, 3]]);
    assertClose(await evaluate(rechunk(x, [[1, 4]])), iota([5]));
    assertClose(await evaluate(rechunk(chunked(iota([5]), 5), [[2, 0, 3]])), iota([5]));
  });

  it("keeps the dtype (int16, bool)", async () => {
    for (const dtype of ["int16", "bool", "float32"] as const) {
      const a2 = iota([6, 5], dtype);
      const y = rechunk(
        chunked(a2, [
          [4, 2],
          [2, 3],
        ]),
        [[3, 3], [5]],
      );
      expect(y.dtype).toBe(dtype);
      assertClose(await evaluate(y), a2);
    }
  });

  it("0-d arrays are returned unchanged", () => {
    const x = chunked(NDArray.from(3), []);
    expect(rechunk(x, [])).toBe(x);
  });

  test.prop(
    [
      arbShapeAndChunks({ maxNdim: 3, maxDim: 9 }).chain(({ shape, chunks }) =>
        arbChunksFor(shape).map((to) => ({ shape, chunks, to })),
      ),
    ],
    { numRuns: 60 },
  )("leaves values unchanged for random shapes and chunks", async ({ shape, chunks, to }) => {
    const a2 = iota(shape);
    const y = rechunk(chunked(a2, chunks), to);
    expect(y.chunks).toEqual(to);
    expect(y.layers.get(y.name)?.tasks.length ?? 0).toBeLessThanOrEqual(to.reduce((n, c) => n * c.length, 1));
    assertClose(await evaluate(y), a2);
    // Rechunking back gives the original grid and values.
    const back = rechunk(y, chunks);
    expect(back.chunks).toEqual(chunks);
    assertClose(await evaluate(back), a2);
  });
});

describe("rechunk.assemble kernel", () => {
  it("places pieces of strided inputs", () => {
    const base = iota([4, 6]);
    const view = base.region([
      [0, 4, 2],
      [1, 6, 1],
    ]); // rows 0, 2; cols 1..5
    const out = rechunkAssemble.fn([view, iota([1, 2])], {
      shape: [2, 4],
      dtype: "float64",
      pieces: [
        { start: [0, 0], stop: [2, 3], at: [0, 0] },
        { start: [0, 0], stop: [1, 1], at: [1, 3] },
      ],
    }) as NDArray;
    expect(out.toArray()).toEqual([
      [1, 2, 3, 0],
      [13, 14, 15, 0],
    ]);
  });
});

describe("commonBlockdim / unifyChunks", () => {
  it("matches dask's doctests", () => {
    expect(
      commonBlockdim([
        [5, 2],
        [4, 3],
      ]),
    ).toEqual([4, 1, 2]);
    expect(commonBlockdim([[3], [2, 1]])).toEqual([2, 1]);
    expect(
      commonBlockdim([
        [1, 2],
        [2, 1],
      ]),
    ).toEqual([1, 1, 1]);
    expect(
      commonBlockdim([
        [5, 2, 3],
        [2, 3, 5],
      ]),
    ).toEqual([2, 3, 2, 3]);
    expect(commonBlockdim([[4], [4]])).toEqual([4]);
    expect(() =>
      commonBlockdim([
        [2, 2],
        [3, 2],
      ]),
    ).toThrow(/do not add up to same value/);
  });

  it("unifies with broadcasting (right-aligned, length-1 axes left alone)", async () => {
    const a = chunked(iota([7, 6]), [
      [5, 2],
      [3, 3],
    ]);
    const b = chunked(iota([7, 1]), [[4, 3], [1]]);
    const c = chunked(iota([6]), [[2, 4]]);
    const { chunks, arrays } = unifyChunks(a, b, c);
    expect(chunks).toEqual([
      [4, 1, 2],
      [2, 1, 3],
    ]);
    expect(arrays[0].chunks).toEqual([
      [4, 1, 2],
      [2, 1, 3],
    ]);
    expect(arrays[1].chunks).toEqual([[4, 1, 2], [1]]);
    expect(arrays[2].chunks).toEqual([[2, 1, 3]]);
    assertClose(await evaluate(arrays[1]), iota([7, 1]));
    const same = unifyChunks(a, a);
    expect(same.arrays[0]).toBe(a);
  });

  it("rejects shapes that do not broadcast", () => {
    const a = chunked(iota([3, 4]), 2);
    const b = chunked(iota([5]), 2);
    expect(() => unifyChunks(a, b)).toThrow(/operands could not be broadcast together/);
  });
});
