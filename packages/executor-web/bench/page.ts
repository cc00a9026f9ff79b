/**
 * The in-page half of bench/browser.bench.ts: times the same computation on the page's main
 * thread (core's in-process executor) and on a WebPool, alternating, and returns the numbers.
 */
import * as ca from "@chunked/core";
// By path, not as a dependency: @chunked/io depends on this package (its tests), and a cycle
// breaks the workspace build order.
import { openZarr } from "../../io/src/zarr/browser.js";
import { WebPool } from "../src/index.js";

/** The workloads of issue #11 item 5: lesson 3's mean and anomaly, and the tutorial's W2. */
export type WorkloadName = "mean" | "anomaly" | "w2";

export interface BenchOptions {
  workload: WorkloadName;
  /** Timed runs of each variant (after one untimed warm-up run of each). */
  repeats: number;
  /** W2's side (square) and chunk side. */
  size: number;
  chunk: number;
  workers?: number;
  /** Where the course's Zarr store is served (its own origin, with CORS). */
  dataUrl: string;
  /** Columns of a day's blocks: 360 (two blocks a day, the lesson's) or 720 (a store of whole-day chunks). */
  dayChunk: number;
}

/** `performance.measureUserAgentSpecificMemory()`'s answer, summed: the page's and each worker's bytes. */
export interface MemorySample {
  totalMB: number;
  mainMB: number;
  /** Per dedicated worker (the pool's), in MB. */
  workersMB: number[];
}

/** Called outside the timed window, before and after run `run` (0-based, in the order of `runs`). */
export type Mark = (phase: "start" | "end", run: number) => Promise<void>;

/** One timed run. */
export interface Run {
  variant: "main" | "pool";
  ms: number;
  /** Kernel time summed over the workers (pool runs). */
  kernelMs?: number;
  /** Tasks sent to the workers (pool runs). */
  tasks?: number;
  /** Arrays the workers' kernels allocated fresh / reused from their free lists (pool runs). */
  fresh?: number;
  reused?: number;
  /** After the run, when the page is cross-origin isolated. */
  memory?: MemorySample;
}

export interface BenchResult {
  workload: string;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  workers: number;
  transport: string;
  runs: Run[];
  /** Every run's answer was bit-identical to the first main-thread run's. */
  identical: boolean;
  /** Memory with the pool's workers started and idle, before any run. */
  idleMemory?: MemorySample;
}

const DATES = Array.from({ length: 31 }, (_, i) => `2014-01-${String(i + 1).padStart(2, "0")}`);

/** The course's lesson 3: 31 days of 2-m temperature (31 × 360 × 720 float32) read as Zarr over HTTP. */
async function weather(dataUrl: string, dayChunk: number): Promise<ca.ChunkedArray> {
  const days = await Promise.all(DATES.map((d) => openZarr(dataUrl, { path: `/${d}/t2m` })));
  return ca.stack(
    days.map((day) => ca.fromArray(day, { chunks: [360, dayChunk] })),
    { axis: 0 },
  );
}

async function build(options: BenchOptions): Promise<ca.ChunkedArray> {
  switch (options.workload) {
    case "mean":
      return (await weather(options.dataUrl, options.dayChunk)).mean({ axis: 0 });
    case "anomaly": {
      const x = await weather(options.dataUrl, options.dayChunk);
      return x.at`0`.sub(x.mean({ axis: 0 }));
    }
    case "w2":
      return w2(options.size, options.chunk);
  }
}

/** The tutorial's W2 at a browser size. */
function w2(size: number, chunk: number): ca.ChunkedArray {
  const x = ca.random.normal(10, 0.1, [size, size], { chunks: [chunk, chunk], seed: 42 });
  return x.mean({ axis: 0 }).at`::100`;
}

interface UserAgentMemory {
  bytes: number;
  breakdown: { bytes: number; attribution: { scope?: string }[] }[];
}

async function measureMemory(): Promise<MemorySample | undefined> {
  const measure = (
    performance as { measureUserAgentSpecificMemory?: () => Promise<UserAgentMemory> }
  ).measureUserAgentSpecificMemory?.bind(performance);
  if (!crossOriginIsolated || !measure) return undefined;
  const m = await measure();
  let mainMB = 0;
  const workersMB: number[] = [];
  for (const entry of m.breakdown) {
    const scope = entry.attribution[0]?.scope;
    if (scope === "DedicatedWorkerGlobalScope") workersMB.push(entry.bytes / 1e6);
    else if (scope === "Window") mainMB += entry.bytes / 1e6;
  }
  return { totalMB: m.bytes / 1e6, mainMB, workersMB };
}

function sameBits(a: ca.NDArray, b: ca.NDArray): boolean {
  if (a.dtype !== b.dtype || a.size !== b.size) return false;
  const x = a.copy().data;
  const y = b.copy().data;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}

async function runBench(options: BenchOptions, mark?: Mark): Promise<BenchResult> {
  const pool = new WebPool({
    ...(options.workers ? { workers: options.workers } : {}),
    // The course's worker entry: the pool protocol plus @chunked/io's readers.
    createWorker: () =>
      new Worker(new URL("./worker.ts", import.meta.url), { type: "module", name: "chunked" }),
  });
  await pool.ready();
  try {
    const y = await build(options);
    const runOne = async (variant: Run["variant"]): Promise<[Run, ca.NDArray]> => {
      const before = { kernelMs: pool.stats.kernelMs, tasks: pool.stats.tasks, ...pool.stats.allocations };
      const t0 = performance.now();
      const [out] = await ca.compute([y], variant === "pool" ? { executor: pool } : {});
      const t1 = performance.now();
      const run: Run = { variant, ms: t1 - t0 };
      if (variant === "pool") {
        run.kernelMs = pool.stats.kernelMs - before.kernelMs;
        run.tasks = pool.stats.tasks - before.tasks;
        run.fresh = pool.stats.allocations.fresh - before.fresh;
        run.reused = pool.stats.allocations.reused - before.reused;
      }
      return [run, out];
    };
    const idleMemory = await measureMemory();
    // Warm-up (JIT, wasm codecs, HTTP connections), not timed.
    const [, ref] = await runOne("main");
    await runOne("pool");
    const runs: Run[] = [];
    let identical = true;
    for (let r = 0; r < options.repeats; r++) {
      // Alternate which goes first, so neither always runs right after the other's garbage.
      const order: Run["variant"][] = r % 2 === 0 ? ["main", "pool"] : ["pool", "main"];
      for (const variant of order) {
        await mark?.("start", runs.length);
        const [run, out] = await runOne(variant);
        await mark?.("end", runs.length);
        identical &&= sameBits(out, ref);
        run.memory = await measureMemory();
        runs.push(run);
      }
    }
    return {
      workload: options.workload,
      crossOriginIsolated,
      hardwareConcurrency: navigator.hardwareConcurrency,
      workers: pool.workers,
      transport: pool.transport,
      runs,
      identical,
      ...(idleMemory ? { idleMemory } : {}),
    };
  } finally {
    pool.terminate();
  }
}

/**
 * Opened by bench/browser.bench.ts as `index.html?options=<BenchOptions JSON>&control=<url>`: waits
 * until the harness says Chromium is idle, runs, and posts the result (or the error) back.
 */
async function autorun(control: string, options: BenchOptions): Promise<void> {
  const out = document.getElementById("out")!;
  try {
    await fetch(`${control}/settle`);
    out.textContent = `Running ${options.workload}…`;
    const result = await runBench(options, async (phase, run) => {
      await fetch(`${control}/mark?phase=${phase}&run=${run}`);
    });
    await fetch(`${control}/result`, { method: "POST", body: JSON.stringify(result) });
    out.textContent = "Done.";
  } catch (e) {
    await fetch(`${control}/error`, { method: "POST", body: String((e as Error)?.stack ?? e) });
  }
}

(globalThis as { runBench?: typeof runBench }).runBench = runBench;
const query = new URLSearchParams(location.search);
const control = query.get("control");
if (control) void autorun(control, JSON.parse(query.get("options")!) as BenchOptions);
else
  document.getElementById("out")!.textContent =
    'Ready: runBench({ workload: "mean", repeats: 3, size: 4000, chunk: 1000, dataUrl, dayChunk: 360 })';
