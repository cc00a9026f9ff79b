import { describe, expect, test } from "vitest";
import * as ca from "@chunked/core";

describe("unknown chunk sizes remember the selection that made them", () => {
  const x = ca.arange(12, { chunks: 4 });
  const m1 = ca.greater(x, 3);
  const m2 = ca.less(x, 5);

  test("two masks of one array cannot be combined blockwise at build time", () => {
    const a = ca.booleanMask(x, m1);
    const b = ca.booleanMask(x, m2);
    expect(a.chunks).toEqual(b.chunks);
    expect(() => ca.add(a, b)).toThrow(ca.UnknownChunksError);
    expect(() => ca.add(a, b)).toThrow(/different selections.*computeChunkSizes/);
    expect(() =>
      ca.concatenate([ca.expandDims(a, { axis: 1 }), ca.expandDims(b, { axis: 1 })], { axis: 1 }),
    ).toThrow(/different selections/);
  });

  test("the same mask twice, or arrays selected by one mask, combine", async () => {
    const a = ca.booleanMask(x, m1);
    const y = ca.multiply(x, 10);
    expect((await ca.add(a, a).compute()).toNumberArray()).toEqual([8, 10, 12, 14, 16, 18, 20, 22]);
    const sum = await ca.add(ca.multiply(a, 2), ca.booleanMask(y, m1)).compute();
    expect(sum.toNumberArray()).toEqual([48, 60, 72, 84, 96, 108, 120, 132]);
  });

  test("a masked array masked again has new unknown sizes", () => {
    const a = ca.booleanMask(x, m1);
    const b = ca.booleanMask(a, ca.greater(a, 6));
    expect(() => ca.add(a, b)).toThrow(ca.UnknownChunksError);
  });

  test("sort and bincount of a masked array have sizes of their own", async () => {
    const a = ca.booleanMask(x, m1);
    const sorted = ca.sort(ca.negative(a));
    expect(sorted.chunks).toEqual(a.chunks);
    expect(() => ca.add(a, sorted)).toThrow(/different selections.*computeChunkSizes/);
    expect((await sorted.compute()).toNumberArray()).toEqual([-11, -10, -9, -8, -7, -6, -5, -4]);
    const small = ca.booleanMask(
      ca.arange(3, { chunks: 3, dtype: "int32" }),
      ca.NDArray.from([true, true, false]),
    );
    expect(() => ca.add(small, ca.bincount(small))).toThrow(/different selections/);
    // Positions line up with the values searched for, not with the sorted array.
    const pos = ca.searchsorted(sorted, ca.negative(a));
    expect(() => ca.add(pos, a)).not.toThrow();
    expect(() => ca.add(pos, sorted)).toThrow(/different selections/);
  });

  test("computeChunkSizes lifts the refusal when the lengths agree", async () => {
    const a = await ca.booleanMask(x, m1).computeChunkSizes();
    const b = await ca.booleanMask(ca.flip(x), ca.flip(m1)).computeChunkSizes();
    expect(a.shape).toEqual([8]);
    const c = ca.add(a, b);
    expect(c.shape).toEqual([8]);
  });
});
