/**
 * The worker side of a pool: imports the kernel modules it is told to, then runs batches of tasks
 * and answers each with one message. One message carries many tasks because a message round trip
 * (~25-100 µs) costs far more than a tiny kernel. Platform-free: a transport hands it a
 * {@link WorkerScope} (`self` in a Web Worker, `parentPort` in a worker thread).
 * @internal
 * @module
 */
import { recycleStats, releaseChunk, retainChunk, runRecycling, setRecycleCap } from "../kernels/recycle.js";
import { getKernel, kernelIds } from "../kernels/registry.js";
import { copyInto, NDArray, type NDArrayLike } from "../ndarray/ndarray.js";
import { isThenable } from "../schedule/thenable.js";
import { collectWarnings } from "../warnings.js";
import { type LentBuffers, WORKER_KERNEL_CAP_BYTES, WorkerBuffers } from "./buffers.js";
import {
  BATCHES_PER_WORKER,
  BIG_BYTES,
  type BatchRequest,
  type BatchResponse,
  byteSize,
  CANCELLED,
  ChunkTableBuilder,
  compactCopy,
  type ExitMessage,
  FAILED,
  type FromWorker,
  isShared,
  OK,
  ownsWholeBuffer,
  readBatchIndex,
  readChunkTable,
  RunningCell,
  type Sharing,
  type TaskWarning,
  type ToWorker,
  toWireError,
  type WireError,
  WRITTEN,
} from "./wire.js";

/** The part of a worker's global scope (or port) the runtime uses. */
export interface WorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  /** `"message"` events carry `data`; `"error"`, `"unhandledrejection"`, `"messageerror"` are optional. */
  addEventListener(type: string, listener: (event: any) => void): void;
  /** Ends the worker (a Web Worker's `self.close()`); the runtime reports it to the pool first. */
  close(): void;
}

/** Options of {@link serve}. */
export interface ServeOptions {
  /** How this thread imports a kernel module (default: dynamic `import()`). */
  importModule?: (specifier: string) => Promise<unknown>;
  /**
   * The clock, in ms, that kernel run times are measured with; the pool sizes batches and its
   * concurrency from them. Default `performance.now`. Tests inject a clock their kernels advance.
   */
  clock?: () => number;
}

/** Longest stretch of kernels run without looking at incoming messages (cancellations), in ms. */
const YIELD_MS = 10;

function checkResult(out: unknown, op: string): NDArrayLike {
  if (out instanceof NDArray) return out;
  if (out !== null && typeof out === "object" && ArrayBuffer.isView((out as NDArrayLike).data))
    return out as NDArrayLike;
  throw new TypeError(`Kernel ${JSON.stringify(op)} returned ${String(out)}, expected an NDArray.`);
}

/**
 * Writes a kernel's output into `into`, its place in the caller's shared result, when it fits
 * (same dtype and shape; otherwise it travels as usual and the caller reports the misfit). The
 * copy and the first touch of the result's pages happen here, spread over the workers, instead of
 * on the calling thread.
 */
function writeInto(into: NDArray, out: NDArrayLike): boolean {
  if (out.dtype !== into.dtype || out.shape.length !== into.shape.length) return false;
  for (let i = 0; i < out.shape.length; i++) if (out.shape[i] !== into.shape[i]) return false;
  copyInto(into, NDArray.revive(out));
  return true;
}

/**
 * Gives the memory of a kernel's output that was copied for the pool back to this thread's free
 * lists: nothing here uses it any more. Only buffers recycle.ts made are taken (never an input's).
 */
function recycleCopied(out: NDArrayLike): void {
  retainChunk(out as NDArray);
  releaseChunk(out as NDArray);
}

/**
 * A macrotask hop (not clamped like nested timers), so queued messages are handled in between.
 * Node: `setImmediate`, which runs after the event loop's poll phase has delivered every port's
 * messages. A MessageChannel hop there is handled inside the hop port's own delivery loop (up to
 * 1000 messages), so a cancel on the worker's port waited until the whole batch had run.
 * Browsers: a MessageChannel hop, a task queued behind the messages already posted to the worker.
 */
function makeYield(): () => Promise<void> {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  if (immediate) return () => new Promise<void>((resolve) => void immediate(resolve));
  const waiting: (() => void)[] = [];
  let channel: MessageChannel | undefined;
  return () =>
    new Promise<void>((resolve) => {
      if (!channel) {
        channel = new MessageChannel();
        channel.port1.onmessage = () => waiting.shift()?.();
      }
      waiting.push(resolve);
      channel.port2.postMessage(null);
    });
}

/**
 * Serves the pool protocol (pool/wire.ts) on a worker scope. Idempotent per scope.
 *
 * @example
 * ```ts
 * // A Web Worker entry that also registers your kernels:
 * import { pool } from "@chunked/core/internal";
 * import "./my-kernels.js";
 * pool.serve(self as unknown as pool.WorkerScope);
 * ```
 */
export function serve(scope: WorkerScope, options: ServeOptions = {}): void {
  const marked = scope as WorkerScope & { __chunkedServed?: boolean };
  if (marked.__chunkedServed) return;
  marked.__chunkedServed = true;
  const importModule = options.importModule ?? ((s: string) => import(/* @vite-ignore */ s));
  const clock = options.clock ?? (() => performance.now());

  let modules: readonly string[] = [];
  let sharing: Sharing = "transfer";
  let poolName = "the pool";
  let runningCell: Int32Array | undefined;
  let buffers = new WorkerBuffers(0);
  let loaded: Promise<Error | undefined> | undefined;
  const queue: BatchRequest[] = [];
  const cancelled = new Set<number>();
  /** Batches started and not answered: more than one while a batch waits on an async kernel. */
  const active = new Set<number>();
  /** Allocation counts already reported (batches that overlap must not count the same ones twice). */
  let reported = { ...recycleStats(), sharedFresh: 0, sharedReused: 0 };
  let draining = false;
  /** Run time of this thread's tasks so far (each task's own, without another's run while it awaited). */
  let busyMs = 0;
  let dead = false;
  /** The task being run, for blame if the worker goes away. */
  let runningBatch = -1;
  let runningIndex = -1;
  const yieldNow = makeYield();

  /** The batch id in each lane of the running cell (-1: free); a batch takes a lane while it runs. */
  const lanes = new Array<number>(BATCHES_PER_WORKER).fill(-1);
  const setRunning = (lane: number, batch: number, index: number): void => {
    runningBatch = batch;
    runningIndex = index;
    if (runningCell && lane >= 0) RunningCell.set(runningCell, lane, batch, index);
  };
  const post = (message: FromWorker, transfer: Transferable[] = []): void => {
    if (!dead) scope.postMessage(message, transfer);
  };
  const exit = (reason: ExitMessage["reason"], error?: unknown): void => {
    if (dead) return;
    post({
      type: "exit",
      reason,
      batch: runningBatch,
      index: runningIndex,
      ...(error !== undefined ? { error: toWireError(error) } : {}),
    });
    dead = true;
  };

  // A kernel that closes its worker ends it without any event reaching the pool: say so first.
  const nativeClose = scope.close.bind(scope);
  scope.close = () => {
    exit("close");
    nativeClose();
  };
  // An error escaping a kernel (a throwing timer, an unhandled rejection) leaves the worker in an
  // unknown state, maybe with a batch that never finishes: report it; the pool replaces the worker.
  scope.addEventListener("error", (event: ErrorEvent) => {
    exit("error", event.error ?? { name: "Error", message: event.message });
    event.preventDefault?.();
  });
  scope.addEventListener("unhandledrejection", (event: PromiseRejectionEvent) => {
    exit("error", event.reason);
    event.preventDefault?.();
  });
  scope.addEventListener("messageerror", () => {
    exit("error", new Error("A message from the pool could not be deserialized in the worker."));
  });

  async function loadModules(): Promise<Error | undefined> {
    for (const specifier of modules) {
      try {
        await importModule(specifier);
      } catch (e) {
        return new Error(
          `Could not import kernel module ${JSON.stringify(specifier)} in a worker of ${poolName}: ${e instanceof Error ? e.message : String(e)}`,
          { cause: e },
        );
      }
    }
    if (kernelIds().length === 0) {
      // Every kernel registers as a side effect of importing core; a bundler that believes those
      // modules are side-effect free drops them all.
      return new Error(
        "This worker has no kernels registered: the bundle dropped @chunked/core's kernel modules. Make sure @chunked/core's package.json lists its kernel modules under sideEffects (or that your bundler keeps them).",
      );
    }
    return undefined;
  }

  /**
   * Adds one output to the response table; big non-shared ones go in `transfer`. An output that
   * travels as a copy gives its memory back to the free lists once copied; small ones are copied
   * into the arena when the table is finished, so they are pushed on `inArena` until then.
   */
  function addOutput(
    out: NDArrayLike,
    table: ChunkTableBuilder,
    transfer: Set<ArrayBuffer>,
    inArena: NDArrayLike[],
    lent: LentBuffers,
  ): void {
    if (byteSize(out) < BIG_BYTES) {
      table.addSmall(out);
      inArena.push(out);
    } else if (isShared(out.data)) {
      // Shared memory (a view of an input): nothing to copy. Its id lets the pool recycle it.
      table.addBig(out, buffers.idOf(out.data.buffer));
    } else if (sharing === "shared") {
      // Copied into a shared buffer the pool lent (else a new one) here, in parallel, rather than
      // by the pool later when the chunk is passed on to the next task.
      const copy = compactCopy(out, true, (bytes) => buffers.allocateShared(bytes, lent));
      table.addBig(copy, buffers.idOf(copy.data.buffer));
      recycleCopied(out);
    } else if (ownsWholeBuffer(out)) {
      // A buffer only this batch knows (made by the kernel, or an input copy): hand it over as is.
      table.addBig(out);
      transfer.add(out.data.buffer as ArrayBuffer);
    } else {
      const c = compactCopy(out, false);
      table.addBig(c);
      transfer.add(c.data.buffer as ArrayBuffer);
      recycleCopied(out);
    }
  }

  /**
   * Runs a batch and answers it. `waiting` is called when a kernel returned a promise (a read): the
   * caller may start the next batch meanwhile, so a worker keeps its reads in flight together
   * instead of one at a time.
   */
  async function runBatch(req: BatchRequest, waiting: () => void): Promise<void> {
    const { id, ops, params, into } = req;
    active.add(id);
    const { n, op, inStart, inputs } = readBatchIndex(req.chunks.meta);
    // The pool sends at most BATCHES_PER_WORKER batches, so a lane is free.
    const lane = lanes.indexOf(-1);
    if (lane >= 0) lanes[lane] = id;
    setRunning(lane, id, -1);
    const loadError = await (loaded ??= loadModules());
    const lent = buffers.lend(req.lentIds, req.lent);
    const ids: number[] = [];
    const chunks = readChunkTable(req.chunks, false, ids);
    // An output that is a view of an input keeps the input's buffer id.
    for (let c = 0; c < chunks.length; c++) if (ids[c] >= 0) buffers.adopt(ids[c], chunks[c].data.buffer);
    // The response header: status[n], then ms[n].
    const header = new Float64Array(2 * n);
    const table = new ChunkTableBuilder();
    const transfer = new Set<ArrayBuffer>();
    const errors: WireError[] = [];
    const warnings: TaskWarning[] = [];
    const inArena: NDArrayLike[] = [];
    let index = 0;
    const warn = (category: TaskWarning["category"], message: string, op: string): void => {
      warnings.push({ index, category, message, op });
    };
    let lastYield = performance.now();
    for (let i = 0; i < n; i++) {
      if (dead) return;
      if (cancelled.has(id)) {
        header[i] = CANCELLED;
        continue;
      }
      setRunning(lane, id, i);
      const t0 = clock();
      const othersBefore = busyMs;
      const kernelId = ops[op[i]];
      try {
        if (loadError) throw loadError;
        const args: NDArray[] = [];
        for (let j = inStart[i]; j < inStart[i + 1]; j++) args.push(chunks[inputs[j]]);
        index = i;
        const kernel = getKernel(kernelId);
        // Kernels allocate from this thread's recycled buffers, as in-process (kernels/recycle.ts):
        // a fresh multi-MB array costs a page fault per 4 KiB, 25-35 ms per 2 MB in Chromium.
        let out: unknown = collectWarnings(warn, () => runRecycling(kernel, args, params[i]));
        if (isThenable(out)) {
          waiting();
          out = await out;
          setRunning(lane, id, i);
        }
        const result = checkResult(out, kernelId);
        const place = into ? into[i] : -1;
        if (place >= 0 && writeInto(chunks[place], result)) {
          recycleCopied(result);
          header[i] = WRITTEN;
        } else {
          addOutput(result, table, transfer, inArena, lent);
          header[i] = OK;
        }
      } catch (e) {
        errors.push(toWireError(e));
        header[i] = FAILED;
      }
      // A task that awaited a read does not count the other batch's kernels run meanwhile.
      const ms = clock() - t0 - (busyMs - othersBefore);
      busyMs += ms;
      header[n + i] = ms;
      // Let a cancel message for this batch in.
      if (performance.now() - lastYield > YIELD_MS && i + 1 < n) {
        await yieldNow();
        lastYield = performance.now();
      }
    }
    if (runningBatch === id) {
      runningBatch = -1;
      runningIndex = -1;
    }
    if (lane >= 0) {
      lanes[lane] = -1;
      if (runningCell) RunningCell.clear(runningCell, lane);
    }
    active.delete(id);
    cancelled.delete(id);
    const chunksOut = table.finish(header);
    // Where chunks are shared the arena is cloned, not transferred: once any ArrayBuffer of a thread
    // is detached, V8 checks for detachment in every typed-array loop it optimises from then on
    // (W4's fused loop: 13% slower; worker-pool.ts #send does the same for the calling thread).
    if (chunksOut.arena && sharing !== "shared") transfer.add(chunksOut.arena);
    for (const out of inArena) recycleCopied(out);
    const now = { ...recycleStats(), sharedFresh: buffers.fresh, sharedReused: buffers.reused };
    const allocations = {
      fresh: now.fresh - reported.fresh,
      reused: now.reused - reported.reused,
      sharedFresh: now.sharedFresh - reported.sharedFresh,
      sharedReused: now.sharedReused - reported.sharedReused,
    };
    reported = now;
    const unused = lent.unused();
    const response: BatchResponse = {
      type: "done",
      id,
      chunks: chunksOut,
      errors,
      ...(warnings.length > 0 ? { warnings } : {}),
      allocations,
      ...(unused.length > 0 ? { unused } : {}),
    };
    post(response, [...transfer]);
  }

  async function drain(): Promise<void> {
    draining = true;
    try {
      while (queue.length > 0 && !dead) {
        const req = queue[0];
        // A batch that waited in the message queue (this worker was busy) may have a cancel right
        // behind it: let pending messages in first. A batch that arrived on time starts at once.
        if (Date.now() - req.sentAt > 1) await yieldNow();
        queue.shift();
        // On to the next batch when this one is done or waits on a read (the pool sends a worker
        // at most two batches, so at most two overlap).
        await new Promise<void>((next) => {
          runBatch(req, next).then(next, (e) => {
            // Not a kernel error (those are per task): the batch cannot be answered, so give up the worker.
            exit("error", e);
            next();
          });
        });
      }
    } finally {
      draining = false;
    }
  }

  scope.addEventListener("message", (event: MessageEvent<ToWorker>) => {
    const msg = event.data;
    if (dead) return;
    switch (msg.type) {
      case "init":
        modules = msg.modules;
        sharing = msg.sharing;
        poolName = msg.poolName;
        runningCell = msg.running;
        buffers = new WorkerBuffers(msg.idBase);
        setRecycleCap(WORKER_KERNEL_CAP_BYTES);
        // Import the kernel modules now, not with the first batch; "ready" once they are in (a
        // module that fails is reported by every task, naming it).
        loaded ??= loadModules();
        void loaded.then(() => post({ type: "ready" }));
        break;
      case "run":
        queue.push(msg);
        if (!draining) void drain();
        break;
      case "cancel":
        // Only for batches still to come or running (a late cancel must not pile up).
        if (active.has(msg.id) || queue.some((b) => b.id === msg.id)) cancelled.add(msg.id);
        break;
    }
  });
}
