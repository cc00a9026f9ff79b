import { expect } from "vitest";
import type { Graph, Key } from "@chunked/core";

export { G, k, treeReduction } from "./graphs.js";

/** Asserts that `o` ranks every task 0..n-1 once and after all its dependencies. */
export function assertTopological(graph: Graph, o: ReadonlyMap<Key, number>): void {
  expect(o.size).toBe(graph.size);
  const seen = new Set<number>();
  const problems: string[] = [];
  for (const [key, task] of graph) {
    const p = o.get(key);
    if (p === undefined) {
      problems.push(`no priority for ${key}`);
      continue;
    }
    seen.add(p);
    for (const dep of task.deps) {
      if (graph.has(dep) && !(o.get(dep)! < p))
        problems.push(`${dep} (${o.get(dep)}) not before ${key} (${p})`);
    }
  }
  expect(problems).toEqual([]);
  expect(seen.size).toBe(graph.size);
  for (let i = 0; i < graph.size; i++) if (!seen.has(i)) problems.push(`rank ${i} unused`);
  expect(problems).toEqual([]);
}

/** Keys sorted by priority. */
export function sequence(o: ReadonlyMap<Key, number>): Key[] {
  return [...o.keys()].sort((a, b) => o.get(a)! - o.get(b)!);
}
