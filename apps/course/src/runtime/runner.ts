/**
 * The cell runner: a module Web Worker that runs learners' cells, so the page never freezes. A
 * cell is TypeScript as a user would write it (`import * as ca from "@chunked/core"`); sucrase
 * strips the types and turns imports into `require` calls served from the modules below. Every
 * compute a cell starts is watched (progress, bytes held, time) and gets the cell's AbortSignal
 * unless it passes its own. Compute runs on one Web pool per runner (nested workers).
 */
import * as ca from "@chunked/core";
import { WebPool } from "@chunked/executor-web";
import { transform } from "sucrase";
import type { CellError, FromRunner, Output, RunRequest, ToRunner, WorkerActivity } from "./protocol.js";
import { formatValue, imageOutput, toOutput } from "./show.js";
import { zip } from "./zip.js";

const post = (m: FromRunner, transfer: Transferable[] = []) => postMessage(m, { transfer });

// --- the pool, with a per-worker activity count for the page's task view ---------------------
const activity: WorkerActivity[] = [];

function watchedWorker(): Worker {
  const w = new Worker(new URL("./pool-worker.ts", import.meta.url), {
    type: "module",
    name: "chunked-pool",
  });
  const slot: WorkerActivity = { running: 0, done: 0 };
  activity.push(slot);
  const sent = new Map<number, number>();
  const postOriginal = w.postMessage.bind(w);
  w.postMessage = ((
    message: { type?: string; id?: number; chunks?: { meta?: Float64Array } },
    transfer: Transferable[],
  ) => {
    if (message?.type === "run" && typeof message.id === "number") {
      const n = Number(message.chunks?.meta?.[0]) || 1;
      sent.set(message.id, n);
      slot.running += n;
    }
    postOriginal(message, transfer);
  }) as Worker["postMessage"];
  w.addEventListener("message", (e: MessageEvent<{ type?: string; id?: number }>) => {
    if (e.data?.type === "done" && typeof e.data.id === "number") {
      const n = sent.get(e.data.id) ?? 0;
      sent.delete(e.data.id);
      slot.running -= n;
      slot.done += n;
    }
  });
  const terminate = w.terminate.bind(w);
  w.terminate = () => {
    activity.splice(activity.indexOf(slot), 1);
    terminate();
  };
  return w;
}

const pool = new WebPool({ createWorker: watchedWorker });

// --- the current run ---------------------------------------------------------------------------
interface Run {
  id: number;
  controller: AbortController;
  answer?: { value: unknown };
  /** Inside `time()`: computes add up here instead of each posting a readout. */
  timing?: { tasks: number; peakBytes: number };
}
let current: Run | undefined;

const emit = (output: Output, transfer: Transferable[] = []) => {
  if (current) post({ type: "output", id: current.id, output }, transfer);
};

/** Runs one compute with the cell's signal (unless given), progress and a time/memory readout. */
async function watched<T>(
  options: ca.ComputeOptions | undefined,
  call: (o: ca.ComputeOptions) => Promise<T>,
) {
  const run = current;
  if (!run) return call(options ?? {});
  let total = 0;
  let peak = 0;
  const cpu0 = pool.stats.kernelMs;
  const t0 = performance.now();
  const result = await call({
    ...options,
    signal: options?.signal ?? run.controller.signal,
    onProgress: (p) => {
      options?.onProgress?.(p);
      total = p.total;
      peak = p.peakBytesHeld;
      post({
        type: "progress",
        id: run.id,
        done: p.done,
        total: p.total,
        running: p.running,
        bytesHeld: p.bytesHeld,
      });
    },
  });
  const ms = performance.now() - t0;
  if (run.timing) {
    run.timing.tasks += total;
    run.timing.peakBytes = Math.max(run.timing.peakBytes, peak);
  } else {
    const where = options?.executor === pool ? `Web pool, ${pool.workers} workers` : "in the runner thread";
    emit({
      kind: "timing",
      label: "compute",
      ms,
      tasks: total,
      peakBytes: peak,
      cpuMs: pool.stats.kernelMs - cpu0,
      where,
    });
  }
  return result;
}

// Computes started from the array methods go through the same watch.
type ComputeMethod = (this: ca.ChunkedArray, options?: ca.ComputeOptions) => Promise<unknown>;
const P = ca.ChunkedArray.prototype as unknown as Record<"compute" | "item" | "persist", ComputeMethod>;
for (const method of ["compute", "item", "persist"] as const) {
  const original = P[method];
  P[method] = function (options) {
    return watched(options, (o) => original.call(this, o));
  };
}

const core = {
  ...ca,
  __esModule: true,
  compute: (arrays: ca.ChunkedArray[], options?: ca.ComputeOptions) =>
    watched(options, (o) => ca.compute(arrays, o)),
  persist: (x: ca.ChunkedArray, options?: ca.ComputeOptions) => watched(options, (o) => ca.persist(x, o)),
  store: (arrays: ca.ChunkedArray[], targets: ca.ArrayTarget[], options?: ca.StoreOptions) =>
    watched(options, (o) => ca.store(arrays, targets, o)),
};

const MODULES: Record<string, () => Promise<unknown>> = {
  "@chunked/core": async () => core,
  "@chunked/executor-web": async () => ({
    __esModule: true,
    WebPool,
    throttle: (await import("@chunked/executor-web")).throttle,
  }),
  "@chunked/io": () => import("@chunked/io"),
  "@chunked/io/hdf5": () => import("@chunked/io/hdf5"),
  "@chunked/io/zarr": () => import("@chunked/io/zarr"),
};

// --- what cells see besides their imports ------------------------------------------------------
/** Data sets with a small variant for phones: lesson 3's weather at one degree (180 × 360, 5 MB). */
const SMALL_DATA: Record<string, string> = { "weather.zarr": "weather-small.zarr" };

const dataUrl = (name: string, small: boolean) =>
  new URL(`/data/${(small && SMALL_DATA[name]) || name}`, self.location.href).href;

function makeGlobals(run: Run, req: RunRequest) {
  return {
    pool,
    signal: run.controller.signal,
    params: req.params ?? {},
    data: { url: (name: string) => dataUrl(name, req.smallData === true) },
    /** Shows values: chunked arrays as a repr with their graph, NDArrays as a table, rows as a table. */
    show(...values: unknown[]) {
      for (const v of values) emit(toOutput(v));
    },
    /** Shows a value under a label. */
    display(label: string, value: unknown) {
      emit(toOutput(value, label));
    },
    /** Draws a chunked array's task graph. */
    graph(x: ca.ChunkedArray, label?: string) {
      emit({ kind: "graph", label, dot: x.visualize(), tasks: x.ntasks });
    },
    /** Draws a 2-d NDArray like matplotlib's imshow, reversed RdBu with a legend. */
    imshow(a: ca.NDArray, options: { title?: string; legend?: string } = {}) {
      const out = imageOutput(a, options.title, options.legend ?? "");
      emit(out, out.kind === "image" ? [out.values.buffer] : []);
    },
    /** A line chart of points [x, y]. */
    lineplot(points: [number, number][], options: { x: string; y: string; title?: string }) {
      emit({ kind: "line", label: options.title, x: options.x, y: options.y, points });
    },
    /** Times `fn`, with the tasks and peak bytes held of the computes it runs. */
    async time<T>(label: string, fn: () => T | Promise<T>): Promise<T> {
      const outer = run.timing;
      run.timing = { tasks: 0, peakBytes: 0 };
      const cpu0 = pool.stats.kernelMs;
      const t0 = performance.now();
      try {
        return await fn();
      } finally {
        const ms = performance.now() - t0;
        const t = run.timing;
        run.timing = outer;
        emit({
          kind: "timing",
          label,
          ms,
          tasks: t.tasks || undefined,
          peakBytes: t.peakBytes || undefined,
          cpuMs: pool.stats.kernelMs - cpu0 || undefined,
          where: t.tasks ? "chunked" : "eager, in the runner thread",
        });
      }
    },
    /** Offers bytes, or a store (path → bytes, e.g. a Zarr store in a Map) zipped, as a download. */
    download(name: string, content: Uint8Array | ReadonlyMap<string, Uint8Array>) {
      const bytes = content instanceof Uint8Array ? content : zip(content);
      emit({ kind: "download", name, bytes }, [bytes.buffer]);
    },
    /** An exercise's answer, checked after the cell ends. */
    answer(value: unknown) {
      run.answer = { value };
    },
  };
}

// biome-ignore lint/complexity/useArrowFunction: the constructor of async functions
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (
  ...args: string[]
) => (...args: unknown[]) => Promise<unknown>;

/** Cell code becomes the body of an async function; this many lines come before it. */
const HEADER_LINES = 2;

function compile(code: string, argNames: string[]) {
  const js = transform(code, { transforms: ["typescript", "imports"], production: true }).code;
  const needs = [...js.matchAll(/require\((['"])([^'"]+)\1\)/g)].map((m) => m[2]);
  return { fn: new AsyncFunction("require", "exports", ...argNames, js), needs };
}

function lineOf(err: unknown): number | undefined {
  const stack = String((err as Error)?.stack ?? "");
  const m = /<anonymous>:(\d+):\d+/.exec(stack) ?? /Function:(\d+):\d+/.exec(stack);
  if (m) return Number(m[1]) - HEADER_LINES;
  const loc = (err as { loc?: { line: number } })?.loc;
  return loc?.line;
}

function toCellError(err: unknown): CellError {
  const e = err as Error;
  // The chain of causes (a TaskError wraps the worker's error, which may wrap a codec's).
  const causes: string[] = [];
  for (let c = (e as { cause?: unknown })?.cause; c instanceof Error && causes.length < 5; c = c.cause)
    causes.push(`${c.name}: ${c.message}`);
  return {
    name: e?.name ?? "Error",
    message: e?.message ?? String(err),
    line: lineOf(err),
    detail: causes.length ? causes.join("\n  caused by ") : undefined,
  };
}

async function load(names: string[]) {
  const loaded = new Map<string, unknown>();
  for (const n of names) {
    const make = MODULES[n];
    if (!make)
      throw new Error(
        `The course cannot import ${JSON.stringify(n)}; cells can import ${Object.keys(MODULES).join(", ")}.`,
      );
    loaded.set(n, await make());
  }
  return (name: string) => loaded.get(name);
}

const CONSOLE = ["log", "info", "warn"] as const;

async function runCell(req: Extract<ToRunner, { type: "run" }>) {
  const run: Run = { id: req.id, controller: new AbortController() };
  current = run;
  const ticker = setInterval(
    () =>
      post({
        type: "workers",
        id: run.id,
        workers: activity.map((a) => ({ ...a })),
        transport: pool.transport,
      }),
    150,
  );
  const saved = CONSOLE.map((k) => console[k]);
  for (const k of CONSOLE)
    console[k] = (...args: unknown[]) =>
      emit({ kind: "text", text: args.map(formatValue).join(" "), stream: k === "warn" ? "warn" : "log" });
  const t0 = performance.now();
  let error: CellError | undefined;
  let check: { ok: boolean; message: string } | undefined;
  try {
    const globals = makeGlobals(run, req);
    const names = Object.keys(globals);
    const { fn, needs } = compile(req.code, names);
    const require = await load(needs);
    await fn(require, {}, ...Object.values(globals));
    if (req.check !== undefined) {
      if (!run.answer)
        check = { ok: false, message: "Call answer(...) with your result so it can be checked." };
      else {
        run.timing = { tasks: 0, peakBytes: 0 }; // the check's own computes post no readouts
        const c = compile(req.check, ["value", ...names]);
        const verdict = await c.fn(await load(c.needs), {}, run.answer.value, ...Object.values(globals));
        check =
          verdict === true ? { ok: true, message: "Correct!" } : { ok: false, message: String(verdict) };
      }
    }
  } catch (err) {
    error = toCellError(err);
  } finally {
    CONSOLE.forEach((k, i) => {
      console[k] = saved[i];
    });
    clearInterval(ticker);
    post({
      type: "workers",
      id: run.id,
      workers: activity.map((a) => ({ ...a })),
      transport: pool.transport,
    });
    current = undefined;
  }
  post({ type: "done", id: run.id, ok: !error, ms: performance.now() - t0, error, check });
}

// One cell at a time, in order.
let queue: Promise<void> = Promise.resolve();
self.addEventListener("message", (e: MessageEvent<ToRunner>) => {
  const m = e.data;
  if (m.type === "abort") {
    if (current?.id === m.id) current.controller.abort(new Error("Cancelled from the page."));
    return;
  }
  queue = queue.then(() => runCell(m));
});
