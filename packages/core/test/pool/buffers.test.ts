/** Shared buffers a worker copies big outputs into (core/src/pool/buffers.ts). */
import { describe, expect, it } from "vitest";
import { NDArray, pool } from "@chunked/core/internal";
import { FreeLists } from "../../src/kernels/recycle.js";
const { BufferLedger, RECYCLE_CAP_BYTES, sharedClassBytes, WorkerBuffers } = pool;

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

  it("when full, the buffers freed longest ago go, not the one just freed", () => {
    const cap = 4 * 2 ** 20;
    const buffers = new WorkerBuffers(0, cap);
    const quarter = cap / 4;
    // An earlier compute's size fills the free list...
    const stale = [0, 1, 2, 3].map(() => buffers.allocateShared(quarter));
    buffers.recycle(
      stale.map((b) => buffers.idOf(b)),
      stale,
    );
    expect(buffers.freeBytes).toBe(cap);
    // ...then this compute's buffers of another size class are kept, in place of the oldest stale ones.
    const current = [0, 1].map(() => buffers.allocateShared(quarter + 8));
    buffers.recycle(
      current.map((b) => buffers.idOf(b)),
      current,
    );
    expect(buffers.freeBytes).toBeLessThanOrEqual(cap);
    expect(buffers.allocateShared(quarter + 8)).toBe(current[1]);
    expect(buffers.allocateShared(quarter + 8)).toBe(current[0]);
    expect(buffers.allocateShared(quarter)).toBe(stale[3]); // the newest stale one stayed
    expect(buffers.allocateShared(quarter)).not.toBe(stale[0]); // the oldest went: a fresh one
    expect(buffers.freeBytes).toBe(0);
  });

  it("serves a size from a freed buffer of another size in its class", () => {
    const buffers = new WorkerBuffers(0);
    // A sort's partitions: each a little different in size.
    const first = buffers.allocateShared(80_000);
    expect(first.byteLength).toBe(sharedClassBytes(80_000));
    buffers.recycle([buffers.idOf(first)], [first]);
    expect(buffers.allocateShared(80_696)).toBe(first);
    expect([buffers.fresh, buffers.reused]).toEqual([1, 1]);
  });

  it("serves a size from a free buffer up to two classes larger, never from a smaller one", () => {
    const buffers = new WorkerBuffers(0);
    const big = buffers.allocateShared(2 ** 20 + 2 ** 18); // the class two above 2^20
    const small = buffers.allocateShared(2 ** 20);
    buffers.recycle([buffers.idOf(big), buffers.idOf(small)], [big, small]);
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
      buffers.recycle([buffers.idOf(copy.data.buffer)], [copy.data.buffer as SharedArrayBuffer]);
      const again = pool.compactCopy(v, true, buffers.allocateShared);
      expect(again.data.buffer).toBe(copy.data.buffer);
      expect(NDArray.revive(again).toArray()).toEqual(v.toArray());
    }
  });
});

describe("BufferLedger", () => {
  it("gives every released buffer back to its worker, however many bytes", () => {
    const ledger = new BufferLedger();
    const worker = {};
    // 40 buffers of 2 MiB (80 MiB): one left to GC would stay resident until every thread that
    // held it collects garbage, which shared memory never triggers.
    const made = Array.from({ length: 40 }, () => new SharedArrayBuffer(2 ** 21));
    made.forEach((b, i) => {
      ledger.arrived(b, 100 + i, worker);
      ledger.retain(b);
    });
    expect(ledger.stats.liveBytes).toBe(40 * 2 ** 21);
    for (const b of made) ledger.release(b);
    const free = ledger.takeFree(worker)!;
    expect(free.buffers).toEqual(made);
    expect(free.ids).toEqual(made.map((_, i) => 100 + i));
    expect(ledger.stats.liveBuffers).toBe(0);
    expect(ledger.takeFree(worker)).toBeUndefined();
  });

  it("tells each worker to keep as many free bytes as the pool held of its buffers at once", () => {
    const ledger = new BufferLedger();
    const [big, small] = [{}, {}];
    // Only byte lengths matter here: 3 × 120 MiB held at once (the 10000² rechunk holds 0.85 GB).
    const mib = 2 ** 20;
    const made = [0, 1, 2].map(() => ({ byteLength: 120 * mib }) as ArrayBufferLike);
    made.forEach((b, i) => {
      ledger.arrived(b, i, big);
      ledger.retain(b);
    });
    ledger.release(made[0]);
    // Freed and not yet sent back still counts: the worker may make another meanwhile.
    const again = { byteLength: 120 * mib } as ArrayBufferLike;
    ledger.arrived(again, 3, big);
    ledger.retain(again);
    for (const b of [...made.slice(1), again]) ledger.release(b);
    expect(ledger.takeFree(big)!.cap).toBe(4 * 120 * mib);
    const one = new SharedArrayBuffer(64);
    ledger.arrived(one, 10, small);
    ledger.retain(one);
    ledger.release(one);
    expect(ledger.takeFree(small)!.cap).toBe(RECYCLE_CAP_BYTES);
    // What a worker keeps never shrinks below its peak: a later, smaller compute keeps the cap.
    ledger.arrived(made[0], 20, big);
    ledger.retain(made[0]);
    ledger.release(made[0]);
    expect(ledger.takeFree(big)!.cap).toBe(4 * 120 * mib);
  });
});

describe("WorkerBuffers.recycle", () => {
  it("keeps free buffers up to the cap the pool sends", () => {
    const buffers = new WorkerBuffers(0, 2 ** 20);
    const made = [0, 1, 2].map(() => buffers.allocateShared(2 ** 19));
    const ids = made.map((b) => buffers.idOf(b));
    buffers.recycle(ids, made, 2 * 2 ** 20);
    expect(buffers.freeBytes).toBe(3 * 2 ** 19);
    const reused = made.map(() => buffers.allocateShared(2 ** 19));
    expect(reused.every((b) => made.includes(b))).toBe(true);
    expect([buffers.fresh, buffers.reused]).toEqual([3, 3]);
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
});
