/**
 * Run-time estimates per kernel id, from the times workers measure: what the pool sizes its
 * batches and its concurrency from.
 * @module
 */

/** Samples kept per kernel: the median of the last few ignores one pre-empted or cold task. */
const SAMPLES = 9;
/**
 * A kernel counts for the concurrency while it ran within this many of the latest samples, so a
 * slow kernel of an earlier compute does not keep a later compute of tiny tasks from batching.
 */
const RECENT = 256;

interface KernelTimes {
  readonly samples: Float64Array;
  count: number;
  median: number;
  /** Sample number of its latest run. */
  lastSeen: number;
}

/**
 * The median of each kernel's latest run times, and the slowest of those medians among the kernels
 * that ran lately. A mean over all tasks would let thousands of tiny reduction tasks hide the big
 * reads beside them, and so let more reads into flight than the workers can keep busy with.
 */
export class RunTimes {
  readonly #kernels = new Map<string, KernelTimes>();
  readonly #sorted = new Float64Array(SAMPLES);
  #learned = 0;
  #slowest: number | undefined;
  #slowestStale = false;

  /** Records that a task of kernel `op` ran for `ms` milliseconds. */
  learn(op: string, ms: number): void {
    let k = this.#kernels.get(op);
    if (k === undefined) {
      k = { samples: new Float64Array(SAMPLES), count: 0, median: 0, lastSeen: 0 };
      this.#kernels.set(op, k);
    }
    k.samples[k.count % SAMPLES] = ms;
    k.count++;
    k.lastSeen = ++this.#learned;
    const m = Math.min(k.count, SAMPLES);
    const sorted = this.#sorted.subarray(0, m);
    sorted.set(k.samples.subarray(0, m));
    sorted.sort();
    k.median = m % 2 === 1 ? sorted[m >> 1] : (sorted[m / 2 - 1] + sorted[m / 2]) / 2;
    this.#slowestStale = true;
  }

  /** The median run time of kernel `op` in ms, or undefined before its first run. */
  cost(op: string): number | undefined {
    return this.#kernels.get(op)?.median;
  }

  /** The largest median among the kernels that ran within the latest samples, or undefined. */
  slowestRecent(): number | undefined {
    if (this.#slowestStale) {
      this.#slowestStale = false;
      let slowest: number | undefined;
      for (const k of this.#kernels.values())
        if (this.#learned - k.lastSeen < RECENT && (slowest === undefined || k.median > slowest))
          slowest = k.median;
      this.#slowest = slowest;
    }
    return this.#slowest;
  }
}
