/**
 * The worker side: joins each running compute's task queue, runs batches of tasks on a NodePool
 * (worker threads, so this event loop stays free to renew BullMQ's job locks), and reports results
 * through the compute's completion list.
 * @module
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { extname, isAbsolute, resolve as resolvePath } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { InvalidArgumentError } from "@chunked/core";
import type { NDArray, Task } from "@chunked/core/internal";
import { NodePool } from "@chunked/executor-node";
import { type Job, Worker } from "bullmq";
import { Redis } from "ioredis";
import { decodeChunk, encodeChunk, pack, unpack } from "./codec.js";
import {
  type BatchMessage,
  type CompletionMessage,
  computeKeys,
  computesChannel,
  computesKey,
  DEFAULT_PREFIX,
  INLINE_MAX_BYTES,
  registryHash,
  type TaskOutcome,
  toWireError,
  WORKER_TTL_MS,
  type WorkerEvent,
  type WorkerInfo,
  workerKey,
} from "./protocol.js";
import { ping } from "./kernels.js";
import { isOutOfMemory, RedisChunkStore } from "./store.js";

/** This package's kernel module, for the threads (`.ts` when running from sources). */
const OWN_KERNELS = new URL(`./kernels${extname(fileURLToPath(import.meta.url))}`, import.meta.url).href;

/** Options of {@link ClusterWorker.start}. */
export interface ClusterWorkerOptions {
  /** Redis URL, e.g. `redis://user:password@redis.internal:6379` or `rediss://…` for TLS. */
  redis: string;
  /** Worker threads running kernels (default: `os.availableParallelism()`). */
  threads?: number;
  /**
   * Kernel modules to import (`defineKernel` calls), here and in every thread. The driver must
   * import the same ones: a worker whose kernel registry differs from the driver's is refused.
   */
  modules?: readonly string[];
  /** Key prefix shared with the driver (default `"chunked"`). */
  prefix?: string;
  /** Where to log (default: stderr). */
  log?: (line: string) => void;
}

/** Completes a batch only while its compute is live, so a late or duplicate run writes nothing after the sweep. */
const COMPLETE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 3, #KEYS do redis.call('SET', KEYS[i], ARGV[i - 1]) end
redis.call('RPUSH', KEYS[2], ARGV[1])
return 1`;

const HEARTBEAT_MS = 1500;
/** BullMQ jobs (batches) a worker takes at once, per thread; the driver sizes batches to match. */
const JOBS_PER_THREAD = 4;
/** How often the set of running computes is re-read (pub/sub messages can be missed on reconnect). */
const RESCAN_MS = 1000;

type CompleteCommand = (keys: number, ...args: (string | Buffer)[]) => Promise<number>;

function moduleUrl(m: string): string {
  if (isAbsolute(m) || m.startsWith("./") || m.startsWith("../")) return pathToFileURL(resolvePath(m)).href;
  return m;
}

/**
 * A cluster worker process's engine (the `chunked-worker` CLI runs one). It registers itself with a
 * heartbeat, joins every running compute whose kernel registry hash equals its own, and runs the
 * compute's task batches on a {@link NodePool}.
 */
export class ClusterWorker {
  readonly id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  readonly threads: number;
  readonly hash: string;

  readonly #redis: Redis;
  readonly #sub: Redis;
  readonly #pool: NodePool;
  readonly #store: RedisChunkStore;
  readonly #prefix: string;
  readonly #log: (line: string) => void;
  readonly #joined = new Map<string, Worker>();
  readonly #refused = new Set<string>();
  readonly #timers: ReturnType<typeof setInterval>[] = [];
  #closing: Promise<void> | undefined;

  private constructor(options: ClusterWorkerOptions, redis: Redis, sub: Redis, pool: NodePool) {
    this.#redis = redis;
    this.#sub = sub;
    this.#pool = pool;
    this.threads = pool.workers;
    this.#prefix = options.prefix ?? DEFAULT_PREFIX;
    this.#store = new RedisChunkStore(redis, this.#prefix);
    this.#log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.hash = registryHash();
    redis.defineCommand("chunkedComplete", { lua: COMPLETE_SCRIPT });
  }

  /** Imports the kernel modules, connects, registers and starts taking work. */
  static async start(options: ClusterWorkerOptions): Promise<ClusterWorker> {
    const modules = (options.modules ?? []).map(moduleUrl);
    for (const [i, m] of modules.entries()) {
      try {
        await import(m);
      } catch (err) {
        throw new InvalidArgumentError(
          `Could not import kernel module ${JSON.stringify(options.modules![i])}: ${err instanceof Error ? err.message : String(err)}. A file path must start with ./, ../ or /.`,
          { cause: err },
        );
      }
    }
    const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    // BullMQ's blocking commands need maxRetriesPerRequest: null.
    const redis = new Redis(options.redis, { maxRetriesPerRequest: null });
    const sub = redis.duplicate();
    // ioredis reconnects by itself (a partition heals, Redis restarts); say so once per outage.
    for (const [name, connection] of [
      ["commands", redis],
      ["announcements", sub],
    ] as const) {
      let down = false;
      connection.on("error", (err: Error) => {
        if (!down) log(`redis (${name}): ${err.message}; reconnecting`);
        down = true;
      });
      connection.on("ready", () => {
        if (down) log(`redis (${name}): connected again`);
        down = false;
      });
    }
    const pool = new NodePool({ workers: options.threads, modules: [OWN_KERNELS, ...modules] });
    const worker = new ClusterWorker(options, redis, sub, pool);
    await worker.#begin();
    return worker;
  }

  async #begin(): Promise<void> {
    // Start every thread (and load the kernel modules there) before taking work.
    const pings = Array.from({ length: this.threads }, (_, i) =>
      this.#pool.run({ key: `ping/${i}`, op: ping.id, deps: [] }, []),
    );
    await Promise.all(pings);
    await this.#heartbeat();
    const channel = computesChannel(this.#prefix);
    this.#sub.on("message", (_channel: string, message: string) => {
      const [what, id] = message.split(" ");
      if (what === "start") void this.#join(id);
      else if (what === "end") this.#leave(id);
    });
    await this.#sub.subscribe(channel);
    await this.#rescan();
    this.#timers.push(
      setInterval(
        () => void this.#heartbeat().catch((e) => this.#log(`heartbeat failed: ${e}`)),
        HEARTBEAT_MS,
      ),
      setInterval(() => void this.#rescan().catch((e) => this.#log(`rescan failed: ${e}`)), RESCAN_MS),
    );
    this.#log(`chunked-worker ${this.id}: ${this.threads} thread(s), kernel registry ${this.hash}`);
  }

  async #heartbeat(): Promise<void> {
    const info: WorkerInfo = {
      id: this.id,
      hash: this.hash,
      threads: this.threads,
      host: hostname(),
      pid: process.pid,
    };
    await this.#redis.set(workerKey(this.#prefix, this.id), JSON.stringify(info), "PX", WORKER_TTL_MS);
  }

  async #rescan(): Promise<void> {
    const running = new Set(await this.#redis.smembers(computesKey(this.#prefix)));
    for (const id of running) if (!this.#joined.has(id)) await this.#join(id);
    for (const id of this.#joined.keys()) if (!running.has(id)) this.#leave(id);
    for (const id of this.#refused) if (!running.has(id)) this.#refused.delete(id);
  }

  async #join(computeId: string): Promise<void> {
    if (this.#closing || this.#joined.has(computeId) || this.#refused.has(computeId)) return;
    const keys = computeKeys(this.#prefix, computeId);
    const live = await this.#redis.hgetall(keys.live);
    if (!live.hash || this.#joined.has(computeId)) return; // already over, or joined meanwhile
    if (live.hash !== this.hash) {
      this.#refused.add(computeId);
      this.#log(
        `refusing compute ${computeId}: its kernel registry is ${live.hash}, this worker's is ${this.hash} (start the worker with the driver's kernel modules)`,
      );
      return;
    }
    const worker = new Worker(keys.queue, (job: Job) => this.#process(computeId, job), {
      connection: this.#redis,
      prefix: this.#prefix,
      // Each job is a batch, and spends much of its time in Redis round trips: four per thread keep
      // the threads busy meanwhile (the NodePool queues what they cannot run yet).
      concurrency: this.threads * JOBS_PER_THREAD,
      lockDuration: Number(live.lockMs),
      stalledInterval: Number(live.stalledMs),
      // A job whose worker died is re-run elsewhere; only a job that keeps killing workers fails.
      maxStalledCount: 5,
      removeOnComplete: { count: 0 },
    });
    worker.on("error", (err) => this.#log(`compute ${computeId}: ${err.message}`));
    this.#joined.set(computeId, worker);
  }

  #leave(computeId: string): void {
    const worker = this.#joined.get(computeId);
    if (!worker) return;
    this.#joined.delete(computeId);
    // Running kernels finish on the pool; their results are dropped (the compute is no longer live).
    void worker.close(true).catch(() => {});
  }

  async #process(computeId: string, job: Job): Promise<void> {
    const keys = computeKeys(this.#prefix, computeId);
    const msg = unpack<BatchMessage>(Buffer.from(job.data.batch as string, "base64"));
    const stored = await this.#store.get(msg.keys);
    const inline = msg.chunks.map(decodeChunk);
    const started = performance.now();
    const runs = msg.tasks.map(async (t, i): Promise<[NDArray | undefined, unknown]> => {
      const inputs: NDArray[] = [];
      for (let j = msg.inStart[i]; j < msg.inStart[i + 1]; j++) {
        const ref = msg.inputs[j];
        inputs.push(ref >= 0 ? inline[ref] : stored[-1 - ref]);
      }
      const task: Task = { key: t.key, op: t.op, deps: [], params: t.params as Task["params"] };
      try {
        return [await this.#pool.run(task, inputs), undefined];
      } catch (err) {
        // The kernel's own error, not the pool's TaskError wrapper: the driver wraps it once.
        return [undefined, (err as { cause?: unknown }).cause ?? err];
      }
    });
    const results = await Promise.all(runs);
    const ms = (performance.now() - started) / Math.max(1, msg.tasks.length);
    const outcomes: TaskOutcome[] = [];
    const chunkKeys: string[] = [];
    const chunkValues: Buffer[] = [];
    const ns = this.#store.namespace(computeId);
    results.forEach(([out, err], i) => {
      const key = msg.tasks[i].key;
      if (!out) {
        outcomes.push({ key, ms, error: toWireError(err) });
        return;
      }
      const bytes = encodeChunk(out);
      if (bytes.length <= INLINE_MAX_BYTES) outcomes.push({ key, ms, chunk: bytes });
      else {
        const storeKey = `${ns}${key}`;
        chunkKeys.push(storeKey);
        chunkValues.push(bytes);
        outcomes.push({ key, ms, stored: storeKey });
      }
    });
    const completion: CompletionMessage = { worker: this.id, outcomes };
    const complete = (this.#redis as unknown as { chunkedComplete: CompleteCommand }).chunkedComplete;
    try {
      await complete.call(
        this.#redis,
        2 + chunkKeys.length,
        keys.live,
        keys.done,
        ...chunkKeys,
        pack(completion),
        ...chunkValues,
      );
    } catch (err) {
      if (!isOutOfMemory(err)) throw err;
      // Redis refuses every write now, the completion list included; PUBLISH still works, and the
      // driver fails the compute with a StoreError instead of waiting forever.
      const event: WorkerEvent = { worker: this.id, error: toWireError(err) };
      await this.#redis.publish(keys.events, pack(event));
    }
  }

  /** Stops taking work, ends the threads, deregisters and disconnects. Safe to call more than once. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const t of this.#timers) clearInterval(t);
      await Promise.allSettled([...this.#joined.values()].map((w) => w.close(true)));
      this.#joined.clear();
      await this.#pool.close();
      await this.#redis.del(workerKey(this.#prefix, this.id)).catch(() => {});
      this.#sub.disconnect();
      await this.#redis.quit().catch(() => {});
    })();
    return this.#closing;
  }
}
