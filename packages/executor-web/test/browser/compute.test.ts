/**
 * Whole computations on the Web Worker pool in Chromium, compared bit for bit with the page's
 * in-process executor: the tutorial's random-normal mean, reductions over several chunkings,
 * elementwise chains, slicing, stacking. Plus the pool's transport and progress in a real browser.
 */
import * as ca from "@chunked/core";
import { NDArray } from "@chunked/core";
import { assertClose } from "@chunked/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { throttle, WebPool } from "../../src/index.js";
import { identical, KERNELS_URL, poolLayoutExecutor, sameArray } from "./helpers.js";
import "../fixtures/kernels.js";

describe("computations on the Web Worker pool", () => {
  let pool: WebPool;
  beforeAll(() => {
    pool = new WebPool({ modules: [KERNELS_URL] });
  });
  afterAll(() => {
    pool.terminate();
    if (layoutDependent.length)
      console.log(`last-bit layout differences (page-array blocks): ${layoutDependent.join("; ")}`);
  });

  /**
   * Computes `y` on the pool and in-process; both must be identical. Blocks of an in-memory page
   * array are views with gaps, which the pool sends as dense copies; core's reductions over several
   * axes fold those two layouts in different orders, so there the pool must equal an in-process
   * run over the same layout exactly, and the plain in-process run to 1e-14.
   */
  async function both(y: ca.ChunkedArray, label: string): Promise<NDArray> {
    const [onPool] = await ca.compute([y], { executor: pool });
    const [inProcess] = await ca.compute([y]);
    if (!identical(onPool, inProcess)) {
      const [sameLayout] = await ca.compute([y], { executor: poolLayoutExecutor });
      sameArray(onPool, sameLayout, `${label} (pool layout)`);
      assertClose(onPool, inProcess, { label, rtol: 1e-14, atol: 0 });
      layoutDependent.push(label);
    }
    return onPool;
  }
  const layoutDependent: string[] = [];

  /** For arrays whose chunks are made by kernels (contiguous): always bit-identical. */
  async function exact(y: ca.ChunkedArray, label: string): Promise<NDArray> {
    const [onPool] = await ca.compute([y], { executor: pool });
    const [inProcess] = await ca.compute([y]);
    sameArray(onPool, inProcess, label);
    return onPool;
  }

  it("sizes itself from navigator.hardwareConcurrency and picks the transport from crossOriginIsolated", () => {
    expect(pool.workers).toBe(Math.min(navigator.hardwareConcurrency, 8));
    expect(pool.transport).toBe(crossOriginIsolated ? "shared" : "transfer");
    expect(new WebPool({ workers: 1, transport: "transfer" }).transport).toBe("transfer");
  });

  it("workers see the page's isolation (SharedArrayBuffer transport needs it in the worker too)", async () => {
    const out = await pool.run({ key: "iso/0", op: "test.isolated", deps: [] }, []);
    expect(out.item()).toBe(crossOriginIsolated ? 1 : 0);
  });

  it("the tutorial: random.normal(10, 0.1).mean({ axis: 0 })", async () => {
    const x = ca.random.normal(10, 0.1, [2000, 3000], { chunks: [500, 500], seed: 42 });
    const before = pool.stats.allocations;
    const m = await exact(x.mean({ axis: 0 }), "mean axis 0");
    // 24 blocks of 2 MB, each made and reduced in one fused task. A fresh array costs a page fault
    // per 4 KiB (25-35 ms per block here), which made the pool 6× slower than the main thread:
    // each worker makes one block buffer and reuses it for every later block.
    const { fresh, reused } = pool.stats.allocations;
    expect(fresh - before.fresh).toBeLessThanOrEqual(pool.workers);
    expect(fresh - before.fresh + reused - before.reused).toBeGreaterThanOrEqual(24);
    expect(m.shape).toEqual([3000]);
    const values = m.toArray() as number[];
    expect(Math.abs(values.reduce((a, b) => a + b, 0) / values.length - 10)).toBeLessThan(1e-3);
    // A different chunking gives the same numbers to rounding (counter-based generator).
    const y = ca.random.normal(10, 0.1, [2000, 3000], { chunks: [700, 1100], seed: 42 });
    const [m2] = await ca.compute([y.mean({ axis: 0 })], { executor: pool });
    for (let i = 0; i < 3000; i += 97) expect(m2.item(i)).toBeCloseTo(m.item(i) as number, 12);
  });

  it("sums, means and std over several chunkings", async () => {
    const data = NDArray.from(
      new Float64Array(240 * 180).map((_, i) => Math.sin(i) * 100 + (i % 13)),
      { shape: [240, 180] },
    );
    for (const chunks of [
      [240, 180],
      [60, 45],
      [100, 70],
      [
        [40, 200],
        [179, 1],
      ],
      17,
    ] as ca.ChunkSpec[]) {
      const x = ca.fromArray(data, { chunks });
      const label = JSON.stringify(chunks);
      await both(ca.sum(x), `sum ${label}`);
      await both(ca.mean(x, { axis: 0 }), `mean axis 0 ${label}`);
      await both(ca.std(x, { axis: 1, ddof: 1 }), `std axis 1 ${label}`);
      await both(ca.variance(x, { axis: 0, splitEvery: 2 }), `var ${label}`);
      await both(ca.argmax(x, { axis: 1 }), `argmax ${label}`);
      await both(ca.nanmean(x), `nanmean ${label}`);
    }
  });

  it("elementwise chains (fused) on float32 and int32", async () => {
    const x = ca.random.uniform(-5, 5, [300, 400], { chunks: [128, 100], seed: 7, dtype: "float32" });
    const y = ca.sqrt(ca.abs(x.mul(2).add(1))).sub(ca.exp(x.div(10)));
    await exact(y, "float32 chain");
    const i = ca.arange(0, 120_000, 1, { dtype: "int32", chunks: 10_000 });
    await exact(ca.where(ca.greater(ca.mod(i, 7), 3), i.mul(3), ca.negative(i)), "int32 where");
    await exact(ca.sum(i.astype("float64").mul(0.5)), "sum of a chain");
  });

  it("slicing: steps, negative steps, newaxis, views of page arrays", async () => {
    const data = NDArray.from(
      new Float64Array(500 * 300).map((_, i) => i),
      { shape: [500, 300] },
    );
    const x = ca.fromArray(data, { chunks: [128, 64] });
    await both(x.at`::3, 1:-1`, "::3, 1:-1");
    await both(x.at`::-7, 5`, "::-7, 5");
    await both(x.at`100:400:5, None, ::-2`, "with newaxis");
    await both(ca.sum(x.at`::2, ::2`, { axis: 0 }), "sum of a strided slice");
    const r = ca.random.normal(0, 1, [1000, 1000], { chunks: 250, seed: 1 });
    await exact(r.at`::100, ::100`, "random ::100");
  });

  it("stacking, concatenating, transposing", async () => {
    const a = ca.random.normal(0, 1, [200, 300], { chunks: [64, 100], seed: 3 });
    const b = ca.random.normal(5, 2, [200, 300], { chunks: [100, 64], seed: 4 });
    await exact(ca.stack([a, b], { axis: 1 }), "stack axis 1");
    await exact(ca.mean(ca.stack([a, b, a]), { axis: 0 }), "mean of a stack");
    // Deeper than one fused task's blocks: a chain of folds, each adding into the state the last
    // one carried (in a plain page's workers too, where SharedArrayBuffer is not defined).
    const days = Array.from({ length: 40 }, (_, i) =>
      ca.random.normal(i, 1, [64, 96], { chunks: [32, 48], seed: 10 + i }),
    );
    await exact(ca.mean(ca.stack(days), { axis: 0 }), "mean of a 40-deep stack");
    await exact(ca.concatenate([a, b], { axis: 0 }), "concatenate");
    await exact(ca.sum(ca.transpose(a).mul(b.at`::-1`.transpose()), { axis: 1 }), "transpose product");
  });

  it("several outputs share work and come back together", async () => {
    const x = ca.random.normal(1, 1, [800, 800], { chunks: 200, seed: 9 });
    const [m, s, mx] = await ca.compute([x.mean(), x.std(), x.max({ axis: 0 })], { executor: pool });
    const [m0, s0, mx0] = await ca.compute([x.mean(), x.std(), x.max({ axis: 0 })]);
    sameArray(m, m0, "mean");
    sameArray(s, s0, "std");
    sameArray(mx, mx0, "max");
  });

  it("recomputes a page array that changed since the last compute (no stale shared copies)", async () => {
    const data = NDArray.from(new Float64Array(300 * 300).fill(1), { shape: [300, 300] });
    const x = ca.fromArray(data, { chunks: 150 }); // 180 KB blocks: shared or transferred, not packed
    const [a] = await ca.compute([ca.sum(x, { axis: 0 })], { executor: pool });
    data.data.fill(2);
    const [b] = await ca.compute([ca.sum(x, { axis: 0 })], { executor: pool });
    expect(a.item(0)).toBe(300);
    expect(b.item(0)).toBe(600);
  });

  it("reports progress, throttled", async () => {
    const x = ca.random.normal(0, 1, [1000, 1000], { chunks: 100, seed: 2 });
    const seen: number[] = [];
    const onProgress = throttle((p: ca.ProgressEvent) => seen.push(p.done / p.total), 30);
    const raw: number[] = [];
    await ca.compute([x.mean({ axis: 1 })], {
      executor: pool,
      onProgress: (p) => {
        raw.push(p.done);
        onProgress(p);
      },
    });
    onProgress.flush();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.length).toBeLessThanOrEqual(raw.length);
    expect(seen.at(-1)).toBe(1);
  });
});
