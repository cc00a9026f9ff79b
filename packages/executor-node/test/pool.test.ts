import { isChunkedError } from "@chunked/core";
import { getKernel, NDArray, type Task } from "@chunked/core/internal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodePool } from "../src/index.js";
import { makeGate } from "./fixtures/kernels.js";

const modules = [new URL("./fixtures/kernels.ts", import.meta.url)];

let n = 0;
function task(op: string, params?: Task["params"], deps: string[] = []): Task {
  return { key: `${op}-t/${n++}`, op, deps, params };
}

/** The same task run on the calling thread, as the in-process executor does. */
async function inProcess(t: Task, inputs: NDArray[]): Promise<NDArray> {
  return await getKernel(t.op)(inputs, t.params);
}

function expectSame(actual: NDArray, expected: NDArray): void {
  expect(actual).toBeInstanceOf(NDArray);
  expect(actual.dtype).toBe(expected.dtype);
  expect(actual.shape).toEqual(expected.shape);
  expect(actual.toArray()).toEqual(expected.toArray());
}

function ramp(nElements: number): NDArray<"float64"> {
  return NDArray.from(new Float64Array(nElements).map((_, i) => (i % 97) - 40.5));
}

describe("NodePool", () => {
  let pool: NodePool;
  beforeAll(() => {
    // Every task on a worker: these tests are about what crosses to one.
    pool = new NodePool({ workers: 2, modules, inline: [], inlineBelowMs: 0 });
  });
  afterAll(() => pool.close());

  it("gives the same results as running the kernels in-process", async () => {
    const base = new Float64Array(60).map((_, i) => i * 1.5 - 7);
    const chunks: NDArray[] = [
      NDArray.from([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      NDArray.from(new Int16Array([3, -2, 7, 9])),
      NDArray.from(new Float32Array([0.5, -0, Number.NaN, Number.POSITIVE_INFINITY])),
      new NDArray("float64", base, [3, 4], [20, 2], 5), // strided view
      new NDArray("float64", base, [4, 3], [1, 4], 0), // transposed view
      new NDArray("float64", base, [], [], 11), // 0-d view
      ramp(50_000), // shared (>= 32 KiB)
    ];
    const cases: [Task, NDArray[]][] = [];
    for (const c of chunks) {
      cases.push([task("test.scale", { k: -2.5 }), [c]]);
      cases.push([task("test.add"), [c, c]]);
      cases.push([task("test.sum"), [c]]);
      cases.push([task("core.identity"), [c]]);
      cases.push([task("core.literal", { array: c as any }), []]);
    }
    cases.push([task("test.range", { n: 5 }), []]);
    cases.push([task("test.range", { n: 20_000 }), []]);
    cases.push([task("test.later"), [chunks[0]]]);
    const results = await Promise.all(cases.map(([t, inputs]) => pool.run(t, inputs)));
    for (let i = 0; i < cases.length; i++) expectSame(results[i], await inProcess(...cases[i]));
  });

  it("runs inline kernels on the calling thread with the same results", async () => {
    const inline = new NodePool({ workers: 1, modules });
    try {
      const a = NDArray.from([1, 2, 3]);
      const same = inline.run(task("core.identity"), [a]);
      expect(same).toBe(a); // no round trip
      const lit = await inline.run(task("core.literal", { array: a as any }), []);
      expectSame(lit, a);
      expectSame(
        await inline.run(task("test.scale", { k: 3 }), [a]),
        await inProcess(task("test.scale", { k: 3 }), [a]),
      );
    } finally {
      await inline.close();
    }
  });

  it("runs a task whose kind ran in less than inlineBelowMs on the calling thread, a longer one on a worker", async () => {
    // A bound far above the tiny task's run time (even with its thread descheduled for a while at
    // a high load) and below the long one's.
    const p = new NodePool({ workers: 1, modules, inline: [], inlineBelowMs: 1000 });
    try {
      const a = NDArray.from([1, 2, 3]);
      const scale = (k: number) => task("test.scale", { k });
      // Its kind (kernel and input size) has never run: it goes to the worker, which times it.
      expectSame(await p.run(scale(3), [a]), await inProcess(scale(3), [a]));
      expect(p.stats).toMatchObject({ tasks: 1, inlined: 0 });
      const again = p.run(scale(4), [a]);
      expect(again).toBeInstanceOf(NDArray); // no round trip: the result is here at once
      expectSame(again as NDArray, await inProcess(scale(4), [a]));
      expect(p.stats).toMatchObject({ tasks: 1, inlined: 1 });
      // Another input size is another kind: measured on the worker first.
      await p.run(scale(3), [ramp(1000)]);
      expect(p.stats).toMatchObject({ tasks: 2, inlined: 1 });
      // A task that runs longer than the bound goes to the worker every time.
      for (let i = 0; i < 2; i++) await p.run(task("test.spin", { ms: 1200 }), [a]);
      expect(p.stats).toMatchObject({ tasks: 4, inlined: 1 });
    } finally {
      await p.close();
    }
  });

  it("runs at most about 1 ms of tiny tasks per tick on the calling thread; the rest go to the workers", async () => {
    const p = new NodePool({ workers: 1, modules, inline: [], inlineBelowMs: 1000 });
    try {
      const a = NDArray.from([1]);
      const spin = () => task("test.spin", { ms: 2 });
      await p.run(spin(), [a]); // measured on the worker: 2 ms, below the bound
      expect(p.stats).toMatchObject({ tasks: 1, inlined: 0 });
      // One tick: the first takes 2 ms on this thread, more than the tick's share, so the rest go.
      const outs = Array.from({ length: 5 }, () => p.run(spin(), [a]));
      await Promise.all(outs);
      expect(p.stats).toMatchObject({ tasks: 5, inlined: 1 });
      // The share is back in the next tick.
      expect(p.run(spin(), [a])).toBeInstanceOf(NDArray);
    } finally {
      await p.close();
    }
  });

  it("runs tasks on all workers at once", async () => {
    // Each task waits until both have started: they finish only if the two workers run them together.
    const { chunk } = makeGate();
    const out = await Promise.all([0, 1].map(() => pool.run(task("test.meet", { n: 2 }, ["g"]), [chunk])));
    expect(out.map((o) => o.item())).toEqual([2, 2]);
  });

  it("lets two tasks on two workers use one input at once, without detaching it", async () => {
    const a = ramp(1_000_000); // 8 MB, not shared
    const expected = (await inProcess(task("test.sum"), [a])).item();
    // Unknown cost at first: each goes alone, so they run on both workers at once.
    const [s1, s2, scaled, shared] = await Promise.all([
      pool.run(task("test.sum", { repeat: 3 }), [a]),
      pool.run(task("test.sum", { repeat: 3 }), [a]),
      pool.run(task("test.scale", { k: 2 }), [a]),
      pool.run(task("test.isShared"), [a]),
    ]);
    expect(s1.item()).toBe(expected);
    expect(s2.item()).toBe(expected);
    expect(scaled.item(999_999)).toBe((a.item(999_999) as number) * 2);
    expect(shared.item()).toBe(1);
    expect(a.data.byteLength).toBe(8_000_000);
    expect(a.item(123)).toBe((123 % 97) - 40.5);
    // Large results come back in SharedArrayBuffers, so passing them on copies nothing.
    expect(scaled.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    const again = await pool.run(task("test.sum"), [scaled]);
    expect(again.item()).toBe((expected as number) * 2);
  });

  it("sends only the elements of a small view into a big buffer", async () => {
    const big = ramp(4_000_000); // 32 MB
    const view = new NDArray("float64", big.data, [3, 2], [1000, 7], 123_456);
    const out = await pool.run(task("test.scale", { k: 1 }), [view]);
    expectSame(out, view.copy());
    expect(out.data.length).toBe(6);
  });

  it("rejects a failing task with its key, kernel and the worker's error as cause", async () => {
    const t = task("test.fail", { message: "boom in a kernel" });
    const err = await Promise.resolve(pool.run(t, [])).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(isChunkedError(err, "TaskError")).toBe(true);
    expect(err.message).toContain(t.key);
    expect(err.message).toContain("test.fail");
    expect(err.message).toContain("boom in a kernel");
    expect(err.key).toBe(t.key);
    expect(err.kernel).toBe("test.fail");
    expect(err.cause).toBeInstanceOf(RangeError);
    expect(err.cause.message).toBe("boom in a kernel");
    expect(err.cause.stack).toContain("kernels.ts"); // the worker's stack
  });

  it("fails only the task that threw in a batch, and stays usable", async () => {
    const a = NDArray.from([1, 2]);
    const ts = Array.from({ length: 20 }, (_, i) =>
      i === 7 ? task("test.fail", { message: "seven" }) : task("test.scale", { k: i }),
    );
    const settled = await Promise.allSettled(ts.map((t) => pool.run(t, [a])));
    settled.forEach((s, i) => {
      if (i === 7) expect(s.status === "rejected" && s.reason.message).toMatch(/seven/);
      else expect(s.status === "fulfilled" && s.value.toArray()).toEqual([i, 2 * i]);
    });
    expect((await pool.run(task("test.scale", { k: 10 }), [a])).toArray()).toEqual([10, 20]);
  });

  it("names a kernel that no worker knows, and a module that fails to load", async () => {
    const err = await Promise.resolve(pool.run(task("test.nope"), [])).catch((e) => e);
    expect(err.message).toMatch(/test\.nope/);
    expect(err.cause.message).toMatch(/No kernel registered as "test\.nope".*module specifier/);
    const broken = new NodePool({ workers: 1, modules: ["./does-not-exist.js"], inline: [] });
    try {
      const e2 = await Promise.resolve(broken.run(task("core.identity"), [NDArray.from([1])])).catch(
        (e) => e,
      );
      expect(e2.cause.message).toMatch(/Could not import kernel module .*does-not-exist\.js/);
    } finally {
      await broken.close();
    }
  });

  it("rejects params that cannot be sent to a worker", async () => {
    const err = await Promise.resolve(
      pool.run(task("test.scale", { k: (() => 1) as any }), [NDArray.from([1])]),
    ).catch((e) => e);
    expect(err.message).toMatch(/params\.k is a function/);
  });

  it("fails only the task whose params cannot be cloned", async () => {
    const a = NDArray.from([1]);
    const bad = task("test.scale", { k: new WeakMap() as any });
    const ts = [task("test.scale", { k: 1 }), bad, task("test.scale", { k: 2 })];
    const s = await Promise.allSettled(ts.map((t) => pool.run(t, [a])));
    expect(s[1].status === "rejected" && s[1].reason.message).toMatch(
      new RegExp(`${bad.key}.*could not be cloned`),
    );
    expect(s[0].status === "fulfilled" && s[0].value.item(0)).toBe(1);
    expect(s[2].status === "fulfilled" && s[2].value.item(0)).toBe(2);
  });

  it("runs 10k tiny tasks, batched", async () => {
    const a = NDArray.from([1, 2, 3]);
    const count = 10_000;
    // Warm up (kernel costs are measured, workers JIT-compiled).
    await Promise.all(Array.from({ length: 2000 }, (_, i) => pool.run(task("test.scale", { k: i }), [a])));
    const out = await Promise.all(
      Array.from({ length: count }, (_, i) => pool.run(task("test.scale", { k: i }), [a])),
    );
    for (let i = 0; i < count; i += 997) expect(out[i].toArray()).toEqual([i, 2 * i, 3 * i]);
    expect(out[count - 1].item(2)).toBe(3 * (count - 1));
    // Speed per task is measured by the bench (bench/pool.bench.ts), not asserted here.
    // Tiny tasks raise the concurrency the pool asks of the scheduler.
    expect(pool.concurrency).toBeGreaterThan(pool.workers);
  });

  it("times a task that awaits without the other batch's kernels run meanwhile", async () => {
    const one = new NodePool({ workers: 1, modules, inline: [] });
    await one.ready();
    const before = one.stats.kernelMs;
    const t0 = performance.now();
    const waiting = one.run(task("test.wait", { ms: 300 }), []);
    // A second batch, which the worker runs while the first awaits its timer.
    await new Promise((r) => setImmediate(r));
    const spinning = one.run(task("test.spin", { ms: 200 }), []);
    await Promise.all([waiting, spinning]);
    const wall = performance.now() - t0;
    // The spin ran inside the wait's span: counted once, so one worker's total is within the wall
    // time (it was the wait's span plus the spin, 500 ms or more).
    expect(one.stats.kernelMs - before).toBeLessThanOrEqual(wall);
    expect(one.stats.kernelMs - before).toBeGreaterThanOrEqual(200);
    await one.close();
  });

  it("honours a fixed concurrency", async () => {
    const fixed = new NodePool({ workers: 1, concurrency: 7 });
    expect(fixed.concurrency).toBe(7);
    await fixed.close();
  });
});

describe("NodePool abort", () => {
  let pool: NodePool;
  beforeAll(async () => {
    pool = new NodePool({ workers: 1, modules, inline: [] });
    // Timings below assume a started worker (from sources, start-up takes seconds under load).
    await pool.ready();
  });
  afterAll(() => pool.close());

  it("rejects at once when the signal is already aborted", async () => {
    const err = await Promise.resolve(
      pool.run(task("test.scale", { k: 1 }), [NDArray.from([1])], { signal: AbortSignal.abort("x") }),
    ).catch((e) => e);
    expect(isChunkedError(err, "AbortError")).toBe(true);
    expect(err.cause).toBe("x");
  });

  it("drops queued tasks and rejects in-flight ones immediately", async () => {
    const gate = makeGate();
    const ac = new AbortController();
    const running = pool.run(task("test.gate", undefined, ["g"]), [gate.chunk], { signal: ac.signal });
    await gate.until(1); // running on the only worker
    const queued = Array.from({ length: 5 }, () =>
      pool.run(task("test.gate", undefined, ["g"]), [gate.chunk], { signal: ac.signal }),
    );
    ac.abort(new Error("stop"));
    // All reject while the running kernel is still held at the gate: nothing waited for it.
    const all = await Promise.allSettled([running, ...queued]);
    for (const s of all) expect(s.status === "rejected" && s.reason.name).toBe("AbortError");
    expect(gate.entered()).toBe(1);
    // The worker finishes the running kernel and skips the rest: it reads its messages (the cancel)
    // before a batch that was sent over 1 ms earlier, which this wait makes sure of.
    await new Promise((r) => setTimeout(r, 5));
    gate.open();
    const after = await pool.run(task("test.scale", { k: 2 }), [NDArray.from([4])]);
    expect(after.toArray()).toEqual([8]);
    expect(gate.entered()).toBe(1);
  });

  it("aborts only the tasks of the aborted signal", async () => {
    const ac = new AbortController();
    const a = NDArray.from([1]);
    const mine = Array.from({ length: 5 }, () =>
      pool.run(task("test.spin", { ms: 20 }), [a], { signal: ac.signal }),
    );
    const other = Array.from({ length: 5 }, (_, i) => pool.run(task("test.scale", { k: i }), [a]));
    ac.abort();
    const s = await Promise.allSettled([...mine, ...other]);
    expect(s.slice(0, 5).every((x) => x.status === "rejected")).toBe(true);
    expect(s.slice(5).map((x) => x.status === "fulfilled" && x.value.item(0))).toEqual([0, 1, 2, 3, 4]);
  });
});

describe("NodePool worker failures", () => {
  it("fails the task whose worker exited, retries the others, and replaces the worker", async () => {
    const pool = new NodePool({ workers: 2, modules, inline: [] });
    try {
      const a = NDArray.from([1, 2]);
      await pool.run(task("test.scale", { k: 1 }), [a]); // warm: workers started
      const killer = task("test.exit", { code: 3 });
      const ts = [
        task("test.scale", { k: 1 }),
        killer,
        task("test.scale", { k: 2 }),
        task("test.scale", { k: 3 }),
      ];
      const settled = await Promise.allSettled(ts.map((t) => pool.run(t, [a])));
      const err = settled[1].status === "rejected" ? settled[1].reason : undefined;
      expect(err?.message).toContain(killer.key);
      expect(err?.message).toMatch(/worker thread running it died.*code: 3/);
      expect(err?.cause.cause.message).toMatch(/exited with code: 3/);
      for (const i of [0, 2, 3]) expect(settled[i].status).toBe("fulfilled");
      // Replaced: both workers serve again.
      const again = await Promise.all(
        Array.from({ length: 8 }, (_, i) => pool.run(task("test.scale", { k: i }), [a])),
      );
      expect(again.map((r) => r.item(1))).toEqual([0, 2, 4, 6, 8, 10, 12, 14]);
    } finally {
      await pool.close();
    }
  });

  it("fails a task whose worker ran out of memory, with a clear error", async () => {
    const pool = new NodePool({
      workers: 1,
      modules,
      inline: [],
      resourceLimits: { maxOldGenerationSizeMb: 64 },
    });
    try {
      const t = task("test.oom");
      const err = await Promise.resolve(pool.run(t, [])).catch((e) => e);
      expect(err.message).toContain(t.key);
      expect(err.message).toMatch(/died.*memory/i);
      expect((await pool.run(task("test.scale", { k: 5 }), [NDArray.from([1])])).item(0)).toBe(5);
    } finally {
      await pool.close();
    }
  });
});

describe("NodePool lifecycle", () => {
  it("close() rejects waiting tasks and later runs", async () => {
    const pool = new NodePool({ workers: 1, modules, inline: [] });
    const running = pool.run(task("test.spin", { ms: 200 }), []);
    const waiting = pool.run(task("test.scale", { k: 1 }), [NDArray.from([1])]);
    const outcomes = Promise.allSettled([running, waiting]);
    await new Promise((r) => setTimeout(r, 20));
    await pool.close();
    const [r1, r2] = await outcomes;
    expect(r1.status === "rejected" && r1.reason.message).toMatch(/closed before the task finished/);
    expect(r2.status === "rejected" && r2.reason.message).toMatch(/closed before the task (ran|finished)/);
    await expect(Promise.resolve(pool.run(task("test.scale", { k: 1 }), []))).rejects.toThrow(
      /NodePool is closed/,
    );
    await pool.close(); // idempotent
  });

  it("restarts its threads after an idle timeout", async () => {
    const pool = new NodePool({ workers: 1, modules, inline: [], idleTimeout: 50 });
    try {
      expect((await pool.run(task("test.scale", { k: 2 }), [NDArray.from([1])])).item(0)).toBe(2);
      await new Promise((r) => setTimeout(r, 200)); // threads gone
      expect((await pool.run(task("test.scale", { k: 3 }), [NDArray.from([1])])).item(0)).toBe(3);
    } finally {
      await pool.close();
    }
  });
});

describe("NodePool options and life", () => {
  it("rejects a bad option with a ChunkedError naming it", () => {
    for (const [options, name] of [
      [{ workers: 0 }, /workers=0/],
      [{ workers: 1.5 }, /workers=1.5/],
      [{ workers: 1, concurrency: -1 }, /concurrency=-1/],
      [{ workers: 1, idleTimeout: -5 }, /idleTimeout=-5/],
      [{ workers: 1, inlineBelowMs: -1 }, /inlineBelowMs=-1/],
      [{ workers: 1, abortGrace: Number.NaN }, /abortGrace=NaN/],
    ] as const) {
      let err: unknown;
      try {
        new NodePool(options);
      } catch (e) {
        err = e;
      }
      expect(isChunkedError(err, "InvalidArgumentError")).toBe(true);
      expect((err as Error).message).toMatch(name);
    }
  });

  it("ready() waits for the workers; stats count tasks, batches and workers", async () => {
    const pool = new NodePool({ workers: 2, modules, inline: [] });
    try {
      await pool.ready();
      expect(pool.stats.workersStarted).toBe(2);
      const a = NDArray.from([1, 2]);
      await Promise.all(Array.from({ length: 10 }, (_, i) => pool.run(task("test.scale", { k: i }), [a])));
      const s = pool.stats;
      expect(s.tasks).toBe(10);
      expect(s.batches).toBeGreaterThanOrEqual(2);
      expect(s.workersLost).toBe(0);
      expect(s.kernelMs).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
  });

  it("Symbol.asyncDispose closes the pool", async () => {
    const pool = new NodePool({ workers: 1, modules, inline: [] });
    await pool[Symbol.asyncDispose]();
    const err = await Promise.resolve(pool.run(task("test.scale", { k: 1 }), [NDArray.from([1])])).catch(
      (e) => e,
    );
    expect(isChunkedError(err, "WorkerExitError")).toBe(true);
    await expect(pool.ready()).rejects.toThrow(/closed/);
  });

  it("replaces a worker whose aborted read hangs, though it ran another batch since", async () => {
    const pool = new NodePool({ workers: 1, modules, inline: [], abortGrace: 50 });
    try {
      const ac = new AbortController();
      const hung = Promise.resolve(pool.run(task("test.hang"), [], { signal: ac.signal })).catch((e) => e);
      // A later tick: its own batch, which the worker runs while the first awaits its read.
      await new Promise((r) => setTimeout(r, 0));
      expect((await pool.run(task("test.scale", { k: 3 }), [NDArray.from([2])])).toArray()).toEqual([6]);
      ac.abort(new Error("timeout"));
      expect((await hung).name).toBe("AbortError");
      while (pool.stats.workersStuck === 0) await new Promise((r) => setTimeout(r, 10));
      expect(pool.stats.workersStarted).toBe(2);
      expect((await pool.run(task("test.scale", { k: 2 }), [NDArray.from([2])])).toArray()).toEqual([4]);
    } finally {
      await pool.close();
    }
  });

  it("replaces a worker stuck in an aborted task, and stays usable", async () => {
    const pool = new NodePool({ workers: 1, modules, inline: [], abortGrace: 50 });
    try {
      const ac = new AbortController();
      // A kernel held at a gate nobody opens: only ending the thread stops it.
      const gate = makeGate();
      const stuck = Promise.resolve(
        pool.run(task("test.gate", undefined, ["g"]), [gate.chunk], { signal: ac.signal }),
      ).catch((e) => e);
      await gate.until(1);
      ac.abort(new Error("timeout"));
      expect((await stuck).name).toBe("AbortError");
      const after = await pool.run(task("test.scale", { k: 3 }), [NDArray.from([2])]);
      expect(after.toArray()).toEqual([6]);
      expect(pool.stats.workersStuck).toBe(1);
      expect(pool.stats.workersStarted).toBe(2);
    } finally {
      await pool.close();
    }
  });
});
