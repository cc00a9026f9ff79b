/** Shared buffers a worker copies big outputs into (core/src/pool/buffers.ts). */
import { describe, expect, it } from "vitest";
import { NDArray, pool } from "@chunked/core/internal";
import { WorkerBuffers } from "../../src/pool/buffers.js";

describe("WorkerBuffers", () => {
  it("hands a recycled buffer out again as it is, without a pass over its memory", () => {
    const buffers = new WorkerBuffers(0);
    const first = buffers.allocateShared(64);
    new Uint8Array(first).fill(0xab);
    buffers.recycle([buffers.idOf(first)], [first]);
    const again = buffers.allocateShared(64);
    expect(again).toBe(first);
    expect([buffers.fresh, buffers.reused]).toEqual([1, 1]);
    // Not zeroed: a copy into it writes every byte anyway.
    expect(new Uint8Array(again)[63]).toBe(0xab);
  });

  it("compact copies into dirty recycled memory are exact (gap-free and dense)", () => {
    const base = new Float64Array(48).map((_, i) => i * 1.5 - 3);
    const views = [
      new NDArray("float64", base, [6, 8], [8, 1], 0), // whole
      new NDArray("float64", base, [4, 6], [1, 4], 0), // transposed, gap-free
      new NDArray("float64", base, [3, 2], [16, 3], 1), // gaps: dense copy
    ];
    for (const v of views) {
      const buffers = new WorkerBuffers(0);
      const copy = pool.compactCopy(v, true, buffers.allocateShared);
      new Uint8Array(copy.data.buffer).fill(0xff); // NaN bytes everywhere
      buffers.recycle([buffers.idOf(copy.data.buffer)], [copy.data.buffer as SharedArrayBuffer]);
      const again = pool.compactCopy(v, true, buffers.allocateShared);
      expect(again.data.buffer).toBe(copy.data.buffer);
      expect(NDArray.revive(again).toArray()).toEqual(v.toArray());
    }
  });
});
