/**
 * The leading-axis fast path of reduce.ts (`Reducer.rows`: axis 0 of a C-contiguous block, or any
 * reduced axes before a contiguous kept run) must give the bit-identical partials of the generic
 * row-at-a-time path. The generic path is reached with the same data in Fortran order (the kept
 * run is then strided), which folds the same rows in the same order.
 */
import { describe, expect, test } from "vitest";
import { allocate, type DType, is64BitInt } from "../../src/dtype/dtypes.js";
import "../../src/kernels/all.js";
import { reduceAggregate, reduceChunk } from "../../src/kernels/reduce.js";
import { type ReduceOp, reduceResultDType } from "../../src/ops/reductions.js";
import { NDArray } from "@chunked/core";

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * A C-ordered array of `dtype`, a few NaN when asked. Floats have full mantissas and mixed
 * magnitudes, so float64 sums round and a change of summation order shows.
 */
function makeArray(dtype: DType, shape: number[], seed: number, withNaN = false): NDArray {
  const rand = lcg(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = allocate(dtype, n);
  const isFloat = dtype === "float32" || dtype === "float64";
  for (let i = 0; i < n; i++) {
    if (isFloat) {
      const scale = rand() < 0.3 ? 1e12 : 1;
      data[i] = withNaN && rand() < 0.05 ? Number.NaN : scale * (1 + (rand() - 0.5) * Math.SQRT2);
    } else data[i] = Math.floor(rand() * 100);
  }
  return new NDArray(dtype, data, shape);
}

/** The same values laid out in Fortran order (first axis fastest). */
function fortran(a: NDArray): NDArray {
  const nd = a.ndim;
  const strides = new Array<number>(nd);
  let s = 1;
  for (let i = 0; i < nd; i++) {
    strides[i] = s;
    s *= a.shape[i];
  }
  const out = new NDArray(a.dtype, allocate(a.dtype, a.size), [...a.shape], strides);
  const idx = new Array<number>(nd).fill(0);
  const src = a.contiguous();
  for (let k = 0; k < a.size; k++) {
    let p = 0;
    for (let i = 0; i < nd; i++) p += idx[i] * strides[i];
    out.data[p] = src.data[k];
    for (let ax = nd - 1; ax >= 0; ax--) {
      if (++idx[ax] < a.shape[ax]) break;
      idx[ax] = 0;
    }
  }
  return out;
}

function expectIdentical(a: NDArray, b: NDArray, what: string): void {
  expect(b.shape, what).toEqual(a.shape);
  const x = Array.from(a.contiguous().data as ArrayLike<number>);
  const y = Array.from(b.contiguous().data as ArrayLike<number>);
  const diff = x.findIndex((v, i) => !Object.is(v, y[i]));
  expect(diff, `${what}: first difference at ${diff}: ${x[diff]} vs ${y[diff]}`).toBe(-1);
}

const FAST_OPS: ReduceOp[] = ["sum", "prod", "mean", "var", "std", "min", "max"];
const OTHER_OPS: ReduceOp[] = ["nansum", "nanmean", "nanvar", "nanmax", "argmin", "any", "all"];
const DTYPES: DType[] = ["float64", "float32", "int32", "uint8", "int16"];

const CASES: { shape: number[]; axis: number[] }[] = [
  { shape: [1, 1], axis: [0] },
  { shape: [1, 7], axis: [0] },
  { shape: [7, 1], axis: [0] },
  { shape: [3, 5], axis: [0] },
  { shape: [8, 8], axis: [0] },
  { shape: [9, 13], axis: [0] },
  { shape: [17, 33], axis: [0] },
  { shape: [100, 10], axis: [0] },
  { shape: [64, 1000], axis: [0] },
  { shape: [5, 5000], axis: [0] }, // rows longer than the conversion slab
  { shape: [4, 5, 6], axis: [0] },
  { shape: [4, 5, 6], axis: [0, 1] }, // reduced axes form a leading block
  { shape: [4, 5, 6], axis: [1] }, // a kept outer axis: one row block per outer index
  { shape: [3, 4, 5, 6], axis: [1, 2] },
  { shape: [4, 5, 6], axis: [0, 2] }, // innermost reduced: the runs path (unchanged), for contrast
];

describe("leading-axis reductions: fast path vs generic path", () => {
  for (const dtype of DTYPES) {
    test(`${dtype}: chunk partials and aggregates are bit-identical`, () => {
      let seed = 1;
      for (const { shape, axis } of CASES) {
        for (const op of [...FAST_OPS, ...OTHER_OPS]) {
          if ((op === "argmin" && axis.length > 1) || (op === "prod" && shape[axis[0]] > 100)) continue;
          const a = makeArray(dtype, shape, seed++, op.startsWith("nan") || op === "max");
          const what = `${op} ${dtype} shape=${shape} axis=${axis}`;
          const fast = reduceChunk(op, a, { axis });
          const generic = reduceChunk(op, fortran(a), { axis });
          expectIdentical(generic, fast, what);
          // Integer sums and products wrap in int64 (kernels/int64-reduce.ts); their float64 states finish as float64 here.
          const resultDType = reduceResultDType(op, dtype);
          const wraps = is64BitInt(resultDType) && !op.includes("arg");
          const params = { axis, dtype: wraps ? "float64" : resultDType, ddof: 1 };
          expectIdentical(reduceAggregate(op, [generic], params), reduceAggregate(op, [fast], params), what);
        }
      }
    });
  }

  test("strided rows (a view with a step along the reduced axis) equal their contiguous copy", () => {
    for (const dtype of ["float64", "float32", "int16"] as DType[]) {
      const a = makeArray(dtype, [40, 300], 5);
      const view = a.region([
        [1, 40, 3],
        [7, 290, 1],
      ]);
      for (const op of FAST_OPS) {
        if (op === "prod") continue;
        expectIdentical(
          reduceChunk(op, view.copy(), { axis: [0] }),
          reduceChunk(op, view, { axis: [0] }),
          `${op} ${dtype}`,
        );
      }
    }
  });

  test("axis 0 sums are NumPy's row accumulation, in float64 for every dtype", () => {
    for (const dtype of ["float64", "float32", "int32"] as DType[]) {
      const a = makeArray(dtype, [333, 77], 9);
      const acc = new Float64Array(77);
      for (let r = 0; r < 333; r++)
        for (let c = 0; c < 77; c++) acc[c] += (a.data as Float64Array)[r * 77 + c];
      expect(Array.from(reduceChunk("sum", a, { axis: [0] }).data)).toEqual(Array.from(acc));
      const mean = reduceAggregate("mean", [reduceChunk("mean", a, { axis: [0] })], {
        axis: [0],
        dtype: "float64",
      });
      expect(Array.from(mean.data as ArrayLike<number>)).toEqual(Array.from(acc, (s) => s / 333));
    }
  });

  test("var along axis 0 of 1e8 + noise keeps 1e-12 (two passes per column)", () => {
    const rows = 999;
    const cols = 11;
    const rand = lcg(3);
    const k = Array.from({ length: rows * cols }, () => Math.floor(rand() * 2049) - 1024);
    const a = new NDArray(
      "float64",
      Float64Array.from(k, (v) => 1e8 + v / 1024),
      [rows, cols],
    );
    const out = reduceAggregate("var", [reduceChunk("var", a, { axis: [0] })], {
      axis: [0],
      dtype: "float64",
    });
    for (let c = 0; c < cols; c++) {
      const col = k.filter((_, i) => i % cols === c);
      const mu = col.reduce((s, v) => s + v, 0) / rows;
      const want = col.reduce((s, v) => s + (v - mu) ** 2, 0) / rows / 2 ** 20;
      expect(Math.abs((out.data[c] as number) - want) / want).toBeLessThan(1e-12);
    }
  });
});
