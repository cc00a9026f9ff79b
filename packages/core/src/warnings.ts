/**
 * NumPy's floating-point and reduction warnings (`RuntimeWarning`s): what a kernel noticed while
 * computing a result NumPy would have warned about. Warnings never change results.
 *
 * Kernels call {@link emitWarning}; whoever runs the kernel (the in-process executor, a pool
 * worker) catches them with {@link collectWarnings} and hands them, with the task's key, to the
 * compute's `onWarning`. A warning emitted outside any compute (an eager `nd` op) goes to the
 * global handler ({@link setWarningHandler}).
 * @module
 */

/**
 * What went wrong, as NumPy's floating-point error kinds and the messages of its reductions:
 * - `"divide"`: a finite value divided by zero (or `log(0)`): `divide by zero encountered in divide`.
 * - `"invalid"`: NaN made from non-NaN values (`0/0`, `sqrt(-1)`, `inf - inf`), or a float that
 *   does not fit an integer cast: `invalid value encountered in sqrt`.
 * - `"overflow"`: a finite result too large for its dtype: `overflow encountered in multiply`,
 *   `overflow encountered in cast`, `overflow encountered in reduce`.
 * - `"empty-slice"`: `Mean of empty slice.` (mean over an empty axis, nanmean of an all-NaN slice).
 * - `"all-nan-slice"`: `All-NaN slice encountered` (nanmin/nanmax of an all-NaN slice).
 * - `"dof"`: `Degrees of freedom <= 0 for slice` (var/std with `ddof` >= the count).
 */
export type WarningCategory = "divide" | "invalid" | "overflow" | "empty-slice" | "all-nan-slice" | "dof";

/** One warning, as NumPy would have printed it. */
export interface ChunkedWarning {
  readonly category: WarningCategory;
  /** NumPy's wording, e.g. `"divide by zero encountered in divide"`. */
  readonly message: string;
  /** The operation that warned, by NumPy's name (`"divide"`, `"sqrt"`, `"cast"`, `"mean"`). */
  readonly op: string;
  /** The key of the task (block) that warned first, when it came from a compute. */
  readonly key?: string;
}

/** Receives warnings. */
export type WarningHandler = (warning: ChunkedWarning) => void;

/** What a compute does with warnings: a handler, or `"ignore"` to drop them. */
export type WarningOption = WarningHandler | "ignore";

const printed = new Set<string>();

const ignore: WarningHandler = () => {};

/**
 * The default handler: prints each distinct warning once per process with `console.warn`, as
 * Python's default filter shows a `RuntimeWarning` once per place.
 */
export const warnOnce: WarningHandler = (w) => {
  const kind = `${w.category}\u0000${w.message}`;
  if (printed.has(kind)) return;
  printed.add(kind);
  console.warn(`RuntimeWarning: ${w.message}${w.key === undefined ? "" : ` (task ${w.key})`}`);
};

let globalHandler: WarningHandler = warnOnce;

/**
 * Sets the handler of warnings that a compute without an `onWarning` option (or an eager op)
 * produces; `undefined` restores the default ({@link warnOnce}). Returns the previous handler.
 *
 * @example
 * ```ts
 * const seen: ChunkedWarning[] = [];
 * setWarningHandler((w) => seen.push(w));
 * await x.divide(0).compute(); // seen: [{ category: "divide", message: "divide by zero encountered in divide", op: "divide", key: "…" }]
 * ```
 * @see numpy.seterrcall
 */
export function setWarningHandler(handler: WarningHandler | undefined): WarningHandler {
  const previous = globalHandler;
  globalHandler = handler ?? warnOnce;
  return previous;
}

/** The handler {@link setWarningHandler} set (or the default). */
export function warningHandler(): WarningHandler {
  return globalHandler;
}

/** Where {@link emitWarning} sends warnings while a kernel runs. */
type Sink = (category: WarningCategory, message: string, op: string) => void;

let sink: Sink | undefined;

/**
 * Reports a warning from inside a kernel: to the task running it, or to the global handler when
 * no task is running (an eager op).
 */
export function emitWarning(category: WarningCategory, message: string, op: string): void {
  if (sink) sink(category, message, op);
  else globalHandler({ category, message, op });
}

/**
 * Runs `fn` (a kernel call) with its warnings sent to `to`. Only the synchronous part of `fn` is
 * covered: warnings an asynchronous kernel emits after an `await` go to the global handler.
 */
export function collectWarnings<T>(to: Sink, fn: () => T): T {
  const previous = sink;
  sink = to;
  try {
    return fn();
  } finally {
    sink = previous;
  }
}

/** Runs a task's kernel call with its warnings sent to `onWarning`, stamped with the task's `key`. */
export function runCollectingWarnings<T>(key: string, onWarning: WarningHandler, fn: () => T): T {
  return collectWarnings((category, message, op) => onWarning({ category, message, op, key }), fn);
}

/**
 * The warning reporter of one compute: each distinct warning (category, op, message) reaches
 * `option` once, with the key of the first task that produced it. `undefined` uses the global handler.
 */
export function computeWarnings(option: WarningOption | undefined): WarningHandler {
  if (option === "ignore") return ignore;
  const seen = new Set<string>();
  return (w) => {
    const id = `${w.category}\u0000${w.op}\u0000${w.message}`;
    if (seen.has(id)) return;
    seen.add(id);
    (option ?? globalHandler)(w);
  };
}
