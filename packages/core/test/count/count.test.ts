import fc from "fast-check";
import { describe, expect, test } from "vitest";
import * as ca from "@chunked/core";
import { goldenSuite } from "../support/golden-families.js";

describe("count goldens", () => {
  goldenSuite(
    "count",
    {
      histogram: ([x, w], kw) => ca.histogram(x, { bins: kw.bins, range: kw.range, weights: w }).hist,
      bincount: ([x, w], kw) => ca.bincount(x, { minlength: kw.minlength, weights: w }),
      isin: ([x], kw, raw) => ca.isin(x, raw[1] as ca.NDArray, kw),
      searchsorted: ([a, v], kw) => ca.searchsorted(a, v, kw),
    },
    { reduction: true },
  );
});

describe("counting", () => {
  test("histogram counts do not depend on chunking and add up", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 9 }),
        async (values, chunk) => {
          const x = ca.fromArray(Float64Array.from(values), { chunks: chunk });
          const { hist } = ca.histogram(x, { bins: 5, range: [0, 1] });
          const h = (await hist.compute()).toNumberArray() as number[];
          expect(h.reduce((s, v) => s + v, 0)).toBe(values.length);
          const one = (
            await ca
              .histogram(ca.fromArray(Float64Array.from(values), { chunks: -1 }), { bins: 5, range: [0, 1] })
              .hist.compute()
          ).toNumberArray();
          expect(h).toEqual(one);
        },
      ),
      { numRuns: 30 },
    );
  });

  // Expected values from NumPy: v = [3, -1, ...]; p = v[v > 0]; np.histogram(p, 3, (0, 9)), ...
  test("counts need no block sizes: masked and sorted inputs work before computeChunkSizes", async () => {
    const values = [3, -1, 4, 1, -5, 9, 2, -6, 5, 3, 5, 0, 8, 9, 7];
    const x = ca.fromArray(Float64Array.from(values), { chunks: 4 });
    const pos = x.get(x.gt(0));
    const known = await pos.computeChunkSizes();
    const both = async (f: (y: ca.ChunkedArray) => ca.ChunkedArray) => {
      const [a, b] = await Promise.all([f(pos).compute(), f(known).compute()]);
      expect(a.dtype).toBe(b.dtype);
      expect(a.toNumberArray()).toEqual(b.toNumberArray());
      return a.toNumberArray();
    };
    expect(await both((y) => ca.histogram(y, { bins: 3, range: [0, 9] }).hist)).toEqual([2, 5, 4]);
    expect(await both((y) => ca.bincount(ca.astype(y, "int32")))).toEqual([0, 1, 1, 2, 1, 2, 0, 1, 1, 2]);
    expect(await both((y) => ca.countNonzero(y.sub(3)))).toBe(9);
    const v = ca.NDArray.from([0, 3, 5.5, 10]);
    expect(await both((y) => ca.searchsorted(ca.sort(y), v, { side: "right" }))).toEqual([0, 4, 7, 11]);
    expect(() => ca.histogram(pos, { bins: 3, range: [0, 9], weights: pos })).toThrow(
      /histogram with weights needs known chunk sizes.*computeChunkSizes/,
    );
  });

  test("countNonzero: int64 counts, NaN counts as non-zero, chunk-invariant", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(0, -0, 1, -2.5, Number.NaN, 7), { minLength: 1, maxLength: 24 }),
        fc.integer({ min: 1, max: 6 }),
        async (values, chunk) => {
          const rows = values.length % 2 === 0 ? 2 : 1;
          const nd = ca.NDArray.from(Float64Array.from(values), { shape: [rows, values.length / rows] });
          const x = ca.fromArray(nd, { chunks: chunk });
          const all = await ca.countNonzero(x).compute();
          expect(all.dtype).toBe("int64");
          expect(Number(all.item())).toBe(values.filter((v) => v !== 0).length);
          const perColumn = (await ca.countNonzero(x, { axis: 0, keepdims: true }).compute()).toNumberArray();
          const cols = values.length / rows;
          const expected = Array.from(
            { length: cols },
            (_, j) =>
              Array.from({ length: rows }, (_, i) => values[i * cols + j]).filter((v) => v !== 0).length,
          );
          expect(perColumn).toEqual([expected]);
        },
      ),
      { numRuns: 40 },
    );
  });

  test("errors name the argument", () => {
    const x = ca.fromArray(Float64Array.from([1, 2, 3]), { chunks: 2 });
    expect(() => ca.histogram(x, { bins: 4 })).toThrow(/needs a finite range.*Got range=null/);
    expect(() => ca.histogram(x, { bins: [3, 1] })).toThrow(/Got bins=\[3, 1\]/);
    expect(() => ca.bincount(x)).toThrow(/Got x dtype="float64"/);
    expect(() => ca.searchsorted(x, x, { side: "middle" as any })).toThrow(/Got side="middle"/);
    expect(() => ca.isin(x, x)).toThrow(/pass await testElements.compute\(\)/);
  });
});
