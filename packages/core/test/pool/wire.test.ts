/** The pool wire format (core/src/pool/wire.ts): compaction, chunk tables, params and errors. */
import { describe, expect, it } from "vitest";
import { NDArray, pool } from "@chunked/core/internal";

const { BIG_BYTES, ChunkTableBuilder, compactCopy, fromWireError, packParams, readChunkTable, toWireError } =
  pool;

const values = (a: {
  dtype: any;
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
  data: any;
}) => NDArray.revive(a).toArray();

const keep = (a: any) => a;

describe("compactCopy", () => {
  it("copies only the elements of a small view into a big buffer", () => {
    const big = new Float64Array(1_000_000).map((_, i) => i);
    const view = new NDArray("float64", big, [2, 3], [1000, 1], 500_000);
    const p = compactCopy(view, false);
    expect(p.data.buffer.byteLength).toBe(6 * 8);
    expect(values(p)).toEqual(view.toArray());
  });

  it("keeps broadcast (0-stride) views small", () => {
    const b = new NDArray("float64", new Float64Array([1, 2, 3]), [1000, 3], [0, 1], 0);
    const p = compactCopy(b, false);
    expect(p.data.length).toBe(3);
    expect(p.strides).toEqual([0, 1]);
    expect(values(p)).toEqual(b.toArray());
  });

  it("handles strided, transposed and reversed views, shared or not", () => {
    const base = new Int32Array(24).map((_, i) => i * 3 - 7);
    const strided = new NDArray("int32", base, [3, 2], [8, 3], 1);
    const transposed = new NDArray("int32", base, [4, 6], [1, 4], 0);
    const reversed = new NDArray("int32", base, [5], [-2], 20);
    for (const v of [strided, transposed, reversed]) {
      for (const shared of [false, true]) {
        const p = compactCopy(v, shared);
        expect(values(p)).toEqual(v.toArray());
        expect(p.data.buffer instanceof SharedArrayBuffer).toBe(shared);
        expect(p.data.length).toBeLessThanOrEqual(v.size);
      }
    }
  });

  it("handles 0-d and empty arrays", () => {
    const scalar = new NDArray("float64", new Float64Array([1, 2, 3]), [], [], 2);
    expect(values(compactCopy(scalar, false))).toBe(3);
    const empty = new NDArray("uint8", new Uint8Array(100), [0, 5], [5, 1], 10);
    const p = compactCopy(empty, false);
    expect(p.shape).toEqual([0, 5]);
    expect(p.data.buffer.byteLength).toBe(0);
  });
});

describe("chunk tables", () => {
  it("round-trips small chunks through the arena and big ones as they are", () => {
    const small = new NDArray(
      "float32",
      new Float32Array(100).map((_, i) => i),
      [4, 5],
      [20, 2],
      3,
    );
    const big = NDArray.zeros("float64", [BIG_BYTES / 8], true);
    const b = new ChunkTableBuilder();
    expect(b.addSmall(small)).toBe(0);
    expect(b.addBig(big)).toBe(1);
    const table = structuredClone(b.finish([7, 8]));
    expect([...table.meta.subarray(0, table.start)]).toEqual([7, 8]);
    const [s, g] = readChunkTable(table, true);
    expect(s.toArray()).toEqual(small.toArray());
    expect(s.data.buffer.byteLength).toBe(20 * 4); // its own buffer, not the arena
    expect(g.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(g.shape).toEqual(big.shape);
  });
});

describe("packParams", () => {
  it("returns params unchanged when there is nothing to pack", () => {
    const params = { axis: [0, 1], keepdims: true, fill: Number.NaN, w: new Float64Array([1, 2]) };
    expect(packParams(params, keep, "NodePool")).toBe(params);
  });

  it("passes chunks embedded in params to `chunk`, and compacts views", () => {
    const big = new Float64Array(10_000).map((_, i) => i);
    const chunk = new NDArray("float64", big, [5], [1], 100);
    const params = { array: chunk, table: big.subarray(10, 12), nested: [{ v: big.subarray(0, 1) }] };
    const out = packParams(params, (a) => compactCopy(a, false), "NodePool") as any;
    expect(out).not.toBe(params);
    expect(out.array.data.length).toBe(5);
    expect(values(out.array)).toEqual([100, 101, 102, 103, 104]);
    expect(out.table.buffer.byteLength).toBe(16);
    expect([...out.table]).toEqual([10, 11]);
    expect(out.nested[0].v.buffer.byteLength).toBe(8);
    expect(params.array).toBe(chunk); // not mutated
  });

  it("rejects functions with a ChunkedError naming the parameter and the fix", () => {
    let err: any;
    try {
      packParams({ f: () => 1 }, keep, "WebPool");
    } catch (e) {
      err = e;
    }
    expect(err.code).toBe("UnclonableParamError");
    expect(err.message).toMatch(/params\.f is a function.*WebPool\(\{ modules \}\)/);
  });
});

describe("errors across threads", () => {
  it("round-trips name, message, stack, code and cause", () => {
    const e = Object.assign(new RangeError("bad", { cause: new TypeError("inner") }), { code: "E_BAD" });
    const back = fromWireError(structuredClone(toWireError(e)));
    expect(back).toBeInstanceOf(RangeError);
    expect(back.message).toBe("bad");
    expect(back.stack).toBe(e.stack);
    expect((back as any).code).toBe("E_BAD");
    expect(back.cause).toBeInstanceOf(TypeError);
    expect(fromWireError(toWireError("str")).message).toMatch(/str/);
  });
});
