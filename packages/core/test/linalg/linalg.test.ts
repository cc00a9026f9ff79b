import fc from "fast-check";
import { describe, expect, test } from "vitest";
import * as ca from "@chunked/core";
import { NDArray } from "@chunked/core";
import { goldenSuite } from "../support/golden-families.js";

const ord = (v: unknown) => (v === "inf" ? Infinity : v === "-inf" ? -Infinity : v);

describe("linalg goldens", () => {
  goldenSuite(
    "linalg",
    {
      matmul: ([a, b]) => ca.matmul(a, b, { splitEvery: 2 }),
      dot: ([a, b]) => ca.dot(a, b),
      outer: ([a, b]) => ca.outer(a, b),
      tensordot: ([a, b], kw) => ca.tensordot(a, b, kw.axes),
      norm: ([a], kw) => ca.linalg.norm(a, { ord: ord(kw.ord) as any, axis: kw.axis }),
      qrR: ([a]) => ca.linalg.qr(a.rechunk([Math.max(4, a.chunksize[0]), -1])).r,
      qrQ: ([a]) => ca.linalg.qr(a.rechunk([Math.max(4, a.chunksize[0]), -1])).q,
      lstsq: ([a, b]) => ca.linalg.lstsq(a.rechunk([Math.max(4, a.chunksize[0]), -1]), b),
      solve: ([a, b]) => ca.linalg.solve(a, b),
      cholesky: ([a]) => ca.linalg.cholesky(a),
    },
    { reduction: true, rtol: 1e-9 },
  );
});

describe("linalg", () => {
  test("matmul is blocked: no task reads more than two input blocks, partials are tree-summed", () => {
    const a = ca.ones([40, 40], { chunks: 10 });
    const c = ca.matmul(a, a, { splitEvery: 2 });
    for (const l of c.layers.values()) {
      if (l.name.startsWith("tensordot-partial"))
        expect(l.tasks.every((t) => t.deps.length === 2)).toBe(true);
      if (l.name.startsWith("tensordot-sum")) expect(l.tasks.every((t) => t.deps.length <= 2)).toBe(true);
    }
  });

  test("chunk invariance of matmul", async () => {
    const data = NDArray.from(
      Float64Array.from({ length: 35 }, (_, i) => ((i * 7) % 11) - 5),
      { shape: [7, 5] },
    );
    const ref = await ca
      .matmul(ca.fromArray(data, { chunks: -1 }), ca.fromArray(data, { chunks: -1 }).T)
      .compute();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 5 }), async (r, c) => {
        const x = ca.fromArray(data, { chunks: [r, c] });
        expect((await ca.matmul(x, x.T).compute()).toArray()).toEqual(ref.toArray());
      }),
      { numRuns: 20 },
    );
  });

  test("errors name arguments and alternatives", () => {
    const a = ca.ones([6, 4], { chunks: 2 });
    expect(() => ca.matmul(a, a)).toThrow(/.*shape-mismatch for sum: a axis 1 has length 4, b axis 0 has 6/);
    expect(() => ca.linalg.qr(a)).toThrow(/Got row chunks=\[2, 2, 2\]; rechunk rows to at least 4/);
    expect(() => ca.linalg.solve(a, ca.ones([6]))).toThrow(/must be square. Got a shape=\[6, 4\]/);
    expect(() => ca.linalg.norm(a, { ord: 2 })).toThrow(/need singular values.*use ord "fro"/);
    expect(() => ca.matmul(ca.ones([2, 3, 4]), ca.ones([3, 4, 2]))).toThrow(/broadcastTo both/);
  });
});
