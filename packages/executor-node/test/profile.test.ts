/** A profiled compute on the pool names the worker that ran each task. */
import * as ca from "@chunked/core";
import { expect, test } from "vitest";
import { NodePool } from "../src/index.js";

test("compute({ profile }) on a NodePool records each task's worker", async () => {
  await using pool = new NodePool({ workers: 2 });
  const profiler = new ca.Profiler();
  const x = ca.random.normal(0, 1, [400, 400], { chunks: [50, 400], seed: 3 });
  // Unoptimised: one task per block (optimised, each column's tree of 8 blocks is one task).
  const out = await x.mean({ axis: 0 }).compute({ executor: pool, profile: profiler, optimize: false });
  expect(out.shape).toEqual([400]);
  const { tasks } = profiler.profile;
  expect(tasks.length).toBeGreaterThan(8);
  for (const t of tasks) {
    expect(t.worker === undefined || t.worker === 0 || t.worker === 1).toBe(true);
    expect(t.end).toBeGreaterThanOrEqual(t.start);
  }
  // The random blocks and their reductions run on the workers.
  expect(tasks.filter((t) => t.worker !== undefined).length).toBeGreaterThanOrEqual(8);
});
