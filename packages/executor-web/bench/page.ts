/**
 * The in-page half of bench/browser.bench.ts: times the same computations on the page's main
 * thread (core's in-process executor) and on a WebPool, and returns the numbers.
 */
import * as ca from "@chunked/core";
import { WebPool } from "../src/index.js";

export interface BenchOptions {
  /** Shape and chunks of the tutorial's random-normal mean. */
  shape: [number, number];
  chunks: [number, number];
  repeats: number;
  /** Number of tiny tasks for the overhead measurement. */
  tinyTasks: number;
  workers?: number;
}

export interface BenchResult {
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  workers: number;
  transport: string;
  workerStartMs: number;
  mean: {
    mainMs: number[];
    poolMs: number[];
    speedup: number;
    identical: boolean;
    tasks: number;
    /** Kernel time summed over the workers, per pool run. */
    kernelMs: number[];
    /** When each run started and ended (epoch ms), for the renderer's memory sampled outside. */
    mainWindows: [number, number][];
    poolWindows: [number, number][];
  };
  tiny: {
    tasks: number;
    mainUsPerTask: number;
    poolColdUsPerTask: number;
    poolWarmUsPerTask: number;
    overheadUsPerTask: number;
    messages: number;
  };
  roundTripUs: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time<T>(fn: () => Promise<T>, windows?: [number, number][]): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await fn();
  const t1 = performance.now();
  windows?.push([performance.timeOrigin + t0, performance.timeOrigin + t1]);
  return [t1 - t0, v];
}

async function runBench(options: BenchOptions): Promise<BenchResult> {
  const t0 = performance.now();
  const pool = new WebPool(options.workers ? { workers: options.workers } : {});
  await pool.ready();
  const workerStartMs = performance.now() - t0;
  try {
    // W2, the tutorial's mean, at a browser-sized scale.
    const x = ca.random.normal(10, 0.1, options.shape, { chunks: options.chunks, seed: 42 });
    const y = x.mean({ axis: 0 }).at`::100`;
    const mainWindows: [number, number][] = [];
    const poolWindows: [number, number][] = [];
    const mainMs: number[] = [];
    const poolMs: number[] = [];
    const kernelMs: number[] = [];
    let ref: ca.NDArray | undefined;
    let same = true;
    for (let r = 0; r < options.repeats; r++) {
      const [tm, [a]] = await time(() => ca.compute([y]), mainWindows);
      const k0 = pool.stats.kernelMs;
      const [tp, [b]] = await time(() => ca.compute([y], { executor: pool }), poolWindows);
      kernelMs.push(pool.stats.kernelMs - k0);
      mainMs.push(tm);
      poolMs.push(tp);
      ref ??= a;
      const ra = ref.data;
      const rb = b.data;
      for (let i = 0; i < ra.length; i++) if (!Object.is(ra[i], rb[i])) same = false;
    }

    // Per-task overhead: thousands of tiny tasks (4 random numbers each), nothing fused.
    const n = options.tinyTasks;
    const tiny = ca.random.normal(0, 1, [4 * n], { chunks: 4, seed: 1 });
    await ca.compute([tiny]); // JIT warm-up of the in-process path
    const [mainTiny] = await time(() => ca.compute([tiny]));
    // Cold: a fresh pool (scripts loaded) that has measured no kernel yet: it starts with one task
    // in flight per worker and batches more as it learns.
    const fresh = new WebPool({ workers: pool.workers });
    await fresh.ready();
    const [cold] = await time(() => ca.compute([tiny], { executor: fresh }));
    fresh.terminate();
    await ca.compute([tiny], { executor: pool });
    const before = pool.stats.batches;
    const [warm] = await time(() => ca.compute([tiny], { executor: pool }));
    const messages = pool.stats.batches - before;

    // One task at a time: the latency of a message round trip.
    const trips = 200;
    const [rt] = await time(async () => {
      for (let i = 0; i < trips; i++) {
        await pool.run(
          { key: `rt/${i}`, op: "random.fill", deps: [], params: tinyParams(i % 8, 32) as never },
          [],
        );
      }
    });

    return {
      crossOriginIsolated,
      hardwareConcurrency: navigator.hardwareConcurrency,
      workers: pool.workers,
      transport: pool.transport,
      workerStartMs,
      mean: {
        mainMs,
        poolMs,
        speedup: median(mainMs) / median(poolMs),
        identical: same,
        tasks: x.nblocks,
        kernelMs,
        mainWindows,
        poolWindows,
      },
      tiny: {
        tasks: n,
        mainUsPerTask: (mainTiny * 1000) / n,
        poolColdUsPerTask: (cold * 1000) / n,
        poolWarmUsPerTask: (warm * 1000) / n,
        overheadUsPerTask: ((warm - mainTiny) * 1000) / n,
        messages,
      },
      roundTripUs: (rt * 1000) / trips,
    };
  } finally {
    pool.terminate();
  }
}

/** Params of a `random.fill` task making 4 numbers (block `i` of a 1-d array of `length`). */
function tinyParams(i: number, length: number) {
  return {
    dist: { kind: "normal", loc: 0, scale: 1 },
    seed: 3,
    dtype: "float64",
    arrayShape: [length],
    offset: [(4 * i) % length],
    shape: [4],
  };
}

(globalThis as { runBench?: typeof runBench }).runBench = runBench;
document.getElementById("out")!.textContent =
  "Ready: runBench({ shape: [4000, 4000], chunks: [500, 500], repeats: 3, tinyTasks: 5000 })";
