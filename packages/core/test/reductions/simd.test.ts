/**
 * The WebAssembly SIMD sums (kernels/simd-sum.ts) and the plain JS path give the same bits, and
 * the JS path takes over where WebAssembly SIMD is unavailable.
 */
import { fc, test } from "@fast-check/vitest";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type DType, NDArray, type ReduceOp } from "@chunked/core";
import { pairwiseSum, reduceChunk, reduceChunkMulti, setSimdSum } from "../../src/kernels/reduce.js";

afterEach(() => {
  vi.restoreAllMocks();
  setSimdSum(true);
});

/** Values of many magnitudes and both signs (so the order of additions shows in the last bits). */
function values(dtype: DType, n: number, seed: number, nan: boolean): NDArray {
  const a = NDArray.zeros(dtype, [n]);
  const data = a.data as unknown as { [i: number]: number };
  let s = seed >>> 0;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  for (let i = 0; i < n; i++) {
    const u = next() - 0.5;
    if (dtype === "float32" || dtype === "float64")
      data[i] = nan && next() < 0.01 ? Number.NaN : u * 10 ** (next() * 12);
    else data[i] = Math.floor(u * 200);
  }
  return a;
}

function bits(a: NDArray): number[] {
  return Array.from(a.toTypedArray() as Float64Array);
}

const OPS: ReduceOp[] = ["sum", "mean", "nansum", "nanmean", "var", "std"];

describe("WebAssembly SIMD sums", () => {
  it("are available in Node", () => {
    expect(setSimdSum(true)).toBe(true);
  });

  test.prop(
    [
      fc.constantFrom<DType>("float64", "float32", "int16", "uint8"),
      fc.integer({ min: 0, max: 20_000 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      fc.boolean(),
      fc.constantFrom(...OPS),
    ],
    { numRuns: 150 },
  )("give the JS path's bits, contiguous or strided", (dtype, n, step, seed, nan, op) => {
    const base = values(dtype, n * step, seed, nan);
    const x = base.region([[0, n * step, step]]);
    const run = () => [reduceChunk(op, x), reduceChunkMulti(["sum", "mean", "var"], x)].map(bits);
    expect(setSimdSum(false)).toBe(false);
    const js = run();
    expect(setSimdSum(true)).toBe(true);
    expect(run()).toEqual(js);
  });

  it("match pairwiseSum bit for bit at every leaf size, float32 widened exactly", () => {
    for (let n = 0; n <= 300; n++) {
      const x = values("float32", n, n + 1, false);
      const wide = Float64Array.from(x.data as Float32Array);
      expect(reduceChunk("sum", x).data[0]).toBe(pairwiseSum(wide, 0, n));
      expect(reduceChunk("sum", new NDArray("float64", wide, [n])).data[0]).toBe(pairwiseSum(wide, 0, n));
    }
  });

  it("fall back to the JS path where WebAssembly SIMD is unavailable", () => {
    const x = values("float32", 10_000, 7, false);
    const withSimd = bits(reduceChunkMulti(["sum", "mean"], x));
    // An engine without SIMD rejects the module in validation.
    vi.spyOn(WebAssembly, "validate").mockReturnValue(false);
    expect(setSimdSum(true)).toBe(false);
    expect(bits(reduceChunkMulti(["sum", "mean"], x))).toEqual(withSimd);
    vi.restoreAllMocks();
    expect(setSimdSum(true)).toBe(true);
  });
});
