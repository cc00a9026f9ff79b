// Loads a TypeScript worker module through tsx (worker_threads ignore `--import tsx` on Node 20).
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.module);
