/**
 * Errors the pool rejects with: core's `TaskError` (key, kernel, cause) and `AbortError`, so that
 * the scheduler passes them on unwrapped and `isChunkedError(err, "TaskError")` works.
 * @internal
 * @module
 */
import { AbortError, TaskError } from "@chunked/core";

/** `Task <key> (kernel <op>) failed: <cause message>`, with `key`, `kernel` and `cause`. */
export function taskError(key: string, kernel: string, cause: unknown): TaskError {
  return new TaskError(key, kernel, cause);
}

/** The rejection of a task whose signal aborted; `cause` is the signal's reason. */
export function abortError(key: string, signal: AbortSignal): AbortError {
  return new AbortError(`Task ${key} was aborted.`, { cause: signal.reason });
}

/**
 * A Web Worker went away while it held the task: a kernel called `self.close()`, an error escaped
 * a kernel (`cause`), the worker script failed to load, or the pool was closed.
 */
export class WorkerExitError extends Error {
  override readonly name = "WorkerExitError";
}
