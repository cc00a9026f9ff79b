import { describe, expect, test } from "vitest";
import { fuseLinear } from "../../src/graph/fuse-linear.js";
import type { Graph, Task } from "@chunked/core";
import "../../src/kernels/all.js";
import { defineKernel, getKernel } from "@chunked/core/internal";
import { NDArray } from "@chunked/core";

defineKernel("test.fl.const", (_i, p: { v: number }) => NDArray.from([p.v]));
defineKernel("test.fl.add", (inputs) =>
  NDArray.from([inputs.reduce((s, a) => s + (a.data[0] as number), 0)]),
);
defineKernel("test.fl.double", (inputs) => NDArray.from([(inputs[0].data[0] as number) * 2]));
defineKernel("test.fl.asyncInc", async (inputs) => NDArray.from([(inputs[0].data[0] as number) + 1]));

function graphOf(tasks: Task[]): Graph {
  return new Map(tasks.map((t) => [t.key, t]));
}

/** Runs a graph naively in topological order (reference semantics). */
async function run(graph: Graph, key: string, memo = new Map<string, NDArray>()): Promise<number> {
  const eval_ = async (k: string): Promise<NDArray> => {
    if (memo.has(k)) return memo.get(k)!;
    const t = graph.get(k)!;
    const inputs = await Promise.all(t.deps.map(eval_));
    const r = await getKernel(t.op)(inputs, t.params);
    memo.set(k, r);
    return r;
  };
  return (await eval_(key)).data[0] as number;
}

describe("fuseLinear", () => {
  const chain = graphOf([
    { key: "a/0", op: "test.fl.const", deps: [], params: { v: 3 } },
    { key: "b/0", op: "test.fl.double", deps: ["a/0"] },
    { key: "c/0", op: "test.fl.asyncInc", deps: ["b/0"] },
    { key: "d/0", op: "test.fl.double", deps: ["c/0"] },
  ]);

  test("a chain becomes one task with the output's key and the same value", async () => {
    const fused = fuseLinear(chain, ["d/0"]);
    expect([...fused.keys()]).toEqual(["d/0"]);
    expect(fused.get("d/0")!.op).toBe("core.subgraph");
    expect(await run(fused, "d/0")).toBe(await run(chain, "d/0"));
    expect(await run(fused, "d/0")).toBe(14);
  });

  test("shared producers and outputs are never absorbed", async () => {
    const g = graphOf([
      { key: "a/0", op: "test.fl.const", deps: [], params: { v: 1 } },
      { key: "b/0", op: "test.fl.double", deps: ["a/0"] },
      { key: "c/0", op: "test.fl.double", deps: ["a/0"] },
      { key: "s/0", op: "test.fl.add", deps: ["b/0", "c/0"] },
    ]);
    const fused = fuseLinear(g, ["s/0", "b/0"]);
    expect(fused.has("a/0")).toBe(true); // two dependents
    expect(fused.has("b/0")).toBe(true); // an output
    expect(fused.has("c/0")).toBe(true); // single-use, but s has two inputs: not a chain
    expect(await run(fused, "s/0")).toBe(4);
  });

  test("a veto keeps a task separate", () => {
    const fused = fuseLinear(chain, ["d/0"], (t) => t.op !== "test.fl.asyncInc");
    // c stays; so does its producer b, which still absorbs its own producer a.
    expect([...fused.keys()].sort()).toEqual(["b/0", "c/0", "d/0"]);
    expect(fused.get("b/0")!.op).toBe("core.subgraph");
    expect(fused.get("c/0")!.op).toBe("test.fl.asyncInc");
  });
});

describe("fuseLinear keeps trees parallel", () => {
  test("a reduction tree keeps one task per chunk; roots fold into their consumers", () => {
    const tasks: Task[] = [];
    for (let i = 0; i < 8; i++) {
      tasks.push({ key: `read/${i}`, op: "test.fl.const", deps: [], params: { v: i } });
      tasks.push({ key: `chunk/${i}`, op: "test.fl.double", deps: [`read/${i}`] });
    }
    tasks.push({ key: "part/0", op: "test.fl.add", deps: ["chunk/0", "chunk/1", "chunk/2", "chunk/3"] });
    tasks.push({ key: "part/1", op: "test.fl.add", deps: ["chunk/4", "chunk/5", "chunk/6", "chunk/7"] });
    tasks.push({ key: "agg/0", op: "test.fl.add", deps: ["part/0", "part/1"] });
    const fused = fuseLinear(graphOf(tasks), ["agg/0"]);
    // read+chunk fuse (a chain); chunk tasks stay separate from the partials, which stay separate from agg.
    expect([...fused.keys()].filter((k) => k.startsWith("chunk/"))).toHaveLength(8);
    expect([...fused.keys()].filter((k) => k.startsWith("read/"))).toHaveLength(0);
    expect(fused.has("part/0") && fused.has("part/1") && fused.has("agg/0")).toBe(true);
  });

  test("a consumer that absorbs root chains reads its blocks itself; a shared block stays apart", async () => {
    const tasks: Task[] = [];
    for (let i = 0; i < 4; i++) {
      tasks.push({ key: `read/${i}`, op: "test.fl.const", deps: [], params: { v: i + 1 } });
      tasks.push({ key: `expand/${i}`, op: "test.fl.asyncInc", deps: [`read/${i}`] });
    }
    tasks.push({ key: "fold/0", op: "test.fl.add", deps: ["expand/0", "expand/1", "expand/2", "expand/3"] });
    tasks.push({ key: "day0/0", op: "test.fl.double", deps: ["expand/0"] }); // expand/0 has two dependents
    const g = graphOf(tasks);
    const fused = fuseLinear(g, ["fold/0", "day0/0"], undefined, (t) => t.key === "fold/0");
    const fold = fused.get("fold/0")!;
    expect(fold.op).toBe("core.subgraph");
    expect(fold.deps).toEqual(["expand/0"]);
    expect([...fused.keys()].sort()).toEqual(["day0/0", "expand/0", "fold/0"]);
    expect(await run(fused, "fold/0")).toBe(await run(g, "fold/0"));
    // Without the predicate, the tree stays as it was: only bare roots are absorbed.
    expect(fuseLinear(g, ["fold/0", "day0/0"]).get("fold/0")!.deps).toHaveLength(4);
  });
});

describe("optimize: reduction trees over sources", () => {
  const steps = (t: Task) => (t.params as { steps: { op: string; args: number[] }[] }).steps;
  const roots = (t: Task) => steps(t).filter((st) => st.args.length === 0).length;

  test("a stack's reduction reads its own blocks: one task per output block, as in-process", async () => {
    const { fromArray, stack, compute } = await import("@chunked/core");
    const { optimize } = await import("../../src/optimize/optimize.js");
    // A source the scheduler reads block by block: value (i, j) of day d is 6i + j/2 + d.
    const day = (d: number) =>
      fromArray(
        {
          shape: [4, 12],
          dtype: "float32",
          chunks: [2, 3],
          read: ([[i0, i1], [j0, j1]]: readonly (readonly number[])[]) => {
            const out = new Float32Array((i1 - i0) * (j1 - j0));
            for (let i = i0; i < i1; i++)
              for (let j = j0; j < j1; j++) out[(i - i0) * (j1 - j0) + j - j0] = 6 * i + j / 2 + d;
            return new NDArray("float32", out, [i1 - i0, j1 - j0]);
          },
        },
        { chunks: [2, 3] },
      );
    const mean = stack([0, 1, 2, 3, 4].map(day)).mean({ axis: 0, splitEvery: 2 });
    const g = optimize(mean.graph(), mean.keys());
    // 8 output blocks, each a whole tree (3 folds of up to 2 days, their merges) reading 5 blocks.
    expect(g.size).toBe(8);
    for (const t of g.values()) {
      expect(t.deps).toEqual([]);
      expect(steps(t).filter((st) => st.op === "reduce.fold")).toHaveLength(3);
      expect(roots(t)).toBe(5);
    }
    expect((await compute([mean]))[0].toArray()).toEqual(
      (
        await compute([stack([0, 1, 2, 3, 4].map(day)).mean({ axis: 0, splitEvery: 2 })], { optimize: false })
      )[0].toArray(),
    );
  });

  test("a tree over few blocks keeps MIN_PARALLEL_ROOT_TASKS tasks at its widest level", async () => {
    const { random, compute } = await import("@chunked/core");
    const { optimize } = await import("../../src/optimize/optimize.js");
    const { MIN_PARALLEL_ROOT_TASKS } = await import("../../src/graph/fuse-linear.js");
    const x = random.random([20], { chunks: [2], seed: 5 }); // 10 blocks: one 10-root task would idle a pool
    const total = x.sum();
    const g = optimize(total.graph(), total.keys());
    const perTask = [...g.values()].map((t) =>
      t.op === "core.subgraph" ? roots(t) : t.deps.length === 0 ? 1 : 0,
    );
    expect(perTask.filter((n) => n > 0).length).toBeGreaterThanOrEqual(MIN_PARALLEL_ROOT_TASKS);
    expect((await compute([total]))[0].toArray()).toEqual(
      (await compute([total], { optimize: false }))[0].toArray(),
    );
  });

  test("a tree over many blocks stays parallel: at most MAX_CHAIN_ROOTS blocks a task", async () => {
    const { random, compute } = await import("@chunked/core");
    const { optimize } = await import("../../src/optimize/optimize.js");
    const { MAX_CHAIN_ROOTS } = await import("../../src/graph/fuse-linear.js");
    const x = random.random([256], { chunks: [2], seed: 5 }); // 128 blocks
    const total = x.sum({ splitEvery: 4 });
    const g = optimize(total.graph(), total.keys());
    const perTask = [...g.values()].map((t) => (t.op === "core.subgraph" ? roots(t) : 0));
    expect(Math.max(...perTask)).toBe(MAX_CHAIN_ROOTS);
    expect(perTask.filter((n) => n > 0).length).toBe(128 / MAX_CHAIN_ROOTS);
    expect((await compute([total]))[0].toArray()).toEqual(
      (await compute([total], { optimize: false }))[0].toArray(),
    );
  });

  test("a consumer takes in its smallest root chains first: the biggest stays a task that needs no input", async () => {
    const { random, compute } = await import("@chunked/core");
    const { optimize } = await import("../../src/optimize/optimize.js");
    const { MAX_CHAIN_ROOTS } = await import("../../src/graph/fuse-linear.js");
    // W2's column: 20 blocks, trees of 4: the aggregate's inputs are a 16-block subtree and a 4-block one.
    const columns = random.normal(10, 0.1, [40, 16], { chunks: [2, 2], seed: 42 }).mean({ axis: 0 });
    const g = optimize(columns.graph(), columns.keys());
    expect(g.size).toBe(16);
    for (const key of columns.keys()) {
      const out = g.get(key)!;
      expect(roots(out)).toBe(4); // the small subtree, and the aggregate of both
      expect(out.deps).toHaveLength(1);
      const big = g.get(out.deps[0])!;
      expect(big.deps).toEqual([]); // ready at the start
      expect(roots(big)).toBe(MAX_CHAIN_ROOTS);
    }
    expect((await compute([columns]))[0].toArray()).toEqual(
      (await compute([columns], { optimize: false }))[0].toArray(),
    );
  });
});
