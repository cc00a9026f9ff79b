import { describe, expect, test } from "vitest";
import type { ChunkedArray } from "@chunked/core";
import { fromArray } from "@chunked/core";
import * as lazy from "@chunked/core";
import { DTYPES } from "@chunked/core";
import {
  pairwiseSum,
  REDUCE_KERNELS,
  reduceAggregate,
  reduceChunk,
  reduceCombine,
} from "../../src/kernels/reduce.js";
import { REDUCTION_OPS, reduceResultDType } from "../../src/ops/reductions.js";
import { NDArray } from "@chunked/core";
import { nd as eager } from "@chunked/core";
import { assertClose } from "@chunked/core/testing";
import { computeOne } from "./helpers.js";

/** Deterministic pseudo-random integers (an LCG), so tests need no seed plumbing. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe("accuracy", () => {
  // x = 1e8 + k/1024 with small integers k: exactly representable, and var(x) = var(k) / 2^20 exactly.
  const n = 1000;
  const rand = lcg(7);
  const k = Array.from({ length: n }, () => Math.floor(rand() * 2049) - 1024);
  const x = new Float64Array(k.map((v) => 1e8 + v / 1024));
  const meanK = k.reduce((a, b) => a + b, 0) / n;
  const m2K = k.reduce((a, b) => a + (b - meanK) ** 2, 0);
  const expectedVar = (ddof: number) => m2K / (n - ddof) / 2 ** 20;

  test("the case is hard: E[x²] - E[x]² loses every digit", () => {
    const naive = x.reduce((a, b) => a + b * b, 0) / n - (x.reduce((a, b) => a + b, 0) / n) ** 2;
    expect(Math.abs(naive - expectedVar(0)) / expectedVar(0)).toBeGreaterThan(1e-2);
  });

  test("Chan's merge keeps var of 1e8 + noise exact to 1e-12 over any chunking", async () => {
    expect(eager.variance(NDArray.from(x)).item()).toBeCloseTo(expectedVar(0), 12);
    for (const chunks of [1, 2, 7, 100, 1000]) {
      for (const splitEvery of [2, 4, 8]) {
        const a = fromArray(x, { chunks });
        for (const ddof of [0, 1]) {
          const v = (await computeOne(lazy.variance(a, { ddof, splitEvery }))).item() as number;
          expect(Math.abs(v - expectedVar(ddof)) / expectedVar(ddof)).toBeLessThan(1e-12);
        }
        const s = (await computeOne(lazy.std(a, { splitEvery }))).item() as number;
        expect(Math.abs(s - Math.sqrt(expectedVar(0))) / Math.sqrt(expectedVar(0))).toBeLessThan(1e-12);
      }
    }
  });

  test("the same along an axis (rows path) and with NaN skipped (nanvar)", async () => {
    const m = NDArray.from(x, { shape: [100, 10] });
    const colK = (j: number) => k.filter((_, i) => i % 10 === j);
    const colVar = (j: number) => {
      const c = colK(j);
      const mu = c.reduce((a, b) => a + b, 0) / c.length;
      return c.reduce((a, b) => a + (b - mu) ** 2, 0) / c.length / 2 ** 20;
    };
    const expected = NDArray.from(Array.from({ length: 10 }, (_, j) => colVar(j)));
    assertClose(eager.variance(m, { axis: 0 }), expected, { rtol: 1e-12 });
    for (const chunks of [
      [1, 10],
      [3, 4],
      [100, 10],
    ]) {
      const a = fromArray(m, { chunks });
      assertClose(await computeOne(lazy.variance(a, { axis: 0, splitEvery: 2 })), expected, { rtol: 1e-12 });
      assertClose(await computeOne(lazy.nanvar(a, { axis: 0 })), expected, { rtol: 1e-12 });
    }
  });

  test("float32 sum of 1e7 values: float64 accumulation, within 1e-5 of NumPy's float32 pairwise", async () => {
    const n32 = 10_000_000;
    const rand32 = lcg(11);
    const data = new Float32Array(n32);
    for (let i = 0; i < n32; i++) data[i] = rand32();
    const exact = pairwiseSum(new Float64Array(data), 0, n32);
    // NumPy's float32 pairwise_sum: the same split points, every addition rounded to float32.
    const numpy32 = (p: number, len: number): number => {
      const f = Math.fround;
      if (len < 8) {
        let s = 0;
        for (let i = 0; i < len; i++) s = f(s + data[p + i]);
        return s;
      }
      if (len <= 128) {
        const r = Array.from({ length: 8 }, (_, j) => data[p + j]);
        let i = 8;
        for (; i < len - (len % 8); i += 8) for (let j = 0; j < 8; j++) r[j] = f(r[j] + data[p + i + j]);
        let s = f(f(f(r[0] + r[1]) + f(r[2] + r[3])) + f(f(r[4] + r[5]) + f(r[6] + r[7])));
        for (; i < len; i++) s = f(s + data[p + i]);
        return s;
      }
      let n2 = len >>> 1;
      n2 -= n2 % 8;
      return f(numpy32(p, n2) + numpy32(p + n2, len - n2));
    };
    const np = numpy32(0, n32);
    const got = eager.sum(NDArray.from(data));
    expect(got.dtype).toBe("float32");
    expect(got.item()).toBe(Math.fround(exact));
    expect(Math.abs((got.item() as number) - np) / np).toBeLessThan(1e-5);
    const chunked = await computeOne(lazy.sum(fromArray(data, { chunks: 1_000_000 }), { splitEvery: 3 }));
    expect(Math.abs((chunked.item() as number) - exact) / exact).toBeLessThan(1e-7);
    expect(Math.abs((eager.mean(NDArray.from(data)).item() as number) - exact / n32)).toBeLessThan(1e-7);
  });

  test("pairwise float64 sum matches a compensated reference to 1e-15", () => {
    const rand = lcg(3);
    const a = new Float64Array(100_003).map(() => rand() * 2 - 1 + 1e3);
    // Neumaier's compensated sum as the reference.
    let s = 0;
    let c = 0;
    for (const v of a) {
      const t = s + v;
      c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
      s = t;
    }
    expect(Math.abs(pairwiseSum(a, 0, a.length) - (s + c)) / (s + c)).toBeLessThan(1e-15);
  });
});

describe("kernels", () => {
  test("every op has chunk, combine and agg kernels registered by id", () => {
    for (const op of REDUCTION_OPS) {
      const k = REDUCE_KERNELS[op];
      expect([k.chunk.id, k.combine.id, k.agg.id]).toEqual([
        `reduce.${op}.chunk`,
        `reduce.${op}.combine`,
        `reduce.${op}.agg`,
      ]);
    }
  });

  test("partials are float64 with the reduced axes kept and a trailing field axis", () => {
    const a = NDArray.from(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: "int16" },
    );
    const fields = { sum: 1, mean: 2, var: 4, min: 2, argmin: 2, any: 1 } as const;
    for (const [op, f] of Object.entries(fields)) {
      const p = reduceChunk(op as keyof typeof fields, a, { axis: [1] });
      expect(p.dtype).toBe("float64");
      expect(p.shape).toEqual([2, 1, f]);
    }
    expect(reduceChunk("mean", a, { axis: [0] }).toArray()).toEqual([
      [
        [2, 5],
        [2, 7],
        [2, 9],
      ],
    ]);
  });

  test("combine merges partials of one shape; mismatched shapes are rejected", () => {
    const p1 = reduceChunk("mean", NDArray.from([1, 2, 3]), { axis: [0] });
    const p2 = reduceChunk("mean", NDArray.from([10]), { axis: [0] });
    expect(reduceCombine("mean", [p1, p2]).toArray()).toEqual([[4, 16]]);
    const p3 = reduceChunk("mean", NDArray.from([[1, 2]]), { axis: [0] });
    expect(() => reduceCombine("mean", [p1, p3])).toThrow("partials to merge must have one shape");
    expect(reduceAggregate("mean", [p1, p2], { axis: [0], dtype: "float64" }).item()).toBe(4);
  });

  test("arg chunk kernels make indices global from blockOffset and arrayShape", () => {
    const block = NDArray.from([
      [5, 1],
      [0, 7],
    ]);
    // The block sits at rows 2..3, columns 4..5 of a 4×6 array: element (1, 0) is flat index 3*6 + 4.
    const flat = reduceChunk("argmin", block, { blockOffset: [2, 4], arrayShape: [4, 6] });
    expect(flat.toArray()).toEqual([[[0, 22]]]);
    const along0 = reduceChunk("argmax", block, { axis: [0], blockOffset: [2, 4], arrayShape: [4, 6] });
    expect(along0.toArray()).toEqual([
      [
        [5, 2],
        [7, 3],
      ],
    ]);
    expect(() => reduceChunk("argmin", NDArray.zeros("float64", [2, 2, 2]), { axis: [0, 1] })).toThrow(
      "argmin reduces one axis or all of them",
    );
  });

  test("chunk kernels evaluate a fused elementwise `pre` first", async () => {
    const a = NDArray.from([1, 2, 3, 4]);
    const pre = {
      expr: { op: "multiply", args: [{ in: 0 }, { const: 3, dtype: "float64" }], dtype: "float64" },
      dtype: "float64",
      shape: [4],
    } as const;
    const p = await REDUCE_KERNELS.sum.chunk.fn([a], { axis: [0], fusable: true, pre: pre as never });
    expect(p.toArray()).toEqual([[30]]);
  });

  test("strided and reversed views", () => {
    const base = NDArray.from(
      new Float64Array(60).map((_, i) => (i * 37) % 23),
      { shape: [6, 10] },
    );
    const view = base.region([
      [1, 6, 2],
      [0, 10, 3],
    ]); // rows 1,3,5; columns 0,3,6,9
    const dense = view.copy();
    for (const op of ["sum", "var", "min", "argmax", "nanmean"] as const) {
      for (const axis of [null, 0, 1]) {
        assertClose(eager.reduce(op, view, { axis }), eager.reduce(op, dense, { axis }), {
          label: `${op} ${axis}`,
        });
      }
    }
    const data = new Float64Array([3, 1, 4, 1, 5]);
    const reversed = new NDArray("float64", data, [5], [-1], 4); // [5, 1, 4, 1, 3]
    expect(eager.argmin(reversed).item()).toBe(1n);
    expect(eager.argmax(reversed).item()).toBe(0n);
    expect(eager.sum(reversed).item()).toBe(14);
  });
});

describe("semantics", () => {
  test("result dtypes (NumPy's: integer sums int64/uint64, indices int64)", () => {
    const table: Record<string, string[]> = {};
    for (const op of REDUCTION_OPS) table[op] = DTYPES.map((d) => reduceResultDType(op, d));
    const floaty = DTYPES.map((d) => (d === "float32" ? "float32" : "float64"));
    const sums = DTYPES.map((d) => (d.startsWith("float") ? d : d.startsWith("uint") ? "uint64" : "int64"));
    for (const op of ["sum", "prod", "nansum", "nanprod"]) expect(table[op]).toEqual(sums);
    for (const op of ["mean", "var", "std", "nanmean", "nanvar", "nanstd"]) {
      expect(table[op]).toEqual(floaty);
    }
    for (const op of ["min", "max", "nanmin", "nanmax"]) expect(table[op]).toEqual([...DTYPES]);
    for (const op of ["any", "all"]) expect(new Set(table[op])).toEqual(new Set(["bool"]));
    for (const op of ["argmin", "argmax", "nanargmin", "nanargmax"])
      expect(new Set(table[op])).toEqual(new Set(["int64"]));
  });

  test("NaN: min/max/arg* propagate (first NaN wins), nan-variants skip, across blocks", async () => {
    const data = new Float64Array([3, Number.NaN, 1, Number.NaN, -2, 5]);
    const x = fromArray(data, { chunks: 1 });
    const val = async (y: ChunkedArray) => {
      const v = (await computeOne(y)).item();
      return typeof v === "bigint" ? Number(v) : v;
    };
    expect(await val(lazy.argmin(x, { splitEvery: 2 }))).toBe(1);
    expect(await val(lazy.argmax(x, { splitEvery: 3 }))).toBe(1);
    expect(await val(lazy.min(x))).toBeNaN();
    expect(await val(lazy.nanargmin(x))).toBe(4);
    expect(await val(lazy.nanargmax(x))).toBe(5);
    expect(await val(lazy.nanmin(x))).toBe(-2);
    expect(await val(lazy.nansum(x))).toBe(7);
    expect(await val(lazy.nanprod(x))).toBe(-30);
    expect(await val(lazy.nanmean(x))).toBe(7 / 4);
    expect(await val(lazy.any(x))).toBe(true);
    expect(eager.all(NDArray.from([Number.NaN, 1])).item()).toBe(true);
    const allNan = NDArray.from([Number.NaN, Number.NaN]);
    expect(eager.nanmean(allNan).item()).toBeNaN();
    expect(eager.nanmin(allNan).item()).toBeNaN();
    expect(eager.nansum(allNan).item()).toBe(0);
    expect(() => eager.nanargmax(allNan)).toThrow("All-NaN slice encountered");
  });

  test("infinities and ties", () => {
    const a = NDArray.from([Number.POSITIVE_INFINITY, 2, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(eager.argmin(a).item()).toBe(2n);
    expect(eager.nanargmax(NDArray.from([Number.NaN, Number.POSITIVE_INFINITY])).item()).toBe(1n);
    expect(eager.nanmin(NDArray.from([Number.NaN, Number.POSITIVE_INFINITY])).item()).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(eager.max(NDArray.from([1, 7, 7, 2])).item()).toBe(7);
    expect(eager.argmax(NDArray.from([1, 7, 7, 2])).item()).toBe(1n);
    expect(eager.variance(NDArray.from([Number.POSITIVE_INFINITY, 1])).item()).toBeNaN();
  });

  test("ddof past the count: inf or nan as NumPy (var), nan (nanvar)", () => {
    const a = NDArray.from([1, 2]);
    expect(eager.variance(a, { ddof: 2 }).item()).toBe(Number.POSITIVE_INFINITY);
    expect(eager.variance(a, { ddof: 3 }).item()).toBe(Number.POSITIVE_INFINITY);
    expect(eager.variance(NDArray.from([1, 1]), { ddof: 2 }).item()).toBeNaN();
    expect(eager.nanvar(a, { ddof: 2 }).item()).toBeNaN();
    expect(eager.mean(NDArray.zeros("float64", [0])).item()).toBeNaN();
    expect(eager.sum(NDArray.zeros("float32", [0])).item()).toBe(0);
  });

  test("keepdims, negative axes, axis lists, 0-d and axis []", () => {
    const a = NDArray.from(
      new Float64Array(24).map((_, i) => i),
      { shape: [2, 3, 4] },
    );
    expect(eager.sum(a, { axis: [0, -1], keepdims: true }).shape).toEqual([1, 3, 1]);
    expect(eager.sum(a, { axis: [0, -1] }).toArray()).toEqual([60, 92, 124]);
    expect(eager.mean(a, { axis: -2 }).toArray()).toEqual([
      [4, 5, 6, 7],
      [16, 17, 18, 19],
    ]);
    const i = NDArray.from([[1, 2]], { dtype: "int32" });
    const same = eager.sum(i, { axis: [] });
    expect(same.dtype).toBe("int64");
    expect(same.toArray()).toEqual([[1n, 2n]]);
    const s = NDArray.from(new Float64Array([5]), { shape: [] });
    expect(eager.sum(s).item()).toBe(5);
    expect(eager.argmax(s).item()).toBe(0n);
    expect(eager.argmin(a, { axis: 1, keepdims: true }).shape).toEqual([2, 1, 4]);
    expect(eager.argmin(a, { keepdims: true }).shape).toEqual([1, 1, 1]);
  });

  test("bool and integer input", () => {
    const b = NDArray.from([true, false, true]);
    expect(eager.sum(b).dtype).toBe("int64");
    expect(eager.sum(b).item()).toBe(2n);
    expect(eager.max(b).dtype).toBe("bool");
    expect(eager.max(b).item()).toBe(true);
    expect(eager.all(b).item()).toBe(false);
    const u = NDArray.from(new Uint32Array([4294967295, 4294967295]));
    expect(eager.sum(u).item()).toBe(8589934590n); // uint64, no uint32 wrap-around
    const big = NDArray.from(BigInt64Array.from([2n ** 62n, 2n ** 62n, 5n]));
    expect(eager.sum(big).item()).toBe(-(2n ** 63n) + 5n); // wraps modulo 2^64 as NumPy
    expect(eager.prod(NDArray.from(new Int32Array([2 ** 31 - 1, 2 ** 31 - 1, 4]))).item()).toBe(
      BigInt.asIntN(64, (2n ** 31n - 1n) ** 2n * 4n),
    );
    expect(eager.min(u).dtype).toBe("uint32");
    expect(eager.mean(NDArray.from(new Int8Array([-128, 127]))).item()).toBe(-0.5);
  });
});
