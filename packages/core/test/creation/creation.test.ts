import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import type { ChunkedArray } from "@chunked/core";
import {
  arange,
  empty,
  eye,
  full,
  fullLike,
  linspace,
  ones,
  onesLike,
  zeros,
  zerosLike,
} from "@chunked/core";
import { isChunkedError } from "@chunked/core";
import { assertClose, assertGolden } from "@chunked/core/testing";
import { chunkingsFor } from "@chunked/core/testing";
import type { GoldenCase } from "@chunked/core/testing";
import { loadGolden } from "@chunked/core/testing/node";
import { evaluate } from "../joining/helpers.js";

function buildCase(c: GoldenCase, chunks: number[][] | undefined): ChunkedArray {
  const kw = c.kwargs;
  const opt = { dtype: kw.dtype, chunks };
  // NumPy's Python ints, where they decide an int64 result, are bigints here.
  const pyInts = c.numpyDtype === "int64" && kw.dtype === undefined;
  switch (c.op) {
    case "arange":
      return pyInts
        ? arange(BigInt(kw.start), BigInt(kw.stop), BigInt(kw.step), opt)
        : arange(kw.start, kw.stop, kw.step, opt);
    case "linspace":
      return linspace(kw.start, kw.stop, { ...opt, num: kw.num, endpoint: kw.endpoint });
    case "eye":
      return eye(kw.N, { ...opt, M: kw.M, k: kw.k });
    case "full":
      return full(kw.shape, pyInts ? BigInt(kw.fillValue) : kw.fillValue, opt);
    case "zeros":
      return zeros(kw.shape, opt);
    case "ones":
      return ones(kw.shape, opt);
    default:
      throw new Error(`unknown op ${c.op}`);
  }
}

const golden = loadGolden("creation");

describe("creation goldens (NumPy)", () => {
  for (const c of golden.cases) {
    const chunkings: (number[][] | undefined)[] = [undefined, ...chunkingsFor(c.expected.shape)];
    chunkings.forEach((chunks, k) => {
      it(`${c.id} chunking #${k}`, async () => {
        const x = buildCase(c, chunks);
        expect(x.shape).toEqual(c.expected.shape);
        if (chunks) expect(x.chunks).toEqual(chunks);
        // Exact: creation values do not depend on the chunking and follow NumPy's formulas.
        assertGolden(await evaluate(x), c, { rtol: 0, atol: 0 });
      });
    });
  }
  for (const e of golden.errors) {
    it(`${e.id} throws at build time`, () => {
      expect(() => buildCase({ ...e } as unknown as GoldenCase, undefined)).toThrow(/step must not be zero/);
    });
  }
});

describe("fills", () => {
  it("put no data in the graph and default to auto chunks", () => {
    const x = zeros([20000, 20000]);
    expect(x.dtype).toBe("float64");
    expect(x.chunksize).toEqual([4096, 4096]);
    const t = x.layers.get(x.name)!.tasks[0];
    expect(t.op).toBe("create.full");
    expect(t.deps).toEqual([]);
    expect(JSON.stringify(t.params).length).toBeLessThan(100);
  });

  it("ones(10, {chunks: 5}) as in the tutorial", async () => {
    const x = ones(10, { chunks: 5 });
    expect(x.chunks).toEqual([[5, 5]]);
    expect((await evaluate(x)).toArray()).toEqual(new Array(10).fill(1));
  });

  it("full keeps NaN and -0 and casts to the dtype", async () => {
    expect(Number.isNaN((await evaluate(full([2], Number.NaN))).item(0) as number)).toBe(true);
    expect(Object.is((await evaluate(full([2], -0))).item(1), -0)).toBe(true);
    expect((await evaluate(full([2], 2.7, { dtype: "int32" }))).toArray()).toEqual([2, 2]);
    expect((await evaluate(full([2], 3, { dtype: "bool" }))).toArray()).toEqual([true, true]);
    expect(full([2], true).dtype).toBe("bool");
    expect(full([2], 7).dtype).toBe("float64");
    expect(() => full([2], 300, { dtype: "int8" })).toThrow(/out of bounds for int8/);
  });

  it("empty is zero-filled", async () => {
    expect((await evaluate(empty([3], { dtype: "uint8" }))).toArray()).toEqual([0, 0, 0]);
  });

  it("*Like take shape, dtype and chunks from the prototype", async () => {
    const x = ones([6, 4], { chunks: [[1, 5], [4]], dtype: "int16" });
    const z = zerosLike(x);
    expect(z.chunks).toEqual(x.chunks);
    expect(z.dtype).toBe("int16");
    const o = onesLike(x, { dtype: "float32" });
    expect(o.dtype).toBe("float32");
    const f = fullLike(x, 9, { shape: [3], chunks: 2 });
    expect(f.chunks).toEqual([[2, 1]]);
    expect((await evaluate(f)).toArray()).toEqual([9, 9, 9]);
  });

  it("validates shape and dtype", () => {
    expect(() => zeros([-1, 2])).toThrow(/negative dimensions are not allowed/);
    expect(() => zeros([2], { dtype: "float16" as any })).toThrow(/unknown dtype/);
    let err: unknown;
    try {
      ones([2.5]);
    } catch (e) {
      err = e;
    }
    expect(isChunkedError(err, "InvalidArgumentError")).toBe(true);
  });
});

describe("arange", () => {
  it("has NumPy's forms: numbers give float64, bigints int64", async () => {
    expect((await evaluate(arange(5))).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(5).dtype).toBe("float64");
    expect(arange(5n).dtype).toBe("int64");
    expect((await evaluate(arange(5n, { chunks: 2 }))).toArray()).toEqual([0n, 1n, 2n, 3n, 4n]);
    const big = 2n ** 60n;
    expect((await evaluate(arange(big + 3n, big - 3n, -2n, { chunks: 2 }))).toArray()).toEqual([
      big + 3n,
      big + 1n,
      big - 1n,
    ]);
    expect((await evaluate(full([2], big + 1n))).toArray()).toEqual([big + 1n, big + 1n]);
    expect(() => full([2], 2n ** 63n)).toThrow(/out of bounds for int64/);
    expect(() => full([2], -1, { dtype: "uint64" })).toThrow(/out of bounds for uint64/);
    expect((await evaluate(arange(2, 5))).toArray()).toEqual([2, 3, 4]);
    expect((await evaluate(arange(0, 10, 3, { dtype: "int32" }))).toArray()).toEqual([0, 3, 6, 9]);
    expect(arange(10, { chunks: 4 }).chunks).toEqual([[4, 4, 2]]);
  });

  it("values do not depend on the chunking (unlike dask's per-block arange)", async () => {
    const one = await evaluate(arange(-3.3, 7.1, 0.37, { chunks: -1 }));
    for (const c of [1, 2, 5, 7])
      assertClose(await evaluate(arange(-3.3, 7.1, 0.37, { chunks: c })), one, { rtol: 0, atol: 0 });
  });

  it("follows NumPy's fill: out[i] = start + i * ((start + step) - start)", async () => {
    const out = await evaluate(arange(0.1, 3, 0.3, { chunks: 3 }));
    const delta = 0.1 + 0.3 - 0.1;
    expect(out.item(1)).toBe(0.1 + 0.3);
    expect(out.item(5)).toBe(0.1 + 5 * delta);
  });

  it("validates its arguments", () => {
    expect(() => arange(0, 5, 0)).toThrow(/step must not be zero/);
    expect(() => arange(0, Number.POSITIVE_INFINITY)).toThrow(/finite/);
    expect(arange(3, 0).shape).toEqual([0]);
  });

  test.prop(
    [
      fc.integer({ min: -50, max: 50 }),
      fc.integer({ min: -50, max: 50 }),
      fc.integer({ min: -7, max: 7 }).filter((s) => s !== 0),
      fc.integer({ min: 1, max: 9 }),
    ],
    { numRuns: 50 },
  )("integer ranges equal Python's range", async (start, stop, step, chunk) => {
    const expected: number[] = [];
    for (let v = start; step > 0 ? v < stop : v > stop; v += step) expected.push(v);
    const x = arange(start, stop, step, { chunks: chunk });
    expect(x.shape).toEqual([expected.length]);
    expect((await evaluate(x)).toArray()).toEqual(expected);
  });
});

describe("linspace", () => {
  it("matches NumPy's examples", async () => {
    expect((await evaluate(linspace(2, 3, { num: 5 }))).toArray()).toEqual([2, 2.25, 2.5, 2.75, 3]);
    expect((await evaluate(linspace(2, 3, { num: 5, endpoint: false }))).toArray()).toEqual([
      2, 2.2, 2.4, 2.6, 2.8,
    ]);
    expect(linspace(0, 1).shape).toEqual([50]);
  });

  it("ends exactly at stop in every chunking, and floors for integer dtypes", async () => {
    for (const chunks of [1, 3, 7, 100]) {
      const out = await evaluate(linspace(0.1, 0.7, { num: 13, chunks }));
      expect(out.item(12)).toBe(0.7);
      expect(out.item(5)).toBe(5 * (0.6 / 12) + 0.1);
    }
    expect((await evaluate(linspace(-1, 1, { num: 5, dtype: "int32" }))).toArray()).toEqual([
      -1, -1, 0, 0, 1,
    ]);
  });

  it("validates num", () => {
    expect(() => linspace(0, 1, { num: -1 })).toThrow(/Number of samples, -1, must be non-negative/);
  });
});

describe("eye", () => {
  it("blocks off the diagonal are plain fills", () => {
    const x = eye(8, { chunks: 2 });
    const ops = x.layers.get(x.name)!.tasks.map((t) => t.op);
    expect(ops.filter((o) => o === "create.eye")).toHaveLength(4);
    expect(ops.filter((o) => o === "create.full")).toHaveLength(12);
  });

  it("supports M, k and chunkings", async () => {
    for (const chunks of [[2, 3] as number[], 1, 5]) {
      const out = await evaluate(eye(5, { M: 7, k: 2, chunks }));
      for (let i = 0; i < 5; i++)
        for (let j = 0; j < 7; j++) expect(out.item(i, j)).toBe(j - i === 2 ? 1 : 0);
    }
  });
});
