/**
 * Runs one variant of one workload in this process: `setup`, an optional warm-up run, then
 * `repeats` timed runs, each after a GC and a reset of the RSS high-water mark. Prints a
 * Measurement as JSON (last line of stdout). Started by run.ts through child-entry.mjs.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { Measurement, Result, RunMeasurement, Scale } from "./types.js";
import { contextFromEnv } from "./workloads/common.js";
import { WORKLOADS } from "./workloads/index.js";

const [id, variantName, scaleArg, warmupArg, repeatsArg] = process.argv.slice(2);
const scale = scaleArg as Scale;
const workload = WORKLOADS.find((w) => w.id === id);
const variant = workload?.variants.find((v) => v.name === variantName);
if (!workload || !variant) {
  console.error(`unknown workload/variant: ${id}/${variantName}`);
  process.exit(2);
}

/** Peak RSS in MB since the last reset (Linux: VmHWM), else the process's lifetime maxRSS. */
function peakRssMB(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]) / 1024;
  } catch {}
  return process.resourceUsage().maxRSS / 1024;
}

/** Resets the high-water mark to the current RSS (Linux ≥ 4.0; a no-op elsewhere). */
function resetPeak(): void {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
  } catch {}
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const context = contextFromEnv();
const runs: RunMeasurement[] = [];

function fail(err: unknown, what: string): never {
  console.error(err);
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const m: Measurement = { runs, value: [], error: `${what}: ${message}` };
  console.log(JSON.stringify(m));
  process.exit(1);
}

let last: Result | undefined;
let value: number | readonly number[] = [];
try {
  await variant.setup?.(scale, context);
} catch (err) {
  fail(err, "setup failed");
}
try {
  if (warmupArg === "warmup") await variant.run(scale, context);
  for (let r = 0; r < Math.max(1, Number(repeatsArg ?? 1)); r++) {
    last = undefined;
    gc();
    resetPeak();
    const startRssMB = process.memoryUsage.rss() / 2 ** 20;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    last = await variant.run(scale, context);
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    runs.push({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMB: peakRssMB(), startRssMB });
  }
} catch (err) {
  fail(err, "run failed");
}
try {
  value = last!.check ? await last!.check() : last!.value;
} catch (err) {
  fail(err, "check failed");
}
try {
  await variant.teardown?.();
} catch (err) {
  fail(err, "teardown failed");
}
const m: Measurement = { runs, value, rtol: last!.rtol, extra: last!.extra };
console.log(JSON.stringify(m));
process.exit(0);
