import { describe, expect, it, vi } from "vitest";
import "../../src/array/methods.js";
import type { ChunkedArray } from "@chunked/core";
import * as ca from "@chunked/core";
import { NDArray } from "@chunked/core";
import { assertClose } from "@chunked/core/testing";
import { evaluate } from "../reductions/helpers.js";

/** Every `fill` the fused loop hands the reducer. */
const fills: unknown[] = [];
vi.mock("../../src/kernels/reduce.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../src/kernels/reduce.js")>();
  return {
    ...actual,
    reduceVirtual: (...args: Parameters<typeof actual.reduceVirtual>) => {
      fills.push(args[2]);
      return actual.reduceVirtual(...args);
    },
  };
});

function lennardJones(c: ChunkedArray): ChunkedArray {
  const diff = c.at`:, None, :`.sub(c.at`None, :, :`);
  const sr6 = ca.power(ca.divide(1, diff.mul(diff).sum({ axis: -1 })), 3);
  return ca.nansum(ca.multiply(4, ca.subtract(sr6.mul(sr6), sr6)));
}

describe("fused.loop's fill", () => {
  it("is one function for every block and compute (no closure per task), with the unfused bits", async () => {
    // A closure per task changed the reducer's inlined call target in each new task: V8 deoptimised
    // the gather and the pairwise tree in every pool worker's first tasks of a compute.
    const x = new NDArray(
      "float64",
      Float64Array.from({ length: 12 * 3 }, (_, i) => Math.sin(i * 1.7) * 10),
      [12, 3],
    );
    const c = ca.fromArray(x, { chunks: [4, 3] });
    const first = await lennardJones(c).compute();
    const second = await lennardJones(c).compute();
    expect(fills).toHaveLength(18); // 3 × 3 blocks, twice
    expect(new Set(fills).size).toBe(1);
    const raw = await evaluate(lennardJones(c));
    assertClose(first, raw, { rtol: 0, atol: 0 });
    assertClose(second, raw, { rtol: 0, atol: 0 });
  });
});
