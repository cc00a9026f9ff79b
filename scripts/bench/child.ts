/** Runs one variant of one workload in this process and prints a Measurement as JSON (last line). */
import { availableParallelism } from "node:os";
import type { Measurement, Scale } from "./types.js";
import { WORKLOADS } from "./workloads/index.js";

const [id, variantName, scale, warmup] = process.argv.slice(2);
const workload = WORKLOADS.find((w) => w.id === id);
const variant = workload?.variants.find((v) => v.name === variantName);
if (!workload || !variant) {
  console.error(`unknown workload/variant: ${id}/${variantName}`);
  process.exit(2);
}
const context = { workers: Number(process.env.BENCH_WORKERS ?? availableParallelism()) };
if (warmup === "warmup") await variant.run(scale as Scale, context);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const result = await variant.run(scale as Scale, context);
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const m: Measurement = {
  wallMs,
  cpuMs: (cpu.user + cpu.system) / 1000,
  maxRssMB: process.resourceUsage().maxRSS / 1024,
  value: result.value,
  rtol: result.rtol,
  extra: result.extra,
};
console.log(JSON.stringify(m));
process.exit(0);
