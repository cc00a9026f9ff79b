import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import { DTYPE_INFO } from "../../src/dtype/dtypes.js";
import {
  arbAxes,
  arbAxisOption,
  arbChunkedCase,
  arbDType,
  arbFloatData,
  arbNDArray,
  arbSelection,
  arbShape,
  arbShapeAndChunks,
} from "@chunked/core/testing/arbitraries";
import { referenceGetitem, selectionToSyntax } from "@chunked/core/testing";
import { NDArray, shapeSize } from "@chunked/core/internal";

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const opts = { numRuns: 200 };

test.prop([arbShape()], opts)("shapes: ndim 0..3, dims 1..7", (shape) => {
  expect(shape.length).toBeLessThanOrEqual(3);
  expect(shape.every((n) => Number.isInteger(n) && n >= 1 && n <= 7)).toBe(true);
});

test.prop([arbShape({ maxNdim: 4, maxDim: 9, maxSize: 100 })], opts)("shapes respect maxSize", (shape) => {
  expect(shapeSize(shape)).toBeLessThanOrEqual(100);
});

test.prop([arbShapeAndChunks()], opts)(
  "chunks are positive and sum to the shape on every axis",
  ({ shape, chunks }) => {
    expect(chunks.length).toBe(shape.length);
    chunks.forEach((axis, i) => {
      expect(axis.every((b) => Number.isInteger(b) && b >= 1)).toBe(true);
      expect(sum(axis)).toBe(shape[i]);
    });
  },
);

test("chunks reach both one block and all size-1 blocks", () => {
  const samples = fc.sample(arbShapeAndChunks({ minNdim: 1, maxNdim: 1, minDim: 3, maxDim: 3 }), {
    numRuns: 200,
    seed: 1,
  });
  const seen = new Set(samples.map((s) => JSON.stringify(s.chunks)));
  expect(seen.has("[[3]]")).toBe(true);
  expect(seen.has("[[1,1,1]]")).toBe(true);
});

test.prop([arbDType(["int8", "uint16", "float32", "bool"]).chain((d) => arbNDArray([4, 3], d))], opts)(
  "arbNDArray fills the shape within the dtype's range",
  (a) => {
    expect(a.shape).toEqual([4, 3]);
    const { min, max } = DTYPE_INFO[a.dtype];
    for (const v of a.data) expect(v >= min && v <= max).toBe(true);
  },
);

test.prop([arbFloatData([5], "float32", { min: -1, max: 1 })], opts)(
  "arbFloatData: finite, in range, float32",
  (a) => {
    expect(a.data).toBeInstanceOf(Float32Array);
    for (const v of a.data) expect(Number.isFinite(v) && v >= -1 && v <= 1).toBe(true);
  },
);

test("arbFloatData can mix in NaN and infinities", () => {
  const values = fc
    .sample(arbFloatData([8], "float64", { nan: true, infinity: true }), { numRuns: 100, seed: 2 })
    .flatMap((a) => [...a.data]);
  expect(values.some(Number.isNaN)).toBe(true);
  expect(values.some((v) => v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY)).toBe(true);
});

test.prop([fc.integer({ min: 0, max: 4 }).chain((nd) => fc.tuple(fc.constant(nd), arbAxes(nd)))], opts)(
  "arbAxes: distinct axes in range, negatives allowed",
  ([ndim, axes]) => {
    const norm = axes.map((a) => (a < 0 ? a + ndim : a));
    expect(norm.every((a) => a >= 0 && a < ndim)).toBe(true);
    expect(new Set(norm).size).toBe(norm.length);
  },
);

test.prop([fc.integer({ min: 0, max: 3 }).chain((nd) => fc.tuple(fc.constant(nd), arbAxisOption(nd)))], opts)(
  "arbAxisOption: null, an axis, or a list of axes",
  ([ndim, axis]) => {
    if (axis === null) return;
    if (typeof axis === "number") expect(axis >= -ndim && axis < ndim).toBe(true);
    else expect(axis.every((a) => a >= -ndim && a < ndim)).toBe(true);
  },
);

test.prop([arbShape().chain((shape) => fc.tuple(fc.constant(shape), arbSelection(shape)))], opts)(
  "arbSelection: valid for the shape (the reference indexer accepts it) and syntax matches items",
  ([shape, { items, syntax }]) => {
    expect(items.filter((it) => it === "...").length).toBeLessThanOrEqual(1);
    expect(syntax).toBe(selectionToSyntax(items));
    const x = NDArray.zeros("int32", shape);
    const out = referenceGetitem(x, items);
    const newaxes = items.filter((it) => it === "newaxis").length;
    const ints = items.filter((it) => typeof it === "object" && "int" in it).length;
    expect(out.ndim).toBe(shape.length - ints + newaxes);
  },
);

test.prop([arbChunkedCase({ dtypes: ["float64", "int32"], maxSize: 200 })], { numRuns: 100 })(
  "arbChunkedCase is self-consistent",
  ({ dtype, shape, chunks, array, data, axis }) => {
    expect(array.dtype).toBe(dtype);
    expect(array.shape).toEqual(shape);
    expect(data.length).toBe(shapeSize(shape));
    expect(chunks.map(sum)).toEqual(shape);
    if (Array.isArray(axis))
      expect(new Set(axis.map((a) => (a < 0 ? a + shape.length : a))).size).toBe(axis.length);
  },
);
