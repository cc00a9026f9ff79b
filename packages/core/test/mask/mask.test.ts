import fc from "fast-check";
import { describe, expect, test } from "vitest";
import * as ca from "@chunked/core";
import { NDArray } from "@chunked/core";
import { goldenSuite } from "../support/golden-families.js";

describe("mask goldens", () => {
  goldenSuite("mask", {
    booleanMask: ([x, m]) => x.get(m),
    extract: ([c, x]) => ca.extract(c, x),
    argwhere: ([x]) => ca.argwhere(x),
    flatnonzero: ([x]) => ca.flatnonzero(x),
    nonzero: ([x], kw) => ca.nonzero(x)[kw.index],
    compress: ([c, x], kw) => ca.compress(c, x, kw),
    unique: ([x]) => ca.unique(x, { splitEvery: 2 }),
    take: ([x], kw) => ca.take(x, kw.indices, { axis: kw.axis }),
    takeLazy: ([x, i], kw) => ca.take(x, i, { axis: kw.axis, splitEvery: 2 }),
  });
});

describe("unknown chunk sizes", () => {
  const x = ca.fromArray(
    NDArray.from([
      [1, -2, 3],
      [-4, 5, 6],
      [7, -8, 9],
    ]),
    { chunks: [2, 2] },
  );
  const y = x.get(x.gt(0));

  test("a mask gives NaN chunks, one per block", () => {
    expect(y.chunks.map((c) => c.map(Number.isNaN))).toEqual([[true, true]]);
    expect(Number.isNaN(y.shape[0])).toBe(true);
  });

  test("elementwise on same-chunked arrays and reductions work", async () => {
    const z = y.mul(2).add(y);
    expect((await z.compute()).toArray()).toEqual([3, 9, 15, 18, 21, 27]);
    expect((await y.sum().compute()).item()).toBe(31);
    expect((await y.max().compute()).item()).toBe(9);
    expect((await y.mean().compute()).item()).toBeCloseTo(31 / 6, 14);
  });

  test("operations that need sizes fail at build time naming computeChunkSizes()", () => {
    const needSizes: [string, () => unknown][] = [
      ["slice", () => y.at`1:3`],
      ["rechunk", () => y.rechunk(2)],
      ["reshape", () => y.reshape([2, 3])],
      ["argmax", () => y.argmax()],
      ["take", () => ca.take(y, [0])],
      ["argwhere", () => ca.argwhere(y)],
      ["binary with in-memory array", () => y.add(NDArray.from([1, 2, 3, 4, 5, 6]))],
    ];
    for (const [what, build] of needSizes) {
      expect(build, what).toThrow(/computeChunkSizes\(\)/);
      expect(build, what).toThrow(ca.UnknownChunksError);
    }
  });

  test("computeChunkSizes() resolves them, and then slicing works", async () => {
    const known = await y.computeChunkSizes();
    expect(known.chunks).toEqual([[4, 2]]);
    expect((await known.at`1:4`.compute()).toArray()).toEqual([3, 5, 6]);
    expect(await ca.computeChunkSizes(x)).toBe(x);
  });

  test("the tutorial's potential(): triu then a boolean mask", async () => {
    const r = ca.fromArray(
      NDArray.from([
        [0, 2, 3],
        [2, 0, 4],
        [3, 4, 0],
      ]),
      { chunks: 2 },
    );
    const tri = ca.triu(r, { k: 1 });
    const pos = tri.get(tri.gt(1e-6));
    expect((await pos.compute()).toArray()).toEqual([2, 3, 4]);
    expect((await pos.pow(-1).sum().compute()).item()).toBeCloseTo(1 / 2 + 1 / 3 + 1 / 4, 12);
  });

  test("bad masks fail at build time naming the argument", () => {
    expect(() => x.get(x)).toThrow(/integer or boolean type. Got index dtype="float64"/);
    expect(() => ca.booleanMask(x, x)).toThrow(/mask dtype="float64", expected "bool"/);
    const wrong = ca.ones([3, 2], { dtype: "bool" });
    expect(() => x.get(wrong)).toThrow(/mask shape=\[3, 2\], expected the array's shape \[3, 3\]/);
    expect(() => x.get([x.gt(0) as any, 1])).toThrow(
      /An array index must be the whole selection.*dtype="bool", shape=\[3, 3\]/,
    );
    expect(() => x.get([x.gt(0) as any, 1])).not.toThrow(/layers|"name"/);
    expect(() => ca.compress([false, false, false, true], x, { axis: 0 })).toThrow(
      /index 3 is out of bounds for axis 0 with size 3/,
    );
    expect(() => ca.compress(ca.fromArray([true, false]), x, { axis: 0 })).toThrow(
      /lazy condition must be as long.*condition length=2, expected 3/,
    );
  });

  test("compress: an in-memory condition may be shorter (NumPy pads it with false) or longer with false", async () => {
    // np.compress([True, False, True], a, axis=1) and np.compress([0, 1, 0, 0, 0, 0], a, axis=0)
    const a = ca.fromArray(
      ca.NDArray.from([
        [1, 2, 3, 4],
        [5, 6, 7, 8],
      ]),
      { chunks: [1, 3] },
    );
    const cols = await ca.compress([true, false, true], a, { axis: 1 }).compute();
    expect(cols.toNumberArray()).toEqual([
      [1, 3],
      [5, 7],
    ]);
    const rows = await ca.compress(ca.NDArray.from([0, 1, 0, 0, 0, 0]), a, { axis: 0 }).compute();
    expect(rows.toNumberArray()).toEqual([[5, 6, 7, 8]]);
    expect((await ca.compress([false, true], a).compute()).toNumberArray()).toEqual([2]);
  });

  test("chunk invariance: x[mask] over random chunkings equals the unchunked result", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 7 }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        async (values, chunk, threshold) => {
          const a = ca.fromArray(Float64Array.from(values), { chunks: chunk });
          const got = (await a.get(a.gt(threshold)).compute()).toArray();
          expect(got).toEqual(values.filter((v) => v > threshold));
          const u = ((await ca.unique(a, { splitEvery: 2 }).compute()).toArray() as number[]).map((v) =>
            v === 0 ? 0 : v,
          );
          expect(u).toEqual(
            [...new Set(values.map((v) => (Object.is(v, -0) ? 0 : v)))].sort((p, q) => p - q),
          );
        },
      ),
      { numRuns: 40 },
    );
  });
});
