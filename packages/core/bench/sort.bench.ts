/**
 * Sort memory: `/usr/bin/time -v npx tsx packages/core/bench/sort.bench.ts [n] [chunk] [recompute]`.
 * Blocked sample sort of n (default 8e6) standard-normal float64 in blocks of `chunk` (default 1e6);
 * each sorted bucket is reduced to its first and last value so the output is not assembled, and
 * checked to be in order. Peak RSS is the process's, from `time -v`.
 */
import "../src/kernels/all.js";
import { compute } from "../src/array/compute.js";
import { normal } from "../src/array/random.js";
import { sort } from "../src/array/sort.js";
import { blockLayer } from "../src/array/block-layer.js";
import { defineKernel, task } from "../src/kernels/registry.js";
import { NDArray } from "../src/ndarray/ndarray.js";

/** A bucket's first and last values (NaN for an empty bucket). */
const ends = defineKernel("bench.sort.ends", ([a]) => {
  const d = a.data as Float64Array;
  return new NDArray("float64", Float64Array.of(d[0] ?? Number.NaN, d[a.size - 1] ?? Number.NaN), [2]);
});

const n = Number(process.argv[2] ?? 8e6);
const chunk = Number(process.argv[3] ?? 1e6);
const recompute = process.argv[4] === "recompute";
const x = normal(0, 1, [n], { chunks: chunk, seed: 3 });
const y = sort(x, { recompute });
const firstLast = blockLayer("ends", null, [y], [y.chunks[0].map(() => 2)], "float64", ([b], key) =>
  task(ends, key, [y.key([b])]),
);
const t0 = performance.now();
const [out] = await compute([firstLast]);
const ms = performance.now() - t0;
const v = Array.from(out.data as Float64Array);
const filled = v.filter((e) => !Number.isNaN(e));
const ordered = filled.every((e, i) => i === 0 || e >= filled[i - 1]);
console.log(
  `sort ${n} float64 in ${chunk} blocks${recompute ? " (recompute)" : ""}: ${ms.toFixed(0)} ms, ordered=${ordered}`,
);
