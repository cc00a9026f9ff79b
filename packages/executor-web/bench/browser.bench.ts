/**
 * Benchmark of the Web Worker pool in headless Chromium (Debian's /usr/bin/chromium), against the
 * page's main thread, on issue #11's two browser workloads:
 *
 * - mean, anomaly: the course's lesson 3, `x.mean(0)` and `x[0] - x.mean(0)` of
 *   `x = stack(31 days)`, 31 × 360 × 720 float32 read as Zarr (blosc: lz4 after a byte shuffle, chunks 360²) over HTTP from
 *   a server in a thread of this process (`pnpm prep --course` makes the data if missing);
 * - w2: the tutorial's `random.normal(10, 0.1, [4000, 4000], chunks 1000).mean(0)[::100]`.
 *
 * Each runs cross-origin isolated (SharedArrayBuffer transport) and not (transferred copies):
 * one warm-up run of each variant, then `REPEATS` timed runs alternating which goes first, medians,
 * and the answers checked bit for bit. Memory: the renderers' peak RSS (main thread + workers; the
 * high-water mark is reset before each run) over each variant's runs, and, on the isolated page,
 * `performance.measureUserAgentSpecificMemory()` after each run (the page's and each worker's heap).
 *
 * Chromium runs as a learner's would: no DevTools protocol attached (Playwright's network events
 * cost this process ~4 ms of CPU a request, on the 2 cores the pool needs) and no sampling while a
 * run is timed. The page runs the bench itself and brackets each run with a request to this
 * process, which reads Chromium's CPU counters and peak RSS from /proc then; timing starts once a
 * new Chromium has finished starting its own UI (seconds of CPU in its first ~10 s).
 *
 *   pnpm --filter @chunked/executor-web bench
 *   REPEATS=5 WORKLOADS=mean,w2 LATENCY=20 MODES=isolated WORKERS=2 SIZE=4000 CHUNK=1000 DATA=/work/main/datasets pnpm --filter @chunked/executor-web bench
 *
 * `DAY_CHUNK=720` reads each day as one block, for a store written in whole-day chunks (31 requests
 * a run instead of 62; `DATA` must then point at such a store).
 *
 * `HTTP_CACHE=1` lets the browser cache the
 * data (timed runs then read it from Chromium's HTTP cache, as a second visit would).
 *
 * The page (bench/index.html + bench/page.ts, worker bench/worker.ts) is served by Vite (vitest's
 * own copy), which compiles the TypeScript and bundles the worker as an app would.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { createViteServer } from "vitest/node";
import { chromiumLaunchOptions, clientConditions } from "../../../vitest.shared.js";
import { peakRssBytes, resetPeakRss, statCpuMs } from "../../../scripts/bench/proc-cpu.js";
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

function isDescendant(pid: number, ancestor: number): boolean {
  for (let p = pid, hops = 0; p > 1 && hops < 8; hops++) {
    const stat = readFileSync(`/proc/${p}/stat`, "utf8");
    p = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (p === ancestor) return true;
  }
  return false;
}

/**
 * CPU time (ms) in one run: of all Chromium's processes (browser, network service, renderers:
 * every fetch also costs the first two), and of the renderers (all threads, the page's main
 * thread, its dedicated workers).
 */
interface Cpu {
  chromium: number;
  all: number;
  main: number;
  workers: number;
}

/** A reading of Chromium's CPU counters, and the renderers' peak RSS since the last reset. */
interface Reading extends Cpu {
  peakRss: number;
}

/**
 * Chromium's counters, read only when the page says a run starts or ends (no sampling while it
 * runs: on 2 cores a sampler would take CPU from the pool it measures). The renderers' RSS
 * high-water marks are reset at each start (`/proc/PID/clear_refs`), so the peak is the run's.
 */
function chromiumMeter(browserPid: number) {
  const chromium = chromiumPids(browserPid);
  const renderers = rendererPids(chromium);
  const read = (): Reading => {
    const r: Reading = { chromium: processesCpuMs(chromium), all: 0, main: 0, workers: 0, peakRss: 0 };
    for (const pid of renderers) {
      try {
        r.peakRss += peakRssBytes(pid) ?? 0;
        r.all += statCpuMs(readFileSync(`/proc/${pid}/stat`, "utf8"));
        for (const tid of readdirSync(`/proc/${pid}/task`)) {
          const task = `/proc/${pid}/task/${tid}`;
          if (tid === String(pid)) r.main += statCpuMs(readFileSync(`${task}/stat`, "utf8"));
          else if (readFileSync(`${task}/comm`, "utf8").startsWith("DedicatedWorker"))
            r.workers += statCpuMs(readFileSync(`${task}/stat`, "utf8"));
        }
      } catch {
        // The process or thread ended meanwhile.
      }
    }
    return r;
  };
  return {
    /** Resets the renderers' peak RSS and reads the counters. */
    start(): Reading {
      for (const pid of renderers) resetPeakRss(pid);
      return read();
    },
    read,
    /** CPU ms used by all of Chromium over the next `ms` milliseconds. */
    async busyMs(ms: number): Promise<number> {
      const a = processesCpuMs(chromium);
      await new Promise((resolve) => setTimeout(resolve, ms));
      return processesCpuMs(chromium) - a;
    },
  };
}

/**
 * The course's Zarr store over HTTP, from memory (19 MB), on its own port and in its own thread,
 * so the control server and Vite in this thread never delay an answer. Cross-origin, as a data host
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

interface ModeResult extends BenchResult {
  mainPeakMB: number;
  poolPeakMB: number;
  /** Chromium's CPU time in each timed run, in the order of `runs`. */
  cpu: Cpu[];
}

/**
 * Where the page reports to (on its own port, in this thread): `/settle` answers once Chromium is
 * idle (a new headless Chromium spends seconds of CPU starting its own UI; timed runs must not
 * share the cores with that), `/mark?phase=start|end&run=N` brackets each timed run (the counters
 * are read then), `/result` and `/error` end the page's work.
 */
async function startControlServer(browserPid: () => number | undefined) {
  // Made at the page's first request, when its renderer exists.
  let meter: ReturnType<typeof chromiumMeter> | undefined;
  const starts = new Map<number, Reading>();
  const ends = new Map<number, Reading>();
  let settle: (r: BenchResult) => void = () => {};
  let fail: (e: Error) => void = () => {};
  const result = new Promise<BenchResult>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const cors = { "Access-Control-Allow-Origin": "*" };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const done = () => {
      res.writeHead(204, cors);
      res.end();
    };
    const body = () =>
      new Promise<string>((resolve) => {
        let text = "";
        req.setEncoding("utf8");
        req.on("data", (part: string) => {
          text += part;
        });
        req.on("end", () => resolve(text));
      });
    const pid = browserPid();
    if (!meter && pid !== undefined) meter = chromiumMeter(pid);
    const m = meter;
    switch (url.pathname) {
      case "/settle":
        void (async () => {
          // Idle: under 10% of a core over a quarter second; at most 30 s.
          for (let t = 0; m && t < 120 && (await m.busyMs(250)) > 25; t++);
          done();
        })();
        return;
      case "/mark": {
        const run = Number(url.searchParams.get("run"));
        if (m && url.searchParams.get("phase") === "start") starts.set(run, m.start());
        else if (m) ends.set(run, m.read());
        done();
        return;
      }
      case "/result":
        void body().then((text) => settle(JSON.parse(text) as BenchResult));
        done();
        return;
      case "/error":
        void body().then((text) => fail(new Error(`page error: ${text}`)));
        done();
        return;
      default:
        res.writeHead(404, cors);
        res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    result,
    /** Chromium's CPU over run N, and the renderers' peak RSS in it. */
    run(n: number): Reading | undefined {
      const a = starts.get(n);
      const b = ends.get(n);
      if (!a || !b) return undefined;
      return {
        chromium: b.chromium - a.chromium,
        all: b.all - a.all,
        main: b.main - a.main,
        workers: b.workers - a.workers,
        peakRss: b.peakRss,
      };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * One workload on one page: Chromium started as a learner's would be, with no DevTools protocol
 * attached (Playwright's network tracking cost the harness about 4 ms of CPU per request, on the
 * same 2 cores as the page); the page runs the bench itself and reports to the control server.
 */
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
  let chromePid: number | undefined;
  const control = await startControlServer(() => chromePid);
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error("Vite did not report a URL");
  const options: BenchOptions = {
    workload,
    repeats,
    size,
    chunk,
    dataUrl: data.url,
    dayChunk,
    ...(workers ? { workers } : {}),
  };
  const query = new URLSearchParams({
    options: JSON.stringify(options),
    control: control.url,
  });
  const profile = mkdtempSync(join(tmpdir(), "chunked-bench-"));
  const chrome = spawn(
    chromiumLaunchOptions.executablePath,
    [
      ...chromiumLaunchOptions.args,
      "--headless",
      "--no-first-run",
      "--no-default-browser-check",
      `--user-data-dir=${profile}`,
      // measureUserAgentSpecificMemory() answers at once instead of at the next natural GC (≤ 20 s).
      "--enable-blink-features=ForceEagerMeasureMemory",
      `${url}bench/index.html?${query}`,
    ],
    // /usr/bin/chromium execs the browser: its pid is the browser process's, and the group's.
    { stdio: ["ignore", "ignore", "pipe"], detached: true },
  );
  let stderr = "";
  chrome.stderr.on("data", (part: Buffer) => {
    stderr = (stderr + part.toString()).slice(-4000);
  });
  try {
    chromePid = chrome.pid;
    if (chromePid === undefined) throw new Error(`could not start ${chromiumLaunchOptions.executablePath}`);
    const exited = new Promise<never>((_, reject) =>
      chrome.once("exit", (code) =>
        reject(new Error(`Chromium exited (${code}) before the page reported:\n${stderr}`)),
      ),
    );
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error("the page did not report within 10 minutes")), 600_000).unref(),
    );
    const result = await Promise.race([control.result, exited, timeout]);
    const readings = result.runs.map((_, i) => control.run(i));
    const peakMB = (v: Run["variant"]) =>
      Math.max(0, ...readings.filter((_, i) => result.runs[i].variant === v).map((r) => r?.peakRss ?? 0)) /
      1e6;
    const nan = { chromium: Number.NaN, all: Number.NaN, main: Number.NaN, workers: Number.NaN };
    return {
      ...result,
      mainPeakMB: peakMB("main"),
      poolPeakMB: peakMB("pool"),
      cpu: readings.map((r) => r ?? nan),
    };
  } finally {
    const exit = new Promise((resolve) =>
      chrome.exitCode === null ? chrome.once("exit", resolve) : resolve(null),
    );
    if (chrome.pid !== undefined && chrome.exitCode === null) process.kill(-chrome.pid, "SIGTERM");
    await exit;
    // Its zygotes and renderers may still be closing files in the profile.
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    await control.close();
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
