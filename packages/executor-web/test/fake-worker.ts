/**
 * A Web Worker double for Node tests: the worker runtime (`serve`) runs in-process on a fake
 * scope, and messages cross a real `MessageChannel`, so structured clone, transfer (detaching) and
 * SharedArrayBuffer sharing behave as between threads. Tests reach `scope` to simulate a worker
 * that closes itself or throws an uncaught error.
 */
import { pool } from "@chunked/core/internal";
import type { WorkerLike } from "../src/pool.js";

type WorkerScope = pool.WorkerScope;

type Listener = (event: any) => void;

class FakeScope implements WorkerScope {
  readonly #listeners = new Map<string, Listener[]>();
  readonly #port: MessagePort;
  closed = false;

  constructor(port: MessagePort) {
    this.#port = port;
    port.addEventListener("message", (e) => {
      if (!this.closed) this.dispatch("message", e);
    });
    port.start();
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    if (!this.closed) this.#port.postMessage(message, transfer as never);
  }

  addEventListener(type: string, listener: Listener): void {
    const list = this.#listeners.get(type) ?? [];
    list.push(listener);
    this.#listeners.set(type, list);
  }

  close(): void {
    // Like a real worker: nothing reaches the page; later messages are dropped both ways.
    this.closed = true;
  }

  /** Fires an event on the scope (e.g. `"error"` to simulate an uncaught error). */
  dispatch(type: string, event: unknown): void {
    for (const l of this.#listeners.get(type) ?? []) l(event);
  }

  /** Simulates an uncaught error in the worker. */
  throwUncaught(error: Error): void {
    this.dispatch("error", { error, message: error.message, preventDefault() {} });
  }
}

export interface FakeWorkerOptions {
  /** Fire an `error` event on the page side instead of starting (a script that fails to load). */
  failToLoad?: boolean;
  /** The clock the worker runtime measures kernel run times with (default `performance.now`). */
  clock?: () => number;
}

export class FakeWorker implements WorkerLike {
  readonly scope: FakeScope | undefined;
  /** Batches received by this worker, in order (by id). */
  readonly received: number[] = [];
  terminated = false;
  readonly #page: MessagePort;
  readonly #worker: MessagePort;
  readonly #errorListeners: Listener[] = [];

  constructor(options: FakeWorkerOptions = {}) {
    const channel = new MessageChannel();
    this.#page = channel.port1;
    this.#worker = channel.port2;
    this.#page.start();
    if (options.failToLoad) {
      this.scope = undefined;
      setTimeout(() => {
        if (!this.terminated) for (const l of this.#errorListeners) l(new Event("error"));
      }, 1);
      return;
    }
    this.scope = new FakeScope(this.#worker);
    this.scope.addEventListener("message", (e: MessageEvent) => {
      if ((e.data as { type: string }).type === "run") this.received.push((e.data as { id: number }).id);
    });
    pool.serve(this.scope, { clock: options.clock });
  }

  postMessage(message: unknown, transfer: Transferable[]): void {
    if (!this.terminated) this.#page.postMessage(message, transfer as never);
  }

  addEventListener(type: string, listener: Listener): void {
    if (type === "message") this.#page.addEventListener("message", listener as never);
    else if (type === "error") this.#errorListeners.push(listener);
  }

  terminate(): void {
    this.terminated = true;
    if (this.scope) this.scope.closed = true;
    this.#page.close();
    this.#worker.close();
  }
}

/** A `createWorker` that records the fakes it makes. */
export function fakeWorkers(options: FakeWorkerOptions = {}): {
  createWorker: () => FakeWorker;
  made: FakeWorker[];
} {
  const made: FakeWorker[] = [];
  return {
    made,
    createWorker: () => {
      const w = new FakeWorker(options);
      made.push(w);
      return w;
    },
  };
}
