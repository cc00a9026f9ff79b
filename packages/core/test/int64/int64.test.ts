import fc from "fast-check";
import { describe, expect, test } from "vitest";
import * as ca from "@chunked/core";
import { NDArray } from "@chunked/core";

const I64_MIN = -(2n ** 63n);
const wrap = (v: bigint) => BigInt.asIntN(64, v);
const arbInt64 = fc.bigInt({ min: I64_MIN, max: 2n ** 63n - 1n });

describe("int64 and uint64", () => {
  test("storage, item() and toNumberArray()", () => {
    const a = NDArray.from([1n, -(2n ** 62n)]);
    expect(a.dtype).toBe("int64");
    expect(a.data).toBeInstanceOf(BigInt64Array);
    expect(a.item(1)).toBe(-(2n ** 62n));
    expect(a.toNumberArray()).toEqual([1, -(2 ** 62)]);
    expect(NDArray.from([1, 2.7], { dtype: "uint64" }).toArray()).toEqual([1n, 2n]);
    expect(NDArray.from([-1n], { dtype: "uint64" }).item(0)).toBe(2n ** 64n - 1n);
    expect(String(NDArray.from([5n], { dtype: "uint64" }))).toBe("array([5], dtype=uint64)");
  });

  test("elementwise arithmetic wraps modulo 2^64; division and modulo by zero give 0", async () => {
    const x = ca.fromArray(BigInt64Array.from([2n ** 62n, I64_MIN, 7n, -7n]), { chunks: 3 });
    expect((await x.add(x).compute()).toArray()).toEqual([I64_MIN, 0n, 14n, -14n]);
    expect((await x.floorDiv(2).compute()).toArray()).toEqual([2n ** 61n, -(2n ** 62n), 3n, -4n]);
    expect((await x.floorDiv(0).compute()).toArray()).toEqual([0n, 0n, 0n, 0n]);
    expect((await x.mod(-2).compute()).toArray()).toEqual([0n, 0n, -1n, -1n]);
    expect((await x.neg().compute()).toArray()).toEqual([-(2n ** 62n), I64_MIN, -7n, 7n]);
    expect((await x.gt(0).compute()).toArray()).toEqual([true, false, true, false]);
  });

  test("casts both ways, as NumPy's astype", async () => {
    const x = ca.fromArray(BigInt64Array.from([2n ** 40n + 3n, -1n]), { chunks: 1 });
    expect((await x.astype("int32").compute()).toArray()).toEqual([3, -1]);
    expect((await x.astype("uint64").compute()).toArray()).toEqual([2n ** 40n + 3n, 2n ** 64n - 1n]);
    expect((await x.astype("float64").compute()).toArray()).toEqual([2 ** 40 + 3, -1]);
    const f = ca.fromArray(Float64Array.from([2.9, -2.9, Number.NaN]), { chunks: 2 });
    expect((await f.astype("int64").compute()).toArray()).toEqual([2n, -2n, I64_MIN]);
  });

  test("NumPy 2 promotion: uint32 + int32 is int64, int64 + uint64 float64, bool + 1 int64", () => {
    const u = ca.zeros([2], { dtype: "uint32" });
    const i = ca.zeros([2], { dtype: "int32" });
    expect(u.add(i).dtype).toBe("int64");
    expect(ca.zeros([2], { dtype: "int64" }).add(ca.zeros([2], { dtype: "uint64" })).dtype).toBe("float64");
    expect(ca.zeros([2], { dtype: "int64" }).add(ca.zeros([2], { dtype: "float32" })).dtype).toBe("float64");
    expect(ca.zeros([2], { dtype: "bool" }).add(1).dtype).toBe("int64");
    expect(() => ca.zeros([2], { dtype: "uint64" }).add(-1)).toThrow(/out of bounds for uint64/);
  });

  test("reductions: sums of narrow integers are int64 (uint64 for unsigned), exact past 2^53", async () => {
    const big = new Int32Array(300).fill(2 ** 31 - 1);
    const x = ca.fromArray(big, { chunks: 70 });
    expect(x.sum().dtype).toBe("int64");
    expect((await x.sum().compute()).item()).toBe(300n * (2n ** 31n - 1n));
    expect(ca.fromArray(new Uint8Array([1, 2])).sum().dtype).toBe("uint64");
    const y = ca.fromArray(BigInt64Array.from([3n, -9n, 2n ** 60n, 4n]), { chunks: 3 });
    expect((await y.min().compute()).item()).toBe(-9n);
    expect((await y.max().compute()).item()).toBe(2n ** 60n);
    expect((await y.argmin().compute()).item()).toBe(1n);
    expect(y.mean().dtype).toBe("float64");
    expect((await y.cumsum().compute()).toArray()).toEqual([3n, -6n, 2n ** 60n - 6n, 2n ** 60n - 2n]);
  });

  test("chunk invariance: sort, argsort, topk, unique, isin and searchsorted of int64 and uint64", async () => {
    const safe = fc.bigInt({ min: -(2n ** 53n) + 1n, max: 2n ** 53n - 1n });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(safe, fc.bigInt({ min: -5n, max: 5n })), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 7 }),
        fc.boolean(),
        async (raw, chunk, unsigned) => {
          const values = unsigned ? raw.map((v) => (v < 0n ? -v : v)) : raw;
          const data = unsigned ? BigUint64Array.from(values) : BigInt64Array.from(values);
          const x = ca.fromArray(data, { chunks: chunk });
          const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          const sx = ca.sort(x);
          expect(sx.dtype).toBe(x.dtype);
          expect((await sx.compute()).toArray()).toEqual(sorted);
          const order = (await ca.argsort(x).compute()).toArray() as bigint[];
          expect(order.map((i) => values[Number(i)])).toEqual(sorted);
          expect((await ca.topk(x, 2 > values.length ? 1 : 2).compute()).toArray()).toEqual(
            sorted.slice(-Math.min(2, values.length)).reverse(),
          );
          expect((await ca.unique(x).compute()).toArray()).toEqual([...new Set(sorted)]);
          const test = [values[0], 7n];
          expect((await ca.isin(x, ca.NDArray.from(test)).compute()).toArray()).toEqual(
            values.map((v) => test.includes(v)),
          );
          const pos = (
            await ca.searchsorted(ca.fromArray(data.slice().sort(), { chunks: chunk }), x).compute()
          ).toArray();
          expect(pos).toEqual(values.map((v) => BigInt(sorted.findIndex((s) => s >= v))));
        },
      ),
      { numRuns: 30 },
    );
  });

  test("bigint scalars are NumPy's Python ints: weak, and exact past 2^53 with 64-bit arrays", async () => {
    const big = 2n ** 60n + 3n;
    const x = ca.fromArray(BigInt64Array.from([1n, -2n, 2n ** 62n]), { chunks: 2 });
    const y = ca.add(x, big);
    expect(y.dtype).toBe("int64");
    expect((await y.compute()).toArray()).toEqual([big + 1n, big - 2n, BigInt.asIntN(64, 2n ** 62n + big)]);
    expect((await x.mul(3n).compute()).toArray()).toEqual([3n, -6n, BigInt.asIntN(64, 3n * 2n ** 62n)]);
    const u = ca.fromArray(BigUint64Array.from([5n]));
    expect(ca.add(u, 2n ** 63n).dtype).toBe("uint64");
    expect((await ca.add(u, 2n ** 63n).compute()).toArray()).toEqual([2n ** 63n + 5n]);
    const i32 = ca.fromArray(Int32Array.from([1, 2]));
    const z = i32.add(3n);
    expect(z.dtype).toBe("int32");
    expect((await z.compute()).toArray()).toEqual([4, 5]);
    expect(ca.greater(i32, 1).add(1n).dtype).toBe("int64");
    expect(() => i32.add(2n ** 40n)).toThrow(/out of bounds for int32/);
    expect(ca.add(ca.ones([2]), big).dtype).toBe("float64");
    expect((await ca.greater(x, 2n ** 61n).compute()).toArray()).toEqual([false, false, true]);
  });

  test("a value past 2^53 fails at compute naming the op, instead of rounding", async () => {
    const y = ca.fromArray(BigInt64Array.from([3n, 2n ** 60n + 1n]), { chunks: 1 });
    await expect(ca.sort(y).compute()).rejects.toThrow(
      /sort compares int64 values as float64, exact only within/,
    );
    await expect(ca.unique(y).compute()).rejects.toThrow(/unique/);
    expect(() => ca.isin(ca.arange(3, { chunks: 1 }), ca.NDArray.from([2n ** 60n]))).toThrow(ca.DTypeError);
  });

  test("chunk invariance: sum, prod, cumsum and elementwise of int64 (with wrap-around)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbInt64, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 8 }),
        async (values, chunk) => {
          const x = ca.fromArray(BigInt64Array.from(values), { chunks: chunk });
          const sum = values.reduce((s, v) => wrap(s + v), 0n);
          const prod = values.reduce((s, v) => wrap(s * v), 1n);
          expect((await x.sum().compute()).item()).toBe(sum);
          expect((await x.prod().compute()).item()).toBe(prod);
          let acc = 0n;
          expect((await x.cumsum().compute()).toArray()).toEqual(values.map((v) => (acc = wrap(acc + v))));
          expect((await x.mul(x).sub(3).compute()).toArray()).toEqual(values.map((v) => wrap(v * v - 3n)));
        },
      ),
      { numRuns: 40 },
    );
  });

  test("chunk invariance: int32 sums in int64 match BigInt sums", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 9 }),
        async (values, chunk) => {
          const x = ca.fromArray(Int32Array.from(values), { chunks: chunk });
          const want = values.reduce((s, v) => s + BigInt(v), 0n);
          expect((await x.sum().compute()).item()).toBe(want);
        },
      ),
      { numRuns: 40 },
    );
  });

  test("chunk invariance: int64 and uint64 matmul, tensordot and einsum wrap modulo 2^64, exact past 2^53", async () => {
    // The reference: BigInt triple loop, wrapped once at the end (sums modulo 2^64 do not depend on order).
    const product = (a: bigint[], b: bigint[], m: number, k: number, n: number) =>
      Array.from({ length: m * n }, (_, o) => {
        let s = 0n;
        for (let p = 0; p < k; p++) s += a[Math.floor(o / n) * k + p] * b[p * n + (o % n)];
        return s;
      });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.infiniteStream(arbInt64),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.boolean(),
        async (m, k, n, stream, ck, cm, unsigned) => {
          const av = [...stream.take(m * k)];
          const bv = [...stream.take(k * n)];
          const dtype = unsigned ? "uint64" : "int64";
          const asDtype = (v: bigint) => (unsigned ? BigInt.asUintN(64, v) : wrap(v));
          const want = product(av, bv, m, k, n).map(asDtype);
          const a = ca.fromArray(NDArray.from(av.map(asDtype), { shape: [m, k], dtype }), {
            chunks: [cm, ck],
          });
          const b = ca.fromArray(NDArray.from(bv.map(asDtype), { shape: [k, n], dtype }), {
            chunks: [ck, cm],
          });
          for (const y of [
            ca.matmul(a, b, { splitEvery: 2 }),
            ca.tensordot(a, b, 1),
            ca.dot(a, b),
            ca.einsum("ij,jk->ik", a, b, { splitEvery: 2 }),
          ]) {
            const out = await y.compute();
            expect(out.dtype).toBe(dtype);
            expect([...out.toTypedArray()]).toEqual(want);
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});
