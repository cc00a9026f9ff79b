/** blockKey's per-rank templates and blockIndices' preallocated grid keep their exact output. */
import { describe, expect, test } from "vitest";
import { blockIndices } from "../../src/array/chunked-array.js";
import { blockKey } from "@chunked/core/internal";

describe("graph keys", () => {
  test("blockKey is the name, a slash and the comma-joined index, for every rank", () => {
    for (const index of [[], [0], [12], [3, 0], [0, 41], [1, 2, 3], [9, 8, 7, 6], [1, 2, 3, 4, 5]]) {
      expect(blockKey("mean-chunk-0123abcd", index)).toBe(`mean-chunk-0123abcd/${index.join(",")}`);
    }
  });

  test("blockIndices lists the grid in C order, one fresh array per index", () => {
    expect(blockIndices([2, 3])).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 0],
      [1, 1],
      [1, 2],
    ]);
    expect(blockIndices([])).toEqual([[]]);
    expect(blockIndices([3, 0])).toEqual([]);
    const grid = blockIndices([2, 2, 2]);
    expect(grid).toHaveLength(8);
    expect(grid[7]).toEqual([1, 1, 1]);
    grid[0][0] = 99;
    expect(grid[1][0]).toBe(0);
  });

  test("a 100k-block grid and its keys build", () => {
    const keys = blockIndices([316, 316]).map((idx) => blockKey("normal-0123456789ab", idx));
    expect(keys).toHaveLength(99856);
    expect(keys[99855]).toBe("normal-0123456789ab/315,315");
  });
});
