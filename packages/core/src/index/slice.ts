/**
 * The vocabulary of selections: {@link slice}, {@link newaxis}, `"..."` and `null` (a whole axis,
 * zarrita's convention). A selection is a plain array of these, so it is fully typed.
 */

/**
 * A Python slice `start:stop:step`; each part may be `null` (the default). Build with {@link slice}.
 * Values are checked when the selection is applied to an array, as in Python.
 */
export class Slice {
  readonly start: number | null;
  readonly stop: number | null;
  readonly step: number | null;

  constructor(start: number | null = null, stop: number | null = null, step: number | null = null) {
    this.start = start ?? null;
    this.stop = stop ?? null;
    this.step = step ?? null;
  }

  /**
   * `(start, stop, step)` for a sequence of `length`, exactly as CPython's `slice.indices`:
   * negative bounds count from the end, out-of-range bounds are clipped, and with a negative step
   * `stop` may be `-1` (meaning "down to and including 0").
   *
   * @example
   * ```ts
   * slice(null, null, -1).indices(5); // [4, -1, -1]
   * slice(-3, 100).indices(5);        // [2, 5, 1]
   * ```
   * @see slice.indices (Python)
   */
  indices(length: number): [start: number, stop: number, step: number] {
    return sliceIndices(this.start, this.stop, this.step, length);
  }

  /** NumPy syntax: `"1:10:2"`, `"::-1"`, `":"`. */
  toString(): string {
    const part = (v: number | null) => (v === null ? "" : String(v));
    const base = `${part(this.start)}:${part(this.stop)}`;
    return this.step === null ? base : `${base}:${this.step}`;
  }
}

/**
 * A Python-style slice, with Python's overloads: `slice(stop)`, `slice(start, stop)`,
 * `slice(start, stop, step)`; `null` (or `undefined`) leaves a part at its default.
 *
 * @example
 * ```ts
 * x.get([slice(10), slice(null, null, 2)]); // x[:10, ::2]
 * x.get([slice(-1, null, -1)]);             // x[-1::-1]
 * ```
 * @see slice (Python), numpy.s_
 */
export function slice(stop: number | null | undefined): Slice;
export function slice(
  start: number | null | undefined,
  stop: number | null | undefined,
  step?: number | null,
): Slice;
export function slice(...args: (number | null | undefined)[]): Slice {
  if (args.length <= 1) return new Slice(null, args[0] ?? null, null);
  return new Slice(args[0] ?? null, args[1] ?? null, args[2] ?? null);
}

/** Inserts a new axis of length 1 (NumPy's `np.newaxis`, written `None` in a template). */
export const newaxis: unique symbol = Symbol.for("@chunked/newaxis");
/** The type of {@link newaxis}. */
export type Newaxis = typeof newaxis;
/** The ellipsis, standing for as many whole axes as needed. */
export type Ellipsis = "...";

/**
 * One entry of a selection: an integer (drops the axis, negative counts from the end), a
 * {@link Slice}, `null` (the whole axis, `:`), {@link newaxis}, or `"..."`.
 */
export type SelectionItem = number | Slice | null | Newaxis | Ellipsis;

/** A basic-indexing selection, one entry per axis (fewer entries leave trailing axes whole). */
export type Selection = readonly SelectionItem[];

/** What a `${…}` interpolation in an index template may hold: any {@link SelectionItem}. */
export type IndexValue = SelectionItem;

/**
 * CPython's `PySlice_GetIndicesEx` on plain values: normalised `(start, stop, step)` whose
 * elements are `range(start, stop, step)`. The caller checks that `step` is a non-zero integer.
 */
export function sliceIndices(
  start: number | null,
  stop: number | null,
  step: number | null,
  length: number,
): [number, number, number] {
  const k = step ?? 1;
  const lower = k < 0 ? -1 : 0;
  const upper = k < 0 ? length - 1 : length;
  const clip = (v: number | null, dflt: number): number => {
    if (v === null) return dflt;
    if (v < 0) return Math.max(v + length, lower);
    return Math.min(v, upper);
  };
  return [clip(start, k < 0 ? upper : lower), clip(stop, k < 0 ? lower : upper), k];
}

/** Number of elements of `range(start, stop, step)` (step may be negative, never zero). */
export function rangeLength(start: number, stop: number, step: number): number {
  return step > 0
    ? stop > start
      ? Math.ceil((stop - start) / step)
      : 0
    : start > stop
      ? Math.ceil((start - stop) / -step)
      : 0;
}

/** True for a slice that selects a whole axis in order (`:` or `::1`). */
export function isFullSlice(item: unknown): boolean {
  return (
    item === null ||
    (item instanceof Slice &&
      item.start === null &&
      item.stop === null &&
      (item.step === null || item.step === 1))
  );
}
