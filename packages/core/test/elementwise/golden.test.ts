import { describe, expect, it } from "vitest";
import * as lazy from "@chunked/core";
import { fromArray } from "@chunked/core";
import type { ElementwiseOpName } from "@chunked/core";
import { NDArray } from "@chunked/core";
import { nd as eager } from "@chunked/core";
import { assertGolden } from "@chunked/core/testing";
import { chunkingsFor } from "@chunked/core/testing";
import type { GoldenCase, GoldenInput } from "@chunked/core/testing";
import { loadGolden } from "@chunked/core/testing/node";
import { evaluate } from "./helpers.js";

const golden = loadGolden("elementwise");

/** Eager: the NDArray API. */
function runEager(c: GoldenCase): NDArray {
  const [a, b, d] = c.inputs;
  const op = c.op as ElementwiseOpName;
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
  const op = c.op as ElementwiseOpName;
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
