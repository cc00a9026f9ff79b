import { registerWorkerModule } from "@chunked/core/internal";

/** This package's format table (`./open-source.ts`), the one io module a pool worker imports. */
const FORMAT_TABLE = new URL(
  import.meta.url.endsWith(".ts") ? "./open-source.ts" : "./open-source.js",
  import.meta.url,
).href;

/** Asks pools started from now on to load the format table in their workers (an allow-list entry). */
export function loadInWorkers(): void {
  registerWorkerModule(FORMAT_TABLE);
}
