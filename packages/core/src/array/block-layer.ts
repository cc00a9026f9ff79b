/**
 * The small builder every op of the coverage files uses: one task per output block, named
 * `<prefix>-<token>/<index>`, over the layers of its input arrays.
 */
import type { DType } from "../dtype/dtypes.js";
import { fmt, InvalidArgumentError, UnknownChunksError } from "../errors.js";
import { blockKey, type Key, type Param, type Task } from "../graph/task.js";
import { tokenize } from "../graph/tokenize.js";
import { blockIndices, ChunkedArray, type Layer } from "./chunked-array.js";
import { UNKNOWN_CHUNKS_FIX } from "./rechunk.js";

/** What one output block's task reads and runs. */
export interface BlockTask {
  readonly op: string;
  readonly deps: readonly Key[];
  readonly params?: Param;
}

/**
 * An array with one task per block of `chunks`, made by `task(index)`. `token` must identify the
 * computation (it names the layer); `inputs` are the arrays whose blocks the tasks read.
 */
export function blockLayer<D extends DType>(
  prefix: string,
  token: unknown,
  inputs: readonly ChunkedArray[],
  chunks: readonly (readonly number[])[],
  dtype: D,
  task: (index: number[], name: string) => BlockTask,
  extraLayers: readonly Layer[] = [],
): ChunkedArray<D> {
  const name = `${prefix}-${tokenize(
    prefix,
    inputs.map((a) => a.name),
    token,
    chunks,
    dtype,
  )}`;
  const tasks: Task[] = blockIndices(chunks.map((c) => c.length)).map((idx) => {
    const t = task(idx, name);
    return t.params === undefined
      ? { key: blockKey(name, idx), op: t.op, deps: t.deps }
      : { key: blockKey(name, idx), op: t.op, deps: t.deps, params: t.params };
  });
  const deps = new Set<string>();
  for (const l of extraLayers) deps.add(l.name);
  for (const a of inputs) deps.add(a.name);
  return ChunkedArray.fromLayer({ name, tasks, dependencies: [...deps] }, inputs, chunks, dtype, extraLayers);
}

/** A single task that is not a block of an array (a splitter table, a count): a layer of its own. */
export function singleTask(
  prefix: string,
  token: unknown,
  op: string,
  deps: readonly Key[],
  params?: Param,
): Layer {
  const name = `${prefix}-${tokenize(prefix, deps, op, token)}`;
  const dependencies = [...new Set(deps.map((k) => k.slice(0, k.lastIndexOf("/"))))];
  const task: Task =
    params === undefined ? { key: `${name}/`, op, deps } : { key: `${name}/`, op, deps, params };
  return { name, tasks: [task], dependencies };
}

/** Throws {@link UnknownChunksError} naming `computeChunkSizes()` when an axis of `x` has unknown chunk sizes. */
export function requireKnownChunks(x: ChunkedArray, what: string, axes?: readonly number[]): void {
  for (const ax of axes ?? x.chunks.map((_, i) => i)) {
    if (x.chunks[ax].some(Number.isNaN)) {
      throw new UnknownChunksError(
        `${what} needs known chunk sizes. Got chunks=${fmt(x.chunks)} (axis ${ax} unknown). ${UNKNOWN_CHUNKS_FIX}`,
      );
    }
  }
}

/** Normalises one axis argument (negative counts from the end) or throws naming `name`. */
export function normalizeOneAxis(axis: number, ndim: number, name = "axis"): number {
  const a = axis < 0 ? axis + ndim : axis;
  if (!Number.isInteger(axis) || a < 0 || a >= ndim) {
    throw new InvalidArgumentError(
      `axis ${axis} is out of bounds for array of dimension ${ndim}. Got ${name}=${fmt(axis)}, expected an integer in [${-ndim}, ${ndim - 1}].`,
    );
  }
  return a;
}

/**
 * Sums, per output block, the partials `partial(outIdx, k)` for k in `0..K-1` (same-shaped
 * blocks: partial products, counts) in a tree of at most `split` inputs per task (`linalg.sum`).
 */
export function sumPartials(
  prefix: string,
  token: unknown,
  inputs: readonly ChunkedArray[],
  outChunks: number[][],
  dtype: DType,
  K: number,
  split: number,
  partial: (outIdx: number[], k: number) => { op: string; deps: Key[]; params: any },
): ChunkedArray {
  const partChunks = [...outChunks, Array(K).fill(1)];
  let level = blockLayer(`${prefix}-partial`, token, inputs, partChunks, K === 1 ? dtype : "float64", (idx) =>
    partial(idx.slice(0, -1), idx[idx.length - 1]),
  );
  let count = K;
  while (count > 1) {
    const prev = level;
    const prevCount = count;
    count = Math.ceil(prevCount / split);
    const done = count === 1;
    level = blockLayer(
      `${prefix}-sum`,
      [token, prevCount],
      [prev],
      [...outChunks, Array(count).fill(1)],
      done ? dtype : "float64",
      (idx) => {
        const g = idx[idx.length - 1];
        const out = idx.slice(0, -1);
        return {
          op: "linalg.sum",
          deps: Array.from({ length: Math.min(split, prevCount - g * split) }, (_, j) =>
            prev.key([...out, g * split + j]),
          ),
          params: { dtype: done ? dtype : "float64" },
        };
      },
    );
  }
  // Drop the (now single-block) partial axis: alias each block.
  return blockLayer(prefix, token, [level], outChunks, dtype, (idx) => ({
    op: "core.identity",
    deps: [level.key([...idx, 0])],
  }));
}
