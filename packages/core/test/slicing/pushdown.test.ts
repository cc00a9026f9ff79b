import { fc, test as propTest } from "@fast-check/vitest";
import { describe, expect, test } from "vitest";
import { fromArray } from "@chunked/core";
import { getitem } from "@chunked/core";
import { composeGetitem, pushdownSlices } from "../../src/optimize/pushdown.js";
import type { Graph } from "@chunked/core";
import { newaxis, type Selection, slice } from "@chunked/core";
import { type GetitemParams, applyGetitem } from "../../src/kernels/getitem.js";
import type { NDArray } from "@chunked/core";
import { computeNaive, countingSource, iota, referenceGet } from "./helpers.js";

const S = slice;

/** Tasks reachable from the outputs (a plain cull), optionally of one op. */
function count(g: Graph, op?: string, outputs?: readonly string[]): number {
  const seen = new Set<string>();
  const stack = [...(outputs ?? g.keys())];
  while (stack.length) {
    const k = stack.pop()!;
    if (seen.has(k)) continue;
    seen.add(k);
    stack.push(...g.get(k)!.deps);
  }
  return [...seen].filter((k) => op === undefined || g.get(k)!.op === op).length;
}

describe("pushdownSlices over source.read", () => {
  test("x[::100] reads only the needed rows with one strided read per block", async () => {
    const data = iota([1000], "float64") as NDArray<"float64">;
    const { source, reads } = countingSource(data);
    const x = fromArray(source, { chunks: [250] });
    const y = getitem(x, [S(null, null, 100)]);
    const g = pushdownSlices(y.graph(), y.keys());
    expect(count(y.graph())).toBe(8);
    expect(count(g)).toBe(4);
    expect(count(g, "source.read")).toBe(4);
    const out = await computeNaive(y, pushdownSlices);
    expect(out.toArray()).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    expect(reads.sort((a, b) => a[0][0] - b[0][0])).toEqual([
      [[0, 201, 100]],
      [[300, 401, 100]],
      [[500, 701, 100]],
      [[800, 901, 100]],
    ]);
  });

  test("x[:, ::2, ::2] over 3-d blocks", async () => {
    const data = iota([3, 10, 12], "float64") as NDArray<"float64">;
    const { source, reads } = countingSource(data);
    const x = fromArray(source, { chunks: [1, 5, 5] });
    const sel: Selection = [null, S(null, null, 2), S(null, null, 2)];
    const y = getitem(x, sel);
    const out = await computeNaive(y, pushdownSlices);
    expect(out.toArray()).toEqual(referenceGet(data, sel).toArray());
    expect(reads.length).toBe(x.nblocks);
    expect(reads.every((r) => r[1][2] === 2 && r[2][2] === 2)).toBe(true);
    const elements = reads.reduce((n, r) => n + r.reduce((p, [s, e, k]) => p * Math.ceil((e - s) / k), 1), 0);
    expect(elements).toBe(out.size);
  });

  test("negative steps, integers and newaxis become one getitem.read", async () => {
    const data = iota([20, 6], "float64") as NDArray<"float64">;
    const { source, reads } = countingSource(data);
    const x = fromArray(source, { chunks: [7, 6] });
    const sel: Selection = [S(null, null, -3), 4, newaxis];
    const y = getitem(x, sel);
    const g = pushdownSlices(y.graph(), y.keys());
    expect(count(g)).toBe(y.nblocks);
    expect(count(g, "getitem.read")).toBe(y.nblocks);
    const out = await computeNaive(y, pushdownSlices);
    expect(out.toArray()).toEqual(referenceGet(data, sel).toArray());
    expect(reads.every((r) => r[0][2] === 3 && r[1][0] === 4 && r[1][1] === 5)).toBe(true);
  });

  test("a read with another dependent, or that is an output, is left alone", () => {
    const { source } = countingSource(iota([10], "float64") as NDArray<"float64">);
    const x = fromArray(source, { chunks: [5] });
    const a = getitem(x, [S(null, null, 2)]);
    const b = getitem(x, [S(1, null, 2)]);
    const graph: Graph = new Map([...a.graph(), ...b.graph()]);
    const g = pushdownSlices(graph, [...a.keys(), ...b.keys()]);
    expect(count(g)).toBe(count(graph));
    const g2 = pushdownSlices(a.graph(), [...a.keys(), ...x.keys()]);
    expect(count(g2, "getitem.region")).toBe(2);
  });

  test("the input graph is not changed", () => {
    const { source } = countingSource(iota([10], "float64") as NDArray<"float64">);
    const y = getitem(fromArray(source, { chunks: [5] }), [S(null, null, 3)]);
    const graph = y.graph();
    const before = JSON.stringify([...graph]);
    pushdownSlices(graph, y.keys());
    expect(JSON.stringify([...graph])).toBe(before);
  });
});

describe("getitem chains (fuse_slice)", () => {
  test("x[2:][::-2][1] becomes one getitem per block, then one read", async () => {
    const data = iota([30, 4], "float64") as NDArray<"float64">;
    const { source, reads } = countingSource(data);
    const x = fromArray(source, { chunks: [10, 4] });
    const y = getitem(getitem(getitem(x, [S(2, null)]), [S(null, null, -2), newaxis]), [
      S(1, 8),
      0,
      S(null, null, -1),
    ]);
    const g = pushdownSlices(y.graph(), y.keys());
    expect(count(g, undefined, y.keys())).toBe(y.nblocks);
    const expected = referenceGet(
      referenceGet(referenceGet(data, [S(2, null)]), [S(null, null, -2), newaxis]),
      [S(1, 8), 0, S(null, null, -1)],
    );
    expect((await computeNaive(y, pushdownSlices)).toArray()).toEqual(expected.toArray());
    expect(reads.length).toBe(y.nblocks);
  });

  test("over literals: folded into smaller literals", async () => {
    const data = iota([12, 5], "float64");
    const x = fromArray(data, { chunks: [4, 5] });
    const y = getitem(getitem(x, [S(1, null, 2)]), [S(null, null, -1), 3]);
    const g = pushdownSlices(y.graph(), y.keys());
    expect(count(g)).toBe(y.nblocks);
    expect(count(g, "core.literal")).toBe(y.nblocks);
    const expected = referenceGet(referenceGet(data, [S(1, null, 2)]), [S(null, null, -1), 3]);
    expect((await computeNaive(y, pushdownSlices)).toArray()).toEqual(expected.toArray());
    const kept = pushdownSlices(y.graph(), y.keys(), { literals: false });
    expect(count(kept, "getitem.region")).toBe(y.nblocks);
  });

  // composeGetitem(first, second) applied once equals applying first, then second.
  const arbRange = (n: number) =>
    fc.oneof(
      fc.constant(null),
      fc
        .tuple(
          fc.integer({ min: -n - 2, max: n + 2 }),
          fc.integer({ min: -n - 2, max: n + 2 }),
          fc.integer({ min: -3, max: 3 }).filter((k) => k !== 0),
        )
        .map(([a, b, k]) => S(a, b, k)),
    );
  propTest.prop(
    [
      fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }).chain((shape) =>
        fc.record({
          shape: fc.constant(shape),
          first: fc.tuple(...shape.map((n) => fc.oneof(arbRange(n), fc.integer({ min: 0, max: n - 1 })))),
          firstNew: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }),
          seed: fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 8, maxLength: 8 }),
        }),
      ),
    ],
    { numRuns: 200 },
  )("composeGetitem equals sequential application", ({ shape, first, firstNew, seed }) => {
    const a = iota(shape, "float64");
    const sel1: any[] = [...first];
    for (const p of firstNew) sel1.splice(Math.min(p, sel1.length), 0, newaxis);
    const p1 = paramsOf(sel1, shape);
    const mid = applyGetitem(a, p1);
    // A second selection derived from the seed over the intermediate shape.
    const sel2: any[] = mid.shape.map((n, i) => {
      const r = seed[i % seed.length];
      if (r % 4 === 0 && n > 0) return r % n;
      if (r % 4 === 1) return S(null, null, -1 - (r % 2));
      if (r % 4 === 2) return S(r % (n + 1), null, 1 + (r % 3));
      return null;
    });
    if (seed[7] % 3 === 0) sel2.splice(seed[6] % (sel2.length + 1), 0, newaxis);
    const p2 = paramsOf(sel2, mid.shape);
    const expected = applyGetitem(mid, p2);
    const composed = composeGetitem(p1, p2);
    if (composed === undefined) return; // a new axis sliced to length 0: not composable
    expect(applyGetitem(a, composed).toArray()).toEqual(expected.toArray());
  });
});

/** The getitem.region params of a whole-array selection (one block). */
function paramsOf(sel: Selection, shape: readonly number[]): GetitemParams {
  const x = fromArray(iota(shape, "float64"), { chunks: shape.map((n) => Math.max(n, 1)) });
  const y = getitem(x, sel);
  if (y === x) return { region: shape.map(() => null), drop: [], newaxes: [] };
  return y.layers.get(y.name)!.tasks[0].params as GetitemParams;
}
