import * as ca from "@chunked/core";
import { defineKernel, type Task, task } from "@chunked/core/internal";
import { describe, expect, expectTypeOf, test } from "vitest";

// Type tests of the public API: checked by `tsc` (pnpm typecheck), which fails on a wrong type.
describe("dtypes flow through the public API", () => {
  const x = ca.fromArray(new Int16Array(12), { shape: [3, 4], chunks: [2, 2] });
  const f = ca.fromArray(new Float32Array(12), { shape: [3, 4], chunks: [2, 2] });

  test("creation", () => {
    expectTypeOf(x).toEqualTypeOf<ca.ChunkedArray<"int16">>();
    expectTypeOf(ca.zeros([2, 3], { dtype: "uint8" })).toEqualTypeOf<ca.ChunkedArray<"uint8">>();
    expectTypeOf(x.dtype).toEqualTypeOf<"int16">();
    expectTypeOf(x.chunks).toEqualTypeOf<readonly (readonly number[])[]>();
  });

  test("reductions follow NumPy's result dtypes", () => {
    expectTypeOf(ca.sum(x)).toEqualTypeOf<ca.ChunkedArray<"int64">>();
    expectTypeOf(ca.sum(ca.zeros([2], { dtype: "uint8" }))).toEqualTypeOf<ca.ChunkedArray<"uint64">>();
    expectTypeOf(ca.sum(f)).toEqualTypeOf<ca.ChunkedArray<"float32">>();
    expectTypeOf(x.mean()).toEqualTypeOf<ca.ChunkedArray<"float64">>();
    expectTypeOf(f.std({ ddof: 1 })).toEqualTypeOf<ca.ChunkedArray<"float32">>();
    expectTypeOf(x.max({ axis: 0 })).toEqualTypeOf<ca.ChunkedArray<"int16">>();
    expectTypeOf(x.any()).toEqualTypeOf<ca.ChunkedArray<"bool">>();
    expectTypeOf(x.argmin({ axis: 1 })).toEqualTypeOf<ca.ChunkedArray<"int64">>();
    expectTypeOf(ca.var).toEqualTypeOf(ca.variance);
    expectTypeOf(ca.nd.sum(ca.NDArray.from([1, 2], { dtype: "int8" }))).toEqualTypeOf<ca.NDArray<"int64">>();
  });

  test("elementwise ops: comparisons give bool, aliases are the same functions", () => {
    expectTypeOf(ca.less(x, 1)).toEqualTypeOf<ca.ChunkedArray<"bool">>();
    expectTypeOf(x.gt(0)).toEqualTypeOf<ca.ChunkedArray<"bool">>();
    expectTypeOf(ca.astype(x, "float32")).toEqualTypeOf<ca.ChunkedArray<"float32">>();
    expectTypeOf(ca.sub).toEqualTypeOf(ca.subtract);
    expectTypeOf(ca.nd.floorDiv).toEqualTypeOf(ca.nd.floorDivide);
    expectTypeOf(ca.elementwiseOp).parameter(0).toEqualTypeOf<ca.ElementwiseOpName>();
  });

  test("metadata and compute", () => {
    expectTypeOf(x.compute()).resolves.toEqualTypeOf<ca.NDArray<"int16">>();
    expectTypeOf(x.get([0, ca.slice(null)])).toEqualTypeOf<ca.ChunkedArray<"int16">>();
    expectTypeOf(x.at`0, ::2`).toEqualTypeOf<ca.ChunkedArray<"int16">>();
    expectTypeOf(x.T).toEqualTypeOf<ca.ChunkedArray<"int16">>();
  });

  test("bad options are type errors, and throw at graph build", () => {
    // @ts-expect-error axis must be a number, a list of numbers or null
    expect(() => ca.mean(x, { axis: "0" })).toThrow(ca.InvalidArgumentError);
    // @ts-expect-error arg-reductions take one axis
    expect(() => ca.argmax(x, { axis: [0, 1] })).toThrow(ca.InvalidArgumentError);
    // @ts-expect-error not an elementwise op
    expect(() => ca.elementwiseOp("plus", [x, 1])).toThrow(ca.InvalidArgumentError);
  });
});

describe("tasks are typed by their kernel's handle", () => {
  const scale = defineKernel("test.types.scale", ([a], _p: { factor: number }) => a);
  const copy = defineKernel("test.types.copy", ([a]) => a);

  test("params are checked against the kernel's parameter type", () => {
    expectTypeOf(task(scale, "s/0", ["a/0"], { factor: 2 })).toEqualTypeOf<Task>();
    expect(task(scale, "s/0", ["a/0"], { factor: 2 })).toEqual({
      key: "s/0",
      op: "test.types.scale",
      deps: ["a/0"],
      params: { factor: 2 },
    });
    // @ts-expect-error a misspelt parameter
    task(scale, "s/0", ["a/0"], { factr: 2 });
    // @ts-expect-error a parameter of the wrong type
    task(scale, "s/0", ["a/0"], { factor: "2" });
    // @ts-expect-error a parameter the kernel does not take
    task(scale, "s/0", ["a/0"], { factor: 2, offset: 1 });
    // @ts-expect-error the params are missing
    task(scale, "s/0", ["a/0"]);
  });

  test("a kernel without params takes none", () => {
    expect(task(copy, "c/0", ["a/0"])).toEqual({ key: "c/0", op: "test.types.copy", deps: ["a/0"] });
    // @ts-expect-error this kernel takes no params
    task(copy, "c/0", ["a/0"], { factor: 2 });
  });
});
