import { describe, expect, test } from "vitest";
import type { Graph, Task } from "../../src/graph/task.js";
import * as ca from "../../src/index.js";
import { defineKernel } from "../../src/kernels/registry.js";
import { NDArray } from "../../src/ndarray/ndarray.js";
import type { Executor } from "../../src/schedule/executor.js";
import { InProcessExecutor } from "../../src/schedule/in-process.js";
import { runGraphWithStats } from "../../src/schedule/scheduler.js";

/** A "read": 1000 float64 (8000 bytes). */
defineKernel("test.budget.read", (_inputs, params: { value: number }) =>
  NDArray.from(new Float64Array(1000).fill(params.value)),
);
/** A tiny reduction state: one float64. */
defineKernel("test.budget.partial", (inputs) => {
  let s = 0;
  for (const x of inputs) for (const v of x.data as Float64Array) s += v;
  return NDArray.from([s]);
});

const task = (key: string, op: string, deps: string[] = [], params?: unknown): Task => ({
  key,
  op,
  deps,
  params: params as never,
});

/** `n` reads, each reduced to one value by a tiny task, then summed: twice as many tiny tasks. */
function readAndReduce(n: number): Graph {
  const g: Graph = new Map();
  for (let i = 0; i < n; i++) {
    g.set(`read/${i}`, task(`read/${i}`, "test.budget.read", [], { value: i }));
    g.set(`part/${i}`, task(`part/${i}`, "test.budget.partial", [`read/${i}`]));
    g.set(`tiny/${i}`, task(`tiny/${i}`, "test.budget.partial", [`part/${i}`]));
  }
  const parts = Array.from({ length: n }, (_, i) => `tiny/${i}`);
  g.set("total", task("total", "test.budget.partial", parts));
  return g;
}

/** An executor that settles each task on a later macrotask and records bytes in flight at launch. */
function asyncExecutor(concurrency: number) {
  const inner = new InProcessExecutor();
  const launches: { running: number }[] = [];
  let running = 0;
  const executor: Executor = {
    concurrency,
    run(t, inputs) {
      launches.push({ running });
      running++;
      return new Promise((resolve) =>
        setTimeout(() => {
          running--;
          resolve(inner.run(t, inputs) as NDArray);
        }, 0),
      );
    },
  };
  return { executor, launches };
}

describe("maxBytesInFlight", () => {
  test("bounds the bytes held by each kernel's expected output, not by the mean over tiny tasks", async () => {
    const budget = 3 * 8000 + 100;
    const { executor } = asyncExecutor(32);
    const { results, stats } = await runGraphWithStats(readAndReduce(40), ["total"], {
      executor,
      maxBytesInFlight: budget,
    });
    expect(results.get("total")!.data[0]).toBe(1000 * ((39 * 40) / 2));
    // The reads' 8000 bytes are expected of each running read, whatever the tiny tasks beside them.
    expect(stats.peakHeldBytes).toBeLessThanOrEqual(budget);
    expect(stats.peakHeldBytes).toBeGreaterThanOrEqual(2 * 8000);
    // Without the budget the executor's concurrency alone bounds it: many more reads are held.
    const free = await runGraphWithStats(readAndReduce(40), ["total"], {
      executor: asyncExecutor(32).executor,
    });
    expect(free.stats.peakHeldBytes).toBeGreaterThan(budget);
  });

  test("a kernel not seen yet runs one task until its output shows its size", async () => {
    const { executor, launches } = asyncExecutor(32);
    await runGraphWithStats(readAndReduce(10), ["total"], { executor, maxBytesInFlight: 10 * 8000 });
    expect(launches[0].running).toBe(0);
    expect(launches[1].running).toBe(0); // the second read waited for the first one's size
  });

  test("compute() and persist() take it as bytes or a size string, and validate it", async () => {
    const x = ca.fromArray(new Float64Array(4000).fill(1), { chunks: 1000 });
    const { executor, launches } = asyncExecutor(8);
    const total = await x.sum().compute({ executor, maxBytesInFlight: 1 });
    expect(total.data[0]).toBe(4000);
    // Over budget after the first result: every later task starts alone.
    expect(launches.length).toBeGreaterThan(1);
    for (const l of launches.slice(1)) expect(l.running).toBe(0);
    const held = await ca.persist(x.add(1), { maxBytesInFlight: "1 MB" });
    expect((await held.sum().compute()).data[0]).toBe(8000);
    for (const bad of [0, -1, Number.NaN, "lots", "0 MB", {}]) {
      await expect(x.sum().compute({ maxBytesInFlight: bad as number })).rejects.toMatchObject({
        code: "InvalidArgumentError",
        message: expect.stringContaining("Invalid compute option maxBytesInFlight. Got maxBytesInFlight="),
      });
    }
  });
});
