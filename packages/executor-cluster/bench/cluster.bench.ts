/**
 * Cluster benchmarks (plain script, starts and stops its own redis-server and 2 workers × 1 thread):
 * `pnpm --filter @chunked/executor-cluster bench [--quick] [--only=overhead,w2,store] [--n=4000]`.
 *
 * - per-task overhead: 10k tiny tasks through the cluster (and the same graph on a NodePool);
 * - W2 (`random.normal(10, 0.1, [n, n], chunks 1000).mean(axis 0)[::100]`) on the cluster vs a
 *   NodePool of 2 threads, alternating, medians;
 * - the Redis chunk store's write and read throughput for 8 MiB chunks.
 *
 * The machine may be shared: the load average is printed with every number.
 */
import { loadavg } from "node:os";
import * as ca from "@chunked/core";
import { NDArray } from "@chunked/core/internal";
import { NodePool } from "@chunked/executor-node";
import { ClusterExecutor, RedisChunkStore } from "../src/index.js";
import { startRedis, startWorker, TEST_KERNELS } from "../test/harness.js";
import "../test/fixtures/kernels.js";

const quick = process.argv.includes("--quick");
const only = process.argv
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",");
const section = (name: string) => !only || only.includes(name);
const REPS = quick ? 1 : 3;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(" ");
const fmt = (x: number, digits = 1) => x.toFixed(digits);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function report(what: string, value: string): void {
  console.log(`${what}: ${value}   [load ${load()}]`);
}

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

const redis = await startRedis();
const workers = await Promise.all([startWorker(redis.url), startWorker(redis.url)]);
const cluster = new ClusterExecutor({ redis: redis.url });
const pool = new NodePool({ workers: 2, modules: [TEST_KERNELS] });
try {
  // Warm both up (threads, modules, kernel cost estimates).
  const warm = ca.random.normal(0, 1, [2000, 2000], { chunks: [500, 500], seed: 1 }).mean();
  await warm.compute({ executor: cluster });
  await warm.compute({ executor: pool });

  if (section("overhead")) {
    const N = quick ? 2000 : 10_000;
    const x = ca.fromArray(NDArray.from(Array.from({ length: N }, (_, i) => i)), { chunks: [1] });
    const y = ca.add(x, 1);
    const check = (r: NDArray) => {
      if (r.item(N - 1) !== N) throw new Error(`wrong result ${r.item(N - 1)}`);
    };
    const onCluster: number[] = [];
    const onPool: number[] = [];
    for (let i = 0; i < REPS; i++) {
      onCluster.push(await timed(async () => check(await y.compute({ executor: cluster, optimize: false }))));
      onPool.push(await timed(async () => check(await y.compute({ executor: pool, optimize: false }))));
    }
    report(
      `${N} tiny tasks (add 1 to 1-element chunks, optimize:false), µs/task, median of ${REPS}`,
      `cluster ${fmt((median(onCluster) * 1000) / N)} vs NodePool ${fmt((median(onPool) * 1000) / N)}`,
    );
  }

  if (section("w2")) {
    const n = Number(process.argv.find((a) => a.startsWith("--n="))?.slice(4) ?? (quick ? 2000 : 4000));
    const w2 = () =>
      ca.random.normal(10, 0.1, [n, n], { chunks: [1000, 1000], seed: 42 }).mean({ axis: 0 }).at`::100`;
    const expected = await w2().compute({ executor: pool });
    const onCluster: number[] = [];
    const onPool: number[] = [];
    for (let i = 0; i < REPS; i++) {
      onCluster.push(
        await timed(async () => {
          const r = await w2().compute({ executor: cluster });
          if (r.toArray().toString() !== expected.toArray().toString()) throw new Error("W2 differs");
        }),
      );
      onPool.push(await timed(() => w2().compute({ executor: pool })));
    }
    report(
      `W2 at ${n}², wall ms, median of ${REPS} (cluster: 2 workers × 1 thread; NodePool: 2 threads)`,
      `cluster ${fmt(median(onCluster), 0)} vs NodePool ${fmt(median(onPool), 0)} (ratio ${fmt(median(onCluster) / median(onPool), 2)})`,
    );
  }

  if (section("store")) {
    const store = new RedisChunkStore(redis.client, "bench");
    const chunk = ca.nd.random.normal(0, 1, [1024, 1024], { seed: 3 }); // 8 MiB float64
    const count = quick ? 8 : 16;
    const keys = Array.from({ length: count }, (_, i) => `${store.namespace("b")}${i}`);
    const gib = (count * chunk.nbytes) / 2 ** 30;
    const writes: number[] = [];
    const reads: number[] = [];
    for (let i = 0; i < REPS; i++) {
      writes.push(
        await timed(async () => {
          for (const k of keys) await store.put([[k, chunk]]);
        }),
      );
      reads.push(
        await timed(async () => {
          for (const k of keys) await store.get([k]);
        }),
      );
      await store.sweep("b");
    }
    report(
      `chunk store, ${count} × 8 MiB float64, one at a time, GiB/s, median of ${REPS}`,
      `write ${fmt(gib / (median(writes) / 1000), 2)}, read ${fmt(gib / (median(reads) / 1000), 2)}`,
    );
  }
} finally {
  await cluster.close();
  await pool.close();
  await Promise.all(workers.map((w) => w.stop()));
  await redis.stop();
}
