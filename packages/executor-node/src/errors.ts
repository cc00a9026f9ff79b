/**
 * Errors the pool rejects with. Core's `TaskError` / `AbortError` (errors.ts) are used when
 * `@chunked/core` exports them, so `isChunkedError(err, "TaskError")` works; until then, look-alikes
 * with the same name, code, fields and message.
 * @internal
 * @module
 */
import * as core from "@chunked/core";

type TaskErrorCtor = new (
  key: string,
  kernel: string,
  cause: unknown,
) => Error & { key: string; kernel: string };
type AbortErrorCtor = new (message: string, options?: { cause?: unknown }) => Error;

class TaskError extends Error {
  readonly code = "TaskError" as const;
  override readonly name = "TaskError";
  constructor(
    readonly key: string,
    readonly kernel: string,
    cause: unknown,
  ) {
    super(
      `Task ${key} (kernel ${kernel}) failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
  }
}

class AbortError extends Error {
  readonly code = "AbortError" as const;
  override readonly name = "AbortError";
}

const exported = core as Record<string, unknown>;
const TaskErrorClass = (exported.TaskError as TaskErrorCtor | undefined) ?? TaskError;
const AbortErrorClass = (exported.AbortError as AbortErrorCtor | undefined) ?? AbortError;

/** `Task <key> (kernel <op>) failed: <cause message>`, with `key`, `kernel` and `cause`. */
export function taskError(
  key: string,
  kernel: string,
  cause: unknown,
): Error & { key: string; kernel: string } {
  return new TaskErrorClass(key, kernel, cause);
}

/** The rejection of a task whose signal aborted; `cause` is the signal's reason. */
export function abortError(key: string, signal: AbortSignal): Error {
  return new AbortErrorClass(`Task ${key} was aborted.`, { cause: signal.reason });
}
