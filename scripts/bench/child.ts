/**
 * Runs variants of one workload in this process (started by run.ts through child-entry.mjs). Per
 * variant: `setup`, an optional warm-up run, then `repeats` timed runs, each after a GC and a reset
 * of the RSS high-water mark, then the untimed check and `teardown`. Prints one Measurement per
 * variant as a JSON line starting with {@link RESULT_MARK}.
 *
 * argv: workload id, variant indices ("0,2"), scale, "warmup" | "cold", repeats.
 */
import { readFileSync } from "node:fs";
import {
  type Measurement,
  RESULT_MARK,
  type Result,
  type RunMeasurement,
  type Scale,
  type Variant,
} from "./types.js";
import { peakRssBytes, resetPeakRss, statCpuMs } from "./proc-cpu.js";
import { contextFromEnv } from "./workloads/common.js";
import { WORKLOADS } from "./workloads/index.js";

const [id, indices, scaleArg, warmupArg, repeatsArg] = process.argv.slice(2);
const scale = scaleArg as Scale;
const workload = WORKLOADS.find((w) => w.id === id);
const variants = (indices ?? "").split(",").map((i) => workload?.variants[Number(i)]);
if (!workload || variants.some((v) => !v)) {
  console.error(`unknown workload/variants: ${id}/${indices}`);
  process.exit(2);
}

/** Peak RSS in MB since the last reset (Linux: VmHWM), else the process's lifetime maxRSS. */
function peakRssMB(): number {
  const bytes = peakRssBytes("self");
  return bytes === undefined ? process.resourceUsage().maxRSS / 1024 : bytes / 2 ** 20;
}

/** CPU time of this (the main) thread in ms, from /proc (Linux; undefined elsewhere). */
function mainThreadCpuMs(): number | undefined {
  try {
    return statCpuMs(readFileSync("/proc/thread-self/stat", "utf8"));
  } catch {
    return undefined;
  }
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const context = contextFromEnv();
const repeats = Math.max(1, Number(repeatsArg ?? 1));

async function measure(variant: Variant): Promise<Measurement> {
  const runs: RunMeasurement[] = [];
  let stage = "setup";
  try {
    await variant.setup?.(scale, context);
    stage = "run";
    if (warmupArg === "warmup") await variant.run(scale, context);
    let last: Result | undefined;
    for (let r = 0; r < repeats; r++) {
      last = undefined;
      gc();
      resetPeakRss("self");
      const startRssMB = process.memoryUsage.rss() / 2 ** 20;
      const cpu0 = process.cpuUsage();
      const main0 = mainThreadCpuMs();
      const t0 = performance.now();
      last = await variant.run(scale, context);
      const wallMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const main1 = mainThreadCpuMs();
      runs.push({
        wallMs,
        cpuMs: (cpu.user + cpu.system) / 1000,
        ...(main0 !== undefined && main1 !== undefined ? { mainCpuMs: main1 - main0 } : {}),
        peakRssMB: peakRssMB(),
        startRssMB,
      });
    }
    stage = "check";
    const value = last!.check ? await last!.check() : last!.value;
    stage = "teardown";
    await variant.teardown?.();
    return { runs, value, rtol: last!.rtol, extra: last!.extra };
  } catch (err) {
    console.error(err);
    if (stage !== "teardown") await variant.teardown?.().catch(() => {});
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return { runs, value: [], error: `${stage} failed: ${message}` };
  }
}

let failed = false;
for (const variant of variants as Variant[]) {
  const m = await measure(variant);
  failed ||= m.error !== undefined;
  console.log(`${RESULT_MARK}${JSON.stringify(m)}`);
}
process.exit(failed ? 1 : 0);
