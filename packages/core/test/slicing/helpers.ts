import "../../src/kernels/all.js";
import type { ChunkedArray } from "@chunked/core";
import { chunkOffsets } from "../../src/chunks/normalize.js";
import type { DType } from "@chunked/core";
import type { Graph, Key } from "@chunked/core";
import { type Selection, type SelectionItem, type Slice, newaxis } from "@chunked/core";
import { getKernel } from "@chunked/core/internal";
import { copyInto, NDArray } from "@chunked/core/internal";

/** Runs a graph by plain recursion over the kernels (independent of the scheduler under test elsewhere). */
export async function runNaive(graph: Graph, outputs: readonly Key[]): Promise<Map<Key, NDArray>> {
  const done = new Map<Key, Promise<NDArray>>();
  const run = (key: Key): Promise<NDArray> => {
    let p = done.get(key);
    if (!p) {
      const task = graph.get(key);
      if (!task) throw new Error(`missing task ${key}`);
      p = Promise.all(task.deps.map(run)).then((inputs) => getKernel(task.op)(inputs, task.params));
      done.set(key, p);
    }
    return p;
  };
  const out = new Map<Key, NDArray>();
  for (const k of outputs) out.set(k, await run(k));
  return out;
}

/** Computes an array with {@link runNaive}, optionally after a graph pass, checking every block's shape. */
export async function computeNaive<D extends DType>(
  x: ChunkedArray<D>,
  pass?: (graph: Graph, outputs: readonly Key[]) => Graph,
): Promise<NDArray<D>> {
  const outputs = x.keys();
  const graph = pass ? pass(x.graph(), outputs) : x.graph();
  const blocks = await runNaive(graph, outputs);
  const offsets = x.chunks.map(chunkOffsets);
  const out = NDArray.zeros(x.dtype, x.shape);
  const numblocks = x.numblocks;
  const total = numblocks.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(numblocks.length).fill(0);
  for (let n = 0; n < total; n++) {
    const block = blocks.get(x.key(idx))!;
    const expected = idx.map((b, ax) => x.chunks[ax][b]);
    if (block.shape.length !== expected.length || block.shape.some((s, i) => s !== expected[i])) {
      throw new Error(`block ${x.key(idx)} has shape ${block.shape}, chunks say ${expected}`);
    }
    if (block.dtype !== x.dtype) throw new Error(`block ${x.key(idx)} has dtype ${block.dtype}`);
    copyInto(out.region(idx.map((b, ax) => [offsets[ax][b], offsets[ax][b + 1], 1] as const)), block);
    for (let ax = numblocks.length - 1; ax >= 0; ax--) {
      if (++idx[ax] < numblocks[ax]) break;
      idx[ax] = 0;
    }
  }
  return out;
}

/** Python's list slicing, written out naively: the element indices `a[s]` picks from an axis of n. */
function sliceList(n: number, s: Slice | null): number[] {
  const step = s?.step ?? 1;
  const out: number[] = [];
  if (step > 0) {
    let start = s?.start ?? 0;
    let stop = s?.stop ?? n;
    if (start < 0) start = Math.max(0, start + n);
    if (stop < 0) stop = Math.max(0, stop + n);
    start = Math.min(start, n);
    stop = Math.min(stop, n);
    for (let i = start; i < stop; i += step) out.push(i);
  } else {
    let start = s?.start ?? n - 1;
    let stop = s?.stop ?? -1 - n; // "to the beginning"
    if (start < 0) start += n;
    if (stop < 0) stop += n;
    start = Math.min(start, n - 1);
    stop = Math.max(stop, -1);
    for (let i = start; i > stop; i += step) out.push(i);
  }
  return out;
}

/** A naive reference indexer: NumPy basic indexing by nested loops over `item()`. */
export function referenceGet<D extends DType>(a: NDArray<D>, selection: Selection): NDArray<D> {
  const nIndexed = selection.filter((s) => s !== newaxis && s !== "...").length;
  const items: SelectionItem[] = [];
  for (const s of selection) {
    if (s === "...") for (let i = 0; i < a.ndim - nIndexed; i++) items.push(null);
    else items.push(s);
  }
  while (items.filter((s) => s !== newaxis).length < a.ndim) items.push(null);
  // Per output axis: the list of input indices (or a newaxis); integers fix an input index.
  type Ax = { kind: "list"; axis: number; list: number[] } | { kind: "new" };
  const fixed = new Array<number>(a.ndim).fill(0);
  const outAxes: Ax[] = [];
  let axis = 0;
  for (const s of items) {
    if (s === newaxis) outAxes.push({ kind: "new" });
    else if (typeof s === "number") {
      const n = a.shape[axis];
      if (s < -n || s >= n) throw new Error("reference: out of bounds");
      fixed[axis++] = s < 0 ? s + n : s;
    } else outAxes.push({ kind: "list", axis: axis, list: sliceList(a.shape[axis++], s as Slice | null) });
  }
  const shape = outAxes.map((ax) => (ax.kind === "new" ? 1 : ax.list.length));
  const out = NDArray.zeros(a.dtype, shape);
  const data = out.data as any;
  let k = 0;
  const walk = (o: number, index: number[]): void => {
    if (o === outAxes.length) {
      let p = a.offset;
      for (let i = 0; i < a.ndim; i++) p += index[i] * a.strides[i];
      data[k++] = (a.data as any)[p];
      return;
    }
    const ax = outAxes[o];
    if (ax.kind === "new") {
      walk(o + 1, index);
      return;
    }
    for (const i of ax.list) {
      const next = [...index];
      next[ax.axis] = i;
      walk(o + 1, next);
    }
  };
  walk(0, fixed);
  return out;
}

/** An NDArray 0..n-1 of a shape (distinct values make any misplaced element visible). */
export function iota(shape: readonly number[], dtype: DType = "int32"): NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const a = NDArray.zeros(dtype, shape);
  for (let i = 0; i < n; i++) (a.data as any)[i] = i;
  return a;
}
