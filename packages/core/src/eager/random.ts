import type { DType } from "../dtype/dtypes.js";
import { type Distribution, randomBlock } from "../kernels/random.js";
import type { NDArray } from "../ndarray/ndarray.js";
import { checkOptionsObject } from "../errors.js";

export interface EagerRandomOptions<D extends DType> {
  /** Same seeds give the same numbers as the chunked `random.*` functions, whatever their chunking. */
  seed?: number;
  dtype?: D;
}

function eager<D extends DType>(
  dist: Distribution,
  shape: readonly number[] | number,
  o: EagerRandomOptions<D>,
  dflt: DType,
) {
  checkOptionsObject(o, `nd.random.${dist.kind}`);
  const s = typeof shape === "number" ? [shape] : [...shape];
  return randomBlock({
    dist,
    seed: o.seed ?? Math.floor(Math.random() * 2 ** 53),
    dtype: (o.dtype ?? dflt) as D,
    arrayShape: s,
    offset: s.map(() => 0),
    shape: s,
  });
}

/** Normal samples as one in-memory array (the eager twin of `random.normal`). */
export function normal<D extends "float64" | "float32" = "float64">(
  loc: number,
  scale: number,
  shape: readonly number[] | number,
  options: EagerRandomOptions<D> = {},
): NDArray<D> {
  return eager({ kind: "normal", loc, scale }, shape, options, "float64");
}

/** Uniform samples in [low, high) as one in-memory array. */
export function uniform<D extends "float64" | "float32" = "float64">(
  low: number,
  high: number,
  shape: readonly number[] | number,
  options: EagerRandomOptions<D> = {},
): NDArray<D> {
  return eager({ kind: "uniform", low, high }, shape, options, "float64");
}

/** Uniform samples in [0, 1) as one in-memory array. */
export function random<D extends "float64" | "float32" = "float64">(
  shape: readonly number[] | number,
  options: EagerRandomOptions<D> = {},
): NDArray<D> {
  return eager({ kind: "random" }, shape, options, "float64");
}

/** Exponential samples as one in-memory array. */
export function exponential<D extends "float64" | "float32" = "float64">(
  scale: number,
  shape: readonly number[] | number,
  options: EagerRandomOptions<D> = {},
): NDArray<D> {
  return eager({ kind: "exponential", scale }, shape, options, "float64");
}
