import fc from "fast-check";
import { describe, expect, test } from "vitest";
import * as ca from "@chunked/core";
import { NDArray } from "@chunked/core";

describe("take with a lazy integer index", () => {
  const data = NDArray.from(
    Array.from({ length: 6 }, (_, i) => Array.from({ length: 5 }, (_, j) => i * 10 + j)),
  );

  test("chunk invariance: any chunking of x and of the index gives NumPy's take", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -6, max: 5 }), { minLength: 0, maxLength: 14 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 2, max: 4 }),
        async (idx, r, c, ic, splitEvery) => {
          const x = ca.fromArray(data, { chunks: [r, c] });
          const i = ca.fromArray(NDArray.from(idx, { dtype: "int32" }), { chunks: ic });
          const got = await ca.take(x, i, { splitEvery }).compute();
          const rows = data.toNumberArray() as number[][];
          const want = idx.map((v) => rows[v < 0 ? v + 6 : v]);
          expect(got.shape).toEqual([idx.length, 5]);
          expect(got.toNumberArray()).toEqual(want);
        },
      ),
      { numRuns: 40 },
    );
  });

  test("x.get(idx) with a lazy int64 index computed from x (argsort) takes rows", async () => {
    const v = ca.fromArray(NDArray.from([5, 3, 9, 1, 7, 2]), { chunks: 2 });
    const order = ca.argsort(v);
    expect(order.dtype).toBe("int64");
    const sorted = v.get(order);
    expect(sorted.chunks).toEqual(order.chunks);
    expect((await sorted.compute()).toNumberArray()).toEqual([1, 2, 3, 5, 7, 9]);
  });

  test("an index of unknown length gives unknown chunks, resolved by computeChunkSizes", async () => {
    const v = ca.arange(10, { chunks: 3 });
    const idx = ca.flatnonzero(ca.greater(v, 6));
    const y = ca.take(ca.multiply(v, 2), idx);
    expect(y.chunks[0].every(Number.isNaN)).toBe(true);
    expect(() => ca.add(y, ca.take(v, ca.flatnonzero(ca.less(v, 3))))).toThrow(ca.UnknownChunksError);
    const known = await y.computeChunkSizes();
    expect(known.shape).toEqual([3]);
    expect((await known.compute()).toNumberArray()).toEqual([14, 16, 18]);
  });

  test("bad indices: build-time errors name the argument, out-of-bounds fails at compute", async () => {
    const x = ca.arange(4, { chunks: 2 });
    expect(() => ca.take(x, ca.fromArray(NDArray.from([0.5])))).toThrow(ca.DTypeError);
    expect(() => ca.take(x, ca.zeros([2, 2], { dtype: "int32" }))).toThrow(/1-d indices/);
    expect(() => ca.take(x, ca.zeros([2], { dtype: "int32" }), { splitEvery: 1 })).toThrow(/splitEvery/);
    const bad = ca.take(x, ca.fromArray(NDArray.from([1, 4], { dtype: "int32" })));
    await expect(bad.compute()).rejects.toThrow(/index 4 is out of bounds for axis 0 with size 4/);
  });
});
