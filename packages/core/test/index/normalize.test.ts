import { describe, expect, test } from "vitest";
import { isChunkedError } from "@chunked/core";
import {
  expandSelection,
  formatSelection,
  normalizeSelection,
  selectionShape,
} from "../../src/index/normalize.js";
import { newaxis, slice } from "@chunked/core";

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected an error");
}

describe("normalizeSelection", () => {
  test("integers, slices, ellipsis and newaxis", () => {
    expect(normalizeSelection([1, "...", slice(null, null, -2)], [4, 5, 6])).toEqual([
      { kind: "index", axis: 0, index: 1 },
      { kind: "slice", axis: 1, start: 0, stop: 5, step: 1, length: 5 },
      { kind: "slice", axis: 2, start: 5, stop: -1, step: -2, length: 3 },
    ]);
    expect(normalizeSelection([-1, newaxis], [3, 2])).toEqual([
      { kind: "index", axis: 0, index: 2 },
      { kind: "newaxis" },
      { kind: "slice", axis: 1, start: 0, stop: 2, step: 1, length: 2 },
    ]);
    expect(normalizeSelection([slice(-100, 100)], [5])).toEqual([
      { kind: "slice", axis: 0, start: 0, stop: 5, step: 1, length: 5 },
    ]);
    expect(normalizeSelection([], [])).toEqual([]);
    expect(normalizeSelection([newaxis, "..."], [])).toEqual([{ kind: "newaxis" }]);
  });

  test("result shape", () => {
    expect(selectionShape(normalizeSelection([newaxis, 1, slice(1, null, 2)], [4, 5, 6]))).toEqual([1, 2, 6]);
  });

  test("expandSelection pads and expands the ellipsis", () => {
    expect(expandSelection([1], 3)).toEqual([1, null, null]);
    expect(expandSelection(["...", 1], 3)).toEqual([null, null, 1]);
    expect(expandSelection([newaxis, "...", newaxis], 1)).toEqual([newaxis, null, newaxis]);
  });

  test("formatSelection", () => {
    expect(formatSelection([null, slice(null, null, 2), 3, newaxis, "..."])).toBe(":, ::2, 3, None, ...");
  });

  test("out of bounds (dask's check_index wording)", () => {
    const err = errorOf(() => normalizeSelection([5], [5]));
    expect(isChunkedError(err, "InvalidSelectionError")).toBe(true);
    expect(err.message).toBe("Index 5 is out of bounds for axis 0 with size 5.");
    expect(errorOf(() => normalizeSelection([0, -4], [5, 3])).message).toBe(
      "Index -4 is out of bounds for axis 1 with size 3.",
    );
    expect(errorOf(() => normalizeSelection([0], [0])).message).toMatch(
      /Index 0 is out of bounds for axis 0 with size 0/,
    );
  });

  test("zero step", () => {
    const err = errorOf(() => normalizeSelection([null, slice(null, null, 0)], [5, 8]));
    expect(isChunkedError(err, "InvalidSelectionError")).toBe(true);
    expect(err.message).toBe('Slice step cannot be zero. Got step=0 in ":, ::0".');
  });

  test("too many indices", () => {
    expect(errorOf(() => normalizeSelection([0, 1, 2], [3, 4])).message).toBe(
      'Too many indices for array: array is 2-dimensional, but 3 were indexed. Got selection="0, 1, 2".',
    );
    expect(() => normalizeSelection([newaxis, 0, 1, newaxis], [3, 4])).not.toThrow();
  });

  test("one ellipsis only", () => {
    expect(errorOf(() => normalizeSelection(["...", 0, "..."], [3, 4])).message).toMatch(
      /^An index can only have a single ellipsis/,
    );
  });

  test("invalid entries", () => {
    expect(errorOf(() => normalizeSelection([1.5], [3])).message).toMatch(
      /^Only integers, slices.*Got 1\.5 at position 0/,
    );
    expect(errorOf(() => normalizeSelection([true as any], [3])).message).toMatch(/Got true at position 0/);
    expect(errorOf(() => normalizeSelection(["x" as any], [3])).message).toMatch(/Got "x"/);
    const fancy = errorOf(() => normalizeSelection([[0, 1] as any], [3]));
    expect(isChunkedError(fancy, "UnsupportedError")).toBe(true);
    expect(errorOf(() => normalizeSelection([slice(0.5, 2)], [3])).message).toMatch(
      /^Slice indices must be integers or null\. Got start=0\.5/,
    );
    expect(errorOf(() => normalizeSelection([slice(0, Number.POSITIVE_INFINITY)], [3])).message).toMatch(
      /stop=Infinity/,
    );
  });
});
