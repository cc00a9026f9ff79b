import fc from "fast-check";
import { describe, expect, test } from "vitest";
import * as ca from "@chunked/core";
import { NDArray } from "@chunked/core";
import { runGraphWithStats } from "../../src/schedule/scheduler.js";
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

  test("buckets: sort and argsort do not depend on chunks, buckets or recompute (ties included)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constant(Number.NaN)), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 9 }),
        fc.boolean(),
        async (values, chunk, buckets, recompute) => {
          const data = Float64Array.from(values);
          const many = ca.fromArray(data, { chunks: chunk });
          const one = ca.fromArray(data, { chunks: -1 });
          const options = { buckets, recompute };
          const [a, b, c, d] = await ca.compute([
            ca.sort(many, options),
            ca.sort(one),
            ca.argsort(many, options),
            ca.argsort(one),
          ]);
          expect(a.shape).toEqual([values.length]);
          expect(a.toArray()).toEqual(b.toArray());
          expect(c.toArray()).toEqual(d.toArray());
        },
      ),
      { numRuns: 40 },
    );
    expect(() => ca.sort(ca.arange(4, { chunks: 2 }), { buckets: 0 })).toThrow(
      /sort: buckets must be a positive integer. Got buckets=0/,
    );
  });

  test("recompute holds about two buckets and a block, where the in-memory sort holds the array", async () => {
    const n = 200_000;
    const block = 10_000;
    const B = 5;
    const x = ca.random.normal(0, 1, [n], { chunks: block, seed: 11 });
    const held = async (y: ca.ChunkedArray) => {
      const total = y.sum();
      const { results, stats } = await runGraphWithStats(total.graph(), total.keys());
      return { sum: results.get(total.keys()[0])!.data[0] as number, bytes: stats.peakHeldBytes };
    };
    const streamed = await held(ca.sort(x, { recompute: true, buckets: B }));
    const inMemory = await held(ca.sort(x, { buckets: B }));
    expect(streamed.sum).toBeCloseTo(inMemory.sum, 6);
    // Bucket parts, the merged bucket, one re-read block (buckets balance within 25% here).
    const bucketBytes = (n / B) * 8;
    expect(streamed.bytes).toBeLessThanOrEqual(2 * 1.25 * bucketBytes + 2 * block * 8);
    // Every block sorted (or partitioned) before the splitters: the whole array at once.
    expect(inMemory.bytes).toBeGreaterThanOrEqual(n * 8);
  });

  test("recompute splits ties by position: equal values still fill the buckets evenly", async () => {
    const x = ca.zeros([4000], { chunks: 500 });
    const y = ca.sort(x, { recompute: true, buckets: 8 });
    const sizes = (await y.computeChunkSizes()).chunks[0];
    expect(sizes.reduce((s, v) => s + v, 0)).toBe(4000);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1.25 * 500);
    const idx = await ca.argsort(x, { recompute: true, buckets: 3 }).compute();
    expect(idx.toArray()).toEqual(Array.from({ length: 4000 }, (_, i) => BigInt(i)));
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
