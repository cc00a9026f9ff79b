/**
 * User kernels: `defineKernel` (a function named by module specifier + export name, so worker
 * pools can load it), `mapBlocks`, `blockwise` (index notation) and `mapOverlap` (ghost cells),
 * plus block access: `blocks` (a view of the block grid) and `iterBlocks` (computed blocks, one
 * at a time).
 *
 * A plain function is accepted too: it is registered under an `inline:` id that exists only in
 * this process, so it runs on the in-process executor; computing it on a pool fails before any
 * task runs, with the fix in the message.
 */
import { chunkOffsets } from "../chunks/normalize.js";
import { type DType, isDType } from "../dtype/dtypes.js";
import { fmt, InvalidArgumentError } from "../errors.js";
import type { Key, Param } from "../graph/task.js";
import { identity, subgraph } from "../kernels/core.js";
import { type RechunkAssembleParams, type RechunkPiece, rechunkAssemble } from "../kernels/join.js";
import { type Kernel, defineKernel as register, task } from "../kernels/registry.js";
import { INLINE_PREFIX, type UserMapParams, userMap } from "../kernels/user.js";
import type { NDArray } from "../ndarray/ndarray.js";
import { Slice } from "../index/slice.js";
import { blockLayer, normalizeOneAxis, requireKnownChunks } from "./block-layer.js";
import { blockIndices, ChunkedArray } from "./chunked-array.js";
import { type ComputeOptions, compute } from "./compute.js";
import { pad } from "./select.js";
import { commonBlockdim, rechunk, unifyChunks } from "./rechunk.js";

/** A user kernel: a function of the input blocks and literal params that returns one block. */
export type UserKernelFn<P = any> = (blocks: NDArray[], params: P) => NDArray | Promise<NDArray>;

/** Where a kernel lives, so a worker can import it: the module's URL and the export's name. */
export interface KernelLocation {
  /** The module's specifier, usually `import.meta.url`. */
  readonly module: string | URL;
  /** The name the kernel is exported under. */
  readonly name: string;
}

/** A registered user kernel: its id is `<module>#<name>`. */
export interface UserKernel<P = any> {
  readonly id: string;
  readonly module: string;
  readonly name: string;
  readonly fn: UserKernelFn<P>;
}

/**
 * Registers a kernel for `mapBlocks`, `blockwise` and `mapOverlap`, named by its module and export
 * so that worker pools can load it: export the result from a module and list that module in the
 * pool's `modules` option; importing the module registers the kernel in every worker.
 *
 * @example
 * ```ts
 * // my-kernels.ts
 * export const smooth = defineKernel({ module: import.meta.url, name: "smooth" }, ([b]) => nd.multiply(b, 0.5));
 * // main.ts
 * const pool = new NodePool({ modules: [new URL("./my-kernels.js", import.meta.url)] });
 * await mapBlocks(smooth, x).compute({ executor: pool });
 * ```
 */
export function defineKernel<P = any>(location: KernelLocation, fn: UserKernelFn<P>): UserKernel<P> {
  const module = location?.module instanceof URL ? location.module.href : location?.module;
  if (typeof module !== "string" || module.length === 0) {
    throw new InvalidArgumentError(
      `defineKernel needs the kernel's module specifier. Got module=${fmt(location?.module)}, expected a string or URL such as import.meta.url.`,
    );
  }
  if (typeof location.name !== "string" || !/^[A-Za-z_$][\w$]*$/.test(location.name)) {
    throw new InvalidArgumentError(
      `defineKernel needs the name the kernel is exported under. Got name=${fmt(location.name)}, expected an identifier.`,
    );
  }
  if (typeof fn !== "function") {
    throw new InvalidArgumentError(`defineKernel needs a function. Got fn=${fmt(typeof fn)}.`);
  }
  const id = `${module}#${location.name}`;
  register(id, fn as Kernel);
  return { id, module, name: location.name, fn };
}

let inlineCount = 0;
const inlineIds = new WeakMap<object, string>();

/** The registry id of a kernel argument; plain functions get an in-process-only id. */
function kernelIdOf(kernel: UserKernel | UserKernelFn, caller: string): string {
  if (typeof kernel === "function") {
    let id = inlineIds.get(kernel);
    if (!id) {
      id = `${INLINE_PREFIX}${kernel.name || "anonymous"}-${inlineCount++}`;
      register(id, kernel as Kernel);
      inlineIds.set(kernel, id);
    }
    return id;
  }
  if (kernel && typeof kernel === "object" && typeof kernel.id === "string") return kernel.id;
  throw new InvalidArgumentError(
    `${caller} needs a kernel from defineKernel() or a function. Got kernel=${fmt(typeof kernel)}.`,
  );
}

/** Options of {@link mapBlocks}. */
export interface MapBlocksOptions {
  /** Result dtype. Default: the first array's. */
  dtype?: DType;
  /**
   * Result chunks: one list of block lengths per output axis, or one block shape for every block.
   * Default: the (broadcast) input chunks with `dropAxis` removed and `newAxis` inserted.
   */
  chunks?: readonly (readonly number[])[] | readonly number[];
  /** Input axes the kernel removes (rechunked to one block first). */
  dropAxis?: number | readonly number[];
  /** Output positions of axes the kernel adds (length 1 unless `chunks` says otherwise). */
  newAxis?: number | readonly number[];
  /** Literal parameters passed to the kernel (plain data: numbers, strings, arrays, TypedArrays). */
  params?: Param;
  /** Add `blockId` (block index) and `blockOffset` (element offset) of the output block to the params. */
  blockInfo?: boolean;
  /** Layer name prefix. Default `"map-blocks"`. */
  name?: string;
}

function list(v: number | readonly number[] | undefined): number[] {
  return v === undefined ? [] : typeof v === "number" ? [v] : [...v];
}

/** The user's params, plus `blockId` (output block index) and `blockOffset` (where the input block starts) when asked for. */
function userParams(
  options: { params?: Param; blockInfo?: boolean },
  idx: number[],
  inIdx: number[],
  inOffsets: number[][],
): Param {
  const base = (options.params ?? {}) as Param;
  if (!options.blockInfo) return base;
  const info = { blockId: idx, blockOffset: inIdx.map((b, ax) => inOffsets[ax][b]) };
  return base !== null && typeof base === "object" && !Array.isArray(base) && !ArrayBuffer.isView(base)
    ? { ...(base as Record<string, Param>), ...info }
    : { value: base, ...info };
}

/**
 * Applies a kernel to every block (blocks of several arrays line up by broadcasting, as in
 * elementwise operations). The kernel receives `[block, ...]` and `params`; its result must match
 * the declared chunks and dtype, which is checked per block.
 *
 * @example
 * ```ts
 * const y = ca.mapBlocks(([b]) => nd.multiply(b, 2), x);          // in-process
 * const s = ca.mapBlocks(rowSums, x, { dropAxis: 1, dtype: "float64" }); // a defineKernel kernel
 * ```
 * @see dask.array.map_blocks
 */
export function mapBlocks(
  kernel: UserKernel | UserKernelFn,
  arrays: ChunkedArray | readonly ChunkedArray[],
  options: MapBlocksOptions = {},
): ChunkedArray {
  const id = kernelIdOf(kernel, "mapBlocks");
  const inputs0 = arrays instanceof ChunkedArray ? [arrays] : [...arrays];
  if (inputs0.length === 0 || inputs0.some((a) => !(a instanceof ChunkedArray))) {
    throw new InvalidArgumentError(
      `mapBlocks needs one or more ChunkedArrays. Got arrays=${fmt(inputs0.map((a) => typeof a))}.`,
    );
  }
  const dtype = options.dtype ?? inputs0[0].dtype;
  if (!isDType(dtype)) throw new InvalidArgumentError(`Unknown dtype. Got dtype=${fmt(dtype)}.`);
  const nd = Math.max(...inputs0.map((a) => a.ndim));
  const drop = list(options.dropAxis).map((a) => normalizeOneAxis(a, nd, "dropAxis"));
  // Dropped axes become one block, so each output block comes from one input block.
  const squeezed = inputs0.map((a) => {
    const lead = nd - a.ndim;
    const spec = a.chunks.map((c, j) => (drop.includes(j + lead) && c.length > 1 ? -1 : null));
    return spec.some((s) => s === -1) ? rechunk(a, spec) : a;
  });
  const { chunks: inChunks, arrays: inputs } =
    inputs0.length > 1
      ? unifyChunks(...squeezed)
      : { chunks: squeezed[0].chunks.map((c) => [...c]), arrays: squeezed };
  let outChunks: number[][] = inChunks.filter((_, ax) => !drop.includes(ax)).map((c) => [...c]);
  const added = list(options.newAxis);
  for (const pos of [...added].sort((a, b) => a - b)) {
    if (!Number.isInteger(pos) || pos < 0 || pos > outChunks.length) {
      throw new InvalidArgumentError(
        `newAxis position out of range. Got newAxis=${fmt(options.newAxis)}, expected positions in [0, ${outChunks.length}].`,
      );
    }
    outChunks.splice(pos, 0, [1]);
  }
  if (options.chunks !== undefined) {
    const c = options.chunks;
    if (c.length !== outChunks.length) {
      throw new InvalidArgumentError(
        `mapBlocks chunks must have one entry per output axis (${outChunks.length}). Got chunks=${fmt(c)}.`,
      );
    }
    outChunks = c.map((axis, ax) => {
      const n = outChunks[ax].length;
      if (typeof axis === "number") return Array(n).fill(axis);
      if (axis.length !== n) {
        throw new InvalidArgumentError(
          `mapBlocks chunks must keep the number of blocks per axis. Got chunks=${fmt(c)}, expected ${n} blocks on axis ${ax}.`,
        );
      }
      return [...axis];
    });
  }
  const inOffsets = inputs[0].chunks.map((c) => chunkOffsets(c));
  const addedSorted = [...added].sort((a, b) => a - b);
  return blockLayer(
    options.name ?? "map-blocks",
    [id, options.params ?? null, options.blockInfo ?? false, drop, added],
    inputs,
    outChunks,
    dtype,
    (idx, key) => {
      // Output block -> input block: remove the new axes, re-insert the dropped ones (block 0).
      const noNew = idx.filter((_, k) => !addedSorted.includes(k));
      const full: number[] = [];
      let j = 0;
      for (let ax = 0; ax < nd; ax++) full.push(drop.includes(ax) ? 0 : noNew[j++]);
      const deps: Key[] = inputs.map((a) => {
        const lead = nd - a.ndim;
        return a.key(a.chunks.map((c, k) => (c.length === 1 ? 0 : full[k + lead])));
      });
      const params: UserMapParams = {
        kernel: id,
        params: userParams(options, idx, deps.length ? blockIndexOf(deps[0]) : [], inOffsets),
        shape: idx.map((b, ax) => outChunks[ax][b]),
        dtype,
        caller: "mapBlocks",
      };
      return task(userMap, key, deps, params);
    },
  );
}

function blockIndexOf(key: Key): number[] {
  const tail = key.slice(key.lastIndexOf("/") + 1);
  return tail === "" ? [] : tail.split(",").map(Number);
}

/** Options of {@link blockwise}. */
export interface BlockwiseOptions {
  /** Result dtype. Default: the first array's. */
  dtype?: DType;
  /** Sizes of output indices that no input has (one block each). */
  newAxes?: Readonly<Record<string, number>>;
  /** New block length for an output index: a number for every block, or a function of the input block length. */
  adjustChunks?: Readonly<Record<string, number | ((n: number) => number)>>;
  /** Literal parameters passed to the kernel. */
  params?: Param;
  /** Layer name prefix. Default `"blockwise"`. */
  name?: string;
}

/**
 * The index-notation generalisation of {@link mapBlocks}: `out` names the output's axes, each array
 * is followed by the names of its axes. Equal names line up (chunks are unified); names missing
 * from `out` are contracted: those axes are rechunked to one block, so the kernel sees whole
 * axes (dask's `concatenate=True`). Arrays broadcast over axes they lack.
 *
 * @example
 * ```ts
 * // Per-block matrix products, summed over j by the kernel: out_ik = sum_j a_ij b_jk
 * const c = ca.blockwise(matmulKernel, "ik", a, "ij", b, "jk", { dtype: "float64" });
 * const y = ca.blockwise(([p, q]) => nd.add(p, q), "ij", x, "ij", v, "j");
 * ```
 * @see dask.array.blockwise
 */
export function blockwise(
  kernel: UserKernel | UserKernelFn,
  out: string,
  ...rest: (ChunkedArray | string | BlockwiseOptions)[]
): ChunkedArray {
  const id = kernelIdOf(kernel, "blockwise");
  const last = rest[rest.length - 1];
  const options: BlockwiseOptions =
    last !== undefined && !(last instanceof ChunkedArray) && typeof last === "object"
      ? (rest.pop() as BlockwiseOptions)
      : {};
  if (typeof out !== "string" || new Set(out).size !== out.length) {
    throw new InvalidArgumentError(
      `blockwise output indices must be a string of distinct letters. Got out=${fmt(out)}.`,
    );
  }
  if (rest.length === 0 || rest.length % 2 !== 0) {
    throw new InvalidArgumentError(
      `blockwise takes pairs of (array, indices) after the output indices. Got ${rest.length} arguments.`,
    );
  }
  const pairs: { a: ChunkedArray; ind: string }[] = [];
  for (let i = 0; i < rest.length; i += 2) {
    const a = rest[i];
    const ind = rest[i + 1];
    if (!(a instanceof ChunkedArray) || typeof ind !== "string" || ind.length !== a.ndim) {
      throw new InvalidArgumentError(
        `blockwise argument ${i / 2} must be a ChunkedArray followed by one index letter per axis. Got indices=${fmt(ind)} for an array of ${a instanceof ChunkedArray ? a.ndim : "?"} dimensions.`,
      );
    }
    pairs.push({ a, ind });
  }
  // Chunks per index letter: unified over the arrays that have it (length-1 axes broadcast).
  const letters = new Map<string, number[]>();
  for (const { a, ind } of pairs) {
    [...ind].forEach((l, ax) => {
      requireKnownChunks(a, "blockwise", [ax]);
      if (a.shape[ax] === 1 && a.chunks[ax].length === 1) return;
      const prev = letters.get(l);
      letters.set(l, prev ? commonBlockdim([prev, a.chunks[ax]]) : [...a.chunks[ax]]);
    });
  }
  for (const { ind } of pairs) for (const l of ind) if (!letters.has(l)) letters.set(l, [1]);
  const contracted = new Set([...letters.keys()].filter((l) => !out.includes(l)));
  const aligned = pairs.map(({ a, ind }) => {
    const target = [...ind].map((l, ax) =>
      a.shape[ax] === 1 ? [1] : contracted.has(l) ? [a.shape[ax]] : letters.get(l)!,
    );
    return rechunk(a, target);
  });
  const outChunks = [...out].map((l) => {
    const base = letters.get(l) ?? (options.newAxes?.[l] !== undefined ? [options.newAxes[l]] : undefined);
    if (!base) {
      throw new InvalidArgumentError(
        `blockwise output index ${fmt(l)} is on no input; give its size in newAxes. Got newAxes=${fmt(options.newAxes ?? {})}.`,
      );
    }
    const adj = options.adjustChunks?.[l];
    return adj === undefined ? [...base] : base.map((n) => (typeof adj === "number" ? adj : adj(n)));
  });
  const dtype = options.dtype ?? pairs[0].a.dtype;
  return blockLayer(
    options.name ?? "blockwise",
    [id, out, pairs.map((p) => p.ind), options.params ?? null],
    aligned,
    outChunks,
    dtype,
    (idx, key) => {
      const deps = aligned.map((a, k) =>
        a.key([...pairs[k].ind].map((l, ax) => (a.chunks[ax].length === 1 ? 0 : idx[out.indexOf(l)]))),
      );
      const params: UserMapParams = {
        kernel: id,
        params: options.params ?? {},
        shape: idx.map((b, ax) => outChunks[ax][b]),
        dtype,
        caller: "blockwise",
      };
      return task(userMap, key, deps, params);
    },
  );
}

/** Boundary handling of {@link mapOverlap}: mirrored with the edge (`reflect`), wrapped, edge value, a constant, or no ghost cells. */
export type Boundary = "reflect" | "periodic" | "nearest" | "none" | number;

/** Options of {@link mapOverlap}. */
export interface MapOverlapOptions {
  /** Ghost cells per side: one number, one per axis, or a record of axis to depth. */
  depth: number | readonly number[] | Readonly<Record<number, number>>;
  /** What lies beyond the array's edges. Default `"reflect"`. */
  boundary?: Boundary;
  /** Result dtype. Default: the input's. */
  dtype?: DType;
  /** Literal parameters passed to the kernel. */
  params?: Param;
  /** Add `blockId` and `blockOffset` (of the un-extended block) to the params. */
  blockInfo?: boolean;
}

/**
 * Runs a stencil kernel on every block extended by `depth` neighbouring elements on each side
 * (taken from the neighbouring blocks, or from the `boundary` rule at the array's edges), then
 * trims the ghost cells from the result, so the output is chunked like the input. The kernel must
 * return a block of its (extended) input's shape.
 *
 * @example
 * ```ts
 * // A 3-point moving average; blocks see one neighbour on each side.
 * const avg = ca.mapOverlap(([b]) => movingAverage3(b), x, { depth: 1, boundary: "nearest" });
 * ```
 * @see dask.array.map_overlap
 */
export function mapOverlap(
  kernel: UserKernel | UserKernelFn,
  x: ChunkedArray,
  options: MapOverlapOptions,
): ChunkedArray {
  const id = kernelIdOf(kernel, "mapOverlap");
  requireKnownChunks(x, "mapOverlap");
  const d = options?.depth;
  const depth = x.chunks.map((_, ax) => {
    const v =
      typeof d === "number"
        ? d
        : Array.isArray(d)
          ? d[ax]
          : ((d as Record<number, number> | undefined)?.[ax] ?? 0);
    if (!Number.isInteger(v) || v < 0) {
      throw new InvalidArgumentError(`depth must be non-negative integers. Got depth=${fmt(d)}.`);
    }
    return v as number;
  });
  const boundary = options.boundary ?? "reflect";
  if (!(typeof boundary === "number" || ["reflect", "periodic", "nearest", "none"].includes(boundary))) {
    throw new InvalidArgumentError(
      `boundary must be "reflect", "periodic", "nearest", "none" or a number. Got boundary=${fmt(boundary)}.`,
    );
  }
  depth.forEach((v, ax) => {
    const smallest = Math.min(...x.chunks[ax]);
    if (v > smallest && x.chunks[ax].length > 1) {
      throw new InvalidArgumentError(
        `depth must be at most the smallest block length on each axis. Got depth=${v} on axis ${ax}, smallest block ${smallest}; rechunk first.`,
      );
    }
  });
  // Pad by the boundary rule, so every block has its ghost cells in the padded array.
  const padded =
    boundary === "none"
      ? x
      : pad(
          x,
          depth.map((v) => [v, v]),
          typeof boundary === "number"
            ? { mode: "constant", constantValues: boundary }
            : { mode: boundary === "reflect" ? "symmetric" : boundary === "periodic" ? "wrap" : "edge" },
        );
  const shift = boundary === "none" ? depth.map(() => 0) : depth;
  const pOffsets = padded.offsets();
  const xOffsets = x.offsets();
  const pShape = padded.shape;
  const dtype = options.dtype ?? x.dtype;
  return blockLayer(
    "map-overlap",
    [id, depth, boundary, options.params ?? null],
    [padded],
    x.chunks,
    dtype,
    (idx, key) => {
      // The extended block in padded coordinates, clipped to the padded array ("none" at the edges).
      const lo = idx.map((b, ax) => Math.max(0, xOffsets[ax][b] + shift[ax] - depth[ax]));
      const hi = idx.map((b, ax) => Math.min(pShape[ax], xOffsets[ax][b + 1] + shift[ax] + depth[ax]));
      const { deps, pieces } = regionPieces(padded, pOffsets, lo, hi);
      const trim = idx.map(
        (b, ax) =>
          [xOffsets[ax][b] + shift[ax] - lo[ax], hi[ax] - (xOffsets[ax][b + 1] + shift[ax])] as const,
      );
      const assemble: RechunkAssembleParams = {
        shape: lo.map((v, ax) => hi[ax] - v),
        dtype: x.dtype,
        pieces,
      };
      const params: UserMapParams = {
        kernel: id,
        params: userParams(options, idx, idx, xOffsets),
        shape: idx.map((b, ax) => x.chunks[ax][b]),
        dtype,
        trim,
        caller: "mapOverlap",
      };
      return task(subgraph, key, deps, {
        steps: [
          { op: rechunkAssemble.id, params: assemble, args: deps.map((_, k) => k) },
          { op: userMap.id, params, args: [deps.length] },
        ],
      });
    },
  );
}

/** The blocks of `a` overlapping the global region `[lo, hi)`, with the piece each contributes. */
function regionPieces(
  a: ChunkedArray,
  offsets: number[][],
  lo: number[],
  hi: number[],
): { deps: Key[]; pieces: RechunkPiece[] } {
  const ranges = lo.map((l, ax) => {
    const out: number[] = [];
    for (let b = 0; b < a.chunks[ax].length; b++) {
      if (offsets[ax][b + 1] > l && offsets[ax][b] < hi[ax]) out.push(b);
    }
    return out;
  });
  const deps: Key[] = [];
  const pieces: RechunkPiece[] = [];
  for (const pick of blockIndices(ranges.map((r) => r.length))) {
    const idx = pick.map((k, ax) => ranges[ax][k]);
    deps.push(a.key(idx));
    pieces.push({
      start: idx.map((b, ax) => Math.max(lo[ax], offsets[ax][b]) - offsets[ax][b]),
      stop: idx.map((b, ax) => Math.min(hi[ax], offsets[ax][b + 1]) - offsets[ax][b]),
      at: idx.map((b, ax) => Math.max(lo[ax], offsets[ax][b]) - lo[ax]),
    });
  }
  return { deps, pieces };
}

/** One entry of a block selection: a block index (negative counts from the end) or a slice of blocks. */
export type BlockSelectionItem = number | Slice | null;

/**
 * A view of an array's block grid (dask's `x.blocks`): `get(i, j)` is the array made of block
 * `(i, j)` (same number of dimensions), slices select runs of blocks. No data moves.
 */
export class BlockView<D extends DType = DType> {
  constructor(private readonly x: ChunkedArray<D>) {}

  /** Number of blocks per axis. */
  get shape(): number[] {
    return this.x.numblocks;
  }

  /** Total number of blocks. */
  get size(): number {
    return this.x.nblocks;
  }

  /**
   * The array made of the selected blocks.
   *
   * @example
   * ```ts
   * x.blocks.get(0, -1);             // the top-right block, as a ChunkedArray
   * x.blocks.get(slice(0, 2), null); // the first two block rows
   * ```
   */
  get(...selection: BlockSelectionItem[]): ChunkedArray<D> {
    const { x } = this;
    if (selection.length > x.ndim) {
      throw new InvalidArgumentError(
        `Too many block indices. Got ${selection.length} for an array of ${x.ndim} dimensions.`,
      );
    }
    const picks = x.numblocks.map((n, ax) => {
      const s = selection[ax] ?? null;
      if (s === null) return [...Array(n).keys()];
      if (typeof s === "number") {
        const b = s < 0 ? s + n : s;
        if (!Number.isInteger(s) || b < 0 || b >= n) {
          throw new InvalidArgumentError(
            `Block index out of range. Got index ${s} on axis ${ax}, expected an integer in [${-n}, ${n - 1}].`,
          );
        }
        return [b];
      }
      if (s instanceof Slice) {
        const [start, stop, step] = s.indices(n);
        const out: number[] = [];
        for (let b = start; step > 0 ? b < stop : b > stop; b += step) out.push(b);
        return out;
      }
      throw new InvalidArgumentError(
        `Block indices must be integers, slices or null. Got ${fmt(s)} on axis ${ax}.`,
      );
    });
    const chunks = picks.map((p, ax) => p.map((b) => x.chunks[ax][b]));
    return blockLayer("blocks", picks, [x], chunks, x.dtype, (idx, key) =>
      task(identity, key, [x.key(idx.map((k, ax) => picks[ax][k]))]),
    );
  }
}

/**
 * Computes the blocks one at a time, yielding each with its block index, so a loop can consume
 * an array larger than memory. Shared upstream work is recomputed per block.
 *
 * @example
 * ```ts
 * for await (const { index, block } of ca.iterBlocks(x)) console.log(index, block.shape);
 * ```
 */
export async function* iterBlocks<D extends DType>(
  x: ChunkedArray<D>,
  options: ComputeOptions = {},
): AsyncGenerator<{ index: number[]; block: NDArray<D> }> {
  const view = new BlockView(x);
  for (const index of blockIndices(x.numblocks)) {
    const [block] = await compute([view.get(...index)], options);
    yield { index, block };
  }
}
