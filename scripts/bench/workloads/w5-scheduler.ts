/**
 * W5: scheduler overhead. `ones([n], {chunks: 1}).add(1).sum()` is ~3.33 n tiny tasks (n loads, n
 * adds, n chunk sums, the combine tree); run unoptimised, µs per task is the scheduler's (and the
 * pool's round trips') own cost. The optimised variant shows what fusion leaves of the graph.
 */
import * as ca from "@chunked/core";
import type { NodePool } from "@chunked/executor-node";
import type { Scale, Variant, Workload } from "../types.js";
import { startPool, variant } from "./common.js";

async function measure(n: number, options: ca.ComputeOptions) {
  const t0 = performance.now();
  const y = ca.ones([n], { chunks: 1 }).add(1).sum();
  const buildMs = performance.now() - t0;
  let tasks = 0;
  const t1 = performance.now();
  const out = await y.compute({
    ...options,
    onProgress: (e) => {
      tasks = e.total;
    },
  });
  const ms = performance.now() - t1;
  return {
    value: Number(out.item()),
    rtol: 0,
    extra: {
      tasks,
      usPerTask: ((ms * 1000) / tasks).toFixed(2),
      computeMs: ms.toFixed(0),
      buildMs: buildMs.toFixed(0),
    },
  };
}

function variants(n: (scale: Scale) => number): Variant[] {
  return [
    variant({
      name: "in-process",
      setup: async () => undefined,
      run: (_s, scale) => measure(n(scale), { optimize: false }),
    }),
    variant({
      name: "pool",
      setup: (_scale, context) => startPool(context),
      run: (pool: NodePool, scale) => measure(n(scale), { optimize: false, executor: pool }),
      teardown: (pool) => pool.close(),
    }),
    variant({
      name: "in-process, optimized",
      setup: async () => undefined,
      run: (_s, scale) => measure(n(scale), {}),
    }),
    variant({
      name: "pool, optimized",
      setup: (_scale, context) => startPool(context),
      run: (pool: NodePool, scale) => measure(n(scale), { executor: pool }),
      teardown: (pool) => pool.close(),
    }),
  ];
}

/** n chunks give ~3.33 n tasks: 10k and 100k tasks (tiny: 1k and 10k). */
export const W5a: Workload = {
  id: "W5-10k",
  title: "scheduler, ~10k tiny tasks",
  variants: variants((scale) => (scale === "tiny" ? 300 : 3000)),
};

export const W5b: Workload = {
  id: "W5-100k",
  title: "scheduler, ~100k tiny tasks",
  variants: variants((scale) => (scale === "tiny" ? 3000 : 30_000)),
};
