import { fc, test as propTest } from "@fast-check/vitest";
import { describe, expect, test } from "vitest";
import { isChunkedError } from "@chunked/core";
import { newaxis, type Selection, slice } from "@chunked/core";
import { applyGetitem } from "../../src/kernels/getitem.js";
import { getKernel } from "@chunked/core/internal";
import { NDArray } from "@chunked/core";
import { ndget } from "../../src/eager/getitem.js";
import { regionView } from "../../src/ndarray/region.js";
import { iota, referenceGet } from "./helpers.js";

const S = slice;

describe("ndget", () => {
  const a = iota([4, 5, 6]);

  test.each<[string, Selection]>([
    ["1, ..., 2", [1, "...", 2]],
    ["::-1, None, 1:4, ::2", [S(null, null, -1), newaxis, S(1, 4), S(null, null, 2)]],
    ["-1, -1, -1", [-1, -1, -1]],
    ["2:, 1:-1, 3:0:-1", [S(2, null), S(1, -1), S(3, 0, -1)]],
    ["0:0", [S(0, 0)]],
    ["..., None", ["...", newaxis]],
  ])("[%s] is a view equal to the reference", (_name, sel) => {
    const v = ndget(a, sel);
    expect(v.data).toBe(a.data);
    expect(v.toArray()).toEqual(referenceGet(a, sel).toArray());
  });

  test("views of views", () => {
    const v = ndget(ndget(a, [S(null, null, -1), 2]), [S(1, null), S(null, null, -2)]);
    expect(v.toArray()).toEqual(
      referenceGet(referenceGet(a, [S(null, null, -1), 2]), [S(1, null), S(null, null, -2)]).toArray(),
    );
    expect(v.copy().toArray()).toEqual(v.toArray());
  });

  test("a lone item and errors", () => {
    expect(ndget(a, 3).shape).toEqual([5, 6]);
    expect(() => ndget(a, [4])).toThrow("Index 4 is out of bounds for axis 0 with size 4.");
  });

  propTest.prop([
    fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 3 }),
    fc.array(
      fc.tuple(
        fc.option(fc.integer({ min: -7, max: 7 }), { nil: null }),
        fc.option(fc.integer({ min: -7, max: 7 }), { nil: null }),
        fc.integer({ min: -3, max: 3 }).filter((k) => k !== 0),
      ),
      { minLength: 3, maxLength: 3 },
    ),
  ])("matches the reference for random slices", (shape, parts) => {
    const b = iota(shape, "float64");
    const sel = shape.map((_, i) => S(...parts[i]));
    expect(ndget(b, sel).toArray()).toEqual(referenceGet(b, sel).toArray());
  });
});

describe("regionView", () => {
  const a = NDArray.from([
    [0, 1, 2],
    [3, 4, 5],
  ]);
  test("ranges, drops and new axes", () => {
    expect(
      regionView(
        a,
        [
          [1, 2, 1],
          [2, -1, -1],
        ],
        [0],
        [],
      ).toArray(),
    ).toEqual([5, 4, 3]);
    expect(regionView(a, [null, [0, 3, 2]], [], [0, 3]).shape).toEqual([1, 2, 2, 1]);
    expect(regionView(a, [null, null]).toArray()).toEqual(a.toArray());
  });
  test("bounds are checked", () => {
    expect(() => regionView(a, [[0, 3, 1], null])).toThrow(/out of bounds for axis 0/);
    try {
      regionView(a, [[0, 2, 1], null], [0]);
    } catch (err) {
      expect(isChunkedError(err, "InvalidSelectionError")).toBe(true);
    }
  });
});

describe("getitem.region kernel", () => {
  const block = iota([10, 10], "float64");
  test("returns a view when the result is more than half the block", () => {
    const out = applyGetitem(block, { region: [[1, 10, 1], null], drop: [], newaxes: [] });
    expect(out.data).toBe(block.data);
  });
  test("copies small results so big blocks are not kept alive", () => {
    const out = applyGetitem(block, { region: [[0, 10, 5], null], drop: [], newaxes: [] });
    expect(out.data).not.toBe(block.data);
    expect(out.data.length).toBe(20);
    expect(out.toArray()).toEqual(referenceGet(block, [S(null, null, 5)]).toArray());
  });
  test("is registered", () => {
    const out = getKernel("getitem.region")([block], {
      region: [
        [3, 4, 1],
        [9, -1, -1],
      ],
      drop: [0],
      newaxes: [1],
    }) as NDArray;
    expect(out.shape).toEqual([10, 1]);
    expect(out.toArray()).toEqual(referenceGet(block, [3, S(null, null, -1), newaxis]).toArray());
  });
});
