import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import type { ChunkedArray } from "@chunked/core";
import { fromArray } from "@chunked/core";
import * as L from "@chunked/core";
import type { DType } from "@chunked/core";
import type { ElementwiseOp } from "@chunked/core";
import { isChunkedError } from "@chunked/core";
import type { ElementwiseParams } from "../../src/kernels/expr.js";
import { NDArray } from "@chunked/core";
import { nd as E } from "@chunked/core";
import { assertClose } from "@chunked/core/testing";
import { arbChunksFor, arbNDArray, arbShape } from "@chunked/core/testing/arbitraries";
import { arr, evaluate, values } from "./helpers.js";

const iota = (shape: number[], dtype: DType = "float64") => {
  const n = shape.reduce((a, b) => a * b, 1);
  return arr(
    Array.from({ length: n }, (_, i) => i),
    dtype,
    shape,
  );
};

describe("lazy graph building", () => {
  it("one elementwise.expr task per block, dtype known before compute", async () => {
    const x = fromArray(iota([4, 6], "int8"), { chunks: [2, 3] });
    const y = L.add(x, 1.5);
    expect(y.dtype).toBe("float64");
    expect(y.chunks).toEqual([
      [2, 2],
      [3, 3],
    ]);
    expect(y.name).toMatch(/^add-[0-9a-f]{12}$/);
    const layer = y.layers.get(y.name)!;
    expect(layer.tasks).toHaveLength(4);
    expect(layer.dependencies).toEqual([x.name]);
    const t = layer.tasks.find((task) => task.key === `${y.name}/1,0`)!;
    expect(t.op).toBe("elementwise.expr");
    expect(t.deps).toEqual([x.key([1, 0])]);
    expect(t.params).toEqual({
      expr: { op: "add", args: [{ in: 0 }, { const: 1.5, dtype: "float64" }], dtype: "float64" },
      dtype: "float64",
      shape: [2, 3],
    } satisfies ElementwiseParams);
    expect(values(await evaluate(y))).toEqual(values(E.add(iota([4, 6], "int8"), 1.5)));
  });

  it("equal expressions share names; different ones do not", () => {
    const x = fromArray(iota([6]), { chunks: 2 });
    expect(L.add(x, 1).name).toBe(L.add(x, 1).name);
    expect(L.add(x, 1).name).not.toBe(L.add(x, 2).name);
    expect(L.add(x, 1).name).not.toBe(L.subtract(x, 1).name);
    expect(L.floorDivide(x, 2).name).toMatch(/^floor_divide-/);
    expect(L.add(x, -0).name).not.toBe(L.add(x, 0).name);
  });

  it("the same array twice is one input", async () => {
    const x = fromArray(iota([5]), { chunks: 2 });
    const y = L.multiply(x, x);
    const t = y.layers.get(y.name)!.tasks[0];
    expect(t.deps).toEqual([x.key([0])]);
    expect((t.params as any).expr.args).toEqual([{ in: 0 }, { in: 0 }]);
    expect(values(await evaluate(y))).toEqual([0, 1, 4, 9, 16]);
  });

  it("broadcasts at the block level: prepended axes and length-1 axes map to block 0", async () => {
    const x = fromArray(iota([4, 6]), { chunks: [2, 3] });
    const row = fromArray(iota([6]), { chunks: 3 });
    const col = fromArray(iota([4, 1]), { chunks: [2, 1] });
    const y = L.add(L.multiply(x, row), col);
    expect(y.chunks).toEqual([
      [2, 2],
      [3, 3],
    ]);
    const t = y.layers.get(y.name)!.tasks.find((task) => task.key.endsWith("/1,1"))!;
    expect(t.deps[1]).toBe(col.key([1, 0]));
    const expected = E.add(E.multiply(iota([4, 6]), iota([6])), iota([4, 1]));
    assertClose(await evaluate(y), expected);
  });

  it("unifies different chunkings with rechunk (dask's common_blockdim)", async () => {
    const a = fromArray(iota([7]), { chunks: [[5, 2]] });
    const b = fromArray(iota([7]), { chunks: [[4, 3]] });
    const y = L.add(a, b);
    expect(y.chunks).toEqual([[4, 1, 2]]);
    expect(values(await evaluate(y))).toEqual(values(E.multiply(iota([7]), 2)));
    // Aligned chunks need no rechunk layer.
    const c = fromArray(iota([7]), { chunks: [[5, 2]] });
    expect([...L.add(a, c).layers.keys()].some((k) => k.startsWith("rechunk"))).toBe(false);
  });

  it("NDArray operands become literal blocks chunked like the result; size-1 arrays become constants", async () => {
    const x = fromArray(iota([4, 6]), { chunks: [2, 3] });
    const nd = iota([4, 6]);
    const y = L.subtract(x, nd);
    expect(y.chunks).toEqual(x.chunks);
    const lit = [...y.layers.values()].find((l) => l.tasks[0]?.op === "core.literal" && l.name !== x.name)!;
    expect(lit.tasks).toHaveLength(4);
    expect(values(await evaluate(y))).toEqual(new Array(24).fill(0));

    const z = L.multiply(x, NDArray.from([2], { dtype: "float32" }));
    const task = z.layers.get(z.name)!.tasks[0];
    expect(task.deps).toEqual([x.key([0, 0])]);
    expect((task.params as any).expr.args[1]).toEqual({ const: 2, dtype: "float32" });
    expect(z.dtype).toBe("float64");

    // A strong 0-d int16 array against int8 promotes (unlike a weak JS number).
    expect(
      L.add(fromArray(iota([3], "int8"), { chunks: 2 }), NDArray.from(1, { dtype: "int16" })).dtype,
    ).toBe("int16");
    expect(L.add(fromArray(iota([3], "int8"), { chunks: 2 }), 1).dtype).toBe("int8");
  });

  it("NDArray or scalar operands alone still give a chunked array", async () => {
    const y = L.add(iota([2, 3]), 1);
    expect(y.chunks).toEqual([[2], [3]]);
    expect(values(await evaluate(y))).toEqual([1, 2, 3, 4, 5, 6]);
    const s = L.add(2, 3.5);
    expect(s.shape).toEqual([]);
    expect((await evaluate(s)).toArray()).toBe(5.5);
  });

  it("where, clip and astype", async () => {
    const x = fromArray(arr([-2, -1, 0, 1, 2, 300.5], "float64"), { chunks: 4 });
    assertClose(await evaluate(L.where(L.greater(x, 0), x, 0)), arr([0, 0, 0, 1, 2, 300.5]));
    assertClose(await evaluate(L.clip(x, -1, 1)), arr([-1, -1, 0, 1, 1, 1]));
    assertClose(await evaluate(L.clip(x, null, 0)), arr([-2, -1, 0, 0, 0, 0]));
    const i = L.astype(x, "int8");
    expect(i.dtype).toBe("int8");
    expect(values(await evaluate(i))).toEqual([-2, -1, 0, 1, 2, 44]);
    expect(L.astype(x, "float64")).toBe(x);
  });

  it("a chain of lazy ops fuses into one elementwise.expr task per block", async () => {
    const { optimize } = await import("../../src/optimize/optimize.js");
    const x = fromArray(iota([8]), { chunks: 2 });
    const y = L.sqrt(L.abs(L.subtract(L.multiply(x, 1.5), 2)));
    const fused = optimize(y.graph(), y.keys());
    const tasks = [...fused.values()].filter((t) => t.op === "elementwise.expr");
    expect(tasks).toHaveLength(4);
    for (const t of tasks) expect(t.deps).toHaveLength(1);
    expect(tasks.every((t) => t.deps[0].startsWith(x.name))).toBe(true);
    const expected = E.sqrt(E.abs(E.subtract(E.multiply(iota([8]), 1.5), 2)));
    assertClose(await evaluate(y), expected, { rtol: 0, atol: 0 });
  });

  it("throws at build time: dtypes, overflowing scalars, broadcasting, negative int exponents", () => {
    const b = fromArray(arr([1, 0], "bool"), { chunks: 1 });
    const u = fromArray(arr([1, 2], "uint8"), { chunks: 1 });
    const expectCode = (
      fn: () => unknown,
      code: "DTypeError" | "InvalidArgumentError" | "BroadcastError",
    ) => {
      let err: unknown;
      try {
        fn();
      } catch (e) {
        err = e;
      }
      expect(isChunkedError(err, code), String(err)).toBe(true);
    };
    expectCode(() => L.subtract(b, b), "DTypeError");
    expectCode(() => L.negative(b), "DTypeError");
    expectCode(() => L.add(u, 300), "InvalidArgumentError");
    expectCode(() => L.power(u, -1), "InvalidArgumentError");
    expectCode(
      () => L.add(fromArray(iota([3, 4]), { chunks: 2 }), fromArray(iota([5]), { chunks: 2 })),
      "BroadcastError",
    );
    expect(() => L.add(fromArray(iota([3, 4]), { chunks: 2 }), iota([5]))).toThrow(
      "operands could not be broadcast together with shapes (3,4) (5,)",
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Chunk invariance: lazy results over random chunkings equal the eager NDArray result.

const BINARY: ElementwiseOp[] = [
  "add",
  "subtract",
  "multiply",
  "divide",
  "floorDivide",
  "mod",
  "maximum",
  "minimum",
  "less",
  "equal",
  "logicalXor",
  "arctan2",
];
const DTYPES: DType[] = ["bool", "int8", "uint8", "int16", "int32", "uint32", "float32", "float64"];

/** A shape that broadcasts against `shape`: some leading axes dropped, some axes set to 1. */
function arbBroadcastable(shape: number[]) {
  return fc
    .tuple(
      fc.integer({ min: 0, max: shape.length }),
      fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
    )
    .map(([drop, ones]) => shape.slice(drop).map((n, i) => (ones[i + drop] ? 1 : n)));
}

const arbCase = arbShape({ maxNdim: 3, maxDim: 6 }).chain((shape) =>
  fc.record({
    op: fc.constantFrom(...BINARY),
    x: fc.constantFrom(...DTYPES).chain((d) => arbNDArray(shape, d, { nan: true, infinity: true })),
    y: fc
      .tuple(arbBroadcastable(shape), fc.constantFrom(...DTYPES))
      .chain(([s, d]) => arbNDArray(s, d, { nan: true })),
    xChunks: arbChunksFor(shape),
    yChunkSeed: fc.integer({ min: 0, max: 1000 }),
    yKind: fc.constantFrom("chunked", "ndarray", "scalar"),
    scalar: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ min: -5, max: 5, noNaN: true })),
  }),
);

/** Deterministic chunks for a shape from a seed (so y's chunks differ from x's). */
function chunksFromSeed(shape: readonly number[], seed: number): number[][] {
  return shape.map((n, ax) => {
    const size = 1 + ((seed >> ax) % Math.max(1, n));
    const out: number[] = [];
    for (let left = n; left > 0; left -= size) out.push(Math.min(size, left));
    return out.length ? out : [n];
  });
}

function attempt<T>(fn: () => T): { value?: T; error?: unknown } {
  try {
    return { value: fn() };
  } catch (error) {
    return { error };
  }
}

describe("chunk invariance (property)", () => {
  test.prop([arbCase], { numRuns: 150 })("lazy over any chunking equals eager", async (c) => {
    const yOperand = c.yKind === "scalar" ? c.scalar : c.y;
    const eager = attempt(() => E.elementwiseOp(c.op, [c.x, yOperand]));
    const x = fromArray(c.x, { chunks: c.xChunks });
    const yLazy =
      c.yKind === "chunked" ? fromArray(c.y, { chunks: chunksFromSeed(c.y.shape, c.yChunkSeed) }) : yOperand;
    const lazy = attempt(() => L.elementwiseOp(c.op, [x, yLazy]));
    if (eager.error) {
      expect(lazy.error, `eager threw ${String(eager.error)}`).toBeDefined();
      expect((lazy.error as Error).name).toBe((eager.error as Error).name);
      return;
    }
    expect(lazy.error).toBeUndefined();
    const z = lazy.value as ChunkedArray;
    expect(z.dtype).toBe(eager.value!.dtype);
    expect(z.shape).toEqual(eager.value!.shape);
    assertClose(await evaluate(z), eager.value!, { rtol: 0, atol: 0 });
  });

  test.prop(
    [
      arbShape({ minNdim: 1, maxNdim: 2, maxDim: 6 }).chain((shape) =>
        fc.record({ x: arbNDArray(shape, "float32", { nan: true }), chunks: arbChunksFor(shape) }),
      ),
    ],
    { numRuns: 50 },
  )("a chain of ops over float32 equals the eager chain", async ({ x, chunks }) => {
    const lazy = L.sqrt(L.abs(L.subtract(L.multiply(fromArray(x, { chunks }), 0.1), 3)));
    const eager = E.sqrt(E.abs(E.subtract(E.multiply(x, 0.1), 3)));
    expect(lazy.dtype).toBe("float32");
    assertClose(await evaluate(lazy), eager, { rtol: 0, atol: 0 });
  });
});
