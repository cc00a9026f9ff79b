import * as ca from "@chunked/core";
import { defineKernel, getKernel } from "@chunked/core/internal";
import { expect, test } from "vitest";

// The edges of the error hierarchy: what a pool user or a new kernel author meets first.
test("an unregistered kernel id is an UnknownKernelError naming the id", () => {
  const err = (() => {
    try {
      getKernel("test.errors.nope");
    } catch (e) {
      return e;
    }
  })();
  expect(ca.isChunkedError(err, "UnknownKernelError")).toBe(true);
  expect((err as ca.UnknownKernelError).kernel).toBe("test.errors.nope");
  expect((err as Error).message).toMatch(/No kernel registered as "test\.errors\.nope".*module specifier/);
});

test("a second function under a registered id is an InvalidArgumentError", () => {
  defineKernel("test.errors.twice", (inputs) => inputs[0]);
  expect(() => defineKernel("test.errors.twice", (inputs) => inputs[1])).toThrow(ca.InvalidArgumentError);
});

test("a TypedArray without a dtype is a DTypeError", () => {
  expect(() => ca.fromArray(new BigUint64Array(2) as never, { dtype: "float16" as never })).toThrow(
    ca.DTypeError,
  );
  expect(() => ca.NDArray.from(new DataView(new ArrayBuffer(8)) as never)).toThrow(/Got DataView/);
});
