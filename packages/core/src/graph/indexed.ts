/**
 * A graph as integer-indexed adjacency lists (CSR): what the passes that walk a whole graph share
 * (static ordering, the scheduler, elementwise fusion), so keys are hashed once per graph.
 */
import { InvalidArgumentError } from "../errors.js";
import type { Graph, Key, Task } from "./task.js";

/** A graph as integer-indexed compressed adjacency lists (CSR). Shared by `order` and the scheduler. */
export interface IndexedGraph {
  /** Number of tasks. */
  readonly n: number;
  readonly keys: Key[];
  readonly tasks: Task[];
  /** Key → index. */
  readonly index: Map<Key, number>;
  /** Distinct in-graph dependencies of task `i`: `depIdx[depOff[i] .. depOff[i+1])`. */
  readonly depOff: Int32Array;
  readonly depIdx: Int32Array;
  /** Distinct dependents of task `i`: `dentIdx[dentOff[i] .. dentOff[i+1])`. */
  readonly dentOff: Int32Array;
  readonly dentIdx: Int32Array;
  /** Inputs in `task.deps` order, repeats kept (-1 for a key missing from the graph). */
  readonly inOff: Int32Array;
  readonly inIdx: Int32Array;
  /** Dependency keys that are not in the graph (ignored by `order`; an error for the scheduler). */
  readonly external: Key[];
}

/**
 * Indexes the tasks needed for `outputs` (all tasks when omitted). Throws when an output is missing.
 */
export function indexGraph(graph: Graph, outputs?: readonly Key[]): IndexedGraph {
  const keys: Key[] = [];
  const tasks: Task[] = [];
  const index = new Map<Key, number>();
  // Inputs are resolved once, in the order tasks are visited: `tmp` holds them, `tmpStart` where.
  const tmp: number[] = [];
  const tmpStart = new Int32Array(graph.size + 1);
  const external: Key[] = [];
  const visit = (i: number): void => {
    tmpStart[i] = tmp.length;
    for (const dep of tasks[i].deps) {
      let j = index.get(dep);
      if (j === undefined) {
        const t = outputs === undefined ? undefined : graph.get(dep);
        if (t === undefined) {
          external.push(dep);
          j = -1;
        } else {
          j = keys.length;
          index.set(dep, j);
          keys.push(dep);
          tasks.push(t);
        }
      }
      tmp.push(j);
    }
  };
  if (outputs === undefined) {
    for (const [key, task] of graph) {
      index.set(key, keys.length);
      keys.push(key);
      tasks.push(task);
    }
    for (let i = 0; i < keys.length; i++) visit(i);
  } else {
    // Walk back from the outputs: an implicit cull. Newly found tasks get the next index, so
    // visiting indices in increasing order visits each task once.
    for (const key of outputs) {
      if (index.has(key)) continue;
      const task = graph.get(key);
      if (!task) throw new InvalidArgumentError(`Output key ${JSON.stringify(key)} is not in the graph.`);
      index.set(key, keys.length);
      keys.push(key);
      tasks.push(task);
    }
    for (let i = 0; i < keys.length; i++) visit(i);
  }
  const n = keys.length;
  tmpStart[n] = tmp.length;
  // Visiting in index order means `tmp` is already laid out as the CSR of inputs.
  const inOff = tmpStart.slice(0, n + 1);
  const inIdx = Int32Array.from(tmp);
  const depOff = new Int32Array(n + 1);
  const depTmp = new Int32Array(inIdx.length);
  const stamp = new Int32Array(n).fill(-1);
  const dentCount = new Int32Array(n + 1);
  let q = 0;
  for (let i = 0; i < n; i++) {
    depOff[i] = q;
    for (let e = inOff[i]; e < inOff[i + 1]; e++) {
      const j = inIdx[e];
      if (j >= 0 && stamp[j] !== i) {
        stamp[j] = i;
        depTmp[q++] = j;
        dentCount[j]++;
      }
    }
  }
  depOff[n] = q;
  const depIdx = depTmp.slice(0, q);
  const dentOff = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) dentOff[i + 1] = dentOff[i] + dentCount[i];
  const fill = dentOff.slice(0, n);
  const dentIdx = new Int32Array(q);
  for (let i = 0; i < n; i++) {
    for (let e = depOff[i]; e < depOff[i + 1]; e++) dentIdx[fill[depIdx[e]]++] = i;
  }
  return { n, keys, tasks, index, depOff, depIdx, dentOff, dentIdx, inOff, inIdx, external };
}
