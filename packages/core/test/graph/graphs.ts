import type { Graph, Key, Task } from "@chunked/core";

/** A dask-style tuple key: `k("a", 1, 0)` is `"a/1,0"`; `k("x")` is `"x"`. */
export function k(name: string, ...index: number[]): Key {
  return index.length === 0 ? name : `${name}/${index.join(",")}`;
}

/** Builds graphs tersely: `t(key, ...deps)` adds a task, `data(key)` a pure-data root (dask DataNode). */
export class G {
  readonly graph: Graph = new Map();
  t(key: Key, ...deps: Key[]): this {
    this.graph.set(key, { key, op: "test.f", deps });
    return this;
  }
  data(key: Key): this {
    this.graph.set(key, { key, op: "core.literal", deps: [] });
    return this;
  }
  get size(): number {
    return this.graph.size;
  }
}

/** Tasks of a tree reduction over `n` inputs with fan-in `split`; returns the graph and the final key. */
export function treeReduction(n: number, split = 4): { graph: Graph; out: Key } {
  const graph: Graph = new Map();
  let level = Array.from({ length: n }, (_, i) => {
    const key = k("x", i);
    graph.set(key, { key, op: "test.f", deps: [] } satisfies Task);
    const c = k("chunk", i);
    graph.set(c, { key: c, op: "test.f", deps: [key] });
    return c;
  });
  let depth = 0;
  while (level.length > 1) {
    const next: Key[] = [];
    for (let i = 0; i < level.length; i += split) {
      const key = k(`agg${depth}`, next.length);
      graph.set(key, { key, op: "test.f", deps: level.slice(i, i + split) });
      next.push(key);
    }
    level = next;
    depth++;
  }
  return { graph, out: level[0] };
}
