/**
 * #18 in the browser: damaged Zarr chunks read over HTTP are an error naming the chunk key (in the
 * page and on a WebPool), and an HDF5 file declaring shape (10**15,) refuses a graph it cannot hold
 * (in the page and in a Web Worker reading it lazily over HTTP). The files are made by
 * fixtures/io/make_damaged_fixtures.py.
 */
import * as ca from "@chunked/core";
import { WebPool } from "@chunked/executor-web";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { IoError } from "../src/errors.js";
import { openHdf5Dataset } from "../src/hdf5/browser.js";
import { openZarr } from "../src/zarr/browser.js";

declare const __FIXTURES_URL__: string;
const fixture = (name: string) => new URL(`${__FIXTURES_URL__}/${name}`, location.origin).href;

const DAMAGED = ["blosc_truncated", "blosc_tail_cut", "raw_wrong_size", "raw_partial_element"];

describe("a damaged Zarr chunk over HTTP is an error naming the chunk", () => {
  test.each(DAMAGED)("%s, in the page", async (path) => {
    const z = await openZarr(fixture("damaged.zarr"), { path });
    const err = await z.read([[0, 100, 1]]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IoError);
    expect(err).toMatchObject({ reason: "corrupt" });
    expect((err as Error).message).toMatch(/chunk "1" of Zarr/i);
    // The intact chunk still reads.
    expect(Array.from((await z.read([[0, 3, 1]])).data as Float64Array)).toEqual([0, 1, 2]);
    const sum = await ca
      .fromArray(z)
      .sum()
      .compute()
      .catch((e: unknown) => e);
    expect(ca.isChunkedError(sum)).toBe(true);
    expect((sum as Error).message).toMatch(/chunk "1" of Zarr/i);
  });

  describe("on a WebPool", () => {
    let pool: WebPool;
    beforeAll(() => {
      pool = new WebPool({ workers: 2 });
    });
    afterAll(() => pool.close());

    test.each(DAMAGED)(
      "%s: a TaskError naming the task and the chunk; the pool stays usable",
      async (path) => {
        const x = ca.fromArray(await openZarr(fixture("damaged.zarr"), { path }), { chunks: 50 });
        const err = await x
          .sum()
          .compute({ executor: pool })
          .catch((e: unknown) => e);
        expect(ca.isChunkedError(err, "TaskError")).toBe(true);
        // The read is fused into the reduction's first task (it sums several source blocks), so the
        // task is the sum's; the message names the damaged chunk.
        expect((err as ca.TaskError).key).toMatch(/^sum-/);
        expect((err as Error).message).toMatch(/chunk "1" of Zarr/i);
        const [first] = await ca.compute([x.at`:50`.sum()], { executor: pool });
        expect(first.item()).toBe(1225);
      },
    );
  });
});

describe("an HDF5 file declaring shape (10**15,) refuses the graph, never aborts", () => {
  test("in the page (the file's bytes)", async () => {
    const bytes = new Uint8Array(await (await fetch(fixture("huge_shape.h5"))).arrayBuffer());
    const ds = await openHdf5Dataset(bytes, "/x");
    expect(ds.shape).toEqual([1e15]);
    expect(() => ca.fromArray(ds)).toThrow(/Too many blocks.*Use larger chunks/s);
    const x = ca.fromArray(ds, { chunks: 1e10 });
    expect(x.numblocks).toEqual([100_000]);
    expect(Array.from((await x.at`:3`.compute()).data as Float64Array)).toEqual([0, 0, 0]);
  });

  test("in a Web Worker, read lazily over HTTP", async () => {
    const worker = new Worker(new URL("./huge-worker.ts", import.meta.url), { type: "module" });
    const result = await new Promise<{ error: string; code: string; first: number[] }>((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => reject(new Error(e.message));
      worker.postMessage(fixture("huge_shape.h5"));
    });
    worker.terminate();
    expect(result.code).toBe("InvalidChunksError");
    expect(result.error).toMatch(/Too many blocks/);
    expect(result.first).toEqual([0, 0, 0]);
  });
});
