/** Bad options and huge shapes fail at once with a ChunkedError; a compute always settles. */
import { describe, expect, test } from "vitest";
import * as ca from "@chunked/core";
import type { NDArray } from "@chunked/core";

const x = ca.arange(10, { chunks: 5 });

/** What `make` throws (undefined when it returns). */
function thrown(make: () => unknown): unknown {
  try {
    make();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** A source whose reads never settle. */
const stuck = {
  shape: [10],
  dtype: "float64" as const,
  read: () => new Promise<NDArray<"float64">>(() => {}),
};

describe("compute options are validated up front", () => {
  test.each([
    ["maxInFlight", { maxInFlight: Number.NaN }],
    ["maxInFlight", { maxInFlight: "x" }],
    ["maxInFlight", { maxInFlight: 0 }],
    ["executor", { executor: {} }],
    ["executor", { executor: { run: () => undefined, concurrency: Number.NaN } }],
    ["onProgress", { onProgress: "x" }],
    ["signal", { signal: "x" }],
    ["optimize", { optimize: "no" }],
    ["timeout", { timeout: -1 }],
    ["timeout", { timeout: { task: "1s" } }],
  ])("%s %o", async (name, options) => {
    await expect(x.sum().compute(options as ca.ComputeOptions)).rejects.toMatchObject({
      code: "InvalidArgumentError",
      message: expect.stringContaining(`Invalid compute option ${name}. Got ${name}=`),
    });
  });
});

describe("timeouts", () => {
  test("a task that never settles fails with a TaskError naming it (task timeout)", async () => {
    const y = ca.fromArray(stuck, { chunks: 5 });
    const err = await y
      .sum()
      .compute({ timeout: { task: 50 } })
      .catch((e: unknown) => e);
    expect(ca.isChunkedError(err, "TaskError")).toBe(true);
    expect((err as ca.TaskError).key).toMatch(/^array-/);
    expect((err as Error).message).toContain("timed out: the task ran longer than its timeout of 50 ms");
  });

  test("the whole compute (a number)", async () => {
    const y = ca.fromArray(stuck, { chunks: 5 });
    const started = performance.now();
    const err = await y
      .sum()
      .compute({ timeout: 80 })
      .catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(ca.isChunkedError(err, "TaskError")).toBe(true);
    expect((err as Error).message).toContain("the compute ran longer than its timeout of 80 ms");
  });

  test("a compute that finishes in time is unaffected", async () => {
    expect((await x.sum().compute({ timeout: { task: 10_000, total: 10_000 } })).item()).toBe(45);
  });
});

describe("huge shapes never abort the process", () => {
  test.each([
    ["zeros([1e12], {chunks: 1000})", () => ca.zeros([1e12], { chunks: 1000 })],
    ["zeros([2 ** 53])", () => ca.zeros([2 ** 53])],
    ["zeros([2 ** 52])", () => ca.zeros([2 ** 52])],
    ["arange(1e300)", () => ca.arange(1e300)],
    ["eye(4, {M: 1e300})", () => ca.eye(4, { M: 1e300 })],
    ["ones([1e5, 1e5], {chunks: 10})", () => ca.ones([1e5, 1e5], { chunks: 10 })],
    ["random.random([1e13])", () => ca.random.random([1e13], { chunks: 1000 })],
    ["fromArray(source of 1e15)", () => ca.fromArray({ ...stuck, shape: [1e15], chunks: [10] })],
    ["rechunk to tiny blocks", () => ca.zeros([1e7], { chunks: 1e6 }).rechunk(1)],
  ])("%s is a ChunkedError before any compute", (_, make) => {
    expect(ca.isChunkedError(thrown(make))).toBe(true);
  });

  test("the message names the chunks and suggests larger ones", () => {
    expect(() => ca.zeros([1e12], { chunks: 1000 })).toThrow(
      /Too many blocks: chunks=1000 over shape=\[1000000000000\] make 1\.00e\+9 blocks, more than the limit of 1000000 .*Use larger chunks, e\.g\. chunks=\[1000000\]/,
    );
  });
});

describe("chunk specs", () => {
  test.each([
    [[[Number.NaN]]],
    [[[5.5, 4.5]]],
    [[[Number.POSITIVE_INFINITY]]],
    [[[4, 4]]],
    [Number.NaN],
    [2.5],
    ["lots"],
    [[Number.NaN]],
  ])("%o is refused", (chunks) => {
    expect(() => ca.fromArray(new Float64Array(10), { chunks: chunks as ca.ChunkSpec })).toThrow(
      expect.objectContaining({ code: "InvalidChunksError" }),
    );
  });

  test('a byte size ("10 MB") means auto chunks of at most that size; bad ones list the accepted forms', () => {
    const y = ca.zeros([10_000_000], { chunks: "10 MB" });
    expect(y.chunksize[0] * 8).toBeLessThanOrEqual(10e6);
    expect(y.chunksize[0] * 8).toBeGreaterThan(5e6);
    expect(ca.zeros([100, 100], { chunks: "8 kiB" }).chunksize).toEqual([32, 32]);
    expect(() => ca.zeros([10], { chunks: "ten MB" as ca.ChunkSpec })).toThrow(
      /Unrecognised chunk spec\. Got chunks="ten MB", expected a positive integer \(all axes\), "auto", a byte size such as "10 MB"/,
    );
  });
});

describe("creation arguments", () => {
  test.each([
    ["zeros(null)", () => ca.zeros(null as never)],
    ["zeros('5')", () => ca.zeros("5" as never)],
    ["ones(undefined)", () => ca.ones(undefined as never)],
    ["eye(NaN)", () => ca.eye(Number.NaN)],
    ["linspace(0, 1, 'x')", () => ca.linspace(0, 1, "x" as never)],
    ["linspace(0, 1, 5, {num: 6})", () => ca.linspace(0, 1, 5, { num: 6 })],
  ])("%s is a ChunkedError", (_, make) => {
    expect(ca.isChunkedError(thrown(make))).toBe(true);
  });

  test("linspace(0, 1, 5) has NumPy's signature: 5 samples", async () => {
    expect(Array.from((await ca.linspace(0, 1, 5).compute()).data)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(ca.linspace(0, 1, 1000, { chunks: 100 }).numblocks).toEqual([10]);
    expect(ca.linspace(0, 1).shape).toEqual([50]);
  });
});

describe("no silent garbage where NumPy raises", () => {
  test.each([
    [
      'fromArray([1, "a", 3])',
      () => ca.fromArray([1, "a", 3] as never),
      "DTypeError",
      'could not convert "a" to float64 at index [1]',
    ],
    ["fromArray([[1], [null]])", () => ca.fromArray([[1], [null]] as never), "DTypeError", "at index [1, 0]"],
    [
      'fromArray([300], {dtype: "int8"})',
      () => ca.fromArray([300], { dtype: "int8" }),
      "InvalidArgumentError",
      "Python integer 300 out of bounds for int8",
    ],
    [
      'fromArray([NaN], {dtype: "int16"})',
      () => ca.fromArray([Number.NaN], { dtype: "int16" }),
      "InvalidArgumentError",
      "cannot convert float nan to integer",
    ],
    [
      "random.integers(0, 1e10)",
      () => ca.random.integers(0, 1e10, 5),
      "InvalidArgumentError",
      "high is out of bounds for int32",
    ],
    [
      'random.integers(0, 300, {dtype: "int8"})',
      () => ca.random.integers(0, 300, 5, { dtype: "int8" }),
      "InvalidArgumentError",
      "high is out of bounds for int8",
    ],
    [
      'random.integers(-1, 5, {dtype: "uint8"})',
      () => ca.random.integers(-1, 5, 5, { dtype: "uint8" }),
      "InvalidArgumentError",
      "low is out of bounds for uint8",
    ],
    [
      'random.integers(0, 5, {dtype: "float32"})',
      () => ca.random.integers(0, 5, 5, { dtype: "float32" }),
      "DTypeError",
      'Unsupported dtype "float32" for integers',
    ],
    [
      "random.random(null)",
      () => ca.random.random(null as never),
      "InvalidArgumentError",
      "Shape must be an integer or a list",
    ],
    ['astype("float16")', () => x.astype("float16" as never), "DTypeError", "unknown dtype"],
    ["reshape(null)", () => x.reshape(null as never), "InvalidArgumentError", "reshape needs a shape"],
    ["sum(null)", () => ca.sum(null as never), "InvalidArgumentError", "sum needs a ChunkedArray"],
    ['mean("a")', () => x.mean("a" as never), "InvalidArgumentError", "expected an axis"],
  ])("%s", (_, make, code, text) => {
    const err = thrown(make);
    expect(err).toMatchObject({ code });
    expect((err as Error).message).toContain(text);
  });

  test("random.integers values stay in [low, high) at the edges of the dtype", async () => {
    const a = await ca.random.integers(-128, 128, 2000, { dtype: "int8", seed: 1, chunks: 300 }).compute();
    expect(Math.min(...a.data)).toBe(-128);
    expect(Math.max(...a.data)).toBe(127);
    const b = await ca.random.integers(0, 2 ** 31, 1000, { seed: 2 }).compute();
    expect(Math.min(...b.data)).toBeGreaterThanOrEqual(0);
  });

  test("a positional axis means that axis, for every reduction (x.mean(0) is NumPy's)", async () => {
    const a = ca.fromArray(
      Float64Array.from({ length: 12 }, (_, i) => i),
      { shape: [3, 4], chunks: [2, 3] },
    );
    expect(Array.from((await a.mean(0).compute()).data)).toEqual([4, 5, 6, 7]);
    expect(Array.from((await a.sum(-1).compute()).data)).toEqual([6, 22, 38]);
    expect(Array.from((await a.max([0, 1]).compute()).data)).toEqual([11]);
    expect(Array.from((await a.argmax(1).compute()).data)).toEqual([3n, 3n, 3n]);
    expect(Array.from((await ca.nanmean(a, 1).compute()).data)).toEqual([1.5, 5.5, 9.5]);
    expect((await a.sum(null).compute()).item()).toBe(66);
  });

  test("eager reductions and the scans take the axis positionally too (nd.sum(a, 0), x.cumsum(1))", async () => {
    const data = Float64Array.from({ length: 12 }, (_, i) => i);
    const eager = ca.NDArray.from(data, { shape: [3, 4] });
    expect(Array.from(ca.nd.sum(eager, 0).data)).toEqual([12, 15, 18, 21]);
    expect(Array.from(ca.nd.mean(eager, -1).data)).toEqual([1.5, 5.5, 9.5]);
    expect(Array.from(ca.nd.argmin(eager, 1).data)).toEqual([0n, 0n, 0n]);
    expect(ca.nd.sum(eager, null).item()).toBe(66);
    const a = ca.fromArray(data, { shape: [3, 4], chunks: [2, 3] });
    const rows = await a.cumsum(1).compute();
    expect(rows.shape).toEqual([3, 4]);
    expect(Array.from(rows.data)).toEqual([0, 1, 3, 6, 4, 9, 15, 22, 8, 17, 27, 38]);
    expect(Array.from((await ca.cumprod(a, 0).compute()).data.slice(8))).toEqual([0, 45, 120, 231]);
    expect((await a.cumsum(null).compute()).shape).toEqual([12]);
    expect(thrown(() => a.cumsum([0] as never))).toMatchObject({ code: "InvalidArgumentError" });
  });

  test("functions with an axis take it positionally, as NumPy does, and mean the same", async () => {
    const a = ca.fromArray(
      Float64Array.from({ length: 12 }, (_, i) => (i * 7) % 12),
      { shape: [3, 4], chunks: [2, 3] },
    );
    const same = async (positional: ca.ChunkedArray, named: ca.ChunkedArray) => {
      const [p, n] = await ca.compute([positional, named]);
      expect(p.shape).toEqual(n.shape);
      expect(p.data).toEqual(n.data);
    };
    await same(ca.concatenate([a, a], 1), ca.concatenate([a, a], { axis: 1 }));
    await same(ca.concatenate([a, a], null), ca.concatenate([a, a], { axis: null }));
    await same(ca.stack([a, a], 1), ca.stack([a, a], { axis: 1 }));
    await same(ca.squeeze(a.reshape([3, 1, 4]), 1), ca.squeeze(a.reshape([3, 1, 4]), { axis: 1 }));
    await same(ca.expandDims(a, 1), ca.expandDims(a, { axis: 1 }));
    await same(ca.flip(a, 0), ca.flip(a, { axis: 0 }));
    await same(ca.roll(a, 1, 0), ca.roll(a, 1, { axis: 0 }));
    await same(ca.repeat(a, 2, 1), ca.repeat(a, 2, { axis: 1 }));
    await same(ca.take(a, [0, 2], 1), ca.take(a, [0, 2], { axis: 1 }));
    await same(ca.compress([true, false, true], a, 0), ca.compress([true, false, true], a, { axis: 0 }));
    await same(a.sort(0), a.sort({ axis: 0 }));
    await same(ca.argsort(a, 0), ca.argsort(a, { axis: 0 }));
    await same(a.topk(2, 0), a.topk(2, { axis: 0 }));
    await same(ca.median(a, 0), ca.median(a, { axis: 0 }));
    await same(ca.percentile(a, [25, 75], 1), ca.percentile(a, [25, 75], { axis: 1 }));
    expect(ca.concatenate([a, a], 1).shape).toEqual([3, 8]);
    expect(ca.median(a, 0).shape).toEqual([4]);
  });

  test.each([
    ["diff", () => ca.diff(x, 1 as never)],
    ["unique", () => ca.unique(x, true as never)],
    ["searchsorted", () => ca.searchsorted(x, ca.NDArray.from([1]), "right" as never)],
    ["histogram", () => ca.histogram(x, 10 as never)],
  ])("%s, whose next NumPy argument is not an axis, refuses a positional one", (fn, make) => {
    expect((thrown(make) as Error).message).toContain(`${fn}: options must be an object`);
  });

  // NumPy takes the dtype positionally (np.array(v, "int32")); an ignored string would give float64.
  test.each([
    ["NDArray.from", () => ca.NDArray.from([1, 2], "int32" as never)],
    ["fromArray", () => ca.fromArray([1, 2], "int32" as never)],
    ["zeros", () => ca.zeros([2], "int32" as never)],
    ["ones", () => ca.ones([2], "int32" as never)],
    ["empty", () => ca.empty([2], "int32" as never)],
    ["full", () => ca.full([2], 1, "int32" as never)],
    ["zerosLike", () => ca.zerosLike(x, "int32" as never)],
    ["eye", () => ca.eye(2, "int32" as never)],
    ["random.normal", () => ca.random.normal(0, 1, [2], "float32" as never)],
    ["nd.random.normal", () => ca.nd.random.normal(0, 1, [2], "float32" as never)],
  ])("%s(..., 'int32') throws, naming options", (fn, make) => {
    const err = thrown(make);
    expect(err).toMatchObject({ code: "InvalidArgumentError" });
    expect((err as Error).message).toMatch(
      new RegExp(`^${fn.replace(".", "\\.")}: options must be an object.*Pass the dtype as an option`),
    );
  });

  test.each([
    ["NDArray.from", () => ca.NDArray.from([1, 2], { dtype: "int33" as never })],
    ["NDArray.from", () => ca.NDArray.from(new Float64Array(2), { dtype: "float16" as never })],
  ])("%s with an unknown dtype is a DTypeError", (fn, make) => {
    const err = thrown(make);
    expect(err).toMatchObject({ code: "DTypeError" });
    expect((err as Error).message).toContain(`${fn}: unknown dtype. Got dtype=`);
  });
});
