import { type AxisChunkSpec, type ChunkSpec, chunkOffsets, normalizeChunks } from "../chunks/normalize.js";
import { type DType, itemsize } from "../dtype/dtypes.js";
import { BroadcastError, fmt, InvalidChunksError, UnknownChunksError } from "../errors.js";
import { identity } from "../kernels/core.js";
import { type RechunkAssembleParams, type RechunkPiece, rechunkAssemble } from "../kernels/join.js";
import { task } from "../kernels/registry.js";
import { blockLayer } from "./block-layer.js";
import { blockIndices, type ChunkedArray } from "./chunked-array.js";
import { planRechunk, type RechunkOptions } from "./rechunk-plan.js";

export type { RechunkOptions } from "./rechunk-plan.js";

/** The remedy for operations that need chunk sizes a boolean mask left unknown. @internal */
export const UNKNOWN_CHUNKS_FIX = "Call x.computeChunkSizes() first.";

/** True when two chunk tuples are equal (NaN equals NaN). @internal */
export function sameChunks(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): boolean {
  return a.length === b.length && a.every((c, i) => sameAxisChunks(c, b[i]));
}

function sameAxisChunks(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

function hasUnknown(chunks: readonly number[]): boolean {
  return chunks.some(Number.isNaN);
}

/**
 * Resolves a rechunk spec against the current chunks as dask does: axes missing from a dict and
 * `null` entries keep their chunks, `-1` is the whole axis, `"auto"` sizes blocks under the byte
 * limit aligned to the current chunk size.
 */
function resolveSpec(x: ChunkedArray, spec: ChunkSpec): number[][] {
  const ndim = x.ndim;
  let perAxis: (AxisChunkSpec | undefined)[];
  if (typeof spec === "number" || spec === "auto") perAxis = new Array(ndim).fill(spec);
  else if (Array.isArray(spec)) {
    if (spec.length !== ndim) {
      throw new InvalidChunksError(
        `Chunks and shape must be of the same length/dimension. Got chunks=${fmt(spec)}, shape=${fmt(x.shape)}.`,
      );
    }
    perAxis = [...spec];
  } else if (spec !== null && typeof spec === "object") {
    perAxis = new Array(ndim).fill(undefined);
    for (const [k, v] of Object.entries(spec)) {
      const n = Number(k);
      const axis = n < 0 ? n + ndim : n;
      if (!(Number.isInteger(n) && axis >= 0 && axis < ndim)) {
        throw new InvalidChunksError(
          `axis ${k} is out of bounds for array of dimension ${ndim}. Got chunks=${fmt(spec)}.`,
        );
      }
      perAxis[axis] = v as AxisChunkSpec;
    }
  } else throw new InvalidChunksError(`Unrecognised chunk spec. Got chunks=${fmt(spec)}.`);

  const resolved: AxisChunkSpec[] = perAxis.map((c, i) => (c === undefined || c === null ? x.chunks[i] : c));
  const unknown = x.chunks.map(hasUnknown);
  for (let i = 0; i < ndim; i++) {
    const c = resolved[i];
    if (unknown[i] && !(Array.isArray(c) && sameAxisChunks(c, x.chunks[i]))) {
      throw new UnknownChunksError(
        `Cannot rechunk an axis whose chunk sizes are unknown. Got chunks=${fmt(x.chunks)} (axis ${i}), requested ${fmt(c)}. ${UNKNOWN_CHUNKS_FIX}`,
      );
    }
  }
  if (unknown.some(Boolean)) {
    // normalizeChunks needs known sizes: normalise the known axes only.
    return resolved.map((c, i) =>
      unknown[i] ? [...x.chunks[i]] : normalizeChunks([c], [x.shape[i]], { dtype: x.dtype })[0],
    );
  }
  return normalizeChunks(resolved, x.shape, {
    dtype: x.dtype,
    previousChunks: x.chunksize,
  });
}

/** One piece of a new block along one axis: old block `old`, its `[start, stop)`, placed at `at`. */
interface AxisPiece {
  old: number;
  start: number;
  stop: number;
  at: number;
}

/** Per new block along one axis, the old blocks it overlaps (dask's `old_to_new`). */
function axisPieces(oldChunks: readonly number[], newChunks: readonly number[]): AxisPiece[][] {
  if (sameAxisChunks(oldChunks, newChunks)) {
    // Unchanged axis (also the only case allowed with unknown sizes): block j is old block j.
    return newChunks.map((c, j) => [{ old: j, start: 0, stop: Number.isNaN(c) ? Number.NaN : c, at: 0 }]);
  }
  const oldOffsets = chunkOffsets(oldChunks);
  const out: AxisPiece[][] = [];
  let ob = 0;
  let pos = 0;
  for (const n of newChunks) {
    const end = pos + n;
    const pieces: AxisPiece[] = [];
    if (n === 0) {
      // An empty block still needs one (empty) input to take its dtype from.
      while (ob < oldChunks.length - 1 && oldOffsets[ob + 1] <= pos) ob++;
      const local = Math.min(pos - oldOffsets[ob], oldChunks[ob]);
      pieces.push({ old: ob, start: local, stop: local, at: 0 });
    }
    while (pos < end) {
      while (oldOffsets[ob + 1] <= pos) ob++;
      const stop = Math.min(end, oldOffsets[ob + 1]);
      pieces.push({ old: ob, start: pos - oldOffsets[ob], stop: stop - oldOffsets[ob], at: pos - (end - n) });
      pos = stop;
    }
    out.push(pieces);
  }
  return out;
}

/**
 * A new array with the same values and a different block grid. Each new block is assembled from the
 * old blocks it overlaps in one task (pieces cut and placed directly); a new block that is exactly
 * an old one is an alias. When one such stage would make too many tasks or need too much memory in
 * one task (the old blocks it reads plus the block it writes), the rechunk goes through intermediate
 * chunkings planned by `planRechunk` (dask's `plan_rechunk` plus a per-task memory check).
 *
 * @param chunks Anything `normalizeChunks` accepts: a block length, one entry per axis (`null`
 *   keeps an axis, `-1` is the whole axis), `"auto"`, explicit per-axis sizes, or a dict by axis
 *   such as `{ 0: -1, 1: 100, 2: "auto" }` (axes not named keep their chunks).
 * @param options Planner limits; an explicit `memoryLimit` makes a rechunk no plan fits throw
 *   `InvalidChunksError` at build time.
 *
 * @example
 * ```ts
 * const x = ca.ones([1000, 1000, 1000], { chunks: 256 });
 * const y = ca.rechunk(x, { 0: -1, 1: 100, 2: "auto" });
 * y.chunksize; // [1000, 100, 167]
 * ```
 * @see dask.array.rechunk
 */
export function rechunk<D extends DType>(
  x: ChunkedArray<D>,
  chunks: ChunkSpec,
  options: RechunkOptions = {},
): ChunkedArray<D> {
  const newChunks = resolveSpec(x, chunks);
  if (sameChunks(newChunks, x.chunks)) return x;
  let out = x;
  for (const stage of planRechunk(x.chunks, newChunks, itemsize(x.dtype), options))
    out = rechunkStage(out, stage);
  return out;
}

/** One stage: every block of `newChunks` assembled in one task from the old blocks it overlaps. */
function rechunkStage<D extends DType>(x: ChunkedArray<D>, newChunks: number[][]): ChunkedArray<D> {
  if (sameChunks(newChunks, x.chunks)) return x;
  const perAxis = newChunks.map((c, i) => axisPieces(x.chunks[i], c));
  return blockLayer("rechunk", null, [x], newChunks, x.dtype, (idx, key) => {
    const axisLists = idx.map((b, ax) => perAxis[ax][b]);
    if (axisLists.every((l, ax) => l.length === 1 && isWholeBlock(l[0], x.chunks[ax]))) {
      return task(identity, key, [x.key(axisLists.map((l) => l[0].old))]);
    }
    const deps: string[] = [];
    const pieces: RechunkPiece[] = [];
    for (const combo of blockIndices(axisLists.map((l) => l.length))) {
      const parts = combo.map((k, ax) => axisLists[ax][k]);
      deps.push(x.key(parts.map((p) => p.old)));
      pieces.push({
        start: parts.map((p) => p.start),
        stop: parts.map((p) => p.stop),
        at: parts.map((p) => p.at),
      });
    }
    const params: RechunkAssembleParams = {
      shape: idx.map((b, ax) => newChunks[ax][b]),
      dtype: x.dtype,
      pieces,
    };
    return task(rechunkAssemble, key, deps, params);
  });
}

function isWholeBlock(p: AxisPiece, oldChunks: readonly number[]): boolean {
  return p.start === 0 && p.at === 0 && (Number.isNaN(p.stop) || p.stop === oldChunks[p.old]);
}

/**
 * The common refinement of several chunkings of one axis, as dask's `common_blockdim`: when only
 * one chunking has more than one block it wins (no rechunk of the others is needed beyond
 * splitting their single block); otherwise block boundaries are merged, e.g. `[5, 2]` and `[4, 3]`
 * give `[4, 1, 2]`.
 *
 * @example
 * ```ts
 * commonBlockdim([[5, 2], [4, 3]]); // [4, 1, 2]
 * commonBlockdim([[3], [2, 1]]);    // [2, 1]
 * ```
 * @see dask.array.core.common_blockdim
 */
export function commonBlockdim(blockdims: readonly (readonly number[])[]): number[] {
  if (blockdims.length === 0) return [];
  if (blockdims.every((b) => sameAxisChunks(b, blockdims[0]))) return [...blockdims[0]];
  const nonTrivial: (readonly number[])[] = [];
  for (const b of blockdims) {
    if (b.length > 1 && !nonTrivial.some((o) => sameAxisChunks(o, b))) nonTrivial.push(b);
  }
  if (nonTrivial.length === 1) return [...nonTrivial[0]];
  if (nonTrivial.length === 0) return [...blockdims.reduce((m, b) => (b[0] > m[0] ? b : m))];
  const sums = nonTrivial.map((b) => b.reduce((s, v) => s + v, 0));
  if (sums.some(Number.isNaN)) {
    throw new UnknownChunksError(
      `Arrays' chunk sizes are unknown. Got chunks=${fmt(blockdims)}. ${UNKNOWN_CHUNKS_FIX}`,
    );
  }
  if (sums.some((s) => s !== sums[0])) {
    throw new InvalidChunksError(`Chunks do not add up to same value. Got chunks=${fmt(blockdims)}.`);
  }
  // Walk all chunkings together, cutting at every boundary of any of them (zero-length blocks dropped).
  const cuts = new Set<number>();
  for (const b of nonTrivial) for (const o of chunkOffsets(b)) cuts.add(o);
  const sorted = [...cuts].sort((a, b) => a - b);
  const out: number[] = [];
  for (let i = 1; i < sorted.length; i++) out.push(sorted[i] - sorted[i - 1]);
  return out;
}

/**
 * Throws {@link UnknownChunksError} when arrays' unknown chunk sizes on one axis (`fromEnd`: -1 is
 * the last axis) come from different selections: their lengths may differ, and matching blocks by
 * count would pair unrelated elements. The same selection (one origin) is fine.
 */
export function requireOneUnknownOrigin(arrays: readonly ChunkedArray[], fromEnd: number): void {
  const origins = new Set<string>();
  for (const a of arrays) {
    const o = a.unknownOrigins[a.ndim + fromEnd];
    if (o != null) origins.add(o);
  }
  if (origins.size > 1) {
    throw new UnknownChunksError(
      `Arrays have unknown chunk sizes from different selections (${[...origins].join(", ")}) along one axis, so their lengths may differ. Got shapes=${fmt(arrays.map((a) => a.shape))}. ${UNKNOWN_CHUNKS_FIX}`,
    );
  }
}

/** Result of {@link unifyChunks}. */
export interface UnifiedChunks {
  /** Chunks of the broadcast result, per output axis (right-aligned NumPy broadcasting). */
  readonly chunks: number[][];
  /** The inputs, rechunked where needed so their blocks line up (length-1 broadcast axes untouched). */
  readonly arrays: ChunkedArray[];
}

/**
 * Rechunks arrays so their blocks line up for a blockwise operation with NumPy broadcasting
 * (axes aligned from the right; length-1 axes broadcast and are left alone), using
 * {@link commonBlockdim} per axis.
 *
 * @example
 * ```ts
 * const { chunks, arrays: [a2, b2] } = unifyChunks(a, b); // a: [[5, 2]], b: [[4, 3]] -> [[4, 1, 2]]
 * ```
 * @see dask.array.core.unify_chunks
 */
export function unifyChunks(...arrays: readonly ChunkedArray[]): UnifiedChunks {
  const ndim = Math.max(0, ...arrays.map((a) => a.ndim));
  const chunks: number[][] = [];
  for (let ax = 0; ax < ndim; ax++) {
    const dims: (readonly number[])[] = [];
    let size = 1;
    for (const a of arrays) {
      const j = ax - (ndim - a.ndim);
      if (j < 0) continue;
      const s = a.shape[j];
      if (s === 1) continue;
      // Unknown (NaN) sizes cannot be checked here; blocks are matched by count.
      if (size !== 1 && !Number.isNaN(s) && !Number.isNaN(size) && s !== size) {
        throw new BroadcastError(
          `operands could not be broadcast together with shapes ${arrays.map((b) => fmt(b.shape)).join(" ")}. Got shapes=${fmt(arrays.map((b) => b.shape))}.`,
        );
      }
      size = s;
      dims.push(a.chunks[j]);
    }
    requireOneUnknownOrigin(arrays, ax - ndim);
    chunks.push(dims.length ? commonBlockdim(dims) : [1]);
  }
  const out = arrays.map((a) => {
    const lead = ndim - a.ndim;
    // Length-1 axes broadcast; make them one block (slicing can leave an extra empty one).
    const target = a.chunks.map((_, j) => (a.shape[j] === 1 ? [1] : chunks[j + lead]));
    return sameChunks(target, a.chunks) ? a : rechunk(a, target);
  });
  return { chunks, arrays: out };
}
