/**
 * The one layer builder of the lazy API: one task per output block, named `<prefix>-<token>/<index>`,
 * over the layers of its input arrays, each task built by the typed `task(kernel, key, deps, params)`.
 */
import type { DType } from "../dtype/dtypes.js";
import { fmt, InvalidArgumentError, UnknownChunksError } from "../errors.js";
import { blockKey, type Key, layerOf, type Task } from "../graph/task.js";
import { tokenize } from "../graph/tokenize.js";
import { identity } from "../kernels/core.js";
import { partialDType, sumKernel } from "../kernels/linalg.js";
import { type KernelRef, type ParamsArg, task } from "../kernels/registry.js";
import { blockIndices, ChunkedArray, type Layer } from "./chunked-array.js";
import { UNKNOWN_CHUNKS_FIX } from "./rechunk.js";

/**
 * An array with one task per block of `chunks`: `build(index, key, name)` makes block `index`'s task
 * with {@link task}, under `key`. `token` must identify the computation (with `prefix`, the input
 * names, the chunks and the dtype it names the layer); `inputs` are the arrays whose blocks the tasks
 * read. Every graph builder of `array/` makes its layers here.
 *
 * @example
 * ```ts
 * blockLayer("neg", null, [x], x.chunks, x.dtype, (idx, key) => task(negKernel, key, [x.key(idx)]));
 * ```
 */
export function blockLayer<D extends DType>(
  prefix: string,
  token: unknown,
  inputs: readonly ChunkedArray[],
  chunks: readonly (readonly number[])[],
  dtype: D,
  build: (index: number[], key: Key, name: string) => Task,
  extraLayers: readonly Layer[] = [],
): ChunkedArray<D> {
  const name = `${prefix}-${tokenize(
    prefix,
    inputs.map((a) => a.name),
    token,
    chunks,
    dtype,
  )}`;
  const tasks = blockIndices(chunks.map((c) => c.length)).map((idx) => build(idx, blockKey(name, idx), name));
  const deps = new Set<string>();
  for (const l of extraLayers) deps.add(l.name);
  for (const a of inputs) deps.add(a.name);
  return ChunkedArray.fromLayer({ name, tasks, dependencies: [...deps] }, inputs, chunks, dtype, extraLayers);
}

/** A single task that is not a block of an array (a splitter table, a count): a layer of its own. */
export function singleTask<P>(
  prefix: string,
  token: unknown,
  kernel: KernelRef<P>,
  deps: readonly Key[],
  ...params: ParamsArg<P>
): Layer {
  const name = `${prefix}-${tokenize(prefix, deps, kernel.id, token)}`;
  const dependencies = [...new Set(deps.map(layerOf))];
  return { name, tasks: [task(kernel, `${name}/`, deps, ...params)], dependencies };
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
 * Builds one combining task of {@link sumPartials}' tree: `deps` are the partials it reads, and
 * `leaves[i]` the range `[first, end)` of the leaf partials (values of `k`) that `deps[i]` covers.
 * `done` is true for the last level (its result is the output block).
 */
export type CombinePartials = (
  outIdx: number[],
  deps: Key[],
  leaves: [number, number][],
  key: Key,
  done: boolean,
) => Task;

/** How {@link sumPartials} combines partials when it does not sum them (in {@link partialDType}). */
export interface PartialsTree {
  /** Builds each combining task. */
  readonly combine: CombinePartials;
  /** Arrays the combining tasks also read (besides the partials). */
  readonly inputs: readonly ChunkedArray[];
  /** The dtype of the partials. */
  readonly dtype: DType;
}

/**
 * Sums, per output block, the partials `partial(outIdx, k)` for k in `0..K-1` (same-shaped
 * blocks: partial products, counts) in a tree of at most `split` inputs per task (`linalg.sum`).
 * A `tree` replaces the sum (partials that each fill a part of the block, for example).
 */
export function sumPartials(
  prefix: string,
  token: unknown,
  inputs: readonly ChunkedArray[],
  outChunks: number[][],
  dtype: DType,
  K: number,
  split: number,
  partial: (outIdx: number[], k: number, key: Key) => Task,
  tree: PartialsTree = {
    combine: (_out, deps, _leaves, key, done) =>
      task(sumKernel, key, deps, { dtype: done ? dtype : partialDType(dtype) }),
    inputs: [],
    dtype: partialDType(dtype),
  },
): ChunkedArray {
  const partChunks = [...outChunks, Array(K).fill(1)];
  let level = blockLayer(
    `${prefix}-partial`,
    token,
    inputs,
    partChunks,
    K === 1 ? dtype : tree.dtype,
    (idx, key) => partial(idx.slice(0, -1), idx[idx.length - 1], key),
  );
  let count = K;
  // Leaf partials covered by one partial of the current level.
  let span = 1;
  while (count > 1) {
    const prev = level;
    const prevCount = count;
    const prevSpan = span;
    count = Math.ceil(prevCount / split);
    span *= split;
    const done = count === 1;
    level = blockLayer(
      `${prefix}-sum`,
      [token, prevCount],
      [prev, ...tree.inputs],
      [...outChunks, Array(count).fill(1)],
      done ? dtype : tree.dtype,
      (idx, key) => {
        const g = idx[idx.length - 1];
        const out = idx.slice(0, -1);
        const children = Array.from(
          { length: Math.min(split, prevCount - g * split) },
          (_, j) => g * split + j,
        );
        return tree.combine(
          out,
          children.map((c) => prev.key([...out, c])),
          children.map((c): [number, number] => [c * prevSpan, Math.min(K, (c + 1) * prevSpan)]),
          key,
          done,
        );
      },
    );
  }
  // Drop the (now single-block) partial axis: alias each block.
  return blockLayer(prefix, token, [level], outChunks, dtype, (idx, key) =>
    task(identity, key, [level.key([...idx, 0])]),
  );
}
