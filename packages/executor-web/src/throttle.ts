import { InvalidArgumentError } from "@chunked/core";

/** A throttled function, as returned by {@link throttle}. */
export interface Throttled<A extends unknown[]> {
  (...args: A): void;
  /** Calls the function now with the last pending arguments, if any. */
  flush(): void;
  /** Drops the pending call. */
  cancel(): void;
}

/**
 * Limits calls of `fn` to one per `ms` milliseconds: the first call goes through at once, later
 * ones within the window are merged into one trailing call with the latest arguments, so the last
 * event (e.g. "done = total") is never lost. For progress bars: a page repaints at most ~60 times
 * a second, and a compute may report thousands of events.
 *
 * @example
 * ```ts
 * import { throttle } from "@chunked/executor-web";
 *
 * const onProgress = throttle((p: { done: number; total: number }) => {
 *   bar.value = p.done / p.total;
 * }, 100);
 * await ca.compute([y], { executor: pool, onProgress });
 * onProgress.flush(); // paint the final state now rather than at the end of the window
 * ```
 */
export function throttle<A extends unknown[]>(fn: (...args: A) => void, ms: number): Throttled<A> {
  if (!(ms >= 0)) throw new InvalidArgumentError(`throttle needs a non-negative interval. Got ms=${ms}.`);
  let last = Number.NEGATIVE_INFINITY;
  let pending: A | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const fire = (): void => {
    timer = undefined;
    if (!pending) return;
    const args = pending;
    pending = undefined;
    last = performance.now();
    fn(...args);
  };

  const throttled = ((...args: A): void => {
    pending = args;
    const wait = last + ms - performance.now();
    if (wait <= 0 && timer === undefined) fire();
    else timer ??= setTimeout(fire, Math.max(0, wait));
  }) as Throttled<A>;
  throttled.flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    fire();
  };
  throttled.cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    pending = undefined;
  };
  return throttled;
}
