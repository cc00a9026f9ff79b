import { fc, test as propTest } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import type { DType } from "@chunked/core";
import { copyInto, dtypes, NDArray } from "@chunked/core/internal";

const DTYPES: DType[] = ["float64", "float32", "int64", "uint32", "int32", "int16", "uint8", "bool"];

/** A view with `shape` into a fresh array of random bytes: per axis a start offset and a step, possibly reversed. */
function randomView(dtype: DType, shape: readonly number[], starts: number[], steps: number[], seed: number) {
  const outer = shape.map((n, d) => starts[d] + (n - 1) * Math.abs(steps[d]) + 1);
  const base = NDArray.zeros(dtype, outer);
  const bytes = new Uint8Array(base.data.buffer);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < bytes.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    bytes[i] = s >>> 24;
  }
  if (dtype === "bool") for (let i = 0; i < bytes.length; i++) bytes[i] &= 1;
  const view = base.region(
    shape.map(
      (n, d) => [starts[d], starts[d] + (n - 1) * Math.abs(steps[d]) + 1, Math.abs(steps[d])] as const,
    ),
  );
  // Reversed axes: negative strides, offset at the last element.
  const strides = view.strides.map((st, d) => (steps[d] < 0 ? -st : st));
  const offset =
    view.offset + shape.reduce((o, n, d) => o + (steps[d] < 0 ? (n - 1) * view.strides[d] : 0), 0);
  return new NDArray(dtype, view.data, [...shape], strides, offset);
}

/** The bytes of element `index` of `a`, through its strides. */
function elementBytes(a: NDArray, index: readonly number[]): number[] {
  const size = dtypes.itemsize(a.dtype);
  const p = index.reduce((o, i, d) => o + i * a.strides[d], a.offset);
  return [...new Uint8Array(a.data.buffer, a.data.byteOffset + p * size, size)];
}

describe("copyInto", () => {
  const shapeAndViews = fc
    .array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 3 })
    .chain((shape) =>
      fc.record({
        shape: fc.constant(shape),
        dtype: fc.constantFrom(...DTYPES),
        srcStarts: fc.array(fc.integer({ min: 0, max: 3 }), {
          minLength: shape.length,
          maxLength: shape.length,
        }),
        srcSteps: fc.array(fc.constantFrom(1, 2, 3, -1, -2), {
          minLength: shape.length,
          maxLength: shape.length,
        }),
        dstStarts: fc.array(fc.integer({ min: 0, max: 2 }), {
          minLength: shape.length,
          maxLength: shape.length,
        }),
        dstSteps: fc.array(fc.constantFrom(1, 2, -1), { minLength: shape.length, maxLength: shape.length }),
        seed: fc.integer(),
      }),
    );

  propTest.prop([shapeAndViews], { numRuns: 300 })(
    "copies every element's bits between strided views of one dtype (NaN payloads included), and nothing else",
    ({ shape, dtype, srcStarts, srcSteps, dstStarts, dstSteps, seed }) => {
      const src = randomView(dtype, shape, srcStarts, srcSteps, seed);
      const dst = randomView(dtype, shape, dstStarts, dstSteps, seed + 1);
      const before = new Uint8Array(dst.data.buffer).slice();
      copyInto(dst, src);
      const touched = new Set<number>();
      const size = dtypes.itemsize(dtype);
      const index = shape.map(() => 0);
      for (let k = 0; k < src.size; k++) {
        expect(elementBytes(dst, index)).toEqual(elementBytes(src, index));
        const p = index.reduce((o, i, d) => o + i * dst.strides[d], dst.offset);
        for (let b = 0; b < size; b++) touched.add(p * size + b);
        for (let d = shape.length - 1; d >= 0 && ++index[d] === shape[d]; d--) index[d] = 0;
      }
      const after = new Uint8Array(dst.data.buffer);
      for (let i = 0; i < after.length; i++) if (!touched.has(i)) expect(after[i]).toBe(before[i]);
    },
  );
});
