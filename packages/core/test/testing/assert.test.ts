import { describe, expect, test } from "vitest";
import { NDArray } from "@chunked/core";
import {
  AssertionError,
  assertClose,
  assertGolden,
  assertIdentical,
  decodeGolden,
  toleranceFor,
} from "@chunked/core/testing";

const f64 = (v: number[], shape?: number[]) => NDArray.from(Float64Array.from(v), { shape });
const f32 = (v: number[]) => NDArray.from(Float32Array.from(v));

describe("assertClose tolerances", () => {
  test("float64: rtol 1e-12 elementwise, 1e-10 for reductions", () => {
    expect(() => assertClose(f64([0.1 + 0.2]), f64([0.3]))).not.toThrow();
    expect(() => assertClose(f64([1 + 1e-13]), f64([1]))).not.toThrow();
    expect(() => assertClose(f64([1 + 1e-11]), f64([1]))).toThrow(AssertionError);
    expect(() => assertClose(f64([1 + 1e-11]), f64([1]), { reduction: true })).not.toThrow();
    expect(() => assertClose(f64([1 + 1e-9]), f64([1]), { reduction: true })).toThrow(AssertionError);
  });

  test("float32: rtol 1e-5", () => {
    expect(() => assertClose(f32([1.000001]), f32([1]))).not.toThrow();
    expect(() => assertClose(f32([1.0001]), f32([1]))).toThrow(/rtol=0.00001|rtol=1e-5/);
  });

  test("integers and bool are exact", () => {
    const i = (v: number[]) => NDArray.from(Int32Array.from(v));
    expect(() => assertClose(i([1, 2]), i([1, 2]))).not.toThrow();
    expect(() => assertClose(i([1, 3]), i([1, 2]))).toThrow(/exact comparison/);
    const b = (v: number[]) => NDArray.from(Uint8Array.from(v), { dtype: "bool" });
    expect(() => assertClose(b([1, 0]), b([1, 1]))).toThrow(/index \[1\]/);
    expect(toleranceFor("uint16")).toEqual({ rtol: 0, atol: 0 });
  });

  test("NaN equals NaN; NaN vs number, inf vs -inf differ; -0 equals 0", () => {
    expect(() => assertClose(f64([Number.NaN, 1]), f64([Number.NaN, 1]))).not.toThrow();
    expect(() => assertClose(f64([Number.NaN]), f64([Number.NaN]), { equalNan: false })).toThrow();
    expect(() => assertClose(f64([Number.NaN]), f64([1]))).toThrow(/actual=nan, expected=1/);
    expect(() => assertClose(f64([1]), f64([Number.NaN]))).toThrow(/actual=1, expected=nan/);
    expect(() => assertClose(f64([Number.POSITIVE_INFINITY]), f64([Number.POSITIVE_INFINITY]))).not.toThrow();
    expect(() => assertClose(f64([Number.POSITIVE_INFINITY]), f64([Number.NEGATIVE_INFINITY]))).toThrow(
      /actual=inf, expected=-inf/,
    );
    expect(() => assertClose(f64([1e308]), f64([Number.POSITIVE_INFINITY]))).toThrow();
    expect(() => assertClose(f64([-0]), f64([0]))).not.toThrow();
  });

  test("explicit rtol/atol override the defaults", () => {
    expect(() => assertClose(f64([1.01]), f64([1]), { rtol: 0.1 })).not.toThrow();
    expect(() => assertClose(f64([1e-9]), f64([0]))).toThrow();
    expect(() => assertClose(f64([1e-9]), f64([0]), { atol: 1e-8 })).not.toThrow();
  });
});

describe("assertClose shape, dtype and messages", () => {
  test("shape mismatch", () => {
    expect(() => assertClose(f64([1, 2, 3, 4, 5, 6], [2, 3]), f64([1, 2, 3, 4, 5, 6], [3, 2]))).toThrow(
      "shape mismatch. Got actual.shape=[2, 3], expected [3, 2].",
    );
    expect(() => assertClose(f64([1], []), f64([1], [1]))).toThrow(/shape mismatch/);
  });

  test("dtype mismatch unless checkDtype is false", () => {
    expect(() => assertClose(f32([1]), f64([1]))).toThrow(
      'dtype mismatch. Got actual.dtype="float32", expected "float64".',
    );
    expect(() => assertClose(f32([1]), f64([1]), { checkDtype: false })).not.toThrow();
  });

  test("int64 compares exactly as bigints, past 2^53", () => {
    const expected = NDArray.from(BigInt64Array.from([2n ** 60n + 1n, 3n]));
    expect(() => assertClose(NDArray.from(BigInt64Array.from([2n ** 60n + 1n, 3n])), expected)).not.toThrow();
    expect(() => assertClose(NDArray.from(BigInt64Array.from([2n ** 60n, 3n])), expected)).toThrow(
      "values differ at flat index 0: actual=1152921504606846976, expected=1152921504606846977",
    );
    expect(() => assertClose(NDArray.from(Int32Array.from([1, 3])), expected)).toThrow(/dtype mismatch/);
  });

  test("the message names the first mismatching index, values and counts", () => {
    const a = f64([0, 1, 2, 3, 4, 5.5, 6, 7.5, 8, 9, 10, 11], [3, 4]);
    const e = f64([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [3, 4]);
    expect(() => assertClose(a, e, { label: "case-1" })).toThrow(
      "case-1: values differ at index [1, 1] (flat 5): actual=5.5, expected=5, |diff|=0.5. 2 of 12 elements differ",
    );
  });

  test("views are compared in logical C order", () => {
    const base = f64([0, 1, 2, 3, 4, 5], [2, 3]);
    const transposed = new NDArray("float64", base.data, [3, 2], [1, 3], 0);
    expect(() => assertClose(transposed, f64([0, 3, 1, 4, 2, 5], [3, 2]))).not.toThrow();
  });
});

test("assertGolden labels with the id and uses reduction tolerance", () => {
  const { cases } = decodeGolden(
    {
      numpy: "x",
      cases: [
        {
          id: "mean",
          op: "mean",
          kwargs: {},
          inputs: [],
          expected: { dtype: "float64", shape: [], data: [1] },
        },
        { id: "sum", op: "sum", kwargs: {}, inputs: [], expected: { dtype: "int64", shape: [], data: [5] } },
      ],
    },
    "reductions",
  );
  expect(() => assertGolden(f64([1 + 1e-11], []), cases[0])).not.toThrow();
  expect(() => assertGolden(f64([1 + 1e-9], []), cases[0])).toThrow(/^mean: values differ/);
  expect(() => assertGolden(NDArray.from(BigInt64Array.from([5n]), { shape: [] }), cases[1])).not.toThrow();
  expect(() => assertGolden(f64([5], []), cases[1])).toThrow(/sum: dtype/);
  expect(() => assertGolden(NDArray.from(Int32Array.from([5]), { shape: [] }), cases[1])).toThrow(
    /sum: dtype/,
  );
});

test("assertIdentical: bit-identical only (NaN equals NaN, -0 is not 0, dtypes must agree)", () => {
  expect(() => assertIdentical(f64([1, Number.NaN, -0]), f64([1, Number.NaN, -0]))).not.toThrow();
  expect(() => assertIdentical(f64([1, 0]), f64([1, -0]), "zero")).toThrow(
    /zero: values differ at flat index 1/,
  );
  expect(() => assertIdentical(f64([1, 2]), f64([1, 2 + 2 ** -51]))).toThrow(AssertionError);
  expect(() => assertIdentical(f32([1]), f64([1]))).toThrow(/dtype mismatch/);
});
