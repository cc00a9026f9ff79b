import { chunkOffsets } from "../chunks/normalize.js";
import type { DType } from "../dtype/dtypes.js";
import { UnknownChunksError } from "../errors.js";
import {
  asSelection,
  expandSelection,
  formatSelection,
  type NormalizedItem,
  normalizeItem,
} from "../index/normalize.js";
import { parseIndex } from "../index/parse.js";
import { type IndexValue, isFullSlice, newaxis, type Selection, type SelectionItem } from "../index/slice.js";
import { type AxisRange, type GetitemParams, getitemRegion } from "../kernels/getitem.js";
import { task } from "../kernels/registry.js";
import { NDArray } from "../ndarray/ndarray.js";
import { type ArrayIndex, indexWithArray } from "./array-index.js";
import { blockLayer } from "./block-layer.js";
import { ChunkedArray } from "./chunked-array.js";

/** How one input axis maps to output blocks (dask's `_slice_1d`). */
export interface AxisPlan {
  /** Output block sizes along this axis (absent for an integer index: the axis is dropped). */
  readonly chunks: readonly number[];
  /** For each output block, the input block it reads. */
  readonly blocks: readonly number[];
  /** For each output block, the range inside that input block (`null`: the whole block). */
  readonly ranges: readonly AxisRange[];
}

/** Index of the block holding element `i`: the last block starting at or before `i` (skips empty blocks). */
function blockOf(offsets: readonly number[], i: number): number {
  let lo = 0;
  let hi = offsets.length - 1; // offsets[hi] is the total size, > i
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (offsets[mid] <= i) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Plans one axis of a slice across chunk boundaries. Output blocks stay aligned to input blocks,
 * so each output block reads exactly one input block; blocks that hold no selected element are
 * skipped, and with a negative step output blocks come in reverse order. An empty result is one
 * empty block (`[0]`), read from block 0.
 *
 * @example
 * ```ts
 * planAxis([15, 14, 13], { kind: "slice", axis: 0, start: 10, stop: 41, step: 3, length: 11 });
 * // { chunks: [2, 5, 4], blocks: [0, 1, 2], ranges: [[10, 14, 3], [1, 14, 3], [2, 12, 3]] }
 * ```
 * @see dask.array.slicing._slice_1d
 */
export function planAxis(
  chunks: readonly number[],
  item: NormalizedItem & { kind: "index" | "slice" },
): AxisPlan {
  const offsets = chunkOffsets(chunks);
  if (item.kind === "index") {
    const b = blockOf(offsets, item.index);
    const local = item.index - offsets[b];
    return { chunks: [], blocks: [b], ranges: [[local, local + 1, 1]] };
  }
  const { start, step, length } = item;
  if (length === 0) {
    return chunks.length === 0
      ? { chunks: [], blocks: [], ranges: [] }
      : { chunks: [0], blocks: [0], ranges: [[0, 0, 1]] };
  }
  const out: number[] = [];
  const blocks: number[] = [];
  const ranges: AxisRange[] = [];
  const last = start + (length - 1) * step;
  let i = start;
  let remaining = length;
  while (remaining > 0) {
    const b = blockOf(offsets, i);
    const lo = offsets[b];
    const hi = offsets[b + 1];
    // Elements of this block: from i towards `last`, as far as the block edge.
    const edge = step > 0 ? Math.min(last, hi - 1) : Math.max(last, lo);
    const count = Math.floor((edge - i) / step) + 1;
    const local = i - lo;
    out.push(count);
    blocks.push(b);
    ranges.push(
      step === 1 && count === hi - lo ? null : [local, local + (count - 1) * step + Math.sign(step), step],
    );
    i += count * step;
    remaining -= count;
  }
  return { chunks: out, blocks, ranges };
}

/**
 * Basic NumPy indexing of a chunked array: integers, slices (any step, negative included), `null`
 * (whole axis), `newaxis` and `"..."`. Output chunks stay aligned to the input chunks (dask's
 * rule), so every output block is one `getitem.region` task over one input block and untouched
 * blocks are never read. Out-of-bounds indices, zero steps and too many indices throw
 * {@link InvalidSelectionError} here, before any compute. An axis of unknown (NaN) chunk sizes
 * accepts only `:`.
 *
 * @example
 * ```ts
 * const x = ca.fromArray(new Float64Array(20 * 30), { shape: [20, 30], chunks: [5, 10] });
 * getitem(x, [null, slice(null, null, 2)]).chunks; // [[5, 5, 5, 5], [5, 5, 5]]
 * getitem(x, [3, slice(-1, null, -1)]).shape;      // [30]
 * ```
 * @see numpy basic indexing, dask.array.Array.__getitem__ (slicing.slice_array)
 */
export function getitem<D extends DType>(
  x: ChunkedArray<D>,
  selection: Selection | SelectionItem | ArrayIndex,
): ChunkedArray<D> {
  if (selection instanceof ChunkedArray || selection instanceof NDArray) return indexWithArray(x, selection);
  const sel = asSelection(selection);
  const expanded = expandSelection(sel, x.ndim);
  const shape = x.shape;
  const items: NormalizedItem[] = [];
  let axis = 0;
  for (const it of expanded) {
    if (it === newaxis) {
      items.push({ kind: "newaxis" });
      continue;
    }
    if (Number.isNaN(shape[axis]) && !isFullSlice(it)) {
      throw new UnknownChunksError(
        `Cannot slice axis ${axis} of unknown size (NaN chunks) with anything but ":". Got selection="${formatSelection(sel)}". Call computeChunkSizes() first.`,
      );
    }
    items.push(
      Number.isNaN(shape[axis])
        ? { kind: "slice", axis, start: 0, stop: Number.NaN, step: 1, length: Number.NaN }
        : normalizeItem(it, axis, shape[axis], sel),
    );
    axis++;
  }
  // x[...], x[:, :] and the like: the same array (dask returns self too).
  if (
    items.every(
      (it) =>
        it.kind === "slice" &&
        it.step === 1 &&
        it.start === 0 &&
        (Number.isNaN(it.length) || it.length === shape[it.axis]),
    )
  ) {
    return x;
  }

  const plans: (AxisPlan | null)[] = new Array(x.ndim); // per input axis
  const outChunks: number[][] = [];
  const outSource: (number | null)[] = []; // per output axis: its input axis, or null for a newaxis
  const drop: number[] = [];
  const newaxes: number[] = [];
  for (const it of items) {
    if (it.kind === "newaxis") {
      newaxes.push(outChunks.length);
      outChunks.push([1]);
      outSource.push(null);
      continue;
    }
    const chunks = x.chunks[it.axis];
    if (it.kind === "slice" && Number.isNaN(it.length)) {
      plans[it.axis] = { chunks, blocks: chunks.map((_, b) => b), ranges: chunks.map(() => null) };
    } else plans[it.axis] = planAxis(chunks, it);
    if (it.kind === "index") drop.push(it.axis);
    else {
      outChunks.push([...plans[it.axis]!.chunks]);
      outSource.push(it.axis);
    }
  }

  // Axes indexed by an integer read the same block and range in every task.
  const inIndex = new Array<number>(x.ndim);
  const region = new Array<AxisRange>(x.ndim);
  for (const it of items) {
    if (it.kind === "index") {
      inIndex[it.axis] = plans[it.axis]!.blocks[0];
      region[it.axis] = plans[it.axis]!.ranges[0];
    }
  }
  return blockLayer("getitem", [items, x.chunks], [x], outChunks, x.dtype, (outIndex, key) => {
    for (let o = 0; o < outIndex.length; o++) {
      const a = outSource[o];
      if (a === null) continue;
      inIndex[a] = plans[a]!.blocks[outIndex[o]];
      region[a] = plans[a]!.ranges[outIndex[o]];
    }
    const params: GetitemParams = { region: [...region], drop, newaxes };
    return task(getitemRegion, key, [x.key(inIndex)], params);
  });
}

/**
 * {@link getitem} with a NumPy-syntax tagged template, the implementation of
 * `` x.at`:, ::2, ${i}` ``.
 *
 * @example
 * ```ts
 * getitemTemplate(x, ["", ", ::2"], [t]); // x[t, ::2]
 * x.at`${t}, ..., ::${step}`;             // the method form
 * ```
 * @see parseIndex
 */
export function getitemTemplate<D extends DType>(
  x: ChunkedArray<D>,
  strings: TemplateStringsArray | readonly string[],
  values: readonly IndexValue[],
): ChunkedArray<D> {
  return getitem(x, parseIndex(strings, values));
}
