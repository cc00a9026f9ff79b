/**
 * One error hierarchy with stable codes. Message format:
 * `<NumPy/dask wording>. Got <name>=<value>[, expected <…>].[ <one-line fix>]`
 */

export type ErrorCode =
  | "InvalidChunksError"
  | "InvalidSelectionError"
  | "BroadcastError"
  | "DTypeError"
  | "InvalidArgumentError"
  | "TaskError"
  | "AbortError"
  | "StoreError"
  | "UnsupportedError"
  | "UnknownChunksError"
  | "WorkerExitError"
  | "UnclonableParamError"
  | "UnknownKernelError";

/** Base class of every error thrown by \@chunked. Narrow with {@link isChunkedError}. */
export abstract class ChunkedError extends Error {
  abstract readonly code: ErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Chunks that do not add up to the shape, or a chunk spec that cannot be read. */
export class InvalidChunksError extends ChunkedError {
  readonly code = "InvalidChunksError" as const;
  override readonly name = "InvalidChunksError";
}

/** An index or slice that does not fit the array (out of bounds, zero step, too many indices). */
export class InvalidSelectionError extends ChunkedError {
  readonly code = "InvalidSelectionError" as const;
  override readonly name = "InvalidSelectionError";
}

/** Shapes that cannot be broadcast together. */
export class BroadcastError extends ChunkedError {
  readonly code = "BroadcastError" as const;
  override readonly name = "BroadcastError";
}

/** A dtype that an operation does not accept. */
export class DTypeError extends ChunkedError {
  readonly code = "DTypeError" as const;
  override readonly name = "DTypeError";
}

/** Any other argument out of its expected range or shape. */
export class InvalidArgumentError extends ChunkedError {
  readonly code = "InvalidArgumentError" as const;
  override readonly name = "InvalidArgumentError";
}

/** A task failed while running; `key` names the block, `kernel` the operation, `cause` the original error. */
export class TaskError extends ChunkedError {
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

/** The computation was cancelled through its AbortSignal. */
export class AbortError extends ChunkedError {
  readonly code = "AbortError" as const;
  override readonly name = "AbortError";
}

/** Reading from or writing to a store failed. */
export class StoreError extends ChunkedError {
  readonly code = "StoreError" as const;
  override readonly name = "StoreError";
  constructor(
    message: string,
    readonly path?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A feature that is not supported (yet), named in `feature`. */
export class UnsupportedError extends ChunkedError {
  readonly code = "UnsupportedError" as const;
  override readonly name = "UnsupportedError";
  constructor(
    readonly feature: string,
    message?: string,
  ) {
    super(message ?? `${feature} is not supported`);
  }
}

/** An operation needs chunk sizes that are only known after computing (NaN chunks). */
export class UnknownChunksError extends ChunkedError {
  readonly code = "UnknownChunksError" as const;
  override readonly name = "UnknownChunksError";
}

/**
 * A pool's worker went away while it held the task: it exited or crashed (out of memory, an error
 * escaping a kernel), its script failed to load, it was stuck in an aborted task and was replaced,
 * or the pool was closed. `cause` holds the platform's error when there is one.
 */
export class WorkerExitError extends ChunkedError {
  readonly code = "WorkerExitError" as const;
  override readonly name = "WorkerExitError";
}

/** A task parameter that cannot be sent to a worker (a function, a symbol), named with the fix. */
export class UnclonableParamError extends ChunkedError {
  readonly code = "UnclonableParamError" as const;
  override readonly name = "UnclonableParamError";
}

/**
 * A task names a kernel id that is not registered where it runs: a user kernel whose module was not
 * imported there (every worker must import it), or a misspelt id.
 */
export class UnknownKernelError extends ChunkedError {
  readonly code = "UnknownKernelError" as const;
  override readonly name = "UnknownKernelError";
  /** The kernel id that was looked up. */
  readonly kernel: string;
  constructor(kernel: string, message: string) {
    super(message);
    this.kernel = kernel;
  }
}

/** The error class of each code (what {@link isChunkedError} narrows to). */
export type ErrorByCode = {
  InvalidChunksError: InvalidChunksError;
  InvalidSelectionError: InvalidSelectionError;
  BroadcastError: BroadcastError;
  DTypeError: DTypeError;
  InvalidArgumentError: InvalidArgumentError;
  TaskError: TaskError;
  AbortError: AbortError;
  StoreError: StoreError;
  UnsupportedError: UnsupportedError;
  UnknownChunksError: UnknownChunksError;
  WorkerExitError: WorkerExitError;
  UnclonableParamError: UnclonableParamError;
  UnknownKernelError: UnknownKernelError;
};

/** True when `err` is a \@chunked error, optionally one of the given codes. */
export function isChunkedError<C extends ErrorCode>(err: unknown, ...codes: C[]): err is ErrorByCode[C] {
  return err instanceof ChunkedError && (codes.length === 0 || (codes as string[]).includes(err.code));
}

/** Formats a value for an error message: arrays as `[5, 6]`, strings quoted, NaN as `nan`. */
export function fmt(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(fmt).join(", ")}]`;
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" && Number.isNaN(value)) return "nan";
  if (value === null) return "null";
  if (typeof value === "object") {
    return `{${Object.entries(value as object)
      .map(([k, v]) => `${k}: ${fmt(v)}`)
      .join(", ")}}`;
  }
  return String(value);
}

/**
 * Throws when an options argument is not an object. Catches NumPy's positional dtype,
 * `NDArray.from(v, "int32")`, which would otherwise be ignored and give float64.
 */
export function checkOptionsObject(options: unknown, fn: string): void {
  if (typeof options === "object" && options !== null && !Array.isArray(options)) return;
  const hint = typeof options === "string" ? ` Pass the dtype as an option: { dtype: ${fmt(options)} }.` : "";
  throw new InvalidArgumentError(`${fn}: options must be an object. Got options=${fmt(options)}.${hint}`);
}
