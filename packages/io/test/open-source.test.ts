import path from "node:path";
import { Worker } from "node:worker_threads";
import { NDArray } from "@chunked/core/internal";
import { afterAll, describe, expect, test } from "vitest";
import { clearSourceCache, openSource } from "../src/index.js";
import { createHdf5Dataset, openHdf5Dataset } from "../src/hdf5/index.js";
import type { Region, SourceDescriptor } from "../src/types.js";
import { createZarr, openZarr } from "../src/zarr/index.js";
import { blockRegions, decode, expectSame, FIXTURES, manifest, sample, select, tempDir } from "./helpers.js";

const tmp = tempDir();
afterAll(tmp.cleanup);

describe("openSource", () => {
  test("rebuilds HDF5 and Zarr sources from their descriptors, cached per thread", async () => {
    const x = await openHdf5Dataset(path.join(FIXTURES, "h5py_basic.h5"), "/chunked_i16");
    const y = await openSource(structuredClone(x.descriptor!));
    expect([y.shape, y.dtype, y.chunks, y.token]).toEqual([x.shape, x.dtype, x.chunks, x.token]);
    expect(await openSource(x.descriptor!)).toBe(y);
    expectSame(
      await y.read([
        [2, 9, 2],
        [0, 13, 4],
      ]),
      x.read([
        [2, 9, 2],
        [0, 13, 4],
      ]),
    );
    x.file.close();

    const z = await openZarr(path.join(FIXTURES, "zarr_v2.zarr"), { path: "i16_zstd" });
    const w = await openSource(structuredClone(z.descriptor!));
    expect(w.token).toBe(z.token);
    expectSame(
      await w.read([
        [0, 12, 5],
        [1, 9, 1],
      ]),
      await z.read([
        [0, 12, 5],
        [1, 9, 1],
      ]),
    );
    clearSourceCache();
    expect(await openSource(z.descriptor!)).not.toBe(w);
  });

  test("a missing file fails, and is not cached", async () => {
    const d: SourceDescriptor = { kind: "hdf5", path: path.join(tmp.dir, "later.h5"), dataset: "/x" };
    await expect(openSource(d)).rejects.toMatchObject({ reason: "not-found" });
    const t = await createHdf5Dataset(path.join(tmp.dir, "later.h5"), "/x", { shape: [3], dtype: "int8" });
    await t.write([[0, 3, 1]], NDArray.from([1, 2, 3], { dtype: "int8" }));
    await t.finish();
    expect(Array.from((await (await openSource(d)).read([[0, 3, 1]])).data as ArrayLike<number>)).toEqual([
      1, 2, 3,
    ]);
  });
});

interface Job {
  descriptor: SourceDescriptor;
  regions: Region[];
}
interface JobResult {
  blocks: NDArray[];
  cached: boolean;
  token: string;
}

function runWorker(jobs: Job[]): Promise<JobResult[]> {
  return new Promise((resolve, reject) => {
    // worker_threads ignore `--import tsx` on Node 20, so a .mjs bootstrap registers tsx first.
    const worker = new Worker(new URL("./workers/bootstrap.mjs", import.meta.url), {
      workerData: { module: new URL("./workers/read-worker.ts", import.meta.url).href },
      // Workspace packages resolve to their sources under the "source" export condition.
      execArgv: [...process.execArgv, "--conditions=source"],
    });
    worker.once("message", (msg) => {
      void worker.terminate();
      if (msg.error) reject(new Error(msg.error));
      else
        resolve(
          msg.results.map((r: JobResult) => ({ ...r, blocks: r.blocks.map((b) => NDArray.revive(b)) })),
        );
    });
    worker.once("error", reject);
    worker.postMessage(jobs);
  });
}

describe("parallel reads in worker threads, each with its own handle", () => {
  test("HDF5 (direct reads) and Zarr, two workers", async () => {
    const shape = [64, 50];
    const data = sample("float32", shape, 4);
    const h5 = path.join(tmp.dir, "par.h5");
    const t = await createHdf5Dataset(h5, "/x", { shape, dtype: "float32", chunks: [8, 50] });
    for (const r of blockRegions(shape, [8, 50])) await t.write(r, select(data, r));
    await t.finish();
    const zs = path.join(tmp.dir, "par.zarr");
    const zt = await createZarr(zs, { shape, dtype: "float32", chunks: [8, 25] });
    await Promise.all(blockRegions(shape, [8, 25]).map((r) => zt.write(r, select(data, r))));
    await zt.finish();

    const x = await openHdf5Dataset(h5, "/x");
    const z = await openZarr(zs);
    const regions = blockRegions(shape, [16, 50]);
    const halves = [regions.slice(0, 2), regions.slice(2)];
    const results = await Promise.all(
      halves.map((rs) =>
        runWorker([
          { descriptor: x.descriptor!, regions: rs },
          { descriptor: z.descriptor!, regions: rs },
        ]),
      ),
    );
    results.forEach((jobs, half) => {
      jobs.forEach((res, k) => {
        expect(res.cached).toBe(true);
        expect(res.token).toBe(k === 0 ? x.token : z.token);
        for (const [i, b] of res.blocks.entries()) expectSame(b, select(data, halves[half][i]));
      });
    });
    x.file.close();
  }, 120_000);
});

describe("the browser build (web h5wasm, run here on in-memory bytes)", () => {
  test("reads h5py fixtures, directly from the bytes where the layout allows", async () => {
    const fs = await import("node:fs");
    const { openHdf5 } = await import("../src/hdf5/browser.js");
    for (const file of ["h5py_basic.h5", "h5py_userblock.h5"]) {
      const bytes = new Uint8Array(fs.readFileSync(path.join(FIXTURES, file)));
      const f = await openHdf5(bytes, { directReadMinBytes: 0 });
      for (const c of manifest.hdf5.filter((k) => k.file === file && !k.error && !k.open)) {
        const x = f.get(c.dataset);
        expect(x.directLayout).toBe(c.direct ?? null);
        expect(x.descriptor).toBeUndefined();
        const want = decode(c.data_b64!, c.dtype!, c.shape!);
        expectSame(x.readAll(), want, c.dataset);
        const r = c.shape!.map((n) => [Math.min(1, n), n, 2] as const);
        expectSame(x.read(r), select(want, r), c.dataset);
      }
      f.close();
    }
  });
});
