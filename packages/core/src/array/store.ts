import { chunkOffsets } from "../chunks/normalize.js";
import { fmt, InvalidArgumentError, isChunkedError, StoreError } from "../errors.js";
import { blockKey, type Task } from "../graph/task.js";
import { tokenize } from "../graph/tokenize.js";
import {
  type ArrayTarget,
  type CompletableTarget,
  type Region,
  registerLocal,
  releaseLocal,
  type SourceDescriptor,
  storeWrite,
} from "../kernels/source.js";
import { task } from "../kernels/registry.js";
import { DTYPE_INFO } from "../dtype/dtypes.js";
import { type NDArray, shapeSize } from "../ndarray/ndarray.js";
import { blockIndices, ChunkedArray } from "./chunked-array.js";
import { type ComputeOptions, computeBlocks } from "./compute.js";
import { astype } from "./elementwise.js";
import { InProcessExecutor } from "../schedule/in-process.js";

export interface StoreOptions extends ComputeOptions {
  /**
   * Where each array goes inside its target: one `[start, stop]` (or `[start, stop, step]`) per axis.
   * Default: the whole target, whose shape must then equal the array's.
   */
  regions?: readonly (
    | readonly (readonly [number, number] | readonly [number, number, number])[]
    | undefined
  )[];
  /**
   * Serialise the writes into each target (dask's `lock=True`, needed for HDF5). Default `true`.
   * Zarr targets with chunk-aligned blocks can take `false`.
   */
  lock?: boolean;
  /**
   * Complete the targets that can be completed (those with `finish()`, e.g. `createHdf5Dataset`
   * and `createZarr` targets) once every block is written, and `abort()` them on failure.
   * Default `true`; pass `false` to write into a target over several `store` calls, then call
   * its `finish()` yourself.
   */
  finish?: boolean;
}

/** What {@link store} wrote. */
export interface StoreResult {
  /** Blocks written, over all targets. */
  readonly blocks: number;
  /** Bytes written, over all targets. */
  readonly bytes: number;
}

function isCompletable(target: ArrayTarget): target is CompletableTarget {
  const t = target as Partial<CompletableTarget>;
  return typeof t.finish === "function" && typeof t.abort === "function";
}

/** Serialises writes into one target: each write starts when the previous one has finished. */
function locked(target: ArrayTarget): ArrayTarget {
  let tail: Promise<void> = Promise.resolve();
  return {
    shape: target.shape,
    dtype: target.dtype,
    chunks: target.chunks,
    write(region, block) {
      const next = tail.then(() => target.write(region, block));
      tail = next.then(
        () => undefined,
        () => undefined,
      );
      return next;
    },
  };
}

/**
 * Writes arrays into targets (anything with `shape`, `dtype` and a region `write`), block by block as
 * blocks are computed: the whole result is never held in memory. Blocks are cast to the target's
 * dtype. Targets with `finish()`/`abort()` are finished on success and aborted on failure (see
 * {@link StoreOptions.finish}). On failure the error says how many blocks had been written.
 *
 * @example
 * ```ts
 * const target = await createHdf5Dataset("out.h5", "/x", { shape: x.shape, dtype: x.dtype, chunks: x.chunksize });
 * await ca.store(x, target);
 * ```
 * @see dask.array.store
 */
export async function store(
  arrays: ChunkedArray | readonly ChunkedArray[],
  targets: ArrayTarget | readonly ArrayTarget[],
  options: StoreOptions = {},
): Promise<StoreResult> {
  const sources = arrays instanceof ChunkedArray ? [arrays] : [...arrays];
  const outs = Array.isArray(targets) ? [...(targets as readonly ArrayTarget[])] : [targets as ArrayTarget];
  if (sources.length !== outs.length) {
    throw new InvalidArgumentError(
      `store needs one target per array. Got ${sources.length} arrays and ${outs.length} targets.`,
    );
  }
  const useLock = options.lock ?? true;
  const inProcess = options.executor === undefined || options.executor instanceof InProcessExecutor;
  const descriptors: SourceDescriptor[] = [];
  const tasks: Task[] = [];
  const layers: ChunkedArray[] = [];
  let bytesWritten = 0;
  let blocksWritten = 0;
  /** Bytes of each block written through its target's descriptor (maybe on another thread). */
  const delegated: number[] = [];
  let computing = false;
  try {
    sources.forEach((source, i) => {
      const target = outs[i];
      if (typeof target?.write !== "function" || !Array.isArray(target.shape)) {
        throw new InvalidArgumentError(
          `store target ${i} needs shape, dtype and write(region, block). Got ${fmt(typeof target)}.`,
        );
      }
      const region = (options.regions?.[i] ?? target.shape.map((n) => [0, n] as const)).map(
        (r) => [r[0], r[1], r[2] ?? 1] as const,
      );
      const regionShape = region.map(([a, b, s]) => Math.max(0, Math.ceil((b - a) / s)));
      if (
        region.length !== target.shape.length ||
        region.some(([a, b], ax) => a < 0 || b > target.shape[ax])
      ) {
        throw new InvalidArgumentError(
          `store region ${i} does not fit its target. Got region=${fmt(region)}, target shape=${fmt(target.shape)}.`,
        );
      }
      if (regionShape.length !== source.ndim || regionShape.some((n, ax) => n !== source.shape[ax])) {
        throw new InvalidArgumentError(
          `store: array ${i} and its target region differ in shape. Got array shape=${fmt(source.shape)}, region shape=${fmt(regionShape)}.`,
        );
      }
      const x = source.dtype === target.dtype ? source : astype(source, target.dtype);
      // Counting here (not after compute) lets a failure report what already reached the target.
      // In-process, a target that stores behind our back is waited for by its finish(), below.
      const write =
        inProcess && (options.finish ?? true) && isCompletable(target) && target.writeBehind
          ? target.writeBehind.bind(target)
          : target.write.bind(target);
      const counted: ArrayTarget = {
        shape: target.shape,
        dtype: target.dtype,
        async write(r: Region, block: NDArray) {
          await write(r, block);
          blocksWritten++;
          bytesWritten += block.nbytes;
        },
      };
      const descriptor = registerLocal(useLock ? locked(counted) : counted);
      descriptors.push(descriptor);
      const name = `store-${tokenize(x.name, descriptor, region)}`;
      const offsets = x.chunks.map(chunkOffsets);
      const itemsize = DTYPE_INFO[target.dtype].itemsize;
      for (const idx of blockIndices(x.numblocks)) {
        const blockRegion: Region = idx.map((b, ax) => {
          const [start, , step] = region[ax];
          return [
            start + offsets[ax][b] * step,
            start + offsets[ax][b + 1] * step - (step - 1),
            step,
          ] as const;
        });
        // A block that is one whole storage chunk is written where it is computed (a pool's
        // worker) when the target says how to reopen it there; the others here, in order.
        // In-process every write is here, through the target (and its writeBehind).
        const remote = !inProcess && !useLock && target.descriptor && isOneChunk(blockRegion, target);
        if (remote)
          delegated.push(shapeSize(blockRegion.map(([a, b, s]) => Math.ceil((b - a) / s))) * itemsize);
        tasks.push(
          task(storeWrite, blockKey(name, idx), [x.key(idx)], {
            target: remote ? target.descriptor! : descriptor,
            region: blockRegion,
          }),
        );
      }
      layers.push(x);
    });
    const sink = ChunkedArray.fromLayer(
      { name: `store-${tokenize(tasks.map((t) => t.key))}`, tasks, dependencies: layers.map((l) => l.name) },
      layers,
      [[tasks.length]],
      "float64",
    );
    // The sink's "blocks" are the store tasks themselves: compute exactly those keys.
    computing = true;
    await computeBlocks([new StoreSink(sink, tasks)], options);
    // Blocks written on other threads are known written once the compute succeeded.
    blocksWritten += delegated.length;
    for (const bytes of delegated) bytesWritten += bytes;
    delegated.length = 0;
    if (options.finish ?? true) for (const t of new Set(outs)) if (isCompletable(t)) await t.finish();
    return { blocks: blocksWritten, bytes: bytesWritten };
  } catch (err) {
    // A bad argument leaves the targets as they were; a failed write abandons them.
    if (computing && (options.finish ?? true)) {
      await Promise.allSettled([...new Set(outs)].filter(isCompletable).map((t) => t.abort()));
    }
    if (isChunkedError(err, "InvalidArgumentError", "DTypeError", "BroadcastError")) throw err;
    // Blocks written by workers are not counted one by one: then the count is a lower bound.
    const atLeast = delegated.length > 0 ? "at least " : "";
    throw new StoreError(
      `store failed after writing ${atLeast}${blocksWritten} of ${tasks.length} blocks (${bytesWritten} bytes); the targets are incomplete: ${err instanceof Error ? err.message : String(err)}`,
      undefined,
      { cause: err },
    );
  } finally {
    for (const d of descriptors) releaseLocal(d);
  }
}

/**
 * True when `region` is exactly one storage chunk of `target` (step 1, from a chunk's first
 * element to its last or to the target's end): written alone, it needs no read of the chunk and
 * no lock against another block.
 */
function isOneChunk(region: Region, target: ArrayTarget): boolean {
  const chunks = target.chunks;
  if (!chunks || chunks.length !== region.length) return false;
  return region.every(
    ([a, b, step], d) =>
      step === 1 && a % chunks[d] === 0 && b === Math.min(a + chunks[d], target.shape[d]) && b > a,
  );
}

/** A view of the store layer whose keys are the store tasks (not a block grid). */
class StoreSink extends ChunkedArray {
  constructor(
    inner: ChunkedArray,
    private readonly storeTasks: readonly Task[],
  ) {
    super(inner.name, inner.chunks, inner.dtype, inner.layers);
  }
  override keys(): string[] {
    return this.storeTasks.map((t) => t.key);
  }
}
