/** The page's side of the cell runner: one runner worker, restarted when a cell must be stopped hard. */
import type { FromRunner, RunRequest } from "../runtime/protocol.js";

type Done = Extract<FromRunner, { type: "done" }>;
type Listener = (m: FromRunner) => void;

let worker: Worker | undefined;
let nextId = 1;
const listeners = new Map<number, { listener: Listener; resolve: (d: Done) => void }>();

function runner(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL("../runtime/runner.ts", import.meta.url), {
    type: "module",
    name: "cell-runner",
  });
  w.addEventListener("message", (e: MessageEvent<FromRunner>) => {
    const entry = listeners.get(e.data.id);
    if (!entry) return;
    entry.listener(e.data);
    if (e.data.type === "done") {
      listeners.delete(e.data.id);
      entry.resolve(e.data);
    }
  });
  w.addEventListener("error", (e) => {
    stopAll(`The cell runner failed to start: ${e.message || "worker error"}`);
  });
  worker = w;
  return w;
}

function stopAll(message: string) {
  worker?.terminate();
  worker = undefined;
  for (const [id, { resolve }] of listeners)
    resolve({ type: "done", id, ok: false, ms: 0, error: { name: "AbortError", message } });
  listeners.clear();
}

/**
 * A phone-sized screen, or a device that says it has at most 2 GB (`navigator.deviceMemory`,
 * Chromium): cells then read the small variants of the data sets.
 */
function smallDevice(): boolean {
  const memory = (navigator as { deviceMemory?: number }).deviceMemory;
  return matchMedia("(max-width: 600px)").matches || (memory !== undefined && memory <= 2);
}

/** A running cell. */
export interface CellRun {
  id: number;
  done: Promise<Done>;
}

/** Sends a cell to the runner; `listener` gets its outputs, progress and task view updates. */
export function runCell(req: Omit<RunRequest, "type" | "id">, listener: Listener): CellRun {
  const id = nextId++;
  const done = new Promise<Done>((resolve) => listeners.set(id, { listener, resolve }));
  runner().postMessage({ type: "run", id, smallData: smallDevice(), ...req } satisfies RunRequest);
  return { id, done };
}

/**
 * Cancels a cell: its computes get an abort (they reject at once); a cell stuck in synchronous
 * work is stopped by restarting the runner after `graceMs`.
 */
export function cancelCell(id: number, graceMs = 1500): void {
  if (!listeners.has(id)) return;
  worker?.postMessage({ type: "abort", id });
  setTimeout(() => {
    if (listeners.has(id))
      stopAll("Cancelled: the cell did not stop by itself, so its runner was restarted.");
  }, graceMs);
}
