/**
 * `pnpm bench`: the tutorial's experiments, measured. Each variant runs in its own process (so peak
 * RSS means something): setup, a warm-up run, then `--repeats` timed runs. The table shows the
 * median wall time, its spread, the ratio to the workload's baseline measured in the same run, CPU
 * time (all threads), peak RSS and GB/s, and checks that every variant's answer agrees with the
 * baseline's. A variant that fails is a row marked FAILED (and the exit code is 1), never skipped.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type BenchContext, type DaskBaseline, type Measurement, RESULT_MARK, type Scale } from "./types.js";
import { contextFromEnv, ENV } from "./workloads/common.js";
import { WORKLOADS } from "./workloads/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const USAGE = `pnpm bench [options]
  --scale tiny|small|tutorial  sizes (default small; tutorial = the seed's sizes)
  --only W1,W3,...             workloads (W3 also selects W3-zarr, W5 selects W5-10k and W5-100k)
  --repeats N                  timed runs per variant, after the warm-up (default 3)
  --warmup yes|no              an untimed run first in every measured process, for every variant
                               and dask alike (default yes: a pool's workers compile their
                               kernels in that run, as a long-lived pool has)
  --hugepages yes|no           measured processes (ours and dask) ask glibc to back big allocations
                               with transparent huge pages (GLIBC_TUNABLES=glibc.malloc.hugetlb=1),
                               as NumPy does for its own arrays (default no: what a plain node gets)
  --budget MB                  W6's memory budget (default 512)
  --workers N                  pool size (default: all cores)
  --local-reads                pool variants read HDF5 on the main thread (workers cannot reopen files)
  --isolate variant|workload   one process per variant (default), or per workload (quicker, smoke test)
  --data DIR                   where data sets are made (default datasets/)
  --prepare-only               make the data sets of the selected workloads, measure nothing
  --json FILE                  results (default bench-results/latest.json, plus a dated copy)
  --variants A,B               only the variants with these names (the first one given is the
                               baseline the others are checked against)
  --baseline dask              also run each workload in dask (python3-dask, threaded scheduler) on
                               the same files, alternating run by run with the variants; prints
                               time and peak RSS ratios to dask`;

const { values: args } = parseArgs({
  options: {
    scale: { type: "string", default: "small" },
    only: { type: "string" },
    repeats: { type: "string", default: "3" },
    warmup: { type: "string" },
    hugepages: { type: "string" },
    budget: { type: "string", default: "512" },
    workers: { type: "string" },
    "local-reads": { type: "boolean", default: false },
    isolate: { type: "string", default: "variant" },
    data: { type: "string" },
    "prepare-only": { type: "boolean", default: false },
    json: { type: "string" },
    baseline: { type: "string" },
    variants: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const scale = args.scale as Scale;
if (!["variant", "workload"].includes(args.isolate!)) {
  console.error(`--isolate must be variant or workload. Got ${args.isolate}.`);
  process.exit(2);
}
if (!["tiny", "small", "tutorial"].includes(scale)) {
  console.error(`--scale must be tiny, small or tutorial. Got ${args.scale}.`);
  process.exit(2);
}
if (args.baseline !== undefined && args.baseline !== "dask") {
  console.error(`--baseline must be dask. Got ${args.baseline}.`);
  process.exit(2);
}
if (args.hugepages !== undefined && !["yes", "no"].includes(args.hugepages)) {
  console.error(`--hugepages must be yes or no. Got ${args.hugepages}.`);
  process.exit(2);
}
const repeats = Math.max(1, Number(args.repeats) || 1);
// Every measured process (each timed run of --baseline dask is one) warms up the same way, or none
// does: a cold pool compiles every kernel once per worker, which in-process compiles once.
const warmup = (args.warmup ?? "yes") === "yes";
const only = args.only?.split(",").map((s) => s.trim());
const selected = WORKLOADS.filter((w) => !only || only.some((o) => w.id === o || w.id.startsWith(`${o}-`)));
if (selected.length === 0) {
  console.error(`--only ${args.only} matches no workload (${WORKLOADS.map((w) => w.id).join(", ")}).`);
  process.exit(2);
}

// Options reach measured processes through the environment.
process.env[ENV.budget] = args.budget;
if (args.workers) process.env[ENV.workers] = args.workers;
if (args.data) process.env[ENV.data] = args.data;
process.env[ENV.localReads] = args["local-reads"] ? "1" : "0";
// Every first touch of a fresh 4 KiB page costs a fault (3-14 ns per byte on this VM, 0.3-0.9 s
// for W3's 66 MB result at load 15; 20 ms with huge pages). NumPy madvises its big arrays to huge
// pages itself; Node's allocator, glibc's malloc, does when this tunable is set at startup.
const hugepages = args.hugepages === "yes";
if (hugepages)
  process.env.GLIBC_TUNABLES = [process.env.GLIBC_TUNABLES, "glibc.malloc.hugetlb=1"]
    .filter(Boolean)
    .join(":");
const context: BenchContext = contextFromEnv();

/**
 * A Python that can import dask, h5py and zarr (`--baseline dask` needs python3-dask): Debian's
 * first (a pyenv shim named python3 may come first in PATH and lack them), then `python3`.
 */
function daskPython(): string | undefined {
  return ["/usr/bin/python3", "python3"].find(
    (python) => spawnSync(python, ["-c", "import dask.array, h5py, zarr"], { stdio: "ignore" }).status === 0,
  );
}
const python = args.baseline === "dask" ? daskPython() : undefined;
const withDask = python !== undefined;
if (args.baseline === "dask" && !withDask)
  console.error(
    "--baseline dask: python3 cannot import dask, h5py and zarr (apt-get install python3-dask python3-h5py python3-zarr); running without it.",
  );

/** Runs a workload's dask baseline (dask/baseline.py) `reps` times in one Python process. */
function measureDask(id: string, baseline: DaskBaseline, reps: number): Measurement {
  const r = spawnSync(
    python!,
    [
      join(here, "dask", "baseline.py"),
      id,
      JSON.stringify({ workers: context.workers, ...baseline.args }),
      String(reps),
      warmup ? "warmup" : "cold",
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 26 },
  );
  const line = (r.stdout ?? "").split("\n").find((l) => l.startsWith(RESULT_MARK));
  if (!line) return { runs: [], value: [], error: `dask exited with ${r.status} without a result` };
  return { ...(JSON.parse(line.slice(RESULT_MARK.length)) as Measurement), rtol: baseline.rtol };
}

/** Measurements of the same variant from several processes, as one. */
function merge(parts: readonly Measurement[]): Measurement {
  const failed = parts.find((p) => p.error);
  if (failed) return failed;
  const last = parts[parts.length - 1];
  return { ...last, runs: parts.flatMap((p) => p.runs) };
}

/** Runs variants `indices` of workload `id` in one process; one Measurement per index. */
function measure(id: string, indices: readonly number[], reps = repeats): Measurement[] {
  const r = spawnSync(
    process.execPath,
    [
      // Children resolve @chunked/* as this process does (`--conditions=source` in tests: the sources).
      ...process.execArgv.filter((a) => a.startsWith("--conditions")),
      "--expose-gc",
      join(here, "child-entry.mjs"),
      id,
      indices.join(","),
      scale,
      warmup ? "warmup" : "cold",
      String(reps),
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 26 },
  );
  const results = (r.stdout ?? "")
    .split("\n")
    .filter((l) => l.startsWith(RESULT_MARK))
    .map((l) => JSON.parse(l.slice(RESULT_MARK.length)) as Measurement);
  const why = r.signal ? `killed by ${r.signal}` : `exit code ${r.status}`;
  return indices.map(
    (_, k) => results[k] ?? { runs: [], value: [], error: `the process died (${why}) without a result` },
  );
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function agrees(a: number | readonly number[], b: number | readonly number[], rtol: number): boolean {
  const xs = typeof a === "number" ? [a] : a;
  const ys = typeof b === "number" ? [b] : b;
  if (xs.length !== ys.length) return false;
  return xs.every(
    (x, i) =>
      Math.abs(x - ys[i]) <= rtol * Math.max(Math.abs(x), Math.abs(ys[i]), 1e-300) ||
      (Number.isNaN(x) && Number.isNaN(ys[i])),
  );
}

export interface Row {
  workload: string;
  title: string;
  variant: string;
  /** 1-minute load average when the variant started (other sessions share the machine). */
  load1: number;
  runsMs: number[];
  medianMs: number;
  spreadMs: number;
  /** Baseline median / this median: > 1 is faster than the baseline. */
  ratio: number;
  cpuMs: number;
  /** Median CPU time of the main thread alone (undefined where /proc is missing, and for dask). */
  mainCpuMs?: number;
  peakRssMB: number;
  startRssMB: number;
  gbps?: number;
  agrees: boolean;
  value: number | readonly number[];
  extra?: Record<string, number | string>;
  error?: string;
}

const rows: Row[] = [];
let bad = 0;
const started = new Date();
console.error(
  `bench: scale ${scale}, ${repeats} run(s) per variant${warmup ? " after a warm-up" : ""}, load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
for (const w of selected) {
  const t0 = performance.now();
  try {
    await w.prepare?.(scale, context);
    for (const v of w.variants) await v.prepare?.(scale, context);
  } catch (err) {
    console.error(`${w.id}: preparing the data failed:`, err);
    for (const v of w.variants) {
      rows.push(failedRow(w.id, w.title, v.name, `prepare failed: ${String(err)}`));
      bad++;
    }
    continue;
  }
  if (performance.now() - t0 > 1000)
    console.error(`${w.id}: data ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (args["prepare-only"]) continue;
  let baseline: { ms: number; value: number | readonly number[] } | undefined;
  const wanted = args.variants?.split(",").map((x) => x.trim());
  const all = w.variants.flatMap((v, i) => (!wanted || wanted.includes(v.name) ? [i] : []));
  const dask = withDask ? w.dask?.(scale, context) : undefined;
  const names = [...all.map((i) => w.variants[i].name), ...(dask ? [`dask ${context.workers} threads`] : [])];
  const loads = names.map(() => loadavg()[0]);
  let measured: Measurement[] | undefined;
  if (dask) {
    // Alternating, run by run: each round measures every variant once, then dask once.
    const rounds: Measurement[][] = [];
    for (let r = 0; r < repeats; r++) {
      const round = all.map((index, i) => {
        if (r === 0) loads[i] = loadavg()[0];
        return measure(w.id, [index], 1)[0];
      });
      if (r === 0) loads[names.length - 1] = loadavg()[0];
      round.push(measureDask(w.id, dask, 1));
      rounds.push(round);
    }
    measured = names.map((_, i) => merge(rounds.map((round) => round[i])));
  } else if (args.isolate === "workload") measured = measure(w.id, all);
  for (const [i, name] of names.entries()) {
    const v = { name };
    const isDask = dask !== undefined && i === names.length - 1;
    const load1 = measured ? loads[i] : loadavg()[0];
    const m = measured?.[i] ?? measure(w.id, [all[i]])[0];
    if (m.error || m.runs.length === 0) {
      const row = failedRow(w.id, w.title, v.name, m.error ?? "no runs", load1);
      rows.push(row);
      bad++;
      console.error(`${w.id} / ${v.name}: FAILED: ${row.error}`);
      continue;
    }
    const ms = m.runs.map((r) => r.wallMs);
    const med = median(ms);
    const isBaseline = i === 0;
    if (isBaseline) baseline = { ms: med, value: m.value };
    const ok =
      baseline !== undefined &&
      ((isDask && !dask.comparable) || agrees(m.value, baseline.value, m.rtol ?? 1e-6));
    if (!ok) bad++;
    const bytes = w.inputBytes?.(scale, context);
    const peak = Math.max(...m.runs.map((r) => r.peakRssMB));
    const extra: Record<string, number | string> = { ...m.extra };
    if (isDask && !dask.comparable) extra.check = "not compared (dask draws other random numbers)";
    if (w.budgeted) extra.underBudget = peak <= context.budgetMB ? "yes" : "no";
    const row: Row = {
      workload: w.id,
      title: w.title,
      variant: v.name,
      load1,
      runsMs: ms,
      medianMs: med,
      spreadMs: Math.max(...ms) - Math.min(...ms),
      ratio: baseline ? baseline.ms / med : Number.NaN,
      cpuMs: median(m.runs.map((r) => r.cpuMs)),
      mainCpuMs: m.runs.every((r) => r.mainCpuMs !== undefined)
        ? median(m.runs.map((r) => r.mainCpuMs!))
        : undefined,
      peakRssMB: peak,
      startRssMB: median(m.runs.map((r) => r.startRssMB)),
      gbps: bytes ? bytes / 1e9 / (med / 1000) : undefined,
      agrees: ok,
      value: m.value,
      extra: Object.keys(extra).length ? extra : undefined,
    };
    rows.push(row);
    console.error(
      `${w.id} / ${v.name}: ${med.toFixed(0)} ms, peak ${peak.toFixed(0)} MB, load ${load1.toFixed(1)}${
        ok ? "" : baseline ? "  DISAGREES WITH BASELINE" : "  (no baseline to compare with)"
      }${w.budgeted ? `  under the ${context.budgetMB} MB budget: ${extra.underBudget}` : ""}`,
    );
  }
}

if (args["prepare-only"]) process.exit(bad ? 1 : 0);

function failedRow(
  workload: string,
  title: string,
  variant: string,
  error: string,
  load1 = loadavg()[0],
): Row {
  return {
    workload,
    title,
    variant,
    load1,
    runsMs: [],
    medianMs: Number.NaN,
    spreadMs: Number.NaN,
    ratio: Number.NaN,
    cpuMs: Number.NaN,
    peakRssMB: Number.NaN,
    startRssMB: Number.NaN,
    agrees: false,
    value: [],
    error,
  };
}

const machine = {
  cores: availableParallelism(),
  cpu: cpus()[0]?.model,
  memGB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  load: loadavg()
    .map((x) => x.toFixed(2))
    .join(" "),
  started: started.toISOString(),
  finished: new Date().toISOString(),
  scale,
  repeats,
  warmup,
  hugepages,
  workers: context.workers,
  budgetMB: context.budgetMB,
  localReads: context.localReads,
  isolate: args.isolate,
  command: `pnpm bench ${process.argv.slice(2).join(" ")}`.trim(),
};

const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : " ".repeat(n - s.length) + s);
const seconds = (ms?: number) => (ms === undefined ? "-" : `${(ms / 1000).toFixed(1)} s`);
const fmtExtra = (e?: Record<string, number | string>) =>
  e
    ? Object.entries(e)
        .map(([k, v]) => `${k}=${v}`)
        .join(" ")
    : "";
console.log(
  `\n@chunked bench — scale ${scale}, ${machine.cores} cores, ${machine.cpu}, ${machine.memGB} GB, Node ${machine.node}, ` +
    `load at the end ${machine.load}${context.localReads ? ", --local-reads" : ""}${hugepages ? ", --hugepages yes" : ""}\n`,
);
console.log(
  `${pad("workload", 42)} ${pad("variant", 30)} ${lpad("median", 10)} ${lpad("spread", 8)} ${lpad("speed-up", 8)} ${lpad("CPU", 8)} ${lpad("main", 6)} ${lpad("peak RSS", 9)} ${lpad("GB/s", 6)} ${lpad("load", 5)}  check  extra`,
);
for (const r of rows) {
  const name = pad(`${r.workload} ${r.title}`, 42);
  if (r.error) {
    console.log(
      `${name} ${pad(r.variant, 30)} ${lpad("FAILED", 10)}  ${r.error.split("\n")[0].slice(0, 200)}`,
    );
    continue;
  }
  console.log(
    `${name} ${pad(r.variant, 30)} ${lpad(`${r.medianMs.toFixed(0)} ms`, 10)} ${lpad(r.spreadMs.toFixed(0), 8)} ${lpad(
      Number.isFinite(r.ratio) ? `${r.ratio.toFixed(2)}×` : "-",
      8,
    )} ${lpad(`${(r.cpuMs / 1000).toFixed(1)} s`, 8)} ${lpad(seconds(r.mainCpuMs), 6)} ${lpad(`${r.peakRssMB.toFixed(0)} MB`, 9)} ${lpad(
      r.gbps ? r.gbps.toFixed(2) : "",
      6,
    )} ${lpad(r.load1.toFixed(1), 5)}  ${r.agrees ? "ok   " : "WRONG"}  ${fmtExtra(r.extra)}`,
  );
}
const daskRows = rows.filter((r) => r.variant.startsWith("dask ") && !r.error);
if (daskRows.length) {
  console.log(`\nAgainst dask (same files, alternating runs): time and peak RSS, ours / dask\n`);
  console.log(
    `${pad("workload", 10)} ${pad("variant", 30)} ${lpad("median", 10)} ${lpad("dask", 10)} ${lpad("time", 7)} ${lpad("peak RSS", 9)} ${lpad("dask RSS", 9)} ${lpad("RSS", 7)}`,
  );
  for (const d of daskRows)
    for (const r of rows.filter((x) => x.workload === d.workload && x !== d && !x.error))
      console.log(
        `${pad(r.workload, 10)} ${pad(r.variant, 30)} ${lpad(`${r.medianMs.toFixed(0)} ms`, 10)} ${lpad(`${d.medianMs.toFixed(0)} ms`, 10)} ${lpad(`${(r.medianMs / d.medianMs).toFixed(2)}×`, 7)} ${lpad(`${r.peakRssMB.toFixed(0)} MB`, 9)} ${lpad(`${d.peakRssMB.toFixed(0)} MB`, 9)} ${lpad(`${(r.peakRssMB / d.peakRssMB).toFixed(2)}×`, 7)}`,
      );
}

for (const w of selected.filter((x) => x.budgeted)) {
  for (const r of rows.filter((x) => x.workload === w.id && !x.error))
    console.log(
      `${w.id} ${r.variant}: peak RSS ${r.peakRssMB.toFixed(0)} MB, budget ${context.budgetMB} MB → under budget: ${r.extra?.underBudget}`,
    );
}

const json = args.json ?? join(here, "..", "..", "bench-results", "latest.json");
mkdirSync(dirname(json), { recursive: true });
const text = `${JSON.stringify({ machine, rows }, null, 2)}\n`;
writeFileSync(json, text);
if (!args.json) {
  const stamp = started.toISOString().replace(/[:.]/g, "-").slice(0, 19);
  writeFileSync(join(dirname(json), `${stamp}-${scale}.json`), text);
}
console.log(`\nwritten ${json}`);
if (bad) {
  console.error(`${bad} variant(s) failed or disagree with their baseline`);
  process.exit(1);
}
