import fc from "fast-check";
import { describe, expect, test } from "vitest";
import * as ca from "@chunked/core";
import { NDArray } from "@chunked/core";
import { goldenSuite } from "../support/golden-families.js";

describe("select goldens", () => {
  goldenSuite("select", {
    triu: ([x], kw) => ca.triu(x, kw),
    tril: ([x], kw) => ca.tril(x, kw),
    flip: ([x], kw) => ca.flip(x, kw),
    roll: ([x], kw) => ca.roll(x, kw.shift, { axis: kw.axis }),
    pad: ([x], kw) => ca.pad(x, kw.padWidth, kw),
    tile: ([x], kw) => ca.tile(x, kw.reps),
    repeat: ([x], kw) => ca.repeat(x, kw.repeats, { axis: kw.axis }),
    isclose: ([a, b], kw) => ca.isclose(a, b, kw),
    allclose: ([a, b], kw) => ca.allclose(a, b, kw),
    where: ([c, x], _kw, raw) => ca.where(c, x, raw[2] as number),
  });
});

describe("select errors and invariance", () => {
  const x = ca.fromArray(
    NDArray.from([
      [1, 2, 3],
      [4, 5, 6],
    ]),
    { chunks: 1 },
  );
  test("bad arguments name themselves at build time", () => {
    expect(() => ca.triu(ca.arange(3))).toThrow(/at least 2 dimensions. Got x shape=\[3\]/);
    expect(() => ca.pad(x, [[1, 2, 3]] as any)).toThrow(/Got padWidth=\[\[1, 2, 3\]\]/);
    expect(() => ca.pad(x, 3, { mode: "reflect" })).toThrow(/at most 1 elements on axis 0/);
    expect(() => ca.roll(x, [1, 2], { axis: 0 })).toThrow(/one shift per axis/);
    expect(() => ca.repeat(x, [1, 2], { axis: 1 })).toThrow(/Got repeats=\[1, 2\]/);
    expect(() => ca.flip(x, { axis: 2 })).toThrow(/axis 2 is out of bounds.*Got axis=2/);
    expect(() => ca.isclose(x, x, { rtol: -1 })).toThrow(/Got rtol=-1/);
  });
  test("where(cond) gives indices", async () => {
    const [r, c] = ca.where(x.gt(2));
    expect((await r.compute()).toArray()).toEqual([0n, 1n, 1n, 1n]);
    expect((await c.compute()).toArray()).toEqual([2n, 0n, 1n, 2n]);
  });
  test("triu/roll/diff do not depend on chunking", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: -6, max: 6 }),
        async (c0, c1, k) => {
          const data = NDArray.from(
            Float64Array.from({ length: 30 }, (_, i) => i * 1.5 - 7),
            { shape: [5, 6] },
          );
          const one = ca.fromArray(data, { chunks: -1 });
          const many = ca.fromArray(data, { chunks: [c0, c1] });
          for (const f of [
            (a: ca.ChunkedArray) => ca.triu(a, { k }),
            (a: ca.ChunkedArray) => ca.roll(a, k, { axis: 1 }),
            (a: ca.ChunkedArray) => ca.diff(a, { axis: 0 }),
          ]) {
            expect((await f(many).compute()).toArray()).toEqual((await f(one).compute()).toArray());
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
