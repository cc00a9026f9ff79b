import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { ones } from "@chunked/core";
import { rechunk } from "@chunked/core";
import { largestBlock, planRechunk, taskBytes } from "../../src/array/rechunk-plan.js";
import { isChunkedError } from "@chunked/core";
import { assertClose } from "@chunked/core/testing";
import { arbChunksFor, arbShapeAndChunks } from "@chunked/core/testing/arbitraries";
import { chunked, evaluate, iota } from "../joining/helpers.js";

const MiB = 2 ** 20;
const regular = (n: number, c: number) =>
  Array.from({ length: Math.ceil(n / c) }, (_, i) => Math.min(c, n - i * c));

/** Every stage of `plan` from `old`, with the largest task's projected bytes. */
function stageBytes(old: readonly (readonly number[])[], plan: number[][][], itemsize: number): number[] {
  let from: readonly (readonly number[])[] = old;
  return plan.map((to) => {
    const b = taskBytes(from, to, itemsize);
    from = to;
    return b;
  });
}

describe("planRechunk: plans", () => {
  const n = 10_000;
  const cases: { name: string; old: number[][]; new: number[][]; memoryLimit?: number; stages: number }[] = [
    {
      name: "columns to rows",
      old: [regular(n, n), regular(n, 100)],
      new: [regular(n, 100), regular(n, n)],
      stages: 2,
    },
    {
      name: "columns to rows in 64 MiB",
      old: [regular(n, n), regular(n, 100)],
      new: [regular(n, 100), regular(n, n)],
      memoryLimit: 64 * MiB,
      stages: 2,
    },
    {
      name: "split 1000s to 100s",
      old: [regular(n, 1000), regular(n, 1000)],
      new: [regular(n, 100), regular(n, 100)],
      stages: 1,
    },
    {
      name: "merge 100s to 1000s",
      old: [regular(n, 100), regular(n, 100)],
      new: [regular(n, 1000), regular(n, 1000)],
      stages: 1,
    },
    {
      name: "small transpose of blocks",
      old: [regular(1000, 1), regular(1000, 1000)],
      new: [regular(1000, 1000), regular(1000, 1)],
      stages: 1,
    },
    {
      name: "large transpose of blocks",
      old: [regular(100_000, 1), regular(100_000, 100_000)],
      new: [regular(100_000, 100_000), regular(100_000, 1)],
      stages: 2,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.stages} stage(s), every task within the limit`, () => {
      const plan = planRechunk(c.old, c.new, 8, { memoryLimit: c.memoryLimit });
      expect(plan).toHaveLength(c.stages);
      expect(plan[plan.length - 1]).toEqual(c.new);
      const limit = c.memoryLimit ?? Math.max(256 * MiB, 16 * (largestBlock(c.old) + largestBlock(c.new)));
      for (const b of stageBytes(c.old, plan, 8)) expect(b).toBeLessThanOrEqual(limit);
      // Every intermediate adds up to the shape.
      for (const stage of plan)
        expect(stage.map((a) => a.reduce((s, v) => s + v, 0))).toEqual(
          [n, n].map((_, i) => c.new[i].reduce((s, v) => s + v, 0)),
        );
    });
  }

  it("the benchmark's rechunk: direct needs 808 MB in one task, the plan under 64 MiB", () => {
    const old = [regular(n, n), regular(n, 100)];
    const neu = [regular(n, 100), regular(n, n)];
    expect(taskBytes(old, neu, 8)).toBe(8 * (n * n + 100 * n));
    const x = ones([n, n], { chunks: [n, 100] });
    const y = rechunk(x, [100, n]);
    expect(y.chunks).toEqual(neu);
    // Two rechunk layers on top of the input's.
    expect(y.layers.size).toBe(x.layers.size + 2);
    const stages = planRechunk(old, neu, 8);
    stages.forEach((to, i) => {
      expect(taskBytes(i === 0 ? old : stages[i - 1], to, 8)).toBeLessThanOrEqual(64 * 2 ** 20);
    });
  });
});

describe("planRechunk: refusal", () => {
  it("throws InvalidChunksError naming the chunks and the limit when no plan fits", () => {
    const n = 10_000;
    const x = ones([n, n], { chunks: [n, 100] });
    let err: unknown;
    try {
      rechunk(x, [100, n], { memoryLimit: 8 * MiB });
    } catch (e) {
      err = e;
    }
    expect(isChunkedError(err, "InvalidChunksError")).toBe(true);
    const msg = (err as Error).message;
    expect(msg).toContain("memoryLimit=8388608");
    expect(msg).toContain("[10000, 100]");
    expect(msg).toContain("[100, 10000]");
  });

  it("without an explicit limit, a rechunk no plan fits still runs in one stage", () => {
    const x = chunked(iota([6, 4]), [[6], [1, 1, 1, 1]]);
    expect(planRechunk(x.chunks, [[1, 1, 1, 1, 1, 1], [4]], 8)).toEqual([[[1, 1, 1, 1, 1, 1], [4]]]);
  });
});

describe("rechunk: any plan gives the values of a direct rechunk", () => {
  it("a two-stage plan on a small array: same values, one layer per stage", async () => {
    const a = iota([12, 12]);
    const x = chunked(a, [[12], new Array(12).fill(1)]);
    const to = [new Array(12).fill(1), [12]];
    const memoryLimit = 8 * 40;
    const plan = planRechunk(x.chunks, to, 8, { memoryLimit });
    expect(plan).toHaveLength(2);
    const y = rechunk(x, to, { memoryLimit });
    expect(y.layers.size).toBe(x.layers.size + 2);
    assertClose(await evaluate(y), a, { rtol: 0, atol: 0 });
  });

  const arbCase = arbShapeAndChunks({ minNdim: 1, maxNdim: 3, maxDim: 9 }).chain(({ shape, chunks }) =>
    fc.record({
      shape: fc.constant(shape),
      from: fc.constant(chunks),
      to: arbChunksFor(shape),
      // Per-task budget in elements: from tiny (often refused) to roomy (direct).
      budget: fc.integer({ min: 1, max: 800 }),
      threshold: fc.constantFrom(1, 2, 4),
    }),
  );
  test.prop([arbCase], { numRuns: 60 })("multi-stage plans keep values and bound tasks", async (c) => {
    const a = iota(c.shape);
    const x = chunked(a, c.from);
    const memoryLimit = 8 * c.budget;
    let plan: number[][][];
    try {
      plan = planRechunk(x.chunks, c.to, 8, {
        memoryLimit,
        threshold: c.threshold,
        blockSizeLimit: memoryLimit / 2,
      });
    } catch (e) {
      expect(isChunkedError(e, "InvalidChunksError")).toBe(true);
      return;
    }
    for (const b of stageBytes(x.chunks, plan, 8)) expect(b).toBeLessThanOrEqual(memoryLimit);
    const y = rechunk(x, c.to, { memoryLimit, threshold: c.threshold, blockSizeLimit: memoryLimit / 2 });
    expect(y.chunks).toEqual(c.to);
    assertClose(await evaluate(y), a, { rtol: 0, atol: 0 });
  });
});
