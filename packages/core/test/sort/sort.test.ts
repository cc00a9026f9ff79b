import fc from "fast-check";
import { describe, expect, test } from "vitest";
import * as ca from "@chunked/core";
import { NDArray } from "@chunked/core";
import { goldenSuite } from "../support/golden-families.js";

describe("sort goldens", () => {
  goldenSuite(
    "sort",
    {
      sort: ([x], kw) => ca.sort(x, kw),
      argsort: ([x], kw) => ca.argsort(x, kw),
      topk: ([x], kw) => ca.topk(x, kw.k, { axis: kw.axis, splitEvery: 2 }),
      argtopk: ([x], kw) => ca.argtopk(x, kw.k, { axis: kw.axis, splitEvery: 3 }),
      median: ([x], kw) => ca.median(x, kw),
      nanmedian: ([x], kw) => ca.nanmedian(x, kw),
      percentile: ([x], kw) => ca.percentile(x, kw.q, kw),
      quantile: ([x], kw) => ca.quantile(x, kw.q, kw),
    },
    { reduction: true },
  );
});

describe("sort", () => {
  test("blocked sample sort of a chunked 1-D axis: unknown block sizes, known total, no task holds everything", async () => {
    const x = ca.random.normal(0, 1, [5000], { chunks: 500, seed: 7 });
    const s = ca.sort(x);
    expect(s.numblocks).toEqual([10]);
    const merges = [...s.layers.values()].find((l) => l.name === s.name)!;
    // Each bucket reads one part per input block; parts are a slice of one sorted block.
    expect(merges.tasks[0].deps.length).toBe(10);
    const [got, ref] = await ca.compute([s, x]);
    const want = Float64Array.from(ref.toTypedArray() as Float64Array).sort();
    expect(Array.from(got.toTypedArray() as Float64Array)).toEqual(Array.from(want));
    const sizes = (await s.computeChunkSizes()).chunks[0];
    expect(Math.max(...sizes)).toBeLessThan(2 * 500);
  });

  test("recompute: buckets re-read the source blocks; same result as the in-memory sort", async () => {
    const x = ca.random.uniform(0, 10, [3000], { chunks: 300, seed: 3 });
    const ints = ca.fromArray(
      Int32Array.from({ length: 200 }, (_, i) => (i * 37) % 11),
      { chunks: 30 },
    );
    const [a, b, c, d] = await ca.compute([
      ca.sort(x, { recompute: true }),
      ca.sort(x),
      ca.argsort(ints, { recompute: true }),
      ca.argsort(ints, { axis: 0 }),
    ]);
    expect(a.toArray()).toEqual(b.toArray());
    expect(c.toArray()).toEqual(d.toArray());
    expect(() => ca.sort(x.add(1), { recompute: true })).toThrow(
      /re-read. Got an input computed by "add"; persist\(\) it or omit recompute/,
    );
  });

  test("chunk invariance of sort, argsort and topk", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 5 }),
        async (values, chunk, k) => {
          const data = Float64Array.from(values);
          const one = ca.fromArray(data, { chunks: -1 });
          const many = ca.fromArray(data, { chunks: chunk });
          const kk = Math.min(k, values.length);
          for (const f of [
            (a: ca.ChunkedArray) => ca.sort(a),
            (a: ca.ChunkedArray) => ca.argsort(a),
            (a: ca.ChunkedArray) => ca.topk(a, kk, { splitEvery: 2 }),
            (a: ca.ChunkedArray) => ca.topk(a, -kk),
            (a: ca.ChunkedArray) => ca.median(a),
          ]) {
            expect((await f(many).compute()).toArray()).toEqual((await f(one).compute()).toArray());
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  test("errors name the argument at build time", () => {
    const x = ca.fromArray(
      NDArray.from([
        [1, 2],
        [3, 4],
      ]),
      { chunks: 1 },
    );
    expect(() => ca.topk(x, 0)).toThrow(/Got k=0/);
    expect(() => ca.topk(x, 3, { axis: 0 })).toThrow(/Got k=3, axis 0 has length 2/);
    expect(() => ca.sort(x, { axis: 2 })).toThrow(/Got axis=2/);
    expect(() => ca.percentile(x, 101)).toThrow(/q must be in the range \[0, 100\]. Got q=101/);
    expect(() => ca.topk(x.get(x.gt(1)), 1)).toThrow(/computeChunkSizes\(\)/);
  });
});
