/**
 * W4: the tutorial's Lennard-Jones potential energy of N particles. Baseline: the NumPy code
 * translated to eager NDArray ops over the full N × N matrix (nansum / 2, the form the chunked
 * version computes); then the same expression on `fromArray(cluster, {chunks: [N / cores, 3]})`,
 * lazily (elementwise ops fused into the reductions), in-process and on the pool.
 */
import * as ca from "@chunked/core";
import type { Scale, Workload } from "../types.js";
import { byScale, startPool, variant } from "./common.js";

const natoms = (scale: Scale) => byScale(scale, { tiny: 300, small: 2000, tutorial: 7000 });

/** `np.random.normal(0, radius, (natoms, 3)) - 0.5`, seeded. */
export function makeCluster(n: number, radius = 500, seed = 1981): ca.NDArray<"float64"> {
  return ca.nd.subtract(ca.nd.random.normal(0, radius, [n, 3], { seed }), 0.5) as ca.NDArray<"float64">;
}

function potentialEager(c: ca.NDArray): number {
  const { nd } = ca;
  const all = ca.slice(null);
  const diff = nd.subtract(nd.get(c, [all, ca.newaxis, all]), nd.get(c, [ca.newaxis, all, all]));
  const d2 = nd.sum(nd.multiply(diff, diff), { axis: -1 });
  const sr6 = nd.power(nd.divide(1, d2), 3);
  const pot = nd.multiply(4, nd.subtract(nd.multiply(sr6, sr6), sr6));
  return Number(nd.nansum(pot).item()) / 2;
}

function lj(r2: ca.ChunkedArray): ca.ChunkedArray {
  const sr6 = ca.power(ca.divide(1, r2), 3);
  return ca.multiply(4, ca.subtract(sr6.mul(sr6), sr6));
}

/** The energy of `c` (N × 3) as a lazy graph: `nansum(lj(d²)) / 2` over the full N × N matrix. */
export function potentialLazy(c: ca.ChunkedArray): ca.ChunkedArray {
  const diff = c.at`:, None, :`.sub(c.at`None, :, :`);
  const d2 = diff.mul(diff).sum({ axis: -1 });
  return ca.nansum(lj(d2)).div(2);
}

const RTOL = 1e-9;
let tasks = 0;
const onProgress = (e: ca.ProgressEvent) => {
  tasks = e.total;
};

export const W4: Workload = {
  id: "W4",
  title: "Lennard-Jones energy",
  dask: (scale) => ({ args: { natoms: natoms(scale) }, comparable: false }),
  variants: [
    variant({
      name: "eager NDArray",
      setup: async (scale) => makeCluster(natoms(scale)),
      run: async (cluster) => ({ value: potentialEager(cluster), rtol: RTOL }),
    }),
    variant({
      name: "chunked in-process",
      setup: async (scale) => makeCluster(natoms(scale)),
      async run(cluster, scale, context) {
        const c = ca.fromArray(cluster, { chunks: [Math.ceil(natoms(scale) / context.workers), 3] });
        const e = await potentialLazy(c).compute({ onProgress });
        return { value: Number(e.item()), rtol: RTOL, extra: { tasks } };
      },
    }),
    variant({
      name: "chunked pool",
      setup: async (scale, context) => ({
        cluster: makeCluster(natoms(scale)),
        pool: await startPool(context),
      }),
      async run({ cluster, pool }, scale, context) {
        const c = ca.fromArray(cluster, { chunks: [Math.ceil(natoms(scale) / context.workers), 3] });
        const e = await potentialLazy(c).compute({ executor: pool, onProgress });
        return { value: Number(e.item()), rtol: RTOL, extra: { tasks, workers: pool.workers } };
      },
      teardown: ({ pool }) => pool.close(),
    }),
  ],
};
