import { describe, expect, test } from "vitest";
import * as ca from "@chunked/core";
import { store } from "@chunked/core";
import { NDArray, copyInto } from "@chunked/core/internal";
import type { ArrayTarget, CompletableTarget, Region } from "@chunked/core";

/** An in-memory target that records its writes. */
function memoryTarget(shape: number[], dtype: ca.DType = "float64", delayMs = 0) {
  const data = NDArray.zeros(dtype, shape);
  const writes: Region[] = [];
  let active = 0;
  let maxActive = 0;
  const target: ArrayTarget = {
    shape,
    dtype,
    async write(region, block) {
      active++;
      maxActive = Math.max(maxActive, active);
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      copyInto(data.region(region), block);
      writes.push(region);
      active--;
    },
  };
  return { target, data, writes, maxActive: () => maxActive };
}

describe("store", () => {
  test("writes every block into the target, chunk by chunk", async () => {
    const x = ca.arange(60, { chunks: 7 }).reshape([6, 10]).rechunk([4, 3]);
    const m = memoryTarget([6, 10]);
    const r = await store(x, m.target);
    expect(r.blocks).toBe(2 * 4);
    expect(m.writes).toHaveLength(8);
    expect(Array.from(m.data.data as ArrayLike<number>)).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });

  test("regions place arrays inside bigger targets, with steps; dtypes are cast", async () => {
    const x = ca.fromArray(new Float64Array([1.5, 2.5, 3.5]), { chunks: 2 });
    const m = memoryTarget([8], "int32");
    await store([x], [m.target], { regions: [[[1, 7, 2]]] });
    expect(Array.from(m.data.data as ArrayLike<number>)).toEqual([0, 1, 0, 2, 0, 3, 0, 0]);
  });

  test("lock serialises writes into a target", async () => {
    const x = ca.ones([40], { chunks: 5 });
    const m = memoryTarget([40], "float64", 2);
    await store(x, m.target, {
      executor: {
        concurrency: 4,
        run: (t, i) => ca.InProcessExecutor.prototype.run.call(new ca.InProcessExecutor(), t, i),
      },
    });
    expect(m.maxActive()).toBe(1);
  });

  test("shape mismatch is an error before anything runs", async () => {
    const m = memoryTarget([5]);
    await expect(store(ca.ones([4], { chunks: 2 }), m.target)).rejects.toThrow(
      /differ in shape. Got array shape=\[4\], region shape=\[5\]/,
    );
    expect(m.writes).toHaveLength(0);
  });

  test("a failing write reports how much was written", async () => {
    let n = 0;
    let ok = 0;
    const target: ArrayTarget = {
      shape: [10],
      dtype: "float64",
      write() {
        if (++n === 3) throw new Error("disk full");
        ok++;
      },
    };
    const err = await store(ca.ones([10], { chunks: 2 }), target).catch((e) => e);
    expect(ca.isChunkedError(err, "StoreError")).toBe(true);
    // Writes already in flight may land after the failing one: the count is what really was written.
    expect(String(err.message)).toMatch(new RegExp(`after writing ${ok} of 5 blocks .*disk full`));
    expect(ok).toBeLessThan(5);
  });

  test("in-process, a completable target is written through writeBehind, then finished", async () => {
    const calls: string[] = [];
    const data = NDArray.zeros("float64", [6]);
    const target: CompletableTarget = {
      shape: [6],
      dtype: "float64",
      write(region, block) {
        calls.push("write");
        copyInto(data.region(region), block);
      },
      async writeBehind(region, block) {
        calls.push("behind");
        copyInto(data.region(region), block);
      },
      async finish() {
        calls.push("finish");
      },
      async abort() {
        calls.push("abort");
      },
    };
    await store(ca.arange(6, { chunks: 2 }), target);
    expect(calls).toEqual(["behind", "behind", "behind", "finish"]);
    expect(Array.from(data.data as Float64Array)).toEqual([0, 1, 2, 3, 4, 5]);
    // Without store's finish(), nothing would wait for the writes: plain write().
    calls.length = 0;
    await store(ca.arange(6, { chunks: 3 }), target, { finish: false });
    expect(calls).toEqual(["write", "write"]);
  });
});
