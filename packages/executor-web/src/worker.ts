/**
 * The Web Worker entry of {@link WebPool}: serves core's pool protocol on `self`. Importing it from
 * a custom worker entry (`import "@chunked/executor-web/worker"`) does the same, so that entry can
 * import its own kernel modules next to it and be bundled as one worker.
 * @module
 */
import { pool } from "@chunked/core/internal";

pool.serve(self as unknown as pool.WorkerScope);
