import fc from "fast-check";
import { describe, expect, test } from "vitest";
import * as ca from "@chunked/core";
import { goldenSuite } from "../support/golden-families.js";

describe("scan goldens", () => {
  goldenSuite(
    "scan",
    {
      cumsum: ([x], kw) => ca.cumsum(x, kw),
      cumprod: ([x], kw) => ca.cumprod(x, kw),
      nancumsum: ([x], kw) => ca.nancumsum(x, kw),
      nancumprod: ([x], kw) => ca.nancumprod(x, kw),
      diff: ([x], kw) => ca.diff(x, kw),
    },
    { reduction: true },
  );
});

describe("scans", () => {
  test("chunk invariance of cumsum (integers: exact)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 9 }),
        async (values, chunk) => {
          const x = ca.fromArray(Int32Array.from(values), { chunks: chunk });
          let acc = 0;
          expect((await x.cumsum().compute()).toArray()).toEqual(values.map((v) => BigInt((acc += v))));
        },
      ),
      { numRuns: 40 },
    );
  });

  test("empty blocks and masked (unknown-size) blocks pass the carry on", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -4, max: 4 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 6 }),
        async (values, chunk) => {
          const x = ca.fromArray(Float64Array.from(values), { chunks: chunk });
          // Blocks where the mask selects nothing are empty.
          const kept = values.filter((v) => v > 0);
          const masked = x.get(x.gt(0));
          let sum = 0;
          let prod = 1;
          expect((await ca.cumsum(masked).compute()).toNumberArray()).toEqual(kept.map((v) => (sum += v)));
          expect((await ca.cumprod(masked).compute()).toNumberArray()).toEqual(kept.map((v) => (prod *= v)));
          const ints = ca.cumprod(ca.astype(masked, "int32"));
          expect((await ints.compute()).toNumberArray()).toEqual(
            kept.map((_, i) => kept.slice(0, i + 1).reduce((a, b) => a * b, 1)),
          );
        },
      ),
      { numRuns: 30 },
    );
    // Known sizes with empty blocks: np.cumprod([1, 2, 3, 4, 5]).
    const y = ca.fromArray([1, 2, 3, 4, 5], { chunks: [[0, 3, 0, 2, 0]] });
    expect((await ca.cumprod(y).compute()).toNumberArray()).toEqual([1, 2, 6, 24, 120]);
  });

  test("the carry chain reads one small slice per block", () => {
    const x = ca.ones([100, 8], { chunks: [10, 4] });
    const y = ca.cumsum(x, { axis: 0 });
    const carry = [...y.layers.values()].find((l) => l.name.startsWith("cumsum-carry"))!;
    expect(carry.tasks.every((t) => t.deps.length <= 2)).toBe(true);
    expect(() => ca.cumsum(x, { axis: 2 })).toThrow(/Got axis=2/);
  });
});
