import { describe, expect, test } from "vitest";
import { fromArray } from "@chunked/core";
import type { ReduceOp } from "@chunked/core";
import type { NDArray } from "@chunked/core";
import { assertGolden } from "@chunked/core/testing";
import { chunkingsFor } from "@chunked/core/testing";
import { loadGolden } from "@chunked/core/testing/node";
import { computeOne, EAGER, evaluate, LAZY } from "./helpers.js";

const SPLIT_EVERY = [2, 3, 4, 8];
const golden = loadGolden("reductions");

describe.each(golden.cases.map((c) => [c.id, c] as const))("%s", (_id, c) => {
  const input = c.inputs[0] as NDArray;
  const op = c.op as ReduceOp;

  test("eager", () => {
    assertGolden(EAGER[op](input, c.kwargs), c);
  });

  test("lazy over every chunking and splitEvery", async () => {
    for (const chunks of chunkingsFor(input.shape)) {
      for (const splitEvery of SPLIT_EVERY) {
        const x = fromArray(input, { chunks });
        const y = LAZY[op](x, { ...c.kwargs, splitEvery });
        expect(y.shape).toEqual(c.expected.shape);
        const label = `${c.id} chunks=${JSON.stringify(chunks)} splitEvery=${splitEvery}`;
        assertGolden(await computeOne(y), c, { label });
        // The raw graph too, task by task: the result must not depend on optimisation.
        if (splitEvery === 2) assertGolden(await evaluate(y), c, { label: `${label} (unoptimised)` });
      }
    }
  });
});

describe.each(golden.errors.map((e) => [e.id, e] as const))("%s", (_id, e) => {
  const input = e.inputs[0] as NDArray;
  const op = e.op as ReduceOp;

  test("eager throws NumPy's message", () => {
    expect(() => EAGER[op](input, e.kwargs)).toThrow(e.message);
  });

  test("lazy throws NumPy's message (at build time when metadata suffices)", async () => {
    for (const chunks of chunkingsFor(input.shape)) {
      const x = fromArray(input, { chunks });
      await expect(async () => computeOne(LAZY[op](x, e.kwargs))).rejects.toThrow(e.message);
    }
  });
});
