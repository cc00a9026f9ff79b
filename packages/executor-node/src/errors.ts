/**
 * Errors the pool rejects with: core's own classes, so `isChunkedError(err, "TaskError")` works and
 * core's scheduler passes them through unwrapped.
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
