import { registerWorkerModule } from "@chunked/core/internal";

/**
 * This package's format table (`./open-source.ts`), the one io module a pool worker imports, when
 * this file runs as itself (from `src/` or `dist/`). A bundler inlines this file into a chunk of
 * another name, where `./open-source.js` does not exist (and a `new URL("./open-source.js", …)` it
 * could see would be copied as a raw asset whose imports do not resolve in a worker): there the
 * app's own worker entry imports `@chunked/io`, which registers the openers in the worker itself.
 */
const ownFile = /\/worker-module\.(ts|js)$/.exec(new URL(import.meta.url).pathname);
const FORMAT_TABLE = ownFile ? new URL(`./open-source.${ownFile[1]}`, import.meta.url).href : undefined;

/**
 * Asks pools started from now on to load the format table in their workers (an allow-list entry);
 * in a bundle, where workers get it from the app's worker entry, it does nothing.
 */
export function loadInWorkers(): void {
  if (FORMAT_TABLE) registerWorkerModule(FORMAT_TABLE);
}
