import { inspect } from "node:util";
import { describe, expect, test } from "vitest";
import * as ca from "@chunked/core";
import { TaskError } from "@chunked/core";
import { optimize } from "../../src/optimize/optimize.js";
import type { Graph, Task } from "@chunked/core";
import { defineKernel } from "@chunked/core/internal";
import { NDArray } from "@chunked/core";
import { runGraph } from "../../src/schedule/scheduler.js";

const x = ca.random.normal(0, 1, [200, 200], { chunks: [100, 100], seed: 1 });

describe("task labels", () => {
  test("a fused task is named by the ops it contains, never core.subgraph", () => {
    const y = ca.sqrt(x.add(1)).mul(2).sum({ axis: 0 });
    const g = optimize(y.graph(), y.keys());
    const labels = [...g.values()].map(ca.taskLabel);
    // A fused chunk step, and an aggregate that reads one block itself (4 blocks keep 4 tasks).
    expect(labels).toContain("random.fill → elementwise(add, sqrt, multiply) → reduce.sum.chunk");
    expect(labels).toContain(
      "random.fill → elementwise(add, sqrt, multiply) → reduce.sum.chunk → reduce.sum.agg",
    );
    expect(labels.some((l) => l.includes("core.subgraph"))).toBe(false);
    expect(y.visualize({ optimize: true })).toContain(
      "random.fill →\\nelementwise(add, sqrt, multiply) →\\nreduce.sum.chunk",
    );
  });

  test("repeated steps collapse", () => {
    const step = { op: "join.transpose", params: {}, args: [0] };
    expect(ca.taskLabel({ op: "core.subgraph", params: { steps: [step, step, step] } })).toBe(
      "join.transpose ×3",
    );
  });
});

describe("fused task errors", () => {
  test("name the op of the step that failed", async () => {
    defineKernel("test.diagnostics.boom", () => {
      throw new Error("no luck");
    });
    const task: Task = {
      key: "t",
      op: "core.subgraph",
      deps: [],
      params: {
        steps: [
          { op: "core.literal", params: { array: NDArray.from([1, 2]) }, args: [] },
          { op: "test.diagnostics.boom", args: [0] },
        ],
      } as never,
    };
    const graph: Graph = new Map([["t", task]]);
    const err = await runGraph(graph, ["t"]).catch((e) => e);
    expect(err).toBeInstanceOf(TaskError);
    expect(err.message).toContain("test.diagnostics.boom (step 2 of 2 of a fused task): no luck");
  });
});

describe("Profiler", () => {
  test("records every task with lane, times and bytes, and the bytes held", async () => {
    const profiler = new ca.Profiler();
    const y = x.add(1).sum({ axis: 0 });
    let events = 0;
    const out = await y.compute({ profile: profiler, onProgress: () => events++ });
    expect(out.shape).toEqual([200]);
    const p = profiler.profile;
    expect(events).toBeGreaterThan(0);
    expect(p.tasks.length).toBe(optimize(y.graph(), y.keys()).size);
    expect(p.lanes).toBe(1);
    for (const t of p.tasks) {
      expect(t.end).toBeGreaterThanOrEqual(t.start);
      expect(t.bytes).toBeGreaterThan(0);
      expect(t.label).not.toContain("core.subgraph");
      expect(t.worker).toBeUndefined(); // in-process: the calling thread
    }
    expect(p.memory.at(-1)).toMatchObject({ done: p.tasks.length, total: p.tasks.length });
    const svg = ca.profileSvg(p);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.match(/<rect [^>]*><title>/g)?.length).toBe(p.tasks.length);
    expect(svg).toContain("bytes held by the scheduler");
    profiler.reset();
    expect(profiler.profile.tasks).toEqual([]);
  });

  test("lanes follow concurrency on an asynchronous executor", async () => {
    const profiler = new ca.Profiler();
    const inner = new ca.InProcessExecutor();
    const slow: ca.Executor = {
      concurrency: 3,
      run: (task, inputs) => new Promise((r) => setTimeout(() => r(inner.run(task, inputs) as NDArray), 5)),
    };
    await x.add(1).compute({ executor: slow, optimize: false, profile: profiler });
    expect(profiler.profile.lanes).toBeGreaterThan(1);
    expect(profiler.profile.lanes).toBeLessThanOrEqual(6);
  });

  test("records the worker an executor names, and passes retain/release through", async () => {
    const profiler = new ca.Profiler();
    const inner = new ca.InProcessExecutor();
    const retained: NDArray[] = [];
    const released: NDArray[] = [];
    const pool: ca.Executor = {
      concurrency: 2,
      run: (task, inputs, options) => {
        options?.onWorker?.(task.key.endsWith(",0") ? 0 : 1);
        return inner.run(task, inputs);
      },
      retain: (chunk) => retained.push(chunk),
      release: (chunk) => released.push(chunk),
    };
    await x.add(1).sum({ axis: 0 }).compute({ executor: pool, optimize: false, profile: profiler });
    const workers = new Set(profiler.profile.tasks.map((t) => t.worker));
    expect(workers).toEqual(new Set([0, 1]));
    expect(retained.length).toBeGreaterThan(0);
    expect(released.length).toBeGreaterThan(0);
  });

  test("profile must be a Profiler", async () => {
    await expect(x.sum().compute({ profile: true as never })).rejects.toThrow(
      /Invalid compute option profile\. Got profile=true, expected a Profiler/,
    );
  });
});

describe("progressHook", () => {
  test("fraction, ETA and the final event", () => {
    const seen: ca.ProgressInfo[] = [];
    const hook = ca.progressHook((p) => seen.push(p), { intervalMs: 1e9 });
    hook({ done: 0, total: 4, bytesHeld: 0, peakBytesHeld: 0, running: 0 });
    hook({ done: 2, total: 4, bytesHeld: 10, peakBytesHeld: 10, running: 1 }); // throttled away
    hook({ done: 4, total: 4, bytesHeld: 0, peakBytesHeld: 10, running: 0 });
    expect(seen.map((p) => p.fraction)).toEqual([0, 1]);
    expect(seen[0].etaMs).toBeUndefined();
    expect(seen[1].finished).toBe(true);
  });
});

describe("rasterRgba", () => {
  test("maps vmin and vmax to the colormap's ends, NaN transparent, scaled", () => {
    const a = NDArray.from([
      [0, 1],
      [Number.NaN, 0.5],
    ]);
    const img = ca.rasterRgba(a, { vmin: 0, vmax: 1, scale: 2 });
    expect([img.width, img.height]).toEqual([4, 4]);
    expect([...img.data.slice(0, 4)]).toEqual([...ca.colormap("viridis", 0), 255]);
    expect([...img.data.slice(8, 12)]).toEqual([...ca.colormap("viridis", 1), 255]);
    expect(img.data[(2 * 4 + 0) * 4 + 3]).toBe(0);
    expect(() => ca.rasterRgba(NDArray.from([1, 2]))).toThrow(/2-D/);
  });
});

test("console.log of an NDArray prints NumPy's repr", () => {
  const a = NDArray.from(new Float32Array([1, 2.5]));
  expect(inspect(a)).toBe("array([1., 2.5], dtype=float32)");
});

test("colormaps: RdBu_r runs blue → white → red, like matplotlib", () => {
  expect(ca.colormap("RdBu_r", 0)).toEqual([5, 48, 97]);
  expect(ca.colormap("RdBu_r", 0.5)).toEqual([247, 247, 247]);
  expect(ca.colormap("RdBu_r", 1)).toEqual([103, 0, 31]);
  expect(() => ca.colormap("jet" as ca.ColormapName, 0)).toThrow(/Unknown colormap "jet"/);
});
