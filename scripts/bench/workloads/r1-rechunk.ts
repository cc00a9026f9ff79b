/**
 * R1: the rechunk of #14.3, for its memory: an n × n float64 random array rechunked from (n, 100)
 * to (100, n) chunks, then summed. As planned (default limits: every task within 64 MiB; the
 * baseline), in one stage (every new block reads all n / 100 old blocks), planned with a 16 MiB
 * per-task limit, and planned on the pool. Peak RSS is the number to watch: at the
 * tutorial's n = 10000 the array is 800 MB, and the planned graph holds at most 896 MB of blocks
 * (docs/performance.md).
 */
import * as ca from "@chunked/core";
import type { Scale, Workload } from "../types.js";
import { byScale, startPool, variant } from "./common.js";

const side = (scale: Scale) => byScale(scale, { tiny: 1000, small: 4000, tutorial: 10_000 });

/** Per-variant limits: one stage takes a huge memory limit and threshold, as dask's would. */
function rechunkedSum(scale: Scale, options: ca.RechunkOptions = {}): ca.ChunkedArray {
  const n = side(scale);
  const x = ca.random.random([n, n], { chunks: [n, 100], seed: 1 });
  return ca.sum(ca.rechunk(x, [100, n], options));
}

/** Reordered sums of the same values: equal to rounding. */
const RTOL = 1e-9;

function inProcess(name: string, options: ca.RechunkOptions) {
  return variant({
    name,
    setup: async () => undefined,
    async run(_state, scale) {
      const total = await rechunkedSum(scale, options).compute();
      return { value: Number(total.item()), rtol: RTOL };
    },
  });
}

export const R1: Workload = {
  id: "R1",
  title: "rechunk (n,100)->(100,n), sum",
  inputBytes: (scale) => side(scale) ** 2 * 8,
  dask: (scale) => ({ args: { n: side(scale) }, comparable: false }),
  variants: [
    inProcess("chunked in-process", {}),
    inProcess("chunked in-process, one stage", { memoryLimit: 2 ** 40, threshold: 1e9 }),
    inProcess("chunked in-process, 16 MiB tasks", { memoryLimit: 16 * 2 ** 20 }),
    variant({
      name: "chunked pool",
      setup: (_scale, context) => startPool(context),
      async run(pool, scale) {
        const total = await rechunkedSum(scale).compute({ executor: pool });
        return { value: Number(total.item()), rtol: RTOL, extra: { workers: pool.workers } };
      },
      teardown: (pool) => pool.close(),
    }),
  ],
};
