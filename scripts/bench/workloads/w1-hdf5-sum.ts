/**
 * W1: the tutorial's first cells — sum and mean of a float32 HDF5 dataset, 1e6 values at a time.
 * Baseline: the hand-written chunk loop over h5wasm (the tutorial's h5py loop); then @chunked/core
 * `fromArray(dset, {chunks: [1e6]})` with sum and mean computed together, in-process and on the pool.
 */
import * as ca from "@chunked/core";
import type { NodePool } from "@chunked/executor-node";
import type { Dataset } from "h5wasm/node";
import type { BenchContext, Scale, Variant, Workload } from "../types.js";
import {
  byScale,
  openDataset,
  poolSource,
  prepareRandomData,
  randomFile,
  rawH5,
  readsNote,
  startPool,
  variant,
} from "./common.js";

const BLOCK = 1_000_000;

/** The three variants over the `random` file of `size(scale, context)` values. */
export function hdf5SumVariants(size: (scale: Scale, context: BenchContext) => number): Variant[] {
  return [
    variant({
      name: "h5wasm loop",
      async setup(scale, context) {
        const h5wasm = await rawH5();
        const file = new h5wasm.File(randomFile(context, size(scale, context)), "r");
        return { file, dset: file.get("x") as Dataset };
      },
      async run({ dset }) {
        const n = dset.shape![0];
        let total = 0;
        let length = 0;
        for (let i = 0; i < n; i += BLOCK) {
          const chunk = dset.slice([[i, Math.min(n, i + BLOCK)]]) as Float32Array;
          let s = 0;
          for (let j = 0; j < chunk.length; j++) s += chunk[j];
          total += s;
          length += chunk.length;
        }
        return { value: [total, total / length] };
      },
      async teardown({ file }) {
        file.close();
      },
    }),
    variant({
      name: "chunked in-process",
      async setup(scale, context) {
        return openDataset(randomFile(context, size(scale, context)), "/x");
      },
      async run(dset) {
        const x = ca.fromArray(dset, { chunks: [BLOCK] });
        const [s, m] = await ca.compute([x.sum(), x.mean()]);
        return { value: [Number(s.item()), Number(m.item())] };
      },
    }),
    variant({
      name: "chunked pool",
      async setup(scale, context) {
        const dset = await openDataset(randomFile(context, size(scale, context)), "/x");
        const pool = await startPool(context);
        // Every worker opens the file before timing (as a running dask cluster has).
        const n = Math.min(dset.shape[0], 4 * context.workers * BLOCK);
        await ca.fromArray(poolSource(dset, context), { chunks: [BLOCK] }).at`:${n}`
          .sum()
          .compute({ executor: pool });
        return { dset, pool };
      },
      async run({ dset, pool }: { dset: ca.ArraySource; pool: NodePool }, _scale, context) {
        const x = ca.fromArray(poolSource(dset, context), { chunks: [BLOCK] });
        const [s, m] = await ca.compute([x.sum(), x.mean()], { executor: pool });
        return {
          value: [Number(s.item()), Number(m.item())],
          extra: { workers: pool.workers, reads: readsNote(context) },
        };
      },
      async teardown({ pool }) {
        await pool.close();
      },
    }),
  ];
}

const size = (scale: Scale) => byScale(scale, { tiny: 2e6, small: 1e8, tutorial: 1e9 });

export const W1: Workload = {
  id: "W1",
  title: "HDF5 sum+mean (float32)",
  inputBytes: (scale) => size(scale) * 4,
  async prepare(scale, context) {
    await prepareRandomData(context, size(scale));
  },
  variants: hdf5SumVariants(size),
  dask: (scale, context) => ({
    args: { file: randomFile(context, size(scale)) },
    comparable: true,
    rtol: 1e-5,
  }),
};
