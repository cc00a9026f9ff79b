/**
 * Core's golden suites (NumPy-generated), computed on the pool and on the in-process executor:
 * the results must match NumPy and be identical to each other (same kernels, same order of
 * floating-point operations, whichever thread runs them).
 */
import * as ca from "@chunked/core";
import { NDArray } from "@chunked/core/internal";
import { assertGolden, assertIdentical, chunkingsFor } from "@chunked/core/testing";
import { loadGolden } from "@chunked/core/testing/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodePool } from "../src/index.js";

const api = ca as unknown as Record<string, (...args: any[]) => ca.ChunkedArray>;

describe("core goldens on the pool", () => {
  let pool: NodePool;
  beforeAll(() => {
    pool = new NodePool({ workers: 2 });
  });
  afterAll(() => pool.close());

  it("reductions: match NumPy and the in-process executor", async () => {
    const golden = loadGolden("reductions");
    let computed = 0;
    for (const c of golden.cases) {
      const input = c.inputs[0] as NDArray;
      const lazy = api[c.op];
      for (const chunks of chunkingsFor(input.shape).slice(0, 3)) {
        const y = lazy(ca.fromArray(input, { chunks }), { ...c.kwargs, splitEvery: 2 });
        const label = `${c.id} chunks=${JSON.stringify(chunks)}`;
        const [onPool] = await ca.compute([y], { executor: pool });
        const [inProcess] = await ca.compute([y]);
        assertGolden(onPool, c, { label });
        // Gap-views travel compacted, and reductions sum in logical order whatever the layout.
        assertIdentical(onPool, inProcess, label);
        computed++;
      }
    }
    expect(computed).toBeGreaterThan(golden.cases.length);
    // 653 computes: 25 s at load 25, over 60 s at load 40 on the shared 2-core machine.
  }, 300_000);

  it("the tutorial's random-normal mean and a float32 random sum: same as in-process", async () => {
    const x = ca.random.normal(10, 0.1, [2000, 1000], { chunks: [250, 500], seed: 42 });
    const f32 = ca.random.random([1_000_000], { dtype: "float32", chunks: [100_000], seed: 1 });
    for (const y of [x.mean(), x.mean({ axis: 0 }), x.std({ axis: 1 }), f32.sum(), ca.add(x, 1).max()]) {
      // Unoptimised too: more, smaller tasks, and every chunk crosses threads.
      for (const optimize of [true, false]) {
        const [onPool] = await ca.compute([y], { executor: pool, optimize });
        const [inProcess] = await ca.compute([y], { optimize });
        assertIdentical(onPool, inProcess, `${y.name} optimize=${optimize}`);
      }
    }
  });

  it("elementwise: match NumPy and the in-process executor", async () => {
    const golden = loadGolden("elementwise");
    for (const c of golden.cases) {
      for (let k = 0; k < 2; k++) {
        const xs: any[] = c.inputs.map((input: unknown) => {
          if (!(input instanceof NDArray)) return input;
          const options = chunkingsFor(input.shape);
          return ca.fromArray(input, { chunks: options[Math.min(k, options.length - 1)] });
        });
        const y =
          c.op === "clip"
            ? ca.clip(xs[0], c.kwargs.min ?? null, c.kwargs.max ?? null)
            : c.op === "astype"
              ? ca.astype(xs[0], c.kwargs.dtype)
              : api[c.op](...xs);
        const label = `${c.id} chunking #${k}`;
        const [onPool] = await ca.compute([y], { executor: pool });
        const [inProcess] = await ca.compute([y]);
        assertGolden(onPool, c, { label });
        assertIdentical(onPool, inProcess, label);
      }
    }
  });
});
