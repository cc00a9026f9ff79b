/**
 * Regression guard for the pools' memory (#11): a 400 MB HDF5 read-and-reduce (W1 at `--scale
 * small`: sum and mean of 1e8 float32, chunks of 1e6) in-process and on a 2-worker NodePool, each
 * in its own process. The pool's peak RSS (the whole process, workers included) must stay within
 * in-process + a fixed allowance per worker: chunks are freed on last use, not when GC gets to them.
 */
import { expect, test } from "vitest";
import { runBench } from "./bench-process.js";

const WORKERS = 2;
/**
 * A worker thread's own footprint (its V8 heap, core's modules loaded through tsx here) plus its
 * chunks in flight and free lists (shared: 32 MB; its kernels': up to 128 MB), in MB. It was 150
 * while the in-process baseline carried ~40 MB of chunks waiting for the GC; in-process runs now reuse released chunk memory (peak 190 →
 * 150 MB) while the pool's peak stayed at 450–458 MB (measured on both commits, 2026-12-07).
 */
const ALLOWANCE_PER_WORKER_MB = 175;

/**
 * W1: a 400 MB read-and-reduce. W3: the weather stack's mean and anomaly (31 days, 124 MB), where the
 * pool once held every partial state (4 MB each) in shared memory until GC: 2 GB at tutorial scale.
 */
test.each(["W1", "W3"])(
  "%s on the pool stays within in-process peak RSS + 175 MB per worker",
  (workload) => {
    const { rows } = runBench([
      "--scale",
      "small",
      "--only",
      workload,
      "--variants",
      "chunked in-process,chunked pool",
      "--workers",
      String(WORKERS),
      "--repeats",
      "1",
    ]);
    // --only W3 also runs W3-zarr.
    const [inProcess, pool] = rows.filter((row) => row.workload === workload);
    expect([inProcess, pool].map((row) => row.error ?? "ok")).toEqual(["ok", "ok"]);
    expect(pool.agrees).toBe(true);
    const limit = inProcess.peakRssMB + WORKERS * ALLOWANCE_PER_WORKER_MB;
    console.log(
      `${workload} peak RSS: in-process ${inProcess.peakRssMB.toFixed(0)} MB, pool ${pool.peakRssMB.toFixed(0)} MB (limit ${limit.toFixed(0)} MB)`,
    );
    expect(pool.peakRssMB).toBeLessThanOrEqual(limit);
  },
  600_000,
);
