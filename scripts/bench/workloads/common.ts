/** What the workloads share: context, data sets, the pool, HDF5 helpers, checksums. */
import { existsSync, mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as ca from "@chunked/core";
import type { NodePool } from "@chunked/executor-node";
import type { Hdf5Dataset } from "@chunked/io/hdf5";
import type h5wasmApi from "h5wasm/node";
import type { BenchContext, Result, RunContext, Scale, Variant } from "../types.js";

const here = dirname(fileURLToPath(import.meta.url));
/** The repository's root. */
export const REPO = resolve(here, "..", "..", "..");

/** Environment variables through which run.ts passes its options to measured processes. */
export const ENV = {
  workers: "BENCH_WORKERS",
  budget: "BENCH_BUDGET_MB",
  data: "BENCH_DATA",
  localReads: "BENCH_LOCAL_READS",
} as const;

/** The context from the environment (defaults: all cores, 512 MB, `datasets/`, worker reads). */
export function contextFromEnv(env: NodeJS.ProcessEnv = process.env): BenchContext {
  return {
    workers: Number(env[ENV.workers] || availableParallelism()),
    budgetMB: Number(env[ENV.budget] || 512),
    dataDir: env[ENV.data] || join(REPO, "datasets"),
    localReads: env[ENV.localReads] === "1",
  };
}

/** Picks a size by scale. */
export function byScale<T>(scale: Scale, sizes: Record<Scale, T>): T {
  return sizes[scale];
}

/**
 * A variant whose `setup` makes a state (files, pool, inputs) that each timed `run` uses and
 * `teardown` releases. The state lives in this closure, one per measured process.
 */
export function variant<S>(spec: {
  name: string;
  setup: (scale: Scale, context: RunContext) => Promise<S>;
  run: (state: S, scale: Scale, context: RunContext) => Promise<Result>;
  teardown?: (state: S) => Promise<void>;
}): Variant {
  let state: S | undefined;
  let ready = false;
  return {
    name: spec.name,
    async setup(scale, context) {
      state = await spec.setup(scale, context);
      ready = true;
    },
    async run(scale, context) {
      if (!ready) throw new Error(`variant ${spec.name}: run before setup`);
      return spec.run(state as S, scale, context);
    },
    async teardown() {
      if (ready) await spec.teardown?.(state as S);
    },
  };
}

/** Prep progress lines go to stderr, so the parent's table stays clean. */
const log = (line: string) => console.error(`  prep: ${line}`);

/** Prep's byte bar while data sets are written (drawn only in a terminal, outside CI). */
async function prepBar() {
  return (await import("../../prep/progress.js")).barProgress();
}

/** The `random` data set of `size` values (kept apart from the course's `datasets/random.hdf5`). */
export function randomFile(context: BenchContext, size: number): string {
  return join(context.dataDir, "bench", `random-${size}`, "random.hdf5");
}

/** Makes (or keeps) the float32 `random` data set of `size` values, chunks of 1e6. */
export async function prepareRandomData(context: BenchContext, size: number): Promise<string> {
  const { prepareRandom } = await import("../../prep/prep.js");
  const file = randomFile(context, size);
  const t0 = performance.now();
  const r = await prepareRandom({
    root: dirname(file),
    size,
    chunk: 1e6,
    dtype: "float32",
    log,
    progress: await prepBar(),
  });
  if (r.written.length)
    log(
      `wrote ${file} (${(size * 4e-9).toFixed(2)} GB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  return file;
}

/** Directory of the weather data set grown ×`growth` (float32, 31 days, storage chunks 500 × 500). */
export function weatherDir(context: BenchContext, growth: number): string {
  return join(context.dataDir, "bench", `weather-g${growth}`, "weather-big");
}

/** Makes (or keeps) the weather data set grown ×`growth`: `pnpm prep -d weather --growth G` in float32. */
export async function prepareWeatherData(
  context: BenchContext,
  growth: number,
  days: number,
): Promise<string> {
  const { prepareWeather } = await import("../../prep/prep.js");
  const dir = weatherDir(context, growth);
  const t0 = performance.now();
  const r = await prepareWeather({
    root: dirname(dir),
    growth,
    days,
    dtype: "float32",
    small: false,
    log,
    progress: await prepBar(),
  });
  if (r.written.length)
    log(`wrote ${r.written.length} weather files in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return dir;
}

/** Opens one dataset with @chunked/io (the source `fromArray` reads). */
export async function openDataset(file: string, name: string): Promise<Hdf5Dataset> {
  if (!existsSync(file)) throw new Error(`${file} is missing: run.ts prepares it (prepare() not run?)`);
  const { openHdf5 } = await import("@chunked/io/hdf5");
  return (await openHdf5(file)).get(name);
}

/**
 * The source a pool variant hands `fromArray`: the dataset itself (workers reopen the file from its
 * descriptor), or under `--local-reads` the same reads without the descriptor, so they run on the
 * calling thread and only the computing goes to the workers.
 */
export function poolSource<D extends ca.DType>(d: ca.ArraySource<D>, context: RunContext): ca.ArraySource<D> {
  if (!context.localReads) return d;
  return { shape: d.shape, dtype: d.dtype, chunks: d.chunks, token: d.token, read: (r) => d.read(r) };
}

/** What the row's `extra` says about where a pool variant's reads ran. */
export const readsNote = (context: RunContext) => (context.localReads ? "main-thread" : "workers");

/** The raw h5wasm API (the baselines' "h5py"). */
export async function rawH5(): Promise<typeof h5wasmApi> {
  const h5wasm = (await import("h5wasm/node")).default;
  await h5wasm.ready;
  return h5wasm;
}

/** Starts a NodePool with `workers` threads and runs a task on each, so timed runs find them started. */
export async function startPool(context: RunContext): Promise<NodePool> {
  const { NodePool } = await import("@chunked/executor-node");
  const pool = new NodePool({ workers: context.workers, idleTimeout: Number.POSITIVE_INFINITY });
  const n = context.workers * 4;
  await ca.ones([n], { chunks: 1 }).add(1).compute({ executor: pool });
  return pool;
}

/** Sum, sum of |x|, and three samples (first, middle, last) of a flat array: agreement checks. */
export function summary(data: ArrayLike<number>): number[] {
  let s = 0;
  let a = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    s += v;
    a += Math.abs(v);
  }
  const n = data.length;
  return [s, a, data[0], data[n >> 1], data[n - 1]];
}

/** A directory for the outputs of one variant's runs, unique to this process. */
export function outputDir(context: BenchContext, name: string): string {
  const dir = join(context.dataDir, "bench", "out", `${process.pid}-${name}`);
  mkdirSync(dirname(dir), { recursive: true });
  return dir;
}
