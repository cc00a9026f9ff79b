import { type ChunkSpec, chunkOffsets, normalizeChunks } from "../chunks/normalize.js";
import { DTYPE_INFO, DTYPES, type DType, isDType } from "../dtype/dtypes.js";
import { checkOptionsObject, DTypeError, fmt, InvalidArgumentError } from "../errors.js";
import { type Distribution, type RandomFillParams, randomFill } from "../kernels/random.js";
import { task } from "../kernels/registry.js";
import { blockLayer } from "./block-layer.js";
import type { ChunkedArray } from "./chunked-array.js";

export interface RandomOptions<D extends DType = DType> {
  /** Block shape (default `"auto"`: about 128 MiB per block). */
  chunks?: ChunkSpec;
  /**
   * Seed (a non-negative integer below 2^53). The same seed gives the same numbers whatever the
   * chunking. Default: a random seed.
   */
  seed?: number;
  /** Output dtype (default float64; `integers` defaults to int32). */
  dtype?: D;
}

function checkShape(shape: readonly number[] | number): number[] {
  if (typeof shape !== "number" && !Array.isArray(shape)) {
    throw new InvalidArgumentError(
      `Shape must be an integer or a list of integers. Got shape=${fmt(shape)}.`,
    );
  }
  const s = typeof shape === "number" ? [shape] : [...shape];
  if (!s.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    throw new InvalidArgumentError(`Shape must be non-negative integers. Got shape=${fmt(s)}.`);
  }
  return s;
}

function randomArray<D extends DType>(
  name: string,
  dist: Distribution,
  shapeArg: readonly number[] | number,
  options: RandomOptions<D>,
  defaultDtype: DType,
): ChunkedArray<D> {
  checkOptionsObject(options, `random.${name}`);
  const shape = checkShape(shapeArg);
  const dtype = (options.dtype ?? defaultDtype) as D;
  if (!isDType(dtype)) {
    throw new DTypeError(
      `random.${name}: unknown dtype. Got dtype=${fmt(dtype)}, expected one of ${DTYPES.join(", ")}.`,
    );
  }
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 53);
  if (!(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 53)) {
    throw new InvalidArgumentError(`seed must be an integer in [0, 2^53). Got seed=${fmt(seed)}.`);
  }
  for (const [k, v] of Object.entries(dist)) {
    if (typeof v === "number" && !Number.isFinite(v)) {
      throw new InvalidArgumentError(`random.${name}: ${k} must be finite. Got ${k}=${fmt(v)}.`);
    }
  }
  const chunks = normalizeChunks(options.chunks ?? "auto", shape, { dtype });
  const offsets = chunks.map(chunkOffsets);
  return blockLayer(name, ["random", dist, seed], [], chunks, dtype, (idx, key) => {
    const params: RandomFillParams = {
      dist,
      seed,
      dtype,
      arrayShape: shape,
      offset: idx.map((b, ax) => offsets[ax][b]),
      shape: idx.map((b, ax) => chunks[ax][b]),
    };
    return task(randomFill, key, [], params);
  });
}

function floatOnly(dtype: DType | undefined, fn: string): void {
  if (dtype !== undefined && dtype !== "float64" && dtype !== "float32") {
    throw new DTypeError(
      `random.${fn} produces floats. Got dtype=${fmt(dtype)}, expected "float64" or "float32".`,
    );
  }
}

/**
 * Normal (Gaussian) samples, by a ziggurat.
 *
 * @example
 * ```ts
 * const x = ca.random.normal(10, 0.1, [20000, 20000], { chunks: [1000, 1000], seed: 42 });
 * ```
 * @see numpy.random.Generator.normal, dask.array.random.normal
 */
export function normal<D extends "float64" | "float32" = "float64">(
  loc: number,
  scale: number,
  shape: readonly number[] | number,
  options: RandomOptions<D> = {},
): ChunkedArray<D> {
  floatOnly(options.dtype, "normal");
  if (!(scale >= 0))
    throw new InvalidArgumentError(`random.normal: scale must be >= 0. Got scale=${fmt(scale)}.`);
  return randomArray("normal", { kind: "normal", loc, scale }, shape, options, "float64");
}

/** Standard normal samples (mean 0, standard deviation 1). @see numpy.random.Generator.standard_normal */
export function standardNormal<D extends "float64" | "float32" = "float64">(
  shape: readonly number[] | number,
  options: RandomOptions<D> = {},
): ChunkedArray<D> {
  return normal(0, 1, shape, options);
}

/** Uniform samples in [low, high). @see numpy.random.Generator.uniform */
export function uniform<D extends "float64" | "float32" = "float64">(
  low: number,
  high: number,
  shape: readonly number[] | number,
  options: RandomOptions<D> = {},
): ChunkedArray<D> {
  floatOnly(options.dtype, "uniform");
  return randomArray("uniform", { kind: "uniform", low, high }, shape, options, "float64");
}

/** Uniform samples in [0, 1), 53-bit. @see numpy.random.Generator.random */
export function random<D extends "float64" | "float32" = "float64">(
  shape: readonly number[] | number,
  options: RandomOptions<D> = {},
): ChunkedArray<D> {
  floatOnly(options.dtype, "random");
  return randomArray("random", { kind: "random" }, shape, options, "float64");
}

/** Exponential samples with the given scale (1/rate). @see numpy.random.Generator.exponential */
export function exponential<D extends "float64" | "float32" = "float64">(
  scale: number,
  shape: readonly number[] | number,
  options: RandomOptions<D> = {},
): ChunkedArray<D> {
  floatOnly(options.dtype, "exponential");
  if (!(scale >= 0))
    throw new InvalidArgumentError(`random.exponential: scale must be >= 0. Got scale=${fmt(scale)}.`);
  return randomArray("exponential", { kind: "exponential", scale }, shape, options, "float64");
}

/**
 * Uniform integers in [low, high).
 *
 * **NumPy divergence:** the default dtype is int32 (NumPy: int64).
 * @see numpy.random.Generator.integers
 */
export function integers<D extends DType = "int32">(
  low: number,
  high: number,
  shape: readonly number[] | number,
  options: RandomOptions<D> = {},
): ChunkedArray<D> {
  if (!(Number.isSafeInteger(low) && Number.isSafeInteger(high) && high > low)) {
    throw new InvalidArgumentError(
      `random.integers needs integers low < high. Got low=${fmt(low)}, high=${fmt(high)}.`,
    );
  }
  const dtype = options?.dtype ?? "int32";
  const info = isDType(dtype) ? DTYPE_INFO[dtype] : undefined;
  if (info && info.kind !== "int" && info.kind !== "uint" && info.kind !== "bool") {
    throw new DTypeError(
      `Unsupported dtype ${fmt(dtype)} for integers. Got dtype=${fmt(dtype)}, expected an integer dtype (int8..int32, uint8..uint32, bool).`,
    );
  }
  // NumPy: `low is out of bounds for int8` / `high is out of bounds for int8` (high is exclusive).
  if (info && low < info.min) {
    throw new InvalidArgumentError(
      `low is out of bounds for ${dtype}. Got low=${low}, expected low >= ${info.min}.`,
    );
  }
  if (info && high - 1 > info.max) {
    throw new InvalidArgumentError(
      `high is out of bounds for ${dtype}. Got high=${high}, expected high <= ${info.max + 1}.`,
    );
  }
  return randomArray("integers", { kind: "integers", low, high }, shape, options, "int32");
}

/** A seeded generator with the `random.*` functions as methods (dask's `default_rng`). */
export class Generator {
  private counter = 0;
  constructor(readonly seed: number = Math.floor(Math.random() * 2 ** 53)) {}

  private next(): number {
    // Each call draws a fresh, deterministic sub-seed, as successive NumPy generator calls differ.
    return (this.seed + 0x9e3779b97f4a7 * ++this.counter) % 2 ** 53;
  }

  normal<D extends "float64" | "float32" = "float64">(
    loc: number,
    scale: number,
    shape: readonly number[] | number,
    options: Omit<RandomOptions<D>, "seed"> = {},
  ) {
    return normal(loc, scale, shape, { ...options, seed: this.next() });
  }
  standardNormal<D extends "float64" | "float32" = "float64">(
    shape: readonly number[] | number,
    options: Omit<RandomOptions<D>, "seed"> = {},
  ) {
    return standardNormal(shape, { ...options, seed: this.next() });
  }
  uniform<D extends "float64" | "float32" = "float64">(
    low: number,
    high: number,
    shape: readonly number[] | number,
    options: Omit<RandomOptions<D>, "seed"> = {},
  ) {
    return uniform(low, high, shape, { ...options, seed: this.next() });
  }
  random<D extends "float64" | "float32" = "float64">(
    shape: readonly number[] | number,
    options: Omit<RandomOptions<D>, "seed"> = {},
  ) {
    return random(shape, { ...options, seed: this.next() });
  }
  exponential<D extends "float64" | "float32" = "float64">(
    scale: number,
    shape: readonly number[] | number,
    options: Omit<RandomOptions<D>, "seed"> = {},
  ) {
    return exponential(scale, shape, { ...options, seed: this.next() });
  }
  integers<D extends DType = "int32">(
    low: number,
    high: number,
    shape: readonly number[] | number,
    options: Omit<RandomOptions<D>, "seed"> = {},
  ) {
    return integers(low, high, shape, { ...options, seed: this.next() });
  }
}

/** A seeded {@link Generator}. @see numpy.random.default_rng */
export function defaultRng(seed?: number): Generator {
  return new Generator(seed);
}
