import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import "../../src/array/methods.js";
import { compute } from "@chunked/core";
import { fromArray } from "@chunked/core";
import { stack } from "@chunked/core";
import { optimize } from "../../src/optimize/optimize.js";
import { reduceChunk, reduceVirtual } from "../../src/kernels/reduce.js";
import { REDUCTION_OPS as REDUCE_OPS, type ReduceOp } from "../../src/ops/reductions.js";
import { NDArray } from "@chunked/core";
import { assertClose } from "@chunked/core/testing";
import { arbNDArray } from "@chunked/core/testing/arbitraries";
import { evaluate, LAZY } from "./helpers.js";

const NON_ARG = REDUCE_OPS.filter((op) => !op.includes("arg"));

describe("several reductions of one input in one pass", () => {
  it("turns compute([sum, mean, std]) into one reduce.multi.chunk task per block", () => {
    const x = fromArray(new Float32Array(100), { chunks: [25] });
    const arrays = [x.sum(), x.mean(), x.std()];
    const graph = new Map(arrays.flatMap((a) => [...a.graph()]));
    const ops = [
      ...optimize(
        graph,
        arrays.flatMap((a) => a.keys()),
      ).values(),
    ].flatMap((t) =>
      t.op === "core.subgraph" ? (t.params as { steps: { op: string }[] }).steps.map((s) => s.op) : [t.op],
    );
    expect(ops.filter((op) => op === "reduce.multi.chunk")).toHaveLength(4);
    expect(ops.filter((op) => op === "reduce.fields")).toHaveLength(12);
    expect(ops.some((op) => /^reduce\.(sum|mean|std)\.chunk$/.test(op))).toBe(false);
  });

  test.prop(
    [
      fc.record({
        ops: fc.uniqueArray(fc.constantFrom(...NON_ARG), { minLength: 2, maxLength: 4 }),
        shape: fc.tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 9 })),
        axis: fc.constantFrom(null, 0, 1),
        dtype: fc.constantFrom("float64" as const, "float32" as const, "int16" as const),
      }),
    ],
    { numRuns: 60 },
  )("each reduction's result is bit-identical to computing it alone", async ({ ops, shape, axis, dtype }) => {
    const data = fc.sample(arbNDArray(shape, dtype, { nan: true }), {
      numRuns: 1,
      seed: shape[0] * 31 + shape[1],
    })[0];
    const x = fromArray(data, { chunks: [Math.ceil(shape[0] / 2), Math.ceil(shape[1] / 3)] });
    const arrays = ops.map((op) => LAZY[op as ReduceOp](x, { axis }));
    let together: NDArray[] | Error;
    try {
      together = await compute(arrays);
    } catch (e) {
      together = e as Error;
    }
    for (let i = 0; i < ops.length; i++) {
      let alone: NDArray | Error;
      try {
        alone = await evaluate(arrays[i]);
      } catch (e) {
        alone = e as Error;
      }
      if (together instanceof Error || alone instanceof Error) {
        expect(together instanceof Error && alone instanceof Error).toBe(true);
        continue;
      }
      assertClose(together[i], alone, { rtol: 0, atol: 0, label: ops[i] });
    }
  });
});

describe("reductions over a stacked axis", () => {
  test.prop(
    [
      fc.constantFrom(...NON_ARG.filter((op) => op !== "any" && op !== "all")),
      fc.constantFrom("float64" as const, "float32" as const, "uint8" as const),
      fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 })),
    ],
    { numRuns: 80 },
  )("a block whose reduced axes have length 1 gives the states of the general path", (op, dtype, [h, w]) => {
    const data = fc.sample(arbNDArray([1, h, w], dtype, { nan: true, infinity: true }), {
      numRuns: 1,
      seed: h * 7 + w,
    })[0];
    const direct = reduceChunk(op, data, { axis: [0] });
    // The same values through the virtual (fill) path, which never takes the single-element path.
    const flat = Float64Array.from(data.data as ArrayLike<number>);
    const general = reduceVirtual(
      op,
      [1, h, w],
      (dst, dOff, start, len) => dst.set(flat.subarray(start, start + len), dOff),
      {
        axis: [0],
      },
    );
    assertClose(direct, general, { rtol: 0, atol: 0 });
  });

  test.prop(
    [
      fc.constantFrom("sum", "nansum", "mean", "nanmean", "prod", "min", "max", "nanmin", "nanmax", "var"),
      fc.integer({ min: 1, max: 9 }),
      fc.constantFrom(2, 3, 4),
      fc.constantFrom("float32" as const, "float64" as const),
    ],
    { numRuns: 40 },
  )(
    "a stack reduced over its stacked axis folds blocks into one chain of states, in NumPy's row order",
    async (op, n, splitEvery, dtype) => {
      const days = Array.from({ length: n }, (_, d) =>
        fromArray(fc.sample(arbNDArray([4, 5], dtype, { nan: true }), { numRuns: 1, seed: d * 101 + n })[0], {
          chunks: [2, 3],
        }),
      );
      const reduced = LAZY[op as ReduceOp](stack(days), { axis: 0, splitEvery });
      const steps = [...optimize(reduced.graph(), reduced.keys()).values()].flatMap((t) =>
        t.op === "core.subgraph"
          ? (t.params as { steps: { op: string; params?: { carry?: boolean } }[] }).steps
          : [t as { op: string; params?: { carry?: boolean } }],
      );
      const ops = steps.map((s) => s.op);
      if (op !== "var" && n > 1) expect(ops).toContain("reduce.fold");
      // More blocks than one task merges: a chain of folds, no combine tasks.
      if (op !== "var" && n > splitEvery) {
        expect(steps.some((s) => s.params?.carry)).toBe(true);
        expect(ops.filter((o) => o.endsWith(".combine"))).toEqual([]);
      }
      let fused: NDArray | Error;
      let raw: NDArray | Error;
      try {
        [fused] = await compute([reduced]);
      } catch (e) {
        fused = e as Error;
      }
      // A chain adds the blocks in stacked order: the bits of the stack reduced as one block
      // (row by row, as NumPy reduces axis 0). var is not folded: the unfused tree's bits.
      const reference =
        op === "var" ? reduced : LAZY[op as ReduceOp](stack(days).rechunk([n, 2, 3]), { axis: 0 });
      try {
        raw = await evaluate(reference);
      } catch (e) {
        raw = e as Error;
      }
      if (fused instanceof Error || raw instanceof Error) expect(String(fused)).toBe(String(raw));
      else assertClose(fused, raw, { rtol: 0, atol: 0 });
    },
  );

  it.each([
    ["sum", 1e308, undefined, true],
    ["mean", 1e308, undefined, true],
    ["sum", 1e300, undefined, false],
    ["sum", 1, Number.POSITIVE_INFINITY, false],
    ["mean", -1, Number.NEGATIVE_INFINITY, false],
    ["nansum", 1e308, undefined, true],
  ] as const)(
    "a chain of folds warns on overflow as the tree did (%s of 8 days of %d, one inf: %s)",
    async (op, value, inf, warns) => {
      const days = Array.from({ length: 8 }, (_, d) => {
        const data = new Float64Array(6).fill(value);
        // In the first fold: the later folds carry a sum that is already infinite.
        if (inf !== undefined && d === 1) data[1] = inf;
        return fromArray(NDArray.from(data, { shape: [2, 3] }), { chunks: [1, 3] });
      });
      const reduced = LAZY[op](stack(days), { axis: 0, splitEvery: 2 });
      const seen: string[] = [];
      await compute([reduced], { onWarning: (w) => seen.push(w.message) });
      expect(seen.includes("overflow encountered in reduce")).toBe(warns);
    },
  );

  it("stack(days).mean(0) and the anomaly equal the unfused graph", async () => {
    const days = Array.from({ length: 5 }, (_, d) =>
      fromArray(
        NDArray.from(
          Float32Array.from({ length: 48 }, (_, i) => Math.sin(i + d * 3) * 10),
          { shape: [6, 8] },
        ),
        {
          chunks: [3, 4],
        },
      ),
    );
    const x = stack(days);
    const mean = x.mean({ axis: 0 });
    const [m, anomaly] = await compute([mean, x.get(0).sub(mean)]);
    assertClose(m, await evaluate(mean), { rtol: 0, atol: 0 });
    assertClose(anomaly, await evaluate(x.get(0).sub(mean)), { rtol: 0, atol: 0 });
  });
});
