/**
 * An int64 reduction over one block read by an elementwise op is fused into one loop task
 * (optimize/fuse-reduction.ts); the loop reads numbers, so bigint blocks run the kernels it was
 * fused from. Same values as the unfused graph, wrapping as NumPy does.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import * as ca from "@chunked/core";

const arbInt64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });

async function bothWays(y: ca.ChunkedArray) {
  const [fused] = await ca.compute([y]);
  const [plain] = await ca.compute([y], { optimize: false });
  return { fused: fused.toArray(), plain: plain.toArray() };
}

describe("fused inner reductions over int64 blocks", () => {
  test("sqrt(sum(x as float64)) and linalg.norm of a one-block int64 array", async () => {
    const x = ca.fromArray(BigInt64Array.from([3n, 4n]), { chunks: 2 });
    const { fused, plain } = await bothWays(ca.sqrt(ca.sum(x.astype("float64"))));
    expect(fused).toBe(Math.sqrt(7));
    expect(fused).toEqual(plain);
    expect((await ca.linalg.norm(x).compute()).item()).toBe(5);
  });

  test("(x * x).sum(-1) + 1 wraps modulo 2^64 like the unfused graph, for any int64 values", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbInt64, { minLength: 6, maxLength: 6 }), async (values) => {
        const x = ca
          .fromArray(BigInt64Array.from(values), { chunks: [3] })
          .reshape([2, 3])
          .rechunk([1, 3]);
        const { fused, plain } = await bothWays(x.mul(x).sum({ axis: -1 }).add(1));
        const want = [0, 1].map((r) =>
          BigInt.asIntN(64, values.slice(3 * r, 3 * r + 3).reduce((s, v) => s + v * v, 0n) + 1n),
        );
        expect(plain).toEqual(want);
        expect(fused).toEqual(want);
      }),
      { numRuns: 30 },
    );
  });
});
