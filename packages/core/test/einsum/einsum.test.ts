import fc from "fast-check";
import { describe, expect, test } from "vitest";
import * as ca from "@chunked/core";
import { goldenSuite } from "../support/golden-families.js";

const byLayout = (layout: any, inputs: ca.ChunkedArray[]): ca.BlockList =>
  Array.isArray(layout) ? layout.map((l) => byLayout(l, inputs)) : inputs[layout];

describe("einsum goldens", () => {
  goldenSuite("einsum", { einsum: (inputs, kw) => ca.einsum(kw.subscripts, ...inputs) });
});

describe("block goldens", () => {
  goldenSuite("block", { block: (inputs, kw) => ca.block(byLayout(kw.layout, inputs)) });
});

const matrix = (rows: number, cols: number, seed: number) =>
  ca.NDArray.from(
    Array.from({ length: rows }, (_, i) =>
      Array.from({ length: cols }, (_, j) => ((i * 7 + j * 3 + seed) % 11) - 5),
    ),
  );

describe("einsum", () => {
  test("chunk invariance: every chunking of the operands gives the unchunked result", async () => {
    const a = matrix(6, 5, 1);
    const b = matrix(5, 4, 2);
    const subscripts = ["ij,jk->ik", "ij,jk->ki", "ij,jk->", "ij,jk->j", "ij,ik->jk"];
    const chunk = (n: number) => fc.integer({ min: 1, max: n });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...subscripts),
        chunk(6),
        chunk(5),
        chunk(5),
        chunk(4),
        fc.integer({ min: 2, max: 4 }),
        async (sub, r0, r1, s0, s1, splitEvery) => {
          const bb = sub === "ij,ik->jk" ? matrix(6, 4, 2) : b;
          const whole = await ca
            .einsum(sub, ca.fromArray(a, { chunks: -1 }), ca.fromArray(bb, { chunks: -1 }))
            .compute();
          const x = ca.fromArray(a, { chunks: [r0, r1] });
          const y = ca.fromArray(bb, { chunks: [sub === "ij,ik->jk" ? r0 : s0, s1] });
          const got = await ca.einsum(sub, x, y, { splitEvery }).compute();
          expect(got.toArray()).toEqual(whole.toArray());
        },
      ),
      { numRuns: 40 },
    );
  });

  test("a summed label split over several blocks is tree-summed, at most splitEvery per task", () => {
    const x = ca.ones([4, 40], { chunks: [4, 5] });
    const y = ca.ones([40, 3], { chunks: [5, 3] });
    const z = ca.einsum("ij,jk->ik", x, y, { splitEvery: 3 });
    const tasks = [...z.graph().values()].filter((t) => t.key.startsWith("einsum-sum"));
    expect(Math.max(...tasks.map((t) => t.deps.length))).toBeLessThanOrEqual(3);
  });

  test("int64 operands give exact int64 results within 2^53", async () => {
    const x = ca.fromArray(
      ca.NDArray.from([
        [1n, 2n],
        [3n, 4n],
      ]),
      { chunks: 1 },
    );
    const y = ca.fromArray(ca.NDArray.from([[5n], [7n]]), { chunks: 1 });
    const z = ca.einsum("ij,jk->ik", x, y);
    expect(z.dtype).toBe("int64");
    expect((await z.compute()).toArray()).toEqual([[19n], [43n]]);
  });

  test.each([
    ["ij,jk", 1, "fewer operands provided"],
    ["ij", 2, "more operands provided"],
    ["ijk", 1, "too many subscripts for operand 0"],
    ["i", 1, "no '...' ellipsis"],
    ["i1", 1, "invalid subscript '1'"],
    ["ij->ii", 1, "output subscript 'i' multiple times"],
    ["ij->k", 1, "output subscript 'k' which never appeared"],
    ["ij..", 1, "not part of an ellipsis"],
  ])("%s with %i operand(s) fails at build time: %s", (sub, n, message) => {
    const a = ca.ones([2, 3]);
    const ops = Array.from({ length: n }, () => a);
    expect(() => ca.einsum(sub, ...ops)).toThrow(ca.InvalidArgumentError);
    expect(() => ca.einsum(sub, ...ops)).toThrow(message);
  });

  test("mismatched sizes name the operands and the subscript", () => {
    expect(() => ca.einsum("ij,jk", ca.ones([2, 3]), ca.ones([4, 5]))).toThrow(
      /subscript 'j' has size 3 in operand 0 and size 4 in operand 1/,
    );
    expect(() => ca.einsum("ii", ca.ones([2, 3]))).toThrow(
      /operand 0 for collapsing index 'i' don't match \(2 != 3\)/,
    );
    expect(() => ca.einsum("...ij", ca.ones([2, 3]), ca.ones([2, 3]))).toThrow(ca.InvalidArgumentError);
  });

  test("unknown chunk sizes are refused at build time naming computeChunkSizes", () => {
    const x = ca.arange(6, { chunks: 2 });
    const m = ca.booleanMask(x, ca.greater(x, 2));
    expect(() => ca.einsum("i,i", m, m)).toThrow(/computeChunkSizes/);
  });
});

describe("block", () => {
  test("chunks of the pieces are kept, blocks are not copied", () => {
    const a = ca.ones([2, 3], { chunks: [1, 3] });
    const b = ca.zeros([2, 4], { chunks: [1, 2] });
    const c = ca.block([a, b]);
    expect(c.shape).toEqual([2, 7]);
    expect(c.chunks).toEqual([
      [1, 1],
      [3, 2, 2],
    ]);
  });

  test("bad nesting fails at build time naming the place", () => {
    const a = ca.ones([2]);
    expect(() => ca.block([[a], a])).toThrow(/List depths are mismatched.*arrays\[1\]/);
    expect(() => ca.block([a, []])).toThrow(/Lists cannot be empty.*arrays\[1\]/);
    expect(() => ca.block([a, 3 as any])).toThrow(ca.InvalidArgumentError);
    expect(() => ca.block([[ca.ones([2, 2])], [ca.ones([3])]])).toThrow(/dimension 1/);
  });
});
