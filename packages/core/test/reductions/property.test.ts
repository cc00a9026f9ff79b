import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { fromArray } from "@chunked/core";
import type { ReduceOp } from "@chunked/core";
import { NDArray } from "@chunked/core";
import { assertClose } from "@chunked/core/testing";
import { arbChunkedCase, arbChunksFor } from "@chunked/core/testing/arbitraries";
import { computeOne, EAGER, LAZY } from "./helpers.js";

const RUNS = { numRuns: 100 };
const SPLIT_EVERY = [2, 3, 8];

/** Sums of float32 data depend on the summation order within float32 rounding. */
const tolerance = (dtype: string) => (dtype === "float32" ? { rtol: 1e-5, atol: 1e-4 } : { reduction: true });

const OPS: ReduceOp[] = [
  "sum",
  "mean",
  "var",
  "std",
  "min",
  "max",
  "any",
  "all",
  "nansum",
  "nanmean",
  "nanvar",
  "nanstd",
  "nanmin",
  "nanmax",
];

describe("results do not depend on chunking or splitEvery", () => {
  test.prop(
    [
      arbChunkedCase({
        dtypes: ["float64", "float32", "int32", "uint8", "bool"],
        maxNdim: 3,
        maxDim: 6,
        maxSize: 200,
      }),
      fc.constantFrom(...OPS),
      fc.boolean(),
    ],
    RUNS,
  )("reductions over any axes", async ({ array, shape, chunks, axis }, op, keepdims) => {
    const ddof = op.includes("var") || op.includes("std") ? 1 : 0;
    const expected = EAGER[op](array, { axis, keepdims, ddof });
    for (const splitEvery of SPLIT_EVERY) {
      const y = LAZY[op](fromArray(array, { chunks }), { axis, keepdims, splitEvery, ddof });
      const got = await computeOne(y);
      assertClose(got, expected, {
        ...tolerance(array.dtype),
        label: `${op} shape=${shape} chunks=${JSON.stringify(chunks)} axis=${axis} splitEvery=${splitEvery}`,
      });
    }
  });

  test.prop(
    [
      arbChunkedCase({
        dtypes: ["float64", "int16"],
        maxNdim: 3,
        maxDim: 6,
        maxSize: 200,
        data: { nan: true, infinity: true },
      }),
      fc.constantFrom<ReduceOp>("argmin", "argmax", "nanargmin", "nanargmax"),
      fc.integer({ min: -4, max: 3 }),
      fc.boolean(),
    ],
    RUNS,
  )(
    "arg-reductions (ties and NaN included) give the eager indices",
    async ({ array, chunks }, op, axisDraw, keepdims) => {
      // A draw outside the array's axes stands for axis=null.
      const axis = array.ndim > 0 && axisDraw >= -array.ndim && axisDraw < array.ndim ? axisDraw : null;
      let expected: ReturnType<typeof EAGER.argmin> | Error;
      try {
        expected = EAGER[op](array, { axis, keepdims });
      } catch (err) {
        expected = err as Error; // all-NaN slice for the nan-variants
      }
      for (const splitEvery of SPLIT_EVERY) {
        const y = LAZY[op](fromArray(array, { chunks }), { axis, keepdims, splitEvery });
        if (expected instanceof Error) {
          await computeOne(y).then(
            () => {
              throw new Error(`expected ${expected.message}`);
            },
            (err: Error) => {
              if (!err.message.includes("All-NaN slice encountered")) throw err;
            },
          );
        } else
          assertClose(await computeOne(y), expected, {
            label: `${op} axis=${axis} chunks=${JSON.stringify(chunks)}`,
          });
      }
    },
  );

  test.prop(
    [
      fc
        .tuple(fc.integer({ min: 1, max: 300 }), fc.constantFrom<ReduceOp>("prod", "nanprod"))
        .chain(([n, op]) =>
          fc.tuple(
            fc.array(fc.double({ min: 0.5, max: 1.5, noNaN: true }), { minLength: n, maxLength: n }),
            arbChunksFor([n]),
            fc.constant(op),
          ),
        ),
    ],
    RUNS,
  )("products", async ([values, chunks, op]) => {
    const data = new Float64Array(values);
    const expected = EAGER[op](NDArray.from(data), {});
    for (const splitEvery of SPLIT_EVERY) {
      assertClose(await computeOne(LAZY[op](fromArray(data, { chunks }), { splitEvery })), expected, {
        reduction: true,
      });
    }
  });
});

/** A naive reference: gathers each output's elements in C order, then applies the textbook formula. */
function reference(op: ReduceOp, a: NDArray, axes: number[], ddof: number): number[] {
  const shape = a.shape;
  const outIndex = (idx: number[]) => {
    let o = 0;
    for (let i = 0; i < shape.length; i++) if (!axes.includes(i)) o = o * shape[i] + idx[i];
    return o;
  };
  let nOut = 1;
  for (let i = 0; i < shape.length; i++) if (!axes.includes(i)) nOut *= shape[i];
  const groups: { v: number; i: number }[][] = Array.from({ length: nOut }, () => []);
  const walk = (axis: number, idx: number[]) => {
    if (axis === shape.length) {
      const v = a.item(...idx) as number | boolean;
      // Index along the one reduced axis, or the flat C-order index when all axes are reduced.
      let flat = 0;
      for (let i = 0; i < shape.length; i++) flat = flat * shape[i] + idx[i];
      const along = axes.length === 1 && axes.length < shape.length ? idx[axes[0]] : flat;
      groups[outIndex(idx)].push({ v: Number(v), i: along });
      return;
    }
    for (let k = 0; k < shape[axis]; k++) walk(axis + 1, [...idx, k]);
  };
  walk(0, []);
  return groups.map((g) => {
    const nan = op.startsWith("nan");
    const vals = (nan ? g.filter((e) => !Number.isNaN(e.v)) : g).map((e) => e.v);
    const n = vals.length;
    const mean = vals.reduce((x, y) => x + y, 0) / n;
    const m2 = vals.reduce((x, y) => x + (y - mean) ** 2, 0);
    switch (op.replace(/^nan/, "")) {
      case "sum":
        return vals.reduce((x, y) => x + y, 0);
      case "mean":
        return mean;
      case "var":
        return nan && n - ddof <= 0 ? Number.NaN : m2 / Math.max(n - ddof, 0);
      case "std":
        return nan && n - ddof <= 0 ? Number.NaN : Math.sqrt(m2 / Math.max(n - ddof, 0));
      case "min":
        return vals.some(Number.isNaN) ? Number.NaN : n === 0 ? Number.NaN : Math.min(...vals);
      case "max":
        return vals.some(Number.isNaN) ? Number.NaN : n === 0 ? Number.NaN : Math.max(...vals);
      case "any":
        return vals.some((v) => v !== 0) ? 1 : 0;
      case "all":
        return vals.every((v) => v !== 0) ? 1 : 0;
      case "argmin":
      case "argmax": {
        const sign = op.endsWith("argmin") ? 1 : -1;
        const cands = nan ? g.filter((e) => !Number.isNaN(e.v)) : g;
        const firstNaN = cands.find((e) => Number.isNaN(e.v));
        if (firstNaN) return firstNaN.i;
        let best = cands[0];
        for (const e of cands) if (sign * e.v < sign * best.v) best = e;
        return best ? best.i : Number.NaN;
      }
      default:
        throw new Error(op);
    }
  });
}

describe("eager kernels match a naive reference on strided views", () => {
  const ops: ReduceOp[] = ["sum", "mean", "var", "std", "min", "max", "any", "all", "argmin", "argmax"];
  test.prop(
    [
      arbChunkedCase({
        dtypes: ["float64", "float32", "int16"],
        minNdim: 1,
        maxNdim: 3,
        maxDim: 7,
        data: { nan: true },
      }),
      fc.constantFrom(...ops),
      fc.boolean(),
      fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 3, maxLength: 3 }),
    ],
    RUNS,
  )("every op, axis and view", ({ array, axis }, baseOp, nan, steps) => {
    const op = (nan && baseOp !== "any" && baseOp !== "all" ? `nan${baseOp}` : baseOp) as ReduceOp;
    // A strided view: every steps[i]-th element along each axis.
    const view = array.region(array.shape.map((n, i) => [0, n, steps[i]] as const));
    const isArg = op.includes("arg");
    const ax = isArg ? (typeof axis === "number" ? axis : null) : axis;
    const axes =
      ax === null
        ? view.shape.map((_, i) => i)
        : (Array.isArray(ax) ? ax : [ax]).map((i) => (i < 0 ? i + view.ndim : i));
    if (
      ["min", "max", "argmin", "argmax", "nanargmin", "nanargmax"].includes(op) &&
      axes.some((i) => view.shape[i] === 0)
    )
      return;
    const want = reference(op, view, axes, 1);
    let got: NDArray;
    try {
      got = EAGER[op](view, { axis: ax, ddof: 1 });
    } catch (err) {
      if (op.startsWith("nanarg") && (err as Error).message.includes("All-NaN")) return;
      throw err;
    }
    const flat = Array.from(got.toTypedArray() as ArrayLike<number | bigint>, Number);
    expect(flat.length).toBe(want.length);
    const rtol = array.dtype === "float32" ? 1e-5 : 1e-10;
    for (let k = 0; k < want.length; k++) {
      const [g, w] = [flat[k], want[k]];
      if (Number.isNaN(w) || Number.isNaN(g)) expect(Number.isNaN(g), `${op} ${k}`).toBe(Number.isNaN(w));
      else
        expect(
          Math.abs(g - w),
          `${op} axis=${JSON.stringify(ax)} out ${k}: ${g} vs ${w}`,
        ).toBeLessThanOrEqual(rtol * Math.abs(w) + (array.dtype === "float32" ? 1e-4 : 1e-9));
    }
  });
});
