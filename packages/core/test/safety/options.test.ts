/** Bad options and huge shapes fail at once with a ChunkedError; a compute always settles. */
import { describe, expect, test } from "vitest";
import * as ca from "../../src/index.js";
import type { NDArray } from "../../src/ndarray/ndarray.js";

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
