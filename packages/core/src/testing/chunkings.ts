/**
 * Deterministic chunkings to run every golden case over (dask's test loop): one block, regular
 * blocks of 2 and 3, ragged explicit tuples, and all size-1 blocks.
 */

/** Options of {@link chunkingsFor}. */
export interface ChunkingsOptions {
  /** Skip chunkings with more blocks than this (the one-block chunking is always kept). Default 4096. */
  maxBlocks?: number;
}

/** `splitEvery` values every reduction golden is repeated with (dask repeats with 2 and the default). */
export const SPLIT_EVERY_VALUES: readonly number[] = [2, 3, 8];

/** Regular blocks of `size` along an axis of length `n`, the last one ragged: (7, 3) → [3, 3, 1]. */
function regular(n: number, size: number): number[] {
  if (n === 0) return [0];
  const out: number[] = [];
  for (let left = n; left > 0; left -= size) out.push(Math.min(size, left));
  return out;
}

/** Cycles through `pattern`, truncating the last block: (7, [1, 3, 2]) → [1, 3, 2, 1]. */
function cycled(n: number, pattern: readonly number[]): number[] {
  if (n === 0) return [0];
  const out: number[] = [];
  for (let left = n, k = 0; left > 0; k++) {
    const b = Math.min(pattern[k % pattern.length], left);
    out.push(b);
    left -= b;
  }
  return out;
}

const RAGGED = [1, 3, 2];

/**
 * Several chunkings of `shape`, each as explicit per-axis block sizes (dask's `chunks`), with
 * duplicates removed. The ragged pattern is rotated per axis so axes are not chunked alike.
 *
 * @example
 * ```ts
 * chunkingsFor([7, 2]);
 * // [[[7], [2]], [[2, 2, 2, 1], [2]], [[3, 3, 1], [2]], [[1, 3, 2, 1], [2]], [[1, 1, 1, 1, 1, 1, 1], [1, 1]]]
 * chunkingsFor([]); // [[]]
 * ```
 */
export function chunkingsFor(shape: readonly number[], options: ChunkingsOptions = {}): number[][][] {
  const maxBlocks = options.maxBlocks ?? 4096;
  const specs: number[][][] = [
    shape.map((n) => [n]),
    shape.map((n) => regular(n, 2)),
    shape.map((n) => regular(n, 3)),
    shape.map((n, axis) => cycled(n, [...RAGGED.slice(axis % 3), ...RAGGED.slice(0, axis % 3)])),
    shape.map((n) => regular(n, 1)),
  ];
  const seen = new Set<string>();
  return specs.filter((spec, i) => {
    const key = JSON.stringify(spec);
    if (seen.has(key)) return false;
    seen.add(key);
    const blocks = spec.reduce((p, axis) => p * axis.length, 1);
    return i === 0 || blocks <= maxBlocks;
  });
}
