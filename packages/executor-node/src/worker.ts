/**
 * The worker thread of {@link NodePool}: serves core's pool protocol on `parentPort`, with every
 * built-in kernel registered and the user's kernel modules imported on request.
 * @internal
 * @module
 */
import { fileURLToPath } from "node:url";
import { parentPort } from "node:worker_threads";
import { pool } from "@chunked/core/internal";

/**
 * Under tsx's CommonJS hook (a built worker loading core's TypeScript sources) this module was
 * itself `require`d: load user modules the same way, so they register into the same instance of
 * core's registry.
 */
async function importModule(specifier: string): Promise<unknown> {
  if (typeof require === "function") {
    return require(specifier.startsWith("file:") ? fileURLToPath(specifier) : specifier);
  }
  return import(specifier);
}

const port = parentPort!;
pool.serve(
  {
    postMessage: (message, transfer) => port.postMessage(message, transfer as never),
    addEventListener: (type, listener) => {
      // An error escaping a kernel ends the thread; the pool hears it from the Worker's "error" event.
      if (type === "message") port.on("message", (data: unknown) => listener({ data }));
    },
    close: () => port.close(),
  },
  { importModule },
);
