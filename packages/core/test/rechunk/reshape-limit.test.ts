import { describe, expect, it } from "vitest";
import { ones } from "@chunked/core";
import { ravel, reshape } from "@chunked/core";
import { isChunkedError } from "@chunked/core";
import { assertClose } from "@chunked/core/testing";
import { chunked, evaluate, iota } from "../joining/helpers.js";

const MiB = 2 ** 20;

describe("reshape: bounded blocks", () => {
  it("ravel of 20000x20000 float64 splits rows instead of making 160 MB blocks", () => {
    const x = ones([20_000, 20_000], { chunks: [1000, 1000] });
    const y = ravel(x);
    const largest = Math.max(...y.chunks[0]);
    expect(8 * largest).toBeLessThanOrEqual(128 * MiB);
    expect(largest % 20_000).toBe(0);
    expect(y.chunks[0].reduce((s, v) => s + v, 0)).toBe(20_000 * 20_000);
  });

  it("a larger limit keeps whole blocks of rows", () => {
    const x = ones([20_000, 20_000], { chunks: [1000, 1000] });
    expect(ravel(x, { limit: 256 * MiB }).chunks[0]).toEqual(new Array(20).fill(1000 * 20_000));
  });

  it("refuses at build time when one output row alone exceeds the limit", () => {
    const x = ones([10, 30_000_000], { chunks: [1, 1_000_000] });
    let err: unknown;
    try {
      ravel(x);
    } catch (e) {
      err = e;
    }
    expect(isChunkedError(err, "InvalidChunksError")).toBe(true);
    expect((err as Error).message).toContain("limit=134217728");
    expect((err as Error).message).toContain("[1, 1000000]");
  });

  it("merging axes does not grow blocks past the limit, and keeps the values", async () => {
    const a = iota([6, 4, 10]);
    // Largest input block: 6 * 2 * 10 = 120 elements; merging axis 1 whole would double it.
    const x = chunked(a, [[6], [2, 2], [10]]);
    const y = reshape(x, [24, 10], { limit: 8 * 40 });
    expect(Math.max(...y.chunks[0]) * Math.max(...y.chunks[1])).toBeLessThanOrEqual(120);
    assertClose(await evaluate(y), a.reshape([24, 10]), { rtol: 0, atol: 0 });
  });
});
