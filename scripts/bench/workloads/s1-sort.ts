/**
 * S1: the blocked 1-D sort of #14, for its memory: n float64 (exponential(1), made by prep) read
 * from HDF5 in blocks of 1e6, sorted with `recompute` (every output bucket re-reads the input
 * blocks and keeps the values in its range), and the sorted buckets consumed one by one by sum, min
 * and max, so the sorted array is never held whole. The target: peak RSS beyond the
 * process's start at most half the array's bytes (at the tutorial's n = 1e8, 400 of 800 MB).
 * `--baseline dask` adds NumPy's `np.sort` of the whole array (dask has no sort).
 */
import { dirname, join } from "node:path";
import * as ca from "@chunked/core";
import type { NodePool } from "@chunked/executor-node";
import type { BenchContext, Result, Scale, Workload } from "../types.js";
import { byScale, openDataset, poolSource, readsNote, startPool, variant } from "./common.js";

const size = (scale: Scale) => byScale(scale, { tiny: 1e6, small: 2e7, tutorial: 1e8 });
const BLOCK = 1_000_000;
/** Bytes of one output bucket: the sort holds about two buckets and a block at a time. */
const BUCKET_BYTES = 64 * 2 ** 20;
const buckets = (n: number) => Math.max(2, Math.ceil((n * 8) / BUCKET_BYTES));

/** The float64 data set of `n` values, chunks of 1e6 (apart from W1's float32 `random`). */
function sortFile(context: BenchContext, n: number): string {
  return join(context.dataDir, "bench", `random-f64-${n}`, "random.hdf5");
}

async function sortedSummary(source: ca.ArraySource, executor?: NodePool): Promise<Result> {
  const x = ca.fromArray(source, { chunks: [BLOCK] });
  const B = buckets(x.size);
  const y = ca.sort(x, { recompute: true, buckets: B });
  let tasks = 0;
  const values = await ca.compute([y.sum(), y.min(), y.max()], {
    executor,
    onProgress: (e) => {
      tasks = e.total;
    },
  });
  return {
    value: values.map((v) => Number(v.item())),
    // Sums of the same values in another order.
    rtol: 1e-9,
    extra: { buckets: B, tasks, ...(executor ? { workers: executor.workers } : {}) },
  };
}

export const S1: Workload = {
  id: "S1",
  title: "sort 1-D float64 from HDF5 (recompute)",
  inputBytes: (scale) => size(scale) * 8,
  async prepare(scale, context) {
    const { prepareRandom } = await import("../../prep/prep.js");
    const file = sortFile(context, size(scale));
    await prepareRandom({ root: dirname(file), size: size(scale), chunk: BLOCK, dtype: "float64" });
  },
  dask: (scale, context) => ({
    args: { file: sortFile(context, size(scale)) },
    comparable: true,
    rtol: 1e-9,
  }),
  variants: [
    variant({
      name: "chunked in-process",
      setup: (scale, context) => openDataset(sortFile(context, size(scale)), "/x"),
      run: (dset) => sortedSummary(dset),
    }),
    variant({
      name: "chunked pool",
      async setup(scale, context) {
        const dset = await openDataset(sortFile(context, size(scale)), "/x");
        return { dset, pool: await startPool(context) };
      },
      async run({ dset, pool }, _scale, context) {
        const r = await sortedSummary(poolSource(dset, context), pool);
        return { ...r, extra: { ...r.extra, reads: readsNote(context) } };
      },
      teardown: ({ pool }) => pool.close(),
    }),
  ],
};
