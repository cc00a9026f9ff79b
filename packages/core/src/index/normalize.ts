import { fmt, InvalidSelectionError, UnsupportedError } from "../errors.js";
import { newaxis, rangeLength, type Selection, type SelectionItem, Slice, sliceIndices } from "./slice.js";

/**
 * One entry of a normalised selection. Every input axis has exactly one `"index"` or `"slice"`
 * entry, in axis order; `"newaxis"` entries sit where the new axes go.
 */
export type NormalizedItem =
  /** A non-negative in-bounds integer: the axis is dropped. */
  | { readonly kind: "index"; readonly axis: number; readonly index: number }
  /**
   * `range(start, stop, step)` over the axis (CPython `slice.indices`), `length` elements.
   * With a negative step, `stop` may be -1.
   */
  | {
      readonly kind: "slice";
      readonly axis: number;
      readonly start: number;
      readonly stop: number;
      readonly step: number;
      readonly length: number;
    }
  /** A new axis of length 1. */
  | { readonly kind: "newaxis" };

/** Formats a selection in NumPy syntax for messages: `":, ::2, 3, None, ..."`. */
export function formatSelection(selection: readonly unknown[]): string {
  return selection
    .map((item) => {
      if (item === null) return ":";
      if (item === newaxis) return "None";
      if (item === "...") return "...";
      if (item instanceof Slice) return item.toString();
      if (typeof item === "number") return String(item);
      if (typeof item === "object" && item !== null && "shape" in item && "dtype" in item) {
        return `<array dtype=${String(item.dtype)} shape=${fmt(item.shape)}>`;
      }
      return fmt(item);
    })
    .join(", ");
}

function invalidItem(item: unknown, position: number, selection: readonly unknown[]): Error {
  if (Array.isArray(item) || ArrayBuffer.isView(item)) {
    return new UnsupportedError(
      "fancy indexing",
      `Fancy (array) indexing is not supported; use integers, slices, null, newaxis and "...". Got an array at position ${position} in "${formatSelection(selection)}".`,
    );
  }
  if (typeof item === "object" && item !== null && "shape" in item && "dtype" in item) {
    // A lazy or in-memory array inside a list: describe it, never dump its internals.
    const { shape, dtype } = item as { shape: unknown; dtype: unknown };
    return new InvalidSelectionError(
      `An array index must be the whole selection (x.get(mask) or x.get(indices)), not one item of a list. Got an array of dtype=${fmt(dtype)}, shape=${fmt(shape)} at position ${position}; use compress(condition, x, { axis }) or take(x, indices, { axis }) for another axis.`,
    );
  }
  return new InvalidSelectionError(
    `Only integers, slices (slice() or null), "..." and newaxis are valid indices. Got ${fmt(item)} at position ${position} in "${formatSelection(selection)}".`,
  );
}

/**
 * Expands the ellipsis and pads with whole axes: one entry per input axis (`number`, `Slice` or
 * `null`), plus `newaxis` entries, in order. Checks the entry types, the ellipsis count and the
 * number of indexed axes; does not look at sizes.
 */
export function expandSelection(
  selection: Selection,
  ndim: number,
): (number | Slice | null | typeof newaxis)[] {
  let ellipsis = -1;
  let indexed = 0;
  for (let i = 0; i < selection.length; i++) {
    const item = selection[i];
    if (item === "...") {
      if (ellipsis >= 0) {
        throw new InvalidSelectionError(
          `An index can only have a single ellipsis ('...'). Got selection="${formatSelection(selection)}".`,
        );
      }
      ellipsis = i;
    } else if (item === null || item instanceof Slice || typeof item === "number") indexed++;
    else if (item !== newaxis) throw invalidItem(item, i, selection);
  }
  if (indexed > ndim) {
    throw new InvalidSelectionError(
      `Too many indices for array: array is ${ndim}-dimensional, but ${indexed} were indexed. Got selection="${formatSelection(selection)}".`,
    );
  }
  const fill = new Array<null>(ndim - indexed).fill(null);
  const items = selection as readonly (number | Slice | null | typeof newaxis | "...")[];
  if (ellipsis < 0) return [...(items as (number | Slice | null | typeof newaxis)[]), ...fill];
  return [
    ...(items.slice(0, ellipsis) as (number | Slice | null | typeof newaxis)[]),
    ...fill,
    ...(items.slice(ellipsis + 1) as (number | Slice | null | typeof newaxis)[]),
  ];
}

function checkBound(v: number | null, name: string, selection: Selection): void {
  if (v !== null && !Number.isInteger(v)) {
    throw new InvalidSelectionError(
      `Slice indices must be integers or null. Got ${name}=${fmt(v)} in "${formatSelection(selection)}".`,
    );
  }
}

/**
 * Normalises one entry against an axis of `size` (NumPy's rules): negative indices count from the
 * end, slice bounds are clipped as by CPython's `slice.indices`.
 */
export function normalizeItem(
  item: number | Slice | null,
  axis: number,
  size: number,
  selection: Selection = [item],
): NormalizedItem {
  if (typeof item === "number") {
    if (!Number.isInteger(item)) throw invalidItem(item, selection.indexOf(item), selection);
    if (item < -size || item >= size) {
      throw new InvalidSelectionError(`Index ${item} is out of bounds for axis ${axis} with size ${size}.`);
    }
    return { kind: "index", axis, index: item < 0 ? item + size : item };
  }
  const s = item ?? FULL;
  checkBound(s.start, "start", selection);
  checkBound(s.stop, "stop", selection);
  checkBound(s.step, "step", selection);
  if (s.step === 0) {
    throw new InvalidSelectionError(
      `Slice step cannot be zero. Got step=0 in "${formatSelection(selection)}".`,
    );
  }
  const [start, stop, step] = sliceIndices(s.start, s.stop, s.step, size);
  return { kind: "slice", axis, start, stop, step, length: rangeLength(start, stop, step) };
}

const FULL = new Slice();

/**
 * Normalises a selection against a shape: the ellipsis is expanded, missing trailing axes become
 * whole slices, integers are made non-negative and slices become `range(start, stop, step)` triples
 * with CPython's `slice.indices` semantics (negative steps, clipping). Throws
 * {@link InvalidSelectionError} for out-of-bounds integers, zero steps, too many indices or more
 * than one ellipsis.
 *
 * @example
 * ```ts
 * normalizeSelection([1, "...", slice(null, null, -2)], [4, 5, 6]);
 * // [{kind: "index", axis: 0, index: 1},
 * //  {kind: "slice", axis: 1, start: 0, stop: 5, step: 1, length: 5},
 * //  {kind: "slice", axis: 2, start: 5, stop: -1, step: -2, length: 3}]
 * ```
 * @see numpy basic indexing, dask.array.slicing.normalize_index
 */
export function normalizeSelection(selection: Selection, shape: readonly number[]): NormalizedItem[] {
  const expanded = expandSelection(selection, shape.length);
  const out: NormalizedItem[] = [];
  let axis = 0;
  for (const item of expanded) {
    if (item === newaxis) out.push(NEWAXIS);
    else {
      out.push(normalizeItem(item, axis, shape[axis], selection));
      axis++;
    }
  }
  return out;
}

const NEWAXIS: NormalizedItem = { kind: "newaxis" };

/** Shape of the result of a normalised selection. */
export function selectionShape(items: readonly NormalizedItem[]): number[] {
  const shape: number[] = [];
  for (const it of items) {
    if (it.kind === "slice") shape.push(it.length);
    else if (it.kind === "newaxis") shape.push(1);
  }
  return shape;
}

/** Converts a selection item that may be a lone value into a selection array. */
export function asSelection(selection: Selection | SelectionItem): Selection {
  return Array.isArray(selection) ? (selection as Selection) : [selection as SelectionItem];
}
