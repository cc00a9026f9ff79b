import { describe, expect, it } from "vitest";
import * as ca from "@chunked/core";
import type { Executor, Key, NDArray, Task } from "@chunked/core";
import { defineKernel } from "@chunked/core/internal";
import { InProcessExecutor } from "../../src/schedule/in-process.js";
import { runGraph } from "../../src/schedule/scheduler.js";

defineKernel("test.assemble.value", (_inputs, params: { value: number }) =>
  ca.NDArray.from([params.value, params.value]),
);
defineKernel("test.assemble.add", (inputs) =>
  ca.NDArray.from([0, 1].map((i) => inputs.reduce((s, x) => s + (x.data[i] as number), 0))),
);

/** An in-process executor that records which results the scheduler releases, and when. */
function releasing() {
  const events: string[] = [];
  const made = new Map<Key, NDArray>();
  const released = new Set<NDArray>();
  const inner = new InProcessExecutor();
  const executor: Executor & { concurrency: number } = {
    concurrency: 1,
    run(task, inputs, options) {
      events.push(`run ${task.key}`);
      const out = inner.run(task, inputs, options) as NDArray;
      made.set(task.key, out);
      return out;
    },
    retain: (chunk) => inner.retain(chunk),
    release(chunk) {
      for (const [key, value] of made) if (value === chunk) events.push(`release ${key}`);
      released.add(chunk);
      inner.release(chunk);
    },
  };
  return { executor, events, made, released };
}

const t = (key: Key, op: string, deps: Key[] = [], params?: unknown): Task => ({
  key,
  op,
  deps,
  params: params as never,
});

describe("runGraph's onOutput", () => {
  it("drops a consumed output after its last dependent, keeps the others", async () => {
    const graph = new Map(
      [
        t("a", "test.assemble.value", [], { value: 1 }),
        t("b", "test.assemble.value", [], { value: 2 }),
        t("c", "test.assemble.add", ["a", "b"]),
      ].map((x) => [x.key, x]),
    );
    const { executor, events, released } = releasing();
    const seen: Key[] = [];
    const byKey = new Map<Key, NDArray>();
    const results = await runGraph(graph, ["a", "b", "c"], {
      executor,
      onOutput(key, chunk) {
        seen.push(key);
        byKey.set(key, chunk);
        events.push(`output ${key}`);
        return key === "b";
      },
    });
    expect(seen.sort()).toEqual(["a", "b", "c"]);
    expect([...results.keys()]).toEqual(["b"]);
    expect([...results.get("b")!.data]).toEqual([2, 2]);
    // "a" fed "c": it is released only after "c" ran; "c" has no dependents: at once.
    expect(released.has(byKey.get("a")!)).toBe(true);
    expect(released.has(byKey.get("c")!)).toBe(true);
    expect(released.has(byKey.get("b")!)).toBe(false);
    expect(events.indexOf("output a")).toBeLessThan(events.indexOf("run c"));
    expect(events.indexOf("run c")).toBeLessThan(events.indexOf("release a"));
  });
});

describe("compute joins blocks as they arrive", () => {
  const values = Float64Array.from({ length: 24 * 30 }, (_, i) => Math.sin(i) * 100);
  const x = ca.fromArray(ca.NDArray.from(values).reshape([24, 30]), { chunks: [5, 7] });

  it("releases every output block before it returns, with the same values", async () => {
    const { executor, made, released } = releasing();
    const y = x.mul(3).add(1);
    const mean = y.mean({ axis: 0 });
    const [z, m] = await ca.compute([y, mean], { executor });
    const [z0, m0] = await ca.compute([y, mean], { optimize: false });
    expect([...z.data]).toEqual([...z0.data]);
    expect([...m.data]).toEqual([...m0.data]);
    expect(z.shape).toEqual([24, 30]);
    // y's 5 × 5 blocks and the mean's 5 blocks, all handed back to the executor.
    const outputs = [...y.keys(), ...mean.keys()];
    expect(outputs).toHaveLength(30);
    for (const key of outputs) expect(released.has(made.get(key)!)).toBe(true);
  });

  it("progress reports the exact peak held, though each output block is released as it arrives", async () => {
    const events: ca.ProgressEvent[] = [];
    const y = x.mul(3).add(1);
    await ca.compute([y], { onProgress: (p) => events.push(p) });
    const last = events.at(-1)!;
    expect(last.bytesHeld).toBe(0);
    // At least one 5 x 7 float64 block was held; never less than any event's bytesHeld.
    expect(last.peakBytesHeld).toBeGreaterThanOrEqual(5 * 7 * 8);
    for (const e of events) expect(e.peakBytesHeld).toBeGreaterThanOrEqual(e.bytesHeld);
    expect(events.map((e) => e.peakBytesHeld)).toEqual(
      [...events.map((e) => e.peakBytesHeld)].sort((a, b) => a - b),
    );
  });

  it("fills one result per array when arrays share blocks, and keeps a lone block as the result", async () => {
    const y = x.sub(2);
    const one = x.sum({ axis: 1 }).rechunk(24);
    const [a, b, c] = await ca.compute([y, y, one]);
    expect(a).not.toBe(b);
    expect([...a.data]).toEqual([...b.data]);
    expect([...a.data]).toEqual(Array.from(values, (v) => v - 2));
    expect(c.shape).toEqual([24]);
    expect([...c.data]).toEqual([...(await one.compute({ optimize: false })).data]);
  });

  it("joins blocks of unknown size at the end", async () => {
    const v = ca.fromArray(values, { chunks: [100] });
    const kept = v.get(v.gt(0));
    expect(Number.isNaN(kept.shape[0])).toBe(true);
    const got = await kept.compute();
    expect([...got.data]).toEqual([...values].filter((w) => w > 0));
  });
});
