/**
 * Slice pushdown: fold `getitem.region` tasks into what they read, so that `x[::100]` of a file
 * reads only every hundredth row (dask's `optimize_slices` / `fuse_slice`). Works on tasks alone;
 * the kernels' params are the contract (kernels/getitem.ts, kernels/source.ts).
 */
import type { Graph, Key, Task } from "../graph/task.js";
import { literal } from "../kernels/core.js";
import {
  type AxisRange,
  applyGetitem,
  type GetitemParams,
  type GetitemReadParams,
  getitemRead,
  getitemRegion,
} from "../kernels/getitem.js";
import { task } from "../kernels/registry.js";
import { type Region, type SourceReadParams, sourceRead } from "../kernels/source.js";
import { NDArray, type NDArrayLike } from "../ndarray/ndarray.js";

function len(start: number, stop: number, step: number): number {
  return step > 0
    ? stop > start
      ? Math.ceil((stop - start) / step)
      : 0
    : start > stop
      ? Math.ceil((start - stop) / -step)
      : 0;
}

/**
 * `inner` taken from the elements of `outer`, as one range over the base axis (both are
 * `[start, stop, step]` with range semantics; `null` means all elements).
 *
 * @example
 * ```ts
 * composeRange([10, 50, 2], [1, 6, 3]); // [12, 19, 6]: elements 12 and 18
 * ```
 */
export function composeRange(outer: AxisRange, inner: AxisRange): AxisRange {
  if (inner === null) return outer;
  if (outer === null) return inner;
  const [a, , k] = outer;
  const [a2, b2, k2] = inner;
  const count = len(a2, b2, k2);
  const step = k * k2;
  const start = a + k * a2;
  if (count === 0) return [0, 0, 1];
  return [start, start + (count - 1) * step + Math.sign(step), step];
}

/**
 * The composition `second ∘ first` of two getitems (apply `first`, then `second`) as one getitem
 * over `first`'s input, or `undefined` when it cannot be written as one (a new axis of `first`
 * sliced to length 0 by `second`).
 */
export function composeGetitem(first: GetitemParams, second: GetitemParams): GetitemParams | undefined {
  const nIn = first.region.length;
  // Axes of the intermediate array: an input axis of `first`, or -1 for one of its new axes.
  const mid: number[] = [];
  const kept = [...Array(nIn).keys()].filter((a) => !first.drop.includes(a));
  const midNdim = kept.length + first.newaxes.length;
  for (let q = 0, next = 0; q < midNdim; q++) mid.push(first.newaxes.includes(q) ? -1 : kept[next++]);
  if (second.region.length !== midNdim) return undefined;

  const region: AxisRange[] = [...first.region];
  const drop = new Set(first.drop);
  const surviving: number[] = []; // per surviving intermediate axis: input axis or -1
  for (let j = 0; j < midNdim; j++) {
    const r2 = second.region[j];
    const dropped = second.drop.includes(j);
    if (mid[j] >= 0) {
      const p = mid[j];
      region[p] = composeRange(first.region[p], r2);
      if (dropped) drop.add(p);
      else surviving.push(p);
    } else {
      const count = r2 === null ? 1 : len(r2[0], r2[1], r2[2]);
      if (dropped) continue;
      if (count !== 1) return undefined;
      surviving.push(-1);
    }
  }
  const newaxes: number[] = [];
  const outNdim = surviving.length + second.newaxes.length;
  for (let q = 0, next = 0; q < outNdim; q++) {
    if (second.newaxes.includes(q) || surviving[next++] === -1) newaxes.push(q);
  }
  return { region, drop: [...drop].sort((a, b) => a - b), newaxes };
}

/** `getitem ∘ source.read` as a read (steps >= 1) plus what to do with the block read. */
function composeRead(read: Region, g: GetitemParams): { region: Region; post: GetitemParams | null } {
  const region: [number, number, number][] = [];
  const local: AxisRange[] = [];
  let plain = g.drop.length === 0 && g.newaxes.length === 0;
  for (let ax = 0; ax < read.length; ax++) {
    const [s0, e0, st0] = read[ax];
    const r = composeRange([s0, e0, st0], g.region[ax]) as readonly [number, number, number];
    const [s, e, step] = r;
    const count = len(s, e, step);
    if (count === 0) {
      region.push([s0, s0, 1]);
      local.push(null);
    } else if (step > 0) {
      region.push([s, s + (count - 1) * step + 1, step]);
      local.push(null);
    } else {
      // Read the same elements upwards, then reverse them in the block.
      const lowest = s + (count - 1) * step;
      region.push([lowest, s + 1, -step]);
      local.push([count - 1, -1, -1]);
      plain = false;
    }
  }
  return { region, post: plain ? null : { region: local, drop: g.drop, newaxes: g.newaxes } };
}

export interface PushdownOptions {
  /** Fold getitems over `core.literal` blocks into smaller literals (slices them now). Default `true`. */
  literals?: boolean;
}

/**
 * Pushes slices down the graph (an optimisation pass; returns a new graph, the input is not
 * changed). A `getitem.region` whose only dependency is read by nothing else and is not an output:
 * - over another `getitem.region`: the two merge into one (dask's `fuse_slice`);
 * - over a `source.read`: becomes one `source.read` of the composed, strided region, or a
 *   `getitem.read` (read, then reverse/drop/insert axes) when a step is negative or axes change;
 * - over a `core.literal`: becomes a literal of the sliced block (option `literals`).
 * The result keeps the getitem's key, so outputs and dependents are unchanged.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(h5dataset, { chunks: [1_000_000] });
 * pushdownSlices(x.get([slice(null, null, 100)]).graph(), keys); // source.read tasks with step 100
 * ```
 * @see dask.array.optimization.optimize_slices, fuse_slice
 */
export function pushdownSlices(graph: Graph, outputs: readonly Key[], options: PushdownOptions = {}): Graph {
  let any = false;
  for (const t of graph.values()) {
    if (t.op === getitemRegion.id) {
      any = true;
      break;
    }
  }
  if (!any) return graph;
  const out: Graph = new Map(graph);
  const isOutput = new Set(outputs);
  const dependents = new Map<Key, number>();
  for (const t of graph.values()) for (const d of t.deps) dependents.set(d, (dependents.get(d) ?? 0) + 1);
  const foldable = (dep: Task | undefined): dep is Task =>
    dep !== undefined && dependents.get(dep.key) === 1 && !isOutput.has(dep.key);

  // 1. Merge getitem chains (any order: each merge looks at the current graph).
  for (const key of graph.keys()) {
    let t = out.get(key);
    if (t?.op !== getitemRegion.id || t.deps.length !== 1) continue;
    for (;;) {
      const dep = out.get(t.deps[0]);
      if (!foldable(dep) || dep.op !== getitemRegion.id || dep.deps.length !== 1) break;
      const params = composeGetitem(dep.params as GetitemParams, t.params as GetitemParams);
      if (!params) break;
      out.delete(dep.key);
      t = task(getitemRegion, t.key, dep.deps, params);
      out.set(t.key, t);
    }
  }

  // 2. Fold getitems into the reads and literals below them.
  for (const t of [...out.values()]) {
    if (t.op !== getitemRegion.id || t.deps.length !== 1) continue;
    const dep = out.get(t.deps[0]);
    if (!foldable(dep)) continue;
    const g = t.params as GetitemParams;
    if (dep.op === sourceRead.id) {
      const p = dep.params as unknown as SourceReadParams;
      if (p.region.some((r) => r[2] < 1)) continue;
      const { region, post } = composeRead(p.region, g);
      out.delete(dep.key);
      if (post === null) {
        out.set(t.key, task(sourceRead, t.key, [], { ...p, region }));
      } else {
        const params: GetitemReadParams = { ...p, region, getitem: post };
        out.set(t.key, task(getitemRead, t.key, [], params));
      }
    } else if (dep.op === literal.id && options.literals !== false && dep.deps.length === 0) {
      const block = NDArray.revive((dep.params as unknown as { array: NDArrayLike }).array);
      out.delete(dep.key);
      out.set(t.key, task(literal, t.key, [], { array: applyGetitem(block, g) }));
    }
  }
  return out;
}
