/** A FIFO async mutex: `run` calls never overlap, and run in call order. */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => T | Promise<T>): Promise<T> {
    const result = this.#tail.then(fn);
    // The next caller waits for this one whether it succeeded or failed.
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Resolves once every call queued so far has finished. */
  idle(): Promise<void> {
    return this.#tail.then(() => undefined);
  }
}

/** One mutex per key, created on demand and dropped when idle (per-chunk locks for Zarr writes). */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<void>>();

  /** Runs `fn` holding every key (taken in sorted order, so two callers never deadlock). */
  async run<T>(keys: readonly string[], fn: () => T | Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const releases: (() => void)[] = [];
    try {
      for (const key of sorted) {
        const previous = this.#tails.get(key) ?? Promise.resolve();
        let release!: () => void;
        const mine = new Promise<void>((resolve) => (release = resolve));
        const tail = previous.then(() => mine);
        this.#tails.set(key, tail);
        releases.push(() => {
          release();
          if (this.#tails.get(key) === tail) this.#tails.delete(key);
        });
        await previous;
      }
      return await fn();
    } finally {
      for (const r of releases) r();
    }
  }

  /** Resolves once every call queued so far has finished. */
  async idle(): Promise<void> {
    await Promise.all([...this.#tails.values()]);
  }
}
