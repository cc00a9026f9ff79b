/**
 * The sample sort's merge of one bucket (kernels/sort.ts `sort.sample.merge`): the values of its
 * parts in the order of the built-in typed-array sort of their concatenation, bit for bit, written
 * into the memory a pool worker gives its outputs (so the bucket is not held twice there).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getKernel, NDArray } from "@chunked/core/internal";
import { setOutputAllocator } from "../../src/kernels/recycle.js";

const merge = (parts: NDArray[], arg = false) => getKernel("sort.sample.merge")(parts, { arg }) as NDArray;

/** What the merge must equal: the parts concatenated, then sorted by the built-in sort. */
function expected(
  parts: NDArray[],
  ctor: Float64ArrayConstructor | Float32ArrayConstructor | Int32ArrayConstructor,
) {
  const all = new ctor(parts.reduce((n, p) => n + p.size, 0));
  let k = 0;
  for (const p of parts)
    for (let i = 0; i < p.size; i++) all[k++] = p.data[p.offset + i * p.strides[0]] as number;
  return all.sort();
}

/** Equal element by element as `Object.is` sees them (-0 is not +0, NaN is NaN). */
function sameValues(got: NDArray, want: ArrayLike<number>): boolean {
  if (got.size !== want.length) return false;
  for (let i = 0; i < want.length; i++)
    if (!Object.is(got.data[got.offset + i * got.strides[0]], want[i])) return false;
  return true;
}

/** Every kind of float64 the key order must place: signed zeros, infinities, NaN, subnormals, far apart exponents. */
const anyDouble = fc.oneof(
  fc.double(),
  fc.constantFrom(
    0,
    -0,
    Number.NaN,
    Infinity,
    -Infinity,
    Number.MIN_VALUE,
    -Number.MIN_VALUE,
    1e308,
    -1e-308,
  ),
  fc.double({ min: 1, max: 1.000001, noNaN: true }),
);

/**
 * Splits `values` into parts of the given sizes and one of the rest; every other part is a strided
 * view (each value twice, read with step 2).
 */
function toParts(
  values: readonly number[],
  cuts: readonly number[],
  dtype: "float64" | "float32" | "int32",
): NDArray[] {
  const Ctor = { float64: Float64Array, float32: Float32Array, int32: Int32Array }[dtype];
  const parts: NDArray[] = [];
  let at = 0;
  cuts.forEach((size, j) => {
    const chunk = values.slice(at, at + size);
    at += size;
    if (j % 2 === 0) parts.push(new NDArray(dtype, Ctor.from(chunk), [chunk.length]));
    else parts.push(new NDArray(dtype, Ctor.from(chunk.flatMap((v) => [v, v])), [chunk.length], [2], 0));
  });
  const rest = values.slice(at);
  parts.push(new NDArray(dtype, Ctor.from(rest), [rest.length]));
  return parts;
}

describe("sort.sample.merge", () => {
  it("equals the built-in sort of the concatenated parts, bit for bit, in every dtype", () => {
    fc.assert(
      fc.property(
        fc.array(anyDouble, { maxLength: 3000 }),
        fc.array(fc.integer({ min: 0, max: 700 }), { maxLength: 6 }),
        fc.constantFrom("float64", "float32", "int32") as fc.Arbitrary<"float64" | "float32" | "int32">,
        (doubles, cuts, dtype) => {
          const values =
            dtype === "int32" ? doubles.map((v) => (Number.isFinite(v) ? Math.trunc(v) | 0 : 7)) : doubles;
          const parts = toParts(values, cuts, dtype);
          const Ctor = { float64: Float64Array, float32: Float32Array, int32: Int32Array }[dtype];
          const got = merge(parts);
          expect(got.dtype).toBe(dtype);
          expect(sameValues(got, expected(parts, Ctor))).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("sorts a bucket of a million values whose keys spread over many ranges and one that holds most", () => {
    const n = 1_000_000;
    let s = 12345;
    const next = () => ((s = (s * 1664525 + 1013904223) >>> 0) + 0.5) / 2 ** 32;
    // Exponential values (the bench's S1), a heavy tail of huge ones, and a tenth all equal.
    const a = Float64Array.from({ length: n }, (_, i) =>
      i % 10 === 0 ? 0.5 : i % 997 === 0 ? 1e300 * next() : -Math.log(next()),
    );
    const parts = [
      new NDArray("float64", a.subarray(0, n / 2), [n / 2]),
      new NDArray("float64", a.subarray(n / 2), [n / 2]),
    ];
    expect(sameValues(merge(parts), expected(parts, Float64Array))).toBe(true);
  });

  it("writes its output, values or positions, into the memory a pool worker gives outputs", () => {
    const given: ArrayBufferLike[] = [];
    setOutputAllocator((bytes) => {
      const buffer = new SharedArrayBuffer(bytes + 64);
      given.push(buffer);
      return buffer;
    });
    try {
      const values = merge([NDArray.from([3, 1, 2]), NDArray.from([0, 5])]);
      expect(Array.from(values.data as Float64Array)).toEqual([0, 1, 2, 3, 5]);
      const pairs = (v: number[]) => new NDArray("float64", Float64Array.from(v), [v.length / 2, 2]);
      const positions = merge([pairs([1, 0, 4, 1]), pairs([2, 2])], true);
      expect(Array.from(positions.data as Float64Array)).toEqual([0, 2, 1]);
      expect([values.data.buffer, positions.data.buffer]).toEqual(given);
    } finally {
      setOutputAllocator(undefined);
    }
  });
});
