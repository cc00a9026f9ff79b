import { describe, expect, test } from "vitest";
import { fromArray } from "@chunked/core";
import * as ew from "@chunked/core";
import { argmax, argmin, mean, min, reduction, std, sum, variance } from "@chunked/core";
import { normalizeSplitEvery, treeDepth } from "../../src/array/reductions.js";
import { isChunkedError } from "@chunked/core";
import { fuseElementwise } from "../../src/optimize/optimize.js";
import { NDArray } from "@chunked/core";
import { assertClose } from "@chunked/core/testing";
import { computeOne, evaluate, levelSizes } from "./helpers.js";

const range = (n: number) => new Float64Array(n).map((_, i) => i);

describe("tree shape", () => {
  test("20 blocks with splitEvery 4: 20 → 5 → 2 → 1 (dask's example)", () => {
    const x = fromArray(range(20), { chunks: 1 });
    const y = sum(x, { splitEvery: 4 });
    expect(levelSizes(y)).toEqual([20, 5, 2, 1]);
    expect(y.ntasks).toBe(20 + 28);
    expect(y.name).toMatch(/^sum-agg-[0-9a-f]{12}$/);
    const names = [...y.layers.keys()].filter((n) => n.startsWith("sum-"));
    expect(names.map((n) => n.replace(/-[0-9a-f]{12}$/, ""))).toEqual([
      "sum-chunk",
      "sum-partial",
      "sum-partial",
      "sum-agg",
    ]);
  });

  test("each combine task reads at most splitEvery consecutive partials", () => {
    const x = fromArray(range(20), { chunks: 1 });
    const y = sum(x, { splitEvery: 4 });
    const partial = [...y.layers.values()].find((l) => l.name.startsWith("sum-partial-"))!;
    expect(partial.tasks.map((t) => t.deps.map((d) => d.split("/")[1]))).toEqual([
      ["0", "1", "2", "3"],
      ["4", "5", "6", "7"],
      ["8", "9", "10", "11"],
      ["12", "13", "14", "15"],
      ["16", "17", "18", "19"],
    ]);
    expect(partial.tasks.every((t) => t.op === "reduce.sum.combine")).toBe(true);
  });

  test("one block: chunk then aggregate, no combine level", () => {
    const y = mean(fromArray(range(10), { chunks: 10 }));
    expect(levelSizes(y)).toEqual([1, 1]);
  });

  test("axis=null over a 20×20 grid: splitEvery 4 gives 2 per axis, depth 5", () => {
    const x = fromArray(new Float64Array(400), { shape: [20, 20], chunks: 1 });
    const split = normalizeSplitEvery(4, [0, 1], 2);
    expect([...split]).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(treeDepth(x.numblocks, split)).toBe(5);
    expect(levelSizes(sum(x))).toEqual([400, 100, 25, 9, 4, 1]);
  });

  test("splitEvery as a record per axis; missing axes default to 2", () => {
    const x = fromArray(new Float64Array(400), { shape: [20, 20], chunks: 1 });
    expect([...normalizeSplitEvery({ 0: 20, [-1]: 5 }, [0, 1], 2)]).toEqual([
      [0, 20],
      [1, 5],
    ]);
    expect([...normalizeSplitEvery({ 0: 3 }, [0, 1], 2)]).toEqual([
      [0, 3],
      [1, 2],
    ]);
    // axis 0 in one step, axis 1 in two (20 → 4 → 1)
    expect(levelSizes(sum(x, { splitEvery: { 0: 20, 1: 5 } }))).toEqual([400, 4, 1]);
  });

  test("only reduced axes are grouped; kept axes keep their chunks", () => {
    const x = fromArray(new Float64Array(12 * 10), { shape: [12, 10], chunks: [2, 3] });
    const y = sum(x, { axis: 0, splitEvery: 2 });
    expect(y.chunks).toEqual([[3, 3, 3, 1]]);
    expect(levelSizes(y)).toEqual([24, 12, 8, 4]);
    const k = sum(x, { axis: 0, keepdims: true, splitEvery: 2 });
    expect(k.chunks).toEqual([[1], [3, 3, 3, 1]]);
    expect(k.shape).toEqual([1, 10]);
    expect(mean(x, { axis: [0, 1], keepdims: true }).chunks).toEqual([[1], [1]]);
    expect(mean(x, { axis: [] }).chunks).toEqual(x.chunks);
  });

  test("chunk tasks are fusable; the optimiser inlines an elementwise producer", async () => {
    const x = fromArray(range(12), { chunks: 4 });
    const y = mean(ew.add(ew.multiply(x, 2), 1));
    const chunk = [...y.layers.values()].find((l) => l.name.startsWith("mean-chunk-"))!;
    expect(chunk.tasks.every((t) => (t.params as { fusable?: boolean }).fusable === true)).toBe(true);
    const g = fuseElementwise(y.graph(), y.keys());
    const fused = [...g.values()].filter((t) => t.op === "reduce.mean.chunk");
    expect(fused).toHaveLength(3);
    expect(fused.every((t) => (t.params as { pre?: unknown }).pre !== undefined)).toBe(true);
    expect([...g.values()].some((t) => t.op === "elementwise.expr")).toBe(false);
    expect((await computeOne(y)).item()).toBe(12);
  });

  test("arg-reduction chunk tasks carry their block's global offset and the array's shape", () => {
    const x = fromArray(new Float64Array(35), { shape: [5, 7], chunks: [2, 3] });
    const y = argmin(x);
    const chunk = [...y.layers.values()].find((l) => l.name.startsWith("argmin-chunk-"))!;
    const p = chunk.tasks.find((t) => t.key.endsWith("/2,1"))!.params as Record<string, unknown>;
    expect(p.blockOffset).toEqual([4, 3]);
    expect(p.arrayShape).toEqual([5, 7]);
  });
});

describe("keys", () => {
  test("building the same expression twice gives the same names", () => {
    const x = fromArray(range(100), { chunks: 7 });
    for (const f of [sum, mean, std, min]) {
      expect(f(x, { splitEvery: 3 }).name).toBe(f(x, { splitEvery: 3 }).name);
      expect([...f(x).layers.keys()]).toEqual([...f(x).layers.keys()]);
    }
    expect(argmax(x).name).toBe(argmax(x).name);
    // axis spelled differently, same normalised axes: same keys
    const m = fromArray(new Float64Array(12), { shape: [3, 4], chunks: 2 });
    expect(sum(m, { axis: -1 }).name).toBe(sum(m, { axis: [1] }).name);
  });

  test("different ops, options or inputs give different names", () => {
    const x = fromArray(range(100), { chunks: 7 });
    const names = [
      sum(x).name,
      sum(x, { splitEvery: 3 }).name,
      sum(x, { keepdims: true }).name,
      mean(x).name,
      variance(x).name,
      variance(x, { ddof: 1 }).name,
      std(x).name,
      sum(fromArray(range(100), { chunks: 7 })).name,
    ];
    expect(new Set(names).size).toBe(names.length);
  });

  test("var and var with another ddof share the chunk and partial layers", () => {
    const x = fromArray(range(100), { chunks: 7 });
    const a = [...variance(x).layers.keys()];
    const b = [...variance(x, { ddof: 1 }).layers.keys()];
    expect(a.slice(0, -1)).toEqual(b.slice(0, -1));
    expect(a.at(-1)).not.toBe(b.at(-1));
  });
});

describe("errors at build time", () => {
  const x = fromArray(new Float64Array(30), { shape: [5, 6], chunks: 2 });
  const thrown = (f: () => unknown): Error => {
    try {
      f();
    } catch (err) {
      return err as Error;
    }
    throw new Error("did not throw");
  };

  test("axis out of bounds (NumPy's AxisError wording)", () => {
    const err = thrown(() => sum(x, { axis: 2 }));
    expect(isChunkedError(err, "InvalidArgumentError")).toBe(true);
    expect(err.message).toMatch(/^axis 2 is out of bounds for array of dimension 2\. Got axis=2/);
    expect(() => mean(x, { axis: [-3] })).toThrow("axis -3 is out of bounds for array of dimension 2");
  });

  test("duplicate axes", () => {
    expect(() => sum(x, { axis: [0, 0] })).toThrow("duplicate value in 'axis'");
    expect(() => sum(x, { axis: [1, -1] })).toThrow("duplicate value in 'axis'");
  });

  test("arg-reductions take one integer axis or null", () => {
    expect(() => argmin(x, { axis: [0, 1] as unknown as number })).toThrow(
      "argmin: axis must be either null or an integer. Got axis=[0, 1].",
    );
    expect(() => argmax(x, { axis: 1.5 })).toThrow("axis must be an integer");
  });

  test("empty reductions of ops without identity", () => {
    const e = fromArray(new Float64Array(0), { shape: [0, 3], chunks: 2 });
    expect(() => min(e, { axis: 0 })).toThrow(
      "zero-size array to reduction operation minimum which has no identity",
    );
    expect(() => argmin(e, { axis: 0 })).toThrow("attempt to get argmin of an empty sequence");
    expect(min(e, { axis: 1 }).shape).toEqual([0]);
    expect(sum(e, { axis: 0 }).shape).toEqual([3]);
  });

  test("splitEvery and ddof are validated", () => {
    expect(() => sum(x, { splitEvery: 1 })).toThrow("splitEvery must be an integer >= 2. Got splitEvery=1.");
    expect(() => sum(x, { splitEvery: { 0: 1 } })).toThrow("Got splitEvery[0]=1.");
    expect(() => sum(x, { splitEvery: { 5: 2 } })).toThrow("axis 5 is out of bounds");
    expect(() => variance(x, { ddof: Number.NaN })).toThrow("ddof must be a finite number");
  });

  test("nanargmin of an all-NaN slice fails at compute, naming the block", async () => {
    const a = fromArray(NDArray.from([Number.NaN, 1, Number.NaN, Number.NaN], { shape: [2, 2] }), {
      chunks: 1,
    });
    const y = ew.nanargmin(a, { axis: 1 });
    const err = await computeOne(y).catch((e: unknown) => e as Error);
    expect(isChunkedError(err, "TaskError")).toBe(true);
    expect((err as Error).message).toContain("All-NaN slice encountered");
  });
});

describe("generic reduction()", () => {
  test("custom name; combine defaults to aggregate, as in dask", async () => {
    const x = fromArray(range(20), { chunks: 3 });
    const y = reduction(x, {
      chunk: "reduce.max.chunk",
      combine: "reduce.max.combine",
      aggregate: "reduce.max.agg",
      dtype: "float64",
      name: "mymax",
    });
    expect(y.name).toMatch(/^mymax-agg-/);
    expect((await evaluate(y)).item()).toBe(19);
    // Built-in agg kernels finalise, so they cannot serve as combine; only the wiring is checked here.
    const z = reduction(x, {
      chunk: "reduce.max.chunk",
      aggregate: "reduce.max.agg",
      dtype: "float64",
      splitEvery: 2,
    });
    expect(levelSizes(z)).toEqual([7, 4, 2, 1]);
    expect([...z.layers.values()].find((l) => l.name.startsWith("reduction-partial-"))!.tasks[0].op).toBe(
      "reduce.max.agg",
    );
  });

  test("params reach every stage and aggregateParams only the last", () => {
    const x = fromArray(range(20), { chunks: 3 });
    const y = reduction(x, {
      chunk: "reduce.var.chunk",
      combine: "reduce.var.combine",
      aggregate: "reduce.var.agg",
      dtype: "float64",
      splitEvery: 2,
      params: { tag: "t" },
      aggregateParams: { ddof: 1 },
    });
    const byKind = (kind: string) =>
      [...y.layers.values()].find((l) => l.name.startsWith(`reduction-${kind}-`))!.tasks[0].params as Record<
        string,
        unknown
      >;
    expect(byKind("chunk")).toMatchObject({ tag: "t", axis: [0], keepdims: true, fusable: true });
    expect(byKind("partial")).toEqual({ tag: "t", axis: [0], keepdims: true });
    expect(byKind("agg")).toEqual({ tag: "t", ddof: 1, axis: [0], keepdims: false, dtype: "float64" });
  });

  test("the unoptimised graph and compute() agree", async () => {
    const x = fromArray(NDArray.from(range(60), { shape: [6, 10] }), { chunks: [4, 3] });
    for (const y of [
      std(x, { axis: 0, ddof: 1 }),
      argmax(x, { axis: 1 }),
      mean(x, { axis: [0, 1], keepdims: true }),
    ]) {
      assertClose(await computeOne(y), await evaluate(y));
    }
  });
});
