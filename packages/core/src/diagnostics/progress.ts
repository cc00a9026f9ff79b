/**
 * Progress for displays: a scheduler progress callback turned into fraction, rate and ETA, throttled.
 * Browser pages drive a `<progress>` element with it; the terminal bar (`@chunked/diagnostics/node`)
 * is built on it too.
 * @module
 */
import type { ProgressEvent } from "../schedule/scheduler.js";

/** A {@link ProgressEvent} with what a display needs. */
export interface ProgressInfo extends ProgressEvent {
  /** `done / total`, in [0, 1]. */
  readonly fraction: number;
  /** Milliseconds since the first event. */
  readonly elapsedMs: number;
  /** Estimated milliseconds left (from the rate so far), or `undefined` before any task is done. */
  readonly etaMs: number | undefined;
  /** Tasks finished per second so far. */
  readonly tasksPerSecond: number;
  /** True on the last event of a run (`done === total`). */
  readonly finished: boolean;
}

/** Options of {@link progressHook}. */
export interface ProgressHookOptions {
  /** Least time between two calls of `render`, in ms (default 100). The first and last always render. */
  intervalMs?: number;
}

/**
 * A compute `onProgress` callback that calls `render` with fraction, rate and ETA, at most every
 * `intervalMs` (and always for the first and the final event).
 *
 * @example
 * ```ts
 * const bar = document.querySelector("progress")!;
 * await y.compute({ onProgress: progressHook((p) => (bar.value = p.fraction)) });
 * ```
 * @see dask.diagnostics.ProgressBar
 */
export function progressHook(
  render: (info: ProgressInfo) => void,
  options: ProgressHookOptions = {},
): (event: ProgressEvent) => void {
  const interval = options.intervalMs ?? 100;
  let t0: number | undefined;
  let lastRender = Number.NEGATIVE_INFINITY;
  return (event) => {
    const now = performance.now();
    t0 ??= now;
    const finished = event.total > 0 && event.done >= event.total;
    if (!finished && now - lastRender < interval) return;
    lastRender = now;
    const elapsedMs = now - t0;
    const tasksPerSecond = elapsedMs > 0 ? (event.done / elapsedMs) * 1000 : 0;
    render({
      ...event,
      fraction: event.total > 0 ? Math.min(1, event.done / event.total) : 1,
      elapsedMs,
      etaMs:
        event.done > 0 && tasksPerSecond > 0
          ? ((event.total - event.done) / tasksPerSecond) * 1000
          : undefined,
      tasksPerSecond,
      finished,
    });
  };
}
