import { describe, expect, it } from "vitest";
import * as lazy from "../../src/array/elementwise.js";
import { fromArray } from "../../src/array/creation.js";
import type { ElementwiseOp } from "../../src/dtype/promote.js";
import { NDArray } from "../../src/ndarray/ndarray.js";
import * as eager from "../../src/eager/elementwise.js";
import { assertGolden } from "../../src/testing/assert.js";
import { chunkingsFor } from "../../src/testing/chunkings.js";
import type { GoldenCase, GoldenInput } from "../../src/testing/golden.js";
import { loadGolden } from "../../src/testing/golden-node.js";
import { evaluate } from "./helpers.js";

const golden = loadGolden("elementwise");

/** Eager: the NDArray API. */
function runEager(c: GoldenCase): NDArray {
  const [a, b, d] = c.inputs;
  const op = c.op as ElementwiseOp;
  if (op === "clip") return eager.clip(a, c.kwargs.min ?? null, c.kwargs.max ?? null);
  if (op === "astype") return eager.astype(a, c.kwargs.dtype);
  if (op === "where") return eager.where(a, b, d);
  return eager.elementwiseOp(op, c.inputs);
}

/** Lazy: array inputs chunked with chunking #k of their own shape. */
function buildLazy(c: GoldenCase, k: number) {
  const xs = c.inputs.map((input: GoldenInput) => {
    if (!(input instanceof NDArray)) return input;
    const options = chunkingsFor(input.shape);
    return fromArray(input, { chunks: options[Math.min(k, options.length - 1)] });
  });
  const op = c.op as ElementwiseOp;
  if (op === "clip") return lazy.clip(xs[0], c.kwargs.min ?? null, c.kwargs.max ?? null);
  if (op === "astype") return lazy.astype(xs[0], c.kwargs.dtype);
  return lazy.elementwiseOp(op, xs);
}

describe(`elementwise goldens (NumPy ${golden.numpy})`, () => {
  for (const c of golden.cases) {
    it(`${c.id} eager`, () => {
      assertGolden(runEager(c), c);
    });
    const shapes = c.inputs.filter((i): i is NDArray => i instanceof NDArray).map((i) => i.shape);
    const maxK = Math.max(1, ...shapes.map((s) => chunkingsFor(s).length));
    it(`${c.id} lazy over ${maxK} chunkings`, async () => {
      for (let k = 0; k < maxK; k++) {
        const x = buildLazy(c, k);
        expect(x.shape).toEqual(c.expected.shape);
        assertGolden(await evaluate(x), c, { label: `${c.id} chunking #${k}` });
      }
    });
  }
  for (const e of golden.errors) {
    it(`${e.id} throws at build time like NumPy`, () => {
      const c = { ...e, expected: NDArray.zeros("float64", [0]), numpyDtype: "float64" } as GoldenCase;
      const message = e.message.trim();
      expect(() => runEager(c)).toThrow(message);
      expect(() => buildLazy(c, 1)).toThrow(message);
    });
  }
});
