/** Shared buffers a worker copies big outputs into (core/src/pool/buffers.ts). */
import { describe, expect, it } from "vitest";
import { NDArray, pool } from "@chunked/core/internal";
import { FreeLists } from "../../src/kernels/recycle.js";
const { BufferLedger, sharedClassBytes, WorkerBuffers } = pool;

describe("WorkerBuffers", () => {
  it("hands a lent buffer out as it is, without a pass over its memory", () => {
    const buffers = new WorkerBuffers(0);
    const first = buffers.allocateShared(64);
    new Uint8Array(first).fill(0xab);
    buffers.lend([buffers.idOf(first)], [first]);
    const again = buffers.allocateShared(64);
    expect(again).toBe(first);
    expect([buffers.fresh, buffers.reused]).toEqual([1, 1]);
    // Not zeroed: a copy into it writes every byte anyway.
    expect(new Uint8Array(again)[63]).toBe(0xab);
  });

  it("gives back the lent buffers it did not use, and keeps none", () => {
    const buffers = new WorkerBuffers(0);
    const lent = [1000, 2000, 3000].map((id) => ({ id, buffer: new SharedArrayBuffer(2 ** 16) }));
    buffers.lend(
      lent.map((l) => l.id),
      lent.map((l) => l.buffer),
    );
    const used = buffers.allocateShared(2 ** 16);
    expect(buffers.idOf(used)).toBe(3000); // the one lent last
    expect(buffers.takeSpare()).toEqual({ ids: [1000, 2000], buffers: [lent[0].buffer, lent[1].buffer] });
    expect(buffers.freeBytes).toBe(0);
    expect(buffers.takeSpare()).toBeUndefined();
  });

  it("serves a size from a lent buffer of another size in its class", () => {
    const buffers = new WorkerBuffers(0);
    // A sort's partitions: each a little different in size.
    const first = buffers.allocateShared(80_000);
    expect(first.byteLength).toBe(sharedClassBytes(80_000));
    buffers.lend([buffers.idOf(first)], [first]);
    expect(buffers.allocateShared(80_696)).toBe(first);
    expect([buffers.fresh, buffers.reused]).toEqual([1, 1]);
  });

  it("serves a size from a lent buffer up to two classes larger, never from a smaller one", () => {
    const buffers = new WorkerBuffers(0);
    const big = buffers.allocateShared(2 ** 20 + 2 ** 18); // the class two above 2^20
    const small = buffers.allocateShared(2 ** 20);
    buffers.lend([buffers.idOf(big), buffers.idOf(small)], [big, small]);
    expect(buffers.allocateShared(2 ** 20 + 1)).toBe(big); // its class is empty: one larger
    expect(buffers.allocateShared(2 ** 20 + 1)).not.toBe(small); // too small: fresh
    expect(buffers.allocateShared(2 ** 19 + 1)).not.toBe(small); // 3+ classes smaller: fresh
    expect(buffers.allocateShared(2 ** 20)).toBe(small);
  });

  it("size classes: 8 per doubling, at most 1/8 unused, 8-byte aligned", () => {
    for (let bytes = 1; bytes < 2 ** 24; bytes = Math.ceil(bytes * 1.37) + 5) {
      const c = sharedClassBytes(bytes);
      expect(c).toBeGreaterThanOrEqual(bytes);
      expect(c % 8).toBe(0);
      if (bytes > 64) expect(c - bytes).toBeLessThanOrEqual(bytes / 8);
      expect(sharedClassBytes(c)).toBe(c);
    }
    expect(sharedClassBytes(0)).toBe(0);
    expect(sharedClassBytes(2 ** 20)).toBe(2 ** 20);
    expect(sharedClassBytes(2 ** 20 + 1)).toBe(2 ** 20 + 2 ** 17);
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
      buffers.lend([buffers.idOf(copy.data.buffer)], [copy.data.buffer as SharedArrayBuffer]);
      const again = pool.compactCopy(v, true, buffers.allocateShared);
      expect(again.data.buffer).toBe(copy.data.buffer);
      expect(NDArray.revive(again).toArray()).toEqual(v.toArray());
    }
  });
});

describe("BufferLedger", () => {
  it("keeps every released buffer, and lends each for an output of its size class", () => {
    const ledger = new BufferLedger();
    // 40 buffers of 2 MiB (80 MiB, over the 32 MB minimum cap): one left to GC would stay
    // resident until every thread that held it collects garbage, which shared memory never triggers.
    const made = Array.from({ length: 40 }, () => new SharedArrayBuffer(2 ** 21));
    made.forEach((b, i) => {
      ledger.arrived(b, 100 + i);
      ledger.retain(b);
    });
    expect(ledger.stats.liveBytes).toBe(40 * 2 ** 21);
    for (const b of made) ledger.release(b);
    expect(ledger.stats.liveBuffers).toBe(0);
    expect(ledger.freeBytes).toBe(40 * 2 ** 21);
    // An output expected of 1.9 MiB gets one (the one freed last); a smaller class none.
    expect(ledger.lend(2 ** 21 - 2 ** 17)).toEqual({ id: 139, buffer: made[39] });
    expect(ledger.lend(2 ** 20)).toBeUndefined();
    // Lent and not used: back to the free ones.
    ledger.giveBack([139], [made[39]]);
    expect(ledger.freeBytes).toBe(40 * 2 ** 21);
    const lent = Array.from({ length: 40 }, () => ledger.lend(2 ** 21)!.id);
    expect(new Set(lent).size).toBe(40);
    expect(ledger.lend(2 ** 21)).toBeUndefined();
    expect(ledger.stats.recycled).toBe(41);
  });
});

describe("FreeLists", () => {
  it("keeps the buffers freed last within its cap, and drops the oldest when the cap is lowered", () => {
    const lists = new FreeLists<ArrayBuffer>(100);
    const [a, b, c] = [40, 40, 20].map((n) => new ArrayBuffer(n));
    for (const x of [a, b, c]) lists.put(x);
    lists.put(a); // already free: not listed twice
    expect(lists.bytes).toBe(100);
    const d = new ArrayBuffer(40);
    lists.put(d); // over the cap: the oldest (a) goes
    expect([lists.has(a), lists.has(b), lists.has(d)]).toEqual([false, true, true]);
    lists.put(new ArrayBuffer(101)); // alone over the cap: not kept
    expect(lists.bytes).toBe(100);
    lists.cap = 60; // b, the oldest, goes
    expect([lists.has(b), lists.has(c), lists.has(d)]).toEqual([false, true, true]);
    expect(lists.take(40)).toBe(d);
    expect(lists.take(40)).toBeUndefined();
    expect(lists.take(20)).toBe(c);
    expect(lists.bytes).toBe(0);
  });

  it("drain empties the lists, oldest first", () => {
    const lists = new FreeLists<ArrayBuffer>(100);
    const [a, b] = [40, 20].map((n) => new ArrayBuffer(n));
    lists.put(a);
    lists.put(b);
    expect(lists.drain()).toEqual([a, b]);
    expect([lists.bytes, lists.take(40)]).toEqual([0, undefined]);
  });
});
