/**
 * The compiled strided loop (the last two axes as an explicit loop pair, the others walked by
 * index) gives the interpreter's bits for broadcast and stepped views of up to 4 axes, as the
 * [n, 1, 3] − [1, n, 3] difference of the Lennard-Jones example.
 */
import { fc, test } from "@fast-check/vitest";
import { afterEach, describe, expect } from "vitest";
import { NDArray, nd } from "@chunked/core";
import { setCodegen } from "../../src/kernels/interpret.js";

afterEach(() => {
  setCodegen(true);
});

/** A view of `shape` with a step of 2 on the axes of `stepped` (data laid out for it). */
function view(shape: readonly number[], stepped: readonly boolean[], seed: number): NDArray {
  const base = shape.map((n, ax) => (stepped[ax] ? 2 * n : n));
  const a = NDArray.zeros("float64", base);
  const d = a.data as Float64Array;
  for (let i = 0; i < d.length; i++) d[i] = Math.sin(seed + i * 0.37) * 100;
  return a.region(base.map((n, ax): [number, number, number] => [0, n, stepped[ax] ? 2 : 1]));
}

const arbCase = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }).chain((shape) =>
  fc.record({
    shape: fc.constant(shape),
    // Per operand: which axes are broadcast (length 1) and which are stepped views.
    ones: fc.tuple(
      ...[0, 1].map(() => fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length })),
    ),
    steps: fc.tuple(
      ...[0, 1].map(() => fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length })),
    ),
    seed: fc.integer({ min: 0, max: 1000 }),
  }),
);

describe("strided elementwise loops", () => {
  test.prop([arbCase], { numRuns: 300 })("compiled and interpreted give the same bits", (c) => {
    const operands = [0, 1].map((k) =>
      view(
        c.shape.map((n, ax) => (c.ones[k][ax] ? 1 : n)),
        c.steps[k],
        c.seed + k,
      ),
    );
    const run = (codegen: boolean) => {
      setCodegen(codegen);
      return nd.subtract(nd.multiply(operands[0], 3), operands[1]);
    };
    const interpreted = run(false);
    const compiled = run(true);
    expect(compiled.shape).toEqual(interpreted.shape);
    const g = compiled.data as Float64Array;
    const w = interpreted.data as Float64Array;
    expect(Array.from(g).every((v, i) => Object.is(v, w[i]))).toBe(true);
  });
});
