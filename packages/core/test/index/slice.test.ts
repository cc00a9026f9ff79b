import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { isFullSlice, newaxis, rangeLength, Slice, slice, sliceIndices } from "../../src/index/slice.js";

const table = JSON.parse(readFileSync(new URL("./slice-indices.json", import.meta.url), "utf8")) as {
  rows: [number, number | null, number | null, number | null, number, number, number, number][];
};

describe("slice()", () => {
  test("Python overloads", () => {
    expect(slice(5)).toEqual(new Slice(null, 5, null));
    expect(slice(null)).toEqual(new Slice(null, null, null));
    expect(slice(2, 5)).toEqual(new Slice(2, 5, null));
    expect(slice(2, null, -1)).toEqual(new Slice(2, null, -1));
    expect(slice(undefined, undefined, 3)).toEqual(new Slice(null, null, 3));
  });

  test("toString is NumPy syntax", () => {
    expect(String(slice(null))).toBe(":");
    expect(String(slice(1, 10, 2))).toBe("1:10:2");
    expect(String(slice(null, null, -1))).toBe("::-1");
    expect(String(slice(-3, null))).toBe("-3:");
  });

  test("newaxis is one shared symbol", () => {
    expect(typeof newaxis).toBe("symbol");
    expect(newaxis).toBe(Symbol.for("@chunked/newaxis"));
  });

  test("isFullSlice", () => {
    expect(isFullSlice(null)).toBe(true);
    expect(isFullSlice(slice(null))).toBe(true);
    expect(isFullSlice(slice(null, null, 1))).toBe(true);
    expect(isFullSlice(slice(0, null))).toBe(false);
    expect(isFullSlice(slice(null, null, -1))).toBe(false);
    expect(isFullSlice(3)).toBe(false);
  });
});

describe("slice.indices matches CPython", () => {
  test(`${table.rows.length} cases from CPython`, () => {
    for (const [n, a, b, k, s, e, st, len] of table.rows) {
      const got = slice(a, b, k).indices(n);
      expect({ n, a, b, k, got }).toEqual({ n, a, b, k, got: [s, e, st] });
      expect(rangeLength(s, e, st)).toBe(len);
      expect(sliceIndices(a, b, k, n)).toEqual([s, e, st]);
    }
  });
});
