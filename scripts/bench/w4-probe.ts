/**
 * W4 probe (issue 11, item 1): one fresh process runs W4 (Lennard-Jones 7000, chunks 3500) N times,
 * on a fresh NodePool warmed as the bench warms it (MODE=pool, default) or in-process (MODE=inproc),
 * and prints per compute its wall, the process CPU (workers included) and the pool's counters;
 * LOG=1 adds each task's worker and submit-to-settle interval. The bench times compute #1 of such
 * a process. Run from scripts/: `N=3 LOG=1 node --import ./register-tsx.mjs bench/w4-probe.ts`
 * (add `--trace-deopt` to see what V8 deoptimises in which compute).
 */
import * as ca from "@chunked/core";
import type { NodePool } from "@chunked/executor-node";
import { contextFromEnv, startPool } from "./workloads/common.js";
import { makeCluster, potentialLazy } from "./workloads/w4-lennard-jones.js";

const N = Number(process.env.N ?? 4);
const pooled = (process.env.MODE ?? "pool") === "pool";
const natoms = 7000;
const cluster = makeCluster(natoms);

/** The pool, with each task's worker and interval logged. */
function logged(pool: NodePool, t0: () => number, log: string[]): ca.Executor {
  return {
    get concurrency() {
      return pool.concurrency;
    },
    writesInto: pool.writesInto,
    retain: (x) => pool.retain(x),
    release: (x) => pool.release(x),
    run(task, inputs, options = {}) {
      const from = performance.now() - t0();
      let worker = -1;
      const out = pool.run(task, inputs, {
        ...options,
        onWorker: (w) => {
          worker = w;
          options.onWorker?.(w);
        },
      });
      void Promise.resolve(out).then(() =>
        log.push(`${task.op} w${worker} ${from.toFixed(0)}-${(performance.now() - t0()).toFixed(0)}`),
      );
      return out;
    },
  };
}

const pool = pooled ? await startPool({ ...contextFromEnv(), workers: 2 }) : undefined;
for (let i = 0; i < N; i++) {
  const log: string[] = [];
  const before = pool?.stats;
  const start = performance.now();
  const cpu = process.cpuUsage();
  const executor = pool ? logged(pool, () => start, log) : undefined;
  const e = await potentialLazy(ca.fromArray(cluster, { chunks: [natoms / 2, 3] })).compute({ executor });
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const after = pool?.stats;
  const counters =
    before && after
      ? ` kernelMs ${(after.kernelMs - before.kernelMs).toFixed(0)} tasks ${after.tasks - before.tasks}` +
        ` batches ${after.batches - before.batches} inlined ${after.inlined - before.inlined}`
      : "";
  console.log(
    `${pooled ? "pool" : "in-process"} #${i} wall ${wall.toFixed(0)} ms, CPU ${((used.user + used.system) / 1000).toFixed(0)} ms${counters}, value ${Number(e.item())}`,
  );
  if (process.env.LOG) console.log(`  ${log.join(" | ")}`);
}
await pool?.close();
