/** Shared buffers a worker copies big outputs into (core/src/pool/buffers.ts). */
import { describe, expect, it } from "vitest";
import { NDArray, pool } from "@chunked/core/internal";
import { FreeLists } from "../../src/kernels/recycle.js";
const { BufferLedger, sharedClassBytes, WorkerBuffers } = pool;

describe("WorkerBuffers", () => {
  it("copies an output into a lent buffer as it is, without a pass over its memory", () => {
    const buffers = new WorkerBuffers(0);
    const first = buffers.allocateShared(64);
    new Uint8Array(first).fill(0xab);
    const lent = buffers.lend([buffers.idOf(first)], [first]);
    const again = buffers.allocateShared(64, lent);
    expect(again).toBe(first);
    expect([buffers.fresh, buffers.reused]).toEqual([1, 1]);
    expect(lent.unused()).toEqual([]);
    // Not zeroed: a copy into it writes every byte anyway.
    expect(new Uint8Array(again)[63]).toBe(0xab);
  });

  it("serves a size from a lent buffer of another size in its class", () => {
    const buffers = new WorkerBuffers(0);
    // A sort's partitions: each a little different in size.
    const first = buffers.allocateShared(80_000);
    expect(first.byteLength).toBe(sharedClassBytes(80_000));
    const lent = buffers.lend([7], [first]);
    expect(buffers.allocateShared(80_696, lent)).toBe(first);
    expect(buffers.idOf(first)).toBe(7);
    expect([buffers.fresh, buffers.reused]).toEqual([1, 1]);
  });

  it("serves a size from a lent buffer up to two classes larger, never from a smaller one", () => {
    const buffers = new WorkerBuffers(0);
    const big = buffers.allocateShared(2 ** 20 + 2 ** 18); // the class two above 2^20
    const small = buffers.allocateShared(2 ** 20);
    const lent = buffers.lend([1, 2], [big, small]);
    expect(buffers.allocateShared(2 ** 20 + 1, lent)).toBe(big); // its class is empty: one larger
    expect(buffers.allocateShared(2 ** 20 + 1, lent)).not.toBe(small); // too small: fresh
    expect(buffers.allocateShared(2 ** 19 + 1, lent)).not.toBe(small); // 3+ classes smaller: fresh
    expect(lent.unused()).toEqual([2]);
    expect(buffers.allocateShared(2 ** 20, lent)).toBe(small);
    expect(lent.unused()).toEqual([]);
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

  it("compact copies into dirty lent memory are exact (gap-free and dense)", () => {
    const base = new Float64Array(48).map((_, i) => i * 1.5 - 3);
    const views = [
      new NDArray("float64", base, [6, 8], [8, 1], 0), // whole
      new NDArray("float64", base, [4, 6], [1, 4], 0), // transposed, gap-free
      new NDArray("float64", base, [3, 2], [16, 3], 1), // gaps: dense copy
    ];
    for (const v of views) {
      const buffers = new WorkerBuffers(0);
      const copy = pool.compactCopy(v, true, (b) => buffers.allocateShared(b));
      new Uint8Array(copy.data.buffer).fill(0xff); // NaN bytes everywhere
      const lent = buffers.lend([0], [copy.data.buffer as SharedArrayBuffer]);
      const again = pool.compactCopy(v, true, (b) => buffers.allocateShared(b, lent));
      expect(again.data.buffer).toBe(copy.data.buffer);
      expect(NDArray.revive(again).toArray()).toEqual(v.toArray());
    }
  });
});

describe("BufferLedger", () => {
  const mib = 2 ** 20;
  /** A buffer made by a worker that arrived as an output the scheduler holds. */
  const arrive = (ledger: InstanceType<typeof BufferLedger>, b: SharedArrayBuffer, id: number) => {
    expect(ledger.arrived(b, id)).toBe(true);
    ledger.retain(b);
  };

  it("keeps every released buffer free and lends it to whichever worker needs its size", () => {
    const ledger = new BufferLedger();
    // 40 buffers of 2 MiB (80 MiB): one left to GC would stay resident until every thread that
    // held it collects garbage, which shared memory never triggers.
    const made = Array.from({ length: 40 }, () => new SharedArrayBuffer(2 * mib));
    for (const [i, b] of made.entries()) arrive(ledger, b, 100 + i);
    expect(ledger.stats.liveBytes).toBe(80 * mib);
    for (const b of made) ledger.release(b);
    expect(ledger.stats).toMatchObject({ liveBuffers: 0, freeBytes: 80 * mib, droppedBytes: 0 });
    // A batch of three tasks, one of them with a small (arena) output: two buffers lent.
    const lent = ledger.lend([2 * mib, 0, 2 * mib - 1000])!;
    expect(lent.ids).toHaveLength(2);
    expect(lent.buffers.every((b) => made.includes(b))).toBe(true);
    expect(ledger.stats.lentBytes).toBe(4 * mib);
    // The worker used one (it arrives as the output, under its id) and returned the other.
    const [used, unused] = lent.ids;
    const arrivedWrapper = new SharedArrayBuffer(2 * mib); // another thread's handle
    expect(ledger.arrived(arrivedWrapper, used)).toBe(true);
    ledger.returned([unused]);
    expect(ledger.stats).toMatchObject({ liveBuffers: 1, lentBytes: 0, freeBytes: 78 * mib, recycled: 1 });
    // A view of it passed on (an identity kernel's output) is not new memory.
    expect(ledger.arrived(arrivedWrapper, used)).toBe(false);
    expect(ledger.stats.madeBytes).toBe(80 * mib);
  });

  it("keeps up to 1.25 times the most bytes in use at once, and lets older free buffers go over that", () => {
    const ledger = new BufferLedger();
    // Only byte lengths matter here: 3 × 120 MiB in use at once (the 10000² rechunk: 0.85 GB).
    const made = [0, 1, 2].map(() => ({ byteLength: 120 * mib }) as SharedArrayBuffer);
    for (const [i, b] of made.entries()) arrive(ledger, b, i);
    for (const b of made) ledger.release(b);
    expect(ledger.stats.freeBytes).toBe(360 * mib);
    // Then 80 MiB ones, one at a time (nothing of the other size fits): one fits under 450 MiB.
    const next = (id: number) => {
      const b = { byteLength: 80 * mib } as SharedArrayBuffer;
      arrive(ledger, b, id);
      ledger.release(b);
    };
    next(10);
    expect(ledger.stats).toMatchObject({ freeBytes: 440 * mib, droppedBytes: 0 });
    // A second goes over: the oldest free buffer (120 MiB) goes to GC.
    next(11);
    expect(ledger.stats).toMatchObject({ freeBytes: 400 * mib, droppedBytes: 120 * mib });
    expect(ledger.lend([120 * mib, 120 * mib, 120 * mib])!.ids).toEqual([2, 1]);
  });

  it("drops the lent buffers of a worker that died; a stuck kernel may still write into them", () => {
    const ledger = new BufferLedger();
    const b = new SharedArrayBuffer(mib);
    arrive(ledger, b, 1);
    ledger.release(b);
    const lent = ledger.lend([mib])!;
    ledger.lost(lent.ids);
    expect(ledger.stats).toMatchObject({ freeBytes: 0, lentBytes: 0, droppedBytes: mib });
    expect(ledger.lend([mib])).toBeUndefined();
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
