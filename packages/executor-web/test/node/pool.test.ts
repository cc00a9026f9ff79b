/**
 * The pool's logic, in Node, on fake workers (test/fake-worker.ts): the worker runtime runs
 * in-process and messages cross a real MessageChannel, so clone/transfer/SharedArrayBuffer behave
 * as between threads. Both transports run every test that depends on them.
 */
import { NDArray, type Task } from "@chunked/core/internal";
import { afterEach, describe, expect, it } from "vitest";
import { type Transport, WebPool, type WebPoolOptions, WorkerExitError } from "../../src/index.js";
import { fakeWorkers } from "../fake-worker.js";
import { simulatedClock } from "../fixtures/kernels.js";

const modules = [new URL("../fixtures/kernels.ts", import.meta.url)];
const pools: WebPool[] = [];

function makePool(options: WebPoolOptions = {}) {
  const fakes = fakeWorkers();
  const pool = new WebPool({ workers: 2, modules, createWorker: fakes.createWorker, ...options });
  pools.push(pool);
  return { pool, fakes };
}

afterEach(() => {
  for (const p of pools.splice(0)) p.terminate();
});

const task = (key: string, op: string, params?: unknown, deps: string[] = []): Task => ({
  key,
  op,
  deps,
  params: params as never,
});

/** The innermost cause of an error chain. */
function rootCause(err: unknown): any {
  let e: any = err;
  while (e?.cause) e = e.cause;
  return e;
}

/**
 * Resolves once a worker has entered one more `test.later` hang than `before` (fake workers share
 * this realm). Killing a worker after a fixed sleep instead raced with its start-up: under load the
 * worker was still importing its kernel modules, so no task was running to blame.
 */
async function untilHanging(before: number): Promise<void> {
  const g = globalThis as { __hanging?: number };
  while ((g.__hanging ?? 0) <= before) await new Promise((r) => setTimeout(r, 1));
}
const hangs = (): number => (globalThis as { __hanging?: number }).__hanging ?? 0;

/** The elements of a 1-d result. */
const vals = (a: NDArray): number[] => a.toArray() as number[];

const transports: Transport[] = ["shared", "transfer"];

describe.each(transports)("transport %s", (transport) => {
  it("runs tasks and returns the kernels' results", async () => {
    const { pool } = makePool({ transport });
    expect(pool.transport).toBe(transport);
    const x = NDArray.from([1, 2, 3]);
    const [a, b] = await Promise.all([
      pool.run(task("s/0", "test.scale", { k: 2 }, ["x"]), [x]),
      pool.run(task("s/1", "test.add", undefined, ["x", "x"]), [x, x]),
    ]);
    expect(a.toArray()).toEqual([2, 4, 6]);
    expect(b.toArray()).toEqual([2, 4, 6]);
  });

  it("never detaches or changes the caller's chunks", async () => {
    const { pool } = makePool({ transport });
    const small = NDArray.from([1, 2, 3]);
    const big = NDArray.from(new Float64Array(50_000).fill(2));
    await Promise.all([
      pool.run(task("i/0", "test.info", undefined, ["s"]), [small]),
      pool.run(task("i/1", "test.info", undefined, ["b"]), [big]),
      pool.run(task("i/2", "test.echo", undefined, ["b"]), [big]),
    ]);
    expect(small.data.byteLength).toBe(24);
    expect(big.data.byteLength).toBe(400_000);
    expect(big.data[49_999]).toBe(2);
  });

  it("sends big chunks shared or as transferred copies, small ones in the arena", async () => {
    const { pool } = makePool({ transport });
    const big = NDArray.from(new Float64Array(50_000).fill(1));
    const small = NDArray.from(new Float64Array(10).fill(1));
    const [b, s] = await Promise.all([
      pool.run(task("i/0", "test.info", undefined, ["b"]), [big]),
      pool.run(task("i/1", "test.info", undefined, ["s"]), [small]),
    ]);
    // [shared, data.length, byteOffset, buffer.byteLength, size, sum]
    expect(b.toArray()).toEqual([transport === "shared" ? 1 : 0, 50_000, 0, 400_000, 50_000, 50_000]);
    expect(vals(s)[0]).toBe(0);
    expect(vals(s)[4]).toBe(10);
  });

  it("compacts views before sending: a block of a big array carries only its elements", async () => {
    const { pool } = makePool({ transport });
    const whole = NDArray.from(
      new Float64Array(1000 * 1000).map((_, i) => i % 7),
      { shape: [1000, 1000] },
    );
    const block = whole.region([
      [100, 300, 1],
      [200, 450, 1],
    ]); // 200 x 250, with gaps
    const tiny = whole.region([
      [5, 6, 1],
      [0, 10, 1],
    ]); // 10 elements, no gaps
    const strided = whole.region([
      [0, 1000, 3],
      [0, 1000, 500],
    ]); // 334 x 2
    const out = await Promise.all(
      [block, tiny, strided].map((v, i) => pool.run(task(`i/${i}`, "test.info", undefined, ["v"]), [v])),
    );
    const sum = (v: NDArray) => (v.copy().data as Float64Array).reduce((a, b) => a + b, 0);
    expect(vals(out[0]).slice(3)).toEqual([block.size * 8, block.size, sum(block)]);
    expect(vals(out[0])[1]).toBe(block.size);
    expect(vals(out[1])[1]).toBe(10);
    expect(vals(out[1])[5]).toBe(sum(tiny));
    expect(vals(out[2])[1]).toBe(strided.size);
    expect(vals(out[2])[5]).toBe(sum(strided));
  });

  it("returns results that survive the batch (own buffers, compacted views)", async () => {
    const { pool } = makePool({ transport });
    const src = NDArray.from(new Float64Array(40_000).map((_, i) => i));
    const outs = await Promise.all([
      pool.run(task("r/0", "test.range", { n: 5 }), []),
      pool.run(task("r/1", "test.range", { n: 50_000 }), []),
      pool.run(task("e/0", "test.echo", undefined, ["x"]), [src]),
      pool.run(task("e/1", "test.echo", undefined, ["x"]), [src.region([[10, 20, 1]])]),
    ]);
    expect(outs[0].toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(outs[0].data.buffer.byteLength).toBe(40); // not the batch's arena
    expect(outs[1].item(49_999)).toBe(49_999);
    expect(outs[2].item(39_999)).toBe(39_999);
    expect(outs[3].toArray()).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    const sharedOut = outs[1].data.buffer instanceof SharedArrayBuffer;
    expect(sharedOut).toBe(transport === "shared");
  });

  it("computes chunks embedded in params (literals), views included", async () => {
    const { pool } = makePool({ transport, inline: [] });
    const whole = NDArray.from(
      new Float64Array(400 * 400).map((_, i) => i),
      { shape: [400, 400] },
    );
    const view = whole.region([
      [0, 200, 1],
      [0, 200, 1],
    ]);
    const out = await pool.run(task("lit/0", "core.literal", { array: view }), []);
    expect(out.shape).toEqual([200, 200]);
    expect(out.item(199, 199)).toBe(199 * 400 + 199);
    expect(out.data.length).toBe(200 * 200);
  });

  it("writes output blocks straight into a shared result when it shares memory, bit for bit as in-process", async () => {
    const ca = await import("@chunked/core");
    const { pool } = makePool({ transport, inlineBelowMs: 0 });
    // The tutorial's weather stack, small: the mean's blocks are outputs and the anomaly's inputs.
    const days = Array.from({ length: 4 }, (_, d) =>
      ca.fromArray(ca.nd.random.normal(10 * d, 3, [60, 90], { seed: d }), { chunks: [25, 40] }),
    );
    const x = ca.stack(days);
    const mean = x.mean({ axis: 0 });
    const arrays = [mean, x.get(0).sub(mean)] as const;
    const expected = await ca.compute(arrays);
    const got = await ca.compute(arrays, { executor: pool });
    for (let i = 0; i < 2; i++) {
      const [a, b] = [got[i].copy().data, expected[i].copy().data];
      expect(a.length).toBe(b.length);
      expect(a.every((v, k) => Object.is(v, b[k]))).toBe(true);
      expect(got[i].data.buffer instanceof SharedArrayBuffer).toBe(transport === "shared");
    }
    expect(pool.stats.written).toBe(transport === "shared" ? 2 * 3 * 3 : 0);
  });
});

describe("shared transport", () => {
  it("copies a page chunk into shared memory once, for every task that needs it", async () => {
    // Both to a worker (echo is tiny: once measured, it would run on the page).
    const { pool } = makePool({ transport: "shared", inlineBelowMs: 0 });
    const big = NDArray.from(new Float64Array(50_000).fill(3));
    // Two messages (two ticks) of one compute (its signal), the same chunk: echo returns the
    // worker's view of it.
    const { signal } = new AbortController();
    const a = await pool.run(task("e/0", "test.echo", undefined, ["b"]), [big], { signal });
    const b = await pool.run(task("e/1", "test.echo", undefined, ["b"]), [big], { signal });
    expect(a.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    a.data[0] = 42; // same memory behind both answers
    expect(b.data[0]).toBe(42);
    expect(big.data[0]).toBe(3); // the caller's chunk is not that memory
  });

  it("copies again for another compute: a page array may have changed in between", async () => {
    const { pool } = makePool({ transport: "shared" });
    const big = NDArray.from(new Float64Array(50_000).fill(3));
    const first = await pool.run(task("i/0", "test.info", undefined, ["b"]), [big], {
      signal: new AbortController().signal,
    });
    big.data.fill(1);
    const second = await pool.run(task("i/0", "test.info", undefined, ["b"]), [big], {
      signal: new AbortController().signal,
    });
    expect(vals(first)[5]).toBe(150_000);
    expect(vals(second)[5]).toBe(50_000);
  });

  it("refuses to start without SharedArrayBuffer", () => {
    const g = globalThis as { SharedArrayBuffer?: unknown };
    const saved = g.SharedArrayBuffer;
    g.SharedArrayBuffer = undefined;
    try {
      expect(() => new WebPool({ transport: "shared", createWorker: fakeWorkers().createWorker })).toThrow(
        /cross-origin isolated/,
      );
    } finally {
      g.SharedArrayBuffer = saved;
    }
  });

  it("auto picks transfer unless the page is cross-origin isolated", () => {
    const { pool } = makePool({ workers: 1 });
    expect(pool.transport).toBe("transfer");
    const g = globalThis as { crossOriginIsolated?: boolean };
    g.crossOriginIsolated = true;
    try {
      const { pool: p2 } = makePool({ workers: 1 });
      expect(p2.transport).toBe("shared");
    } finally {
      delete g.crossOriginIsolated;
    }
  });
});

describe("batching", () => {
  it("sends the run() calls of one tick as one message per worker", async () => {
    const { pool, fakes } = makePool({ workers: 3 });
    const x = NDArray.from([1, 2]);
    const outs = await Promise.all(
      Array.from({ length: 300 }, (_, i) => pool.run(task(`s/${i}`, "test.scale", { k: i }, ["x"]), [x])),
    );
    expect(outs[299].toArray()).toEqual([299, 598]);
    expect(pool.stats.batches).toBe(3);
    expect(fakes.made.map((w) => w.received.length)).toEqual([1, 1, 1]);
  });

  it("keeps the reads of its batches in flight together: a batch waiting on a read lets the next start", async () => {
    const { pool, fakes } = makePool({ workers: 1 });
    const g = globalThis as { __gate?: Promise<void>; __reading?: number; __maxReading?: number };
    let open!: () => void;
    g.__gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    g.__reading = 0;
    g.__maxReading = 0;
    const a = pool.run(task("read/0", "test.gated"), []);
    await new Promise((r) => setTimeout(r, 0)); // the next run() goes out as a second batch
    const b = pool.run(task("read/1", "test.gated"), []);
    const hop = () => new Promise((r) => setImmediate(r));
    // The first read has started and the second batch has reached the worker; give it a few turns.
    while (g.__reading === 0 || fakes.made[0].received.length < 2) await hop();
    for (let i = 0; i < 5; i++) await hop();
    const together = g.__maxReading;
    open();
    expect(((await a) as NDArray).item()).toBe(1);
    expect(((await b) as NDArray).item()).toBe(1);
    expect(fakes.made[0].received.length).toBe(2);
    expect(together).toBe(2);
  });

  it("sizes later batches from measured run times, and adapts concurrency", async () => {
    // Run times on a simulated clock that only the kernels advance: the same on any load.
    const fakes = fakeWorkers({ clock: simulatedClock });
    const { pool } = makePool({ workers: 2, createWorker: fakes.createWorker });
    expect(pool.concurrency).toBe(2);
    const tiny = (name: string, count: number) =>
      Promise.all(
        Array.from({ length: count }, (_, i) =>
          pool.run(task(`${name}/${i}`, "test.takes", { ms: 0.01 }), []),
        ),
      );
    const long = (name: string) =>
      Promise.all(
        Array.from({ length: 6 }, (_, i) => pool.run(task(`${name}/${i}`, "test.takes", { ms: 10 }), [])),
      );
    await tiny("s", 20);
    // 0.01 ms tasks: 2 ms / 0.01 ms = 200 per worker wanted, capped at 64.
    expect(pool.concurrency).toBe(2 * 64);
    const before = pool.stats.batches;
    // 10 ms tasks: the first 6 (cost unknown) are shared out, one batch per worker; the next 6,
    // measured, go one per batch.
    await long("p");
    await long("q");
    expect(pool.stats.batches - before).toBe(2 + 6);
    expect(pool.concurrency).toBe(2);
  });

  it("keeps the concurrency of its slowest recent kernel, however many tiny tasks run beside it", async () => {
    const fakes = fakeWorkers({ clock: simulatedClock });
    const { pool } = makePool({ workers: 2, createWorker: fakes.createWorker });
    for (let round = 0; round < 5; round++) {
      await Promise.all([
        pool.run(task(`big/${round}`, "test.takes", { ms: 20 }), []),
        ...Array.from({ length: 40 }, (_, i) =>
          pool.run(task(`part/${round}/${i}`, "test.scale", { k: 1 }, ["x"]), [NDArray.from([1])]),
        ),
      ]);
      // 200 tiny tasks to 5 big ones: a mean over all tasks would allow ~10 per worker.
      expect(pool.concurrency).toBe(2);
    }
  });

  it("sends a chunk used by several tasks of a batch once", async () => {
    const { pool } = makePool({ workers: 1, transport: "transfer" });
    const big = NDArray.from(new Float64Array(50_000).fill(1));
    const outs = await Promise.all(
      Array.from({ length: 4 }, (_, i) => pool.run(task(`i/${i}`, "test.info", undefined, ["b"]), [big])),
    );
    for (const o of outs) expect(vals(o)[5]).toBe(50_000);
  });

  it("ready() resolves once every worker has loaded its kernel modules", async () => {
    const { pool } = makePool({ workers: 3 });
    await pool.ready();
    await pool.ready(); // and stays resolved
    const broken = new WebPool({ workers: 1, createWorker: fakeWorkers({ failToLoad: true }).createWorker });
    pools.push(broken);
    // Nothing retries a worker that never had a task: run tasks until the pool gives up.
    for (let i = 0; i < 3; i++)
      await Promise.resolve(broken.run(task(`r/${i}`, "test.range", { n: 1 }), [])).catch(() => {});
    await expect(broken.ready()).rejects.toThrow(/failed to start 3 times/);
    pool.terminate();
    await expect(pool.ready()).rejects.toThrow(/closed/);
  });

  it("runs core.literal and core.identity on the page", async () => {
    const { pool } = makePool();
    const a = NDArray.from([1, 2, 3]);
    expect(pool.run(task("l/0", "core.literal", { array: a }), [])).toBe(a);
    expect(pool.run(task("i/0", "core.identity", undefined, ["l/0"]), [a])).toBe(a);
    expect(pool.stats.tasks).toBe(0);
  });
});

describe("faults", () => {
  it("a kernel error rejects with the task key, kernel and the worker's error as cause", async () => {
    const { pool } = makePool();
    const x = NDArray.from([1]);
    const results = await Promise.allSettled([
      pool.run(task("ok/0", "test.scale", { k: 2 }, ["x"]), [x]),
      pool.run(task("bad/0", "test.fail", { message: "kernel broke" }), []),
      pool.run(task("ok/1", "test.scale", { k: 3 }, ["x"]), [x]),
    ]);
    expect(results[0].status).toBe("fulfilled");
    expect(results[2].status).toBe("fulfilled");
    const err = (results[1] as PromiseRejectedResult).reason;
    expect(err.name).toBe("TaskError");
    expect(err.key).toBe("bad/0");
    expect(err.kernel).toBe("test.fail");
    expect(err.message).toBe("Task bad/0 (kernel test.fail) failed: kernel broke");
    expect(err.cause).toBeInstanceOf(RangeError);
    expect(err.cause.message).toBe("kernel broke");
    expect(err.cause.stack).toContain("kernels.ts");
    // Still usable.
    expect((await pool.run(task("ok/2", "test.scale", { k: 4 }, ["x"]), [x])).toArray()).toEqual([4]);
  });

  it("an unknown kernel and an unclonable parameter fail with a fix", async () => {
    const { pool } = makePool();
    const e1 = await Promise.resolve(pool.run(task("u/0", "no.such.kernel"), [])).catch((e) => e);
    expect(e1.cause.message).toMatch(/No kernel registered as "no.such.kernel"/);
    const e2 = await Promise.resolve(pool.run(task("f/0", "test.scale", { k: () => 1 }), [])).catch((e) => e);
    expect(e2.name).toBe("TaskError");
    expect(e2.cause.message).toMatch(/params.k is a function.*WebPool\(\{ modules \}\)/);
  });

  it("a parameter that structured clone rejects fails only its own task", async () => {
    const { pool } = makePool({ workers: 1 });
    const x = NDArray.from([1]);
    class Holder {
      f = () => 1; // a function in an own property: packParams passes class instances through
    }
    const results = await Promise.allSettled([
      pool.run(task("ok/0", "test.scale", { k: 2 }, ["x"]), [x]),
      pool.run(task("bad/0", "test.scale", { k: 2, h: new Holder() }, ["x"]), [x]),
      pool.run(task("ok/1", "test.scale", { k: 3 }, ["x"]), [x]),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const err = (results[1] as PromiseRejectedResult).reason;
    expect(err.key).toBe("bad/0");
    expect(err.cause.name).toBe("DataCloneError");
  });

  it("a kernel module that fails to import fails every task, naming it", async () => {
    const { pool } = makePool({ modules: [new URL("../fixtures/missing.ts", import.meta.url)] });
    const err = await Promise.resolve(pool.run(task("s/0", "test.range", { n: 1 }), [])).catch((e) => e);
    expect(err.name).toBe("TaskError");
    expect(err.cause.message).toMatch(/Could not import kernel module ".*missing.ts" in a worker of WebPool/);
  });

  it("a worker that closes itself fails its running task; the rest are retried on a replacement", async () => {
    const { pool, fakes } = makePool({ workers: 1 });
    const x = NDArray.from([1]);
    const before = hangs();
    const hang = pool.run(task("hang/0", "test.later", { ms: -1 }), []);
    const others = [0, 1, 2].map((i) => pool.run(task(`s/${i}`, "test.scale", { k: i }, ["x"]), [x]));
    // Same tick, one worker: one batch [hang, s/0, s/1, s/2]; the worker sits in `hang`.
    await untilHanging(before);
    fakes.made[0].scope!.close();
    const err = await Promise.resolve(hang).catch((e) => e);
    expect(err.name).toBe("TaskError");
    expect(err.key).toBe("hang/0");
    expect(err.cause).toBeInstanceOf(WorkerExitError);
    expect(err.cause.message).toMatch(/self.close\(\)/);
    expect((await Promise.all(others)).map((o) => o.item(0))).toEqual([0, 1, 2]);
    expect(pool.stats.workersLost).toBe(1);
    expect(pool.stats.workersStarted).toBe(2);
    expect(fakes.made[0].terminated).toBe(true);
    expect((await pool.run(task("s/9", "test.scale", { k: 9 }, ["x"]), [x])).item(0)).toBe(9);
  });

  it("an uncaught error in a worker fails its running task with that error as cause", async () => {
    const { pool, fakes } = makePool({ workers: 1 });
    const before = hangs();
    const hang = pool.run(task("hang/0", "test.later", { ms: -1 }), []);
    await untilHanging(before);
    fakes.made[0].scope!.throwUncaught(new TypeError("escaped"));
    const err = await Promise.resolve(hang).catch((e) => e);
    expect(err.key).toBe("hang/0");
    expect(err.cause).toBeInstanceOf(WorkerExitError);
    expect(err.cause.message).toMatch(/an error escaped a kernel: TypeError: escaped/);
    expect(rootCause(err)).toBeInstanceOf(TypeError);
    expect((await pool.run(task("r/0", "test.range", { n: 2 }), [])).toArray()).toEqual([0, 1]);
  });

  it("a worker script that cannot load fails the tasks, and the pool gives up after 3 tries", async () => {
    const fakes = fakeWorkers({ failToLoad: true });
    const pool = new WebPool({ workers: 1, createWorker: fakes.createWorker });
    pools.push(pool);
    const errors: any[] = [];
    for (let i = 0; i < 3; i++) {
      errors.push(
        await Promise.resolve(pool.run(task(`r/${i}`, "test.range", { n: 1 }), [])).catch((e) => e),
      );
    }
    expect(errors[0].cause).toBeInstanceOf(WorkerExitError);
    expect(errors[0].cause.message).toMatch(/failed to load/);
    const last = await Promise.resolve(pool.run(task("r/9", "test.range", { n: 1 }), [])).catch((e) => e);
    expect(last.cause.message).toMatch(/failed to start 3 times in a row/);
    expect(fakes.made.length).toBe(3);
  });
});

describe("abort", () => {
  it("rejects in-flight tasks at once, drops queued ones, and the worker skips the rest of its batch", async () => {
    const { pool } = makePool({ workers: 1 });
    const g = globalThis as { __spins?: number };
    g.__spins = 0;
    const ac = new AbortController();
    const runs = Array.from({ length: 20 }, (_, i) =>
      Promise.resolve(pool.run(task(`spin/${i}`, "test.spin", { ms: 5 }), [], { signal: ac.signal })).catch(
        (e) => e,
      ),
    );
    // Abort from a timer once the worker is inside the batch (the fake worker shares this thread),
    // as a user's timeout would. A cold pool sends all 20 tasks in one batch; the worker yields
    // after every 10 ms of kernels (at most three 5 ms spins), each yield a turn of the event loop:
    // the timer runs at the next turn and its cancel is in before the batch resumes, so at most 6
    // spins run. A yield by MessageChannel hop is handled inside that port's own delivery loop,
    // which starved timers and other ports: now and then the abort came after all 20 spins.
    while (g.__spins === 0) await new Promise((r) => setTimeout(r, 1));
    ac.abort(new Error("user"));
    const results = await Promise.all(runs);
    const aborted = results.filter((r): r is any => r instanceof Error);
    expect(aborted.length).toBe(20);
    expect(aborted[0].name).toBe("AbortError");
    expect(aborted[0].cause.message).toBe("user");
    const before = pool.stats.tasks;
    const e: any = await Promise.resolve(
      pool.run(task("x/0", "test.range", { n: 1 }), [], { signal: ac.signal }),
    ).catch((x) => x);
    expect(e.name).toBe("AbortError");
    expect(pool.stats.tasks).toBe(before);
    // The one worker runs this after the aborted batch: it noticed the cancel and skipped the rest.
    expect((await pool.run(task("r/0", "test.range", { n: 3 }), [])).toArray()).toEqual([0, 1, 2]);
    expect(g.__spins).toBeLessThanOrEqual(6);
  });

  it("terminate() rejects pending tasks and later runs", async () => {
    const { pool } = makePool();
    const pending = Promise.resolve(pool.run(task("hang/0", "test.later", { ms: -1 }), [])).catch((e) => e);
    await new Promise((r) => setTimeout(r, 5));
    pool.terminate();
    const err = await pending;
    expect(err.name).toBe("TaskError");
    expect(err.cause.message).toMatch(/closed/);
    await expect(Promise.resolve(pool.run(task("r/0", "test.range", { n: 1 }), []))).rejects.toThrow(
      /closed/,
    );
    await pool.close(); // idempotent
  });
});
