import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import type { ChunkedArray } from "../../src/array/chunked-array.js";
import {
  broadcastTo,
  concatenate,
  expandDims,
  moveaxis,
  squeeze,
  stack,
  swapaxes,
  transpose,
} from "../../src/array/joining.js";
import { getitem } from "../../src/array/slicing.js";
import type { DType } from "../../src/dtype/dtypes.js";
import { isChunkedError } from "../../src/errors.js";
import { slice } from "../../src/index/slice.js";
import { joinTranspose } from "../../src/kernels/join.js";
import { NDArray } from "../../src/ndarray/ndarray.js";
import { assertClose, assertGolden } from "../../src/testing/assert.js";
import { arbShapeAndChunks } from "../../src/testing/arbitraries.js";
import { chunkingsFor } from "../../src/testing/chunkings.js";
import type { GoldenCase } from "../../src/testing/golden.js";
import { loadGolden } from "@chunked/core/testing/node";
import { chunked, evaluate, iota } from "./helpers.js";

/** Builds the lazy expression of a golden case over one chunking per input. */
function buildCase(c: GoldenCase, k: number): ChunkedArray {
  const xs = c.inputs.map((input) => {
    const a = input as NDArray;
    const options = chunkingsFor(a.shape);
    return chunked(a, options[Math.min(k, options.length - 1)]);
  });
  const kw = c.kwargs;
  switch (c.op) {
    case "stack":
      return stack(xs, { axis: kw.axis });
    case "concatenate":
      return concatenate(xs, { axis: kw.axis });
    case "transpose":
      return transpose(xs[0], { axes: kw.axes });
    case "swapaxes":
      return swapaxes(xs[0], kw.axis1, kw.axis2);
    case "squeeze":
      return squeeze(xs[0], { axis: kw.axis });
    case "expandDims":
      return expandDims(xs[0], { axis: kw.axis });
    case "broadcastTo":
      return broadcastTo(xs[0], kw.shape);
    default:
      throw new Error(`unknown op ${c.op}`);
  }
}

const golden = loadGolden("joining");

describe("joining goldens (NumPy)", () => {
  for (const c of golden.cases) {
    const maxK = Math.max(...c.inputs.map((i) => chunkingsFor((i as NDArray).shape).length));
    for (let k = 0; k < maxK; k++) {
      it(`${c.id} chunking #${k}`, async () => {
        const x = buildCase(c, k);
        expect(x.shape).toEqual(c.expected.shape);
        assertGolden(await evaluate(x), c);
      });
    }
  }
  for (const e of golden.errors) {
    it(`${e.id} throws at build time like NumPy`, () => {
      const c = { ...e, expected: NDArray.zeros("float64", [0]), numpyDtype: "float64" } as GoldenCase;
      // NumPy's wording up to the first tuple or comma (we print shapes as [3], not (3,)).
      expect(() => buildCase(c, 1)).toThrow(e.message.split(/[,(]/)[0].replace(/\s+/g, " ").trim());
    });
  }
});

describe("concatenate", () => {
  it("relabels blocks: identity tasks, chunks appended along the axis", () => {
    const a = chunked(iota([4, 4]), 2);
    const b = chunked(iota([3, 4]), [[3], [2, 2]]);
    const y = concatenate([a, b]);
    expect(y.chunks).toEqual([
      [2, 2, 3],
      [2, 2],
    ]);
    const tasks = y.layers.get(y.name)!.tasks;
    expect(tasks.every((t) => t.op === "core.identity")).toBe(true);
    expect(tasks.find((t) => t.key === y.key([2, 1]))!.deps).toEqual([b.key([0, 1])]);
  });

  it("unifies chunks on the other axes", async () => {
    const a = chunked(iota([2, 7]), [[2], [5, 2]]);
    const b = chunked(iota([3, 7]), [[3], [4, 3]]);
    const y = concatenate([a, b]);
    expect(y.chunks[1]).toEqual([4, 1, 2]);
    const out = await evaluate(y);
    assertClose(
      out.region([
        [0, 2, 1],
        [0, 7, 1],
      ]),
      iota([2, 7]),
    );
    assertClose(
      out.region([
        [2, 5, 1],
        [0, 7, 1],
      ]),
      iota([3, 7]),
    );
  });

  it("promotes mixed dtypes by NumPy's result_type, casting only the blocks that need it", async () => {
    const a = chunked(iota([2, 2], "int32"), 1);
    const b = chunked(iota([1, 2], "float32"), 1);
    const y = concatenate([a, b]);
    expect(y.dtype).toBe("float64");
    const ops = y.layers.get(y.name)!.tasks.map((t) => t.op);
    expect(new Set(ops)).toEqual(new Set(["join.cast"]));
    expect((await evaluate(y)).toArray()).toEqual([
      [0, 1],
      [2, 3],
      [0, 1],
    ]);
    const s = stack([chunked(iota([3], "uint8"), 2), chunked(iota([3], "int8"), 2)]);
    expect(s.dtype).toBe("int16");
    expect((await evaluate(s)).toArray()).toEqual([
      [0, 1, 2],
      [0, 1, 2],
    ]);
    const one = concatenate([chunked(iota([3], "bool"), 2), chunked(NDArray.zeros("int8", [0]), [[0]])]);
    expect(one.dtype).toBe("int8");
    expect((await evaluate(one)).toArray()).toEqual([0, 1, 0]);
  });

  it("drops empty inputs and returns a single input unchanged", () => {
    const a = chunked(iota([3, 2]), 2);
    const e = chunked(NDArray.zeros("float64", [0, 2]), [[0], [2]]);
    expect(concatenate([a])).toBe(a);
    expect(concatenate([e, a, e])).toBe(a);
    expect(concatenate([e, e]).shape).toEqual([0, 2]);
  });

  it("validates with NumPy's messages", () => {
    const a = chunked(iota([2, 3]), 2);
    expect(() => concatenate([])).toThrow(/need at least one array to concatenate/);
    expect(() => concatenate([chunked(NDArray.from(1), [])])).toThrow(
      /zero-dimensional arrays cannot be concatenated/,
    );
    expect(() => concatenate([a, chunked(iota([3]), 3)])).toThrow(
      /all the input arrays must have same number of dimensions, but the array at index 0 has 2 dimension\(s\) and the array at index 1 has 1 dimension\(s\)/,
    );
    expect(() => concatenate([a, a], { axis: -3 })).toThrow(
      /axis -3 is out of bounds for array of dimension 2/,
    );
  });

  test.prop(
    [
      arbShapeAndChunks({ minNdim: 1, maxNdim: 3, maxDim: 8 }).chain(({ shape, chunks }) =>
        fc.record({
          shape: fc.constant(shape),
          chunks: fc.constant(chunks),
          axis: fc.integer({ min: 0, max: shape.length - 1 }),
          cuts: fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 3 }),
        }),
      ),
    ],
    { numRuns: 50 },
  )("concatenating slices of an array gives the array back", async ({ shape, chunks, axis, cuts }) => {
    const a = iota(shape);
    const x = chunked(a, chunks);
    const bounds = [0, ...cuts.map((c) => Math.min(c, shape[axis])).sort((p, q) => p - q), shape[axis]];
    const pieces = bounds.slice(1).map((stop, i) =>
      getitem(
        x,
        shape.map((_, ax) => (ax === axis ? slice(bounds[i], stop) : null)),
      ),
    );
    const y = concatenate(pieces, { axis });
    expect(y.shape).toEqual(shape);
    assertClose(await evaluate(y), a);
  });
});

describe("stack", () => {
  it("inserts a length-1 block axis; each block is a view of an input block", async () => {
    const xs = [0, 1, 2].map((_k) => chunked(iota([4, 3]).reshape([4, 3]), [[2, 2], [3]]));
    const y = stack(xs, { axis: 1 });
    expect(y.chunks).toEqual([[2, 2], [1, 1, 1], [3]]);
    expect(y.layers.get(y.name)!.tasks.every((t) => t.op === "join.expand")).toBe(true);
    const out = await evaluate(y);
    expect(out.shape).toEqual([4, 3, 3]);
    expect(out.item(3, 2, 1)).toBe(10);
  });

  it("unifies differing chunks (weather: stack of days)", async () => {
    const a = chunked(iota([6, 4]), [[3, 3], [4]]);
    const b = chunked(iota([6, 4]), [
      [2, 4],
      [2, 2],
    ]);
    const y = stack([a, b], { axis: -1 });
    expect(y.chunks).toEqual([
      [2, 1, 3],
      [2, 2],
      [1, 1],
    ]);
    const out = await evaluate(y);
    assertClose(
      out
        .region([
          [0, 6, 1],
          [0, 4, 1],
          [1, 2, 1],
        ])
        .reshape([6, 4]),
      iota([6, 4]),
    );
  });

  it("validates with NumPy's messages", () => {
    const a = chunked(iota([2, 3]), 2);
    expect(() => stack([])).toThrow(/need at least one array to stack/);
    expect(() => stack([a, chunked(iota([3, 2]), 2)])).toThrow(/all input arrays must have the same shape/);
    expect(() => stack([a, a], { axis: 3 })).toThrow(/axis 3 is out of bounds for array of dimension 3/);
    let err: unknown;
    try {
      stack([a, a], { axis: 3 });
    } catch (e) {
      err = e;
    }
    expect(isChunkedError(err, "InvalidArgumentError")).toBe(true);
  });
});

describe("transpose / swapaxes / moveaxis", () => {
  it("permutes chunks and values", async () => {
    const a = iota([3, 4, 5]);
    for (const chunks of chunkingsFor([3, 4, 5])) {
      const y = transpose(chunked(a, chunks), { axes: [2, 0, 1] });
      expect(y.chunks).toEqual([chunks[2], chunks[0], chunks[1]]);
      const out = await evaluate(y);
      expect(out.item(4, 2, 3)).toBe(a.item(2, 3, 4));
    }
  });

  it("identity permutation and 1-D arrays return the input", () => {
    const x = chunked(iota([3, 4]), 2);
    expect(transpose(x, { axes: [0, 1] })).toBe(x);
    const v = chunked(iota([5]), 2);
    expect(transpose(v)).toBe(v);
  });

  it("moveaxis follows NumPy", () => {
    const x = chunked(iota([2, 3, 4, 5]), 2);
    expect(moveaxis(x, 0, -1).shape).toEqual([3, 4, 5, 2]);
    expect(moveaxis(x, -1, 0).shape).toEqual([5, 2, 3, 4]);
    expect(moveaxis(x, [0, 1], [-1, -2]).shape).toEqual([4, 5, 3, 2]);
    expect(() => moveaxis(x, [0, 1], [0])).toThrow(/same number of elements/);
  });

  it("validates axes", () => {
    const x = chunked(iota([2, 3]), 2);
    expect(() => transpose(x, { axes: [0] })).toThrow(/axes don't match array/);
    expect(() => transpose(x, { axes: [0, 0] })).toThrow(/repeated axis in transpose/);
    expect(() => transpose(x, { axes: [0, 2] })).toThrow(/axis 2 is out of bounds for array of dimension 2/);
  });

  it("kernel handles strided 2-D input and N-d permutations", () => {
    const base = iota([6, 70]);
    const view = base.region([
      [0, 6, 2],
      [0, 70, 1],
    ]);
    const out = joinTranspose.fn([view], { axes: [1, 0] }) as NDArray;
    expect(out.shape).toEqual([70, 3]);
    expect(out.item(69, 2)).toBe(base.item(4, 69));
    const out3 = joinTranspose.fn([iota([2, 3, 4])], { axes: [1, 2, 0] }) as NDArray;
    expect(out3.item(2, 3, 1)).toBe(iota([2, 3, 4]).item(1, 2, 3));
  });
});

describe("squeeze / expandDims", () => {
  it("squeezes every length-1 axis by default", async () => {
    const x = chunked(iota([1, 5, 1]), [[1], [2, 3], [1]]);
    const y = squeeze(x);
    expect(y.chunks).toEqual([[2, 3]]);
    assertClose(await evaluate(y), iota([5]));
    expect(squeeze(chunked(iota([2, 3]), 2)).shape).toEqual([2, 3]);
  });

  it("squeeze rechunks a length-1 axis holding an empty block", async () => {
    const base = chunked(iota([4, 3]), [[1, 1, 2], [3]]);
    const x = getitem(base, [slice(1, 2), null]); // chunks [[1]] or with empty blocks
    const y = squeeze(x, { axis: 0 });
    expect(y.shape).toEqual([3]);
    assertClose(await evaluate(y), NDArray.from([3, 4, 5]));
  });

  it("expandDims inserts length-1 axes", async () => {
    const x = chunked(iota([3, 4]), 2);
    const y = expandDims(x, { axis: [0, -1] });
    expect(y.chunks).toEqual([[1], [2, 1], [2, 2], [1]]);
    assertClose(await evaluate(y), iota([1, 3, 4, 1]));
    expect(() => expandDims(x, { axis: [0, 0] })).toThrow(/repeated axis/);
    expect(() => expandDims(x, { axis: 3 })).toThrow(/axis 3 is out of bounds for array of dimension 3/);
  });

  it("squeeze validates the axis", () => {
    const x = chunked(iota([4, 1]), 2);
    expect(() => squeeze(x, { axis: 0 })).toThrow(
      /cannot select an axis to squeeze out which has size not equal to one/,
    );
    expect(() => squeeze(x, { axis: 2 })).toThrow(/axis 2 is out of bounds for array of dimension 2/);
  });
});

describe("broadcastTo", () => {
  it("gives new leading axes one block and keeps the input's chunks", async () => {
    const x = chunked(iota([4]), 2);
    const y = broadcastTo(x, [3, 4]);
    expect(y.chunks).toEqual([[3], [2, 2]]);
    const out = await evaluate(y);
    expect(out.toArray()).toEqual([
      [0, 1, 2, 3],
      [0, 1, 2, 3],
      [0, 1, 2, 3],
    ]);
  });

  it("repeats length-1 axes and honours explicit chunks", async () => {
    const x = chunked(iota([3, 1]), [[2, 1], [1]]);
    const y = broadcastTo(x, [2, 3, 5], { chunks: [1, 3, 2] });
    expect(y.chunks).toEqual([[1, 1], [3], [2, 2, 1]]);
    const out = await evaluate(y);
    expect(out.item(1, 2, 4)).toBe(2);
    expect(out.item(0, 1, 0)).toBe(1);
  });

  it("returns the input when nothing changes", () => {
    const x = chunked(iota([3, 4]), 2);
    expect(broadcastTo(x, [3, 4])).toBe(x);
  });

  it("works for every dtype and chunking", async () => {
    for (const dtype of ["bool", "int8", "uint32", "float32"] as DType[]) {
      const a = iota([4, 1, 3], dtype);
      for (const chunks of chunkingsFor([4, 1, 3])) {
        const y = broadcastTo(chunked(a, chunks), [2, 4, 5, 3]);
        const out = await evaluate(y);
        expect(out.dtype).toBe(dtype);
        for (let i = 0; i < 4; i++)
          for (let k = 0; k < 3; k++) expect(out.item(1, i, 4, k)).toBe(a.item(i, 0, k));
      }
    }
  });
});
