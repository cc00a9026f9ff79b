/**
 * The piscina worker: imports core's kernel registry (every built-in kernel) and the user's kernel
 * modules, then runs batches of tasks. One message carries many tasks because a message round trip
 * costs ~25-55 µs, far more than a tiny kernel.
 * @internal
 * @module
 */
import { fileURLToPath } from "node:url";
import { workerData } from "node:worker_threads";
import { allocateSharedByDefault, getKernel, NDArray, type NDArrayLike } from "@chunked/core/internal";
import { move, transferableSymbol, valueSymbol } from "piscina";
import {
  type BatchRequest,
  type BatchResponse,
  CANCELLED,
  ChunkTableBuilder,
  FAILED,
  OK,
  packChunk,
  readChunkTable,
  toWireError,
  type WireError,
  type WorkerData,
} from "./wire.js";

const { modules, control } = workerData as WorkerData;

// Loaded on the first batch rather than with top-level await, so this module also loads through a
// CommonJS TypeScript hook (`--require tsx/cjs`, the only one Node 20 applies to workers). A module
// that fails to load must not kill the worker either (piscina would stop replacing workers): every
// task reports it instead, naming the module.
let loaded: Promise<Error | undefined> | undefined;

/**
 * Under tsx's CommonJS hook (running from sources) this module was itself `require`d: load user
 * modules the same way, so they register into the same instance of core's registry.
 */
async function importModule(specifier: string): Promise<unknown> {
  if (typeof require === "function") {
    return require(specifier.startsWith("file:") ? fileURLToPath(specifier) : specifier);
  }
  return import(specifier);
}

// Kernels here allocate their outputs in shared memory: they reach the main thread without a copy.
allocateSharedByDefault(true);

async function loadModules(): Promise<Error | undefined> {
  for (const specifier of modules) {
    try {
      await importModule(specifier);
    } catch (e) {
      return new Error(
        `Could not import kernel module ${JSON.stringify(specifier)} in a worker thread: ${e instanceof Error ? e.message : String(e)}`,
        { cause: e },
      );
    }
  }
  return undefined;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && typeof v === "object" && typeof (v as { then?: unknown }).then === "function";
}

function checkResult(out: unknown, op: string): NDArrayLike {
  if (out instanceof NDArray) return out;
  if (out !== null && typeof out === "object" && ArrayBuffer.isView((out as NDArrayLike).data))
    return out as NDArrayLike;
  throw new TypeError(`Kernel ${JSON.stringify(op)} returned ${String(out)}, expected an NDArray.`);
}

/** Runs the tasks of a batch in order; one task's error does not stop the others. */
export default async function runBatch(req: BatchRequest): Promise<unknown> {
  const { slot, ops, op, params, inStart, inputs } = req;
  const n = op.length;
  const loadError = await (loaded ??= loadModules());
  const chunks = readChunkTable(req.chunks, false);
  const status = new Int8Array(n);
  const ms = new Float64Array(n);
  const outputs = new ChunkTableBuilder();
  const errors: WireError[] = [];
  for (let i = 0; i < n; i++) {
    // Cancelled by the main thread (every task of the batch was aborted): skip the rest.
    if (Atomics.load(control, 2 * slot + 1) !== 0) {
      status[i] = CANCELLED;
      continue;
    }
    Atomics.store(control, 2 * slot, i);
    const t0 = performance.now();
    const id = ops[op[i]];
    try {
      if (loadError) throw loadError;
      const args: NDArray[] = [];
      for (let j = inStart[i]; j < inStart[i + 1]; j++) args.push(chunks[inputs[j]]);
      let out: unknown = getKernel(id)(args, params[i]);
      if (isThenable(out)) out = await out;
      // A large output not already in a SharedArrayBuffer is copied into one here, in parallel,
      // rather than serially on the main thread when the chunk is passed on to the next task.
      // (Kernels that allocate shared outputs skip this copy: measured 0.70x vs 1.02x on a
      // 1e8-element make-and-sum, see bench/pool.bench.ts.)
      outputs.add(packChunk(checkResult(out, id)));
      status[i] = OK;
    } catch (e) {
      errors.push(toWireError(e));
      status[i] = FAILED;
    }
    ms[i] = performance.now() - t0;
  }
  const table = outputs.finish();
  const response: BatchResponse = { status, ms, chunks: table, errors };
  // The arena of small outputs is fresh: transfer it rather than copy it.
  return move({ [transferableSymbol]: [table.arena], [valueSymbol]: response } as unknown as ArrayBuffer);
}
