/**
 * NodePool benchmarks (plain script): `npx tsx --conditions=source bench/pool.bench.ts [--quick] [--only=overhead,speedup,make-sum,core]`.
 *
 * - per-task overhead on tiny tasks: sequential round trip (await each), 10k submitted at once;
 * - parallel speed-up of a CPU-heavy kernel, in-process vs 1 vs 2 workers;
 * - a 1e8-element float32 sum (chunks generated and summed in the workers) vs in-process;
 * - core graphs: the tutorial's random-normal mean and a 1e8-element float32 random sum.
 *
 * The machine may be shared: the load average and a calibration loop are printed first, and each
 * measurement is the best of several runs.
 */
import { loadavg } from "node:os";
import * as ca from "@chunked/core";
import { getKernel, NDArray, type Task } from "@chunked/core/internal";
import { NodePool } from "../src/index.js";
import "../test/fixtures/kernels.js";

const quick = process.argv.includes("--quick");
/** `--only=overhead,speedup,make-sum,core` runs just those sections. */
const only = process.argv
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",");
const run = (section: string) => !only || only.includes(section);
const modules = [new URL("../test/fixtures/kernels.ts", import.meta.url)];
const REPS = quick ? 2 : 5;

let counter = 0;
const task = (op: string, params?: Task["params"]): Task => ({
  key: `${op}/${counter++}`,
  op,
  deps: [],
  params,
});

/** CPU time (ms, all threads of the process) of the fastest run of the last {@link best} call. */
let lastCpu = 0;

/** Wall time (ms) of the fastest of `reps` runs; its CPU time is left in `lastCpu`. */
async function best(reps: number, f: () => Promise<void> | void): Promise<number> {
  let min = Number.POSITIVE_INFINITY;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await f();
    const wall = performance.now() - t0;
    if (wall < min) {
      min = wall;
      const c = process.cpuUsage(c0);
      lastCpu = (c.user + c.system) / 1000;
    }
  }
  return min;
}

function calibrate(): number {
  const t0 = performance.now();
  let x = 0;
  for (let i = 0; i < 1e7; i++) x += Math.sqrt(i);
  if (x < 0) console.log(x);
  return performance.now() - t0;
}

const fmt = (x: number, d = 1) => x.toFixed(d);
const rows: [string, string][] = [];
const report = (name: string, value: string) => {
  rows.push([name, value]);
  console.log(`${name.padEnd(58)} ${value}`);
};

console.log(
  `node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}, calibration (1e7 sqrt) ${fmt(calibrate())} ms (≈10 ms when the machine is quiet)`,
);

// --- Per-task overhead ----------------------------------------------------------------------
if (run("overhead")) {
  const tiny = NDArray.from([1, 2, 3]);
  const pool = new NodePool({ workers: 2, modules });
  // Warm: threads started, kernels compiled, costs learned.
  await Promise.all(Array.from({ length: 5000 }, (_, i) => pool.run(task("test.scale", { k: i }), [tiny])));

  const seqN = quick ? 500 : 2000;
  const seq = await best(REPS, async () => {
    for (let i = 0; i < seqN; i++) await pool.run(task("test.scale", { k: i }), [tiny]);
  });
  report(
    "sequential round trip (await each), µs/task (CPU µs/task)",
    `${fmt((seq * 1000) / seqN)} (${fmt((lastCpu * 1000) / seqN)})`,
  );

  const N = 10_000;
  const conc = await best(REPS, async () => {
    await Promise.all(Array.from({ length: N }, (_, i) => pool.run(task("test.scale", { k: i }), [tiny])));
  });
  report(
    "10k tiny tasks submitted at once (batched), µs/task (CPU)",
    `${fmt((conc * 1000) / N, 2)} (${fmt((lastCpu * 1000) / N, 2)})`,
  );

  // The same through core's scheduler, which keeps 2 × pool.concurrency tasks in flight.
  // Core's scheduler, by path (core does not export it yet); a variable keeps tsc out of core's sources.
  const schedulerPath = new URL("../../core/src/schedule/scheduler.ts", import.meta.url).href;
  const scheduler = (await import(schedulerPath).catch(() => undefined)) as
    | { runGraph: (g: Map<string, Task>, o: string[], opts?: object) => Promise<unknown> }
    | undefined;
  if (scheduler) {
    const graph = new Map<string, Task>();
    const src: Task = { key: "src/0", op: "core.literal", deps: [], params: { array: tiny as never } };
    graph.set(src.key, src);
    const outs: string[] = [];
    for (let i = 0; i < N; i++) {
      const t: Task = { key: `scale/${i}`, op: "test.scale", deps: ["src/0"], params: { k: i } };
      graph.set(t.key, t);
      outs.push(t.key);
    }
    const viaGraph = await best(REPS, async () => {
      await scheduler.runGraph(graph, outs, { executor: pool });
    });
    report(
      `10k tiny tasks via runGraph (concurrency ${pool.concurrency}), µs/task`,
      fmt((viaGraph * 1000) / N, 2),
    );
    const inProc = await best(REPS, async () => {
      await scheduler.runGraph(graph, outs);
    });
    report(
      "10k tiny tasks via runGraph, in-process executor, µs/task (CPU)",
      `${fmt((inProc * 1000) / N, 2)} (${fmt((lastCpu * 1000) / N, 2)})`,
    );
  }
  const kernel = getKernel("test.scale");
  const direct = await best(REPS, () => {
    for (let i = 0; i < N; i++) kernel([tiny], { k: i });
  });
  report("10k tiny kernels called directly (no executor), µs/task", fmt((direct * 1000) / N, 2));
  await pool.close();
}

/**
 * Runs the variants alternately, `reps` rounds, so that a changing machine load hits them alike;
 * returns each one's best wall time and the CPU time (ms, all threads) of that run.
 */
async function alternate(
  reps: number,
  variants: (() => Promise<void>)[],
): Promise<{ wall: number; cpu: number }[]> {
  const out = variants.map(() => ({ wall: Number.POSITIVE_INFINITY, cpu: 0 }));
  for (let r = 0; r < reps; r++) {
    for (let v = 0; v < variants.length; v++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await variants[v]();
      const wall = performance.now() - t0;
      const c = process.cpuUsage(c0);
      if (wall < out[v].wall) out[v] = { wall, cpu: (c.user + c.system) / 1000 };
    }
  }
  return out;
}

const speed = (base: { wall: number }, x: { wall: number; cpu: number }) =>
  `${fmt(x.wall)} ms (${fmt(base.wall / x.wall, 2)}×; CPU ${fmt(x.cpu)} ms)`;

// --- Parallel speed-up of a CPU-heavy kernel --------------------------------------------------
if (run("speedup")) {
  const n = 1e7;
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (i % 1000) / 1000;
  const chunk = NDArray.from(data);
  const tasks = 8;
  const repeat = quick ? 1 : 3;
  const sum = getKernel("test.sum");
  const pools = [new NodePool({ workers: 1, modules }), new NodePool({ workers: 2, modules })];
  // Warm: threads up, and the chunk's one SharedArrayBuffer copy made.
  for (const pool of pools) await pool.run(task("test.sum"), [chunk]);
  const onPool = (pool: NodePool) => async () => {
    await Promise.all(Array.from({ length: tasks }, () => pool.run(task("test.sum", { repeat }), [chunk])));
  };
  const [inProc, one, two] = await alternate(REPS, [
    async () => {
      for (let t = 0; t < tasks; t++) sum([chunk], { repeat });
    },
    onPool(pools[0]),
    onPool(pools[1]),
  ]);
  report(`${tasks} × sum of one 1e7 float32 chunk (×${repeat}): in-process`, speed(inProc, inProc));
  report("  1 worker (speed-up vs in-process)", speed(inProc, one));
  report("  2 workers", speed(inProc, two));
  for (const pool of pools) await pool.close();
}

// --- 1e8-element float32 sum: chunks made and summed in the workers ---------------------------
if (run("make-sum")) {
  const chunks = 10;
  const n = 1e7;
  const range = getKernel("test.range");
  const sum = getKernel("test.sum");
  const pool = new NodePool({ workers: 2, modules });
  await pool.run(task("test.range", { n: 10 }), []);
  const onPool = (shared: boolean) => async () => {
    const parts = await Promise.all(
      Array.from({ length: chunks }, async () => {
        const part = await pool.run(task("test.range", { n, shared }), []);
        return pool.run(task("test.sum"), [part]);
      }),
    );
    if (parts.reduce((s, p) => s + (p.item() as number), 0) <= 0) throw new Error("bad sum");
  };
  const [inProc, copied, shared] = await alternate(REPS, [
    async () => {
      let total = 0;
      for (let c = 0; c < chunks; c++)
        total += (await sum([await range([], { n })], undefined)).item() as number;
      if (total <= 0) throw new Error("bad sum");
    },
    onPool(false),
    onPool(true),
  ]);
  report("1e8 float32 made + summed in 10 chunks: in-process", speed(inProc, inProc));
  report("  2 workers, worker copies each output to a SAB", speed(inProc, copied));
  report("  2 workers, kernel allocates its output in a SAB", speed(inProc, shared));
  await pool.close();
}

// --- Core graphs (the goals): random-normal mean, 1e8-element float32 sum --------------
if (run("core")) {
  const heavy = quick ? 1 : 3;
  const cases: [string, () => ca.ChunkedArray][] = [
    [
      "tutorial mean: random.normal 10000×10000 float64, chunks 1000×1000",
      () => ca.random.normal(10, 0.1, [10_000, 10_000], { chunks: [1000, 1000], seed: 42 }).mean(),
    ],
    [
      "sum of random.random 1e8 float32, chunks 1e7",
      () => ca.random.random([1e8], { dtype: "float32", chunks: [1e7], seed: 1 }).sum(),
    ],
  ];
  const pools = [new NodePool({ workers: 1 }), new NodePool({ workers: 2 })];
  for (const pool of pools) await pool.run(task("core.identity"), [NDArray.from([1])]); // inline
  for (const [name, make] of cases) {
    const results: number[] = [];
    const variants = [undefined, ...pools].map((executor, v) => async () => {
      results[v] = (await ca.compute([make()], { executor }))[0].item() as number;
    });
    const [inProc, one, two] = await alternate(heavy, variants);
    report(`${name}: in-process`, speed(inProc, inProc));
    report("  1 worker", speed(inProc, one));
    report("  2 workers", speed(inProc, two));
    report("  spread of the 3 results", String(Math.max(...results) - Math.min(...results)));
  }
  for (const pool of pools) await pool.close();
}

const rss = process.resourceUsage().maxRSS / 1024;
report("peak RSS of this process (all threads), MB", fmt(rss, 0));
console.log(
  `load average at the end ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
