/**
 * Rechunk memory: `/usr/bin/time -v npx tsx packages/core/bench/rechunk.bench.ts [planned|direct] [n]`.
 * An n×n (default 10000) float64 array of random values rechunked from (n, 100) to (100, n) chunks
 * and summed, either as planned (default limits: two stages, every task within 64 MiB) or in
 * one stage (every new block reads all n/100 old blocks), or `planned-<MiB>` (`planned-64`) with that per-task limit. Peak RSS is the process's, from `time -v`.
 */
import "../src/kernels/all.js";
import { compute } from "../src/array/compute.js";
import { random } from "../src/array/random.js";
import { rechunk } from "../src/array/rechunk.js";
import { sum } from "../src/index.js";

const variant = process.argv[2] ?? "planned";
const n = Number(process.argv[3] ?? 10_000);
const x = random([n, n], { chunks: [n, 100], seed: 1 });
const limitMiB = /^planned-(\d+)$/.exec(variant)?.[1];
const memoryLimit = variant === "direct" ? 2 ** 40 : limitMiB ? Number(limitMiB) * 2 ** 20 : undefined;
const y = rechunk(x, [100, n], { memoryLimit, threshold: variant === "direct" ? 1e9 : undefined });
const stages = y.layers.size - x.layers.size;
const t0 = performance.now();
const [total] = await compute([sum(y)]);
const ms = performance.now() - t0;
console.log(
  `rechunk ${variant} ${n}x${n} float64 (${n},100)->(100,${n}): ${stages} stage(s), ${ms.toFixed(0)} ms, sum=${Number(total.data[0]).toFixed(1)}`,
);
