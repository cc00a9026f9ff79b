/**
 * W3: the tutorial's weather exercise over 31 daily HDF5 files (float32, storage chunks 500 × 500):
 * - `W3`: the mean over the stacked days and day one minus the mean (computed together);
 * - `W3-zarr`: storing `x[:, ::2, ::2]` to Zarr (dask's `to_zarr`: chunks = blocks, blosc).
 * Baselines: hand-written loops over h5wasm that read each day whole (NumPy-like).
 */
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as ca from "@chunked/core";
import type { NodePool } from "@chunked/executor-node";
import type { Hdf5Dataset } from "@chunked/io/hdf5";
import type { BenchContext, RunContext, Scale, Workload } from "../types.js";
import {
  byScale,
  openDataset,
  outputDir,
  poolSource,
  prepareWeatherData,
  rawH5,
  readsNote,
  startPool,
  summary,
  variant,
  weatherDir,
} from "./common.js";

const DAYS = 31;
/** Growth of the one-degree grid: 180·G × 360·G per day (tutorial: 2880 × 5760, 2 GB in all). */
const growth = (scale: Scale) => byScale(scale, { tiny: 2, small: 4, tutorial: 16 });
const dayBytes = (scale: Scale) => 180 * 360 * growth(scale) ** 2 * 4;
/** float32 results against a float64 loop: rounding of the last bit of a mean is 1e-5 of a difference. */
const RTOL = 1e-4;

function files(context: BenchContext, scale: Scale): string[] {
  const dir = weatherDir(context, growth(scale));
  const names = readdirSync(dir)
    .filter((f) => f.endsWith(".hdf5"))
    .sort();
  if (names.length !== DAYS) throw new Error(`${dir} holds ${names.length} days, expected ${DAYS}`);
  return names.map((f) => join(dir, f));
}

async function rawDays(scale: Scale, context: RunContext) {
  const h5wasm = await rawH5();
  return files(context, scale).map((f) => new h5wasm.File(f, "r"));
}

async function datasets(scale: Scale, context: RunContext): Promise<Hdf5Dataset[]> {
  return Promise.all(files(context, scale).map((f) => openDataset(f, "/t2m")));
}

/** The lazy stack of the tutorial (pool variants may drop the descriptors: `--local-reads`). */
function stacked(dsets: readonly ca.ArraySource[], context: RunContext, pool: boolean) {
  return ca.stack(dsets.map((d) => ca.fromArray(pool ? poolSource(d, context) : d, { chunks: [500, 500] })));
}

/** A pool whose workers have opened every day's file (as a running dask cluster has). */
async function warmPool(scale: Scale, context: RunContext): Promise<NodePool> {
  const pool = await startPool(context);
  const dsets = await datasets(scale, context);
  await stacked(dsets, context, true).at`:, :500, :500`.sum().compute({ executor: pool });
  return pool;
}

/** The elements of `a` in C order, without a copy when `a` is C-contiguous (computed results are). */
function values(a: ca.NDArray): ArrayLike<number> {
  const c = a.contiguous();
  return c.data.subarray(c.offset, c.offset + c.size) as ArrayLike<number>;
}

async function meanAndAnomaly(x: ca.ChunkedArray, executor?: NodePool) {
  const mean = x.mean({ axis: 0 });
  const [m, diff] = await ca.compute([mean, x.get(0).sub(mean)], { executor });
  // The check reads the results in place: two 66 MB copies (toTypedArray) are the harness's, not W3's.
  return [...summary(values(m)), ...summary(values(diff))];
}

const prepare = async (scale: Scale, context: BenchContext) => {
  await prepareWeatherData(context, growth(scale), DAYS);
};

export const W3: Workload = {
  id: "W3",
  title: "weather: mean, day 1 - mean",
  inputBytes: (scale) => DAYS * dayBytes(scale),
  prepare,
  dask: (scale, context) => ({
    args: { dir: weatherDir(context, growth(scale)) },
    comparable: true,
    rtol: RTOL,
  }),
  variants: [
    variant({
      name: "h5wasm loop",
      setup: rawDays,
      async run(days) {
        let total: Float64Array | undefined;
        let first: Float32Array | undefined;
        for (const f of days) {
          const day = (f.get("t2m") as import("h5wasm/node").Dataset).value as Float32Array;
          first ??= day;
          total ??= new Float64Array(day.length);
          for (let i = 0; i < day.length; i++) total[i] += day[i];
        }
        // float32 results, as NumPy's mean of float32 data
        const mean = new Float32Array(total!.length);
        const diff = new Float32Array(total!.length);
        for (let i = 0; i < mean.length; i++) {
          mean[i] = total![i] / days.length;
          diff[i] = first![i] - mean[i];
        }
        return { value: [...summary(mean), ...summary(diff)], rtol: RTOL };
      },
      async teardown(days) {
        for (const f of days) f.close();
      },
    }),
    variant({
      name: "chunked in-process",
      setup: datasets,
      async run(dsets, _scale, context) {
        return { value: await meanAndAnomaly(stacked(dsets, context, false)), rtol: RTOL };
      },
    }),
    variant({
      name: "chunked pool",
      setup: async (scale, context) => ({
        dsets: await datasets(scale, context),
        pool: await warmPool(scale, context),
      }),
      async run({ dsets, pool }, _scale, context) {
        return {
          value: await meanAndAnomaly(stacked(dsets, context, true), pool),
          rtol: RTOL,
          extra: { workers: pool.workers, reads: readsNote(context) },
        };
      },
      teardown: ({ pool }) => pool.close(),
    }),
  ],
};

/** Reads back what a variant wrote: day 0 and the last day, whole (untimed check). */
async function readBack(path: string): Promise<number[]> {
  const { openZarr } = await import("@chunked/io/zarr");
  const z = await openZarr(path);
  const [d, h, w] = z.shape;
  const out: number[] = [];
  for (const day of [0, d - 1]) {
    const block = await z.read([
      [day, day + 1, 1],
      [0, h, 1],
      [0, w, 1],
    ]);
    out.push(...summary(ca.nd.astype(block, "float64").toTypedArray()));
  }
  return [d, h, w, ...z.chunks!, ...out];
}

async function storeChunked(x: ca.ChunkedArray, path: string, executor?: NodePool): Promise<void> {
  const { toZarr } = await import("@chunked/io/zarr");
  await toZarr(x.at`:, ::2, ::2`, path, { overwrite: true, executor });
}

export const W3zarr: Workload = {
  id: "W3-zarr",
  title: "weather: x[:, ::2, ::2] to Zarr",
  inputBytes: (scale) => DAYS * dayBytes(scale),
  prepare,
  dask: (scale, context) => ({
    args: { dir: weatherDir(context, growth(scale)), out: `${outputDir(context, "w3-dask.zarr")}` },
    comparable: true,
    rtol: RTOL,
  }),
  variants: [
    variant({
      name: "h5wasm loop",
      async setup(scale, context) {
        return { days: await rawDays(scale, context), path: outputDir(context, "w3-loop.zarr") };
      },
      async run({ days, path }) {
        const { createZarr } = await import("@chunked/io/zarr");
        const t2m = days.map((f) => f.get("t2m") as import("h5wasm/node").Dataset);
        const [H, W] = t2m[0].shape!;
        const [h, w] = [Math.ceil(H / 2), Math.ceil(W / 2)];
        // the chunks the chunked variants write: 1 day × (500 × 500 blocks)[::2, ::2]
        const target = await createZarr(path, {
          shape: [days.length, h, w],
          dtype: "float32",
          chunks: [1, 250, 250],
          overwrite: true,
        });
        const half = new Float32Array(h * w);
        for (const [d, dset] of t2m.entries()) {
          const day = dset.value as Float32Array;
          for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) half[i * w + j] = day[2 * i * W + 2 * j];
          await target.write(
            [
              [d, d + 1, 1],
              [0, h, 1],
              [0, w, 1],
            ],
            new ca.NDArray("float32", half, [1, h, w]),
          );
        }
        await target.finish();
        return { value: [], check: () => readBack(path) };
      },
      async teardown({ days, path }) {
        for (const f of days) f.close();
        rmSync(path, { recursive: true, force: true });
      },
    }),
    variant({
      name: "chunked in-process",
      async setup(scale, context) {
        return { dsets: await datasets(scale, context), path: outputDir(context, "w3-inproc.zarr") };
      },
      async run({ dsets, path }, _scale, context) {
        await storeChunked(stacked(dsets, context, false), path);
        return { value: [], check: () => readBack(path) };
      },
      teardown: async ({ path }) => rmSync(path, { recursive: true, force: true }),
    }),
    variant({
      name: "chunked pool",
      async setup(scale, context) {
        return {
          dsets: await datasets(scale, context),
          pool: await warmPool(scale, context),
          path: outputDir(context, "w3-pool.zarr"),
        };
      },
      async run({ dsets, pool, path }, _scale, context) {
        await storeChunked(stacked(dsets, context, true), path, pool);
        return {
          value: [],
          check: () => readBack(path),
          extra: { workers: pool.workers, reads: readsNote(context) },
        };
      },
      async teardown({ pool, path }) {
        await pool.close();
        rmSync(path, { recursive: true, force: true });
      },
    }),
  ],
};
