/**
 * NumPy's 64-bit integer results (fixtures/golden/int64.json, made by
 * scripts/prep/goldens/make_int64_goldens.py): sums, products and scans with wrap-around,
 * arg-reductions past 2^53, promotions that need 64 bits, casts, counts, arange of large ranges
 * and integer matrix products that wrap, each over several chunkings, compared exactly.
 */
import { describe, expect, test } from "vitest";
import * as ca from "@chunked/core";
import { assertGolden } from "@chunked/core/testing";
import type { ReduceOp } from "@chunked/core";
import { EAGER } from "../reductions/helpers.js";
import { goldenSuite, type LazyOp, loadFamily } from "../support/golden-families.js";

const binary = (f: (a: ca.LazyOperand, b: ca.LazyOperand) => ca.ChunkedArray): LazyOp => {
  return ([a, b]) => f(a, b);
};

describe("int64 goldens", () => {
  goldenSuite("int64", {
    sum: ([x], kw) => ca.sum(x, kw),
    prod: ([x], kw) => ca.prod(x, kw),
    nanprod: ([x], kw) => ca.nanprod(x, kw),
    nansum: ([x], kw) => ca.nansum(x, kw),
    max: ([x], kw) => ca.max(x, kw),
    min: ([x], kw) => ca.min(x, kw),
    argmax: ([x], kw) => ca.argmax(x, kw),
    argmin: ([x], kw) => ca.argmin(x, kw),
    cumsum: ([x], kw) => ca.cumsum(x, kw),
    cumprod: ([x], kw) => ca.cumprod(x, kw),
    add: binary(ca.add),
    subtract: binary(ca.subtract),
    multiply: binary(ca.multiply),
    maximum: binary(ca.maximum),
    greater: binary(ca.greater),
    equal: binary(ca.equal),
    floorDivide: binary(ca.floorDivide),
    mod: binary(ca.mod),
    negative: ([x]) => ca.negative(x),
    abs: ([x]) => ca.abs(x),
    astype: ([x], kw) => ca.astype(x, kw.dtype),
    where: ([c, x, y]) => ca.where(c, x, y),
    concatenate: (xs) => ca.concatenate(xs),
    countNonzero: ([x], kw) => ca.countNonzero(x, kw),
    bincount: ([x], kw) => ca.bincount(x, kw),
    histogram: ([x, weights], kw) => ca.histogram(x, { bins: kw.bins, range: kw.range, weights }).hist,
    nonzero: ([x], kw) => ca.nonzero(x)[kw.index],
    argwhere: ([x]) => ca.argwhere(x),
    searchsorted: ([a, v], kw) => ca.searchsorted(a, v, kw),
    sort: ([x]) => ca.sort(x),
    argsort: ([x]) => ca.argsort(x),
    unique: ([x]) => ca.unique(x),
    matmul: ([a, b]) => ca.matmul(a, b),
    tensordot: ([a, b], kw) => ca.tensordot(a, b, kw.axes),
    dot: ([a, b]) => ca.dot(a, b),
    outer: ([a, b]) => ca.outer(a, b),
    einsum: (xs, kw) => ca.einsum(kw.subscripts, ...xs),
    diff: ([x, edge], { edge: which, ...kw }) => ca.diff(x, which ? { ...kw, [which]: edge } : kw),
    arange: (_, kw) => ca.arange(BigInt(kw.start), BigInt(kw.stop), BigInt(kw.step), { chunks: 4 }),
  });

  test("eager nd reductions wrap as NumPy's do", () => {
    const cases = loadFamily("int64").cases.filter((c) => c.op in EAGER && c.inputs.length === 1);
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      assertGolden(EAGER[c.op as ReduceOp](c.inputs[0] as ca.NDArray, c.kwargs), c, {
        label: `${c.id} eager`,
      });
    }
  });

  test("arange of large ranges: exact int64 over several chunkings", async () => {
    const cases = loadFamily("int64").cases.filter((c) => c.op === "arange");
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      for (const chunks of [1, 3, 7, -1]) {
        const { start, stop, step } = c.kwargs;
        const out = await ca.arange(BigInt(start), BigInt(stop), BigInt(step), { chunks }).compute();
        assertGolden(out, c, { label: `${c.id} chunks=${chunks}` });
      }
    }
  });
});
