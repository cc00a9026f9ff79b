/**
 * The cluster on loopback: a redis-server (no persistence, 512 MB, noeviction) and two
 * `chunked-worker` processes with one thread each, all started and stopped here. Core's golden
 * suites for reductions and elementwise ops run as two big computes (every case, two chunkings);
 * then W2 at 4000², a throwing kernel, a full Redis, an abort, a frozen and a killed worker.
 */
import * as ca from "@chunked/core";
import { type KernelRef, NDArray, type Param } from "@chunked/core/internal";
import { assertGolden, assertIdentical, chunkingsFor } from "@chunked/core/testing";
import { loadGolden } from "@chunked/core/testing/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterExecutor } from "../src/index.js";
import { fail, slowIncrement, slowZeros } from "./fixtures/kernels.js";
import {
  alive,
  allKeys,
  freePort,
  type RedisServer,
  startRedis,
  startWorker,
  type WorkerProcess,
} from "./harness.js";

const api = ca as unknown as Record<string, (...args: any[]) => ca.ChunkedArray>;

/** Keys other than the workers' registrations (which live as long as the workers). */
async function computeKeysLeft(redis: RedisServer): Promise<string[]> {
  return (await allKeys(redis.client)).filter((k) => !k.startsWith("chunked:worker:"));
}

let layers = 0;
/** `kernel` applied to each block of a 1-d array (a one-layer graph built by hand). */
function blockwise(kernel: KernelRef, x: ca.ChunkedArray, params?: Param): ca.ChunkedArray {
  const name = `${kernel.id}-${layers++}`;
  const tasks = x.chunks[0].map((_, i) => ({
    key: `${name}/${i}`,
    op: kernel.id,
    deps: [x.key([i])],
    params,
  }));
  return ca.ChunkedArray.fromLayer({ name, tasks, dependencies: [x.name] }, [x], x.chunks, x.dtype);
}

/** A graph of `n` blocks, each running `test.slowIncrement` for `ms` on its own worker task. */
function slowGraph(n: number, ms: number): ca.ChunkedArray {
  const x = ca.fromArray(NDArray.from(Array.from({ length: n }, (_, i) => i)), { chunks: [1] });
  return blockwise(slowIncrement, x, { ms });
}

let redis: RedisServer;
let workers: WorkerProcess[] = [];
const pids: number[] = [];
let cluster: ClusterExecutor;

beforeAll(async () => {
  redis = await startRedis();
  workers = await Promise.all([startWorker(redis.url), startWorker(redis.url)]);
  pids.push(redis.process.pid!, ...workers.map((w) => w.pid));
  cluster = new ClusterExecutor({ redis: redis.url, lockDurationMs: 2000, stalledIntervalMs: 1000 });
}, 120_000);

afterAll(async () => {
  await cluster?.close();
  await Promise.all(workers.map((w) => w.stop()));
  await redis?.stop();
});

describe("core goldens on the cluster", () => {
  // Timeouts: one compute of ~8000 tasks takes ~10 s on 2 idle cores, much longer when the machine is shared.
  it("reductions (every case, one compute): match NumPy and in-process", { timeout: 240_000 }, async () => {
    const golden = loadGolden("reductions");
    const arrays: ca.ChunkedArray[] = [];
    const cases: (typeof golden.cases)[number][] = [];
    for (const c of golden.cases) {
      const input = c.inputs[0] as NDArray;
      // Two blocks per axis (where the shape allows): every reduction combines across blocks.
      const options = chunkingsFor(input.shape);
      const chunks = options[Math.min(1, options.length - 1)];
      arrays.push(api[c.op](ca.fromArray(input, { chunks }), { ...c.kwargs, splitEvery: 2 }));
      cases.push(c);
    }
    const onCluster = await ca.compute(arrays, { executor: cluster });
    const inProcess = await ca.compute(arrays);
    onCluster.forEach((r, i) => {
      assertGolden(r, cases[i], { label: cases[i].id });
      // Inputs cross the network compacted; reductions sum in logical order whatever the layout.
      assertIdentical(r, inProcess[i], cases[i].id);
    });
    expect(arrays.length).toBe(golden.cases.length);
  });

  it("elementwise (every case, one compute): match NumPy, identical to in-process", {
    timeout: 240_000,
  }, async () => {
    const golden = loadGolden("elementwise");
    const arrays: ca.ChunkedArray[] = [];
    const cases: (typeof golden.cases)[number][] = [];
    for (const c of golden.cases) {
      // Two blocks per axis where the shape allows.
      const xs: any[] = c.inputs.map((input: unknown) => {
        if (!(input instanceof NDArray)) return input;
        const options = chunkingsFor(input.shape);
        return ca.fromArray(input, { chunks: options[Math.min(1, options.length - 1)] });
      });
      arrays.push(
        c.op === "clip"
          ? ca.clip(xs[0], c.kwargs.min ?? null, c.kwargs.max ?? null)
          : c.op === "astype"
            ? ca.astype(xs[0], c.kwargs.dtype)
            : api[c.op](...xs),
      );
      cases.push(c);
    }
    // Unoptimised: one task per block and op, so every intermediate crosses the network.
    const onCluster = await ca.compute(arrays, { executor: cluster, optimize: false });
    const inProcess = await ca.compute(arrays);
    onCluster.forEach((r, i) => {
      assertGolden(r, cases[i], { label: cases[i].id });
      assertIdentical(r, inProcess[i], cases[i].id);
    });
  });
});

describe("the cluster executor", () => {
  it("computes W2 (random normal 4000², chunks 1000, mean over axis 0, [::100]) as in-process", async () => {
    const w2 = () =>
      ca.random.normal(10, 0.1, [4000, 4000], { chunks: [1000, 1000], seed: 42 }).mean({ axis: 0 }).at`::100`;
    const events: ca.ProgressEvent[] = [];
    const onCluster = await w2().compute({ executor: cluster, onProgress: (e) => events.push(e) });
    const inProcess = await w2().compute();
    assertIdentical(onCluster, inProcess, "W2");
    // Progress arrives through the scheduler's events, as with local executors.
    const last = events.at(-1)!;
    expect(last.done).toBe(last.total);
    expect(last.running).toBe(0);
    await cluster.idle();
    expect(await computeKeysLeft(redis)).toEqual([]);
  });

  it("carries NaN, ±Infinity, -0 and TypedArrays in task params", async () => {
    const task = {
      key: "echo/0",
      op: "test.echo",
      deps: [],
      params: { values: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 2 ** 53] },
    };
    const out = await cluster.run(task, []);
    const values = Array.from(out.data as Float64Array);
    expect(values[0]).toBeNaN();
    expect(values.slice(1, 3)).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(Object.is(values[3], -0)).toBe(true);
    expect(values[4]).toBe(2 ** 53);
  });

  it("fails a throwing kernel's task with a TaskError (key, cause) in under a second, without retries", async () => {
    const x = ca.ones([4], { chunks: [2] });
    await ca.add(x, 1).compute({ executor: cluster }); // workers know the compute path; time the failure only
    const y = blockwise(fail, x);
    const t0 = performance.now();
    const err = await y.compute({ executor: cluster, optimize: false }).catch((e: unknown) => e);
    const ms = performance.now() - t0;
    expect(ca.isChunkedError(err, "TaskError")).toBe(true);
    const taskError = err as ca.TaskError;
    expect(taskError.key).toMatch(new RegExp(`^${y.name}/`));
    expect(taskError.kernel).toBe("test.fail");
    expect((taskError.cause as Error).name).toBe("RangeError");
    expect((taskError.cause as Error).message).toMatch(/boom/);
    expect(ms).toBeLessThan(1000);
    // The cluster stays usable.
    expect((await ca.add(x, 1).compute({ executor: cluster })).toArray()).toEqual([2, 2, 2, 2]);
  });

  it("deletes a chunk it uploaded from Redis when the scheduler releases it, while the compute runs", async () => {
    // x lives on the driver (160 kB: too big to ride in a message), a = x + 1, b = a + 1 (slowly).
    const x = ca.fromArray(NDArray.from(Array.from({ length: 20_000 }, (_, i) => i)), { chunks: [20_000] });
    const a = blockwise(slowIncrement, x, { ms: 1 });
    const b = blockwise(slowIncrement, a, { ms: 1500 });
    const running = b.compute({ executor: cluster, optimize: false });
    // a's result comes back, and goes out again as b's input (upload 1); x (upload 0) was released before.
    let keys: string[] = [];
    for (let i = 0; i < 600 && !keys.some((k) => /^chunked:c:\w+:u1$/.test(k)); i++) {
      await new Promise((r) => setTimeout(r, 25));
      keys = await allKeys(redis.client);
    }
    expect(
      keys.filter((k) => k.startsWith("chunked:c:")).map((k) => k.replace(/:c:\w+:/, ":c:<id>:")),
    ).toEqual(["chunked:c:<id>:u1"]);
    const result = await running;
    expect(result.item(19_999)).toBe(20_001);
    await cluster.idle();
    expect(await computeKeysLeft(redis)).toEqual([]);
  });

  it("aborting a compute stops it, obliterates its queue and leaves no keys", async () => {
    const controller = new AbortController();
    const running = slowGraph(12, 300).compute({ executor: cluster, signal: controller.signal });
    setTimeout(() => controller.abort(new Error("changed my mind")), 500);
    const err = await running.catch((e: unknown) => e);
    expect(ca.isChunkedError(err, "AbortError")).toBe(true);
    await cluster.idle();
    expect(await computeKeysLeft(redis)).toEqual([]);
    // Frozen late completions of the aborted batches write nothing once the compute is gone.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await computeKeysLeft(redis)).toEqual([]);
  });

  /** Sets Redis' maxmemory `extra` bytes above what it uses now (negative: below). */
  async function limitMemory(extra: number): Promise<void> {
    const used = Number(/used_memory:(\d+)/.exec(await redis.client.info("memory"))![1]);
    await redis.client.config("SET", "maxmemory", String(Math.max(1, used + extra)));
  }

  async function expectOutOfMemory(err: unknown, where: RegExp): Promise<void> {
    const store = ca.isChunkedError(err, "StoreError") ? err : (err as Error).cause;
    expect(ca.isChunkedError(store, "StoreError"), String(err)).toBe(true);
    expect((store as Error).message).toMatch(
      /Redis is out of memory \(maxmemory reached, policy noeviction\)/,
    );
    expect((store as Error).message).toMatch(where);
    await cluster.idle();
    expect(await computeKeysLeft(redis)).toEqual([]);
  }

  it("a Redis that cannot be reached: a StoreError naming the URL after connectTimeoutMs, not a hang", async () => {
    const port = await freePort(); // nothing listens there
    const unreachable = new ClusterExecutor({
      redis: `redis://user:secret@127.0.0.1:${port}`,
      connectTimeoutMs: 300,
    });
    try {
      const err = await ca
        .add(ca.ones([4], { chunks: [2] }), 1)
        .compute({ executor: unreachable })
        .catch((e: unknown) => e);
      const store = ca.isChunkedError(err, "StoreError") ? err : (err as Error).cause;
      expect(ca.isChunkedError(store, "StoreError"), String(err)).toBe(true);
      expect((store as Error).message).toContain(`Cannot reach Redis at redis://user:***@127.0.0.1:${port}`);
      expect((store as Error).message).not.toContain("secret");
    } finally {
      await unreachable.close();
    }
  });

  it("connectTimeoutMs must be positive", () => {
    expect(() => new ClusterExecutor({ redis: "redis://127.0.0.1:1", connectTimeoutMs: 0 })).toThrow(
      /connectTimeoutMs must be a positive number of milliseconds, got 0/,
    );
  });

  it("Redis at maxmemory when the driver sends tasks: a StoreError, not a hang", async () => {
    await limitMemory(-1);
    try {
      const err = await ca
        .add(ca.ones([4], { chunks: [2] }), 1)
        .compute({ executor: cluster })
        .catch((e: unknown) => e);
      await expectOutOfMemory(err, /while (starting a compute|sending tasks)/);
    } finally {
      await redis.client.config("SET", "maxmemory", "512mb");
    }
  });

  it("Redis at maxmemory when a worker stores a result: the worker says so, a StoreError, not a hang", async () => {
    // One task whose 8 MiB result must go through the store; Redis fills up while it runs.
    const name = `slow-zeros-${layers++}`;
    const task = { key: `${name}/0`, op: slowZeros.id, deps: [], params: { ms: 1500, n: 2 ** 20 } };
    const y = ca.ChunkedArray.fromLayer(
      { name, tasks: [task], dependencies: [] },
      [],
      [[2 ** 20]],
      "float64",
    );
    const running = y.compute({ executor: cluster }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 700));
    await limitMemory(-1);
    try {
      const t0 = performance.now();
      const err = await running;
      expect(performance.now() - t0).toBeLessThan(10_000);
      await expectOutOfMemory(err, /worker .* stored a result/);
    } finally {
      await redis.client.config("SET", "maxmemory", "512mb");
    }
    expect((await ca.add(ca.ones([4], { chunks: [2] }), 1).compute({ executor: cluster })).toArray()).toEqual(
      [2, 2, 2, 2],
    );
  });

  it("refuses workers whose kernel registry differs from the driver's", async () => {
    // This worker lacks the test kernels the driver imported.
    const other = await startWorker(redis.url, { modules: [], prefix: "other" });
    pids.push(other.pid);
    const elsewhere = new ClusterExecutor({ redis: redis.url, prefix: "other" });
    try {
      const err = await ca
        .add(ca.ones([4], { chunks: [2] }), 1)
        .compute({ executor: elsewhere })
        .catch((e: unknown) => e);
      const cause = ca.isChunkedError(err, "TaskError") ? err.cause : err;
      expect(ca.isChunkedError(cause, "UnsupportedError")).toBe(true);
      expect((cause as Error).message).toMatch(/kernel registry [0-9a-f]{16}, this driver has [0-9a-f]{16}/);
    } finally {
      await elsewhere.close();
      await other.stop();
    }
  });

  it("re-runs the batches of a worker frozen mid-task (SIGSTOP) elsewhere; results come once", async () => {
    const y = slowGraph(6, 700);
    const frozen = workers[0];
    const running = y.compute({ executor: cluster });
    await new Promise((r) => setTimeout(r, 400));
    frozen.process.kill("SIGSTOP");
    let result: NDArray;
    try {
      result = await running;
    } finally {
      frozen.process.kill("SIGCONT");
    }
    expect(Array.from(result.data as Float64Array)).toEqual([1, 2, 3, 4, 5, 6]);
    await cluster.idle();
    // The thawed worker finishes its stale batches; they write nothing for the ended compute.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await computeKeysLeft(redis)).toEqual([]);
  });

  it("re-runs the batches of a worker killed mid-task (SIGKILL) elsewhere; the compute succeeds", async () => {
    const y = slowGraph(6, 700);
    const victim = workers[1];
    const running = y.compute({ executor: cluster });
    await new Promise((r) => setTimeout(r, 400));
    victim.process.kill("SIGKILL");
    const result = await running;
    expect(Array.from(result.data as Float64Array)).toEqual([1, 2, 3, 4, 5, 6]);
    await cluster.idle();
    expect(await computeKeysLeft(redis)).toEqual([]);
  });

  it("leaves no process behind", async () => {
    await cluster.close();
    await Promise.all(workers.map((w) => w.stop()));
    await redis.stop();
    for (const pid of pids) expect(alive(pid), `pid ${pid}`).toBe(false);
  });
});
