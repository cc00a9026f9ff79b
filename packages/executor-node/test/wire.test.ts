import { NDArray } from "@chunked/core/internal";
import { describe, expect, it } from "vitest";
import { fromWireError, pack, packChunk, packParams, SHARE_MIN_BYTES, toWireError } from "../src/wire.js";

const values = (a: {
  dtype: any;
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
  data: any;
}) => NDArray.revive(a).toArray();

describe("pack", () => {
  it("returns a compact contiguous chunk as is", () => {
    const a = NDArray.from([1, 2, 3, 4]);
    const p = pack(a, false);
    expect(p.data).toBe(a.data);
  });

  it("copies only the elements of a small view into a big buffer", () => {
    const big = new Float64Array(1_000_000).map((_, i) => i);
    const view = new NDArray("float64", big, [2, 3], [1000, 1], 500_000);
    const p = pack(view, false);
    expect(p.data.buffer.byteLength).toBe(6 * 8);
    expect(values(p)).toEqual(view.toArray());
  });

  it("copies a contiguous sub-range without changing strides", () => {
    const big = new Float32Array(100).map((_, i) => i);
    const view = new NDArray("float32", big, [10], [1], 40);
    const p = pack(view, false);
    expect(p.data.length).toBe(10);
    expect(p.offset).toBe(0);
    expect(values(p)).toEqual(view.toArray());
  });

  it("keeps broadcast (0-stride) views small", () => {
    const row = new Float64Array([1, 2, 3]);
    const b = new NDArray("float64", row, [1000, 3], [0, 1], 0);
    const p = pack(b, false);
    expect(p.data.length).toBe(3);
    expect(p.strides).toEqual([0, 1]);
    expect(values(p)).toEqual(b.toArray());
  });

  it("handles strided, transposed and reversed views", () => {
    const base = new Int32Array(24).map((_, i) => i * 3 - 7);
    const strided = new NDArray("int32", base, [3, 2], [8, 3], 1);
    const transposed = new NDArray("int32", base, [4, 6], [1, 4], 0);
    const reversed = new NDArray("int32", base, [5], [-2], 20);
    for (const v of [strided, transposed, reversed]) {
      for (const shared of [false, true]) {
        const p = pack(v, shared);
        expect(values(p)).toEqual(v.toArray());
        expect(p.data.buffer instanceof SharedArrayBuffer).toBe(shared);
        expect(p.data.length).toBeLessThanOrEqual(v.size);
      }
    }
  });

  it("handles 0-d and empty arrays", () => {
    const scalar = new NDArray("float64", new Float64Array([1, 2, 3]), [], [], 2);
    expect(values(pack(scalar, false))).toBe(3);
    const empty = new NDArray("uint8", new Uint8Array(100), [0, 5], [5, 1], 10);
    const p = pack(empty, false);
    expect(p.shape).toEqual([0, 5]);
    expect(p.data.buffer.byteLength).toBe(0);
  });

  it("shares big chunks and returns SharedArrayBuffer-backed chunks without copying", () => {
    const big = NDArray.zeros("float32", [SHARE_MIN_BYTES / 4]);
    const p = packChunk(big);
    expect(p.data.buffer instanceof SharedArrayBuffer).toBe(true);
    expect(big.data.byteLength).toBe(SHARE_MIN_BYTES); // never detached
    const again = packChunk(p);
    expect(again.data).toBe(p.data);
    const small = NDArray.zeros("float32", [4]);
    expect(packChunk(small).data).toBe(small.data);
  });
});

describe("packParams", () => {
  it("returns params unchanged when there is nothing to pack", () => {
    const params = { axis: [0, 1], keepdims: true, fill: Number.NaN, w: new Float64Array([1, 2]) };
    expect(packParams(params)).toBe(params);
  });

  it("packs chunks embedded in params and compacts views", () => {
    const big = new Float64Array(10_000).map((_, i) => i);
    const chunk = new NDArray("float64", big, [5], [1], 100);
    const params = { array: chunk, table: big.subarray(10, 12), nested: [{ v: big.subarray(0, 1) }] };
    const out = packParams(params) as any;
    expect(out).not.toBe(params);
    expect(out.array.data.length).toBe(5);
    expect(values(out.array)).toEqual([100, 101, 102, 103, 104]);
    expect(out.table.buffer.byteLength).toBe(16);
    expect([...out.table]).toEqual([10, 11]);
    expect(out.nested[0].v.buffer.byteLength).toBe(8);
    expect(params.array).toBe(chunk); // not mutated
  });

  it("rejects functions with a fix", () => {
    expect(() => packParams({ f: () => 1 })).toThrow(/params\.f is a function.*defineKernel/);
  });
});

describe("errors across threads", () => {
  it("round-trips name, message, stack and code", () => {
    const e = Object.assign(new RangeError("bad"), { code: "E_BAD" });
    const back = fromWireError(structuredClone(toWireError(e)));
    expect(back).toBeInstanceOf(RangeError);
    expect(back.message).toBe("bad");
    expect(back.stack).toBe(e.stack);
    expect((back as any).code).toBe("E_BAD");
    expect(fromWireError(toWireError("str")).message).toMatch(/str/);
  });
});
