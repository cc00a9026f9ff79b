/**
 * Per-task overhead of the in-process scheduler: `npx tsx packages/core/bench/scheduler.bench.ts`.
 * Graphs of tiny tasks (a tree reduction and independent elementwise chains), run with kernels that
 * do no work ("noop": the scheduler's own cost) and kernels that allocate a 1-element chunk ("tiny").
 */
import { indexGraph } from "../src/graph/indexed.js";
import { orderIndexed } from "../src/graph/order.js";
import type { Graph, Key } from "../src/graph/task.js";
import { defineKernel } from "../src/kernels/registry.js";
import { NDArray } from "../src/ndarray/ndarray.js";
import { runGraphWithStats } from "../src/schedule/scheduler.js";

const constant = NDArray.from([1]);
defineKernel("bench.noop", () => constant);
defineKernel("bench.tiny", (inputs) => {
  let s = 1;
  for (const x of inputs) s += (x.data as Float64Array)[0];
  return new NDArray("float64", Float64Array.of(s), [1]);
});

/** A tree reduction (fan-in 4) over `nLeaves` loads, each followed by a chunk step: ~2.33 tasks per leaf. */
function tree(nTasks: number, op: string): { graph: Graph; outputs: Key[] } {
  const nLeaves = Math.round(nTasks / 2.33);
  const graph: Graph = new Map();
  let level: Key[] = [];
  for (let i = 0; i < nLeaves; i++) {
    graph.set(`load/${i}`, { key: `load/${i}`, op, deps: [] });
    graph.set(`chunk/${i}`, { key: `chunk/${i}`, op, deps: [`load/${i}`] });
    level.push(`chunk/${i}`);
  }
  for (let depth = 0; level.length > 1; depth++) {
    const next: Key[] = [];
    for (let i = 0; i < level.length; i += 4) {
      const key = `agg${depth}/${next.length}`;
      graph.set(key, { key, op, deps: level.slice(i, i + 4) });
      next.push(key);
    }
    level = next;
  }
  return { graph, outputs: level };
}

/** Independent chains load → f → g → h, every h an output. */
function chains(nTasks: number, op: string): { graph: Graph; outputs: Key[] } {
  const graph: Graph = new Map();
  const outputs: Key[] = [];
  for (let i = 0; i < nTasks / 4; i++) {
    const [a, b, c, d] = ["load", "f", "g", "h"].map((l) => `${l}/${i}`);
    graph.set(a, { key: a, op, deps: [] });
    graph.set(b, { key: b, op, deps: [a] });
    graph.set(c, { key: c, op, deps: [b, a] });
    graph.set(d, { key: d, op, deps: [c] });
    outputs.push(d);
  }
  return { graph, outputs };
}

async function measure(
  name: string,
  build: () => { graph: Graph; outputs: Key[] },
  reps: number,
): Promise<void> {
  const { graph, outputs } = build();
  const totals: number[] = [];
  const prep: number[] = [];
  let peak = 0;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    orderIndexed(indexGraph(graph, outputs));
    prep.push(performance.now() - t0);
    const { stats } = await runGraphWithStats(graph, outputs);
    totals.push(stats.durationMs);
    peak = stats.peakHeldChunks;
  }
  const perTask = (ms: number) => ((ms * 1000) / graph.size).toFixed(2).padStart(5);
  const best = Math.min(...totals);
  const median = totals.toSorted((a, b) => a - b)[reps >> 1];
  console.log(
    `${name.padEnd(24)} ${String(graph.size).padStart(7)} tasks: ${perTask(best)} µs/task best, ${perTask(median)} median, ` +
      `${perTask(totals[0])} first run; index+order ${perTask(Math.min(...prep))} µs/task ` +
      `(${Math.min(...prep).toFixed(0)} ms); peak held ${peak}`,
  );
}

const calib = performance.now();
let x = 0;
for (let i = 0; i < 1e8; i++) x = (x + i * 7) | 0;
console.log(
  `calibration: 1e8-iteration integer loop ${(performance.now() - calib).toFixed(0)} ms (${x & 1})`,
);

// "first run" includes JIT warm-up of this process's first graph of that shape and size.
for (const size of [10_000, 100_000]) {
  for (const op of ["bench.noop", "bench.tiny"]) {
    await measure(`tree reduction, ${op.slice(6)}`, () => tree(size, op), 7);
    await measure(`chains, ${op.slice(6)}`, () => chains(size, op), 7);
  }
}
