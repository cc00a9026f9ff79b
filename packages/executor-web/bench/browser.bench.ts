/**
 * Benchmark of the Web Worker pool in headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core), against the page's main thread, on issue #11's two browser workloads:
 *
 * - mean, anomaly: the course's lesson 3, `x.mean(0)` and `x[0] - x.mean(0)` of
 *   `x = stack(31 days)`, 31 × 360 × 720 float32 read as Zarr (blosc: lz4 after a byte shuffle, chunks 360²) over HTTP from
 *   a server in a thread of this process (`pnpm prep --course` makes the data if missing);
 * - w2: the tutorial's `random.normal(10, 0.1, [4000, 4000], chunks 1000).mean(0)[::100]`.
 *
 * Each runs cross-origin isolated (SharedArrayBuffer transport) and not (transferred copies):
 * one warm-up run of each variant, then `REPEATS` timed runs alternating which goes first, medians,
 * and the answers checked bit for bit. Memory: the page renderer's peak RSS (main thread + workers,
 * sampled every 20 ms) during each variant's runs, and, on the isolated page,
 * `performance.measureUserAgentSpecificMemory()` after each run (the page's and each worker's heap).
 *
 *   pnpm --filter @chunked/executor-web bench
 *   REPEATS=5 WORKLOADS=mean,w2 LATENCY=20 MODES=isolated WORKERS=2 SIZE=4000 CHUNK=1000 DATA=/work/main/datasets pnpm --filter @chunked/executor-web bench
 *
 * `DAY_CHUNK=720` reads each day as one block, for a store written in whole-day chunks (31 requests
 * a run instead of 62; `DATA` must then point at such a store).
 *
 * `TRACE=/tmp/t` also writes a Chromium trace of each workload's page to /tmp/t-<workload>.json
 * (timeline, network and V8's CPU samples of every thread; open it in Perfetto or chrome://tracing):
 * it shows whether the workers wait on requests or compute. `HTTP_CACHE=1` lets the browser cache the
 * data (timed runs then read it from Chromium's HTTP cache, as a second visit would).
 *
 * The page (bench/index.html + bench/page.ts, worker bench/worker.ts) is served by Vite (vitest's
 * own copy), which compiles the TypeScript and bundles the worker as an app would.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { chromium } from "playwright-core";
import { createViteServer } from "vitest/node";
import { chromiumLaunchOptions, clientConditions } from "../../../vitest.shared.js";
import { statCpuMs } from "../../../scripts/bench/proc-cpu.js";
import type { BenchOptions, BenchResult, Run, WorkloadName } from "./page.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const repo = fileURLToPath(new URL("../../..", import.meta.url));
const datasets = process.env.DATA ?? join(repo, "datasets");
const WEATHER = join(datasets, "course", "weather-big.zarr");
const repeats = Number(process.env.REPEATS ?? 3);
const workloads = (process.env.WORKLOADS ?? "mean,anomaly,w2").split(",") as WorkloadName[];
const modes = (process.env.MODES ?? "isolated,transfer").split(",");
const size = Number(process.env.SIZE ?? 4000);
const chunk = Number(process.env.CHUNK ?? 1000);
/** Columns of lesson 3's blocks: 360 (the lesson's), or 720 for a store of whole-day chunks. */
const dayChunk = Number(process.env.DAY_CHUNK ?? 360);
const workers = process.env.WORKERS ? Number(process.env.WORKERS) : undefined;
/** Milliseconds the data server waits before each answer, as a network's round trip would. */
const latency = Number(process.env.LATENCY ?? 0);
/**
 * `HTTP_CACHE=1`: the data server lets Chromium keep its answers (a learner's second run, read
 * from the browser's HTTP cache); otherwise `no-store`, so every run reads over HTTP as a first run does.
 */
const cacheControl = process.env.HTTP_CACHE === "1" ? "max-age=3600" : "no-store";

const ISOLATION = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

/** Chromium's processes: the browser process `browserPid` and every process below it (Linux /proc). */
function chromiumPids(browserPid: number): number[] {
  const pids: number[] = [browserPid];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (isDescendant(Number(entry), browserPid)) pids.push(Number(entry));
    } catch {
      // The process ended meanwhile.
    }
  }
  return pids;
}

/** The renderer processes among `pids`: they hold the page and its workers. */
function rendererPids(pids: number[]): number[] {
  return pids.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--type=renderer");
    } catch {
      return false; // The process ended meanwhile.
    }
  });
}

/** CPU time (ms) of `pids`, all threads. */
function processesCpuMs(pids: number[]): number {
  let ms = 0;
  for (const pid of pids) {
    try {
      ms += statCpuMs(readFileSync(`/proc/${pid}/stat`, "utf8"));
    } catch {
      // The process ended meanwhile.
    }
  }
  return ms;
}

/**
 * RSS in bytes of `pids`, and their CPU time in ms: in the page's main thread, in dedicated
 * workers (threads named "DedicatedWorker…" of the page's renderer process), and in all threads.
 */
function usage(pids: number[]): { rss: number; cpuMs: number; mainCpuMs: number; workerCpuMs: number } {
  let rss = 0;
  let cpuMs = 0;
  let mainCpuMs = 0;
  let workerCpuMs = 0;
  for (const pid of pids) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      rss += Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
      cpuMs += statCpuMs(readFileSync(`/proc/${pid}/stat`, "utf8"));
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const task = `/proc/${pid}/task/${tid}`;
        if (tid === String(pid)) mainCpuMs += statCpuMs(readFileSync(`${task}/stat`, "utf8"));
        else if (readFileSync(`${task}/comm`, "utf8").startsWith("DedicatedWorker"))
          workerCpuMs += statCpuMs(readFileSync(`${task}/stat`, "utf8"));
      }
    } catch {
      // The process or thread ended meanwhile.
    }
  }
  return { rss, cpuMs, mainCpuMs, workerCpuMs };
}

function isDescendant(pid: number, ancestor: number): boolean {
  for (let p = pid, hops = 0; p > 1 && hops < 8; hops++) {
    const stat = readFileSync(`/proc/${p}/stat`, "utf8");
    p = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (p === ancestor) return true;
  }
  return false;
}

/** The browser process playwright started: this process's child running chromium. */
function childBrowserPid(): number | undefined {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(/PPid:\s+(\d+)/.exec(readFileSync(`/proc/${entry}/status`, "utf8"))?.[1]);
      if (ppid === process.pid && readFileSync(`/proc/${entry}/cmdline`, "utf8").includes("chrom"))
        return Number(entry);
    } catch {
      // The process ended meanwhile.
    }
  }
  return undefined;
}

/**
 * Samples the renderers' RSS and CPU time, and the CPU time of the whole of Chromium (its browser
 * process, network service, renderers ...: every fetch also costs the first two), every 20 ms, with
 * epoch-ms timestamps. The processes are found once (walking /proc every 20 ms would load this
 * process, which also serves the data).
 */
function sampleRenderers(browserPid: number | undefined) {
  const chromium = browserPid === undefined ? [] : chromiumPids(browserPid);
  const pids = rendererPids(chromium);
  const samples: ({ t: number; chromiumCpuMs: number } & ReturnType<typeof usage>)[] = [];
  const timer = setInterval(
    () => samples.push({ t: Date.now(), chromiumCpuMs: processesCpuMs(chromium), ...usage(pids) }),
    20,
  );
  return {
    stop: () => clearInterval(timer),
    /** Peak RSS (MB) over the given [start, end] epoch-ms windows. */
    peakMB: (windows: [number, number][]) =>
      Math.max(
        0,
        ...samples.filter(({ t }) => windows.some(([a, b]) => t >= a && t <= b)).map((x) => x.rss),
      ) / 1e6,
    /**
     * CPU time (ms) the renderer used in a window (all threads, the page's main thread, the
     * workers), from the samples just outside it (±20 ms).
     */
    cpuMs: ([a, b]: [number, number]): Cpu => {
      const before = samples.findLast((x) => x.t <= a);
      const after = samples.find((x) => x.t >= b);
      if (!before || !after)
        return { chromium: Number.NaN, all: Number.NaN, main: Number.NaN, workers: Number.NaN };
      return {
        chromium: after.chromiumCpuMs - before.chromiumCpuMs,
        all: after.cpuMs - before.cpuMs,
        main: after.mainCpuMs - before.mainCpuMs,
        workers: after.workerCpuMs - before.workerCpuMs,
      };
    },
  };
}

/**
 * The course's Zarr store over HTTP, from memory (19 MB), on its own port and in its own thread,
 * so the /proc sampler and Vite in this thread never delay an answer. Cross-origin, as a data host
 * would be: CORS and CORP headers let an isolated page read it.
 */
async function startDataServer(): Promise<{ url: string; close: () => Promise<number> }> {
  const code = `
    const { createServer } = require("node:http");
    const { existsSync, readFileSync, statSync } = require("node:fs");
    const { join, normalize } = require("node:path");
    const { parentPort, workerData: { root, latency, cacheControl } } = require("node:worker_threads");
    const headers = { "Access-Control-Allow-Origin": "*", "Cross-Origin-Resource-Policy": "cross-origin" };
    const files = new Map();
    const server = createServer((req, res) => {
      const rel = normalize(decodeURIComponent((req.url ?? "").split("?")[0]).slice(1));
      const file = join(root, rel);
      let body = files.get(file);
      if (!body && !rel.startsWith("..") && existsSync(file) && statSync(file).isFile()) {
        body = readFileSync(file);
        files.set(file, body);
      }
      setTimeout(() => {
        if (!body) {
          res.writeHead(404, headers);
          res.end();
          return;
        }
        res.writeHead(200, { ...headers, "Content-Length": body.byteLength, "Cache-Control": cacheControl });
        res.end(body);
      }, latency);
    });
    server.listen(0, "127.0.0.1", () => parentPort.postMessage(server.address().port));
    parentPort.on("message", () => server.close(() => parentPort.postMessage("closed")));`;
  const worker = new Worker(code, { eval: true, workerData: { root: WEATHER, latency, cacheControl } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      worker.postMessage("close");
      return new Promise((resolve) => worker.once("message", () => resolve(worker.terminate())));
    },
  };
}

/**
 * CPU time (ms) in one run: of all Chromium's processes, and of the page's renderer (all its
 * threads, the page's main thread, its workers).
 */
interface Cpu {
  chromium: number;
  all: number;
  main: number;
  workers: number;
}

interface ModeResult extends BenchResult {
  mainPeakMB: number;
  poolPeakMB: number;
  /** The renderer's CPU time in each timed run, in the order of `runs`. */
  cpu: Cpu[];
}

async function runMode(isolated: boolean, workload: WorkloadName): Promise<ModeResult> {
  const server = await createViteServer({
    root,
    configFile: false,
    // The page imports the workspace packages from their sources (no build needed), as the tests do.
    resolve: { conditions: clientConditions },
    logLevel: "warn",
    server: { port: 0, strictPort: false, headers: isolated ? ISOLATION : {} },
  });
  await server.listen();
  const data = await startDataServer();
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error("Vite did not report a URL");
  const browser = await chromium.launch({
    ...chromiumLaunchOptions,
    // measureUserAgentSpecificMemory() answers at once instead of at the next natural GC (≤ 20 s).
    args: [...chromiumLaunchOptions.args, "--enable-blink-features=ForceEagerMeasureMemory"],
  });
  try {
    const page = await browser.newPage();
    page.on("pageerror", (e) => console.error("page error:", e));
    await page.goto(`${url}bench/index.html`);
    // Dedicated workers are threads of the page's renderer process: its RSS is the page's memory.
    const sampler = sampleRenderers(childBrowserPid());
    await page.waitForFunction(
      () => typeof (globalThis as { runBench?: unknown }).runBench === "function",
      null,
      {
        timeout: 120_000,
      },
    );
    const options: BenchOptions = {
      workload,
      repeats,
      size,
      chunk,
      dataUrl: data.url,
      dayChunk,
      ...(workers ? { workers } : {}),
    };
    if (process.env.TRACE)
      await browser.startTracing(page, {
        path: `${process.env.TRACE}-${workload}.json`,
        categories: [
          "devtools.timeline",
          "disabled-by-default-devtools.timeline",
          "disabled-by-default-v8.cpu_profiler",
          "loading",
        ],
      });
    try {
      const result = await page.evaluate(
        (o) => (globalThis as unknown as { runBench: (o: BenchOptions) => Promise<BenchResult> }).runBench(o),
        options,
      );
      const windows = (v: Run["variant"]) => result.runs.filter((r) => r.variant === v).map((r) => r.window);
      return {
        ...result,
        mainPeakMB: sampler.peakMB(windows("main")),
        poolPeakMB: sampler.peakMB(windows("pool")),
        cpu: result.runs.map((run) => sampler.cpuMs(run.window)),
      };
    } finally {
      sampler.stop();
      if (process.env.TRACE) await browser.stopTracing();
    }
  } finally {
    await browser.close();
    await server.close();
    await data.close();
  }
}

/**
 * How many cores this machine gives right now: the same busy loop on 1 thread, then on one per
 * CPU at once. Another process's load shows up as a ratio well under the CPU count, and then no
 * pool can show its speed-up (record it next to the numbers).
 */
async function parallelCapacity(): Promise<{ threads: number; ratio: number }> {
  const code = `const { parentPort } = require("node:worker_threads");
    const t0 = Date.now(); let x = 0; for (let i = 0; i < 3e8; i++) x = (x + i * 7) % 1000003;
    parentPort.postMessage([Date.now() - t0, x]);`;
  const run = (n: number) =>
    Promise.all(
      Array.from(
        { length: n },
        () =>
          new Promise<number>((resolve, reject) => {
            const w = new Worker(code, { eval: true });
            w.once("message", ([ms]: [number]) => {
              void w.terminate();
              resolve(ms);
            });
            w.once("error", reject);
          }),
      ),
    );
  const [one] = await run(1);
  const threads = cpus().length;
  const t0 = Date.now();
  await run(threads);
  const all = Date.now() - t0;
  return { threads, ratio: (threads * one) / all };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
const pad = (s: string | number, n: number) => String(s).padStart(n);

if (workloads.some((w) => w !== "w2") && !existsSync(WEATHER)) {
  if (process.env.DATA) throw new Error(`${WEATHER} is missing: run \`pnpm prep --course\` for ${datasets}`);
  console.log("Preparing the course data (pnpm prep --course)…");
  execFileSync("pnpm", ["prep", "--course", "-q"], { cwd: repo, stdio: "inherit" });
}

console.log(`machine: ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), load average ${load()}`);
const capacity = await parallelCapacity();
console.log(
  `parallel capacity now: ${capacity.ratio.toFixed(2)} of ${capacity.threads} cores (1.0: other processes take the rest)`,
);
console.log(
  `x = stack(31 × [360, 720] float32 Zarr over HTTP, blocks [360, ${dayChunk}]); mean: x.mean(0); anomaly: x[0] - x.mean(0); w2: random.normal(10, 0.1, [${size}, ${size}], chunks ${chunk}).mean(0)[::100]`,
);
console.log(
  `data server latency ${latency} ms per request, Cache-Control: ${cacheControl}; 1 warm-up + ${repeats} timed runs per variant, alternating; medians\n`,
);
const header =
  "workload | page     | transport | workers | main ms (runs)        | pool ms (runs)        | pool ÷ main | CPU ms main / pool (page+workers) | Chromium CPU ms main / pool | kernel ms | pool tasks | fresh/reused | peak RSS main / pool MB | heap after main / pool MB (per worker) | same bits | load";
console.log(header);
const rows: string[] = [];
for (const workload of workloads) {
  for (const mode of modes) {
    const r = await runMode(mode === "isolated", workload);
    const main = r.runs.filter((x) => x.variant === "main");
    const pool = r.runs.filter((x) => x.variant === "pool");
    const mainMs = median(main.map((x) => x.ms));
    const poolMs = median(pool.map((x) => x.ms));
    const cpu = (v: Run["variant"], k: keyof Cpu) =>
      median(r.cpu.filter((_, i) => r.runs[i].variant === v).map((c) => c[k])).toFixed(0);
    const heap = (runs: Run[]) => {
      const m = runs.map((x) => x.memory).filter((x) => x !== undefined);
      if (m.length === 0) return "n/a";
      const workersMB = m
        .at(-1)!
        .workersMB.map((w) => w.toFixed(0))
        .join("+");
      return `${median(m.map((x) => x.totalMB)).toFixed(0)} (${workersMB})`;
    };
    const row = [
      pad(workload, 8),
      (r.crossOriginIsolated ? "isolated" : "plain").padEnd(8),
      r.transport.padEnd(9),
      pad(r.workers, 7),
      `${pad(mainMs.toFixed(0), 5)} (${main.map((x) => x.ms.toFixed(0)).join(", ")})`.padEnd(21),
      `${pad(poolMs.toFixed(0), 5)} (${pool.map((x) => x.ms.toFixed(0)).join(", ")})`.padEnd(21),
      pad((poolMs / mainMs).toFixed(2), 11),
      pad(
        `${cpu("main", "all")} / ${cpu("pool", "all")} (${cpu("pool", "main")}+${cpu("pool", "workers")})`,
        32,
      ),
      pad(`${cpu("main", "chromium")} / ${cpu("pool", "chromium")}`, 27),
      pad(median(pool.map((x) => x.kernelMs ?? 0)).toFixed(0), 9),
      pad(median(pool.map((x) => x.tasks ?? 0)), 10),
      pad(`${median(pool.map((x) => x.fresh ?? 0))}/${median(pool.map((x) => x.reused ?? 0))}`, 12),
      pad(`${r.mainPeakMB.toFixed(0)} / ${r.poolPeakMB.toFixed(0)}`, 23),
      `${heap(main)} / ${heap(pool)}`.padEnd(38),
      pad(String(r.identical), 9),
      load(),
    ].join(" | ");
    rows.push(row);
    console.log(row);
  }
}
const after = await parallelCapacity();
console.log(
  `\nparallel capacity after: ${after.ratio.toFixed(2)} of ${after.threads} cores; load average ${load()}`,
);
console.log(
  "pool ÷ main < 1: the pool is faster. CPU: the renderer's (page + workers) per run, median. Chromium CPU: all its processes' (browser, network service, renderers), per run, median. kernel ms: task times the workers report, summed (a read's includes its wait). heap after: measureUserAgentSpecificMemory() after each run (isolated page only), median total (the last run's workers).",
);
if (rows.some((row) => row.includes("| false "))) process.exitCode = 1;
