import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import * as ca from "@chunked/core";

describe("random", () => {
  test.prop(
    [
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 13 }),
      fc.integer({ min: 1, max: 13 }),
      fc.integer({ min: 0, max: 2 ** 53 - 1 }),
    ],
    { numRuns: 30 },
  )("the same seed gives the same numbers whatever the chunking", async (r, c, br, bc, seed) => {
    const a = await ca.random.normal(0, 1, [r, c], { chunks: [br, bc], seed }).compute();
    const b = await ca.random.normal(0, 1, [r, c], { chunks: -1 as unknown as number, seed }).compute();
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
  });

  test("the eager twin equals the chunked array", async () => {
    const lazy = await ca.random.uniform(-2, 3, [30, 17], { chunks: [7, 5], seed: 9 }).compute();
    const eager = ca.nd.random.uniform(-2, 3, [30, 17], { seed: 9 });
    expect(Array.from(lazy.data)).toEqual(Array.from(eager.data));
  });

  test("moments of each distribution", async () => {
    const n = 200_000;
    const stats = async (x: ca.ChunkedArray) => {
      const [m, v] = await ca.compute([x.mean(), x.var()]);
      return [m.item() as number, v.item() as number];
    };
    const [nm, nv] = await stats(ca.random.normal(10, 0.5, n, { chunks: 30_000, seed: 1 }));
    expect(nm).toBeCloseTo(10, 2);
    expect(nv).toBeCloseTo(0.25, 2);
    const [um, uv] = await stats(ca.random.uniform(2, 4, n, { chunks: 30_000, seed: 2 }));
    expect(um).toBeCloseTo(3, 2);
    expect(uv).toBeCloseTo(1 / 3, 2);
    const [em, ev] = await stats(ca.random.exponential(2, n, { chunks: 30_000, seed: 3 }));
    expect(em).toBeCloseTo(2, 1);
    expect(ev).toBeCloseTo(4, 0);
    const ints = await ca.random.integers(-3, 4, n, { chunks: 30_000, seed: 4 }).compute();
    const counts = new Map<number, number>();
    for (const v of ints.data as Int32Array) counts.set(v, (counts.get(v) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    for (const c of counts.values()) expect(Math.abs(c / n - 1 / 7)).toBeLessThan(0.01);
    const r = await ca.random.random(n, { chunks: 30_000, seed: 5 }).compute();
    const data = r.data as Float64Array;
    expect(data.reduce((m, v) => Math.min(m, v), 1)).toBeGreaterThanOrEqual(0);
    expect(data.reduce((m, v) => Math.max(m, v), 0)).toBeLessThan(1);
  });

  test("normal tail beyond the ziggurat's base strip has the right mass", async () => {
    const x = await ca.random.standardNormal(1_000_000, { chunks: 250_000, seed: 11 }).compute();
    let beyond3 = 0;
    for (const v of x.data as Float64Array) if (Math.abs(v) > 3) beyond3++;
    // P(|Z| > 3) = 0.0026998
    expect(beyond3 / 1e6).toBeGreaterThan(0.0024);
    expect(beyond3 / 1e6).toBeLessThan(0.003);
  });

  test("different seeds differ, equal calls share keys", () => {
    const a = ca.random.normal(0, 1, [10, 10], { chunks: 5, seed: 1 });
    const b = ca.random.normal(0, 1, [10, 10], { chunks: 5, seed: 1 });
    const c = ca.random.normal(0, 1, [10, 10], { chunks: 5, seed: 2 });
    expect(a.name).toBe(b.name);
    expect(a.name).not.toBe(c.name);
  });

  test("bad arguments are named", () => {
    expect(() => ca.random.normal(0, -1, [3])).toThrow(/scale must be >= 0. Got scale=-1/);
    expect(() => ca.random.normal(0, 1, [3], { seed: -4 })).toThrow(/seed/);
    expect(() => ca.random.integers(5, 5, [3])).toThrow(/low < high/);
    expect(() => ca.random.uniform(0, 1, [3], { dtype: "int32" as "float64" })).toThrow(/dtype="int32"/);
  });
});
