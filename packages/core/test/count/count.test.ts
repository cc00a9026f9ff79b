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

  test("errors name the argument", () => {
    const x = ca.fromArray(Float64Array.from([1, 2, 3]), { chunks: 2 });
    expect(() => ca.histogram(x, { bins: 4 })).toThrow(/needs a finite range.*Got range=null/);
    expect(() => ca.histogram(x, { bins: [3, 1] })).toThrow(/Got bins=\[3, 1\]/);
    expect(() => ca.bincount(x)).toThrow(/Got x dtype="float64"/);
    expect(() => ca.searchsorted(x, x, { side: "middle" as any })).toThrow(/Got side="middle"/);
    expect(() => ca.isin(x, x)).toThrow(/pass await testElements.compute\(\)/);
  });
});
