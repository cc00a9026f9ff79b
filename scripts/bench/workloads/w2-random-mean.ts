/**
 * W2: `random.normal(10, 0.1, [20000, 20000], chunks 1000).mean(axis 0)[::100]`. Baseline: the
 * eager NDArray version (NumPy's: the whole array in memory); eager and chunked random give the
 * same numbers for a seed, so the results agree to rounding.
 */
import * as ca from "@chunked/core";
import type { Scale, Workload } from "../types.js";
import { byScale, startPool, variant } from "./common.js";

const SEED = 42;
const size = (scale: Scale) =>
  byScale(scale, {
    tiny: { n: 2000, chunk: 500 },
    small: { n: 8000, chunk: 1000 },
    tutorial: { n: 20000, chunk: 1000 },
  });

function lazy(scale: Scale) {
  const { n, chunk } = size(scale);
  return ca.random.normal(10, 0.1, [n, n], { chunks: [chunk, chunk], seed: SEED }).mean({ axis: 0 })
    .at`::100`;
}

let tasks = 0;
const countTasks = (e: ca.ProgressEvent) => {
  tasks = e.total;
};

export const W2: Workload = {
  id: "W2",
  title: "random.normal mean(axis 0)[::100]",
  dask: (scale) => ({ args: size(scale), comparable: false }),
  variants: [
    variant({
      name: "eager NDArray",
      setup: async () => undefined,
      async run(_state, scale) {
        const { n } = size(scale);
        const x = ca.nd.random.normal(10, 0.1, [n, n], { seed: SEED });
        const y = ca.nd.get(ca.nd.mean(x, { axis: 0 }), [ca.slice(null, null, 100)]);
        return { value: Array.from(y.toTypedArray()), rtol: 1e-12 };
      },
    }),
    variant({
      name: "chunked in-process",
      setup: async () => undefined,
      async run(_state, scale) {
        const y = await lazy(scale).compute({ onProgress: countTasks });
        return { value: Array.from(y.toTypedArray()), rtol: 1e-12, extra: { tasks } };
      },
    }),
    variant({
      name: "chunked pool",
      setup: (_scale, context) => startPool(context),
      async run(pool, scale) {
        const y = await lazy(scale).compute({ executor: pool, onProgress: countTasks });
        return { value: Array.from(y.toTypedArray()), rtol: 1e-12, extra: { tasks, workers: pool.workers } };
      },
      teardown: (pool) => pool.close(),
    }),
    variant({
      // The pool on the unoptimised graph: one task per block, so every block can go to any worker.
      name: "chunked pool, optimize:false",
      setup: (_scale, context) => startPool(context),
      async run(pool, scale) {
        const y = await lazy(scale).compute({ executor: pool, optimize: false, onProgress: countTasks });
        return { value: Array.from(y.toTypedArray()), rtol: 1e-12, extra: { tasks, workers: pool.workers } };
      },
      teardown: (pool) => pool.close(),
    }),
  ],
};
