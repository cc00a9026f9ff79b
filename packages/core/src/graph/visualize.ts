/**
 * Graphviz DOT for task graphs, coloured by execution order like dask's `visualize(color="order")`.
 * Big graphs collapse to one node per layer, since Graphviz is only useful up to ~1k nodes.
 */
import { order as staticOrder } from "./order.js";
import { rampColor } from "./colormaps.js";
import { taskLabel } from "./labels.js";
import { type Graph, type Key, layerOf } from "./task.js";

/** Options of {@link toDot}. */
export interface ToDotOptions {
  /** Priorities to colour by (default: `order(graph)`). */
  order?: ReadonlyMap<Key, number>;
  /** Output keys, drawn with a double border. */
  outputs?: readonly Key[];
  /** Above this many tasks, draw one node per layer (default 500). */
  maxTasks?: number;
  /** Graphviz `rankdir` (default `"BT"`: inputs at the bottom, as dask draws them). */
  rankdir?: "BT" | "TB" | "LR" | "RL";
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

function fill(t: number | undefined): string {
  if (t === undefined) return 'style=filled, fillcolor="#dddddd"';
  // Light text on the dark half of the ramp.
  return `style=filled, fillcolor="${rampColor(t)}", fontcolor="${t < 0.55 ? "white" : "black"}"`;
}

/**
 * A Graphviz DOT description of `graph`: one node per task labelled with its op and key, coloured
 * by execution order; over `maxTasks` tasks, one node per layer labelled with its op and task count,
 * coloured by its tasks' mean priority.
 *
 * @example
 * ```ts
 * writeFileSync("graph.dot", toDot(graph, { outputs }));  // then: dot -Tsvg graph.dot
 * ```
 * @see dask.visualize
 */
export function toDot(graph: Graph, options: ToDotOptions = {}): string {
  let prio = options.order;
  if (!prio) {
    try {
      prio = staticOrder(graph);
    } catch {
      prio = undefined; // a cycle: draw without colours
    }
  }
  const total = Math.max(1, graph.size - 1);
  const outputs = new Set(options.outputs ?? []);
  const lines = [
    "digraph {",
    `  rankdir=${options.rankdir ?? "BT"};`,
    '  node [shape=box, fontname="Helvetica", margin="0.3,0.06"];',
  ];

  if (graph.size <= (options.maxTasks ?? 500)) {
    for (const [key, task] of graph) {
      const p = prio?.get(key);
      // One line per fused step keeps boxes narrow.
      const label = `${taskLabel(task).replaceAll(" → ", " →\n")}\n${key}${p === undefined ? "" : `\n#${p}`}`;
      const border = outputs.has(key) ? ", peripheries=2" : "";
      lines.push(
        `  ${quote(key)} [label=${quote(label)}, ${fill(p === undefined ? undefined : p / total)}${border}];`,
      );
    }
    for (const [key, task] of graph) {
      for (const dep of new Set(task.deps))
        if (graph.has(dep)) lines.push(`  ${quote(dep)} -> ${quote(key)};`);
    }
  } else {
    const layers = new Map<
      string,
      { ops: Set<string>; count: number; prioSum: number; prioCount: number; output: boolean }
    >();
    for (const [key, task] of graph) {
      const name = layerOf(key);
      let layer = layers.get(name);
      if (!layer)
        layers.set(name, (layer = { ops: new Set(), count: 0, prioSum: 0, prioCount: 0, output: false }));
      layer.ops.add(taskLabel(task));
      layer.count++;
      const p = prio?.get(key);
      if (p !== undefined) {
        layer.prioSum += p;
        layer.prioCount++;
      }
      if (outputs.has(key)) layer.output = true;
    }
    for (const [name, layer] of layers) {
      const label = `${[...layer.ops].join(", ")}\n${name}\n${layer.count} task${layer.count === 1 ? "" : "s"}`;
      const t = layer.prioCount > 0 ? layer.prioSum / layer.prioCount / total : undefined;
      const border = layer.output ? ", peripheries=2" : "";
      lines.push(`  ${quote(name)} [label=${quote(label)}, ${fill(t)}${border}];`);
    }
    const edges = new Map<string, number>();
    for (const [key, task] of graph) {
      const to = layerOf(key);
      for (const dep of new Set(task.deps)) {
        if (!graph.has(dep)) continue;
        const from = layerOf(dep);
        if (from === to) continue;
        const edge = `${quote(from)} -> ${quote(to)}`;
        edges.set(edge, (edges.get(edge) ?? 0) + 1);
      }
    }
    for (const [edge, count] of edges) lines.push(`  ${edge} [label="${count}"];`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
