import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import "../../src/array/methods.js";
import type { ChunkedArray } from "@chunked/core";
import { compute } from "@chunked/core";
import { fromArray } from "@chunked/core";
import * as L from "@chunked/core";
import * as LR from "@chunked/core";
import { reduceArray } from "../../src/array/reductions.js";
import { optimize } from "../../src/optimize/optimize.js";
import { newaxis, slice } from "@chunked/core";
import { NDArray } from "@chunked/core";
import { ndget } from "../../src/eager/getitem.js";
import { nd as E } from "@chunked/core";
import { nd as ER } from "@chunked/core";
import { assertClose } from "@chunked/core/testing";
import { arbAxisChunks, arbFloatData } from "@chunked/core/testing/arbitraries";
import { evaluate } from "../reductions/helpers.js";

/** The kernels the optimised graph runs (looking inside linear-fused subgraphs). */
const ops = (x: ChunkedArray) =>
  [...optimize(x.graph(), x.keys()).values()].flatMap((t) =>
    t.op === "core.subgraph" ? (t.params as { steps: { op: string }[] }).steps.map((s) => s.op) : [t.op],
  );

/** `((c[:, None, :] - c[None, :, :]) ** 2).sum(-1)`, the tutorial's squared distances. */
function distances(c: ChunkedArray): ChunkedArray {
  const diff = c.at`:, None, :`.sub(c.at`None, :, :`);
  return diff.mul(diff).sum({ axis: -1 });
}

function lennardJones(c: ChunkedArray): ChunkedArray {
  const sr6 = L.power(L.divide(1, distances(c)), 3);
  return LR.nansum(L.multiply(4, L.subtract(sr6.mul(sr6), sr6)));
}

function lennardJonesEager(x: NDArray): NDArray {
  const all = slice(null);
  const diff = E.subtract(ndget(x, [all, newaxis, all]), ndget(x, [newaxis, all, all]));
  const sr6 = E.power(E.divide(1, ER.sum(E.multiply(diff, diff), { axis: -1 })), 3);
  return ER.nansum(E.multiply(4, E.subtract(E.multiply(sr6, sr6), sr6)));
}

/** Fused (optimised graph) and the raw graph run task by task, for one array. */
async function fusedAndRaw(x: ChunkedArray): Promise<[NDArray, NDArray]> {
  const [fused] = await compute([x]);
  return [fused, await evaluate(x)];
}

describe("fusion across broadcasts and inner reductions", () => {
  it("turns the Lennard-Jones energy into one fused.loop task per block pair", () => {
    const c = fromArray(NDArray.zeros("float64", [10, 3]), { chunks: [5, 3] });
    const graphOps = ops(lennardJones(c));
    expect(graphOps.filter((op) => op === "fused.loop")).toHaveLength(4);
    expect(graphOps.some((op) => op.startsWith("reduce.sum") || op === "elementwise.expr")).toBe(false);
  });

  it("leaves an inner reduction alone when it is also an output or spans several blocks", () => {
    const c = fromArray(NDArray.zeros("float64", [10, 4]), { chunks: [5, 2] });
    expect(ops(L.sqrt(c.mul(c).sum({ axis: -1 })))).not.toContain("fused.loop");
    const c1 = fromArray(NDArray.zeros("float64", [10, 4]), { chunks: [5, 4] });
    const d = c1.mul(c1).sum({ axis: -1 });
    expect(ops(L.sqrt(d))).toContain("fused.loop");
    // Also requested as an output: d is computed once and stays a task of its own.
    const outputs = [...L.sqrt(d).keys(), ...d.keys()];
    const both = optimize(new Map([...L.sqrt(d).graph(), ...d.graph()]), outputs);
    expect([...both.values()].map((t) => t.op)).not.toContain("fused.loop");
  });

  test.prop(
    [fc.integer({ min: 2, max: 30 }).chain((n) => fc.tuple(arbFloatData([n, 3]), arbAxisChunks(n)))],
    {
      numRuns: 25,
    },
  )(
    "Lennard-Jones: fused equals unfused bit for bit and the unchunked NumPy-style result",
    async ([x, chunks]) => {
      const c = fromArray(x, { chunks: [chunks, [3]] });
      const [fused, raw] = await fusedAndRaw(lennardJones(c));
      assertClose(fused, raw, { rtol: 0, atol: 0 });
      assertClose(fused, lennardJonesEager(x), { reduction: true });
    },
  );

  test.prop(
    [
      fc
        .integer({ min: 2, max: 30 })
        .chain((n) => fc.tuple(arbFloatData([n, 3]), arbFloatData([n]), arbAxisChunks(n))),
    ],
    { numRuns: 25 },
  )(
    "operands that stay put along a row (x[:, None]) give the unfused bits, inside and outside the inner sum",
    async ([x, w, chunks]) => {
      const c = fromArray(x, { chunks: [chunks, [3]] });
      const cw = fromArray(w, { chunks: [chunks] });
      // w[:, None] is read once per row; w[None, :] moves along it.
      const e = LR.nansum(L.subtract(distances(c).mul(cw.at`:, None`), cw.at`None, :`), { axis: 1 });
      expect(ops(e)).toContain("fused.loop");
      const [fused, raw] = await fusedAndRaw(e);
      assertClose(fused, raw, { rtol: 0, atol: 0 });
    },
  );

  const INNER = ["sum", "mean", "prod", "min", "max"] as const;
  const OUTER = [null, "sum", "nansum", "mean", "var", "max", "argmax"] as const;
  test.prop(
    [
      fc.record({
        shape: fc.tuple(
          fc.integer({ min: 1, max: 6 }),
          fc.integer({ min: 1, max: 6 }),
          fc.integer({ min: 1, max: 5 }),
        ),
        inner: fc.constantFrom(...INNER),
        innerAxis: fc.constantFrom(0, 2, -1),
        outer: fc.constantFrom(...OUTER),
        outerAxis: fc.constantFrom(null, 0, 1),
        dtype: fc.constantFrom("float64" as const, "float32" as const),
        seed: fc.integer(),
      }),
    ],
    { numRuns: 60 },
  )(
    "any elementwise tree over inner reductions: fused equals unfused, chunked equals unchunked",
    async (p) => {
      const [a, b, k] = p.shape;
      const n = a * b * k;
      const rand = (i: number) => Math.sin(i * 12.9898 + p.seed) * 3;
      const x = NDArray.from(
        Float64Array.from({ length: n }, (_, i) => rand(i)),
        { shape: [a, b, k] },
      );
      const xd = E.astype(x, p.dtype);
      const y = NDArray.from(
        Float64Array.from({ length: b }, (_, i) => rand(n + i) + 0.5),
        { shape: [b] },
      );
      const innerAxis = p.innerAxis;
      // The reduced axis is one block; the other axes are split in two where possible.
      const split = (len: number, ax: number) =>
        ax === (innerAxis + 3) % 3 ? [len] : len > 1 ? [Math.ceil(len / 2), len - Math.ceil(len / 2)] : [len];
      const cx = fromArray(xd, { chunks: [split(a, 0), split(b, 1), split(k, 2)] });
      const cy = fromArray(y, { chunks: [split(b, 1)] });
      const build = (X: ChunkedArray, Y: ChunkedArray) => {
        const inner = reduceArray(p.inner, L.add(X.mul(X), 1), { axis: innerAxis });
        // Inner result [b, k] (axis 0) or [a, b] (axis 2): combine with y where it broadcasts.
        const z = innerAxis === 0 ? L.multiply(L.sqrt(inner), 2) : L.subtract(L.sqrt(inner), Y);
        if (p.outer === null) return z;
        const axis = p.outerAxis;
        return p.outer === "argmax" ? LR.argmax(z, { axis }) : reduceArray(p.outer, z, { axis });
      };
      const lazy = build(cx, cy);
      expect(ops(lazy)).toContain("fused.loop");
      const [fused, raw] = await fusedAndRaw(lazy);
      assertClose(fused, raw, { rtol: 0, atol: 0 });
      const [unchunked] = await compute([
        build(fromArray(xd, { chunks: [a, b, k] }), fromArray(y, { chunks: [b] })),
      ]);
      assertClose(fused, unchunked, p.dtype === "float32" ? { rtol: 1e-5, atol: 1e-5 } : { reduction: true });
    },
  );

  it("sums a large block by slabs within the documented bound", async () => {
    const n = 300;
    const x = NDArray.from(
      Float64Array.from({ length: n * 3 }, (_, i) => Math.cos(i) * 100),
      { shape: [n, 3] },
    );
    const c = fromArray(x, { chunks: [n, 3] });
    const e = LR.sum(L.sqrt(distances(c)));
    expect(ops(e)).toContain("fused.loop");
    const [fused, raw] = await fusedAndRaw(e);
    // 90 000 values: pairwise within 4096-value slabs, then added in order.
    assertClose(fused, raw, { rtol: 1e-13, atol: 0 });
  });
});
