import { fc, test as propTest } from "@fast-check/vitest";
import { describe, expect, test } from "vitest";
import { fromArray } from "@chunked/core";
import { ChunkedArray } from "@chunked/core";
import { getitem, getitemTemplate, planAxis } from "../../src/array/slicing.js";
import { isChunkedError } from "@chunked/core";
import { normalizeSelection } from "../../src/index/normalize.js";
import { type IndexValue, newaxis, type Selection, slice } from "@chunked/core";
import { NDArray } from "@chunked/core";
import { computeNaive, iota, referenceGet } from "./helpers.js";

const S = slice;

/** Selections for every form, per shape. */
const CASES: Record<string, Selection[]> = {
  "10": [
    [3],
    [-1],
    [-10],
    [S(2, 7)],
    [S(null, null, 2)],
    [S(null, null, -1)],
    [S(null, null, -3)],
    [S(7, 2, -1)],
    [S(-3, null)],
    [S(null, -3)],
    [S(-100, 100)],
    [S(100, null)],
    [S(5, 2)],
    [S(3, 3)],
    [null],
    [S(1, null, 4)],
    [S(8, -12, -2)],
    [S(-1, -11, -1)],
    [newaxis],
    ["..."],
    ["...", newaxis],
    [newaxis, S(2, 5)],
    [S(9, null, -4)],
    [S(null, 0, -1)],
    [newaxis, newaxis, S(null, null, -2)],
    [-2, "..."],
    [S(null, null, 7)],
    [S(null, null, -7)],
    [S(1, 9, 10)],
    [S(0, 1)],
    [S(9, 10)],
    [],
  ],
  "7,9": [
    [1, 2],
    [-1, S(null, null, -2)],
    [S(null, null, 2), 3],
    ["...", -1],
    [newaxis, null, newaxis],
    [S(2, 5), "..."],
    ["...", S(null, null, -3)],
    [S(null, null, -2), 3, newaxis],
    [3],
    [S(-2, null), S(1, 8, 3)],
    [null, newaxis, S(null, null, -1)],
    [S(5, 1, -2), S(-9, null)],
    [-7, -9],
    [S(10, null), null],
    [S(null, null, -1), S(null, null, -1)],
    ["...", S(4, 100)],
    [newaxis, "..."],
    [S(1, 2), S(3, 4)],
    [S(null, null, 4), S(null, null, 5)],
    [S(6, 0, -4), S(8, null, -3)],
    [null, null],
  ],
  "4,5,6": [
    [1, "...", 2],
    ["...", 0],
    [S(null, null, -1), newaxis, S(1, 4), S(null, null, 2)],
    [-1, -1, -1],
    ["...", newaxis],
    [newaxis, "...", newaxis],
    [null, 2],
    [S(1, 3), null, S(null, null, -2)],
    [2, S(null, null, -1)],
    [S(null, null, 3), S(null, null, 4), S(null, null, 5)],
    ["...", -1, null],
    [-4, newaxis, S(-5, null), 5],
    [S(2, null), S(1, -1), S(3, 0, -1)],
    [null, null, null, "..."],
    [S(0, 0), 1, S(null, null, -1)],
  ],
};

const CHUNKINGS: Record<string, number[][][]> = {
  "10": [[[10]], [[3, 3, 3, 1]], [[1, 4, 2, 3]], [[1, 1, 1, 1, 1, 1, 1, 1, 1, 1]], [[5, 0, 5]]],
  "7,9": [
    [[7], [9]],
    [
      [3, 4],
      [2, 2, 2, 2, 1],
    ],
    [
      [1, 3, 2, 1],
      [5, 4],
    ],
    [[1, 1, 1, 1, 1, 1, 1], [9]],
  ],
  "4,5,6": [
    [[4], [5], [6]],
    [
      [2, 2],
      [2, 3],
      [4, 2],
    ],
    [
      [1, 3],
      [1, 1, 3],
      [1, 2, 3],
    ],
    [[1, 1, 1, 1], [5], [1, 1, 1, 1, 1, 1]],
  ],
};

function describeSel(sel: Selection): string {
  return sel.map((s) => (s === newaxis ? "None" : s === null ? ":" : String(s))).join(", ");
}

describe.each(Object.keys(CASES))("shape (%s)", (shapeKey) => {
  const shape = shapeKey.split(",").map(Number);
  const base = iota(shape);
  describe.each(CHUNKINGS[shapeKey])("chunks=%j", (...chunks) => {
    test.each(CASES[shapeKey].map((sel) => [describeSel(sel), sel] as const))("[%s]", async (_name, sel) => {
      const x = fromArray(base, { chunks });
      const y = getitem(x, sel);
      const expected = referenceGet(base, sel);
      expect(y.shape).toEqual(expected.shape);
      expect(y.dtype).toBe("int32");
      const got = await computeNaive(y);
      expect(got.toArray()).toEqual(expected.toArray());
      // Output blocks are aligned to input blocks: no block is larger than its input block.
      expect(Math.max(0, ...y.chunks.flat())).toBeLessThanOrEqual(Math.max(...x.chunks.flat(), 1));
      // Deterministic keys: the same expression gives the same name.
      expect(getitem(x, sel).name).toBe(y.name);
    });
  });
});

describe("planAxis (dask's _slice_1d)", () => {
  test("step carries its phase across blocks", () => {
    expect(planAxis([15, 14, 13], normalizeSelection([S(10, 41, 3)], [42])[0] as any)).toEqual({
      chunks: [2, 5, 4],
      blocks: [0, 1, 2],
      ranges: [
        [10, 14, 3],
        [1, 14, 3],
        [2, 12, 3],
      ],
    });
  });
  test("whole blocks are null ranges", () => {
    expect(planAxis([25, 25, 25, 25], normalizeSelection([S(10, 51)], [100])[0] as any)).toEqual({
      chunks: [15, 25, 1],
      blocks: [0, 1, 2],
      ranges: [[10, 25, 1], null, [0, 1, 1]],
    });
  });
  test("negative steps walk blocks backwards", () => {
    // x[100:12:-3] over 5 blocks of 20 (dask's test_slice_1d)
    const plan = planAxis([20, 20, 20, 20, 20], normalizeSelection([S(100, 12, -3)], [100])[0] as any);
    expect(plan.blocks).toEqual([4, 3, 2, 1, 0]);
    expect(plan.chunks).toEqual([7, 7, 6, 7, 2]);
    expect(plan.ranges).toEqual([
      [19, 0, -3],
      [18, -1, -3],
      [17, 1, -3],
      [19, 0, -3],
      [18, 14, -3],
    ]);
  });
  test("a step larger than the blocks skips blocks", () => {
    const plan = planAxis([2, 2, 2, 2, 2], normalizeSelection([S(null, null, 7)], [10])[0] as any);
    expect(plan).toEqual({
      chunks: [1, 1],
      blocks: [0, 3],
      ranges: [
        [0, 1, 7],
        [1, 2, 7],
      ],
    });
  });
  test("integers pick one block", () => {
    expect(planAxis([3, 0, 4], normalizeSelection([3], [7])[0] as any)).toEqual({
      chunks: [],
      blocks: [2],
      ranges: [[0, 1, 1]],
    });
  });
  test("empty results are one empty block", () => {
    expect(planAxis([3, 4], normalizeSelection([S(5, 2)], [7])[0] as any)).toEqual({
      chunks: [0],
      blocks: [0],
      ranges: [[0, 0, 1]],
    });
  });
});

describe("getitem graph", () => {
  const base = iota([20, 30], "float32");
  const x = fromArray(base, { chunks: [5, 10] });

  test("keeps chunks aligned, one task per output block, reads only touched blocks", () => {
    const y = getitem(x, [S(null, null, 2), S(3, 14)]);
    expect(y.chunks).toEqual([
      [3, 2, 3, 2],
      [7, 4],
    ]);
    expect(y.dtype).toBe("float32");
    const layer = y.layers.get(y.name)!;
    expect(layer.tasks.length).toBe(8);
    expect(layer.dependencies).toEqual([x.name]);
    const deps = new Set(layer.tasks.flatMap((t) => t.deps));
    expect(deps.size).toBe(8);
    expect([...deps].every((k) => k.endsWith(",0") || k.endsWith(",1"))).toBe(true);
    for (const t of layer.tasks) expect(t.op).toBe("getitem.region");
  });

  test("x[...] and x[:, :] return x itself", () => {
    expect(getitem(x, ["..."])).toBe(x);
    expect(getitem(x, [null, S(null, null, 1)])).toBe(x);
    expect(getitem(x, [])).toBe(x);
    expect(getitem(x, [S(0, 20)])).toBe(x);
  });

  test("integer indices give 0-d arrays", async () => {
    const y = getitem(x, [3, 17]);
    expect(y.shape).toEqual([]);
    expect(y.chunks).toEqual([]);
    expect(y.keys()).toEqual([`${y.name}/`]);
    expect((await computeNaive(y)).toArray()).toBe(3 * 30 + 17);
  });

  test("a lone item is a selection of one", async () => {
    const y = getitem(x, 4);
    expect(y.shape).toEqual([30]);
    expect((await computeNaive(y)).toArray()).toEqual(referenceGet(base, [4]).toArray());
  });

  test("newaxis blocks have size 1", () => {
    const y = getitem(x, [newaxis, null, newaxis]);
    expect(y.chunks).toEqual([[1], [5, 5, 5, 5], [1], [10, 10, 10]]);
  });

  test("empty selections keep zero-size blocks", async () => {
    const y = getitem(x, [S(7, 7), S(null, null, -1)]);
    expect(y.chunks).toEqual([[0], [10, 10, 10]]);
    expect((await computeNaive(y)).shape).toEqual([0, 30]);
  });

  test("getitemTemplate parses NumPy syntax", async () => {
    const at = (strings: TemplateStringsArray, ...values: IndexValue[]) =>
      getitemTemplate(x, strings, values);
    const t = 4;
    const step = -3;
    const y = at`${t}, ::${step}`;
    expect(y.name).toBe(getitem(x, [4, S(null, null, -3)]).name);
    expect((await computeNaive(y)).toArray()).toEqual(referenceGet(base, [4, S(null, null, -3)]).toArray());
    expect(at`..., None`.shape).toEqual([20, 30, 1]);
  });

  test("errors are thrown while building the graph", () => {
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e as Error;
      }
      throw new Error("expected an error");
    };
    const e1 = err(() => getitem(x, [20]));
    expect(isChunkedError(e1, "InvalidSelectionError")).toBe(true);
    expect(e1.message).toBe("Index 20 is out of bounds for axis 0 with size 20.");
    expect(err(() => getitem(x, [null, S(null, null, 0)])).message).toBe(
      'Slice step cannot be zero. Got step=0 in ":, ::0".',
    );
    expect(err(() => getitem(x, [0, 0, 0])).message).toMatch(
      /^Too many indices for array: array is 2-dimensional, but 3 were indexed/,
    );
    expect(err(() => getitem(x, ["...", "..."])).message).toMatch(/single ellipsis/);
    expect(err(() => getitemTemplate(x, ["5, :x"], [])).message).toBe(
      `Cannot parse index at column 5 in '5, :x'. Got "x", expected "," or ":".`,
    );
    const z = fromArray(iota([5, 8, 8]), { chunks: 4 });
    expect(err(() => getitemTemplate(z, ["", ", :"], [5])).message).toBe(
      "Index 5 is out of bounds for axis 0 with size 5.",
    );
  });

  test("unknown (NaN) chunks accept only ':'", async () => {
    const u = new ChunkedArray(
      x.name,
      [
        [Number.NaN, Number.NaN, Number.NaN, Number.NaN],
        [10, 10, 10],
      ],
      x.dtype,
      x.layers,
    );
    const y = getitem(u, [null, S(2, 5)]);
    expect(y.chunks[0].every(Number.isNaN)).toBe(true);
    expect(y.chunks[1]).toEqual([3]);
    const e = (() => {
      try {
        getitem(u, [S(0, 3)]);
      } catch (err) {
        return err as Error;
      }
    })();
    expect(isChunkedError(e, "UnknownChunksError")).toBe(true);
    expect(e!.message).toMatch(/computeChunkSizes\(\)/);
  });
});

// Random shapes, chunkings and selections against the reference indexer.
const arbAxis = fc.integer({ min: 0, max: 7 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    chunks:
      n === 0
        ? fc.constant([0])
        : fc.array(fc.integer({ min: 1, max: n }), { minLength: 1, maxLength: 8 }).map((parts) => {
            const out: number[] = [];
            let left = n;
            for (const p of parts) {
              if (left === 0) break;
              const c = Math.min(p, left);
              out.push(c);
              left -= c;
            }
            if (left > 0) out.push(left);
            return out;
          }),
  }),
);
const arbBound = fc.option(fc.integer({ min: -10, max: 10 }), { nil: null });
const arbItem = (n: number) =>
  fc.oneof(
    n > 0 ? fc.integer({ min: -n, max: n - 1 }) : fc.constant(null),
    fc
      .tuple(
        arbBound,
        arbBound,
        fc.option(
          fc.integer({ min: -4, max: 4 }).filter((k) => k !== 0),
          { nil: null },
        ),
      )
      .map(([a, b, k]) => S(a, b, k)),
    fc.constant(null),
  );
const arbCase = fc.array(arbAxis, { minLength: 0, maxLength: 3 }).chain((axes) =>
  fc.record({
    axes: fc.constant(axes),
    items: fc.tuple(...axes.map((a) => arbItem(a.n))),
    newaxes: fc.array(fc.integer({ min: 0, max: axes.length }), { maxLength: 2 }),
    ellipsis: fc.option(fc.integer({ min: 0, max: axes.length }), { nil: null }),
    keep: fc.integer({ min: 0, max: axes.length }),
  }),
);

describe("property", () => {
  propTest.prop([arbCase], { numRuns: 300 })(
    "getitem matches the reference indexer",
    async ({ axes, items, newaxes, ellipsis, keep }) => {
      const shape = axes.map((a) => a.n);
      const base = iota(shape, "float64");
      // `keep` axes indexed; an ellipsis stands for the others (else they are left off the end).
      const skipped = axes.length - keep;
      const sel: any[] =
        ellipsis === null
          ? items.slice(0, keep)
          : [
              ...items.slice(0, Math.min(ellipsis, keep)),
              "...",
              ...items.slice(Math.min(ellipsis, keep) + skipped),
            ];
      for (const p of newaxes) sel.splice(Math.min(p, sel.length), 0, newaxis);
      const x = fromArray(base, { chunks: axes.map((a) => a.chunks) });
      const y = getitem(x, sel);
      const expected = referenceGet(base, sel);
      expect(y.shape).toEqual(expected.shape);
      expect((await computeNaive(y)).toArray()).toEqual(expected.toArray());
    },
  );
});

describe("NDArray views stay views", () => {
  test("blocks of a big selection are views, small ones copies", async () => {
    const a = NDArray.from(new Float64Array(100), { shape: [10, 10] });
    const x = fromArray(a, { chunks: [10, 10] });
    const big = await computeNaive(getitem(x, [S(1, null)]));
    expect(big.shape).toEqual([9, 10]);
    const small = getitem(x, [S(null, null, 5)]);
    expect(small.shape).toEqual([2, 10]);
  });
});
