/**
 * Reduction throughput: `npx tsx packages/core/bench/reductions.bench.ts [n] [chunk]`.
 * sum and mean of `n` (default 1e8) float32 elements, eager (one NDArray, chunk + aggregate kernels)
 * and chunked in-process (`fromArray` blocks of `chunk` (default 1e6) elements, tree reduction,
 * `compute()` with the default executor), next to a hand-written float64-accumulating loop as the
 * floor. Reports the best of several runs in GB/s of input read. Also float64 sum and float32 var.
 */
import "../src/kernels/all.js";
import { compute } from "../src/array/compute.js";
import { fromArray } from "../src/array/creation.js";
import * as lazy from "../src/array/reductions.js";
import { NDArray } from "../src/ndarray/ndarray.js";
import * as eager from "../src/eager/reduce.js";

const n = Number(process.argv[2] ?? 1e8);
const chunk = Number(process.argv[3] ?? 1e6);
const REPEATS = 5;

/** Best wall time of `REPEATS` runs, in ms (after one warm-up run). */
async function best(run: () => unknown): Promise<number> {
  await run();
  let t = Number.POSITIVE_INFINITY;
  for (let r = 0; r < REPEATS; r++) {
    const start = performance.now();
    await run();
    t = Math.min(t, performance.now() - start);
  }
  return t;
}

function report(label: string, bytes: number, ms: number): void {
  console.log(
    `${label.padEnd(34)} ${ms.toFixed(1).padStart(8)} ms  ${(bytes / ms / 1e6).toFixed(2).padStart(6)} GB/s`,
  );
}

/** The floor: one tight loop, float64 accumulator, no pairwise blocking. */
function handSum(a: Float32Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (const end = a.length - (a.length % 4); i < end; i += 4) {
    s0 += a[i];
    s1 += a[i + 1];
    s2 += a[i + 2];
    s3 += a[i + 3];
  }
  for (; i < a.length; i++) s0 += a[i];
  return s0 + s1 + (s2 + s3);
}

// Deterministic data (an LCG): uniform in [0, 1).
const f32 = new Float32Array(n);
let seed = 12345;
for (let i = 0; i < n; i++) {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  f32[i] = seed / 2 ** 32;
}
const a32 = NDArray.from(f32);
const x32 = fromArray(f32, { chunks: chunk });
console.log(
  `n=${n} float32 (${(f32.byteLength / 1e6).toFixed(0)} MB), chunks of ${chunk} (${x32.nblocks} blocks)`,
);

let sink = 0;
report("hand loop (float64 acc)", f32.byteLength, await best(() => (sink += handSum(f32))));
report("eager sum", f32.byteLength, await best(() => (sink += eager.sum(a32).item() as number)));
report(
  "chunked sum (compute, in-process)",
  f32.byteLength,
  await best(async () => {
    const [s] = await compute([lazy.sum(x32)]);
    sink += s.item() as number;
  }),
);
report("eager mean", f32.byteLength, await best(() => (sink += eager.mean(a32).item() as number)));
report(
  "chunked mean (compute, in-process)",
  f32.byteLength,
  await best(async () => {
    const [m] = await compute([lazy.mean(x32)]);
    sink += m.item() as number;
  }),
);
report("eager var", f32.byteLength, await best(() => (sink += eager.variance(a32).item() as number)));
report(
  "chunked var (compute, in-process)",
  f32.byteLength,
  await best(async () => {
    const [v] = await compute([lazy.variance(x32)]);
    sink += v.item() as number;
  }),
);

// float64 on a tenth of the elements (same bytes per block count ratio), read in place.
const f64 = new Float64Array(f32.subarray(0, Math.floor(n / 2)));
const a64 = NDArray.from(f64);
const x64 = fromArray(f64, { chunks: chunk });
report(
  "eager sum float64 (n/2)",
  f64.byteLength,
  await best(() => (sink += eager.sum(a64).item() as number)),
);
report(
  "chunked sum float64 (n/2)",
  f64.byteLength,
  await best(async () => {
    const [s] = await compute([lazy.sum(x64)]);
    sink += s.item() as number;
  }),
);
console.log(`(checksum ${sink.toPrecision(6)})`);
