import {
  type ChunkSpec,
  InvalidChunksError,
  type NormalizeChunksOptions,
  normalizeChunks,
} from "@chunked/core";
import { describe, expect, test } from "vitest";

const repeat = (n: number, times: number) => new Array<number>(times).fill(n);

// [spec, shape, options, expected chunks]. Rows without options follow dask's normalize_chunks doctests.
const CASES: [string, ChunkSpec, number[], NormalizeChunksOptions, number[][]][] = [
  [
    "one size per axis",
    [4, 3],
    [10, 6],
    {},
    [
      [4, 4, 2],
      [3, 3],
    ],
  ],
  [
    "one size for all axes",
    3,
    [7, 5],
    {},
    [
      [3, 3, 1],
      [3, 2],
    ],
  ],
  ["explicit sizes", [[1000, 1000, 500], [700]], [2500, 700], {}, [[1000, 1000, 500], [700]]],
  ["by axis, missing axes whole", { 0: 2 }, [5, 4], {}, [[2, 2, 1], [4]]],
  ["negative axis key", { [-1]: 3 }, [2, 7], {}, [[2], [3, 3, 1]]],
  ["-1 is the whole axis", [-1, 2], [5, 4], {}, [[5], [2, 2]]],
  ["null is the whole axis", [null, 2], [5, 4], {}, [[5], [2, 2]]],
  ["empty axis", [0], [0], {}, [[0]]],
  ["chunk larger than the axis", [10], [3], {}, [[3]]],
  ["0-d", [], [], {}, []],
  // "auto": square-ish blocks under the byte limit (128 MiB = 2^24 float64 elements: 4096²).
  [
    "auto, float64",
    "auto",
    [20000, 20000],
    { dtype: "float64" },
    repeat(0, 2).map(() => [...repeat(4096, 4), 3616]),
  ],
  [
    "auto next to a fixed axis",
    ["auto", 100],
    [20000, 20000],
    { dtype: "float64" },
    [[20000], repeat(100, 200)],
  ],
  ["auto of a small array", "auto", [10, 10], { dtype: "float64" }, [[10], [10]]],
  [
    "auto of an array with no elements: one block",
    "auto",
    [9, 1e12, 0],
    { dtype: "int64" },
    [[9], [1e12], [0]],
  ],
  [
    "auto under a limit",
    "auto",
    [100, 100],
    { dtype: "float64", limit: 800 },
    [repeat(10, 10), repeat(10, 10)],
  ],
  // previousChunks: auto blocks are multiples of the storage chunks.
  [
    "previous chunks, grown",
    "auto",
    [20000, 20000],
    { dtype: "float64", previousChunks: [1000, 1000] },
    [repeat(4000, 5), repeat(4000, 5)],
  ],
  [
    "previous chunks, one axis whole",
    "auto",
    [100000, 100],
    { dtype: "float64", previousChunks: [10, 100] },
    [[100000], [100]],
  ],
  [
    "previous chunks, shrunk under the limit",
    "auto",
    [100, 100],
    { dtype: "float64", limit: 800, previousChunks: [50, 50] },
    [repeat(10, 10), repeat(10, 10)],
  ],
];

describe("normalizeChunks", () => {
  test.each(CASES)("%s", (_, spec, shape, options, expected) => {
    const chunks = normalizeChunks(spec, shape, options);
    expect(chunks).toEqual(expected);
    expect(chunks.map((c) => c.reduce((a, b) => a + b, 0))).toEqual(shape);
  });

  test.each([
    ["chunks that do not add up", [[2, 2]], [5], {}, "Chunks do not add up to shape"],
    ["wrong number of axes", [2, 2], [5], {}, "Chunks and shape must be of the same length"],
    ["zero size", [0], [5], {}, "Chunk sizes must be positive integers"],
    ["fractional size", [1.5], [5], {}, "Chunk sizes must be positive integers"],
    ["axis key out of range", { 2: 1 }, [5], {}, "Chunk spec names axis 2"],
    ["auto without a dtype", "auto", [5], {}, '"auto" chunks need a dtype'],
  ] as [string, ChunkSpec, number[], NormalizeChunksOptions, string][])(
    "%s throws",
    (_, spec, shape, options, message) => {
      expect(() => normalizeChunks(spec, shape, options)).toThrow(InvalidChunksError);
      expect(() => normalizeChunks(spec, shape, options)).toThrow(message);
    },
  );
});
