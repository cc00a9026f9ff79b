/**
 * Ports of dask/tests/test_order.py (dask 817e5ffc1). Each graph is drawn as in dask (dependents
 * above their dependencies). Where dask asserts a pressure bound (max of `order.diagnostics`), we
 * assert `peakHeld` (the same measure) is at most dask's number.
 */
import { fc, test as fcTest } from "@fast-check/vitest";
import { describe, expect, test } from "vitest";
import { indexGraph } from "../../src/graph/indexed.js";
import { order, orderIndexed, peakHeld } from "../../src/graph/order.js";
import type { Graph, Key } from "@chunked/core";
import { assertTopological, G, k, sequence, treeReduction } from "./helpers.js";

/** dask's `diagnostics(dsk, o)[1]`: results held just before each task runs. */
function pressure(graph: Graph, o: ReadonlyMap<Key, number>): number[] {
  const dependents = new Map<Key, number>();
  for (const t of graph.values()) dependents.set(t.key, 0);
  for (const t of graph.values())
    for (const d of new Set(t.deps)) if (graph.has(d)) dependents.set(d, dependents.get(d)! + 1);
  const remaining = new Map(dependents);
  const out: number[] = [];
  let held = 0;
  for (const key of sequence(o)) {
    out.push(held);
    let released = 0;
    for (const d of new Set(graph.get(key)!.deps)) {
      if (!graph.has(d)) continue;
      remaining.set(d, remaining.get(d)! - 1);
      if (remaining.get(d) === 0) released++;
    }
    held += (dependents.get(key)! > 0 ? 1 : 0) - released;
  }
  return out;
}

function ordered(g: G | Graph): { graph: Graph; o: Map<Key, number> } {
  const graph = g instanceof G ? g.graph : g;
  const o = order(graph);
  assertTopological(graph, o);
  expect(peakHeld(graph, o)).toBe(Math.max(0, ...pressure(graph, o)));
  return { graph, o };
}

const p = (o: ReadonlyMap<Key, number>, key: Key): number => {
  const v = o.get(key);
  if (v === undefined) throw new Error(`no priority for ${key}`);
  return v;
};

describe.each(["abcde", "edcba"])("order, names %s", (names) => {
  const [a, b, c, d, e] = names.split("");

  test("ordering keeps groups together", () => {
    // b0: a0 a1; b1: a2 a3
    let g = new G();
    for (let i = 0; i < 4; i++) g.t(k(a, i));
    g.t(k(b, 0), k(a, 0), k(a, 1)).t(k(b, 1), k(a, 2), k(a, 3));
    let { o } = ordered(g);
    expect(Math.abs(p(o, k(a, 0)) - p(o, k(a, 1)))).toBe(1);
    expect(Math.abs(p(o, k(a, 2)) - p(o, k(a, 3)))).toBe(1);

    g = new G();
    for (let i = 0; i < 4; i++) g.t(k(a, i));
    g.t(k(b, 0), k(a, 0), k(a, 2)).t(k(b, 1), k(a, 1), k(a, 3));
    ({ o } = ordered(g));
    expect(Math.abs(p(o, k(a, 0)) - p(o, k(a, 2)))).toBe(1);
    expect(Math.abs(p(o, k(a, 1)) - p(o, k(a, 3)))).toBe(1);
  });

  test("avoid broker nodes", () => {
    /*
        b0    b1  b2
        |      \  /
        a0      a1
       Whichever runs first, finish its branch before the other.
    */
    const g = new G().t(k(a, 0)).t(k(a, 1)).t(k(b, 0), k(a, 0)).t(k(b, 1), k(a, 1)).t(k(b, 2), k(a, 1));
    const { o } = ordered(g);
    expect(
      p(o, k(a, 1)) < p(o, k(b, 0)) || (p(o, k(b, 1)) < p(o, k(a, 0)) && p(o, k(b, 2)) < p(o, k(a, 0))),
    ).toBe(true);
  });

  test.each([true, false])("base of reduce preferred (data root: %s)", (dataRoot) => {
    /*
                   a3
                  /|
                a2 |
               /|  |
             a1 |  |
            /|  |  |
          a0 |  |  |
          |  |  |  |
          b0 b1 b2 b3
            \ \ / /
               c
       We really want to run b0 quickly.
    */
    const g = new G();
    for (const i of [1, 2, 3]) g.t(k(a, i), k(a, i - 1), k(b, i));
    g.t(k(a, 0), k(b, 0));
    for (const i of [0, 1, 2, 3]) g.t(k(b, i), c);
    if (dataRoot) g.data(c);
    else g.t(c);
    const { o } = ordered(g);
    expect(p(o, k(b, 0))).toBeLessThanOrEqual(1);
    expect(p(o, k(b, 1))).toBeLessThanOrEqual(3);
  });

  test("avoid upwards branching", () => {
    /*
           a1
           |
           a2
           |
           a3    d1
          /  \  /
        b1    c1
        |     |
        b2    c2
              |
              c3
    */
    const g = new G()
      .t(k(a, 1), k(a, 2))
      .t(k(a, 2), k(a, 3))
      .t(k(a, 3), k(b, 1), k(c, 1))
      .t(k(b, 1), k(b, 2))
      .t(k(c, 1), k(c, 2))
      .t(k(c, 2), k(c, 3))
      .t(k(d, 1), k(c, 1))
      .data(k(c, 3))
      .data(k(b, 2));
    const { o } = ordered(g);
    expect(p(o, k(d, 1))).toBeLessThan(p(o, k(b, 1)));
  });

  test("avoid upwards branching, complex", () => {
    /*
             a1
             |
        e2   a2  d2  d3
        |    |    \  /
        e1   a3    d1
         \  /  \  /
          b1    c1
          |     |
          b2    c2
                |
                c3
       Prefer c1 over b1: c1 stays in memory less long while b1 computes.
    */
    const g = new G()
      .t(k(a, 1), k(a, 2))
      .t(k(a, 2), k(a, 3))
      .t(k(a, 3), k(b, 1), k(c, 1))
      .t(k(b, 1), k(b, 2))
      .t(k(b, 2))
      .t(k(c, 1), k(c, 2))
      .t(k(c, 2), k(c, 3))
      .t(k(c, 3))
      .t(k(d, 1), k(c, 1))
      .t(k(d, 2), k(d, 1))
      .t(k(d, 3), k(d, 1))
      .t(k(e, 1), k(b, 1))
      .t(k(e, 2), k(e, 1));
    const { o } = ordered(g);
    expect(p(o, k(c, 1))).toBeLessThan(p(o, k(b, 1)));
    expect(Math.abs(p(o, k(d, 2)) - p(o, k(d, 3)))).toBe(1);
  });

  test("deep bases win over dependents", () => {
    /*
                a
              / | \
             b  c |
            / \ | /
           e    d
       Whether e or d goes first, b runs before c.
    */
    const g = new G().t(a, b, c, d).t(b, d, e).t(c, d).t(d).t(e);
    const { o } = ordered(g);
    expect(p(o, b)).toBeLessThan(p(o, c));
  });

  test("prefer deep", () => {
    /*
            c
            |
        e   b
        |   |
        d   a
       Longer chains first: start with a.
    */
    const g = new G().data(a).t(b, a).t(c, b).data(d).t(e, d);
    const { o } = ordered(g);
    expect(p(o, a)).toBeLessThan(p(o, d));
    expect(p(o, b)).toBeLessThan(p(o, d));
  });

  test("break ties by string", () => {
    // y depends on x/0 .. x/9, all alike: the key decides.
    const g = new G();
    const xs = Array.from({ length: 10 }, (_, i) => k("x", i));
    for (const x of xs) g.t(x);
    g.t("y", ...xs);
    const { o } = ordered(g);
    const expected = new Map<Key, number>([["y", 10]]);
    for (const [i, x] of xs.toReversed().entries()) expected.set(x, i);
    expect(o).toEqual(expected);
  });

  test("favor longest critical path", () => {
    /*
           a
           |
        d  b  e
         \ | /
           c
    */
    const g = new G().t(c).t(d, c).t(e, c).t(b, c).t(a, b);
    const { o } = ordered(g);
    expect(p(o, d)).toBeGreaterThan(p(o, b));
    expect(p(o, e)).toBeGreaterThan(p(o, b));
  });

  test("run smaller sections", () => {
    /*
                aa
               / |
          b   d  bb dd
         / \ /|  | /
        a   c e  cc
    */
    const [aa, bb, cc, dd] = [a, b, c, d].map((x) => x + x);
    const g = new G().t(a).t(c).t(e).t(cc).t(b, a, c).t(d, c, e).t(bb, cc).t(aa, d, bb).t(dd, cc);
    const { graph, o } = ordered(g);
    expect(peakHeld(graph, o)).toBeLessThanOrEqual(3);
  });

  test("local parents of reduction", () => {
    /*
                c1
                |
            b1  c2
            |  /|
        a1  b2  c3
        |  /|
        a2  b3
        |
        a3
       Finish the a1 stack before proceeding to b2.
    */
    const [a1, a2, a3, b1, b2, b3, c1, c2, c3] = [a, b, c].flatMap((x) => [1, 2, 3].map((i) => `${x}${i}`));
    const g = new G().t(a3).t(a2, a3).t(a1, a2).t(b3).t(b2, b3, a2).t(b1, b2).t(c3).t(c2, c3, b2).t(c1, c2);
    const { o } = ordered(g);
    expect(sequence(o)).toEqual([a3, a2, a1, b3, b2, b1, c3, c2, c1]);
  });

  test("nearest neighbor", () => {
    /*
        a1  a2  a3  a4  a5  a6  a7 a8  a9
         \  |  /  \ |  /  \ |  / \ |  /
            b1      b2      b3     b4
       Finish a local group before moving on, although all groups are connected.
    */
    const as = Array.from({ length: 9 }, (_, i) => `${a}${i + 1}`);
    const bs = Array.from({ length: 4 }, (_, i) => `${b}${i + 1}`);
    const g = new G();
    for (const x of bs) g.t(x);
    const [b1, b2, b3, b4] = bs;
    g.t(as[0], b1).t(as[1], b1).t(as[2], b1, b2).t(as[3], b2).t(as[4], b2, b3);
    g.t(as[5], b3).t(as[6], b3, b4).t(as[7], b4).t(as[8], b4);
    const { o } = ordered(g);
    const half = o.size / 2;
    const early = (xs: string[]) => xs.filter((x) => p(o, x) < half).length;
    expect(early(as)).toBeGreaterThan(3);
    expect(early(as)).toBeLessThan(7);
    expect(early(bs)).toBeGreaterThan(1);
    expect(early(bs)).toBeLessThan(4);
  });

  test("prefer short narrow", () => {
    /*
                 c2
               / | \
             c1  a1 b1
           / | \
         c0  a0 b0
    */
    const g = new G()
      .data(k(a, 0))
      .data(k(b, 0))
      .data(k(c, 0))
      .t(k(c, 1), k(c, 0), k(a, 0), k(b, 0))
      .data(k(a, 1))
      .data(k(b, 1))
      .t(k(c, 2), k(c, 1), k(a, 1), k(b, 1));
    const { o } = ordered(g);
    expect(p(o, k(b, 0))).toBeLessThan(p(o, k(b, 1)));
    expect(p(o, k(b, 0))).toBeLessThan(p(o, k(c, 2)));
    expect(p(o, k(c, 1))).toBeLessThan(p(o, k(c, 2)));
  });

  test("prefer short ancestor", () => {
    /*
                        c2
                       / \ \
                     c1   \ \
                   / | \   \ \
                 c0  a0 b0  a1 b1
                        \ \  / /
                          a-b
       Choose c1 before a1 and b1: a0 and b0 are released once c1 is done.
    */
    const ab = a + b;
    const g = new G()
      .data(ab)
      .t(k(a, 0), ab)
      .t(k(b, 0), ab)
      .data(k(c, 0))
      .t(k(c, 1), k(c, 0), k(a, 0), k(b, 0))
      .t(k(a, 1), ab)
      .t(k(b, 1), ab)
      .t(k(c, 2), k(c, 1), k(a, 1), k(b, 1));
    const { o } = ordered(g);
    expect(p(o, k(a, 0))).toBeLessThan(p(o, k(a, 1)));
    expect(p(o, k(b, 0))).toBeLessThan(p(o, k(b, 1)));
    expect(p(o, k(b, 0))).toBeLessThan(p(o, k(c, 2)));
    expect(p(o, k(c, 1))).toBeLessThan(p(o, k(c, 2)));
    expect(p(o, k(c, 1))).toBeLessThan(p(o, k(a, 1)));
  });

  test("map overlap", () => {
    /*
          b1      b3      b5
           |\    / | \  / |
          c1  c2  c3  c4  c5
           |/  | \ | / | \|
          d1  d2  d3  d4  d5
           |       |      |
          e1      e3      e5
       Finish b1 before starting on e5.
    */
    const g = new G()
      .t(k(e, 1))
      .t(k(d, 1), k(e, 1))
      .t(k(c, 1), k(d, 1))
      .t(k(b, 1), k(c, 1), k(c, 2))
      .t(k(d, 2))
      .t(k(c, 2), k(d, 1), k(d, 2), k(d, 3))
      .t(k(e, 3))
      .t(k(d, 3), k(e, 3))
      .t(k(c, 3), k(d, 3))
      .t(k(b, 3), k(c, 2), k(c, 3), k(c, 4))
      .t(k(d, 4))
      .t(k(c, 4), k(d, 3), k(d, 4), k(d, 5))
      .t(k(e, 5))
      .t(k(d, 5), k(e, 5))
      .t(k(c, 5), k(d, 5))
      .t(k(b, 5), k(c, 4), k(c, 5));
    const { o } = ordered(g);
    expect(p(o, k(b, 1)) < p(o, k(e, 5)) || p(o, k(b, 5)) < p(o, k(e, 1))).toBe(true);
  });

  test("use structure, not keys", () => {
    // Ten roots a0..a9, ten reducers b* over three neighbours each (a ring in scrambled key order).
    const g = new G();
    for (let i = 0; i < 10; i++) g.t(k(a, i));
    const bDeps: [number, number[]][] = [
      [5, [2]],
      [7, [0, 2]],
      [9, [7, 0, 2]],
      [1, [4, 7, 0]],
      [2, [9, 4, 7]],
      [4, [6, 9, 4]],
      [3, [5, 6, 9]],
      [8, [1, 5, 6]],
      [6, [8, 1, 5]],
      [0, [3, 8, 1]],
    ];
    for (const [i, deps] of bDeps) g.t(k(b, i), ...deps.map((j) => k(a, j)));
    const { graph, o } = ordered(g);
    expect(peakHeld(graph, o)).toBeLessThanOrEqual(3);
    const As = [...o]
      .filter(([key]) => key.startsWith(`${a}/`))
      .map(([, v]) => v)
      .sort((x, y) => x - y);
    const Bs = [...o]
      .filter(([key]) => key.startsWith(`${b}/`))
      .map(([, v]) => v)
      .sort((x, y) => x - y);
    expect([1, 3]).toContain(Bs[0]);
    if (Bs[0] === 3) {
      expect(As).toEqual([0, 1, 2, 4, 6, 8, 10, 12, 14, 16]);
      expect(Bs).toEqual([3, 5, 7, 9, 11, 13, 15, 17, 18, 19]);
    } else {
      expect(As).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
      expect(Bs).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
    }
  });

  test("don't run all dependents too early", () => {
    // d_i = f(d_{i-1}, b_i, c_i) with b_i, c_i fanning out of b0, c0: one d every three tasks.
    const g = new G().t(k(a, 0)).t(k(b, 0)).t(k(c, 0)).t(k(d, 0), k(a, 0), k(b, 0), k(c, 0));
    for (let i = 1; i < 10; i++) {
      g.t(k(b, i), k(b, 0))
        .t(k(c, i), k(c, 0))
        .t(k(d, i), k(d, i - 1), k(b, i), k(c, i));
    }
    const { o } = ordered(g);
    const ds = [...o]
      .filter(([key]) => key.startsWith(`${d}/`))
      .map(([, v]) => v)
      .sort((x, y) => x - y);
    expect(ds).toEqual([3, 6, 9, 12, 15, 18, 21, 24, 27, 30]);
  });

  test("many branches use ndependencies", () => {
    // a3 gathers branches of different weights off one data root; the heavy ones (d, dd, e, ee) go first.
    const [dd, ee] = [d + d, e + e];
    const g = new G()
      .data(k(a, 0))
      .t(k(a, 1), k(a, 0))
      .t(k(a, 2), k(a, 1))
      .t(k(b, 1), k(a, 0))
      .t(k(b, 2), k(b, 1))
      .t(k(c, 1), k(a, 0))
      .t(k(d, 1), k(a, 0))
      .t(k(d, 2), k(d, 1))
      .t(k(dd, 1), k(a, 0))
      .t(k(dd, 2), k(dd, 1))
      .t(k(dd, 3), k(d, 2), k(dd, 2))
      .t(k(e, 1), k(a, 0))
      .t(k(e, 2), k(e, 1))
      .t(k(ee, 1), k(a, 0))
      .t(k(ee, 2), k(ee, 1))
      .t(k(ee, 3), k(e, 2), k(ee, 2))
      .t(k(a, 3), k(a, 2), k(b, 2), k(c, 1), k(dd, 3), k(ee, 3));
    const { o } = ordered(g);
    const heavy = [...o]
      .filter(([key]) => [d, dd, e, ee].includes(key.split("/")[0]))
      .map(([, v]) => v)
      .sort((x, y) => x - y);
    expect(heavy).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(p(o, k(c, 1))).toBe(p(o, k(a, 3)) - 1);
  });

  test("order with equal dependents", () => {
    // From dask#5859 (maxima, argmax): four crossed families; pressure must stay <= 10.
    const abc = [a, b, c, d];
    const build = () => {
      const g = new G();
      for (const x of abc) {
        g.t(k(x, 0))
          .t(k(x, 1), k(x, 0))
          .t(k(x, 2, 0), k(x, 0))
          .t(k(x, 2, 1), k(x, 1));
        abc.forEach((y, i) => {
          g.t(k(x, 3, i), k(x, 2, 0), k(y, 2, 1));
          g.t(k(x, 4, i), k(x, 3, i));
          g.t(k(x, 5, i, 0), k(x, 4, i)).t(k(x, 5, i, 1), k(x, 4, i));
          g.t(k(x, 6, i, 0), k(x, 5, i, 0)).t(k(x, 6, i, 1), k(x, 5, i, 1));
        });
      }
      return g;
    };
    const spread = (o: Map<Key, number>, f: (x: string, i: number) => [Key, Key]) => {
      let total = 0;
      for (const x of abc)
        for (let i = 0; i < abc.length; i++) total += Math.abs(p(o, f(x, i)[0]) - p(o, f(x, i)[1]));
      return total;
    };
    const g1 = build();
    let r = ordered(g1);
    expect(spread(r.o, (x, i) => [k(x, 6, i, 1), k(x, 6, i, 0)])).toBeLessThanOrEqual(32);
    expect(peakHeld(r.graph, r.o)).toBeLessThanOrEqual(10);

    const g2 = build();
    for (const x of abc) for (let i = 0; i < 4; i++) g2.t(k(x, 7, i, 0), k(x, 6, i, 0));
    r = ordered(g2);
    expect(spread(r.o, (x, i) => [k(x, 6, i, 1), k(x, 7, i, 0)])).toBeLessThanOrEqual(48);
    expect(peakHeld(r.graph, r.o)).toBeLessThanOrEqual(10);

    const g3 = build();
    for (const x of abc) for (let i = 0; i < 4; i++) g3.graph.delete(k(x, 6, i, 1));
    r = ordered(g3);
    expect(spread(r.o, (x, i) => [k(x, 5, i, 1), k(x, 6, i, 0)])).toBeLessThanOrEqual(32);
    expect(peakHeld(r.graph, r.o)).toBeLessThanOrEqual(10);

    for (const x of abc) for (let i = 0; i < 4; i++) g3.graph.delete(k(x, 6, i, 0));
    r = ordered(g3);
    expect(peakHeld(r.graph, r.o)).toBeLessThanOrEqual(10);
    for (const x of abc) {
      for (let i = 0; i < 4; i++) {
        expect(Math.abs(p(r.o, k(x, 5, i, 1)) - p(r.o, k(x, 5, i, 0)))).toBeLessThanOrEqual(2);
      }
    }
  });

  test("diagnostics example", () => {
    /*
            a1  b1  c1  d1  e1
            /|\ /|\ /|\ /|  /
           / | X | X | X | /
          /  |/ \|/ \|/ \|/
        a0  b0  c0  d0  e0
    */
    const g = new G().t(k(a, 0)).t(k(b, 0)).t(k(c, 0)).t(k(d, 0)).t(k(e, 0));
    g.t(k(a, 1), k(a, 0), k(b, 0), k(c, 0))
      .t(k(b, 1), k(b, 0), k(c, 0), k(d, 0))
      .t(k(c, 1), k(c, 0), k(d, 0), k(e, 0))
      .t(k(d, 1), k(d, 0), k(e, 0))
      .t(k(e, 1), k(e, 0));
    const { graph, o } = ordered(g);
    const pr = pressure(graph, o);
    // dask: [0, 1, 1, 2, 2, 3, 2, 3, 2, 3] from the left, [0, 1, 2, 3, 2, 3, 2, 3, 2, 1] from the right.
    expect(Math.max(...pr)).toBeLessThanOrEqual(3);
  });

  test("anom mean raw", () => {
    // A small xarray groupby-anomaly graph: the left branch completes before loading more data.
    const [g_, h] = ["g", "h"];
    const g = new G();
    for (let i = 0; i < 5; i++) g.t(k(a, i, 0));
    for (let i = 0; i < 5; i++) g.t(k(d, i, 0), k(a, i, 0), k(b, 1, i, 0));
    g.t(k(e, 0, 0), k(g_, 1, 0)).t(k(e, 1, 0), k(g_, 3, 0));
    g.t(k(b, 0, 0, 0), k(a, 0, 0))
      .t(k(b, 0, 1, 0), k(a, 2, 0))
      .t(k(b, 0, 2, 0), k(a, 4, 0));
    g.t(k(c, 0, 0, 0), k(b, 0, 0, 0))
      .t(k(c, 0, 1, 0), k(b, 0, 1, 0))
      .t(k(c, 0, 2, 0), k(b, 0, 2, 0));
    g.t(k(g_, 1, 0), k(c, 0, 0, 0), k(c, 0, 1, 0), k(c, 0, 2, 0));
    g.t(k(b, 2, 0, 0), k(a, 1, 0)).t(k(b, 2, 1, 0), k(a, 3, 0));
    g.t(k(c, 1, 0, 0), k(b, 2, 0, 0)).t(k(c, 1, 1, 0), k(b, 2, 1, 0));
    g.t(k(g_, 3, 0), k(c, 1, 0, 0), k(c, 1, 1, 0));
    g.t(k(b, 1, 0, 0), k(e, 0, 0))
      .t(k(b, 1, 1, 0), k(e, 1, 0))
      .t(k(b, 1, 2, 0), k(e, 0, 0));
    g.t(k(b, 1, 3, 0), k(e, 1, 0)).t(k(b, 1, 4, 0), k(e, 0, 0));
    for (let i = 0; i < 5; i++) g.t(k(c, 2, i, 0), k(d, i, 0));
    g.t(k(h, 0, 0), k(c, 2, 0, 0), k(c, 2, 1, 0), k(c, 2, 2, 0), k(c, 2, 3, 0));
    g.t(k(h, 1, 0), k(c, 2, 4, 0));
    g.t(k(g_, 2, 0), k(h, 0, 0), k(h, 1, 0));
    const { o } = ordered(g);
    for (const key of [k(h, 1, 0), k(d, 0, 0), k(d, 2, 0), k(d, 4, 0)]) {
      expect(p(o, key)).toBeLessThan(p(o, k(a, 1, 0)));
      expect(p(o, key)).toBeLessThan(p(o, k(a, 3, 0)));
    }
  });

  test("flox reduction", () => {
    // Two output groups g/1,* and g/2,*; each group runs contiguously.
    const g = new G().t(k(a, 0));
    for (const i of [1, 2]) for (const j of [0, 1]) g.t(k(a, i, j));
    g.t(k(b, 1, 0), k(a, 2, 0))
      .t(k(b, 1, 1), k(a, 2, 1))
      .t(k(b, 2, 1), k(a, 1, 1))
      .t(k(b, 2, 0), k(a, 1, 0));
    g.t(k(b, 1, 1, 0), k(b, 1, 0))
      .t(k(b, 1, 1, 1), k(b, 1, 1))
      .t(k(b, 2, 2, 0), k(b, 2, 0))
      .t(k(b, 2, 2, 1), k(b, 2, 1));
    g.t(k(c, 1, 0), k(b, 2, 2, 0))
      .t(k(c, 1, 1), k(b, 2, 2, 1))
      .t(k(c, 2, 0), k(b, 1, 1, 0))
      .t(k(c, 2, 1), k(b, 1, 1, 1));
    g.t(k(d, 1), k(a, 1, 1), k(a, 2, 1), k(c, 1, 1), k(c, 2, 1));
    g.t(k(d, 0), k(a, 1, 0), k(a, 2, 0), k(c, 1, 0), k(c, 2, 0));
    g.t(k(e, 0), k(d, 0)).t(k(e, 1), k(d, 1));
    g.t(k("g", 1, 0), k(a, 0), k(b, 1, 1, 0))
      .t(k("g", 1, 1), k(a, 0), k(b, 2, 2, 0))
      .t(k("g", 1, 2), k(a, 0), k(e, 0));
    g.t(k("g", 2, 0), k(a, 0), k(b, 1, 1, 1))
      .t(k("g", 2, 1), k(a, 0), k(b, 2, 2, 1))
      .t(k("g", 2, 2), k(a, 0), k(e, 1));
    const { o } = ordered(g);
    const of1 = [0, 1, 2].map((i) => p(o, k("g", 1, i)));
    const of2 = [0, 1, 2].map((i) => p(o, k("g", 2, i)));
    expect(Math.max(...of1) < Math.min(...of2) || Math.max(...of2) < Math.min(...of1)).toBe(true);
  });

  test("doublediff", () => {
    // A diff of a diff written out by hand, gathered by a final END task. Pressure <= 11.
    const g = new G();
    for (const [i, j, l] of [
      [3, 0, 1],
      [3, 1, 1],
      [3, 1, 0],
      [2, 2, 2],
      [4, 0, 1],
      [4, 1, 0],
      [4, 0, 0],
      [5, 0, 0],
    ])
      g.t(k(a, i, j, l));
    const c0: [number, number, number][] = [
      [0, 0, 0],
      [0, 0, 1],
      [0, 0, 2],
      [0, 1, 0],
      [0, 1, 1],
      [0, 1, 2],
      [0, 2, 0],
      [0, 2, 1],
    ];
    for (const [, j, l] of c0) g.t(k(c, 0, j, l), k(b, 1, j, l));
    g.t(k(c, 1, 0, 0), k(a, 5, 0, 0));
    for (const [j, l] of [
      [0, 1],
      [0, 2],
      [1, 0],
      [1, 1],
      [1, 2],
      [2, 0],
      [2, 1],
      [2, 2],
    ])
      g.t(k(c, 1, j, l), k(b, 0, j, l));
    const b1: [number, number, Key][] = [
      [0, 0, k(a, 4, 0, 0)],
      [0, 1, k(a, 4, 0, 0)],
      [0, 2, k(a, 4, 0, 1)],
      [1, 0, k(a, 4, 0, 0)],
      [1, 1, k(a, 4, 0, 0)],
      [1, 2, k(a, 4, 0, 1)],
      [2, 0, k(a, 4, 1, 0)],
      [2, 1, k(a, 4, 1, 0)],
    ];
    for (const [j, l, dep] of b1) g.t(k(b, 1, j, l), dep);
    const b0: [number, number, Key][] = [
      [0, 1, k(a, 3, 0, 1)],
      [0, 2, k(a, 3, 0, 1)],
      [1, 0, k(a, 3, 1, 0)],
      [1, 1, k(a, 3, 1, 1)],
      [1, 2, k(a, 3, 1, 1)],
      [2, 0, k(a, 3, 1, 0)],
      [2, 1, k(a, 3, 1, 1)],
      [2, 2, k(a, 3, 1, 1)],
    ];
    for (const [j, l, dep] of b0) g.t(k(b, 0, j, l), dep);
    const ends: Key[] = [];
    for (let j = 0; j < 3; j++) {
      for (let l = 0; l < 3; l++) {
        const second = j === 2 && l === 2 ? k(a, 2, 2, 2) : k(c, 0, j, l);
        g.t(k(d, 0, j, l), k(c, 1, j, l), second);
        g.t(k(e, 0, j, l), k(d, 0, j, l));
        ends.push(k(e, 0, j, l));
      }
    }
    g.t("END", ...ends);
    const { graph, o } = ordered(g);
    expect(peakHeld(graph, o)).toBeLessThanOrEqual(11);
  });

  test("gh-3055 explicit", () => {
    // Loading root a/2 late would block reductions: it must come before a/3 and a/4.
    const g = new G()
      .t(k("root", 0))
      .t(k(a, 0), k("root", 0))
      .t(k(a, 1))
      .t(k(a, 2))
      .t(k(a, 3))
      .t(k(a, 4))
      .t(k(b, 0, 0), k(a, 0))
      .t(k(b, 0, 1), k(a, 0))
      .t(k(c, 0, 1), k(a, 0))
      .t(k(b, 1, 0), k(a, 1))
      .t(k(b, 1, 2), k(a, 1))
      // dask's (b, 0) here is not a key of the graph: a literal argument.
      .t(k(c, 0, 0), k(a, 2), k(a, 1))
      .t(k(d, 0, 0), k(c, 0, 1), k(c, 0, 0))
      .t(k(d, 0, 1), k(c, 0, 1), k(c, 0, 0))
      .t(k("f", 1, 1), k(d, 0, 1))
      .t(k(c, 1, 0), k(b, 1, 0), k(b, 1, 2))
      .t(k(c, 0, 2), k(b, 0, 0), k(b, 0, 1))
      .t(k(e, 0), k(c, 1, 0), k(c, 0, 2))
      .t(k("g", 1), k(e, 0), k(a, 3))
      .t(k("g", 2), k("g", 1), k(a, 4), k(d, 0, 0));
    const { graph, o } = ordered(g);
    expect(peakHeld(graph, o)).toBeLessThanOrEqual(5);
    expect(p(o, k(e, 0))).toBeLessThan(p(o, k(a, 3)));
    expect(p(o, k(a, 3))).toBeLessThan(p(o, k(a, 4)));
    expect(p(o, k(a, 2))).toBeLessThan(p(o, k(a, 3)));
  });

  test("flox reduction 2 (dask#10618)", () => {
    // Three data roots, each feeding four reducers: one final task every five.
    const g = new G();
    for (let i = 0; i < 3; i++) g.data(k(a, i));
    for (const i of [0, 1]) {
      for (const j of [0, 1]) {
        for (let l = 0; l < 3; l++) g.t(k(b, i, j, l), k(a, l));
        g.t(k(c, i, j), k(b, i, j, 0), k(b, i, j, 1), k(b, i, j, 2));
        g.t(k(d, i, j), k(c, i, j));
      }
    }
    const { o } = ordered(g);
    const finals = [k(d, 0, 0), k(d, 0, 1), k(d, 1, 0), k(d, 1, 1)].sort((x, y) => p(o, x) - p(o, y));
    for (let i = 1; i < finals.length; i++) expect(p(o, finals[i]) - p(o, finals[i - 1])).toBe(5);
  });
});

describe("order, fixed graphs", () => {
  test("empty graph", () => {
    expect(order(new Map())).toEqual(new Map());
  });

  test("string ordering", () => {
    const g = new G().t(k("a", 1)).t(k("a", 2)).t(k("a", 3));
    const { o } = ordered(g);
    const got = [1, 2, 3].map((i) => p(o, k("a", i)));
    expect([
      [0, 1, 2],
      [2, 1, 0],
    ]).toContainEqual(got);
  });

  test("long linear chains need no recursion (stack limit)", () => {
    const g = new G().t("-1");
    for (let i = 0; i < 10_000; i++) g.t(String(i), String(i - 1));
    const { o } = ordered(g);
    expect(o.size).toBe(10_001);
    expect(p(o, "9999")).toBe(10_000);
  });

  test("cycles are reported", () => {
    expect(() => order(new G().t("a", "a").graph)).toThrow(/Cycle detected/);
    expect(() => order(new G().t("a", "b").t("b", "c").t("c", "a").graph)).toThrow(/Cycle detected/);
    expect(() => order(new G().t("a", "b").t("b", "c").t("c", "a", "d").data("d").graph)).toThrow(
      /Cycle detected/,
    );
    expect(() => order(new G().t("a", "b").t("b", "c").t("c", "a", "d").t("d", "b").graph)).toThrow(
      /a -> |b -> |c -> /,
    );
  });

  test("dependencies outside the graph are ignored", () => {
    const g = new G().t("b", "a").t("c", "b");
    expect(order(g.graph)).toEqual(
      new Map([
        ["b", 0],
        ["c", 1],
      ]),
    );
  });

  test("outputs restrict the ordered tasks", () => {
    const g = new G().t("a").t("b", "a").t("c", "a").t("d", "c");
    const o = order(g.graph, ["b"]);
    expect(o).toEqual(
      new Map([
        ["a", 0],
        ["b", 1],
      ]),
    );
  });

  test("tree reduction holds a handful of chunks", () => {
    // x_i -> chunk_i -> agg (fan-in 4) -> ... -> one result, over 1000 inputs.
    const { graph } = treeReduction(1000, 4);
    const { o } = ordered(graph);
    // Depth 5 with fan-in 4: at most 3 waiting partials per level plus the chunk in hand.
    expect(peakHeld(graph, o)).toBeLessThanOrEqual(16);
  });

  test("dense graphs fall back to estimated root sets and stay topological", () => {
    // All-to-all-ish mixing (exact leaf sets would cost O(V·R)) and a cumulative scan (O(n²) root sets).
    const mixing = new G();
    const R = 400;
    for (let i = 0; i < R; i++) mixing.t(k("r", i));
    for (let j = 0; j < R; j++)
      mixing.t(k("m", j), ...Array.from({ length: 50 }, (_, q) => k("r", (j * 7 + q * 13) % R)));
    for (let j = 0; j < R; j++) mixing.t(k("o", j), k("m", j), k("m", (j + 1) % R));
    for (let j = 0; j < R; j++) mixing.t(k("p", j), k("o", j), k("o", (j + 5) % R), k("o", (j + 77) % R));
    ordered(mixing);
    const scan = new G();
    for (let i = 0; i < 2000; i++) {
      scan.t(k("x", i));
      if (i === 0) scan.t(k("s", 0), k("x", 0));
      else scan.t(k("s", i), k("s", i - 1), k("x", i));
    }
    const { graph, o } = ordered(scan);
    // A scan needs its running value and the next input only.
    expect(peakHeld(graph, o)).toBeLessThanOrEqual(3);
  });

  test("terminal node backtrack (dask#6745)", () => {
    /*
                           s
                   /   /       \   \
                 s00  s10       s01  s11
                  |    |         |    |
                 b00  b10       b01  b11
                 / \  / \       / \ / \
               a0  a1  a2    a3  a4  a5
       Finish the left half (a2) before starting the right (a3).
    */
    const g = new G();
    for (let i = 0; i < 6; i++) g.data(k("a", i));
    g.t(k("b", 0), k("a", 0), k("a", 1)).t(k("b", 1), k("a", 1), k("a", 2));
    g.t(k("store", 0, 0), k("b", 0)).t(k("store", 1, 0), k("b", 1));
    g.t(k("b", 2), k("a", 3), k("a", 4)).t(k("b", 3), k("a", 4), k("a", 5));
    g.t(k("store", 0, 1), k("b", 2)).t(k("store", 1, 1), k("b", 3));
    g.t("store", k("store", 0, 0), k("store", 1, 0), k("store", 0, 1), k("store", 1, 1));
    const { o } = ordered(g);
    expect(p(o, k("a", 2))).toBeLessThan(p(o, k("a", 3)));
  });

  test("eager to compute dependent to free parent (dask#7929)", () => {
    const spec: Record<string, string[]> = {
      a00: ["a06", "a08"],
      a01: ["a28", "a26"],
      a02: ["a24", "a21"],
      a03: ["a22", "a25"],
      a04: ["a29", "a20"],
      a05: ["a23", "a27"],
      a06: ["a04", "a02"],
      a07: ["a00", "a01"],
      a08: ["a05", "a03"],
      a09: ["a43"],
      a10: ["a36"],
      a11: ["a33"],
      a12: ["a47"],
      a13: ["a44"],
      a14: ["a42"],
      a15: ["a37"],
      a16: ["a48"],
      a17: ["a49"],
      a18: ["a35"],
      a19: ["a46"],
      a20: ["a55"],
      a21: ["a53"],
      a22: ["a60"],
      a23: ["a54"],
      a24: ["a59"],
      a25: ["a56"],
      a26: ["a61"],
      a27: ["a52"],
      a28: ["a57"],
      a29: ["a58"],
      a30: ["a19"],
      a31: ["a07"],
      a32: ["a30", "a31"],
      a33: ["a58"],
      a34: ["a11", "a09"],
      a35: ["a60"],
      a36: ["a52"],
      a37: ["a61"],
      a38: ["a14", "a10"],
      a39: ["a38", "a40"],
      a40: ["a18", "a17"],
      a41: ["a34", "a50"],
      a42: ["a54"],
      a43: ["a55"],
      a44: ["a53"],
      a45: ["a16", "a15"],
      a46: ["a51", "a45"],
      a47: ["a59"],
      a48: ["a57"],
      a49: ["a56"],
      a50: ["a12", "a13"],
      a51: ["a41", "a39"],
      a52: ["a62"],
      a53: ["a68"],
      a54: ["a70"],
      a55: ["a67"],
      a56: ["a71"],
      a57: ["a64"],
      a58: ["a65"],
      a59: ["a63"],
      a60: ["a69"],
      a61: ["a66"],
    };
    const g = new G();
    for (const [key, deps] of Object.entries(spec)) g.t(key, ...deps);
    for (let i = 62; i <= 71; i++) g.t(`a${i}`);
    const { graph, o } = ordered(g);
    expect(peakHeld(graph, o)).toBeLessThanOrEqual(8);
    const shallowRoots = ["a64", "a66"];
    const minShallow = Math.min(...shallowRoots.map((r) => p(o, r)));
    for (const deep of [
      ["a68", "a63", "a65", "a67"],
      ["a69", "a70", "a71", "a62"],
    ]) {
      expect(Math.max(...deep.map((r) => p(o, r)))).toBeLessThan(minShallow);
    }
    for (const red of ["a06", "a41", "a39", "a00"]) expect(p(o, red)).toBeLessThan(minShallow);
  });

  test("xarray-like reduction", () => {
    // Three independent overlapping groups, each reduced by one d task. Pressure <= 9.
    const g = new G();
    for (let ix = 0; ix < 3; ix++) {
      g.t(k("a", 0, ix)).t(k("a", 1, ix));
      g.t(k("b", 0, ix), k("a", 0, ix))
        .t(k("b", 1, ix), k("a", 0, ix), k("a", 1, ix))
        .t(k("b", 2, ix), k("a", 1, ix));
      for (let j = 0; j < 3; j++) g.t(k("c", j, ix), k("b", j, ix));
    }
    for (let ix = 0; ix < 3; ix++) g.t(k("d", ix), k("c", ix, 0), k("c", ix, 1), k("c", ix, 2));
    const { graph, o } = ordered(g);
    expect(peakHeld(graph, o)).toBeLessThanOrEqual(9);
  });

  test("xarray map-reduce with slicing (distributed#8818)", () => {
    const g = new G().data("data").data(k("array", 0)).data(k("array", 1));
    for (const i of [0, 1]) {
      for (const j of [0, 1]) {
        for (const l of [0, 1]) {
          g.t(k("open_data", i, j, l), "data");
          g.t(k("getitem", i, j, l), k("open_data", i, j, l));
        }
      }
    }
    for (const i of [0, 1]) {
      for (const j of [0, 1]) {
        for (const l of [0, 1]) g.t(k("groupby-chunk", i, j, l), k("array", l), k("getitem", l, i, j));
        g.t(k("groupby-agg", 0, i, j), k("groupby-chunk", i, j, 0), k("groupby-chunk", i, j, 1));
        g.t(k("transpose", 0, i, j), k("groupby-agg", 0, i, j));
      }
    }
    const { graph, o } = ordered(g);
    const finals = [
      k("transpose", 0, 0, 0),
      k("transpose", 0, 0, 1),
      k("transpose", 0, 1, 0),
      k("transpose", 0, 1, 1),
    ];
    finals.sort((x, y) => p(o, x) - p(o, y));
    const diffs = new Set(finals.slice(1).map((x, i) => p(o, x) - p(o, finals[i])));
    expect(diffs).toEqual(new Set([8]));
    expect(peakHeld(graph, o)).toBeLessThanOrEqual(5);
  });

  test.each([true, false])("xarray rechunk map-reduce cohorts (longest path: %s)", (longest) => {
    const g = rechunkMergeGraph();
    if (longest) {
      const keys = Array.from({ length: 15 }, (_, i) => k("open-dataset", 20 + i, 0, 0));
      for (const key of keys) g.t(key);
      g.t(k("dummy", 0), ...keys);
    }
    const { graph, o } = ordered(g);
    expect(Math.max(...pressure(graph, o).slice(0, 99))).toBeLessThanOrEqual(7);
    const finals = [
      k("transpose", 0, 0, 0),
      k("transpose", 0, 1, 0),
      k("transpose", 1, 0, 0),
      k("transpose", 1, 1, 0),
    ];
    finals.sort((x, y) => p(o, x) - p(o, y));
    const diffs = finals.slice(1).map((x, i) => p(o, x) - p(o, finals[i]));
    // dask: a big chunk, then a small side branch, then the next independent branch.
    expect(diffs).toEqual([10, 39, 10]);
  });

  test("stackstac (dask#11363)", () => {
    const T = "transpose-9c80";
    const g = new G();
    g.t(k(T, 0, 0, 0), k("vindex-merge", 0, 0, 0)).t(k(T, 0, 1, 0), k("vindex-merge", 0, 1, 0));
    for (const j of [0, 1]) {
      g.t(k("vindex-merge", 0, j, 0), ...[0, 1, 2, 3].map((i) => k("vindex-slice", i, 0, j)));
      for (let i = 0; i < 4; i++) g.t(k("vindex-slice", i, 0, j), k("getitem-vindex", i, 0, j));
    }
    g.t(k("getitem-vindex", 2, 0, 1), k("shuffle-split", 321), k("shuffle-split", 322));
    g.t(k("getitem-vindex", 3, 0, 1), k("shuffle-split", 299), k("shuffle-split", 300));
    g.t(k("getitem-vindex", 0, 0, 1), k("shuffle-split", 341), k("shuffle-split", 342));
    g.t(k("getitem-vindex", 1, 0, 1), k("shuffle-split", 319), k("shuffle-split", 320));
    g.t(k("getitem-vindex", 2, 0, 0), k("concatenate", 0, 1, 9, 1));
    g.t(k("getitem-vindex", 3, 0, 0), k("concatenate", 0, 1, 8, 1));
    g.t(k("getitem-vindex", 0, 0, 0), k("concatenate", 0, 1, 10, 0));
    g.t(k("getitem-vindex", 1, 0, 0), k("concatenate", 0, 1, 9, 0));
    g.t(k("shuffle-split", 322), k("concatenate", 0, 1, 9, 1));
    g.t(k("shuffle-split", 300), k("concatenate", 0, 1, 8, 1));
    g.t(k("shuffle-split", 342), k("concatenate", 0, 1, 10, 0));
    g.t(k("shuffle-split", 320), k("concatenate", 0, 1, 9, 0));
    for (const s of [321, 299, 341, 319]) g.t(k("shuffle-split", s), k("concatenate-getitem", s));
    g.t(k("concatenate-getitem", 299), k("fetch-raster", 0, 0, 8, 1));
    g.t(k("concatenate-getitem", 321), k("fetch-raster", 0, 0, 9, 1));
    g.t(k("concatenate-getitem", 341), k("fetch-raster", 0, 0, 10, 0));
    g.t(k("concatenate-getitem", 319), k("fetch-raster", 0, 0, 9, 0));
    for (const [i, j] of [
      [9, 1],
      [8, 1],
      [9, 0],
      [10, 0],
    ]) {
      g.t(k("concatenate", 0, 1, i, j), k("getitem-sub", 0, 1, i, j));
      g.t(k("getitem-sub", 0, 1, i, j), k("fetch-raster", 0, 0, i, j));
      g.t(k("fetch-raster", 0, 0, i, j), k("asset_table", 0, 0));
    }
    g.t(k("asset_table", 0, 0), k("asset-table-data", 0, 0)).t(k("asset-table-data", 0, 0));
    const { graph, o } = ordered(g);
    expect(peakHeld(graph, o)).toBeLessThanOrEqual(9);
  });

  test.each([
    [2, 4, false],
    [5, 7, false],
    [2, 4, true],
    [5, 7, true],
  ])("reduce with many common dependents (ndeps %i, reducers %i, fused %s)", (ndeps, nReducers, fused) => {
    // n×n blocks each built from all `ndeps` shared data roots, summed per row.
    const g = new G();
    const objs = Array.from({ length: ndeps }, (_, i) => `object-${i}`);
    for (const x of objs) g.data(x);
    for (let y = 0; y < nReducers; y++) {
      const row: Key[] = [];
      for (let x = 0; x < nReducers; x++) {
        if (fused) g.t(k("sum", y, x), ...objs);
        else g.t(k("random", y, x), ...objs).t(k("sum", y, x), k("random", y, x));
        row.push(k("sum", y, x));
      }
      g.t(k("sum-aggregate", y), ...row);
    }
    const { graph, o } = ordered(g);
    expect(peakHeld(graph, o)).toBeLessThanOrEqual(nReducers + ndeps);
    for (let y = 0; y < nReducers; y++) {
      const prios = graph.get(k("sum-aggregate", y))!.deps.map((dep) => p(o, dep));
      expect(Math.max(...prios) - Math.min(...prios)).toBe((nReducers - 1) * (fused ? 1 : 2));
    }
  });

  fcTest.prop(
    [
      fc
        .integer({ min: 1, max: 60 })
        .chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 3 * n }),
            fc.array(fc.boolean(), { minLength: n, maxLength: n }),
            fc.array(fc.nat(1000), { minLength: n, maxLength: n }),
          ),
        ),
    ],
    { numRuns: 300 },
  )("is a topological order of any DAG", ([n, edges, dataFlags, names]) => {
    // Edges go from lower to higher index (acyclic); names scramble the key order.
    const keys = names.map((x, i) => `n${x}-${i}`);
    const deps: Key[][] = keys.map(() => []);
    for (const [u, v] of edges) if (u < v) deps[v].push(keys[u]);
    const g = new G();
    for (let i = 0; i < n; i++) {
      if (deps[i].length === 0 && dataFlags[i]) g.data(keys[i]);
      else g.t(keys[i], ...deps[i]);
    }
    ordered(g);
  });
});

describe("order speed", () => {
  test("orders 100k-task graphs in time comparable to hashing their keys", () => {
    const { graph } = treeReduction(50_000, 4);
    const elementwise = new G();
    for (let i = 0; i < 25_000; i++) {
      elementwise
        .t(k("x", i))
        .t(k("y", i), k("x", i))
        .t(k("z", i), k("y", i))
        .t(k("w", i), k("z", i), k("x", i));
    }
    for (const [name, g] of [
      ["tree reduction", graph],
      ["elementwise", elementwise.graph],
    ] as const) {
      // Machines and their load differ: compare with filling a Map with the same number of keys.
      let baseline = Number.POSITIVE_INFINITY;
      let index = Number.POSITIVE_INFINITY;
      let ordering = Number.POSITIVE_INFINITY;
      for (let rep = 0; rep < 3; rep++) {
        const t0 = performance.now();
        const m = new Map<string, number>();
        for (let i = 0; i < g.size; i++) m.set(`key-${rep}/${i}`, i);
        const t1 = performance.now();
        const ig = indexGraph(g);
        const t2 = performance.now();
        const prio = orderIndexed(ig);
        const t3 = performance.now();
        expect(prio.length).toBe(g.size);
        baseline = Math.min(baseline, t1 - t0);
        index = Math.min(index, t2 - t1);
        ordering = Math.min(ordering, t3 - t2);
      }
      console.log(
        `order ${name}, ${g.size} tasks: index ${index.toFixed(1)} ms, order ${ordering.toFixed(1)} ms ` +
          `(Map of ${g.size} keys: ${baseline.toFixed(1)} ms)`,
      );
      expect(ordering).toBeLessThan(6 * baseline + 20);
    }
  });
});

/** dask's `_rechunk_merge_graph` (test_visualize_int_overflow, xarray rechunk map-reduce cohorts). */
function rechunkMergeGraph(): G {
  const g = new G();
  const t = (key: Key, ...deps: Key[]) => g.t(key, ...deps);
  for (const [i, j] of [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ])
    t(k("transpose", i, j, 0), k("concat-groupby", i, j, 0));
  for (const [i, j] of [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]) {
    t(k("groupby-cohort", i, 0, j), k("groupby-chunk", i, 0, j));
    t(k("groupby-cohort-2", i, 0, j), k("groupby-chunk-2", i, 0, j));
  }
  t(k("rechunk-merge", 3, 0, 0), k("concat-shuffle", 4, 0, 0), k("rechunk-split", 12));
  t(k("rechunk-merge", 0, 0, 0), k("rechunk-split", 1), k("concat-shuffle", 0, 0, 0));
  t(k("rechunk-merge", 3, 1, 0), k("rechunk-split", 14), k("concat-shuffle", 4, 1, 0));
  t(k("rechunk-merge", 2, 1, 0), k("rechunk-split", 10), k("rechunk-split", 11));
  t(k("rechunk-split", 12), k("concat-shuffle", 3, 0, 0));
  t(k("rechunk-merge", 0, 1, 0), k("rechunk-split", 3), k("concat-shuffle", 0, 1, 0));
  t(k("rechunk-merge", 1, 0, 0), k("rechunk-split", 4), k("rechunk-split", 5));
  t(k("rechunk-merge", 1, 1, 0), k("rechunk-split", 7), k("rechunk-split", 6));
  t(k("rechunk-split", 5), k("concat-shuffle", 2, 0, 0));
  t(k("rechunk-split", 11), k("concat-shuffle", 3, 1, 0));
  t(k("rechunk-merge", 2, 0, 0), k("rechunk-split", 8), k("rechunk-split", 9));
  t(k("rechunk-split", 1), k("concat-shuffle", 1, 0, 0));
  t(k("rechunk-split", 14), k("concat-shuffle", 3, 1, 0));
  t(k("rechunk-split", 4), k("concat-shuffle", 1, 0, 0));
  t(k("rechunk-split", 7), k("concat-shuffle", 2, 1, 0));
  t(k("rechunk-split", 10), k("concat-shuffle", 2, 1, 0));
  t(k("rechunk-split", 6), k("concat-shuffle", 1, 1, 0));
  t(k("rechunk-split", 3), k("concat-shuffle", 1, 1, 0));
  t(k("rechunk-split", 9), k("concat-shuffle", 3, 0, 0));
  t(k("rechunk-split", 8), k("concat-shuffle", 2, 0, 0));
  const ss = (i: number) => k("shuffle-split", i);
  t(k("concat-shuffle", 0, 0, 0), ss(0), ss(1));
  t(k("concat-shuffle", 0, 1, 0), ss(106), ss(107));
  t(k("concat-shuffle", 1, 0, 0), ss(4665), ss(4664));
  t(k("concat-shuffle", 1, 1, 0), ss(4770), ss(4771));
  t(k("concat-shuffle", 2, 0, 0), ss(9328), ss(9329), ss(9330));
  t(k("concat-shuffle", 2, 1, 0), ss(9487), ss(9488), ss(9489));
  t(k("concat-shuffle", 3, 0, 0), ss(16324), ss(16325));
  t(k("concat-shuffle", 3, 1, 0), ss(16430), ss(16431));
  t(k("concat-shuffle", 4, 0, 0), ss(20989), ss(20988));
  t(k("concat-shuffle", 4, 1, 0), ss(21094), ss(21095));
  const gi = (i: number, j: number) => k("getitem-2", i, j, 0);
  const split: [number, Key][] = [
    [9487, gi(2, 1)],
    [9489, gi(14, 1)],
    [106, k("getitem-open", 106)],
    [4664, gi(1, 0)],
    [16431, gi(15, 1)],
    [16324, gi(14, 0)],
    [107, gi(1, 1)],
    [4665, gi(2, 0)],
    [4770, gi(1, 1)],
    [0, k("getitem-open", 0)],
    [9328, gi(2, 0)],
    [9488, k("getitem-open", 9488)],
    [16325, gi(15, 0)],
    [16430, gi(14, 1)],
    [20988, gi(15, 0)],
    [9329, k("getitem-open", 9329)],
    [4771, gi(2, 1)],
    [1, gi(1, 0)],
    [20989, k("getitem-open", 20989)],
    [9330, gi(14, 0)],
    [21094, gi(15, 1)],
    [21095, k("getitem-open", 21095)],
  ];
  for (const [i, dep] of split) t(ss(i), dep);
  for (const [i, j] of [
    [1, 0],
    [14, 0],
    [2, 1],
    [15, 0],
    [15, 1],
    [2, 0],
    [1, 1],
    [14, 1],
  ])
    t(gi(i, j), k("open_dataset", i, j, 0));
  t(k("groupby-chunk-2", 0, 0, 1), k("rechunk-merge", 2, 0, 0));
  t(k("groupby-chunk-2", 0, 0, 0), k("rechunk-merge", 0, 0, 0));
  t(k("concat-groupby", 0, 0, 0), k("groupby-cohort-2", 0, 0, 0), k("groupby-cohort-2", 0, 0, 1));
  t(k("groupby-chunk", 0, 0, 1), k("rechunk-merge", 3, 0, 0));
  t(k("groupby-chunk", 0, 0, 0), k("rechunk-merge", 1, 0, 0));
  t(k("concat-groupby", 1, 0, 0), k("groupby-cohort", 0, 0, 0), k("groupby-cohort", 0, 0, 1));
  t(k("groupby-chunk", 1, 0, 1), k("rechunk-merge", 3, 1, 0));
  t(k("groupby-chunk", 1, 0, 0), k("rechunk-merge", 1, 1, 0));
  t(k("concat-groupby", 1, 1, 0), k("groupby-cohort", 1, 0, 0), k("groupby-cohort", 1, 0, 1));
  t(k("groupby-chunk-2", 1, 0, 0), k("rechunk-merge", 0, 1, 0));
  t(k("groupby-chunk-2", 1, 0, 1), k("rechunk-merge", 2, 1, 0));
  t(k("concat-groupby", 0, 1, 0), k("groupby-cohort-2", 1, 0, 1), k("groupby-cohort-2", 1, 0, 0));
  // `(f,)` is a task in dask; a bare `f` (three of the open_dataset keys) is data.
  for (const [i, j] of [
    [14, 1],
    [2, 1],
    [1, 0],
    [2, 0],
    [1, 1],
  ])
    t(k("open_dataset", i, j, 0));
  for (const [i, j] of [
    [15, 1],
    [14, 0],
    [15, 0],
  ])
    g.data(k("open_dataset", i, j, 0));
  for (const i of [9329, 20989, 0, 9488, 21095, 106]) t(k("getitem-open", i));
  return g;
}
