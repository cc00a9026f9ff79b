/**
 * Reductions and scans depend on the logical order of the elements only, never on their layout in
 * memory: a strided view and its compact copy (what a pool sends a worker) give the same bits.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import {
  compute,
  cumprod,
  cumsum,
  type DType,
  fromArray,
  NDArray,
  nancumsum,
  type ReduceOp,
} from "@chunked/core";
import { int64Reduction } from "../../src/kernels/int64-reduce.js";
import { reduceAggregate, reduceChunk, reduceChunkMulti } from "../../src/kernels/reduce.js";
import { reduceResultDType } from "../../src/ops/reductions.js";

const OPS: ReduceOp[] = ["sum", "mean", "var", "std", "nansum", "nanmean", "nanvar", "prod", "nanprod"];
const DTYPES: DType[] = ["float64", "float32", "int32", "int16", "uint8", "bool"];

/**
 * Deterministic data from a seed (an LCG): floats in [-100, 100) with some NaN, or near ±1 for
 * products (which would overflow otherwise and hide every rounding); small integers.
 */
function makeBase(
  dtype: DType,
  shape: readonly number[],
  seed: number,
  nanRate: number,
  product: boolean,
): NDArray {
  const a = NDArray.zeros(dtype, shape);
  const data = a.data as unknown as { [i: number]: number; length: number };
  let s = seed >>> 0;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const float = dtype === "float32" || dtype === "float64";
  for (let i = 0; i < data.length; i++) {
    const u = next();
    if (!float)
      data[i] = dtype === "bool" ? (u < 0.5 ? 0 : 1) : Math.floor(u * 200) - (dtype === "uint8" ? 0 : 100);
    else if (next() < nanRate) data[i] = Number.NaN;
    else data[i] = product ? (u < 0.5 ? -1 : 1) * (1 + (u - 0.5) / 64) : (u - 0.5) * 200;
  }
  return a;
}

/** Same bits, NaN equal to NaN, -0 apart from 0. */
function expectSameBits(got: NDArray, want: NDArray, label: string): void {
  expect(got.dtype, label).toBe(want.dtype);
  expect(got.shape, label).toEqual(want.shape);
  const g = Array.from(got.toTypedArray() as ArrayLike<number | bigint>);
  const w = Array.from(want.toTypedArray() as ArrayLike<number | bigint>);
  let differ = 0;
  for (let i = 0; i < w.length; i++) if (!Object.is(g[i], w[i])) differ++;
  expect(differ, `${label}: ${differ} of ${w.length} elements differ`).toBe(0);
}

interface LayoutCase {
  dtype: DType;
  base: number[];
  region: [number, number, number][];
  axis: number[];
  seed: number;
  nanRate: number;
}

/** A base shape, a strided region of it with gaps (steps up to 3, margins cut), and axes to reduce. */
const arbLayoutCase = (maxDim: number): fc.Arbitrary<LayoutCase> =>
  fc
    .record({
      dtype: fc.constantFrom(...DTYPES),
      base: fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: 1, maxLength: 3 }),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      nanRate: fc.constantFrom(0, 0.05),
    })
    .chain(({ dtype, base, seed, nanRate }) =>
      fc.record({
        dtype: fc.constant(dtype),
        base: fc.constant(base),
        seed: fc.constant(seed),
        nanRate: fc.constant(nanRate),
        region: fc.tuple(
          ...base.map((n) =>
            fc
              .tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 1, max: 3 }))
              .chain(([start, step]) =>
                fc
                  .integer({ min: start + 1, max: n })
                  .map((stop): [number, number, number] => [start, stop, step]),
              ),
          ),
        ),
        axis: fc.subarray(
          base.map((_, i) => i),
          { minLength: 1 },
        ),
      }),
    );

function viewAndCopy(c: LayoutCase, product = false): { view: NDArray; copy: NDArray } {
  const view = makeBase(c.dtype, c.base, c.seed, c.nanRate, product).region(c.region);
  return { view, copy: view.copy() };
}

/** The partial of one block, from the kernels the lazy reductions pick (array/reductions.ts). */
function partialOf(op: ReduceOp, a: NDArray, axis: number[]): NDArray {
  const exact = int64Reduction(op, a.dtype);
  return exact ? (exact.chunk.fn([a], { axis }) as NDArray) : reduceChunk(op, a, { axis });
}

function reduceBlock(op: ReduceOp, a: NDArray, axis: number[]): NDArray {
  const ddof = op.includes("var") || op.includes("std") ? 1 : 0;
  const params = { axis, ddof, dtype: reduceResultDType(op, a.dtype) };
  const exact = int64Reduction(op, a.dtype);
  const partial = partialOf(op, a, axis);
  return exact ? (exact.agg.fn([partial], params) as NDArray) : reduceAggregate(op, [partial], params);
}

describe("a strided view and its compact copy reduce to the same bits", () => {
  for (const [name, maxDim] of [
    ["small blocks", 9],
    // More than one conversion slab (4096 elements) per output.
    ["outputs longer than a conversion slab", 60],
  ] as const) {
    test.prop([arbLayoutCase(maxDim), fc.constantFrom(...OPS)], { numRuns: maxDim > 9 ? 40 : 200 })(
      `${name}: partials and results`,
      (c, op) => {
        const { view, copy } = viewAndCopy(c, op.includes("prod"));
        const label = `${op} ${c.dtype}${JSON.stringify(c.base)} region=${JSON.stringify(c.region)} axis=${c.axis}`;
        expectSameBits(partialOf(op, view, c.axis), partialOf(op, copy, c.axis), label);
        expectSameBits(reduceBlock(op, view, c.axis), reduceBlock(op, copy, c.axis), label);
      },
    );
  }

  test.prop([arbLayoutCase(40)], { numRuns: 40 })("several reductions of one block in one pass", (c) => {
    const { view, copy } = viewAndCopy(c);
    const ops: ReduceOp[] = ["sum", "mean", "var", "nanmean", "min", "prod"];
    expectSameBits(
      reduceChunkMulti(ops, view, { axis: c.axis }),
      reduceChunkMulti(ops, copy, { axis: c.axis }),
      `${c.dtype}${JSON.stringify(c.base)} region=${JSON.stringify(c.region)} axis=${c.axis}`,
    );
  });

  test.prop([arbLayoutCase(30), fc.constantFrom(cumsum, nancumsum, cumprod)], { numRuns: 60 })(
    "scans, and reductions through compute",
    async (c, scan) => {
      const { view, copy } = viewAndCopy(c, scan === cumprod);
      const label = `${c.dtype}${JSON.stringify(c.base)} region=${JSON.stringify(c.region)} axis=${c.axis}`;
      // One block each: the kernels see the strided view itself, and its compact copy.
      const [x, y] = [view, copy].map((a) => fromArray(a, { chunks: a.shape }));
      const axis = c.axis[0];
      const [sx, sy, mx, my] = await compute([
        scan(x, { axis }),
        scan(y, { axis }),
        x.std({ axis: c.axis }),
        y.std({ axis: c.axis }),
      ]);
      expectSameBits(sx, sy, `${scan.name} ${label}`);
      expectSameBits(mx, my, `std ${label}`);
    },
  );
});
