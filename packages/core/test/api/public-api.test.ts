import { expect, test } from "vitest";
import * as ca from "@chunked/core";

test("the public API (a changed list is a deliberate API change)", () => {
  expect(Object.keys(ca).sort()).toMatchSnapshot();
  expect(Object.keys(ca.random).sort()).toMatchSnapshot();
  expect(Object.keys(ca.nd).sort()).toMatchSnapshot();
});

test("every NumPy-named method exists on ChunkedArray", () => {
  const x = ca.ones([2, 3], { chunks: 1 });
  for (const m of [
    "sum",
    "mean",
    "var",
    "std",
    "min",
    "max",
    "argmin",
    "argmax",
    "any",
    "all",
    "prod",
    "astype",
    "get",
    "at",
    "rechunk",
    "transpose",
    "T",
    "reshape",
    "compute",
    "persist",
  ]) {
    expect(m in x, m).toBe(true);
  }
});
