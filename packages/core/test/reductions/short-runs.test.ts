/**
 * The eager reductions' fast paths give the bits of the general ones: a float64 block reduced over
 * short innermost runs (`sum(-1)` of an [n, n, 3] block) folds them in one loop (`shortRuns`),
 * and `nd.<op>` finishes its private partial in place (`reduceWhole`).
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { NDArray, nd, newaxis, type ReduceOp, slice } from "@chunked/core";
import { reduceAggregate, reduceChunk, reduceWhole } from "../../src/kernels/reduce.js";
import { reduceResultDType } from "../../src/ops/reductions.js";

/** Same bits, NaN equal to NaN, -0 apart from 0. */
function expectSameBits(got: NDArray, want: NDArray, label: string): void {
  expect(got.dtype, label).toBe(want.dtype);
  expect(got.shape, label).toEqual(want.shape);
  const g = Array.from(got.toTypedArray() as ArrayLike<number>);
  const w = Array.from(want.toTypedArray() as ArrayLike<number>);
  const differ = w.filter((v, i) => !Object.is(g[i], v)).length;
  expect(differ, `${label}: ${differ} of ${w.length} elements differ`).toBe(0);
}

/** float32-exact values (so a float32 copy holds the same numbers), some NaN and -0. */
const arbValue = fc.oneof(
  { weight: 8, arbitrary: fc.float({ min: -1e6, max: 1e6, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, -0, 0, Math.fround(0.1), Math.fround(1e30)) },
);

const arbCase = fc
  .record({
    shape: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 3 }),
    transpose: fc.boolean(),
    keepdims: fc.boolean(),
  })
  .chain((c) =>
    fc.record({
      shape: fc.constant(c.shape),
      transpose: fc.constant(c.transpose),
      keepdims: fc.constant(c.keepdims),
      values: fc.array(arbValue, {
        minLength: c.shape.reduce((s, n) => s * n, 1),
        maxLength: c.shape.reduce((s, n) => s * n, 1),
      }),
      // The innermost axis reduced (runs), maybe with others.
      axis: fc.subarray(
        c.shape.map((_, i) => i),
        { minLength: 0 },
      ),
    }),
  );

describe("short innermost runs of float64 reduce as the general path does", () => {
  test.prop([arbCase, fc.constantFrom<ReduceOp>("sum", "nansum")], { numRuns: 300 })(
    "float64 (shortRuns) against the same values in float32 (general path)",
    (c, op) => {
      const f64 = NDArray.from(c.values, { dtype: "float64" }).reshape(c.shape);
      const f32 = NDArray.from(c.values, { dtype: "float32" }).reshape(c.shape);
      // The transpose: strided runs.
      const view = (a: NDArray) =>
        c.transpose ? new NDArray(a.dtype, a.data, [...a.shape].reverse(), [...a.strides].reverse(), 0) : a;
      const last = c.shape.length - 1;
      const axis = [...new Set([...c.axis, last])].sort((x, y) => x - y);
      const label = `${op} shape=${JSON.stringify(c.shape)} transpose=${c.transpose} axis=${axis}`;
      expectSameBits(reduceChunk(op, view(f64), { axis }), reduceChunk(op, view(f32), { axis }), label);
    },
  );

  test("the squared distances of an [n, n, 3] broadcast difference, as NumPy adds them", () => {
    const n = 30;
    const x = nd.random.normal(0, 500, [n, 3], { seed: 7 });
    const diff = nd.subtract(nd.get(x, [slice(null), newaxis, slice(null)]), nd.get(x, [newaxis]));
    const d2 = nd.sum(nd.multiply(diff, diff), { axis: -1 });
    const v = x.data as Float64Array;
    const want = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += (v[i * 3 + k] - v[j * 3 + k]) * (v[i * 3 + k] - v[j * 3 + k]);
        want[i * n + j] = s;
      }
    }
    expectSameBits(d2, new NDArray("float64", want, [n, n]), "d2");
  });
});

describe("reduceWhole is reduceChunk then reduceAggregate", () => {
  const OPS: ReduceOp[] = ["sum", "prod", "mean", "var", "min", "max", "nansum", "nanmax", "argmin", "any"];
  test.prop(
    [arbCase, fc.constantFrom(...OPS), fc.constantFrom<"float64" | "float32">("float64", "float32")],
    { numRuns: 300 },
  )("every op, float64 and float32", (c, op, dtype) => {
    const a = NDArray.from(c.values, { dtype }).reshape(c.shape);
    const axis = op.startsWith("arg") ? [c.shape.length - 1] : c.axis.length ? c.axis : [0];
    const agg = { axis, keepdims: c.keepdims, dtype: reduceResultDType(op, dtype), ddof: 0 };
    const want = reduceAggregate(op, [reduceChunk(op, a, { axis, arrayShape: a.shape })], agg);
    expectSameBits(reduceWhole(op, a, { axis, arrayShape: a.shape }, agg), want, `${op} ${dtype}`);
  });
});
