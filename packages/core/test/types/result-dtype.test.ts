// Type-level dtypes: checked by `tsc` (pnpm typecheck); the runtime assertions check the same cases.
import { describe, expect, expectTypeOf, test } from "vitest";
import * as ca from "@chunked/core";
import { DTYPES } from "@chunked/core";
import { resultType } from "@chunked/core";
import { PROMOTION_TABLE } from "../../src/dtype/result-dtype.js";

const f32 = ca.zeros([4], { dtype: "float32" });
const i8 = ca.zeros([4], { dtype: "int8" });
const u8 = ca.zeros([4], { dtype: "uint8" });
const b = ca.zeros([4], { dtype: "bool" });

test("the promotion table is resultType's, pair by pair", () => {
  for (const a of DTYPES) for (const c of DTYPES) expect(PROMOTION_TABLE[a][c]).toBe(resultType(a, c));
});

describe("elementwise results keep their dtype at type level", () => {
  test("scalars are weak (NEP 50)", () => {
    const y = f32.add(1);
    expectTypeOf(y).toEqualTypeOf<ca.ChunkedArray<"float32">>();
    expect(y.dtype).toBe("float32");
    expectTypeOf(i8.mul(3)).toEqualTypeOf<ca.ChunkedArray<"int8">>();
    expect(i8.mul(3).dtype).toBe("int8");
    expectTypeOf(i8.add(2.5)).toEqualTypeOf<ca.ChunkedArray<"float64">>();
    expect(i8.add(2.5).dtype).toBe("float64");
    expectTypeOf(b.add(1)).toEqualTypeOf<ca.ChunkedArray<"int64">>();
    expect(b.add(1).dtype).toBe("int64");
    const n: number = Math.random();
    expectTypeOf(i8.add(n)).toEqualTypeOf<ca.ChunkedArray<"int8" | "float64">>();
  });

  test("arrays promote", () => {
    expectTypeOf(i8.add(u8)).toEqualTypeOf<ca.ChunkedArray<"int16">>();
    expect(i8.add(u8).dtype).toBe("int16");
    expectTypeOf(f32.sub(i8)).toEqualTypeOf<ca.ChunkedArray<"float32">>();
    expectTypeOf(b.mul(b)).toEqualTypeOf<ca.ChunkedArray<"bool">>();
    expectTypeOf(b.pow(b)).toEqualTypeOf<ca.ChunkedArray<"int8">>();
    expect(b.pow(b).dtype).toBe("int8");
  });

  test("true division makes integers float64; unary ops keep the dtype", () => {
    expectTypeOf(i8.div(i8)).toEqualTypeOf<ca.ChunkedArray<"float64">>();
    expect(i8.div(i8).dtype).toBe("float64");
    expectTypeOf(f32.div(2)).toEqualTypeOf<ca.ChunkedArray<"float32">>();
    expectTypeOf(f32.neg().abs()).toEqualTypeOf<ca.ChunkedArray<"float32">>();
    expectTypeOf(f32.clip(0, 1)).toEqualTypeOf<ca.ChunkedArray<"float32">>();
    expectTypeOf(i8.clip(null, 5)).toEqualTypeOf<ca.ChunkedArray<"int8">>();
    expect(i8.clip(null, 5).dtype).toBe("int8");
  });

  test("computed data is the matching TypedArray; item() is typed", async () => {
    const out = await f32.add(1).compute();
    expectTypeOf(out.data).toEqualTypeOf<Float32Array>();
    expect(out.data).toBeInstanceOf(Float32Array);
    const v = await f32.sum().item();
    expectTypeOf(v).toEqualTypeOf<number>();
    expect(v).toBe(0);
    const any = await b.any().item();
    expectTypeOf(any).toEqualTypeOf<boolean>();
    expect(any).toBe(false);
  });
});
