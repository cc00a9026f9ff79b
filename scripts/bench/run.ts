/**
 * `pnpm bench`: the tutorial's experiments, measured. Each variant runs in its own process (so peak
 * RSS means something), several times; the table shows the median wall time, its spread, the ratio
 * to the workload's baseline measured in the same run, CPU time and peak RSS, and checks that every
 * variant's answer agrees with the baseline's.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { Measurement, Scale } from "./types.js";
import { WORKLOADS } from "./workloads/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    scale: { type: "string", default: "small" },
    only: { type: "string" },
    repeats: { type: "string", default: "3" },
    budget: { type: "string", default: "512" },
    json: { type: "string", default: join(here, "..", "..", "bench-results", "latest.json") },
    help: { type: "boolean", short: "h" },
  },
});
if (args.help) {
  console.log(
    `pnpm bench [--scale tiny|small|tutorial] [--only W1,W2] [--repeats N] [--budget MB] [--json FILE]`,
  );
  process.exit(0);
}
const scale = args.scale as Scale;
if (!["tiny", "small", "tutorial"].includes(scale)) {
  console.error(`--scale must be tiny, small or tutorial. Got ${args.scale}.`);
  process.exit(2);
}
const repeats = Math.max(1, Number(args.repeats));
const only = args.only?.split(",");
process.env.BENCH_BUDGET_MB = args.budget;

function measure(id: string, variant: string, warmup: boolean): Measurement {
  const out = execFileSync(
    process.execPath,
    ["--import", "tsx", join(here, "child.ts"), id, variant, scale, warmup ? "warmup" : "cold"],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 26 },
  );
  const lines = out.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

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

interface Row {
  workload: string;
  variant: string;
  medianMs: number;
  spreadMs: number;
  ratio: number;
  cpuMs: number;
  maxRssMB: number;
  gbps?: number;
  agrees: boolean;
  extra?: Record<string, number | string>;
}

const rows: Row[] = [];
let wrong = 0;
for (const w of WORKLOADS) {
  if (only && !only.includes(w.id)) continue;
  for (const v of w.variants) await v.prepare?.(scale);
  let baseline: { ms: number; value: number | readonly number[] } | undefined;
  for (const v of w.variants) {
    const ms: number[] = [];
    let last: Measurement | undefined;
    let rss = 0;
    for (let r = 0; r < repeats; r++) {
      last = measure(w.id, v.name, scale !== "tutorial");
      ms.push(last.wallMs);
      rss = Math.max(rss, last.maxRssMB);
    }
    const med = median(ms);
    baseline ??= { ms: med, value: last!.value };
    const ok = agrees(last!.value, baseline.value, last!.rtol ?? 1e-6);
    if (!ok) wrong++;
    const bytes = w.inputBytes?.(scale);
    rows.push({
      workload: `${w.id} ${w.title}`,
      variant: v.name,
      medianMs: med,
      spreadMs: Math.max(...ms) - Math.min(...ms),
      ratio: baseline.ms / med,
      cpuMs: last!.cpuMs,
      maxRssMB: rss,
      gbps: bytes ? bytes / 1e9 / (med / 1000) : undefined,
      agrees: ok,
      extra: last!.extra,
    });
    const row = rows[rows.length - 1];
    console.error(
      `${row.workload} / ${row.variant}: ${row.medianMs.toFixed(0)} ms, ${row.maxRssMB.toFixed(0)} MB${ok ? "" : "  DISAGREES WITH BASELINE"}`,
    );
  }
}

const machine = {
  cores: availableParallelism(),
  cpu: cpus()[0]?.model,
  memGB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  load: loadavg()
    .map((x) => x.toFixed(2))
    .join(" "),
  date: new Date().toISOString(),
  scale,
};
const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : " ".repeat(n - s.length) + s);
console.log(
  `\n@chunked bench — scale ${scale}, ${machine.cores} cores, ${machine.cpu}, Node ${machine.node}, load ${machine.load}\n`,
);
console.log(
  `${pad("workload", 34)} ${pad("variant", 26)} ${lpad("median", 10)} ${lpad("± spread", 9)} ${lpad("speed-up", 9)} ${lpad("CPU", 9)} ${lpad("peak RSS", 9)} ${lpad("GB/s", 6)}  check  extra`,
);
for (const r of rows) {
  console.log(
    `${pad(r.workload, 34)} ${pad(r.variant, 26)} ${lpad(`${r.medianMs.toFixed(0)} ms`, 10)} ${lpad(r.spreadMs.toFixed(0), 9)} ${lpad(`${r.ratio.toFixed(2)}×`, 9)} ${lpad(`${(r.cpuMs / 1000).toFixed(1)} s`, 9)} ${lpad(`${r.maxRssMB.toFixed(0)} MB`, 9)} ${lpad(r.gbps ? r.gbps.toFixed(2) : "", 6)}  ${r.agrees ? "ok   " : "WRONG"}  ${
      r.extra
        ? Object.entries(r.extra)
            .map(([k, v]) => `${k}=${v}`)
            .join(" ")
        : ""
    }`,
  );
}
mkdirSync(dirname(args.json!), { recursive: true });
writeFileSync(args.json!, `${JSON.stringify({ machine, rows }, null, 2)}\n`);
console.log(`\nwritten ${args.json}`);
if (wrong) {
  console.error(`${wrong} variant(s) disagree with their baseline`);
  process.exit(1);
}
