import { expect, test } from "vitest";
import { SPLIT_EVERY_VALUES, chunkingsFor } from "@chunked/core/testing";

const sums = (spec: number[][]) => spec.map((axis) => axis.reduce((a, b) => a + b, 0));

test("chunkingsFor covers one block, regular, ragged and size-1 blocks", () => {
  expect(chunkingsFor([7, 2])).toEqual([
    [[7], [2]],
    [[2, 2, 2, 1], [2]],
    [[3, 3, 1], [2]],
    [[1, 3, 2, 1], [2]],
    [
      [1, 1, 1, 1, 1, 1, 1],
      [1, 1],
    ],
  ]);
});

test.each([[[]], [[1]], [[7]], [[5, 6]], [[3, 4, 5]], [[4, 1, 6]], [[1, 1]], [[0, 3]], [[10]]])(
  "every chunking of %j sums to the shape, without duplicates",
  (shape) => {
    const specs = chunkingsFor(shape);
    expect(specs.length).toBeGreaterThan(0);
    expect(new Set(specs.map((s) => JSON.stringify(s))).size).toBe(specs.length);
    for (const spec of specs) {
      expect(sums(spec)).toEqual(shape);
      expect(spec.flat().every((b) => b > 0 || shape.includes(0))).toBe(true);
    }
  },
);

test("0-d and size-1 shapes have a single chunking", () => {
  expect(chunkingsFor([])).toEqual([[]]);
  expect(chunkingsFor([1, 1])).toEqual([[[1], [1]]]);
});

test("maxBlocks drops large chunkings but keeps one block", () => {
  const specs = chunkingsFor([10_000]);
  expect(specs[0]).toEqual([[10_000]]);
  expect(specs.every((s) => s[0].length <= 4096)).toBe(true);
  expect(chunkingsFor([5, 6], { maxBlocks: 1 })).toEqual([[[5], [6]]]);
});

test("splitEvery values include dask's 2", () => {
  expect(SPLIT_EVERY_VALUES).toContain(2);
});
