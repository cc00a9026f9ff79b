/**
 * Axis arguments, normalised once for every op (NumPy's `normalize_axis_index` and
 * `normalize_axis_tuple`): negative axes count from the end, out-of-bounds and repeated axes throw.
 */
import { fmt, InvalidArgumentError } from "../errors.js";

/**
 * `axis` as a non-negative axis of an array with `ndim` axes.
 *
 * @example
 * ```ts
 * normalizeAxisIndex(-1, 3); // 2
 * normalizeAxisIndex(3, 3);  // InvalidArgumentError: axis 3 is out of bounds for array of dimension 3
 * ```
 * @see numpy.lib.array_utils.normalize_axis_index
 */
export function normalizeAxisIndex(axis: number, ndim: number, argName = "axis"): number {
  if (!Number.isInteger(axis)) {
    throw new InvalidArgumentError(`${argName} must be an integer. Got ${argName}=${fmt(axis)}.`);
  }
  if (axis < -ndim || axis >= ndim) {
    throw new InvalidArgumentError(
      `axis ${axis} is out of bounds for array of dimension ${ndim}. Got ${argName}=${fmt(axis)}, expected ${-ndim} <= ${argName} < ${ndim}.`,
    );
  }
  return axis < 0 ? axis + ndim : axis;
}

/** Options of {@link normalizeAxisTuple}. */
export interface AxisTupleOptions {
  /** Name of the argument in messages. Default `"axis"`. */
  argName?: string;
  /** `null` or missing means every axis (reductions). Default `false`: an error. */
  noneIsAll?: boolean;
  /** Sort the result (reductions); otherwise the given order is kept (moveaxis). Default `false`. */
  sort?: boolean;
  /**
   * NumPy's wording for a repeated axis, which differs by op: `"duplicate value in 'axis'"` for
   * ufunc reductions, `"repeated axis"` (the default) for array functions.
   */
  repeated?: string;
}

/**
 * `axis` (one axis or several) as distinct non-negative axes of an array with `ndim` axes.
 *
 * @example
 * ```ts
 * normalizeAxisTuple([-1, 0], 3);                                  // [2, 0]
 * normalizeAxisTuple(null, 2, { noneIsAll: true });                 // [0, 1]
 * normalizeAxisTuple([1, -1], 2, { repeated: "duplicate value in 'axis'" }); // throws
 * ```
 * @see numpy.lib.array_utils.normalize_axis_tuple
 */
export function normalizeAxisTuple(
  axis: number | readonly number[] | null | undefined,
  ndim: number,
  options: AxisTupleOptions = {},
): number[] {
  const argName = options.argName ?? "axis";
  if ((axis === null || axis === undefined) && options.noneIsAll) {
    return Array.from({ length: ndim }, (_, i) => i);
  }
  const list = typeof axis === "number" ? [axis] : axis;
  if (!Array.isArray(list) || !list.every((a) => Number.isInteger(a))) {
    throw new InvalidArgumentError(
      `${argName} must be an integer${options.noneIsAll ? ", a list of integers or null" : " or a list of integers"}. Got ${argName}=${fmt(axis)}.`,
    );
  }
  const out: number[] = [];
  for (const a of list as readonly number[]) {
    const ax = normalizeAxisIndex(a, ndim, argName);
    if (out.includes(ax)) {
      throw new InvalidArgumentError(`${options.repeated ?? "repeated axis"}. Got ${argName}=${fmt(axis)}.`);
    }
    out.push(ax);
  }
  return options.sort ? out.sort((x, y) => x - y) : out;
}

/**
 * The options object of a function called with options or, as NumPy allows, a positional axis:
 * `x.mean(0)`, `nd.sum(a, 1)`, `ca.concatenate([a, b], 1)`, `x.sort(0)` mean `{ axis: ... }`.
 * Anything else that is not an object throws, naming `fn`.
 */
export function axisOptions<O extends object>(
  fn: string,
  options: O | number | readonly number[] | null | undefined,
): O {
  if (options === undefined) return {} as O;
  if (options === null || typeof options === "number" || Array.isArray(options))
    return { axis: options } as O;
  if (typeof options !== "object") {
    throw new InvalidArgumentError(
      `${fn}: expected an axis (integer, list of integers or null) or an options object. Got ${fmt(options)}.`,
    );
  }
  return options as O;
}
