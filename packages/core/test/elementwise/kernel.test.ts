import { describe, expect, it } from "vitest";
import { isChunkedError } from "@chunked/core";
import { compiledCount, evaluateExpr } from "../../src/kernels/elementwise.js";
import type { ElementwiseParams, Expr } from "../../src/kernels/expr.js";
import { getKernel } from "@chunked/core/internal";
import { NDArray } from "@chunked/core";
import { nd as E } from "@chunked/core";
import { arr, values } from "./helpers.js";

const f64 = (v: number[]) => arr(v, "float64");
const f32 = (v: number[]) => arr(v, "float32");
/** Same values, distinguishing -0 from 0 and matching NaN. */
const same = (actual: number[], expected: number[]) => {
  expect(actual.length).toBe(expected.length);
  for (const [i, a] of actual.entries()) {
    expect(Object.is(a, expected[i]), `index ${i}: ${a} vs ${expected[i]}`).toBe(true);
  }
};

describe("NumPy edge cases (values from NumPy 2.4)", () => {
  it("float division by zero gives inf and nan", () => {
    same(values(E.divide(f64([1, -1, 0, -0]), 0)), [Infinity, -Infinity, NaN, NaN]);
    const r = E.divide(arr([1, -1, 0], "int32"), 0);
    expect(r.dtype).toBe("float64");
    same(values(r), [Infinity, -Infinity, NaN]);
  });

  it("floor_divide and remainder of floats follow npy_divmod (signs, -0, inf)", () => {
    const a = f64([Infinity, 1, -1, -0, 0, 5, -5, 5, NaN, 7.5, -7.5]);
    const b = f64([1, Infinity, Infinity, 1, -1, 0, 0, -0, 1, -2, 2]);
    same(values(E.floorDivide(a, b)), [NaN, 0, -1, -0, -0, Infinity, -Infinity, -Infinity, NaN, -4, -4]);
    same(values(E.mod(a, b)), [NaN, 1, Infinity, 0, -0, NaN, NaN, NaN, NaN, -0.5, 0.5]);
    // Snapping of inexact quotients: 5.3 // 0.1 is 52 in NumPy, not floor(5.3 / 0.1) = 53.
    same(values(E.floorDivide(f64([5.3, -5.3, 1.0, 0.7]), 0.1)), [52, -53, 9, 6]);
    same(
      values(E.mod(f64([5.3, -5.3, 1.0]), 0.1)),
      [0.09999999999999953, 4.718447854656915e-16, 0.09999999999999995],
    );
  });

  it("float32 floor_divide and remainder round each step to float32", () => {
    const r = E.mod(f32([5.3, -5.3]), 2);
    expect(r.dtype).toBe("float32");
    same(values(r), [1.3000001907348633, 0.6999998092651367]);
    same(values(E.floorDivide(f32([5.3, -5.3]), f32([0.1, 0.1]))), [53, -54]);
    same(values(E.floorDivide(f32([7.5]), f32([-2]))), [-4]);
  });

  it("integer floor_divide and mod: Python signs, zero divisor gives 0, INT_MIN // -1 wraps", () => {
    const a = arr([-128, 7, -7, 7, 0], "int8");
    const b = arr([-1, -2, 2, 0, 0], "int8");
    same(values(E.floorDivide(a, b)), [-128, -4, -4, 0, 0]);
    same(values(E.mod(arr([-128, 7, -7, 7, -7], "int8"), b)), [0, -1, 1, 0, 0]);
    // int32 % uint32 is int64.
    const m = E.mod(arr([-7, 7], "int32"), arr([3, 0], "uint32"));
    expect(m.dtype).toBe("int64");
    same(values(m), [2, 0]);
    same(values(E.floorDivide(arr([-7, 7], "int32"), arr([3, 0], "uint32"))), [-3, 0]);
  });

  it("integer arithmetic wraps to the node dtype", () => {
    same(
      values(E.multiply(arr([2 ** 30, 123456789, -7], "int32"), arr([4, 987654321, 3], "int32"))),
      [0, -67153019, -21],
    );
    same(
      values(E.multiply(arr([4294967295, 123456789], "uint32"), arr([4294967295, 987654321], "uint32"))),
      [1, 4227814277],
    );
    same(values(E.add(arr([32767, -32768], "int16"), arr([1, -1], "int16"))), [-32768, 32767]);
    same(values(E.subtract(arr([0], "uint16"), arr([1], "uint16"))), [65535]);
    same(values(E.multiply(arr([100], "int8"), 3)), [44]);
    same(values(E.subtract(arr([3], "uint32"), 5)), [4294967294]);
    same(values(E.negative(arr([1, 0, 255], "uint8"))), [255, 0, 1]);
    same(values(E.abs(arr([-32768], "int16"))), [-32768]);
    const r = E.add(arr([-1, 2 ** 31 - 1], "int32"), arr([4294967295, 1], "uint32"));
    expect(r.dtype).toBe("int64");
    same(values(r), [4294967294, 2147483648]);
  });

  it("integer power: square-and-multiply modulo 2^32, 0 ** 0 = 1, negative exponents throw", () => {
    same(
      values(E.power(arr([3, 2, -2, 0], "int32"), arr([40, 31, 31, 0], "int32"))),
      [689956897, -2147483648, -2147483648, 1],
    );
    same(values(E.power(arr([3, 2], "uint8"), arr([5, 9], "uint8"))), [243, 0]);
    same(values(E.power(2, arr([5, 0, 7], "int8"))), [32, 1, -128]);
    expect(() => E.power(arr([2], "int8"), -1)).toThrow(
      "Integers to negative integer powers are not allowed",
    );
    expect(() => E.power(arr([2], "int8"), arr([-1], "int8"))).toThrow(
      "Integers to negative integer powers are not allowed",
    );
    expect(E.power(arr([2], "int8"), -1.5).dtype).toBe("float64");
  });

  it("float power follows C pow, not Math.pow, on 1 ** nan and (-1) ** inf", () => {
    same(values(E.power(f64([1, -1, NaN, 0, -8]), f64([NaN, Infinity, 0, -1, 1 / 3]))), [
      1,
      1,
      1,
      Infinity,
      NaN,
    ]);
    same(values(E.power(f32([2]), 0.5)), [Math.fround(Math.SQRT2)]);
  });

  it("round is half to even, keeps -0 and ints", () => {
    same(
      values(E.round(f64([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.675, 0.49999999999999994]))),
      [0, 2, 2, -0, -2, -2, 3, 0],
    );
    same(values(E.round(f32([2.5, 3.5, -2.5, 0.4999999701976776]))), [2, 4, -2, 0]);
    const r = E.round(arr([5, -7], "int8"));
    expect(r.dtype).toBe("int8");
    same(values(r), [5, -7]);
  });

  it("float32 nodes round at every node, as NumPy's float32 arithmetic", () => {
    const a = f32([0.1, 1e7, 3.3]);
    const b = f32([0.2, 1.1, 7.7]);
    const c = f32([0.3, -1e-3, 1e-8]);
    // Fused: one expression (a * b) + c, with a float32 rounding after the product.
    const expr: Expr = {
      op: "add",
      args: [{ op: "multiply", args: [{ in: 0 }, { in: 1 }], dtype: "float32" }, { in: 2 }],
      dtype: "float32",
    };
    const r = evaluateExpr({ expr, dtype: "float32", shape: [3] }, [a, b, c]);
    same(values(r), [0.320000022649765, 11000000.0, 25.40999984741211]);
    same(values(E.sqrt(E.divide(a, b))), [0.7071067690849304, 3015.113525390625, 0.6546536684036255]);
    same(
      values(E.sqrt(arr([2, 3, 10], "int16"))),
      [1.4142135381698608, 1.7320507764816284, 3.1622776985168457],
    );
    expect(E.sqrt(arr([2], "int16")).dtype).toBe("float32");
  });

  it("float32 transcendental functions are within one float32 ulp of NumPy", () => {
    const r = values(E.exp(f32([1, 10, -3.5])));
    const numpy = [2.7182819843292236, 22026.466796875, 0.03019738383591175];
    for (const [i, v] of r.entries()) expect(Math.abs(v - numpy[i]) / numpy[i]).toBeLessThan(2 ** -23);
  });

  it("maximum/minimum propagate NaN and pick NumPy's zero", () => {
    same(values(E.maximum(f64([1, NaN, 5, -0, 0]), f64([3, 1, NaN, 0, -0]))), [3, NaN, NaN, 0, -0]);
    same(values(E.minimum(f64([1, NaN, 5, -0, 0]), f64([3, 1, NaN, 0, -0]))), [1, NaN, NaN, 0, -0]);
    same(values(E.maximum(arr([1, 0], "bool"), arr([0, 0], "bool"))), [1, 0]);
  });

  it("clip: NaN propagates, min > max gives max, int bounds outside the dtype clamp", () => {
    same(values(E.clip(f64([NaN, 1, 5]), 2, 1)), [NaN, 1, 1]);
    same(values(E.clip(f64([1, 5]), NaN, 3)), [NaN, NaN]);
    const u = E.clip(arr([5, 200], "uint8"), -5, 100);
    expect(u.dtype).toBe("uint8");
    same(values(u), [5, 100]);
    same(values(E.clip(arr([1, 100], "int8"), 0, 300)), [1, 100]);
    const g = E.clip(arr([1, 100], "int8"), 0.5, 50);
    expect(g.dtype).toBe("float64");
    same(values(g), [1, 50]);
    same(values(E.clip(f64([-3, 3]), null, 1)), [-3, 1]);
    same(values(E.clip(arr([-3, 3], "int16"), 0, null)), [0, 3]);
    expect(() => E.clip(f64([1]), null, null)).toThrow("One of max or min must be given");
  });

  it("where: truthiness of any dtype (NaN is true), scalars wrap like NumPy", () => {
    const ints = E.where(f64([NaN, 0]), 1, 2);
    expect(ints.dtype).toBe("int64");
    same(values(ints), [1, 2]);
    const w = E.where(arr([0], "bool"), arr([1], "int8"), 1000);
    expect(w.dtype).toBe("int8");
    same(values(w), [-24]);
    const m = E.where(arr([1, 0], "bool"), arr([1, 2], "int8"), 1.5);
    expect(m.dtype).toBe("float64");
    same(values(m), [1, 1.5]);
  });

  it("astype: truncation toward zero with wraparound; NaN becomes 0; anything non-zero (and NaN) is true", () => {
    const x = f64([300.7, -1.5, -300.7, NaN, -0, Infinity]);
    same(values(E.astype(x, "int8")), [44, -1, -44, 0, 0, 0]);
    same(values(E.astype(x, "uint8")), [44, 255, 212, 0, 0, 0]);
    same(values(E.astype(x, "int16")), [300, -1, -300, 0, 0, 0]);
    same(values(E.astype(x, "uint16")), [300, 65535, 65236, 0, 0, 0]);
    same(values(E.astype(f64([3e9, 2 ** 31 + 0.5]), "uint32")), [3000000000, 2147483648]);
    same(values(E.astype(x, "bool")), [1, 1, 1, 1, 0, 1]);
    same(values(E.astype(arr([2 ** 24 + 1, 2147483647], "int32"), "float32")), [16777216, 2147483648]);
    same(values(E.astype(arr([-1, 256], "int32"), "uint8")), [255, 0]);
  });

  it("comparisons: NaN compares false except !=; weak floats round to float32; big ints compare exactly", () => {
    same(values(E.less(f64([NaN, 1]), f64([1, NaN]))), [0, 0]);
    same(values(E.notEqual(f64([NaN, 1]), f64([NaN, 1]))), [1, 0]);
    same(values(E.equal(f32([0.1, 0.2]), 0.1)), [1, 0]);
    same(values(E.equal(f64([Math.fround(0.1)]), 0.1)), [0]);
    same(values(E.less(arr([1, 200], "uint8"), 300)), [1, 1]);
    same(values(E.equal(arr([255], "uint8"), -1)), [0]);
    same(values(E.greater(arr([1], "int8"), 1000.5)), [0]);
  });

  it("logical ops, isnan/isinf/isfinite and sign", () => {
    same(values(E.logicalXor(f64([0, NaN, 2]), f64([0, 0, 3]))), [0, 1, 0]);
    same(values(E.logicalNot(f64([0, 2, NaN]))), [1, 0, 0]);
    same(values(E.logicalAnd(arr([5], "int8"), 300)), [1]);
    same(values(E.isinf(f64([Infinity, -Infinity, NaN, 1]))), [1, 1, 0, 0]);
    same(values(E.isfinite(f64([Infinity, -Infinity, NaN, 1]))), [0, 0, 0, 1]);
    same(values(E.isnan(arr([1, 2], "int32"))), [0, 0]);
    same(values(E.sign(f64([-0, 0, NaN, -Infinity, 3]))), [0, 0, NaN, -1, 1]);
    same(values(E.sign(arr([-5, 0, 5], "int8"))), [-1, 0, 1]);
    same(values(E.sign(arr([0, 7], "uint8"))), [0, 1]);
    same(values(E.arctan2(f64([0, -0, 1, -1]), f64([-1, -1, 0, 0]))), [
      Math.PI,
      -Math.PI,
      Math.PI / 2,
      -Math.PI / 2,
    ]);
  });

  it("reciprocal and square of integers stay integers", () => {
    same(values(E.reciprocal(arr([2, -2, 1, -1, 3], "int32"))), [0, 0, 1, -1, 0]);
    same(values(E.square(arr([3, 20], "int8"))), [9, -112]);
    const b = E.square(arr([1, 0], "bool"));
    expect(b.dtype).toBe("int8");
  });

  it("bool arithmetic: add is or, mul is and, subtract/negative/sign are rejected", () => {
    const t = arr([1, 1, 0], "bool");
    const u = arr([1, 0, 0], "bool");
    same(values(E.add(t, u)), [1, 1, 0]);
    same(values(E.multiply(t, u)), [1, 0, 0]);
    for (const fn of [() => E.subtract(t, u), () => E.negative(t), () => E.sign(t)]) {
      expect(fn).toThrow(/numpy boolean/);
      try {
        fn();
      } catch (e) {
        expect(isChunkedError(e, "DTypeError")).toBe(true);
      }
    }
    const d = E.floorDivide(t, u);
    expect(d.dtype).toBe("int8");
    same(values(d), [1, 0, 0]);
  });
});

describe("memory layouts", () => {
  const add: Expr = { op: "add", args: [{ in: 0 }, { in: 1 }], dtype: "float64" };
  const iota = (n: number) => Array.from({ length: n }, (_, i) => i);

  it("broadcasts rows, columns and 0-d inputs", () => {
    const col = f64([1, 2, 3]).reshape([3, 1]);
    const row = f64([10, 20]);
    expect(E.add(col, row).toArray()).toEqual([
      [11, 21],
      [12, 22],
      [13, 23],
    ]);
    expect(E.add(NDArray.from(5), row).toArray()).toEqual([15, 25]);
    expect(E.add(1, 2.5).toArray()).toBe(3.5);
  });

  it("reads transposed, strided, offset and reversed views", () => {
    const base = f64(iota(24));
    const t = new NDArray("float64", base.data as Float64Array, [4, 6], [1, 4], 0); // transposed (6, 4) view
    const expected = [];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 6; j++) expected.push(i + 4 * j + 100);
    same(values(E.add(t, 100)), expected);
    const stepped = base.region([[3, 24, 5]]); // 3, 8, 13, 18, 23
    same(values(E.multiply(stepped, 2)), [6, 16, 26, 36, 46]);
    const reversed = new NDArray("float64", base.data as Float64Array, [5], [-1], 10); // 10, 9, 8, 7, 6
    same(
      values(evaluateExpr({ expr: add, dtype: "float64", shape: [5] }, [reversed, stepped])),
      [13, 17, 21, 25, 29],
    );
  });

  it("collapses contiguous axes but keeps a broadcast axis strided", () => {
    const x = f64(iota(2 * 3 * 4)).reshape([2, 3, 4]);
    const y = f64([0, 100, 200]).reshape([3, 1]);
    const r = evaluateExpr({ expr: add, dtype: "float64", shape: [2, 3, 4] }, [x, y]);
    const expected = iota(24).map((i) => i + 100 * (Math.floor(i / 4) % 3));
    same(values(r), expected);
  });

  it("handles empty and 0-d outputs", () => {
    expect(E.add(f64([]), 1).shape).toEqual([0]);
    expect(E.add(f64([]).reshape([0, 3]), f64([1, 2, 3])).shape).toEqual([0, 3]);
    const z = evaluateExpr({ expr: { const: 7, dtype: "int8" }, dtype: "float32", shape: [] }, []);
    expect(z.dtype).toBe("float32");
    expect(z.toArray()).toBe(7);
  });

  it("fills unknown (NaN) block lengths from the inputs", () => {
    const r = evaluateExpr({ expr: add, dtype: "float64", shape: [Number.NaN] }, [f64([1, 2]), f64([3])]);
    same(values(r), [4, 5]);
  });

  it("throws a BroadcastError when an input does not fit the block", () => {
    expect(() => evaluateExpr({ expr: add, dtype: "float64", shape: [3] }, [f64([1, 2]), f64([1])])).toThrow(
      /could not be broadcast/,
    );
    expect(() => E.add(f64([1, 2, 3, 4]).reshape([2, 2]), f64([1, 2, 3]))).toThrow(
      "operands could not be broadcast together with shapes (2,2) (3,)",
    );
  });
});

describe("compilation", () => {
  it("shares compiled code between constants with the same structure", () => {
    const x = f64([1, 2, 3]);
    E.add(x, 0.25);
    const before = compiledCount();
    same(values(E.add(x, 0.5)), [1.5, 2.5, 3.5]);
    same(values(E.add(x, -7.25)), [-6.25, -5.25, -4.25]);
    expect(compiledCount()).toBe(before);
  });

  it("evaluates a fused chain with shared subexpressions and unused inputs", () => {
    // (x * 2 + 1) ** 2 - x * 2, input 1 unused
    const twoX: Expr = {
      op: "multiply",
      args: [{ in: 0 }, { const: 2, dtype: "float64" }],
      dtype: "float64",
    };
    const expr: Expr = {
      op: "subtract",
      args: [
        {
          op: "power",
          args: [
            { op: "add", args: [twoX, { const: 1, dtype: "float64" }], dtype: "float64" },
            { const: 2, dtype: "float64" },
          ],
          dtype: "float64",
        },
        { op: "multiply", args: [{ in: 0 }, { const: 2, dtype: "float64" }], dtype: "float64" },
      ],
      dtype: "float64",
    };
    const r = evaluateExpr({ expr, dtype: "float64", shape: [3] }, [f64([0, 1, 2]), f64([9, 9, 9, 9])]);
    same(values(r), [1, 7, 21]);
  });

  it("handles a deeply shared DAG (as fusion can produce) in linear time", () => {
    // y = y + y, 60 times over the same sub-object: 2^60 tree nodes, 61 distinct ones.
    let y: Expr = { in: 0 };
    for (let i = 0; i < 60; i++) y = { op: "add", args: [y, y], dtype: "float64" };
    const r = evaluateExpr({ expr: y, dtype: "float64", shape: [2] }, [f64([1, -0.5])]);
    same(values(r), [2 ** 60, -(2 ** 59)]);
  });

  it("hoists loop-invariant subtrees of 0-d inputs", () => {
    const expr: Expr = {
      op: "add",
      args: [{ in: 0 }, { op: "exp", args: [{ in: 1 }], dtype: "float64" }],
      dtype: "float64",
    };
    const r = evaluateExpr({ expr, dtype: "float64", shape: [2] }, [f64([1, 2]), NDArray.from(0)]);
    same(values(r), [2, 3]);
  });

  it("is registered as the elementwise.expr kernel", async () => {
    const params: ElementwiseParams = {
      expr: { op: "sqrt", args: [{ in: 0 }], dtype: "float64" },
      dtype: "float64",
      shape: [2],
    };
    same(values(await getKernel("elementwise.expr")([f64([4, 9])], params)), [2, 3]);
  });

  it("rejects malformed expressions", () => {
    const bad =
      (expr: unknown, inputs: NDArray[] = [f64([1])]) =>
      () =>
        evaluateExpr({ expr: expr as Expr, dtype: "float64", shape: [1] }, inputs);
    expect(bad({ op: "nope", args: [], dtype: "float64" })).toThrow(/Unknown elementwise operation/);
    expect(bad({ op: "add", args: [{ in: 0 }], dtype: "float64" })).toThrow(/takes 2 operands/);
    expect(bad({ in: 3 })).toThrow(/reads input 3/);
  });
});
