/**
 * Static task priorities that keep memory low, ported from dask's `dask/order.py` (its "critical
 * path" algorithm, dask PR #10660, as of dask 817e5ffc1). Lower numbers run first. The result is a
 * topological order: a sequential scheduler that runs tasks in this order holds few results at a
 * time, because it finishes what it started (reductions whose inputs are loaded) before loading new
 * inputs. Everything runs on integer indices and typed arrays; keys are only compared for the final
 * tie-break.
 */
import { InvalidArgumentError } from "../errors.js";
import { type IndexedGraph, indexGraph } from "./indexed.js";
import type { Graph, Key, Task } from "./task.js";

/** Options of {@link order}. */
export interface OrderOptions {
  /**
   * Tasks that are pure data (their memory is held whatever the order), like dask's `DataNode`.
   * A data root with several dependents is ordered just before its first dependent. Default: op
   * `"core.literal"`.
   */
  isData?: (task: Task) => boolean;
}

const defaultIsData = (task: Task): boolean => task.op === "core.literal";

/**
 * Static priorities (lower runs first) that minimise the number of results held by a sequential
 * run, in the manner of dask's `order`. Only tasks needed for `outputs` are ordered when given.
 *
 * @example
 * ```ts
 * const prio = order(graph);
 * const sequence = [...graph.keys()].sort((a, b) => prio.get(a)! - prio.get(b)!);
 * ```
 * @see dask.order.order
 */
export function order(graph: Graph, outputs?: readonly Key[], options: OrderOptions = {}): Map<Key, number> {
  const g = indexGraph(graph, outputs);
  const prio = orderIndexed(g, options);
  const out = new Map<Key, number>();
  for (let i = 0; i < g.n; i++) out.set(g.keys[i], prio[i]);
  return out;
}

/**
 * Simulates a sequential run in `priorities` order, releasing each result after its last
 * dependent, and returns the most results held before any task runs. Same measure as the maximum
 * of dask's `order.diagnostics` pressure: a task nobody depends on counts as released at once.
 */
export function peakHeld(graph: Graph, priorities: ReadonlyMap<Key, number>): number {
  const g = indexGraph(graph);
  const rank = new Float64Array(g.n);
  for (let i = 0; i < g.n; i++) {
    const p = priorities.get(g.keys[i]);
    if (p === undefined) throw new InvalidArgumentError(`No priority for task ${JSON.stringify(g.keys[i])}.`);
    rank[i] = p;
  }
  const seq = Int32Array.from({ length: g.n }, (_, i) => i).sort((a, b) => rank[a] - rank[b]);
  const remaining = new Int32Array(g.n);
  for (let i = 0; i < g.n; i++) remaining[i] = g.dentOff[i + 1] - g.dentOff[i];
  let held = 0;
  let peak = 0;
  for (const i of seq) {
    if (held > peak) peak = held;
    let released = 0;
    for (let e = g.depOff[i]; e < g.depOff[i + 1]; e++) if (--remaining[g.depIdx[e]] === 0) released++;
    held += (g.dentOff[i + 1] > g.dentOff[i] ? 1 : 0) - released;
  }
  return peak;
}

// ---------------------------------------------------------------------------------------------
// Root / leaf connectivity (dask's `_connecting_to_roots`), on integer sets with deduplication.

/**
 * Sets of node indices, shared by identity between nodes (most nodes share a dependency's set).
 * `setOf[k] < 0` is the singleton `{-1 - setOf[k]}`; otherwise the set's members are
 * `pool[start[id] .. start[id] + len[id])`. One pool, no per-set allocation.
 */
interface Connectivity {
  setOf: Int32Array;
  start: Int32Array;
  len: Int32Array;
  pool: Int32Array;
}

const setSize = (c: Connectivity, id: number): number => (id < 0 ? 1 : c.len[id]);

function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return x ^ (x >>> 16);
}

/**
 * For every node, the set of "roots" (nodes without `up` edges) it is connected to, walking `seq`
 * (a topological order along `up`); dask's `_connecting_to_roots`. Returns null when the unions
 * grow past `budget` element operations (exact sets can cost O(V·R); callers then estimate).
 */
function connectRoots(
  n: number,
  seq: Int32Array,
  upOff: Int32Array,
  upIdx: Int32Array,
  budget: number,
): Connectivity | null {
  const setOf = new Int32Array(n);
  // At most one new set per task.
  const start = new Int32Array(n);
  const len = new Int32Array(n);
  const hashOf = new Int32Array(n);
  let nSets = 0;
  let pool = new Int32Array(Math.max(1024, 2 * n));
  let used = 0;
  let tableSize = 16;
  while (tableSize < 2 * n) tableSize *= 2;
  const table = new Int32Array(tableSize); // set id + 1, open addressing
  const mask = tableSize - 1;
  const unionStamp = new Int32Array(n);
  const singleStamp = new Int32Array(n);
  const elemStamp = new Int32Array(n);
  let dStamp = 0;
  let eStamp = 0;
  let maxUp = 0;
  for (let i = 0; i < n; i++) if (upOff[i + 1] - upOff[i] > maxUp) maxUp = upOff[i + 1] - upOff[i];
  const distinct = new Int32Array(maxUp);
  let nDistinct = 0;
  let work = 0;
  for (let s = 0; s < seq.length; s++) {
    const k = seq[s];
    const a = upOff[k];
    const b = upOff[k + 1];
    if (a === b) {
      setOf[k] = -1 - k;
      continue;
    }
    if (b - a === 1) {
      setOf[k] = setOf[upIdx[a]];
      continue;
    }
    dStamp++;
    nDistinct = 0;
    let base = 0;
    let baseLen = -1;
    for (let e = a; e < b; e++) {
      const id = setOf[upIdx[e]];
      if (id >= 0) {
        if (unionStamp[id] === dStamp) continue;
        unionStamp[id] = dStamp;
      } else {
        if (singleStamp[-1 - id] === dStamp) continue;
        singleStamp[-1 - id] = dStamp;
      }
      distinct[nDistinct++] = id;
      const l = id < 0 ? 1 : len[id];
      if (l > baseLen) {
        base = id;
        baseLen = l;
      }
    }
    if (nDistinct === 1) {
      setOf[k] = base;
      continue;
    }
    // Mark the largest set, then see whether the others add anything.
    eStamp++;
    if (base < 0) elemStamp[-1 - base] = eStamp;
    else for (let i = start[base], end = i + baseLen; i < end; i++) elemStamp[pool[i]] = eStamp;
    let extra = 0;
    for (let q = 0; q < nDistinct; q++) {
      const id = distinct[q];
      if (id === base) continue;
      if (id < 0) {
        if (elemStamp[-1 - id] !== eStamp) extra++;
        continue;
      }
      for (let i = start[id], end = i + len[id]; i < end; i++) if (elemStamp[pool[i]] !== eStamp) extra++;
      work += len[id];
    }
    work += baseLen;
    if (extra === 0) {
      setOf[k] = base;
      continue;
    }
    if ((work += baseLen + extra) > budget) return null;
    if (used + baseLen + extra > pool.length) {
      const grown = new Int32Array(Math.max(2 * pool.length, used + baseLen + extra));
      grown.set(pool.subarray(0, used));
      pool = grown;
    }
    let m = used;
    if (base < 0) pool[m++] = -1 - base;
    else {
      pool.copyWithin(m, start[base], start[base] + baseLen);
      m += baseLen;
    }
    for (let q = 0; q < nDistinct; q++) {
      const id = distinct[q];
      if (id === base) continue;
      if (id < 0) {
        const x = -1 - id;
        if (elemStamp[x] !== eStamp) {
          elemStamp[x] = eStamp;
          pool[m++] = x;
        }
        continue;
      }
      for (let i = start[id], end = i + len[id]; i < end; i++) {
        const x = pool[i];
        if (elemStamp[x] !== eStamp) {
          elemStamp[x] = eStamp;
          pool[m++] = x;
        }
      }
    }
    const size = m - used;
    // Equal sets are stored once (dask#11055: memory), found by an order-free hash.
    let h = Math.imul(size, 0x9e3779b1);
    for (let i = used; i < m; i++) h = (h + mix(pool[i])) | 0;
    let slot = mix(h) & mask;
    let found = -1;
    while (table[slot] !== 0) {
      const id = table[slot] - 1;
      if (hashOf[id] === h && len[id] === size) {
        let same = true;
        for (let i = start[id], end = i + size; i < end && same; i++) same = elemStamp[pool[i]] === eStamp;
        work += size;
        if (same) {
          found = id;
          break;
        }
      }
      slot = (slot + 1) & mask;
    }
    if (found < 0) {
      found = nSets++;
      start[found] = used;
      len[found] = size;
      hashOf[found] = h;
      table[slot] = found + 1;
      used = m;
    }
    setOf[k] = found;
  }
  return { setOf, start, len, pool };
}

function findCycle(
  n: number,
  remaining: Int32Array,
  depOff: Int32Array,
  depIdx: Int32Array,
  keys: Key[],
): Key[] {
  let start = -1;
  for (let i = 0; i < n && start < 0; i++) if (remaining[i] > 0) start = i;
  // Every unprocessed node has an unprocessed dependency: following them must revisit a node.
  const seen = new Int32Array(n).fill(-1);
  const path: number[] = [];
  let x = start;
  while (seen[x] < 0) {
    seen[x] = path.length;
    path.push(x);
    let next = -1;
    for (let e = depOff[x]; e < depOff[x + 1] && next < 0; e++)
      if (remaining[depIdx[e]] > 0) next = depIdx[e];
    x = next;
  }
  return path.slice(seen[x]).map((i) => keys[i]);
}

/**
 * Exact root sets cost O(V·R) on dense graphs (all-to-all rechunks, cumulative scans). Past this
 * many element operations per task we fall back to estimates, keeping `order` near-linear.
 */
const UNION_BUDGET_PER_TASK = 32;
const UNION_BUDGET_MIN = 1_000_000;

/** The graph as `order` walks it, with its metrics. */
interface Prepared {
  n: number;
  keys: Key[];
  /** Data roots taken out of the graph, and the data roots each task needs placed before it. */
  removed: Uint8Array;
  requiresData: (number[] | undefined)[] | undefined;
  depOff: Int32Array;
  depIdx: Int32Array;
  dentOff: Int32Array;
  dentIdx: Int32Array;
  topo: Int32Array;
  totalDeps: Float64Array;
  isRoot: Uint8Array;
  isLeaf: Uint8Array;
  nRoots: number;
  nLeaves: number;
  rootsCount: Int32Array;
  maxDependents: Int32Array;
  /** Leaves below each root (null on graphs too connected for exact sets). */
  bwd: Connectivity | null;
}

// Each phase is its own function: V8 optimizes (and on-stack replaces) small functions sooner,
// and a phase's optimized code is not thrown away when the next phase starts.

/** Data roots with several dependents leave the graph, to be placed just before their first dependent. */
function stripDataRoots(
  g: IndexedGraph,
  isData: (task: Task) => boolean,
): Pick<Prepared, "removed" | "requiresData" | "depOff" | "depIdx" | "dentOff" | "dentIdx"> & {
  removedCount: number;
} {
  const n = g.n;
  let removedCount = 0;
  const removed = new Uint8Array(n);
  let requiresData: (number[] | undefined)[] | undefined;
  for (let i = 0; i < n; i++) {
    if (g.depOff[i] === g.depOff[i + 1] && g.dentOff[i + 1] - g.dentOff[i] > 1 && isData(g.tasks[i])) {
      removed[i] = 1;
      removedCount++;
      requiresData ??= [];
      for (let e = g.dentOff[i]; e < g.dentOff[i + 1]; e++) (requiresData[g.dentIdx[e]] ??= []).push(i);
    }
  }
  const { depOff, depIdx, dentOff, dentIdx } = g;
  if (removedCount === 0) return { removed, removedCount, requiresData, depOff, depIdx, dentOff, dentIdx };
  const dOff = new Int32Array(n + 1);
  const dIdx = new Int32Array(depIdx.length);
  const tOff = new Int32Array(n + 1);
  const tIdx = new Int32Array(dentIdx.length);
  let p = 0;
  let q = 0;
  for (let i = 0; i < n; i++) {
    dOff[i] = p;
    tOff[i] = q;
    for (let e = depOff[i]; e < depOff[i + 1]; e++) if (!removed[depIdx[e]]) dIdx[p++] = depIdx[e];
    if (!removed[i]) for (let e = dentOff[i]; e < dentOff[i + 1]; e++) tIdx[q++] = dentIdx[e];
  }
  dOff[n] = p;
  tOff[n] = q;
  return { removed, removedCount, requiresData, depOff: dOff, depIdx: dIdx, dentOff: tOff, dentIdx: tIdx };
}

/** Topological order, roots, leaves and total dependencies (which overcount shared ancestors, as dask's do). */
function topoMetrics(
  n: number,
  keys: Key[],
  s: ReturnType<typeof stripDataRoots>,
): Pick<Prepared, "topo" | "totalDeps" | "isRoot" | "isLeaf" | "nRoots" | "nLeaves"> {
  const { removed, depOff, depIdx, dentOff, dentIdx } = s;
  const needed = new Int32Array(n);
  const totalDeps = new Float64Array(n);
  const topo = new Int32Array(n - s.removedCount);
  const isRoot = new Uint8Array(n);
  const isLeaf = new Uint8Array(n);
  let nRoots = 0;
  let nLeaves = 0;
  let t = 0;
  for (let i = 0; i < n; i++) {
    if (removed[i]) continue;
    needed[i] = depOff[i + 1] - depOff[i];
    if (needed[i] === 0) {
      isRoot[i] = 1;
      nRoots++;
      topo[t++] = i;
    }
    if (dentOff[i + 1] === dentOff[i]) {
      isLeaf[i] = 1;
      nLeaves++;
    }
  }
  for (let q = 0; q < t; q++) {
    const k = topo[q];
    let total = 1;
    for (let e = depOff[k]; e < depOff[k + 1]; e++) total += totalDeps[depIdx[e]];
    totalDeps[k] = total;
    for (let e = dentOff[k]; e < dentOff[k + 1]; e++) if (--needed[dentIdx[e]] === 0) topo[t++] = dentIdx[e];
  }
  if (t < topo.length) {
    const cycle = findCycle(n, needed, depOff, depIdx, keys);
    throw new InvalidArgumentError(`Cycle detected between the following keys: ${cycle.join(" -> ")}.`);
  }
  return { topo, totalDeps, isRoot, isLeaf, nRoots, nLeaves };
}

/** Number of roots above each task (exact, or estimated without `fwd`) and dask's `max_dependents`. */
function rootMetrics(
  n: number,
  p: Pick<Prepared, "topo" | "isRoot" | "depOff" | "depIdx" | "dentOff" | "nRoots">,
  fwd: Connectivity | null,
): Pick<Prepared, "rootsCount" | "maxDependents"> {
  const { topo, isRoot, depOff, depIdx, dentOff } = p;
  const rootsCount = new Int32Array(n);
  const maxDependents = new Int32Array(n);
  for (let s = 0; s < topo.length; s++) {
    const k = topo[s];
    if (isRoot[k]) {
      maxDependents[k] = dentOff[k + 1] - dentOff[k];
      continue;
    }
    let m = 0;
    let est = 0;
    for (let e = depOff[k]; e < depOff[k + 1]; e++) {
      const d = depIdx[e];
      if (maxDependents[d] > m) m = maxDependents[d];
      est += isRoot[d] ? 1 : rootsCount[d];
    }
    maxDependents[k] = m;
    rootsCount[k] = fwd ? setSize(fwd, fwd.setOf[k]) : Math.min(est, p.nRoots);
  }
  return { rootsCount, maxDependents };
}

/**
 * Priorities for an indexed graph: `prio[i]` is the rank of task `i` (0 runs first).
 * Throws InvalidArgumentError on a cycle.
 */
export function orderIndexed(g: IndexedGraph, options: OrderOptions = {}): Int32Array {
  const n = g.n;
  if (n === 0) return new Int32Array(0);
  const stripped = stripDataRoots(g, options.isData ?? defaultIsData);
  const metrics = topoMetrics(n, g.keys, stripped);
  const base = { n, keys: g.keys, ...stripped, ...metrics };
  // Roots above each task (for sort keys), leaves below each root (leaf degrees).
  const budget = Math.max(UNION_BUDGET_MIN, UNION_BUDGET_PER_TASK * n);
  const fwd = connectRoots(n, metrics.topo, stripped.depOff, stripped.depIdx, budget);
  const counts = rootMetrics(n, base, fwd);
  const bwd = fwd
    ? connectRoots(n, metrics.topo.slice().reverse(), stripped.dentOff, stripped.dentIdx, budget)
    : null;
  return walk({ ...base, ...counts, bwd });
}

/** Leaves sorted so that `pop()` gives the next target: dask's `leaf_nodes_sorted`. */
function sortedLeaves(p: Prepared, cmp: (a: number, b: number) => number, longestPath: boolean): number[] {
  const leaves: number[] = [];
  for (let x = 0; x < p.n; x++) if (p.isLeaf[x]) leaves.push(x);
  return leaves.sort(longestPath ? cmp : (a, b) => cmp(b, a));
}

/** A classic longest critical path, unless the graph looks symmetric (every root reaches as many leaves). */
function useLongestPath(p: Prepared): boolean {
  const { bwd, nRoots, isRoot, isLeaf } = p;
  if (!bwd || nRoots === 0) return true;
  let size = 0;
  if (Math.abs(nRoots - p.nLeaves) / nRoots < 0.8) {
    for (let r = 0; r < p.n; r++) {
      if (!isRoot[r]) continue;
      // A root that is also a leaf reaches no other leaf.
      const len = isLeaf[r] ? 0 : setSize(bwd, bwd.setOf[r]);
      if (!size) size = len;
      else if (size !== len) return false;
    }
  }
  return true;
}

/** Dask's main loop: pick a target, build its critical path backwards, walk it. */
function walk(p: Prepared): Int32Array {
  const { n, keys, removed, requiresData, depOff, depIdx, dentOff, dentIdx, totalDeps, isRoot, isLeaf } = p;
  const { rootsCount, maxDependents, bwd } = p;
  const prio = new Int32Array(n).fill(-1);
  const nDeps = (i: number): number => depOff[i + 1] - depOff[i];
  const nDents = (i: number): number => dentOff[i + 1] - dentOff[i];
  const numNeeded = new Int32Array(n);
  for (let i = 0; i < n; i++) numNeeded[i] = nDeps(i);

  // -- Sort key: (total dependencies, #dependencies, #connected roots, -max dependents, key).
  const cmp = (a: number, b: number): number =>
    totalDeps[a] - totalDeps[b] ||
    nDeps(a) - nDeps(b) ||
    rootsCount[a] - rootsCount[b] ||
    maxDependents[b] - maxDependents[a] ||
    (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0);
  const maxBy = (items: ArrayLike<number>, from: number, to: number): number => {
    let best = items[from];
    for (let e = from + 1; e < to; e++) if (cmp(items[e], best) > 0) best = items[e];
    return best;
  };

  // -- State of the walk.
  let i = 0;
  let resultCount = 0;
  const expected = n;
  const inResult = (x: number): boolean => prio[x] >= 0;
  const runnableHull = new Uint8Array(n);
  // reachable_hull: flags plus a lazily compacted list, so it can be intersected cheaply.
  const reachFlag = new Uint8Array(n);
  let reachCount = 0;
  // Each task enters the hull at most once (its dependencies are all done when it leaves).
  const reachList = new Int32Array(n);
  let reachLen = 0;
  const reachAdd = (x: number): void => {
    if (!reachFlag[x]) {
      reachFlag[x] = 1;
      reachCount++;
      reachList[reachLen++] = x;
    }
  };
  const reachDiscard = (x: number): void => {
    if (reachFlag[x]) {
      reachFlag[x] = 0;
      reachCount--;
    }
  };
  let runnable: number[] = [];
  const knownPaths = new Map<number, number[][]>();

  // Leaf degree: the number of roots a leaf still needs loaded. Disabled without exact sets.
  // Buckets of leaves by degree are intrusive doubly linked lists (no allocation per move).
  const leafDegree = new Int32Array(n).fill(-1);
  let topDegree = 0;
  if (bwd)
    for (let x = 0; x < n; x++)
      if (isLeaf[x] && !isRoot[x] && rootsCount[x] > topDegree) topDegree = rootsCount[x];
  const bucketHead = new Int32Array(topDegree + 1).fill(-1);
  const bucketSize = new Int32Array(topDegree + 1);
  const nextInBucket = bwd ? new Int32Array(n) : EMPTY;
  const prevInBucket = bwd ? new Int32Array(n) : EMPTY;
  const bucketInsert = (x: number, d: number): void => {
    const h = bucketHead[d];
    nextInBucket[x] = h;
    prevInBucket[x] = -1;
    if (h >= 0) prevInBucket[h] = x;
    bucketHead[d] = x;
    bucketSize[d]++;
    leafDegree[x] = d;
  };
  const bucketRemove = (x: number, d: number): void => {
    const nx = nextInBucket[x];
    const pv = prevInBucket[x];
    if (pv >= 0) nextInBucket[pv] = nx;
    else bucketHead[d] = nx;
    if (nx >= 0) prevInBucket[nx] = pv;
    bucketSize[d]--;
    leafDegree[x] = -1;
  };
  let minLeafDegree = n;
  const maxLeafDegree = n;
  if (bwd) {
    for (let x = 0; x < n; x++) {
      if (!isLeaf[x] || isRoot[x]) continue;
      const degree = rootsCount[x];
      if (degree < minLeafDegree) minLeafDegree = degree;
      bucketInsert(x, degree);
    }
  }
  const advanceMinDegree = (): void => {
    while (
      minLeafDegree !== maxLeafDegree &&
      (minLeafDegree > topDegree || bucketSize[minLeafDegree] === 0)
    ) {
      minLeafDegree = minLeafDegree >= topDegree ? maxLeafDegree : minLeafDegree + 1;
    }
  };
  const decrementLeaf = (leaf: number): void => {
    if (!isLeaf[leaf]) return;
    const degree = leafDegree[leaf];
    if (degree < 0) return;
    bucketRemove(leaf, degree);
    const nd = degree - 1;
    if (nd > 0) {
      if (nd < minLeafDegree) minLeafDegree = nd;
      bucketInsert(leaf, nd);
    } else if (bucketSize[degree] === 0) advanceMinDegree();
  };

  const addStack: number[] = [];
  const addToResult = (item: number): void => {
    addStack.push(item);
    while (addStack.length > 0) {
      item = addStack.pop()!;
      runnableHull[item] = 0;
      reachDiscard(item);
      const wasLeaf = isLeaf[item];
      isLeaf[item] = 0;
      if (prio[item] >= 0) continue;
      const data = requiresData?.[item];
      if (data) {
        for (const d of data) {
          if (prio[d] < 0) {
            prio[d] = i++;
            resultCount++;
          }
        }
        requiresData![item] = undefined;
      }
      prio[item] = i++;
      resultCount++;
      if (isRoot[item] && bwd && !wasLeaf) {
        // A root's leaves each need one root fewer.
        const id = bwd.setOf[item];
        if (id < 0) decrementLeaf(-1 - id);
        else for (let e = bwd.start[id], end = e + bwd.len[id]; e < end; e++) decrementLeaf(bwd.pool[e]);
      }
      const single = nDents(item) === 1;
      for (let e = dentOff[item]; e < dentOff[item + 1]; e++) {
        const dep = dentIdx[e];
        reachAdd(dep);
        if (--numNeeded[dep] === 0) {
          // Linear chains stay contiguous: the only dependent runs at once.
          if (single) addStack.push(dep);
          else runnable.push(dep);
        }
      }
    }
  };

  /**
   * From each runnable task walk forward along single-dependency paths to the next reducer and
   * remember the path; run the paths once they make the reducer runnable (or reach a leaf).
   * Running free tasks too eagerly is breadth-first; too late holds reducer inputs long.
   */
  let candidates: number[] = [];
  const processRunnables = (): void => {
    while (runnable.length > 0) {
      const swap = candidates;
      candidates = runnable;
      runnable = swap;
      runnable.length = 0;
      while (candidates.length > 0) {
        const key = candidates.pop()!;
        if (runnableHull[key] || inResult(key)) continue;
        if (isLeaf[key]) {
          addToResult(key);
          continue;
        }
        const branches: [number, number[]][] = [[0, [key]]];
        let head = 0;
        while (head < branches.length) {
          let [nsplits, path] = branches[head++];
          for (;;) {
            const current = path[path.length - 1];
            runnableHull[current] = 1;
            const down = nDents(current);
            if (down === 0) {
              if (numNeeded[current] <= 1) for (const k of path) addToResult(k);
              else runnableHull[current] = 0;
            } else if (path.length === 1 || nDeps(current) === 1) {
              if (down > 1) {
                nsplits++;
                const ds = Array.from(dentIdx.subarray(dentOff[current], dentOff[current + 1])).sort(cmp);
                // Only genuine splits: dependents that need nothing else.
                for (const d of ds) if (nDeps(d) === 1) branches.push([nsplits, [...path, d]]);
                break;
              }
              path.push(dentIdx[dentOff[current]]);
              continue;
            } else if (knownPaths.has(current)) {
              const known = knownPaths.get(current)!;
              known.push(path);
              runnableHull[current] = 0;
              if (known.length >= numNeeded[current]) {
                knownPaths.delete(current);
                const pruned: number[][] = [];
                for (const p of known) if (!inResult(p[p.length - 2])) pruned.push(p);
                if (pruned.length < numNeeded[current]) {
                  knownPaths.set(current, pruned);
                } else {
                  if (nsplits > 1) {
                    branches.push([nsplits - 1, pruned.flat()]);
                    break;
                  }
                  let h = 0;
                  let stalled = 0;
                  // Guard against paths that can never complete here (left for the main walk).
                  while (h < pruned.length && stalled <= pruned.length - h) {
                    const p = pruned[h++];
                    let blocked = false;
                    for (const k of p) {
                      if (numNeeded[k]) {
                        blocked = true;
                        break;
                      }
                      addToResult(k);
                    }
                    if (blocked) {
                      pruned.push(p);
                      stalled++;
                    } else stalled = 0;
                  }
                }
              }
            } else if (nDeps(current) > 1 && numNeeded[current] <= 1) {
              for (const k of path) addToResult(k);
            } else {
              knownPaths.set(current, [path]);
              runnableHull[current] = 0;
            }
            break;
          }
        }
      }
    }
  };

  const leafNodesSorted = sortedLeaves(p, cmp, useLongestPath(p));

  const getTarget = (): number => {
    const allLeafsAccessible = minLeafDegree === maxLeafDegree;
    if (reachCount > 0 && !allLeafsAccessible) {
      if (minLeafDegree <= topDegree && bucketSize[minLeafDegree] > 0) {
        let best = -1;
        if (reachCount <= bucketSize[minLeafDegree]) {
          // Intersect by walking the hull, compacting its list on the way.
          let kept = 0;
          for (let q = 0; q < reachLen; q++) {
            const x = reachList[q];
            if (!reachFlag[x]) continue;
            reachList[kept++] = x;
            if (leafDegree[x] === minLeafDegree && isLeaf[x] && (best < 0 || cmp(x, best) < 0)) best = x;
          }
          reachLen = kept;
        } else {
          for (let x = bucketHead[minLeafDegree]; x >= 0; x = nextInBucket[x]) {
            if (reachFlag[x] && (best < 0 || cmp(x, best) < 0)) best = x;
          }
        }
        if (best < 0) {
          for (let x = bucketHead[minLeafDegree]; x >= 0; x = nextInBucket[x])
            if (best < 0 || cmp(x, best) < 0) best = x;
        }
        return best;
      }
    }
    while (leafNodesSorted.length > 0) {
      const x = leafNodesSorted.pop()!;
      if (!inResult(x)) return x;
    }
    // Defensive: any task not ordered yet.
    for (let x = 0; x < n; x++) if (!removed[x] && !inResult(x)) return x;
    return 0;
  };

  // -- Main loop: pick a target, build its critical path backwards, walk it.
  const path: number[] = [];
  let maxDeps = 0;
  for (let x = 0; x < n; x++) if (nDeps(x) > maxDeps) maxDeps = nDeps(x);
  let pending = new Int32Array(maxDeps);
  let nPending = 0;
  let spare = new Int32Array(maxDeps);
  const deps = new Int32Array(maxDeps);
  let guard = 0;
  while (resultCount < expected) {
    if (++guard > 4 * n + 16) throw new Error("order(): no progress (internal error)");
    const target = getTarget();
    path.push(target);
    let item = depOff[target] < depOff[target + 1] ? maxBy(depIdx, depOff[target], depOff[target + 1]) : -1;
    while (item >= 0) {
      path.push(item);
      // `pending` holds the unfinished dependencies of `item`; the next item is their maximum.
      const swap = spare;
      spare = pending;
      pending = swap;
      nPending = 0;
      for (let e = depOff[item]; e < depOff[item + 1]; e++)
        if (!inResult(depIdx[e])) pending[nPending++] = depIdx[e];
      sortPrefix(pending, nPending, cmp);
      for (let q = 0; q < nPending; q++) path.push(pending[q]);
      item = nPending > 0 ? pending[nPending - 1] : -1;
    }

    let walkedBack = false;
    while (path.length > 0) {
      const item = path.pop()!;
      if (inResult(item)) continue;
      if (numNeeded[item]) {
        path.push(item);
        let nd = 0;
        for (let e = depOff[item]; e < depOff[item + 1]; e++)
          if (!inResult(depIdx[e])) deps[nd++] = depIdx[e];
        sortPrefix(deps, nd, cmp);
        if (knownPaths.size === 0) {
          if (nd > 1) walkedBack = true;
          for (let q = 0; q < nd; q++) path.push(deps[q]);
          continue;
        }
        let unknown = 0;
        for (let q = 0; q < nd; q++) if (!knownPaths.has(deps[q])) unknown++;
        if (unknown > 1) walkedBack = true;
        for (let q = 0; q < nd; q++) if (!knownPaths.has(deps[q])) path.push(deps[q]);
        for (let q = 0; q < nd; q++) {
          const known = knownPaths.get(deps[q]);
          if (!known) continue;
          knownPaths.delete(deps[q]);
          for (const p of known) for (let e = p.length - 1; e >= 0; e--) path.push(p[e]);
        }
        continue;
      }
      if (walkedBack && runnable.length < path.length) processRunnables();
      addToResult(item);
    }
    processRunnables();
  }
  return prio;
}

const EMPTY = new Int32Array(0);

/** Sorts `buf[0 .. len)` in place: insertion sort for the short lists of dependencies met here. */
function sortPrefix(buf: Int32Array, len: number, cmp: (a: number, b: number) => number): void {
  if (len > 24) {
    buf.subarray(0, len).sort(cmp);
    return;
  }
  for (let i = 1; i < len; i++) {
    const x = buf[i];
    let j = i - 1;
    while (j >= 0 && cmp(buf[j], x) > 0) {
      buf[j + 1] = buf[j];
      j--;
    }
    buf[j + 1] = x;
  }
}
