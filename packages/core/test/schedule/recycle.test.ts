import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import * as ca from "@chunked/core";
import { registerOpener } from "@chunked/core/internal";
import { recycleStats } from "../../src/kernels/recycle.js";

// Blocks of 10000 float64 (80 KB) are above the 64 KiB threshold, so their memory is recycled.
const N = 100_000;
const BLOCK = 10_000;

function data(seed: number, n = N): Float64Array {
  const a = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    a[i] = s / 2147483648 - 0.5;
  }
  return a;
}

/** How many elements differ (toEqual's diff of 1e5 elements would take minutes when they do). */
function differing(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.max(a.length, b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) n++;
  return n;
}

/** An ArraySource whose reads allocate (as io's do), so read blocks are recyclable memory. */
function source(values: Float64Array): ca.ArraySource<"float64"> {
  return {
    shape: [values.length],
    dtype: "float64",
    read(region) {
      const [[start, stop]] = region;
      const out = ca.NDArray.zeros("float64", [stop - start]);
      (out.data as Float64Array).set(values.subarray(start, stop));
      return out;
    },
  };
}

describe("in-process memory recycling (kernels/recycle.ts)", () => {
  it("reuses released blocks and never touches an earlier compute's results", async () => {
    const x = ca.fromArray(data(1), { chunks: [BLOCK] });
    const first = await x.mul(2).add(1).compute();
    const snapshot = Float64Array.from(first.data as Float64Array);
    const before = recycleStats().reused;
    for (let k = 0; k < 3; k++) {
      const y = x.sub(3).mul(x).add(x.mul(0.5));
      const [s, z] = await ca.compute([y.sum(), ca.abs(y).mul(-1)]);
      expect(Number.isFinite(Number(s.item()))).toBe(true);
      expect(z.size).toBe(N);
    }
    expect(recycleStats().reused).toBeGreaterThan(before);
    expect(differing(first.data, snapshot)).toBe(0);
  });

  it("keeps a buffer while any stored result still uses it (an output that is a view of an intermediate)", async () => {
    const values = data(4);
    const x = ca.fromArray(values, { chunks: [N] });
    const y = x.add(1);
    // z's one block is a view of y's (a stack's new axis) and is the result itself: y is released
    // after its sum while z, an output, still uses the memory.
    const z = ca.stack([y]);
    const [s, zz] = await ca.compute([y.mul(3).sum(), z]);
    expect(Number.isFinite(Number(s.item()))).toBe(true);
    // Blocks of the same size made afterwards must not land in z's memory.
    await ca.compute([x.mul(5).sub(x), x.add(2).max()]);
    expect(
      differing(
        zz.data,
        Float64Array.from(values, (v) => v + 1),
      ),
    ).toBe(0);
  });

  it("never recycles the caller's arrays or eager results", async () => {
    const raw = data(2);
    const rawCopy = Float64Array.from(raw);
    const eager = ca.nd.multiply(ca.NDArray.from(raw), 3);
    const eagerCopy = Float64Array.from(eager.data as Float64Array);
    for (let k = 0; k < 3; k++) {
      const a = ca.fromArray(raw, { chunks: [BLOCK] });
      const b = ca.fromArray(eager, { chunks: [BLOCK] });
      await ca.compute([a.add(b).mul(2).sum(), a.mul(b).max()]);
    }
    expect(differing(raw, rawCopy)).toBe(0);
    expect(differing(eager.data as Float64Array, eagerCopy)).toBe(0);
  });

  it("gives back the read blocks of a fused read-and-reduce chain, with unchanged results", async () => {
    const values = data(3);
    const x = ca.fromArray(source(values), { chunks: [BLOCK] });
    const before = recycleStats();
    const [s, m] = await ca.compute([x.sum(), x.mean()]);
    const after = recycleStats();
    // One block read fresh, the others into its recycled memory.
    expect(after.reused - before.reused).toBeGreaterThanOrEqual(N / BLOCK - 2);
    const [s2, m2] = await ca.compute([
      ca.fromArray(values, { chunks: [BLOCK] }).sum(),
      ca.fromArray(values, { chunks: [BLOCK] }).mean(),
    ]);
    expect(s.item()).toBe(s2.item());
    expect(m.item()).toBe(m2.item());
  });

  it("an async read's later steps take their memory from the free lists too (Zarr read, then reduce)", async () => {
    const rows = 8;
    const cols = 20_000;
    const values = data(5, rows * cols);
    // A source workers could reopen (not a local one), so its reads fuse with the reduction, and
    // whose reads resolve after an await, as Zarr's do: the reduction runs after the executor's
    // kernel call has returned.
    const descriptor = { kind: "test.async-rows" };
    const rowsSource: ca.ArraySource<"float64"> = {
      shape: [rows, cols],
      dtype: "float64",
      descriptor,
      async read(region) {
        await Promise.resolve();
        const [[r0, r1]] = region;
        return ca.NDArray.from(values.slice(r0 * cols, r1 * cols), { shape: [r1 - r0, cols] });
      },
    };
    registerOpener(descriptor.kind, () => rowsSource);
    const mean = ca.fromArray(rowsSource, { chunks: [1, cols] }).mean({ axis: 0 });
    const [first] = await ca.compute([mean]);
    const before = recycleStats();
    const [again] = await ca.compute([mean]);
    const after = recycleStats();
    // Each row's partial state (count and sum of 20000 columns, 320 KB) reuses a released one.
    expect(after.reused - before.reused).toBeGreaterThanOrEqual(rows);
    // Fresh: only the new result's memory (the first result still holds its own).
    expect(after.fresh - before.fresh).toBe(1);
    expect(differing(again.data, first.data)).toBe(0);
  });

  it("recycles the partial states of a stack mean, bit-identical to the unoptimised graph", async () => {
    const days = Array.from({ length: 9 }, (_, d) =>
      ca.fromArray(ca.NDArray.from(data(10 + d, 300 * 200), { shape: [300, 200] }), { chunks: [300, 100] }),
    );
    const x = ca.stack(days);
    const mean = x.mean({ axis: 0 });
    const before = recycleStats().reused;
    const [m, an] = await ca.compute([mean, x.get(0).sub(mean)]);
    expect(recycleStats().reused).toBeGreaterThan(before);
    const [m0, an0] = await ca.compute([mean, x.get(0).sub(mean)], { optimize: false });
    expect(differing(m.data, m0.data)).toBe(0);
    expect(differing(an.data, an0.data)).toBe(0);
  });

  test.prop([fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 3 }), fc.boolean()], {
    numRuns: 5,
  })("results held across computes stay intact, whatever runs in between", async (seed, blocks, float32) => {
    const dtype = float32 ? "float32" : "float64";
    const n = blocks * 2 * BLOCK;
    const x = ca.fromArray(data(seed, n), { chunks: [2 * BLOCK] }).astype(dtype);
    const held = await ca.compute([x.mul(x).sub(1), x.cumsum(), x.add(2)]);
    const copies = held.map((h) => h.data.slice());
    for (let k = 0; k < 2; k++) await ca.compute([x.mul(3).add(x).mean(), ca.abs(x).sub(x.mul(2)), x.max()]);
    for (let i = 0; i < held.length; i++) expect(differing(held[i].data, copies[i])).toBe(0);
  });
});
