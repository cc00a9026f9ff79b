import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { concatenate } from "@chunked/core";
import { ravel, reshape } from "@chunked/core";
import { NDArray } from "@chunked/core";
import { assertClose } from "@chunked/core/testing";
import { arbChunksFor } from "@chunked/core/testing/arbitraries";
import { chunked, evaluate, iota } from "./helpers.js";

function primeFactors(n: number): number[] {
  const out: number[] = [];
  for (let p = 2; n > 1; p++) {
    while (n % p === 0) {
      out.push(p);
      n /= p;
    }
  }
  return out;
}

describe("reshape", () => {
  it("splits and merges axes with dask-like chunks", async () => {
    const x = chunked(iota([24]), 6);
    const y = reshape(x, [4, 6]);
    expect(y.chunks).toEqual([[1, 1, 1, 1], [6]]);
    assertClose(await evaluate(y), iota([4, 6]));
    const m = reshape(chunked(iota([4, 6]), 2), [-1]);
    expect(m.chunks).toEqual([[12, 12]]);
    assertClose(await evaluate(m), iota([24]));
  });

  it("moves block boundaries to whole output rows", async () => {
    const x = chunked(iota([24]), 5);
    const y = reshape(x, [4, 6]);
    expect(y.chunks[1]).toEqual([6]);
    expect(y.chunks[0].reduce((a, b) => a + b)).toBe(4);
    assertClose(await evaluate(y), iota([4, 6]));
  });

  it("keeps untouched axes' chunks and handles length-1 axes", async () => {
    const x = chunked(iota([5, 6]), [
      [2, 3],
      [3, 3],
    ]);
    const y = reshape(x, [5, 1, 6]);
    expect(y.chunks).toEqual([[2, 3], [1], [3, 3]]);
    assertClose(await evaluate(y), iota([5, 1, 6]));
    const z = reshape(chunked(iota([1, 6, 1]), [[1], [2, 4], [1]]), [6]);
    expect(z.chunks).toEqual([[2, 4]]);
    assertClose(await evaluate(z), iota([6]));
  });

  it("returns the input for the same shape; empty arrays need no input blocks", async () => {
    const x = chunked(iota([3, 4]), 2);
    expect(reshape(x, [3, -1])).toBe(x);
    const e = reshape(chunked(NDArray.zeros("int8", [0, 4]), [[0], [2, 2]]), [2, 0]);
    expect(e.shape).toEqual([2, 0]);
    expect(e.dtype).toBe("int8");
    expect((await evaluate(e)).shape).toEqual([2, 0]);
  });

  it("validates the shape with NumPy's messages", () => {
    const x = chunked(iota([3, 4]), 2);
    expect(() => reshape(x, [5])).toThrow(/cannot reshape array of size 12 into shape \[5\]/);
    expect(() => reshape(x, [-1, -1])).toThrow(/can only specify one unknown dimension/);
    expect(() => reshape(x, [-1, 5])).toThrow(/cannot reshape array of size 12/);
    expect(() => reshape(x, [-2, -6])).toThrow(/negative dimensions not allowed/);
  });

  it("ravel and concatenate(axis=null) flatten in C order", async () => {
    const a = chunked(iota([2, 3]), [
      [1, 1],
      [2, 1],
    ]);
    assertClose(await evaluate(ravel(a)), iota([6]));
    const y = concatenate([a, a], { axis: null });
    expect(y.shape).toEqual([12]);
    const out = await evaluate(y);
    expect(out.toArray()).toEqual([0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5]);
  });

  test.prop(
    [
      fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }).chain((shape) =>
        fc.record({
          shape: fc.constant(shape),
          chunks: arbChunksFor(shape),
          cuts: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
          ones: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }),
        }),
      ),
    ],
    { numRuns: 80 },
  )("values follow C order for any regrouping of the factors", async ({ shape, chunks, cuts, ones }) => {
    const factors = shape.flatMap((n) => (n === 1 ? [1] : primeFactors(n)));
    const target: number[] = [];
    let acc = 1;
    factors.forEach((f, k) => {
      acc *= f;
      if (k === factors.length - 1 || cuts[k % cuts.length]) {
        target.push(acc);
        acc = 1;
      }
    });
    for (const pos of ones) target.splice(Math.min(pos, target.length), 0, 1);
    const a = iota(shape);
    const y = reshape(chunked(a, chunks), target);
    expect(y.shape).toEqual(target);
    assertClose(await evaluate(y), a.reshape(target));
  });
});
