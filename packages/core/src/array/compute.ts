import { chunkOffsets, parseBytes } from "../chunks/normalize.js";
import { DTYPE_INFO, type DType } from "../dtype/dtypes.js";
import { optimize } from "../optimize/optimize.js";
import type { Key, Task } from "../graph/task.js";
import { isLocalTask } from "../kernels/source.js";
import { literal } from "../kernels/core.js";
import { getKernel, task } from "../kernels/registry.js";
import { checkOptionsObject, fmt, InvalidArgumentError } from "../errors.js";
import { copyInto, NDArray, shapeSize } from "../ndarray/ndarray.js";
import type { Executor } from "../schedule/executor.js";
import { defaultExecutor, InProcessExecutor } from "../schedule/in-process.js";
import { inlineKernelOf } from "../kernels/user.js";
import { type ProgressEvent, runGraph } from "../schedule/scheduler.js";
import { computeWarnings, runCollectingWarnings, type WarningOption } from "../warnings.js";
import { blockLayer } from "./block-layer.js";
import { blockIndices, type ChunkedArray } from "./chunked-array.js";
import { blockRegion } from "./creation.js";

/** Options of `compute`, `persist`, `store` and the io writers: where and how the graph runs. */
export interface ComputeOptions {
  /** Where tasks run (default: in-process, on the calling thread). */
  executor?: Executor;
  /** Cancels the computation. */
  signal?: AbortSignal;
  /** Called as tasks finish: done/total tasks, bytes of chunks held. */
  onProgress?: (event: ProgressEvent) => void;
  /** Optimise the graph first (cull, fusion). Default `true`. */
  optimize?: boolean;
  /** Most tasks in flight at once (default twice the executor's concurrency). */
  maxInFlight?: number;
  /**
   * Memory budget of the run: bytes of chunks held plus the expected outputs of the tasks running
   * (each kernel's mean output so far), as a number of bytes or a size such as `"512 MB"`. No new
   * task starts while starting it would go over the budget, so a pool does not read ahead more
   * blocks than fit; one task always runs, so a budget below one chunk still finishes. Default: no
   * budget (the executor's concurrency alone bounds the work in flight).
   *
   * @example
   * ```ts
   * await ca.compute([x.mean()], { executor: pool, maxBytesInFlight: "512 MB" });
   * ```
   */
  maxBytesInFlight?: number | string;
  /**
   * Fail with a `TaskError` naming the task when the compute takes longer than this many ms
   * (a number), or per task and for the whole compute (`{ task, total }`). The running tasks are
   * aborted; a pool replaces a worker stuck in one. A synchronous in-process kernel cannot be
   * interrupted: use a pool for work that may hang.
   */
  timeout?:
    | number
    | {
        /** Most milliseconds one task may run. */
        task?: number;
        /** Most milliseconds the whole compute may run. */
        total?: number;
      };
  /**
   * What to do with NumPy's warnings (`divide by zero encountered in divide`, `Mean of empty
   * slice.`, …; see {@link ChunkedWarning}): a function receiving each distinct warning once per
   * compute, with the key of the first block that produced it, or `"ignore"`. Default: the handler
   * of {@link setWarningHandler}, which prints each kind once per process with `console.warn`.
   * Warnings never change results; they come from pool workers too.
   */
  onWarning?: WarningOption;
  /**
   * A `Profiler` to record this compute into: per task its start, end, worker and bytes, and the
   * bytes held over time (dask's `Profiler` and `ResourceProfiler`). Draw it with `profileSvg`.
   */
  profile?: {
    /** The executor that runs and records each task. */
    wrap(executor: Executor): Executor;
    /** Records the bytes held over time. */
    readonly onProgress: (event: ProgressEvent) => void;
  };
}

/** Whether `value` is an object whose members `names` are functions. */
function hasFunctions(value: unknown, ...names: string[]): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    names.every((name) => typeof (value as Record<string, unknown>)[name] === "function")
  );
}

/** Throws an InvalidArgumentError naming the first option that is not of its expected kind. */
function checkComputeOptions(options: ComputeOptions): {
  timeout: { task?: number; total?: number } | undefined;
  maxBytesInFlight: number | undefined;
} {
  checkOptionsObject(options, "compute");
  const bad = (name: string, expected: string): never => {
    const value = (options as Record<string, unknown>)[name];
    const shown =
      typeof value === "object" && value !== null ? Object.prototype.toString.call(value) : fmt(value);
    throw new InvalidArgumentError(
      `Invalid compute option ${name}. Got ${name}=${shown}, expected ${expected}.`,
    );
  };
  const {
    executor,
    signal,
    onProgress,
    optimize,
    maxInFlight,
    maxBytesInFlight,
    timeout,
    onWarning,
    profile,
  } = options;
  if (executor !== undefined && !(hasFunctions(executor, "run") && executor.concurrency >= 1)) {
    bad("executor", "an Executor (run(task, inputs) and a concurrency >= 1), e.g. a NodePool");
  }
  if (
    signal !== undefined &&
    !(hasFunctions(signal, "addEventListener") && typeof signal.aborted === "boolean")
  ) {
    bad("signal", "an AbortSignal");
  }
  if (onProgress !== undefined && typeof onProgress !== "function") bad("onProgress", "a function");
  if (optimize !== undefined && typeof optimize !== "boolean") bad("optimize", "true or false");
  if (onWarning !== undefined && onWarning !== "ignore" && typeof onWarning !== "function") {
    bad("onWarning", 'a function or "ignore"');
  }
  if (maxInFlight !== undefined && !(Number.isInteger(maxInFlight) && maxInFlight >= 1)) {
    bad("maxInFlight", "a positive integer");
  }
  const budget = typeof maxBytesInFlight === "string" ? parseBytes(maxBytesInFlight) : maxBytesInFlight;
  if (maxBytesInFlight !== undefined && !(typeof budget === "number" && budget >= 1)) {
    bad("maxBytesInFlight", 'a number of bytes >= 1 or a size such as "512 MB"');
  }
  if (profile !== undefined && !hasFunctions(profile, "wrap", "onProgress")) {
    bad("profile", "a Profiler (new ca.Profiler())");
  }
  return { timeout: checkTimeout(timeout, bad), maxBytesInFlight: budget };
}

function checkTimeout(
  timeout: ComputeOptions["timeout"],
  bad: (name: string, expected: string) => never,
): { task?: number; total?: number } | undefined {
  if (timeout === undefined) return undefined;
  const positive = (ms: unknown) =>
    ms === undefined || (typeof ms === "number" && ms > 0 && ms <= 2 ** 31 - 1);
  if (typeof timeout === "number") {
    if (!positive(timeout))
      bad("timeout", "a number of milliseconds > 0 (at most 2**31 - 1) or { task, total }");
    return { total: timeout };
  }
  if (
    typeof timeout !== "object" ||
    timeout === null ||
    !positive(timeout.task) ||
    !positive(timeout.total)
  ) {
    bad("timeout", "a number of milliseconds > 0 (at most 2**31 - 1) or { task, total }");
  }
  return { task: timeout.task, total: timeout.total };
}

/** Must run on this thread: its source or target lives here, or it only hands over embedded data. */
function runsHere(task: Task): boolean {
  return task.op === "core.literal" || isLocalTask(task.params);
}

/** Tasks that {@link runsHere} run here, whatever the executor. */
function withLocalTasks(executor: Executor): Executor {
  if (executor === defaultExecutor) return executor;
  return {
    get concurrency() {
      return executor.concurrency;
    },
    run(task: Task, inputs, options) {
      if (runsHere(task)) {
        const run = () => getKernel(task.op)(inputs as NDArray[], task.params);
        const onWarning = options?.onWarning;
        return onWarning ? runCollectingWarnings(task.key, onWarning, run) : run();
      }
      return executor.run(task, inputs, options);
    },
    retain: (chunk) => executor.retain?.(chunk),
    release: (chunk) => executor.release?.(chunk),
  };
}

/**
 * Passes each output task the view of the caller's result its block goes to (`into`), for an
 * executor that {@link Executor.writesInto}: its workers write the block there, so the calling
 * thread neither copies it nor touches the result's fresh pages.
 */
function withPlacedOutputs(executor: Executor, into: (key: Key) => NDArray | undefined): Executor {
  return {
    get concurrency() {
      return executor.concurrency;
    },
    writesInto: true,
    run(task, inputs, options) {
      const view = into(task.key);
      return executor.run(task, inputs, view ? { ...options, into: view } : options);
    },
    retain: (chunk) => executor.retain?.(chunk),
    release: (chunk) => executor.release?.(chunk),
  };
}

/** Runs the graphs of several arrays as one (shared work runs once) and returns each block by key. */
export async function computeBlocks(
  arrays: readonly ChunkedArray[],
  options: ComputeOptions = {},
): Promise<Map<Key, NDArray>> {
  return runArrays(arrays, options);
}

/**
 * {@link computeBlocks}, handing each output block to `onOutput` as it is computed (see runGraph);
 * `into` (given only for an executor that {@link Executor.writesInto}) names where an output block
 * may be written (see {@link withPlacedOutputs}).
 */
async function runArrays(
  arrays: readonly ChunkedArray[],
  options: ComputeOptions,
  onOutput?: (key: Key, block: NDArray) => boolean,
  into?: (key: Key) => NDArray | undefined,
): Promise<Map<Key, NDArray>> {
  const { timeout, maxBytesInFlight } = checkComputeOptions(options);
  const graph = new Map<Key, Task>();
  for (const a of arrays)
    for (const layer of a.layers.values()) for (const t of layer.tasks) graph.set(t.key, t);
  const outputs = [...new Set(arrays.flatMap((a) => a.keys()))];
  const optimized =
    options.optimize === false
      ? graph
      : optimize(graph, outputs, { keepSeparate: (t) => isLocalTask(t.params) });
  if (options.executor && !(options.executor instanceof InProcessExecutor)) {
    for (const t of optimized.values()) {
      const inline = inlineKernelOf(t.op, t.params);
      if (inline) {
        throw new InvalidArgumentError(
          `A plain function cannot run on this executor (it exists only in this process). Got kernel ${inline} in task ${t.key}. Export it from a module with defineKernel({ module: import.meta.url, name: "<export name>" }, fn) and list that module in the pool's modules option, or compute in-process.`,
        );
      }
    }
  }
  const { profile, onProgress } = options;
  const given: Executor = options.executor ?? defaultExecutor;
  const executor = withLocalTasks(into ? withPlacedOutputs(given, into) : given);
  return runGraph(optimized, outputs, {
    executor: profile ? profile.wrap(executor) : executor,
    signal: options.signal,
    onProgress:
      profile && onProgress
        ? (event) => {
            profile.onProgress(event);
            onProgress(event);
          }
        : (profile?.onProgress ?? onProgress),
    maxInFlight: options.maxInFlight,
    maxBytesInFlight,
    timeout,
    onWarning: computeWarnings(options.onWarning),
    onOutput,
  });
}

/** How long the memory of a shared result the caller dropped waits to be the next result, in ms. */
const SHARED_RESULT_GRACE_MS = 2000;

/** A shared result handed out: the caller's buffer (weakly) and a second handle on its memory. */
interface SharedResult {
  readonly caller: WeakRef<SharedArrayBuffer>;
  readonly spare: SharedArrayBuffer;
}

/**
 * The memory of the shared results compute hands out (see {@link Assembly}), reused for the next
 * result of the same size once the caller has dropped one. Workers received views of that memory,
 * and their own handles keep it resident until their garbage collector runs, which nothing here
 * triggers: made fresh each time, W3 on a pool held the previous run's two 66 MB results through
 * the next run (bench peak RSS 658-787 MB against 518). Reused, it is held once, and its pages are
 * already touched (a fresh 66 MB result cost the workers 0.3-0.9 s of page faults under load). A
 * result dropped and not reused within {@link SHARED_RESULT_GRACE_MS} is let go.
 */
class SharedResultMemory {
  #entries: SharedResult[] = [];
  readonly #dropped = new FinalizationRegistry<SharedArrayBuffer>((spare) => {
    const timer = setTimeout(() => {
      this.#entries = this.#entries.filter((e) => e.spare !== spare);
    }, SHARED_RESULT_GRACE_MS);
    (timer as { unref?: () => void }).unref?.();
  });

  /** A buffer of `bytes` for a new result: the memory of a dropped result of that size, or fresh. */
  take(bytes: number): SharedArrayBuffer {
    let reused: SharedArrayBuffer | undefined;
    const live: SharedResult[] = [];
    for (const e of this.#entries) {
      if (e.caller.deref() !== undefined) live.push(e);
      else if (!reused && e.spare.byteLength === bytes) reused = e.spare;
    }
    const buffer = reused ?? new SharedArrayBuffer(bytes);
    // A second handle on the same memory (a clone of a SharedArrayBuffer shares it).
    const spare = structuredClone(buffer);
    live.push({ caller: new WeakRef(buffer), spare });
    this.#entries = live;
    this.#dropped.register(buffer, spare);
    return buffer;
  }
}

const sharedResults = new SharedResultMemory();

/**
 * Joins an array's blocks into one NDArray as they are computed: each block is copied into its
 * place in the result when it arrives, and the run may then drop it, so the blocks and the result
 * are not all held at once. A lone block is the result itself, and blocks of unknown (NaN) size
 * (left by boolean masks) are kept until all have arrived, since only they tell the result's shape.
 *
 * With `shared`, the result is allocated up front in shared memory and {@link into} hands out each
 * block's place in it, for an executor whose workers write blocks there themselves: such a block
 * arrives as that very view and needs no copy (W3 on a pool: the calling thread spent most of its
 * time copying two 66 MB results together, mostly first touches of fresh pages).
 */
class Assembly<D extends DType> {
  /** Whether the blocks are kept and joined at the end (see the class comment). */
  readonly keepsBlocks: boolean;
  readonly #indices: number[][];
  readonly #blockOf = new Map<Key, number[]>();
  readonly #offsets: number[][];
  #out: NDArray<D> | undefined;
  /** The views {@link into} handed out, by block key. */
  readonly #placed = new Map<Key, NDArray>();

  constructor(
    readonly array: ChunkedArray<D>,
    shared = false,
  ) {
    this.#indices = blockIndices(array.numblocks);
    this.keepsBlocks = this.#indices.length === 1 || array.chunks.some((c) => c.some(Number.isNaN));
    this.#offsets = array.chunks.map(chunkOffsets);
    for (const idx of this.#indices) this.#blockOf.set(array.key(idx), idx);
    if (shared && !this.keepsBlocks && typeof SharedArrayBuffer === "function") {
      // Every element is written (each block is placed or copied), so reused memory needs no zeroing.
      const size = shapeSize(array.shape);
      const { ctor, itemsize } = DTYPE_INFO[array.dtype];
      const data = new ctor(sharedResults.take(size * itemsize), 0, size);
      this.#out = new NDArray(array.dtype, data as NDArray<D>["data"], [...array.shape]);
    }
  }

  /** Where block `key` goes in a shared result (undefined when the result is not shared). */
  into(key: Key): NDArray | undefined {
    const out = this.#out;
    if (!out) return undefined;
    let view = this.#placed.get(key);
    if (!view)
      this.#placed.set(key, (view = out.region(blockRegion(this.#offsets, this.#blockOf.get(key)!))));
    return view;
  }

  /** The keys of the array's blocks. */
  keys(): IterableIterator<Key> {
    return this.#blockOf.keys();
  }

  /** Copies block `key` into the result unless {@link keepsBlocks}; returns whether to keep the block. */
  add(key: Key, block: NDArray): boolean {
    if (this.keepsBlocks) return true;
    // Written in place by a worker.
    if (block === this.#placed.get(key)) return false;
    this.#out ??= NDArray.zeros(this.array.dtype, this.array.shape);
    copyInto(this.#out.region(blockRegion(this.#offsets, this.#blockOf.get(key)!)), block);
    return false;
  }

  /** The key of the block that is the result itself (a lone block), else undefined. */
  get loneKey(): Key | undefined {
    return this.#indices.length === 1 ? this.array.key(this.#indices[0]) : undefined;
  }

  /** The joined array, once every block has arrived (`kept`: the blocks {@link add} kept). */
  result(kept: ReadonlyMap<Key, NDArray>): NDArray<D> {
    const a = this.array;
    if (!this.keepsBlocks) return this.#out ?? NDArray.zeros(a.dtype, a.shape);
    if (this.#indices.length === 1) {
      const only = kept.get(a.key(this.#indices[0]))!;
      return (a.chunks.some((c) => c.some(Number.isNaN)) ? only : only.reshape(a.shape)) as NDArray<D>;
    }
    // Unknown (NaN) chunk sizes: the computed blocks tell them.
    const chunks = a.chunks.map((c, ax) =>
      c.map((n, b) =>
        Number.isNaN(n) ? kept.get(a.key(a.chunks.map((_, k) => (k === ax ? b : 0))))!.shape[ax] : n,
      ),
    );
    const out = NDArray.zeros(
      a.dtype,
      chunks.map((c) => c.reduce((s, v) => s + v, 0)),
    );
    const offsets = chunks.map(chunkOffsets);
    for (const idx of this.#indices) copyInto(out.region(blockRegion(offsets, idx)), kept.get(a.key(idx))!);
    return out;
  }
}

/**
 * Computes several arrays together, sharing common work, and returns one NDArray per array.
 * On an executor whose workers share memory with this thread (a NodePool, a cross-origin isolated
 * WebPool) a result of several blocks lives in a SharedArrayBuffer the workers wrote it into; once
 * this thread drops it, a later compute may reuse that memory, so hand another thread a `copy()`.
 *
 * @example
 * ```ts
 * const [m, s] = await ca.compute([x.mean(), x.std()]);
 * ```
 * @see dask.compute
 */
export async function compute<const A extends readonly ChunkedArray[]>(
  arrays: A,
  options: ComputeOptions = {},
): Promise<{ [K in keyof A]: A[K] extends ChunkedArray<infer D> ? NDArray<D> : never }> {
  const shared = options.executor?.writesInto === true;
  const assemblies = arrays.map((a) => new Assembly(a, shared));
  const byKey = new Map<Key, Assembly<DType>[]>();
  for (const assembly of assemblies) {
    for (const key of assembly.keys()) {
      const list = byKey.get(key);
      if (list) list.push(assembly);
      else byKey.set(key, [assembly]);
    }
  }
  // A block that does not fit its place (a user kernel's wrong shape) fails the compute after the
  // run, as joining all blocks at the end did, rather than inside the scheduler.
  let misfit: unknown;
  const kept = await runArrays(
    arrays,
    options,
    (key, block) => {
      let keep = false;
      try {
        for (const assembly of byKey.get(key)!) if (assembly.add(key, block)) keep = true;
      } catch (err) {
        misfit ??= err;
        return true;
      }
      return keep;
    },
    // The first array with this block takes it in place; any other copies it from there.
    shared ? (key) => byKey.get(key)?.[0].into(key) : undefined,
  );
  if (misfit !== undefined) throw misfit;
  const results = assemblies.map((assembly) => assembly.result(kept));
  // Blocks joined into a result are dropped now: the executor may reuse their memory (a pool's
  // shared buffers go back to their workers), as for the blocks copied in as they arrived. A lone
  // block is the result itself and stays the caller's.
  const returned = new Set(assemblies.map((assembly) => assembly.loneKey));
  for (const [key, block] of kept) if (!returned.has(key)) options.executor?.release?.(block);
  return results as any;
}

/**
 * Computes the blocks and keeps them in memory as a new array whose graph is just those blocks.
 * @see dask.array.Array.persist
 */
export async function persist<D extends DType>(
  a: ChunkedArray<D>,
  options: ComputeOptions = {},
): Promise<ChunkedArray<D>> {
  const blocks = await computeBlocks([a], options);
  return blockLayer("persist", a.name, [], a.chunks, a.dtype, (idx, key) =>
    task(literal, key, [], { array: blocks.get(a.key(idx))! }),
  );
}
