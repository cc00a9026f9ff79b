import { fc, test as fcTest } from "@fast-check/vitest";
import { describe, expect, test } from "vitest";
import { AbortError, InvalidArgumentError, isChunkedError, TaskError } from "@chunked/core";
import { order } from "../../src/graph/order.js";
import type { Graph, Key, Task } from "@chunked/core";
import { defineKernel, getKernel } from "@chunked/core/internal";
import { NDArray } from "@chunked/core";
import type { Executor } from "@chunked/core";
import { defaultExecutor, InProcessExecutor } from "../../src/schedule/in-process.js";
import { type ProgressEvent, runGraph, runGraphWithStats } from "../../src/schedule/scheduler.js";
import { G, k, treeReduction } from "../graph/graphs.js";

defineKernel("test.sched.value", (_inputs, params: { value: number }) =>
  NDArray.from([params.value, params.value]),
);
defineKernel("test.sched.sum", (inputs) => {
  const out = new Float64Array(2);
  for (const x of inputs) for (let i = 0; i < 2; i++) out[i] += x.data[i] as number;
  return NDArray.from(out);
});
defineKernel("test.sched.fail", () => {
  throw new RangeError("boom");
});
defineKernel("test.sched.slow", (inputs, params: { ms: number }) => {
  return new Promise<NDArray>((resolve) =>
    setTimeout(() => resolve(inputs[0] ?? NDArray.from([1, 1])), params.ms),
  );
});
// "test.f" (used by the order-test graph builders): the sum of the inputs, plus one.
defineKernel("test.f", (inputs) => {
  let s = 1;
  for (const x of inputs) s += x.data[0] as number;
  return NDArray.from([s]);
});

const t = (key: Key, op: string, deps: Key[] = [], params?: unknown): Task => ({
  key,
  op,
  deps,
  params: params as any,
});
const graphOf = (...tasks: Task[]): Graph => new Map(tasks.map((x) => [x.key, x]));

/** Wraps an executor: records what ran, optionally turns results into promises. */
function recording(options: { async?: boolean; concurrency?: number; delayMs?: number } = {}) {
  const ran: Key[] = [];
  const signals: (AbortSignal | undefined)[] = [];
  let running = 0;
  let maxRunning = 0;
  let completed = 0;
  const launches: { running: number; completed: number }[] = [];
  const inner = new InProcessExecutor();
  const executor: Executor = {
    concurrency: options.concurrency ?? 1,
    run(task, inputs, opts) {
      ran.push(task.key);
      signals.push(opts?.signal);
      if (!options.async) return inner.run(task, inputs);
      launches.push({ running, completed });
      running++;
      maxRunning = Math.max(maxRunning, running);
      return new Promise((resolve, reject) => {
        setTimeout(() => {
          running--;
          completed++;
          try {
            resolve(inner.run(task, inputs));
          } catch (e) {
            reject(e);
          }
        }, options.delayMs ?? 0);
      });
    },
  };
  return { executor, ran, signals, launches, maxRunning: () => maxRunning };
}

describe("runGraph", () => {
  test("computes outputs, including outputs that others depend on", async () => {
    const g = graphOf(
      t("a", "test.sched.value", [], { value: 1 }),
      t("b", "test.sched.value", [], { value: 2 }),
      t("c", "test.sched.sum", ["a", "b", "a"]),
      t("d", "test.sched.sum", ["c", "c"]),
    );
    const out = await runGraph(g, ["d", "c"]);
    expect([...out.keys()]).toEqual(["d", "c"]);
    expect(Array.from(out.get("c")!.data as ArrayLike<number>)).toEqual([4, 4]);
    expect(Array.from(out.get("d")!.data as ArrayLike<number>)).toEqual([8, 8]);
  });

  test("runs only what the outputs need", async () => {
    const g = graphOf(t("a", "test.sched.value", [], { value: 1 }), t("bad", "test.sched.fail", ["a"]));
    const { results, stats } = await runGraphWithStats(g, ["a"]);
    expect(results.get("a")!.data[0]).toBe(1);
    expect(stats.tasks).toBe(1);
  });

  test("runs ready tasks in static priority order on a sequential executor, roots last", async () => {
    const { graph, out } = treeReduction(200, 3);
    const rec = recording();
    await runGraph(graph, [out], { executor: rec.executor });
    const o = order(graph, [out]);
    // Replays the run: among ready tasks, those with inputs first, then by static priority.
    const left = new Map([...graph.values()].map((x) => [x.key, x.deps.length]));
    const expected: Key[] = [];
    while (left.size > 0) {
      const ready = [...left].filter(([, waiting]) => waiting === 0).map(([key]) => key);
      const rank = (key: Key) => o.get(key)! + (graph.get(key)!.deps.length === 0 ? graph.size : 0);
      const next = ready.reduce((a, b) => (rank(b) < rank(a) ? b : a));
      expected.push(next);
      left.delete(next);
      for (const x of graph.values()) if (x.deps.includes(next)) left.set(x.key, left.get(x.key)! - 1);
    }
    expect(rec.ran).toEqual(expected);
  });

  test("uses up the data in memory before loading more: a two-stage rechunk holds one column band of roots", async () => {
    // 8 roots in 2 column bands; stage 1 makes 2×2 blocks, each from the 4 roots of its column
    // band; stage 2 makes 2 row blocks, each from the 2 blocks of its row. By static priority alone
    // the first row block is reached by loading all 8 roots, then holding them for the second row.
    const g = new G();
    for (let i = 0; i < 8; i++) g.t(k("root", i));
    for (let r = 0; r < 2; r++)
      for (let c = 0; c < 2; c++) g.t(k("mid", r, c), ...[0, 1, 2, 3].map((j) => k("root", 4 * c + j)));
    for (let r = 0; r < 2; r++) g.t(k("out", r), k("mid", r, 0), k("mid", r, 1));
    const { stats } = await runGraphWithStats(g.graph, [k("out", 0), k("out", 1)]);
    // At worst one band of roots (4) and all four blocks, as the last block is stored before its
    // roots are released; by static priority alone it is 11 (all 8 roots and 3 blocks).
    expect(stats.peakHeldChunks).toBeLessThanOrEqual(8);
  });

  test("releases intermediates after their last use: a 1000-chunk tree reduction holds a handful", async () => {
    const { graph, out } = treeReduction(1000, 4);
    const { results, stats } = await runGraphWithStats(graph, [out]);
    // Each x is 1, each chunk 2, each agg sums its inputs plus one.
    expect(results.get(out)!.data[0]).toBeGreaterThan(2000);
    expect(stats.tasks).toBe(graph.size);
    expect(stats.peakHeldChunks).toBeLessThanOrEqual(16);
    expect(stats.peakHeldBytes).toBeLessThanOrEqual(16 * 8);
  });

  test("an async executor with concurrency keeps the in-flight bound and the results", async () => {
    const { graph, out } = treeReduction(300, 4);
    const expected = (await runGraph(graph, [out])).get(out)!.data[0];
    const rec = recording({ async: true, concurrency: 3 });
    const { results, stats } = await runGraphWithStats(graph, [out], { executor: rec.executor });
    expect(results.get(out)!.data[0]).toBe(expected);
    expect(rec.maxRunning()).toBeLessThanOrEqual(6);
    expect(rec.maxRunning()).toBeGreaterThan(1);
    expect(stats.peakHeldChunks).toBeLessThan(60);
    const rec2 = recording({ async: true, concurrency: 4 });
    await runGraph(graph, [out], { executor: rec2.executor, maxInFlight: 2 });
    expect(rec2.maxRunning()).toBeLessThanOrEqual(2);
  });

  test("maxBytesInFlight holds back new tasks while memory is high", async () => {
    const g = new G();
    for (let i = 0; i < 20; i++) g.t(k("x", i));
    g.t("out", ...Array.from({ length: 20 }, (_, i) => k("x", i)));
    const rec = recording({ async: true, concurrency: 8, delayMs: 1 });
    const { results } = await runGraphWithStats(g.graph, ["out"], {
      executor: rec.executor,
      maxBytesInFlight: 1,
    });
    expect(results.get("out")!.data[0]).toBe(21);
    // Until a first result shows the size of outputs, a full wave starts; then one task at a time.
    const afterFirst = rec.launches.filter((l) => l.completed > 0);
    expect(afterFirst.length).toBeGreaterThan(0);
    for (const l of afterFirst) expect(l.running).toBe(0);
    // Without the cap, later launches overlap.
    const free = recording({ async: true, concurrency: 2, delayMs: 1 });
    await runGraph(g.graph, ["out"], { executor: free.executor });
    expect(free.launches.some((l) => l.completed > 0 && l.running > 0)).toBe(true);
  });

  test("a kernel error rejects with TaskError(key, kernel, cause) and stops launching tasks", async () => {
    const g = new G();
    for (let i = 0; i < 50; i++) g.t(k("x", i));
    g.graph.set("bad", t("bad", "test.sched.fail", []));
    g.t("out", "bad", ...Array.from({ length: 50 }, (_, i) => k("x", i)));
    const rec = recording();
    const err = await runGraph(g.graph, ["out"], { executor: rec.executor }).catch((e) => e);
    expect(err).toBeInstanceOf(TaskError);
    expect(isChunkedError(err, "TaskError")).toBe(true);
    expect(err.key).toBe("bad");
    expect(err.kernel).toBe("test.sched.fail");
    expect(err.cause).toBeInstanceOf(RangeError);
    expect(err.message).toContain("boom");
    expect(rec.ran.at(-1)).toBe("bad");
    expect(rec.ran).not.toContain("out");
  });

  test("an async failure rejects with TaskError and aborts the executor's signal", async () => {
    const rec = recording({ async: true, concurrency: 2, delayMs: 5 });
    const g = graphOf(t("a", "test.sched.value", [], { value: 1 }), t("b", "test.sched.fail", ["a"]));
    const err = await runGraph(g, ["b"], { executor: rec.executor }).catch((e) => e);
    expect(err).toBeInstanceOf(TaskError);
    expect(err.key).toBe("b");
    expect(rec.signals[0]?.aborted).toBe(true);
  });

  test("abort before start and during a run rejects with AbortError; the signal reaches the executor", async () => {
    const g = new G();
    for (let i = 0; i < 10; i++) g.graph.set(k("s", i), t(k("s", i), "test.sched.slow", [], { ms: 20 }));
    g.t("out", ...Array.from({ length: 10 }, (_, i) => k("s", i)));
    const before = new AbortController();
    before.abort();
    await expect(runGraph(g.graph, ["out"], { signal: before.signal })).rejects.toBeInstanceOf(AbortError);

    const controller = new AbortController();
    const seen: (AbortSignal | undefined)[] = [];
    const executor: Executor = {
      concurrency: 2,
      run(task, inputs, options) {
        seen.push(options?.signal);
        return getKernel(task.op)(inputs as NDArray[], task.params);
      },
    };
    const run = runGraph(g.graph, ["out"], { executor, signal: controller.signal });
    setTimeout(() => controller.abort(new Error("stop")), 5);
    const err = await run.catch((e) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(isChunkedError(err, "AbortError")).toBe(true);
    expect((err.cause as Error).message).toBe("stop");
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.length).toBeLessThan(11);
    expect(seen[0]!.aborted).toBe(true);
  });

  test("abort interrupts a long synchronous run", async () => {
    const { graph, out } = treeReduction(30_000, 4);
    const controller = new AbortController();
    const run = runGraph(graph, [out], { signal: controller.signal, yieldEveryMs: 1 });
    setTimeout(() => controller.abort(), 0);
    await expect(run).rejects.toBeInstanceOf(AbortError);
  });

  test("progress events are throttled, with a final one", async () => {
    const { graph, out } = treeReduction(20_000, 4);
    const events: ProgressEvent[] = [];
    await runGraph(graph, [out], { onProgress: (e) => events.push(e) });
    const last = events.at(-1)!;
    expect(last.done).toBe(graph.size);
    expect(last.total).toBe(graph.size);
    expect(last.running).toBe(0);
    expect(last.bytesHeld).toBe(8);
    expect(events.length).toBeLessThan(graph.size / 100);
    for (let i = 1; i < events.length; i++) expect(events[i].done).toBeGreaterThanOrEqual(events[i - 1].done);
  });

  test("onStats reports the run", async () => {
    let stats: unknown;
    const g = graphOf(t("a", "test.sched.value", [], { value: 1 }));
    await runGraph(g, ["a"], { onStats: (s) => (stats = s) });
    expect(stats).toMatchObject({ tasks: 1, peakHeldChunks: 1, peakHeldBytes: 16 });
  });

  test("a missing output or dependency is an InvalidArgumentError", async () => {
    const g = graphOf(t("b", "test.sched.sum", ["nowhere"]));
    await expect(runGraph(g, ["zzz"])).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(runGraph(g, ["b"])).rejects.toThrow(/nowhere/);
  });

  test("empty outputs resolve at once; the default executor runs in-process", async () => {
    expect((await runGraph(new Map(), [])).size).toBe(0);
    expect(defaultExecutor.concurrency).toBe(1);
  });

  test("builds and runs a 100k-task graph", async () => {
    const { graph, out } = treeReduction(43_000, 4);
    expect(graph.size).toBeGreaterThan(100_000);
    const { results, stats } = await runGraphWithStats(graph, [out]);
    expect(results.get(out)!.data[0]).toBeGreaterThan(86_000);
    expect(stats.peakHeldChunks).toBeLessThanOrEqual(30);
    console.log(
      `100k-task tree reduction: ${stats.tasks} tasks in ${stats.durationMs.toFixed(0)} ms ` +
        `(${((stats.durationMs * 1000) / stats.tasks).toFixed(2)} µs/task, peak held ${stats.peakHeldChunks})`,
    );
  });

  fcTest.prop(
    [
      fc.integer({ min: 1, max: 40 }).chain((n) =>
        fc.tuple(
          fc.constant(n),
          fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 3 * n }),
          fc.boolean(),
          fc.integer({ min: 1, max: 6 }),
          fc.subarray(
            Array.from({ length: n }, (_, i) => i),
            { minLength: 1 },
          ),
        ),
      ),
    ],
    { numRuns: 60 },
  )("matches direct evaluation on random DAGs", async ([n, edges, async, inFlight, outs]) => {
    // test.f: 1 + the sum of the inputs (repeats count twice).
    const deps: Key[][] = Array.from({ length: n }, () => []);
    for (const [u, v] of edges) if (u < v) deps[v].push(`t${u}`);
    const g = new G();
    deps.forEach((d, i) => {
      g.t(`t${i}`, ...d);
    });
    const memo = new Map<Key, number>();
    const value = (key: Key): number => {
      let v = memo.get(key);
      if (v === undefined) {
        v = 1 + g.graph.get(key)!.deps.reduce((s, d) => s + value(d), 0);
        memo.set(key, v);
      }
      return v;
    };
    const outputs = outs.map((i) => `t${i}`);
    const rec = recording({ async, concurrency: 3 });
    const { results, stats } = await runGraphWithStats(g.graph, outputs, {
      executor: rec.executor,
      maxInFlight: inFlight,
    });
    for (const key of outputs) expect(results.get(key)!.data[0]).toBe(value(key));
    expect(rec.maxRunning()).toBeLessThanOrEqual(inFlight);
    expect(new Set(rec.ran).size).toBe(rec.ran.length);
    expect(stats.tasks).toBe(rec.ran.length);
  });
});
