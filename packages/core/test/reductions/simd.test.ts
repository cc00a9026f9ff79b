/**
 * The WebAssembly SIMD sums (kernels/simd-sum.ts) and the plain JS path give the same bits, and
 * the JS path takes over where WebAssembly SIMD is unavailable.
 */
import { fc, test } from "@fast-check/vitest";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type DType, NDArray, type ReduceOp } from "@chunked/core";
import {
  pairwiseNanSum,
  pairwiseSum,
  reduceChunk,
  reduceChunkMulti,
  setSimdSum,
  simdSum,
} from "../../src/kernels/reduce.js";

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

  it("match pairwiseSum bit for bit at every size up to 300, float32 widened exactly", () => {
    const wasm = simdSum();
    if (wasm === null) throw new Error("WebAssembly SIMD is available in Node");
    for (let n = 0; n <= 300; n++) {
      const x = values("float32", n, n + 1, false).data as Float32Array;
      const wide = Float64Array.from(x);
      const want = pairwiseSum(wide, 0, n);
      wasm.f32.set(x);
      expect(wasm.sum32(n)).toBe(want);
      wasm.f64.set(wide);
      expect(wasm.sum64(n)).toBe(want);
      // And through the kernel, contiguous and strided.
      expect(reduceChunk("sum", new NDArray("float64", wide, [n])).data[0]).toBe(want);
      const gapped = NDArray.zeros("float32", [n, 2]);
      for (let i = 0; i < n; i++) (gapped.data as Float32Array)[2 * i] = x[i];
      expect(
        reduceChunk(
          "sum",
          gapped.region([
            [0, n, 1],
            [0, 1, 1],
          ]),
          { axis: [0, 1] },
        ).data[0],
      ).toBe(want);
    }
  });

  it("skip NaN as pairwiseNanSum does, bit for bit, and count the rest, at every size up to 300", () => {
    const wasm = simdSum();
    if (wasm === null) throw new Error("WebAssembly SIMD is available in Node");
    const specials = [Number.NaN, -0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    for (let n = 0; n <= 300; n++) {
      for (const density of [0, 0.05, 0.5, 1]) {
        const x = values("float64", n, 7 * n + 1, false).data as Float64Array;
        let s = n + 3;
        for (let i = 0; i < n; i++) {
          s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
          if (s / 2 ** 32 < density) x[i] = Number.NaN;
          // A few negative zeros and infinities where NaN leaves the rest.
          else if (density === 0.5 && i % 37 === 5) x[i] = specials[(s >>> 8) % specials.length];
        }
        wasm.f64.set(x);
        const got = wasm.nanSum64(n);
        expect(Object.is(got, pairwiseNanSum(x, 0, n)), `n=${n} density=${density}`).toBe(true);
        expect(wasm.nanCount[0]).toBe(x.filter((v) => !Number.isNaN(v)).length);
      }
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
