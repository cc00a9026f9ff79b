import { expect } from "vitest";
import type { Graph, Key } from "../../src/graph/task.js";

export { G, k, treeReduction } from "./graphs.js";

/** Asserts that `o` ranks every task 0..n-1 once and after all its dependencies. */
export function assertTopological(graph: Graph, o: ReadonlyMap<Key, number>): void {
  expect(o.size).toBe(graph.size);
  const seen = new Set<number>();
  for (const [key, task] of graph) {
    const p = o.get(key);
    expect(p, key).toBeTypeOf("number");
    seen.add(p!);
    for (const dep of task.deps)
      if (graph.has(dep)) expect(o.get(dep)!, `${dep} before ${key}`).toBeLessThan(p!);
  }
  expect(seen.size).toBe(graph.size);
  expect(Math.max(...seen)).toBe(graph.size - 1);
}

/** Keys sorted by priority. */
export function sequence(o: ReadonlyMap<Key, number>): Key[] {
  return [...o.keys()].sort((a, b) => o.get(a)! - o.get(b)!);
}
