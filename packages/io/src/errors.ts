import { StoreError } from "@chunked/core/internal";

/** Where an {@link IoError} happened, and what caused it. */
export interface IoErrorOptions {
  /** The file, directory or URL involved. */
  readonly file?: string;
  /** The dataset or array path inside it. */
  readonly dataset?: string;
  /** The underlying error. */
  readonly cause?: unknown;
}

/** Why an IO operation failed; one value per failure the user can act on. */
export type IoErrorReason =
  /** The file, directory or URL does not exist or cannot be opened. */
  | "not-found"
  /** The file exists but has no dataset/array at the given path. */
  | "no-dataset"
  /** The dataset's dtype has no \@chunked equivalent (strings, compounds, int64 by default, float16). */
  | "dtype"
  /** The dataset needs a compression filter this build cannot decode (HDF5 lzf, blosc, ...). */
  | "filter"
  /** A region or block does not fit the dataset's shape. */
  | "region"
  /** The file is not in the expected format, is truncated, or a chunk cannot be decoded. */
  | "corrupt"
  /** A path inside a store is not allowed (a `.` or `..` segment, not a string). */
  | "path"
  /** The target already exists and `overwrite` was not set. */
  | "exists"
  /** A write or finish after `finish()`/`abort()`. */
  | "closed"
  /** Writing failed (disk full, permissions, encoder error). */
  | "write";

/**
 * Every failure of `@chunked/io`: a core `StoreError` (code `"StoreError"`) with a `reason`,
 * and the `file` (path or URL) and `dataset` (path inside it) involved.
 *
 * @example
 * ```ts
 * try { await openHdf5Dataset("a.h5", "/missing"); }
 * catch (err) { if (err instanceof IoError && err.reason === "no-dataset") console.log(err.message); }
 *
 * throw new IoError("no-dataset", "No dataset /x in a.h5.", { file: "a.h5", dataset: "/x" });
 * ```
 */
export class IoError extends StoreError {
  /** The file, directory or URL involved. */
  readonly file?: string;
  /** The dataset or array path inside the file. */
  readonly dataset?: string;

  constructor(
    readonly reason: IoErrorReason,
    message: string,
    options: IoErrorOptions = {},
  ) {
    super(message, options.file, options.cause === undefined ? undefined : { cause: options.cause });
    this.file = options.file;
    this.dataset = options.dataset;
  }
}

/** `"file" (dataset "/x")` for messages. */
export function where(file: string | undefined, dataset?: string): string {
  const f = file === undefined ? "<memory>" : JSON.stringify(file);
  return dataset === undefined ? f : `${f}, dataset ${JSON.stringify(dataset)}`;
}

/** The innermost line of an HDF5 error stack ("truncated file: eof = ..."), else the message itself. */
export function causeText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const lines = text.split("\n").filter((l) => /#\d+:/.test(l));
  const last = lines.at(-1);
  if (!last) return text.split("\n")[0];
  const m = /\(\): (.*)$/.exec(last);
  return (m ? m[1] : last).trim();
}
