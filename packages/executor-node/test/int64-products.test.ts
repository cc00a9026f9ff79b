/**
 * Integer matrix products (core's int64 goldens: matmul, tensordot, dot, outer, einsum, which wrap
 * modulo 2^32 or 2^64 as NumPy's) on the pool: they match NumPy and are identical to in-process
 * results over several chunkings, partials summed two at a time so sums cross threads.
 */
import * as ca from "@chunked/core";
import type { NDArray } from "@chunked/core/internal";
import { assertGolden, assertIdentical, chunkingsFor, type GoldenFamily } from "@chunked/core/testing";
import { loadGolden } from "@chunked/core/testing/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodePool } from "../src/index.js";

const products: Record<string, (xs: ca.ChunkedArray[], kw: Record<string, any>) => ca.ChunkedArray> = {
  matmul: ([a, b]) => ca.matmul(a, b, { splitEvery: 2 }),
  tensordot: ([a, b], kw) => ca.tensordot(a, b, kw.axes, { splitEvery: 2 }),
  dot: ([a, b]) => ca.dot(a, b, { splitEvery: 2 }),
  outer: ([a, b]) => ca.outer(a, b),
  einsum: (xs, kw) => ca.einsum(kw.subscripts, ...xs, { splitEvery: 2 }),
};

describe("integer products on the pool", () => {
  let pool: NodePool;
  beforeAll(() => {
    pool = new NodePool({ workers: 2 });
  });
  afterAll(() => pool.close());

  it("match NumPy and the in-process executor bit for bit", async () => {
    // GoldenFamily lists only the core families; int64.json has the same format.
    const cases = loadGolden("int64" as GoldenFamily).cases.filter((c) => c.op in products);
    let computed = 0;
    for (const c of cases) {
      for (let k = 1; k < 4; k++) {
        const xs = c.inputs.map((input: unknown) => {
          const a = input as NDArray;
          const options = chunkingsFor(a.shape);
          return ca.fromArray(a, { chunks: options[Math.min(k, options.length - 1)] });
        });
        const y = products[c.op](xs, c.kwargs);
        const label = `${c.id} chunking #${k}`;
        const [onPool] = await ca.compute([y], { executor: pool });
        const [inProcess] = await ca.compute([y]);
        assertGolden(onPool, c, { label });
        assertIdentical(onPool, inProcess, label);
        computed++;
      }
    }
    expect(computed).toBe(cases.length * 3);
  }, 300_000);
});
