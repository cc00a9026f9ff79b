import { describe, expect, test } from "vitest";
import {
  GOLDEN_FAMILIES,
  assertGolden,
  decodeArray,
  decodeGolden,
  decodeKwargs,
  decodeNumber,
  referenceGetitem,
  selectionToSyntax,
  type GoldenFileJSON,
  type GoldenSelectionItem,
} from "@chunked/core/testing";
import { loadGolden } from "@chunked/core/testing/node";
import type { NDArray } from "@chunked/core";

describe("decoding", () => {
  test("nan/inf strings become numbers", () => {
    expect(decodeNumber("nan")).toBeNaN();
    expect(decodeNumber("inf")).toBe(Number.POSITIVE_INFINITY);
    expect(decodeNumber("-inf")).toBe(Number.NEGATIVE_INFINITY);
    expect(decodeNumber(-0)).toBe(-0);
    expect(() => decodeNumber("NaN")).toThrow(/not a number/);
  });

  test("arrays keep dtype, shape and C order", () => {
    const a = decodeArray({ dtype: "float32", shape: [2, 2], data: [1.5, "nan", "-inf", 0.1] });
    expect(a.dtype).toBe("float32");
    expect(a.data).toBeInstanceOf(Float32Array);
    expect(a.shape).toEqual([2, 2]);
    expect(a.item(0, 0)).toBe(1.5);
    expect(a.item(0, 1)).toBeNaN();
    expect(a.item(1, 0)).toBe(Number.NEGATIVE_INFINITY);
    expect(a.item(1, 1)).toBe(Math.fround(0.1));
  });

  test("bool is 0/1 over a Uint8Array, 0-d has one value", () => {
    const b = decodeArray({ dtype: "bool", shape: [3], data: [1, 0, 1] });
    expect(b.dtype).toBe("bool");
    expect(b.toArray()).toEqual([true, false, true]);
    const s = decodeArray({ dtype: "int8", shape: [], data: [-128] });
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(-128);
  });

  test("int64/uint64 decode to bigints; unknown dtypes and bad lengths throw", () => {
    expect(decodeArray({ dtype: "int64", shape: [1], data: [2 ** 53] }).item(0)).toBe(2n ** 53n);
    expect(decodeArray({ dtype: "uint64", shape: [1], data: ["18446744073709551615"] }).item(0)).toBe(
      2n ** 64n - 1n,
    );
    expect(() => decodeArray({ dtype: "float16", shape: [1], data: [1] })).toThrow(/float16/);
    expect(() => decodeArray({ dtype: "int32", shape: [2, 2], data: [1, 2, 3] })).toThrow(
      /3 values, expected 4/,
    );
  });

  test("kwargs: only the special strings are decoded", () => {
    expect(
      decodeKwargs({
        fillValue: "-inf",
        selection: ["...", "newaxis", { slice: [null, 2, null] }],
        syntax: "...",
      }),
    ).toEqual({
      fillValue: Number.NEGATIVE_INFINITY,
      selection: ["...", "newaxis", { slice: [null, 2, null] }],
      syntax: "...",
    });
  });

  test("decodeGolden decodes int64 exactly, scalars and errors", () => {
    const json: GoldenFileJSON = {
      numpy: "2.0.0",
      cases: [
        {
          id: "sum",
          op: "sum",
          kwargs: { axis: null },
          inputs: [{ dtype: "int32", shape: [2], data: [1, 2] }],
          expected: { dtype: "int64", shape: [2], data: [3, "9007199254740993"] },
        },
        {
          id: "add",
          op: "add",
          kwargs: {},
          inputs: [{ dtype: "float32", shape: [1], data: ["inf"] }, { scalar: 2.5 }],
          expected: { dtype: "float32", shape: [1], data: ["inf"] },
        },
      ],
      errors: [
        { id: "e", op: "sum", kwargs: { axis: 2 }, inputs: [], error: "AxisError", message: "axis 2" },
      ],
    };
    const g = decodeGolden(json, "reductions");
    expect(g.cases[0].numpyDtype).toBe("int64");
    expect(g.cases[0].expected.dtype).toBe("int64");
    expect(g.cases[0].expected.toArray()).toEqual([3n, 2n ** 53n + 1n]);
    expect(g.cases[1].inputs[1]).toBe(2.5);
    expect(g.errors[0]).toMatchObject({ family: "reductions", error: "AxisError" });
  });

  test("selectionToSyntax writes NumPy syntax", () => {
    const items: GoldenSelectionItem[] = [
      { slice: [null, null, -2] },
      { int: 3 },
      "newaxis",
      "...",
      { slice: [1, null, null] },
    ];
    expect(selectionToSyntax(items)).toBe("::-2, 3, None, ..., 1:");
    expect(selectionToSyntax([{ slice: [null, null, null] }])).toBe(":");
  });
});

describe.each(GOLDEN_FAMILIES)("fixtures/golden/%s.json", (family) => {
  const golden = loadGolden(family);

  test("decodes, records NumPy's version and has unique ids", () => {
    expect(golden.numpy).toMatch(/^\d+\.\d+/);
    expect(golden.promotion).toBe("weak");
    expect(golden.cases.length).toBeGreaterThan(0);
    const ids = [...golden.cases, ...golden.errors].map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of golden.cases) {
      expect(c.family).toBe(family);
      expect(c.numpyDtype).toBe(c.expected.dtype);
    }
  });
});

// The indexing goldens double as a check of the reference indexer (and it of them).
describe("indexing goldens agree with referenceGetitem", () => {
  const { cases, errors } = loadGolden("indexing");
  test.each(cases.map((c) => [c.id, c] as const))("%s", (_, c) => {
    expect(selectionToSyntax(c.kwargs.selection)).toBe(
      c.kwargs.syntax.replaceAll(" ", "").split(",").join(", "),
    );
    assertGolden(referenceGetitem(c.inputs[0] as NDArray, c.kwargs.selection), c);
  });
  test.each(errors.map((c) => [c.id, c] as const))("%s raises", (_, c) => {
    expect(() => referenceGetitem(c.inputs[0] as NDArray, c.kwargs.selection)).toThrow();
  });
});
