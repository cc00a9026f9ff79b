import fc from "fast-check";
import { describe, expect, test } from "vitest";
import * as ca from "@chunked/core";
import { NDArray } from "@chunked/core";
import { gemm } from "../../src/kernels/linalg.js";
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

describe("gemm (the blocked kernel under matmul, tensordot and TSQR)", () => {
  /** The textbook triple loop. */
  function reference(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
    const c = new Float64Array(m * n);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
        c[i * n + j] = s;
      }
    return c;
  }

  test("equals the triple loop across its panel and tile edges (shapes not multiples of 4, past KC, MC and NC)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 3, 4, 5, 63, 64, 67),
        fc.constantFrom(1, 2, 255, 256, 300),
        fc.constantFrom(1, 4, 7, 1023, 1030),
        fc.integer({ min: 0, max: 1000 }),
        (m, k, n, seed) => {
          let state = seed + 1;
          const rand = () => ((state = (state * 16807) % 2147483647) / 2147483647) * 2 - 1;
          const a = Float64Array.from({ length: m * k }, rand);
          const b = Float64Array.from({ length: k * n }, rand);
          const c = Float64Array.from({ length: m * n }, rand);
          const want = reference(a, b, m, k, n).map((v, i) => v + c[i]);
          gemm(a, b, c, m, k, n);
          let worst = 0;
          for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(c[i] - want[i]));
          expect(worst).toBeLessThan(1e-12 * k + 1e-13);
        },
      ),
      { numRuns: 15 },
    );
  });

  test("computes every product, so 0 · Inf is NaN as in BLAS", () => {
    const c = new Float64Array(1);
    gemm(Float64Array.of(0, 1), Float64Array.of(Number.POSITIVE_INFINITY, 2), c, 1, 2, 1);
    expect(c[0]).toBeNaN();
  });
});
