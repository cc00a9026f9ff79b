/** What the course's cell runner gives every cell besides its imports (see src/runtime/runner.ts). */
import type { ChunkedArray, NDArray } from "@chunked/core";
import type { WebPool } from "@chunked/executor-web";

declare global {
  /** The page's Web pool: one Web Worker per core (in your project: `new WebPool()`). */
  const pool: WebPool;
  /** Aborted when you press Cancel. Computes get it automatically. */
  const signal: AbortSignal;
  /** Values of the cell's controls. */
  const params: Record<string, number>;
  /** Where the course's data files are served. */
  const data: { url(name: string): string };
  function show(...values: unknown[]): void;
  function display(label: string, value: unknown): void;
  function graph(x: ChunkedArray, label?: string): void;
  function imshow(a: NDArray, options?: { title?: string; legend?: string }): void;
  function lineplot(points: [number, number][], options: { x: string; y: string; title?: string }): void;
  function time<T>(label: string, fn: () => T | Promise<T>): Promise<T>;
  function download(name: string, content: Uint8Array | ReadonlyMap<string, Uint8Array>): void;
  function answer(value: unknown): void;
}
