/**
 * The driver side: an {@link Executor} for core's scheduler that sends tasks to `chunked-worker`
 * processes through BullMQ on Redis. The scheduler is unchanged (order, release on last use,
 * bytes-in-flight budget); only transport and storage are new.
 * @module
 */
import { randomUUID } from "node:crypto";
import { AbortError, InvalidArgumentError, StoreError, TaskError, UnsupportedError } from "@chunked/core";
import { type Executor, type NDArray, type Task, WorkerExitError } from "@chunked/core/internal";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { decodeChunk, encodeChunk, pack, unpack } from "./codec.js";
import {
  type BatchMessage,
  type CompletionMessage,
  type ComputeKeys,
  computeKeys,
  computesChannel,
  computesKey,
  DEFAULT_PREFIX,
  fromWireError,
  INLINE_MAX_BYTES,
  jobId,
  registryHash,
  type WorkerEvent,
  type WorkerInfo,
  workerKey,
} from "./protocol.js";
import { RedisChunkStore, storeError } from "./store.js";

/** Options of {@link ClusterExecutor}. */
export interface ClusterExecutorOptions {
  /** Redis URL shared with the workers, e.g. `redis://user:password@redis.internal:6379` (`rediss://` for TLS). */
  redis: string;
  /** Key prefix shared with the workers (default `"chunked"`); lets several clusters share one Redis. */
  prefix?: string;
  /**
   * BullMQ job lock of a running batch, in ms (default 2000). A worker renews it every half period
   * while it runs; a worker killed or frozen for longer loses its batch to another worker.
   */
  lockDurationMs?: number;
  /** How often workers look for batches whose lock expired, in ms (default 1000). */
  stalledIntervalMs?: number;
  /** Tasks the scheduler keeps in flight. Default: adaptive, from the workers' threads and measured task times. */
  concurrency?: number;
  /**
   * How long a compute waits for Redis to be reachable before it fails with a `StoreError`, in ms
   * (default 10000). Later outages are not timed: ioredis reconnects and replays commands.
   */
  connectTimeoutMs?: number;
}

/** A batch should carry about this much work: each job costs a few Redis round trips. */
const BATCH_TARGET_MS = 50;
/** Tasks per batch before any has been measured. */
const FIRST_BATCH = 8;
/** Most tasks in one batch. */
const MAX_BATCH = 512;
/**
 * Batches in flight per worker thread (workers take as many jobs per thread): several, because a
 * job spends much of its life in Redis round trips, not on the thread.
 */
const BATCHES_PER_THREAD = 4;
/** Weight of a new sample in the moving average of task run times. */
const EWMA = 0.25;
/** Completion messages popped per round trip. */
const POP_COUNT = 256;
/** A compute with nothing in flight for this long is over: its queue and keys are removed. */
const IDLE_END_MS = 25;

interface Entry {
  readonly task: Task;
  readonly inputs: readonly NDArray[];
  readonly resolve: (out: NDArray) => void;
  readonly reject: (err: unknown) => void;
  /** Uploaded inputs this task holds a reference on. */
  uploads: NDArray[];
}

interface Upload {
  readonly key: string;
  /** Tasks in flight that read it. */
  refs: number;
  /** The scheduler released the chunk: no task will need it again. */
  released: boolean;
}

/** The URL with any password replaced, for error messages. */
function redactPassword(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}

/**
 * Connection errors surface through the commands that wait on them (ioredis reconnects and replays
 * them); without a listener ioredis would also print each one.
 */
function quiet(redis: Redis): Redis {
  redis.on("error", () => {});
  return redis;
}

/** One run of the scheduler (one AbortSignal), from its first task until it is idle or aborted. */
class Compute {
  readonly id = randomUUID().replace(/-/g, "").slice(0, 12);
  readonly keys: ComputeKeys;
  readonly queue: Queue;
  readonly blocking: Redis;
  readonly pending = new Map<string, Entry>();
  queued: Entry[] = [];
  readonly uploads = new Map<NDArray, Upload>();
  nextUpload = 0;
  flushScheduled = false;
  ended = false;
  /** Redis was reached for this compute, so it may hold keys to sweep when it ends. */
  connected = false;
  started!: Promise<void>;
  idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly prefix: string,
    redis: Redis,
  ) {
    this.keys = computeKeys(prefix, this.id);
    this.queue = new Queue(this.keys.queue, { connection: redis, prefix });
    // As for `quiet`: connection errors surface through the commands that wait on them.
    this.queue.on("error", () => {});
    this.blocking = quiet(redis.duplicate());
  }
}

/**
 * Runs tasks on `chunked-worker` processes, possibly on other machines, through BullMQ queues on
 * Redis. Pass it as `executor` to `compute`, like a NodePool.
 *
 * - Each compute gets its own task queue (`<prefix>:tasks-<id>`) and completion list; tasks
 *   submitted in the same tick travel as batches (one job per ~20 ms of measured work), as
 *   msgpack, with the job id `<computeId>|<first task key>`.
 * - Chunks up to 64 KiB travel inside the messages; larger ones through the chunk store (Redis),
 *   under keys namespaced by the compute. A result is deleted from Redis as the driver reads it; an
 *   input the driver uploaded is deleted when the scheduler releases it (its last dependent has
 *   run); whatever is left (an output's upload, a late duplicate) is swept when the compute ends.
 * - A worker killed or frozen mid-batch loses its job lock after `lockDurationMs`, and another
 *   worker runs the batch again; duplicate completions are ignored. A kernel that throws fails its
 *   task at once with a `TaskError` (no retries).
 * - Aborting the compute's signal stops new tasks, obliterates the compute's queue and deletes its
 *   keys. Redis at `maxmemory` fails the compute with a `StoreError`, and a compute started when only
 *   workers with another kernel registry are registered fails with an `UnsupportedError`.
 *
 * @example
 * ```ts
 * // On each machine: npx chunked-worker --redis redis://redis.internal:6379 --threads 8
 * import * as ca from "@chunked/core";
 * import { ClusterExecutor } from "@chunked/executor-cluster";
 *
 * const cluster = new ClusterExecutor({ redis: "redis://redis.internal:6379" });
 * const x = ca.random.normal(10, 0.1, [20000, 20000], { chunks: [1000, 1000], seed: 42 });
 * const mean = await x.mean().compute({ executor: cluster });
 * await cluster.close();
 * ```
 */
export class ClusterExecutor implements Executor {
  readonly #redis: Redis;
  readonly #store: RedisChunkStore;
  readonly #prefix: string;
  readonly #lockMs: number;
  readonly #stalledMs: number;
  readonly #fixedConcurrency: number | undefined;
  readonly #connectTimeoutMs: number;
  readonly #url: string;
  readonly #computes = new Map<AbortSignal, Compute>();
  readonly #ending = new Set<Promise<void>>();
  /** The signal of tasks run without one (outside a scheduler). */
  readonly #noSignal = new AbortController().signal;
  #events: Redis | undefined;
  #threads = 1;
  #meanMs: number | undefined;
  readonly #cost = new Map<string, number>();
  #closed = false;

  constructor(options: ClusterExecutorOptions) {
    this.#prefix = options.prefix ?? DEFAULT_PREFIX;
    this.#lockMs = options.lockDurationMs ?? 2000;
    this.#stalledMs = options.stalledIntervalMs ?? 1000;
    this.#fixedConcurrency = options.concurrency;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    if (!(this.#connectTimeoutMs > 0)) {
      throw new InvalidArgumentError(
        `connectTimeoutMs must be a positive number of milliseconds, got ${String(options.connectTimeoutMs)}.`,
      );
    }
    this.#url = redactPassword(options.redis);
    // BullMQ needs maxRetriesPerRequest: null on connections it may block on.
    this.#redis = quiet(new Redis(options.redis, { maxRetriesPerRequest: null }));
    this.#store = new RedisChunkStore(this.#redis, this.#prefix);
  }

  /** Tasks the scheduler should keep in flight: the workers' threads × batches × tasks per batch. */
  get concurrency(): number {
    if (this.#fixedConcurrency !== undefined) return this.#fixedConcurrency;
    const perBatch =
      this.#meanMs === undefined
        ? FIRST_BATCH
        : Math.max(1, Math.min(MAX_BATCH, Math.round(BATCH_TARGET_MS / Math.max(this.#meanMs, 1e-3))));
    return this.#threads * BATCHES_PER_THREAD * perBatch;
  }

  /** The workers registered now (alive within the last few seconds). */
  async workers(): Promise<WorkerInfo[]> {
    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, found] = await this.#redis.scan(
        cursor,
        "MATCH",
        workerKey(this.#prefix, "*"),
        "COUNT",
        256,
      );
      cursor = next;
      keys.push(...found);
    } while (cursor !== "0");
    if (keys.length === 0) return [];
    const values = await this.#redis.mget(...keys);
    return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as WorkerInfo);
  }

  /** Sends a task to the workers; resolves with its chunk. See the class notes for failures. */
  run(task: Task, inputs: readonly NDArray[], options: { signal?: AbortSignal } = {}): Promise<NDArray> {
    if (this.#closed) {
      return Promise.reject(
        new WorkerExitError(`ClusterExecutor is closed: cannot run task ${task.key}. Create a new one.`),
      );
    }
    const signal = options.signal ?? this.#noSignal;
    if (signal.aborted) return Promise.reject(this.#abortError(signal));
    let compute = this.#computes.get(signal);
    if (!compute || compute.ended) compute = this.#startCompute(signal);
    const c = compute;
    if (c.idleTimer) {
      clearTimeout(c.idleTimer);
      c.idleTimer = undefined;
    }
    return new Promise<NDArray>((resolve, reject) => {
      c.queued.push({ task, inputs, resolve, reject, uploads: [] });
      if (!c.flushScheduled) {
        c.flushScheduled = true;
        queueMicrotask(() => void this.#flush(c));
      }
    });
  }

  /** Resolves once every compute has ended and its queue and keys are gone from Redis. */
  async idle(): Promise<void> {
    while (this.#ending.size > 0 || [...this.#computes.values()].some((c) => !c.ended)) {
      if (this.#ending.size > 0) await Promise.allSettled([...this.#ending]);
      else await new Promise((r) => setTimeout(r, IDLE_END_MS));
    }
  }

  /** Ends running computes (their tasks reject), removes their keys, and disconnects. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const c of this.#computes.values()) {
      this.#end(c, new WorkerExitError("The ClusterExecutor was closed before the task finished."));
    }
    await this.idle();
    this.#events?.disconnect();
    if (this.#redis.status === "ready") await this.#redis.quit().catch(() => {});
    else this.#redis.disconnect();
  }

  #abortError(signal: AbortSignal): AbortError {
    return new AbortError("The computation was aborted.", { cause: signal.reason });
  }

  #startCompute(signal: AbortSignal): Compute {
    const c = new Compute(this.#prefix, this.#redis);
    this.#computes.set(signal, c);
    c.started = this.#announce(c);
    c.started.catch(() => {}); // failures reject the tasks, in #flush
    if (signal !== this.#noSignal) {
      const onAbort = () => this.#end(c, this.#abortError(signal));
      signal.addEventListener("abort", onAbort, { once: true });
      // Drop the listener when the compute ends, so a long-lived signal does not pile them up.
      const drop = () => signal.removeEventListener("abort", onAbort);
      c.blocking.once("end", drop);
    }
    return c;
  }

  /** Checks the workers, marks the compute live and tells the workers about it. */
  async #announce(c: Compute): Promise<void> {
    await this.#connected();
    c.connected = true;
    // Per compute: kernels defined after the executor was made count too.
    const hash = registryHash();
    const workers = await this.workers();
    const compatible = workers.filter((w) => w.hash === hash);
    if (workers.length > 0 && compatible.length === 0) {
      const theirs = [...new Set(workers.map((w) => w.hash))].join(", ");
      throw new UnsupportedError(
        "cluster workers with another kernel registry",
        `No cluster worker can run this compute: the ${workers.length} registered worker(s) have kernel registry ${theirs}, this driver has ${hash}. Start the workers with the kernel modules the driver imports (chunked-worker --module <specifier>), from the same version of @chunked.`,
      );
    }
    if (compatible.length > 0) this.#threads = compatible.reduce((n, w) => n + w.threads, 0);
    await this.#listen(c);
    await this.#redis
      .multi()
      .hset(c.keys.live, { hash, lockMs: this.#lockMs, stalledMs: this.#stalledMs })
      .sadd(computesKey(this.#prefix), c.id)
      .publish(computesChannel(this.#prefix), `start ${c.id}`)
      .exec()
      .then((results) => {
        const failed = results?.find(([err]) => err);
        if (failed) throw failed[0];
      })
      .catch((err) => {
        throw storeError(err, "starting a compute");
      });
    void this.#consume(c);
  }

  /** Resolves once Redis answers; a `StoreError` naming the URL if it does not within the timeout. */
  async #connected(): Promise<void> {
    const redis = this.#redis;
    if (redis.status === "ready") return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onReady: (() => void) | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        onReady = resolve;
        redis.once("ready", onReady);
        timer = setTimeout(
          () =>
            reject(
              new StoreError(
                `Cannot reach Redis at ${this.#url}: not connected within ${this.#connectTimeoutMs} ms. Check the URL and that redis-server is running, or raise connectTimeoutMs.`,
              ),
            ),
          this.#connectTimeoutMs,
        );
      });
    } finally {
      clearTimeout(timer);
      if (onReady) redis.off("ready", onReady);
    }
  }

  /**
   * Subscribes to the compute's event channel, where workers report what they could not write to
   * Redis. One channel per compute (not a pattern), so an ACL that allows `&<prefix>:*` suffices.
   */
  async #listen(c: Compute): Promise<void> {
    let events = this.#events;
    if (!events) {
      events = this.#events = quiet(this.#redis.duplicate());
      events.on("messageBuffer", (channel: Buffer, message: Buffer) => {
        const id = channel.toString().slice(`${this.#prefix}:events:`.length);
        const target = [...this.#computes.values()].find((x) => x.id === id);
        if (!target) return;
        const event = unpack<WorkerEvent>(message);
        this.#end(target, storeError(fromWireError(event.error), `worker ${event.worker} stored a result`));
      });
    }
    await events.subscribe(c.keys.events);
  }

  /** Sends the queued tasks of a compute as batch jobs. */
  async #flush(c: Compute): Promise<void> {
    c.flushScheduled = false;
    const entries = c.queued;
    c.queued = [];
    if (entries.length === 0 || c.ended) return;
    try {
      await c.started;
    } catch (err) {
      for (const e of entries) e.reject(err);
      this.#end(c, err);
      return;
    }
    if (c.ended) return;
    const batches = this.#split(entries);
    const puts: [string, NDArray][] = [];
    const jobs = batches.map((batch) => {
      const msg = this.#batchMessage(c, batch, puts);
      for (const e of batch) c.pending.set(e.task.key, e);
      return {
        name: "batch",
        data: { batch: pack(msg).toString("base64") },
        opts: {
          jobId: jobId(c.id, batch[0].task.key),
          attempts: 1,
          removeOnComplete: true,
          removeOnFail: false,
        },
      };
    });
    try {
      await this.#store.put(puts);
      await c.queue.addBulk(jobs);
    } catch (err) {
      this.#end(c, storeError(err, "sending tasks"));
    }
  }

  /** Splits tasks into batches of about {@link BATCH_TARGET_MS} of work, at least one per free thread. */
  #split(entries: Entry[]): Entry[][] {
    const slots = this.#threads * BATCHES_PER_THREAD;
    const share = Math.max(1, Math.ceil(entries.length / slots));
    const batches: Entry[][] = [];
    let batch: Entry[] = [];
    let cost = 0;
    for (const e of entries) {
      if (
        batch.length > 0 &&
        (batch.length >= share || batch.length >= MAX_BATCH || cost >= BATCH_TARGET_MS)
      ) {
        batches.push(batch);
        batch = [];
        cost = 0;
      }
      batch.push(e);
      // A kernel not yet measured adds nothing: the fair share above spreads such tasks anyway.
      cost += this.#cost.get(e.task.op) ?? 0;
    }
    if (batch.length > 0) batches.push(batch);
    return batches;
  }

  /** Builds a batch's message; large inputs not yet in the store are added to `puts`. */
  #batchMessage(c: Compute, batch: Entry[], puts: [string, NDArray][]): BatchMessage {
    const chunks: Uint8Array[] = [];
    const keys: string[] = [];
    const refOf = new Map<NDArray, number>();
    const inStart = [0];
    const inputs: number[] = [];
    for (const e of batch) {
      for (const a of e.inputs) {
        let ref = refOf.get(a);
        if (ref === undefined) {
          if (a.size * a.data.BYTES_PER_ELEMENT <= INLINE_MAX_BYTES) ref = chunks.push(encodeChunk(a)) - 1;
          else {
            let up = c.uploads.get(a);
            if (!up) {
              up = { key: `${this.#store.namespace(c.id)}u${c.nextUpload++}`, refs: 0, released: false };
              c.uploads.set(a, up);
              puts.push([up.key, a]);
            }
            ref = -1 - (keys.push(up.key) - 1);
          }
          refOf.set(a, ref);
        }
        if (ref < 0) {
          c.uploads.get(a)!.refs++;
          e.uploads.push(a);
        }
        inputs.push(ref);
      }
      inStart.push(inputs.length);
    }
    return {
      tasks: batch.map((e) => ({ key: e.task.key, op: e.task.op, params: e.task.params })),
      inStart,
      inputs,
      chunks,
      keys,
    };
  }

  /** Drops a finished task's references on uploaded inputs; deletes inputs nobody needs now. */
  /**
   * Drops a finished task's references on uploaded inputs, and returns the keys of those the
   * scheduler has released meanwhile. An upload the scheduler still holds stays in the store for
   * the chunk's later dependents.
   */
  #unref(c: Compute, e: Entry): string[] {
    const unused: string[] = [];
    for (const a of e.uploads) {
      const up = c.uploads.get(a);
      if (up && --up.refs === 0 && up.released) {
        c.uploads.delete(a);
        unused.push(up.key);
      }
    }
    e.uploads = [];
    return unused;
  }

  /**
   * The scheduler dropped `chunk` (its last dependent has run): its upload, if any, is deleted from
   * the store once no task in flight reads it.
   */
  release(chunk: NDArray): void {
    for (const c of this.#computes.values()) {
      const up = c.uploads.get(chunk);
      if (!up) continue;
      up.released = true;
      if (up.refs > 0) continue;
      c.uploads.delete(chunk);
      this.#store.delete([up.key]).catch(() => {}); // whatever fails here, the compute's sweep removes
    }
  }

  /** Reads the compute's completion list until it ends. */
  async #consume(c: Compute): Promise<void> {
    while (!c.ended) {
      let popped: [Buffer, Buffer[]] | null;
      try {
        popped = await c.blocking.blmpopBuffer(1, 1, c.keys.done, "LEFT", "COUNT", POP_COUNT);
      } catch (err) {
        if (!c.ended) this.#end(c, storeError(err, "reading completions"));
        return;
      }
      if (c.ended) return;
      if (popped === null) {
        await this.#checkFailedJobs(c);
        continue;
      }
      try {
        await this.#complete(
          c,
          popped[1].map((m) => unpack<CompletionMessage>(m)),
        );
      } catch (err) {
        this.#end(c, storeError(err, "reading results"));
        return;
      }
    }
  }

  /** Settles the tasks of completion messages; ignores duplicates (at-least-once delivery). */
  async #complete(c: Compute, messages: CompletionMessage[]): Promise<void> {
    const stored: [Entry, string][] = [];
    const garbage: string[] = [];
    for (const msg of messages) {
      for (const o of msg.outcomes) {
        const e = c.pending.get(o.key);
        if (!e) {
          // A duplicate run's result: nobody waits for it.
          if ("stored" in o) garbage.push(o.stored);
          continue;
        }
        c.pending.delete(o.key);
        garbage.push(...this.#unref(c, e));
        this.#learn(e.task.op, o.ms);
        if ("error" in o) e.reject(new TaskError(e.task.key, e.task.op, fromWireError(o.error)));
        else if ("chunk" in o) e.resolve(decodeChunk(o.chunk));
        else stored.push([e, o.stored]);
      }
    }
    if (stored.length > 0) {
      const chunks = await this.#store.take(stored.map(([, key]) => key));
      for (let i = 0; i < stored.length; i++) stored[i][0].resolve(chunks[i]);
    }
    if (garbage.length > 0) await this.#store.delete(garbage);
    this.#armIdle(c);
  }

  /** Jobs BullMQ failed on its own (a batch that could not be read, or that kept killing workers) fail their tasks. */
  async #checkFailedJobs(c: Compute): Promise<void> {
    if (c.pending.size === 0) return;
    const failed = await c.queue.getFailed(0, 100).catch(() => []);
    for (const job of failed) {
      const msg = unpack<BatchMessage>(Buffer.from(job.data.batch as string, "base64"));
      for (const t of msg.tasks) {
        const e = c.pending.get(t.key);
        if (!e) continue;
        c.pending.delete(t.key);
        e.reject(new TaskError(t.key, t.op, new Error(`The cluster job failed: ${job.failedReason}`)));
      }
    }
  }

  /**
   * Moving averages of task run times, geometric: the first batches of a compute include the
   * workers' start-up (seconds) and must not hold the estimate up for long.
   */
  #learn(op: string, ms: number): void {
    const x = Math.max(ms, 1e-3);
    const prev = this.#cost.get(op);
    this.#cost.set(op, prev === undefined ? x : prev * (x / prev) ** EWMA);
    this.#meanMs = this.#meanMs === undefined ? x : this.#meanMs * (x / this.#meanMs) ** EWMA;
  }

  /** Ends the compute when nothing has been in flight for a moment (the scheduler is done). */
  #armIdle(c: Compute): void {
    if (c.ended || c.pending.size > 0 || c.queued.length > 0 || c.idleTimer) return;
    c.idleTimer = setTimeout(() => {
      c.idleTimer = undefined;
      if (c.pending.size === 0 && c.queued.length === 0) this.#end(c, undefined);
    }, IDLE_END_MS);
  }

  /**
   * Ends a compute: rejects what is still waiting with `reason`, stops the workers writing for it,
   * obliterates its queue and deletes its keys (twice: a worker's stalled-job check can recreate a
   * short-lived BullMQ key just after the first sweep).
   */
  #end(c: Compute, reason: unknown): void {
    if (c.ended) return;
    c.ended = true;
    if (c.idleTimer) clearTimeout(c.idleTimer);
    for (const [signal, x] of this.#computes) if (x === c) this.#computes.delete(signal);
    const waiting = [...c.pending.values(), ...c.queued];
    c.pending.clear();
    c.queued = [];
    const err = reason ?? new Error("The compute ended before the task finished.");
    for (const e of waiting) e.reject(err);
    const ending = (async () => {
      c.blocking.disconnect();
      // Never connected: nothing to sweep, and commands would wait for a Redis that is not there
      // (the queue shares the executor's connection, which close() ends).
      if (!c.connected) return;
      await this.#events?.unsubscribe(c.keys.events).catch(() => {});
      const redis = this.#redis;
      const sweep = async () => {
        // A pipeline, not MULTI: Redis at maxmemory refuses a whole transaction, but not these commands.
        await redis
          .pipeline()
          .del(c.keys.live)
          .srem(computesKey(this.#prefix), c.id)
          .publish(computesChannel(this.#prefix), `end ${c.id}`)
          .exec()
          .catch(() => {});
        await c.queue.obliterate({ force: true }).catch(() => {});
        await redis.del(c.keys.done).catch(() => {});
        await this.#store.sweep(c.id).catch(() => {});
        await this.#sweepQueueKeys(c).catch(() => {});
      };
      await sweep();
      await new Promise((r) => setTimeout(r, this.#stalledMs + 100));
      await sweep();
      await c.queue.close().catch(() => {});
    })();
    this.#ending.add(ending);
    void ending.finally(() => this.#ending.delete(ending));
  }

  async #sweepQueueKeys(c: Compute): Promise<void> {
    let cursor = "0";
    do {
      const [next, keys] = await this.#redis.scan(
        cursor,
        "MATCH",
        `${this.#prefix}:${c.keys.queue}:*`,
        "COUNT",
        512,
      );
      cursor = next;
      if (keys.length > 0) await this.#redis.unlink(...keys);
    } while (cursor !== "0");
  }
}
