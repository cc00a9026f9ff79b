import "../../src/kernels/all.js";
import { describe, expect, test } from "vitest";
import { compute } from "@chunked/core";
import { fromArray } from "@chunked/core";
import { getitem } from "@chunked/core";
import { optimize } from "../../src/optimize/optimize.js";
import { newaxis, type Selection, slice } from "@chunked/core";
import type { NDArray } from "@chunked/core";
import { assertEq } from "@chunked/core/testing";
import { countingSource, iota, referenceGet } from "./helpers.js";

const S = slice;

describe("getitem through compute()", () => {
  const data = iota([9, 10, 7], "float64") as NDArray<"float64">;
  test.each<[string, Selection]>([
    [":, ::2, ::2", [null, S(null, null, 2), S(null, null, 2)]],
    ["::-1, 3", [S(null, null, -1), 3]],
    ["4, None, 2:9:3, ::-2", [4, newaxis, S(2, 9, 3), S(null, null, -2)]],
    ["-1, -1, -1", [-1, -1, -1]],
    ["5:2", [S(5, 2)]],
  ])("[%s] over a source and over an NDArray", async (_name, sel) => {
    const expected = referenceGet(data, sel);
    await assertEq(getitem(fromArray(countingSource(data).source, { chunks: [4, 3, 7] }), sel), expected);
    await assertEq(getitem(fromArray(data, { chunks: [2, 5, 3] }), sel), expected);
  });

  test("chained slices compute correctly", async () => {
    const x = fromArray(data, { chunks: [4, 4, 4] });
    const y = getitem(getitem(x, [S(1, null), S(null, null, -3)]), [S(null, null, 2), 0, newaxis]);
    const expected = referenceGet(referenceGet(data, [S(1, null), S(null, null, -3)]), [
      S(null, null, 2),
      0,
      newaxis,
    ]);
    await assertEq(y, expected);
  });
});

// Turns on once optimize() runs pushdownSlices (the lead wires it in graph/optimize.ts).
const probe = (() => {
  const { source } = countingSource(iota([10], "float64") as NDArray<"float64">);
  const y = getitem(fromArray(source, { chunks: [5] }), [S(null, null, 3)]);
  return [...optimize(y.graph(), y.keys()).values()].every((t) => t.op === "source.read");
})();

describe.runIf(probe)("pushdown inside compute()", () => {
  test("x[::100] of a source reads every hundredth element only", async () => {
    const { source, reads } = countingSource(iota([10_000], "float64") as NDArray<"float64">);
    const x = fromArray(source, { chunks: [1000] });
    const [y] = await compute([getitem(x, [S(null, null, 100)])]);
    expect(y.size).toBe(100);
    expect(reads.length).toBe(10);
    expect(reads.every((r) => r[0][2] === 100)).toBe(true);
  });
});
