import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ca from "@chunked/core";
import { afterAll, describe, expect, test } from "vitest";
import { fromHdf5, toHdf5 } from "../src/hdf5/index.js";
import { fromZarr, toZarr } from "../src/zarr/index.js";

const dir = mkdtempSync(join(tmpdir(), "chunked-io-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("dask-style one-liners", () => {
  const x = ca.random.normal(5, 2, [37, 23], { chunks: [10, 7], seed: 3 });

  test("toHdf5 then fromHdf5 round-trips, and reductions over the file match memory", async () => {
    const path = join(dir, "x.h5");
    await toHdf5(path, { "/x": x, "/m": x.mean({ axis: 0 }) });
    expect(existsSync(path)).toBe(true);
    expect(existsSync(`${path}.partial`)).toBe(false);
    const y = await fromHdf5(path, "/x", { chunks: [8, 8] });
    expect(y.shape).toEqual([37, 23]);
    const [a, b] = await ca.compute([y.sum(), x.sum()]);
    expect(a.item()).toBeCloseTo(b.item() as number, 10);
    const half = await y.at`::2, 1::3`.compute();
    const want = await x.at`::2, 1::3`.compute();
    expect(Array.from(half.data as ArrayLike<number>)).toEqual(Array.from(want.data));
    const m = await (await fromHdf5(path, "/m")).compute();
    expect(Array.from(m.data as ArrayLike<number>)).toEqual(
      Array.from((await x.mean({ axis: 0 }).compute()).data),
    );
  });

  test("toZarr then fromZarr round-trips; irregular chunks are regularised", async () => {
    const path = join(dir, "x.zarr");
    const irregular = x.rechunk([[5, 20, 12], [23]]);
    await toZarr(irregular, path, { overwrite: true });
    const z = await fromZarr(path);
    expect(z.dtype).toBe("float64");
    const [got, want] = await ca.compute([z, x]);
    expect(Array.from(got.data as ArrayLike<number>)).toEqual(Array.from(want.data));
    await toZarr(x.at`::2, ::2`, path, { overwrite: true, zarrFormat: 2, compressor: "zstd" });
    const z2 = await fromZarr(path);
    expect(z2.shape).toEqual([19, 12]);
  });

  test("a failing computation leaves no complete-looking file", async () => {
    const path = join(dir, "bad.h5");
    const bad = ca.fromArray(
      {
        shape: [10],
        dtype: "float64",
        read() {
          throw new Error("boom");
        },
      },
      { chunks: 5 },
    );
    await expect(toHdf5(path, { "/x": bad })).rejects.toThrow(/boom/);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}.partial`)).toBe(false);
  });
});
