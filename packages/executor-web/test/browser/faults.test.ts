/**
 * Faults in a real browser: a kernel that throws, a worker that closes itself, an error escaping a
 * kernel, aborting a compute, terminating the pool. After each, the pool must still compute.
 */
import * as ca from "@chunked/core";
import { isChunkedError, NDArray } from "@chunked/core";
import type { Task } from "@chunked/core/internal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebPool, WorkerExitError } from "../../src/index.js";
import { KERNELS_URL } from "./helpers.js";
import { pageGate } from "../fixtures/kernels.js";

const t = (key: string, op: string, params?: unknown, deps: string[] = []): Task => ({
  key,
  op,
  deps,
  params: params as never,
});

/**
 * A 1-d float64 array of `n` blocks of `size` made by test kernels: block i is the task
 * `make(i)` (core's public ChunkedArray over a hand-made layer).
 */
function blocks(
  name: string,
  n: number,
  make: (i: number) => { op: string; params?: unknown; deps?: string[] },
  size = 4,
  inputs: ca.ChunkedArray[] = [],
): ca.ChunkedArray {
  const tasks = Array.from({ length: n }, (_, i) => {
    const { op, params, deps } = make(i);
    return t(`${name}/${i}`, op, params, deps);
  });
  const layer = { name, tasks, dependencies: inputs.map((a) => a.name) };
  return ca.ChunkedArray.fromLayer(layer, inputs, [Array(n).fill(size)], "float64");
}

async function stillWorks(pool: WebPool): Promise<void> {
  const x = ca.random.normal(0, 1, [400, 400], { chunks: 100, seed: 5 });
  const [onPool] = await ca.compute([x.sum({ axis: 0 })], { executor: pool });
  const [inProcess] = await ca.compute([x.sum({ axis: 0 })]);
  expect(onPool.toArray()).toEqual(inProcess.toArray());
}

describe("faults on the Web Worker pool", () => {
  let pool: WebPool;
  beforeAll(() => {
    pool = new WebPool({ workers: 2, modules: [KERNELS_URL] });
  });
  afterAll(() => pool.terminate());

  it("a kernel error rejects the compute with the task key, kernel and the worker's error as cause", async () => {
    const r = blocks("r", 8, () => ({ op: "test.range", params: { n: 4 } }));
    const bad = blocks(
      "bad",
      1,
      () => ({ op: "test.fail", params: { message: "kernel broke" }, deps: ["r/3"] }),
      4,
      [r],
    );
    const err = await ca.compute([r, bad], { executor: pool }).catch((e) => e);
    expect(isChunkedError(err, "TaskError")).toBe(true);
    expect(err.key).toBe("bad/0");
    expect(err.kernel).toBe("test.fail");
    expect(err.message).toBe("Task bad/0 (kernel test.fail) failed: kernel broke");
    expect(err.cause).toBeInstanceOf(RangeError);
    expect(err.cause.message).toBe("kernel broke");
    // The stack is the worker's, rebuilt: it names the kernel's module.
    expect(err.cause.stack).toContain("kernels.ts");
    await stillWorks(pool);
  });

  it("a worker that calls self.close() fails the task it ran; the pool replaces it", async () => {
    const before = pool.stats;
    const r = blocks("r", 16, () => ({ op: "test.range", params: { n: 4 } }));
    const die = blocks("die", 1, () => ({ op: "test.close", deps: ["r/0"] }), 1, [r]);
    const err = await ca.compute([r, die], { executor: pool }).catch((e) => e);
    expect(err.name).toBe("TaskError");
    expect(err.key).toBe("die/0");
    expect(err.cause).toBeInstanceOf(WorkerExitError);
    expect(err.cause.message).toMatch(/a kernel called self.close\(\)/);
    const after = pool.stats;
    expect(after.workersLost - before.workersLost).toBe(1);
    expect(after.workersStarted - before.workersStarted).toBe(1);
    await stillWorks(pool);
    // The other tasks of the dead worker's batches are retried: the graph without the killer completes.
    const [all] = await ca.compute([blocks("r2", 16, () => ({ op: "test.range", params: { n: 4 } }))], {
      executor: pool,
    });
    expect(all.toArray()).toEqual(Array.from({ length: 64 }, (_, i) => i % 4));
  });

  it("an error escaping a kernel (uncaught, from a timer) fails its task with that error; the worker is replaced", async () => {
    const before = pool.stats;
    const err = await Promise.resolve(
      pool.run(t("late/0", "test.throwLater", { message: "escaped" }), []),
    ).catch((e) => e);
    expect(err.key).toBe("late/0");
    expect(err.cause).toBeInstanceOf(WorkerExitError);
    expect(err.cause.message).toMatch(/an error escaped a kernel: TypeError: escaped/);
    expect(err.cause.cause).toBeInstanceOf(TypeError);
    expect(pool.stats.workersLost - before.workersLost).toBe(1);
    await stillWorks(pool);
  });

  it("aborting a compute rejects it at once; workers skip what they have not started", async () => {
    const channel = `gate-${Math.random()}`;
    const gate = pageGate(channel);
    const waits = blocks("wait", 40, () => ({ op: "test.gate", params: { channel } }), 1);
    const entries = async () => {
      // One task per idle worker (a fair share of two).
      const counts = await Promise.all(
        [0, 1].map((i) => pool.run(t(`entries/${i}`, "test.gateEntries"), [])),
      );
      return counts.reduce((s, c) => s + Number(c.item()), 0);
    };
    const entries0 = await entries();
    const ac = new AbortController();
    const running = ca.compute([waits], { executor: pool, signal: ac.signal }).catch((e) => e);
    await gate.entered;
    const tasksBefore = pool.stats.tasks;
    ac.abort(new Error("user cancelled"));
    // Rejected while the workers' kernels are still waiting at the closed gate.
    const err = await running;
    expect(isChunkedError(err, "AbortError")).toBe(true);
    expect(err.cause.message).toBe("user cancelled");
    // Nothing more was sent after the abort.
    expect(pool.stats.tasks).toBe(tasksBefore);
    gate.open();
    // Queued behind whatever the workers still hold, so their batches have been answered by now.
    await stillWorks(pool);
    // The workers finished the kernels they were in and skipped the rest of the 40.
    expect((await entries()) - entries0).toBeLessThan(40);
    gate.close();
  });

  it("an aborted compute through compute() rejects with AbortError", async () => {
    const x = ca.random.normal(0, 1, [3000, 3000], { chunks: 250, seed: 8 });
    const ac = new AbortController();
    const p = ca.compute([x.std({ axis: 0 })], { executor: pool, signal: ac.signal });
    setTimeout(() => ac.abort(), 30);
    const err = await p.catch((e) => e);
    expect(err.name).toBe("AbortError");
    await stillWorks(pool);
  });

  it("terminate() rejects what is running and every later task", async () => {
    const p2 = new WebPool({ workers: 1, modules: [KERNELS_URL] });
    const running = Promise.resolve(p2.run(t("hang/0", "test.later", { ms: -1 }), [])).catch((e) => e);
    await new Promise((r) => setTimeout(r, 50));
    p2.terminate();
    const err = await running;
    expect(err.name).toBe("TaskError");
    expect(err.cause.message).toMatch(/closed/);
    await expect(Promise.resolve(p2.run(t("r/0", "test.range", { n: 1 }), []))).rejects.toThrow(/closed/);
    expect(NDArray.from([1]).item(0)).toBe(1);
  });
});
