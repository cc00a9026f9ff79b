/**
 * Benchmark of the Web Worker pool in headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core): the speed-up over the page's main thread for the tutorial's random-normal
 * mean at a browser-sized scale, and the per-task overhead on thousands of tiny tasks. Runs twice:
 * cross-origin isolated (SharedArrayBuffer transport) and not (transferred copies).
 *
 *   pnpm --filter @chunked/executor-web bench          # 4000×4000, chunks 500, 5000 tiny tasks
 *   SHAPE=2000 CHUNK=250 TINY=2000 REPEATS=5 pnpm --filter @chunked/executor-web bench
 *
 * The page (bench/index.html + bench/page.ts) is served by Vite (vitest's own copy), which
 * compiles the TypeScript and bundles the worker as an app would.
 */
import { readdirSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { chromium } from "playwright-core";
import { createViteServer } from "vitest/node";
import type { BenchOptions, BenchResult } from "./page.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const size = Number(process.env.SHAPE ?? 4000);
const chunk = Number(process.env.CHUNK ?? 500);
const options: BenchOptions = {
  shape: [size, size],
  chunks: [chunk, chunk],
  repeats: Number(process.env.REPEATS ?? 3),
  tinyTasks: Number(process.env.TINY ?? 5000),
  ...(process.env.WORKERS ? { workers: Number(process.env.WORKERS) } : {}),
};

const ISOLATION = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

/** Peak RSS (MB) of the renderer processes during the main-thread runs and the pool runs. */
interface RssPeaks {
  /** Before the first run (page loaded, workers started). */
  idleMB: number;
  mainMB: number;
  poolMB: number;
}

/** RSS in bytes of the renderer processes whose parent is `browserPid` (Linux /proc). */
function rendererRss(browserPid: number): number {
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, "utf8");
      const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
      if (ppid !== browserPid && !isDescendant(Number(entry), browserPid)) continue;
      if (!readFileSync(`/proc/${entry}/cmdline`, "utf8").includes("--type=renderer")) continue;
      total += Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
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

/** Samples the renderers' RSS every 20 ms, with epoch-ms timestamps. */
function sampleRendererRss(browserPid: number | undefined) {
  const samples: [number, number][] = [];
  const timer = setInterval(() => {
    if (browserPid !== undefined) samples.push([Date.now(), rendererRss(browserPid)]);
  }, 20);
  const peakIn = (windows: [number, number][]) =>
    Math.max(0, ...samples.filter(([t]) => windows.some(([a, b]) => t >= a && t <= b)).map(([, r]) => r)) /
    1e6;
  return {
    stop: () => clearInterval(timer),
    peaks(mainWindows: [number, number][], poolWindows: [number, number][]): RssPeaks {
      const first = Math.min(mainWindows[0]?.[0] ?? Date.now(), poolWindows[0]?.[0] ?? Date.now());
      const before = samples.filter(([t]) => t < first).map(([, r]) => r);
      return { idleMB: (before.at(-1) ?? 0) / 1e6, mainMB: peakIn(mainWindows), poolMB: peakIn(poolWindows) };
    },
  };
}

async function runOnce(isolated: boolean): Promise<BenchResult & { rss: RssPeaks }> {
  const server = await createViteServer({
    root,
    configFile: false,
    // The page imports the workspace packages from their sources (no build needed), as the tests
    // do (vitest.shared.ts: `source` first, then Vite's defaults).
    resolve: { conditions: ["source", "module", "browser", "development|production"] },
    logLevel: "warn",
    server: { port: 0, strictPort: false, headers: isolated ? ISOLATION : {} },
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error("Vite did not report a URL");
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    const page = await browser.newPage();
    page.on("pageerror", (e) => console.error("page error:", e));
    await page.goto(`${url}bench/index.html`);
    // Dedicated workers are threads of the page's renderer process: its RSS is the page's memory.
    const sampler = sampleRendererRss(childBrowserPid());
    await page.waitForFunction(
      () => typeof (globalThis as { runBench?: unknown }).runBench === "function",
      null,
      {
        timeout: 60_000,
      },
    );
    try {
      const result = await page.evaluate(
        (o) => (globalThis as unknown as { runBench: (o: BenchOptions) => Promise<BenchResult> }).runBench(o),
        options,
      );
      return { ...result, rss: sampler.peaks(result.mean.mainWindows, result.mean.poolWindows) };
    } finally {
      sampler.stop();
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(", ");

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

console.log(
  `machine: ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
const capacity = await parallelCapacity();
console.log(
  `parallel capacity now: ${capacity.ratio.toFixed(2)} of ${capacity.threads} cores (1.0: other processes take the rest)`,
);
console.log(
  `W2: random.normal(10, 0.1, [${options.shape}], chunks [${options.chunks}]).mean({ axis: 0 })[::100], ${options.repeats} repeats; ${options.tinyTasks} tiny tasks`,
);
for (const isolated of [true, false]) {
  const r = await runOnce(isolated);
  console.log(
    `\n== ${isolated ? "cross-origin isolated" : "not isolated"}: transport ${r.transport}, ${r.workers} workers ` +
      `(hardwareConcurrency ${r.hardwareConcurrency}), crossOriginIsolated=${r.crossOriginIsolated}, workers ready in ${r.workerStartMs.toFixed(0)} ms`,
  );
  console.log(
    `mean (${r.mean.tasks} blocks): main thread ${fmt(r.mean.mainMs)} ms | pool ${fmt(r.mean.poolMs)} ms | ` +
      `speed-up ${r.mean.speedup.toFixed(2)}x (medians) | bit-identical: ${r.mean.identical} | ` +
      `kernel time summed over workers ${fmt(r.mean.kernelMs)} ms`,
  );
  console.log(
    `${r.tiny.tasks} tiny tasks: main thread ${r.tiny.mainUsPerTask.toFixed(1)} µs/task | pool cold ${r.tiny.poolColdUsPerTask.toFixed(1)} µs/task, ` +
      `warm ${r.tiny.poolWarmUsPerTask.toFixed(1)} µs/task in ${r.tiny.messages} messages | overhead over main thread ${r.tiny.overheadUsPerTask.toFixed(1)} µs/task`,
  );
  console.log(`one task at a time (message round trip): ${r.roundTripUs.toFixed(0)} µs`);
  console.log(
    `peak RSS of the page's renderer (main thread + workers), sampled every 20 ms: idle ${r.rss.idleMB.toFixed(0)} MB | ` +
      `during main-thread runs ${r.rss.mainMB.toFixed(0)} MB | during pool runs ${r.rss.poolMB.toFixed(0)} MB`,
  );
}
const after = await parallelCapacity();
console.log(`\nparallel capacity after: ${after.ratio.toFixed(2)} of ${after.threads} cores`);
console.log(
  `load average after: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
