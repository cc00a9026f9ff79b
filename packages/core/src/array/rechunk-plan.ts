/**
 * Rechunk planning: which intermediate chunkings a rechunk goes through so that no stage makes too
 * many tasks (dask's `plan_rechunk`) and no task needs too much memory (cubed's plan-time check).
 *
 * A stage assembles each new block in one task from the whole old blocks it overlaps, so a task
 * holds those inputs plus its output: that sum is what {@link taskBytes} projects and what the
 * planner bounds.
 */
import { DEFAULT_CHUNK_BYTES } from "../chunks/normalize.js";
import { fmt, InvalidChunksError } from "../errors.js";

/** Options of `rechunk` that steer the planner. */
export interface RechunkOptions {
  /**
   * dask's `threshold`: a stage is split into several when its graph would be more than this many
   * times the number of old plus new blocks. Default 4.
   */
  threshold?: number;
  /** Largest intermediate block in bytes (dask's `block_size_limit`). Default 128 MiB. */
  blockSizeLimit?: number;
  /**
   * Most bytes one task may hold (its input blocks plus its output). When given, a rechunk that no
   * plan fits is refused with an `InvalidChunksError`. By default the limit is 64 MiB or twice the
   * largest old plus new block, whichever is larger, and a rechunk no plan fits runs in one stage.
   */
  memoryLimit?: number;
}

type Chunks = readonly (readonly number[])[];

const DEFAULT_THRESHOLD = 4;
// Narrow intermediates: the 10000² (10000, 100) -> (100, 10000) rechunk peaks at 920 MB RSS with
// 64 MiB tasks against 990 MB with 256 MiB ones, in about the same time.
const DEFAULT_TASK_BYTES = DEFAULT_CHUNK_BYTES / 2;

function product(xs: readonly number[]): number {
  let p = 1;
  for (const v of xs) p *= v;
  return p;
}

function maxOf(xs: readonly number[]): number {
  let m = 0;
  for (const v of xs) if (v > m) m = v;
  return m;
}

function sameAxis(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function sameChunks(a: Chunks, b: Chunks): boolean {
  return a.length === b.length && a.every((c, i) => sameAxis(c, b[i]));
}

function numberOfBlocks(chunks: Chunks): number {
  return product(chunks.map((c) => c.length));
}

/** Elements in the largest block. */
export function largestBlock(chunks: Chunks): number {
  return product(chunks.map(maxOf));
}

/**
 * Along one axis, the most elements of old blocks that one new block reads: the widths of all old
 * blocks it overlaps (a zero-length new block still reads one old block).
 */
function maxOverlap(oldChunks: readonly number[], newChunks: readonly number[]): number {
  if (sameAxis(oldChunks, newChunks)) return maxOf(oldChunks);
  let best = 0;
  let ob = 0;
  let oldStart = 0;
  let pos = 0;
  for (const n of newChunks) {
    const end = pos + n;
    // Skip old blocks that end at or before this new block starts.
    while (ob < oldChunks.length - 1 && oldStart + oldChunks[ob] <= pos) oldStart += oldChunks[ob++];
    let sum = n === 0 ? oldChunks[ob] : 0;
    let k = ob;
    let s = oldStart;
    while (k < oldChunks.length && s < end) {
      if (s + oldChunks[k] > pos) sum += oldChunks[k];
      s += oldChunks[k++];
    }
    if (sum > best) best = sum;
    pos = end;
  }
  return best;
}

/**
 * Projected bytes of the largest task of one rechunk stage: the old blocks it reads plus the block
 * it writes.
 */
export function taskBytes(oldChunks: Chunks, newChunks: Chunks, itemsize: number): number {
  const input = product(oldChunks.map((c, i) => maxOverlap(c, newChunks[i])));
  return itemsize * (input + largestBlock(newChunks));
}

/** dask's `estimate_graph_size`: how many pieces the old and new grids cut each other into. */
function estimateGraphSize(oldChunks: Chunks, newChunks: Chunks): number {
  return product(
    oldChunks.map((oc, i) => (sameAxis(oc, newChunks[i]) ? oc.length : oc.length + newChunks[i].length - 1)),
  );
}

/** dask's `divide_to_width`: split each chunk into the fewest near-equal parts no wider than `maxWidth`. */
export function divideToWidth(chunks: readonly number[], maxWidth: number): number[] {
  const out: number[] = [];
  for (let c of chunks) {
    const parts = Math.max(1, Math.ceil(c / Math.max(1, maxWidth)));
    for (let i = 0; i < parts; i++) {
      const n = Math.floor(c / (parts - i));
      out.push(n);
      c -= n;
    }
  }
  return out;
}

/** A binary min-heap of `[width, i, j]` compared lexicographically (dask uses `heapq` on tuples). */
class PairHeap {
  private readonly items: [number, number, number][] = [];
  private less(p: number, q: number): boolean {
    const a = this.items[p];
    const b = this.items[q];
    return a[0] !== b[0] ? a[0] < b[0] : a[1] !== b[1] ? a[1] < b[1] : a[2] < b[2];
  }
  push(item: [number, number, number]): void {
    const h = this.items;
    h.push(item);
    for (let i = h.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }
  pop(): [number, number, number] {
    const h = this.items;
    const top = h[0];
    const last = h.pop() as [number, number, number];
    if (h.length) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(l, m)) m = l;
        if (r < h.length && this.less(r, m)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

/** dask's `merge_to_number`: merge neighbours, narrowest pairs first, until at most `maxNumber` chunks. */
function mergeToNumber(chunks: readonly number[], maxNumber: number): number[] {
  if (chunks.length <= maxNumber) return [...chunks];
  const n = chunks.length;
  if (chunks.every((c) => c === chunks[0])) {
    // Homogeneous target: a regular result, as dask's fast path.
    const w = chunks[0];
    const total = n * w;
    const width = w * Math.floor(Math.floor(total / maxNumber) / w);
    const adjust = Math.floor((total - maxNumber * width) / w);
    return [...new Array(adjust).fill(width + w), ...new Array(maxNumber - adjust).fill(width)];
  }
  const widths = [...chunks];
  const heap = new PairHeap();
  for (let i = 0; i < n - 1; i++) heap.push([widths[i] + widths[i + 1], i, i + 1]);
  let merges = n - maxNumber;
  while (merges > 0) {
    const [width, i, jPopped] = heap.pop();
    let j = jPopped;
    if (widths[j] === 0) {
      // The right neighbour was merged away: pair with the next live chunk and retry.
      while (widths[j] === 0) j++;
      heap.push([widths[i] + widths[j], i, j]);
      continue;
    }
    if (widths[i] + widths[j] !== width) {
      heap.push([widths[i] + widths[j], i, j]);
      continue;
    }
    widths[i] = 0;
    widths[j] = width;
    merges--;
  }
  return widths.filter((w) => w !== 0);
}

/**
 * dask's `find_merge_rechunk`: move axes that lose blocks to the new chunks (or as far as the block
 * limit allows), the best graph reduction per block growth first.
 */
function findMergeRechunk(oldChunks: Chunks, newChunks: Chunks, blockLimit: number): [number[][], boolean] {
  const ndim = oldChunks.length;
  const oldWidth = oldChunks.map(maxOf);
  const newWidth = newChunks.map(maxOf);
  const graphEffect = oldChunks.map((oc, i) => newChunks[i].length / oc.length);
  const blockEffect = oldWidth.map((w, i) => newWidth[i] / (w || 1));
  const key = (d: number): number => {
    const bse = blockEffect[d] === 1 ? 1 + 1e-9 : blockEffect[d];
    return bse > 0 ? Math.log(graphEffect[d]) / Math.log(bse) : 0;
  };
  const candidates = [...Array(ndim).keys()]
    .filter((d) => graphEffect[d] <= 1)
    .sort((a, b) => key(a) - key(b));
  let largest = product(oldWidth);
  const chunks = oldChunks.map((c) => [...c]);
  let limitHit = false;
  for (const d of candidates) {
    const grown = (largest * newWidth[d]) / (oldWidth[d] || 1);
    if (grown <= blockLimit) {
      chunks[d] = [...newChunks[d]];
      largest = grown;
    } else {
      const width = Math.floor((blockLimit * oldWidth[d]) / largest);
      const c = divideToWidth(newChunks[d], width);
      if (c.length <= oldChunks[d].length) {
        chunks[d] = c;
        largest = (largest * maxOf(c)) / (oldWidth[d] || 1);
      }
      limitHit = true;
    }
  }
  return [chunks, limitHit];
}

/** dask's `find_split_rechunk`: split axes towards the new chunks within a graph-size budget. */
function findSplitRechunk(oldChunks: Chunks, newChunks: Chunks, graphLimit: number): number[][] {
  const chunks = oldChunks.map((c) => [...c]);
  for (let d = 0; d < oldChunks.length; d++) {
    const graphSize = estimateGraphSize(chunks, newChunks);
    if (graphSize > graphLimit) break;
    if (oldChunks[d].length > newChunks[d].length) continue;
    const maxNumber = Math.floor((oldChunks[d].length * graphLimit) / graphSize);
    const c = mergeToNumber(newChunks[d], maxNumber);
    if (c.length >= oldChunks[d].length && maxOf(c) <= maxOf(oldChunks[d])) chunks[d] = c;
  }
  return chunks;
}

/** dask's `plan_rechunk`: intermediate chunkings (then the target) that keep each stage's graph small. */
function graphPlan(
  oldChunks: Chunks,
  newChunks: Chunks,
  itemsize: number,
  threshold: number,
  blockBytes: number,
) {
  const blockLimit = Math.max(blockBytes / itemsize, largestBlock(oldChunks), largestBlock(newChunks));
  const graphThreshold = threshold * (numberOfBlocks(oldChunks) + numberOfBlocks(newChunks));
  let current: Chunks = oldChunks;
  let firstPass = true;
  const steps: Chunks[] = [];
  for (;;) {
    const graphSize = estimateGraphSize(current, newChunks);
    if (graphSize < graphThreshold) break;
    const start = firstPass ? current : findSplitRechunk(current, newChunks, graphSize * threshold);
    const [chunks, limitHit] = findMergeRechunk(start, newChunks, blockLimit);
    if ((sameChunks(chunks, current) && !firstPass) || sameChunks(chunks, newChunks)) break;
    if (!sameChunks(chunks, current)) steps.push(chunks);
    current = chunks;
    if (!limitHit) break;
    firstPass = false;
  }
  return [...steps, newChunks];
}

/** Sums consecutive runs of `k` chunks. */
function group(chunks: readonly number[], k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < chunks.length; i += k) out.push(chunks.slice(i, i + k).reduce((s, v) => s + v, 0));
  return out;
}

/**
 * An intermediate chunking C such that both A -> C and C -> B fit `limit`: per axis C starts from
 * whichever of A and B has the narrower blocks (so A -> C reads about one old block per task and
 * C -> B about one new block), then merges runs of those blocks, the axis with most blocks first,
 * while both stages still fit. `undefined` when even the finest C does not fit.
 */
function memoryIntermediate(a: Chunks, b: Chunks, itemsize: number, limit: number): number[][] | undefined {
  const base = a.map((c, i) => (maxOf(b[i]) <= maxOf(c) ? [...b[i]] : [...c]));
  const fits = (c: Chunks) => taskBytes(a, c, itemsize) <= limit && taskBytes(c, b, itemsize) <= limit;
  const k = base.map(() => 1);
  let current = base;
  if (!fits(current)) return undefined;
  const open = new Set([...base.keys()].filter((d) => base[d].length > 1));
  while (open.size) {
    const d = [...open].reduce((p, q) => (current[q].length > current[p].length ? q : p));
    const tried = current.map((c, i) => (i === d ? group(base[d], k[d] * 2) : c));
    if (!fits(tried)) {
      open.delete(d);
      continue;
    }
    k[d] *= 2;
    current = tried;
    if (current[d].length === 1) open.delete(d);
  }
  return current;
}

function describe(chunks: Chunks): string {
  return `blocks of up to ${fmt(chunks.map(maxOf))} (${fmt(chunks.map((c) => c.length))} blocks)`;
}

/**
 * The chunkings a rechunk goes through, ending with `newChunks`. Two candidate plans are made to
 * fit the per-task memory limit: dask's graph-size plan with an intermediate inserted into any
 * stage that is too large, and a memory-first plan from `oldChunks` straight to `newChunks`; the
 * one with fewer stages (then fewer tasks) wins.
 *
 * @throws InvalidChunksError when `memoryLimit` is given and no plan keeps every task within it.
 */
export function planRechunk(
  oldChunks: Chunks,
  newChunks: Chunks,
  itemsize: number,
  options: RechunkOptions = {},
): number[][][] {
  const target = newChunks.map((c) => [...c]);
  // Unknown sizes, 0-d and empty blocks: nothing to plan (dask likewise plans only known, non-empty grids).
  const trivial = (c: readonly number[]) => c.length === 0 || c.some((v) => !(v > 0));
  if (target.length === 0 || oldChunks.some(trivial) || target.some(trivial)) {
    return [target];
  }
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const blockBytes = options.blockSizeLimit ?? DEFAULT_CHUNK_BYTES;
  const strict = options.memoryLimit !== undefined;
  const limit =
    options.memoryLimit ??
    Math.max(DEFAULT_TASK_BYTES, 2 * itemsize * (largestBlock(oldChunks) + largestBlock(target)));

  const fitStages = (stages: Chunks[]): number[][][] | undefined => {
    const out: number[][][] = [];
    let from: Chunks = oldChunks;
    for (const to of stages) {
      if (taskBytes(from, to, itemsize) > limit) {
        const mid = memoryIntermediate(from, to, itemsize, limit);
        if (!mid) return undefined;
        out.push(mid);
      }
      out.push(to.map((c) => [...c]));
      from = to;
    }
    return out;
  };
  const tasks = (plan: Chunks[]) => plan.reduce((s, c) => s + numberOfBlocks(c), 0);
  const candidates = [
    fitStages(graphPlan(oldChunks, target, itemsize, threshold, blockBytes)),
    fitStages([target]),
  ]
    .filter((p): p is number[][][] => p !== undefined)
    .sort((p, q) => p.length - q.length || tasks(p) - tasks(q));
  if (candidates.length) return candidates[0];
  if (!strict) return [target];
  throw new InvalidChunksError(
    `No rechunk plan keeps every task within memoryLimit=${limit} bytes: from ${describe(oldChunks)} to ${describe(target)}, the direct rechunk needs ${taskBytes(oldChunks, target, itemsize)} bytes in one task and no intermediate chunking fits. Got memoryLimit=${limit}; raise it, or rechunk from or to smaller blocks.`,
  );
}
