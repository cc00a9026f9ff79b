/** The wire formats, without Redis: tasks as msgpack, chunks as header + little-endian bytes. */
import { dtypes, NDArray } from "@chunked/core/internal";
import { describe, expect, it } from "vitest";
import { decodeChunk, encodeChunk, pack, unpack } from "../src/codec.js";

describe("task params as msgpack", () => {
  it("keep NaN, ±Infinity, -0, big integers and TypedArrays (JSON would not)", () => {
    const params = {
      fill: Number.NaN,
      bounds: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
      zero: -0,
      nested: { list: [1.5, -0, { z: -0 }] },
      big: 2 ** 53,
      f32: new Float32Array([1, -0, Number.NaN]),
      i32: new Int32Array([-5, 7]),
      u8: new Uint8Array([0, 255]),
      f64: new Float64Array([Number.POSITIVE_INFINITY, 1e-300]),
      none: null,
    };
    const back = unpack<typeof params>(pack(params));
    expect(back.fill).toBeNaN();
    expect(back.bounds).toEqual([Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]);
    expect(Object.is(back.zero, -0)).toBe(true);
    expect(Object.is(back.nested.list[1], -0)).toBe(true);
    expect(Object.is((back.nested.list[2] as { z: number }).z, -0)).toBe(true);
    expect(back.big).toBe(2 ** 53);
    expect(back.f32).toBeInstanceOf(Float32Array);
    expect(Object.is(back.f32[1], -0)).toBe(true);
    expect(back.f32[2]).toBeNaN();
    expect(back.i32).toEqual(new Int32Array([-5, 7]));
    expect(back.u8).toEqual(new Uint8Array([0, 255]));
    expect(back.f64).toEqual(new Float64Array([Number.POSITIVE_INFINITY, 1e-300]));
    expect(back.none).toBeNull();
    // The caller's params are not modified by the -0 marking.
    expect(Object.is(params.zero, -0)).toBe(true);
  });

  it("reject functions with the path and a fix", () => {
    expect(() => pack({ a: [1, { f: () => 1 }] })).toThrow(/params\.a\[1\]\.f is a function.*--module/);
  });
});

describe("chunks as header + little-endian bytes", () => {
  it("round-trip every dtype, 0-d, empty and strided views", () => {
    for (const dtype of dtypes.DTYPES) {
      const a = NDArray.from(
        [
          [1, 0, 3],
          [4, 5, 6],
        ],
        { dtype },
      );
      const back = decodeChunk(encodeChunk(a));
      expect(back.dtype).toBe(dtype);
      expect(back.shape).toEqual([2, 3]);
      expect(back.toArray()).toEqual(a.toArray());
    }
    const scalar = NDArray.from(-0, { dtype: "float64" });
    expect(Object.is(decodeChunk(encodeChunk(scalar)).item(), -0)).toBe(true);
    const empty = NDArray.zeros("float32", [0, 4]);
    expect(decodeChunk(encodeChunk(empty)).shape).toEqual([0, 4]);
    const big = NDArray.from(
      Array.from({ length: 100 }, (_, i) => i),
      { dtype: "int32" },
    ).reshape([10, 10]);
    const view = big.region([
      [1, 9, 3],
      [0, 10, 4],
    ]);
    const back = decodeChunk(encodeChunk(view));
    expect(back.toArray()).toEqual(view.toArray());
    // Only the view's elements are written: header (8 + 2 × 8 bytes) + 3 × 3 int32.
    expect(encodeChunk(view).length).toBe(8 + 16 + 9 * 4);
  });

  it("decode from an unaligned network buffer, and refuse foreign or truncated bytes", () => {
    const a = NDArray.from([1.5, Number.NaN, Number.NEGATIVE_INFINITY]);
    const bytes = encodeChunk(a);
    const unaligned = new Uint8Array(bytes.length + 1).subarray(1);
    unaligned.set(bytes);
    expect(decodeChunk(unaligned).toArray()).toEqual([1.5, Number.NaN, Number.NEGATIVE_INFINITY]);
    expect(() => decodeChunk(new TextEncoder().encode("hello world!"))).toThrow(/bad magic/);
    expect(() => decodeChunk(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated/);
  });
});
