import { chunkOffsets } from "../chunks/normalize.js";
import { type DType, itemsize } from "../dtype/dtypes.js";
import { blockKey, type Graph, type Key, type Task } from "../graph/task.js";
import { shapeSize } from "../ndarray/ndarray.js";

/**
 * One operation's tasks (dask's HighLevelGraph layer). Layers are immutable and shared between
 * arrays, so building an expression never copies tasks.
 */
export interface Layer {
  /** `op-token`, deterministic: equal expressions give equal names. */
  readonly name: string;
  /** One task per output block (reductions add intermediate layers of their own). */
  readonly tasks: readonly Task[];
  /** Names of the layers these tasks read from. */
  readonly dependencies: readonly string[];
}

/** All layers an array needs, by name. */
export type LayerGraph = ReadonlyMap<string, Layer>;

/**
 * A lazy, chunked N-d array: metadata (shape, dtype, chunks) plus the task graph that computes
 * its blocks. Nothing runs until `compute()`.
 *
 * @example
 * ```ts
 * const x = ca.ones([1000, 1000], { chunks: 250 });
 * const total = await x.sum().compute(); // NDArray, shape []
 * ```
 */
export class ChunkedArray<D extends DType = DType> {
  /** Name of the layer whose tasks produce this array's blocks; block keys are `${name}/i,j`. */
  readonly name: string;
  /** Block sizes per axis, dask's `chunks`: `[[1000, 1000, 500], [700]]`. `NaN` where unknown. */
  readonly chunks: readonly (readonly number[])[];
  readonly dtype: D;
  /** Every layer needed to compute this array, including its own. */
  readonly layers: LayerGraph;
  /**
   * Per axis, which selection made its chunk sizes unknown (the name of the layer that introduced
   * the `NaN`s), or `null` where they are known. Two arrays whose unknown sizes come from
   * different selections (`x.get(m1)`, `x.get(m2)`) cannot be combined blockwise until
   * `computeChunkSizes()`; the same selection twice (`x.get(m)` and `x.get(m).mul(2)`) can.
   */
  readonly unknownOrigins: readonly (string | null)[];

  constructor(
    name: string,
    chunks: readonly (readonly number[])[],
    dtype: D,
    layers: LayerGraph,
    unknownOrigins?: readonly (string | null)[],
  ) {
    this.name = name;
    this.chunks = chunks;
    this.dtype = dtype;
    this.layers = layers;
    this.unknownOrigins = unknownOrigins ?? chunks.map((c) => (c.some(Number.isNaN) ? name : null));
  }

  /** Builds an array from a new layer on top of its input arrays' graphs. */
  static fromLayer<D extends DType>(
    layer: Layer,
    inputs: readonly ChunkedArray[],
    chunks: readonly (readonly number[])[],
    dtype: D,
    extraLayers: readonly Layer[] = [],
  ): ChunkedArray<D> {
    const layers = mergeLayers(inputs);
    for (const l of extraLayers) layers.set(l.name, l);
    layers.set(layer.name, layer);
    return new ChunkedArray(layer.name, chunks, dtype, layers, inheritedOrigins(layer.name, inputs, chunks));
  }

  /**
   * This array with the unknown sizes of `axes` marked as made by a selection, not inherited from
   * an input; `origin` names the selection (a mask's layer: the same mask selects the same lengths).
   */
  withNewUnknownSizes(axes: readonly number[], origin: string = this.name): ChunkedArray<D> {
    const origins = this.unknownOrigins.map((o, ax) => (axes.includes(ax) ? origin : o));
    return new ChunkedArray(this.name, this.chunks, this.dtype, this.layers, origins);
  }

  get shape(): number[] {
    return this.chunks.map((c) => c.reduce((a, b) => a + b, 0));
  }

  get ndim(): number {
    return this.chunks.length;
  }

  get size(): number {
    return shapeSize(this.shape);
  }

  get itemsize(): number {
    return itemsize(this.dtype);
  }

  get nbytes(): number {
    return this.size * this.itemsize;
  }

  /** Number of blocks along each axis. */
  get numblocks(): number[] {
    return this.chunks.map((c) => c.length);
  }

  /** The largest block length along each axis. */
  get chunksize(): number[] {
    return this.chunks.map((c) => (c.length ? Math.max(...c) : 0));
  }

  /** Total number of blocks. */
  get nblocks(): number {
    return shapeSize(this.numblocks);
  }

  /** Key of one block. */
  key(blockIndex: readonly number[]): Key {
    return blockKey(this.name, blockIndex);
  }

  /** Keys of every block, in C order over the block grid. */
  keys(): Key[] {
    return blockIndices(this.numblocks).map((idx) => blockKey(this.name, idx));
  }

  /** Number of tasks in the (unoptimised) graph. */
  get ntasks(): number {
    let n = 0;
    for (const l of this.layers.values()) n += l.tasks.length;
    return n;
  }

  /** The whole task graph, materialised (for inspection; compute() optimises it first). */
  graph(): Graph {
    return materialize([this]);
  }

  /** Start offset of every block along each axis. */
  offsets(): number[][] {
    return this.chunks.map((c) => chunkOffsets(c));
  }

  /** A dask-like summary: shape, dtype, chunk size, number of blocks and tasks, bytes. */
  toString(): string {
    const fmtShape = (s: readonly number[]) => `(${s.join(", ")}${s.length === 1 ? "," : ""})`;
    return `chunked.array<${this.name.split("-")[0]}, shape=${fmtShape(this.shape)}, dtype=${this.dtype}, chunksize=${fmtShape(
      this.chunksize,
    )}, chunktype=NDArray, blocks=${this.nblocks}, tasks=${this.ntasks}, nbytes=${formatBytes(this.nbytes)}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

const sameSizes = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

/**
 * The origin of each unknown axis of a new layer: the input axis it lines up with (from the right,
 * as in broadcasting) when that has the same chunks; else the one origin among the inputs' axes
 * chunked alike (an axis that moved); else the layer itself.
 */
function inheritedOrigins(
  name: string,
  inputs: readonly ChunkedArray[],
  chunks: readonly (readonly number[])[],
): (string | null)[] {
  return chunks.map((c, ax) => {
    if (!c.some(Number.isNaN)) return null;
    for (const a of inputs) {
      const j = ax - (chunks.length - a.ndim);
      if (j >= 0 && a.unknownOrigins[j] !== null && sameSizes(a.chunks[j], c)) return a.unknownOrigins[j];
    }
    const alike = new Set<string>();
    for (const a of inputs) {
      a.chunks.forEach((ac, j) => {
        const o = a.unknownOrigins[j];
        if (o !== null && sameSizes(ac, c)) alike.add(o);
      });
    }
    return alike.size === 1 ? [...alike][0] : name;
  });
}

/** Union of the layers of several arrays (shared layers are kept once). */
export function mergeLayers(arrays: readonly ChunkedArray[]): Map<string, Layer> {
  if (arrays.length === 1) return new Map(arrays[0].layers);
  const out = new Map<string, Layer>();
  for (const a of arrays) for (const [k, v] of a.layers) out.set(k, v);
  return out;
}

/** The task graph of several arrays together. */
export function materialize(arrays: readonly ChunkedArray[]): Graph {
  const graph: Graph = new Map();
  for (const layer of mergeLayers(arrays).values()) for (const t of layer.tasks) graph.set(t.key, t);
  return graph;
}

/** Every index of a grid, C order. */
export function blockIndices(numblocks: readonly number[]): number[][] {
  const n = shapeSize(numblocks);
  const out = new Array<number[]>(n);
  const idx = new Array<number>(numblocks.length).fill(0);
  for (let k = 0; k < n; k++) {
    out[k] = idx.slice();
    for (let ax = numblocks.length - 1; ax >= 0; ax--) {
      if (++idx[ax] < numblocks[ax]) break;
      idx[ax] = 0;
    }
  }
  return out;
}

/** Human-readable bytes: `3.20 GB`, `7.81 kB` (decimal units like dask). */
export function formatBytes(n: number): string {
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let u = 0;
  let v = n;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(2)} ${units[u]}`;
}
