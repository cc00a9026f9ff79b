import fc from "fast-check";
import { describe, expect, test } from "vitest";
import * as ca from "@chunked/core";
import { NDArray } from "@chunked/core";
import { double, rowSums } from "./kernels.fixture.js";

const grid = (r: number, c: number) =>
  NDArray.from(
    Float64Array.from({ length: r * c }, (_, i) => i),
    { shape: [r, c] },
  );

/** 3-point sum along axis 0 of a 1-d block: out[i] = b[i-1] + b[i] + b[i+1] (edges see what they have). */
function threeSum([b]: NDArray[]): NDArray {
  const n = b.shape[0];
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++)
    out[i] =
      (i > 0 ? (b.item(i - 1) as number) : 0) +
      (b.item(i) as number) +
      (i < n - 1 ? (b.item(i + 1) as number) : 0);
  return NDArray.from(out);
}

describe("mapBlocks", () => {
  test("a defineKernel kernel and a plain function, in-process", async () => {
    const x = ca.fromArray(grid(4, 6), { chunks: [3, 4] });
    expect((await ca.mapBlocks(double, x).compute()).toArray()).toEqual((await x.mul(2).compute()).toArray());
    expect((await x.mapBlocks(([b]) => ca.nd.add(b, 1)).compute()).toArray()).toEqual(
      (await x.add(1).compute()).toArray(),
    );
    const sums = ca.mapBlocks(rowSums, x, { dropAxis: 1 });
    expect(sums.chunks).toEqual([[3, 1]]);
    expect((await sums.compute()).toArray()).toEqual((await x.sum({ axis: 1 }).compute()).toArray());
    expect(double.id).toMatch(/kernels\.fixture\.ts#double$/);
  });

  test("block info, new axes and several arrays", async () => {
    const x = ca.fromArray(grid(4, 6), { chunks: [2, 3] });
    const v = ca.fromArray(Float64Array.from([1, 2, 3, 4, 5, 6]), { chunks: 2 });
    const sum = ca.mapBlocks(([a, b]) => ca.nd.add(a, b), [x, v]);
    expect((await sum.compute()).toArray()).toEqual((await x.add(v).compute()).toArray());
    const ids = ca.mapBlocks(
      ([_b], p: any) => NDArray.from([p.blockOffset[0], p.blockOffset[1]], { shape: [1, 1, 2] }),
      x,
      {
        blockInfo: true,
        newAxis: 2,
        chunks: [[1, 1], [1, 1], [2]],
      },
    );
    expect((await ids.compute()).toArray()).toEqual([
      [
        [0, 0],
        [0, 3],
      ],
      [
        [2, 0],
        [2, 3],
      ],
    ]); // where each input block starts
  });

  test("a kernel returning the wrong shape or dtype fails naming the expected one", async () => {
    const x = ca.fromArray(grid(4, 6), { chunks: 2 });
    await expect(ca.mapBlocks(([b]) => b.reshape([-1]), x).compute()).rejects.toThrow(
      /returned a block of shape \[4\], expected \[2, 2\]/,
    );
    await expect(ca.mapBlocks(([b]) => ca.nd.astype(b, "int32"), x).compute()).rejects.toThrow(
      /returned dtype "int32", expected "float64"/,
    );
  });

  test("a plain function on a pool fails before running, saying how to fix it", async () => {
    const x = ca.fromArray(grid(4, 6), { chunks: 2 });
    let ran = 0;
    const pool: ca.Executor = {
      concurrency: 2,
      run: () => {
        ran++;
        throw new Error("must not run");
      },
    };
    await expect(x.mapBlocks(([b]) => b).compute({ executor: pool })).rejects.toThrow(
      /defineKernel\(\{ module: import.meta.url, name: "<export name>" \}, fn\) and list that module in the pool's modules option/,
    );
    expect(ran).toBe(0);
    expect(() => ca.defineKernel({ module: "", name: "x" }, ([b]) => b)).toThrow(/Got module=""/);
    expect(() => ca.defineKernel({ module: import.meta.url, name: "not a name" }, ([b]) => b)).toThrow(
      /Got name="not a name"/,
    );
  });
});

describe("blockwise", () => {
  test("index notation: contraction, broadcasting, transposition", async () => {
    const a = ca.fromArray(grid(4, 3), { chunks: [2, 2] });
    const b = ca.fromArray(grid(3, 5), { chunks: [2, 3] });
    const mm = ca.blockwise(([p, q]) => matmul2(p, q), "ik", a, "ij", b, "jk", { dtype: "float64" });
    expect(mm.chunks).toEqual([
      [2, 2],
      [3, 2],
    ]);
    expect((await mm.compute()).toArray()).toEqual(matmul2(grid(4, 3), grid(3, 5)).toArray());
    const v = ca.fromArray(Float64Array.from([10, 20, 30]), { chunks: 1 });
    const added = ca.blockwise(([p, q]) => ca.nd.add(p, q), "ij", a, "ij", v, "j");
    expect((await added.compute()).toArray()).toEqual((await a.add(v).compute()).toArray());
    const t = ca.blockwise(
      ([p]) =>
        new NDArray(p.dtype, p.data, [p.shape[1], p.shape[0]], [p.strides[1], p.strides[0]], p.offset).copy(),
      "ji",
      a,
      "ij",
    );
    expect((await t.compute()).toArray()).toEqual((await a.T.compute()).toArray());
    expect(() => ca.blockwise(([p]) => p, "ij", a, "i")).toThrow(
      /Got indices="i" for an array of 2 dimensions/,
    );
    expect(() => ca.blockwise(([p]) => p, "ijz", a, "ij")).toThrow(/output index "z" is on no input/);
  });
});

function matmul2(a: NDArray, b: NDArray): NDArray {
  const [n, m] = a.shape;
  const k = b.shape[1];
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++)
      for (let l = 0; l < k; l++) out[i * k + l] += (a.item(i, j) as number) * (b.item(j, l) as number);
  return NDArray.from(out, { shape: [n, k] });
}

describe("mapOverlap", () => {
  const data = Float64Array.from([1, 4, 2, 8, 5, 7, 3, 9, 6, 0]);
  test("boundary modes (NumPy pad semantics: reflect = symmetric, periodic = wrap, nearest = edge)", async () => {
    const x = ca.fromArray(data, { chunks: 3 });
    const run = async (boundary: ca.Boundary) =>
      (await ca.mapOverlap(threeSum, x, { depth: 1, boundary }).compute()).toArray();
    const d = Array.from(data);
    const n = d.length;
    const expectFor = (left: number, right: number) =>
      d.map((v, i) => (i > 0 ? d[i - 1] : left) + v + (i < n - 1 ? d[i + 1] : right));
    expect(await run("reflect")).toEqual(expectFor(d[0], d[n - 1]));
    expect(await run("nearest")).toEqual(expectFor(d[0], d[n - 1]));
    expect(await run("periodic")).toEqual(expectFor(d[n - 1], d[0]));
    expect(await run(100)).toEqual(expectFor(100, 100));
    expect(await run("none")).toEqual(expectFor(0, 0));
  });

  test("chunk invariance", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 10 }),
        fc.constantFrom<ca.Boundary>("reflect", "periodic", "nearest", "none", -1),
        async (chunk, boundary) => {
          const one = await ca
            .mapOverlap(threeSum, ca.fromArray(data, { chunks: -1 }), { depth: 1, boundary })
            .compute();
          const many = await ca
            .mapOverlap(threeSum, ca.fromArray(data, { chunks: chunk }), { depth: 1, boundary })
            .compute();
          expect(many.toArray()).toEqual(one.toArray());
        },
      ),
      { numRuns: 20 },
    );
  });

  test("bad depth and boundary name themselves", () => {
    const x = ca.fromArray(data, { chunks: 3 });
    expect(() => ca.mapOverlap(threeSum, x, { depth: -1 })).toThrow(/Got depth=-1/);
    expect(() => ca.mapOverlap(threeSum, x, { depth: 4 })).toThrow(/Got depth=4 on axis 0, smallest block 1/);
    expect(() => ca.mapOverlap(threeSum, x, { depth: 1, boundary: "mirror" as any })).toThrow(
      /Got boundary="mirror"/,
    );
  });
});

describe("block access", () => {
  test("x.blocks.get and iterBlocks", async () => {
    const x = ca.fromArray(grid(4, 6), { chunks: [3, 4] });
    expect(x.blocks.shape).toEqual([2, 2]);
    const b = x.blocks.get(1, -1);
    expect(b.shape).toEqual([1, 2]);
    expect((await b.compute()).toArray()).toEqual([[22, 23]]);
    expect(x.blocks.get(ca.slice(0, 1)).shape).toEqual([3, 6]);
    expect(() => x.blocks.get(2)).toThrow(/Got index 2 on axis 0, expected an integer in \[-2, 1\]/);
    const seen: number[][] = [];
    for await (const { index, block } of x.iterBlocks()) {
      seen.push(index);
      expect(block.shape).toEqual([index[0] === 0 ? 3 : 1, index[1] === 0 ? 4 : 2]);
    }
    expect(seen).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
  });
});
