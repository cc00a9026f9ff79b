#!/usr/bin/env node
/**
 * `chunked-worker --redis URL [--threads N] [--module SPEC]... [--prefix P]`: a cluster worker.
 * Runs until SIGTERM or SIGINT, then finishes nothing more, deregisters and exits.
 * @module
 */
import { parseArgs } from "node:util";
import { ClusterWorker } from "./worker.js";

const USAGE = `Usage: chunked-worker --redis URL [--threads N] [--module SPEC]... [--prefix PREFIX]

  --redis URL      Redis shared with the driver (redis://user:pass@host:6379, rediss:// for TLS)
  --threads N      worker threads running kernels (default: one per core)
  --module SPEC    a kernel module to import (defineKernel calls); repeat for several.
                   The driver must import the same modules, or this worker is refused.
  --prefix PREFIX  key prefix shared with the driver (default: chunked)`;

function fail(message: string): never {
  process.stderr.write(`chunked-worker: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

let values: { redis?: string; threads?: string; module?: string[]; prefix?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      redis: { type: "string" },
      threads: { type: "string" },
      module: { type: "string", multiple: true },
      prefix: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  }));
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (!values.redis) fail("--redis is required.");
const threads = values.threads === undefined ? undefined : Number(values.threads);
if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) {
  fail(`--threads must be a positive integer. Got ${JSON.stringify(values.threads)}.`);
}

const worker = await ClusterWorker.start({
  redis: values.redis,
  threads,
  modules: values.module,
  prefix: values.prefix,
});
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void worker.close().then(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
