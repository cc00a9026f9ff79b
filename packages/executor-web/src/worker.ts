/**
 * The Web Worker entry of {@link WebPool}: serves the pool's protocol on `self`. Importing it from
 * a custom worker entry (`import "@chunked/executor-web/worker"`) does the same, so that entry can
 * import its own kernel modules next to it and be bundled as one worker.
 * @module
 */
import { serve, type WorkerScope } from "./runtime.js";

serve(self as unknown as WorkerScope);
