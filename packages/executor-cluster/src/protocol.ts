/**
 * The names and messages a driver and its workers agree on. Everything of one compute lives under
 * keys that carry its id, so a compute can be swept and its queue obliterated on its own.
 * @internal
 * @module
 */
import { createHash } from "node:crypto";
import { kernelIds } from "@chunked/core/internal";

/** Default key prefix (also BullMQ's `prefix`). */
export const DEFAULT_PREFIX = "chunked";

/** Redis names of one compute. */
export interface ComputeKeys {
  /** Hash that exists while the compute runs: `hash` (kernel registry), `lockMs`, `stalledMs`. */
  readonly live: string;
  /** List of completion messages, consumed by the driver. */
  readonly done: string;
  /** BullMQ queue name of the compute's task batches. */
  readonly queue: string;
  /** Pub/sub channel on which workers report what they cannot write (e.g. Redis out of memory). */
  readonly events: string;
}

export function computeKeys(prefix: string, computeId: string): ComputeKeys {
  return {
    live: `${prefix}:live:${computeId}`,
    done: `${prefix}:done:${computeId}`,
    queue: `tasks-${computeId}`,
    events: `${prefix}:events:${computeId}`,
  };
}

/** Set of running compute ids. */
export const computesKey = (prefix: string) => `${prefix}:computes`;
/** Pub/sub channel announcing computes: `start <id>` / `end <id>`. */
export const computesChannel = (prefix: string) => `${prefix}:computes`;
/** A worker's registration (JSON {@link WorkerInfo}), kept alive by a heartbeat. */
export const workerKey = (prefix: string, workerId: string) => `${prefix}:worker:${workerId}`;

/** What a worker registers. */
export interface WorkerInfo {
  readonly id: string;
  readonly hash: string;
  readonly threads: number;
  readonly host: string;
  readonly pid: number;
}

/** A worker's registration expires this long after its last heartbeat. */
export const WORKER_TTL_MS = 5000;

/** Kernels made from plain functions (`mapBlocks(fn)`): they exist in one process only, and never travel. */
const INLINE_PREFIX = "inline:";

/**
 * Identifies the kernel registry of this process: a hash of the registered kernel ids (user kernels
 * are named by module specifier and export). A driver and a worker agree when they imported the
 * same kernel modules (core's, and the user's, under the same specifiers).
 */
export function registryHash(): string {
  const ids = kernelIds().filter((id) => !id.startsWith(INLINE_PREFIX));
  return createHash("sha256").update(ids.join("\n")).digest("hex").slice(0, 16);
}

/** Job id of a batch: the compute id and the key of its first task (BullMQ ids may not contain ':'). */
export function jobId(computeId: string, taskKey: string): string {
  return `${computeId}|${taskKey}`;
}

/**
 * A batch of tasks, msgpack-encoded in a job. Inputs of task i are `inputs[inStart[i]..inStart[i+1]]`:
 * an index >= 0 names `chunks` (encoded chunks carried inline), a negative index `-1 - j` names
 * `keys[j]` in the chunk store.
 */
export interface BatchMessage {
  readonly tasks: readonly { readonly key: string; readonly op: string; readonly params?: unknown }[];
  readonly inStart: readonly number[];
  readonly inputs: readonly number[];
  readonly chunks: readonly Uint8Array[];
  readonly keys: readonly string[];
}

/** An error as it crosses the network. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

/** The outcome of one task: its chunk inline, or the store key holding it; or the kernel's error. */
export type TaskOutcome =
  | { readonly key: string; readonly ms: number; readonly chunk: Uint8Array }
  | { readonly key: string; readonly ms: number; readonly stored: string }
  | { readonly key: string; readonly ms: number; readonly error: WireError };

/** One entry of a compute's completion list: the outcomes of one batch. */
export interface CompletionMessage {
  readonly worker: string;
  readonly outcomes: readonly TaskOutcome[];
}

/** What a worker publishes on {@link ComputeKeys.events} when it cannot report through the list. */
export interface WorkerEvent {
  readonly worker: string;
  readonly error: WireError;
}

/** Chunks up to this size travel inside messages; larger ones through the chunk store. */
export const INLINE_MAX_BYTES = 64 * 1024;

export function toWireError(e: unknown): WireError {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: "Error", message: `Non-error thrown: ${String(e)}` };
}

/** Rebuilds an error from the network; its stack is the worker's. */
export function fromWireError(w: WireError): Error {
  const err = new Error(w.message);
  err.name = w.name;
  if (w.stack !== undefined) err.stack = w.stack;
  return err;
}
