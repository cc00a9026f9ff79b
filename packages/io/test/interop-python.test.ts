/**
 * Files written here must open in the tools people already have. When /usr/bin/python3 has h5py
 * and zarr (CI installs Debian's python3-h5py python3-zarr), fixtures/io/check_written.py checks
 * shape, dtype, chunks, compression and values; otherwise only our own round trip is checked.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, expect, test } from "vitest";
import { createHdf5, createHdf5Dataset, openHdf5Dataset } from "../src/hdf5/index.js";
import type { DType } from "../src/types.js";
import { createZarr, openZarr, type ZarrCompressor } from "../src/zarr/index.js";
import { ALL_DTYPES, blockRegions, expectSame, FIXTURES, sample, select, tempDir } from "./helpers.js";

const PYTHON = "/usr/bin/python3";
const hasPython =
  fs.existsSync(PYTHON) &&
  spawnSync(PYTHON, ["-c", "import h5py, zarr, numcodecs, numpy"], { encoding: "utf8" }).status === 0;

const tmp = tempDir();
afterAll(tmp.cleanup);

const b64 = (a: { data: ArrayBufferView }) =>
  Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength).toString("base64");

test(`files we write open in h5py and zarr-python${hasPython ? "" : " (python3 with h5py/zarr not found: round trip only)"}`, async () => {
  const cases: Record<string, unknown>[] = [];
  const shape = [11, 6];
  const chunks = [4, 6];

  // HDF5: every dtype in one file (plus gzip and attributes), written block by block.
  const h5 = path.join(tmp.dir, "out.h5");
  const w = await createHdf5(h5, { mode: "w" });
  for (const dtype of ALL_DTYPES) {
    const data = sample(dtype, shape, 3);
    const compression = dtype === "float64" ? ("gzip" as const) : null;
    const t = await w.createDataset(`/g/${dtype}`, {
      shape,
      dtype,
      chunks,
      compression,
      attrs: { units: "K" },
    });
    for (const r of blockRegions(shape, chunks)) await t.write(r, select(data, r));
    cases.push({
      format: "hdf5",
      file: h5,
      dataset: `/g/${dtype}`,
      shape,
      dtype,
      chunks,
      compression,
      data_b64: b64(data),
      attrs: { units: "K" },
    });
  }
  await w.finish();
  for (const c of cases) {
    const x = await openHdf5Dataset(h5, c.dataset as string);
    expectSame(x.readAll(), sample(c.dtype as DType, shape, 3));
    x.file.close();
  }
  // An unfinished HDF5 write is not visible under the final name.
  const unfinished = await createHdf5Dataset(path.join(tmp.dir, "unfinished.h5"), "/x", {
    shape: [4],
    dtype: "int8",
  });
  cases.push({
    format: "hdf5",
    file: path.join(tmp.dir, "unfinished.h5"),
    dataset: "/x",
    expect_missing: true,
  });

  // Zarr: v2 and v3, each compressor, a nested path.
  const compressors: ZarrCompressor[] = ["blosc", "zstd", "gzip", null];
  let k = 0;
  for (const zarrFormat of [2, 3] as const) {
    for (const dtype of ALL_DTYPES) {
      const compressor = compressors[k++ % compressors.length];
      const store = path.join(tmp.dir, `v${zarrFormat}.zarr`);
      const data = sample(dtype, shape, 9);
      const t = await createZarr(store, {
        path: `grp/${dtype}`,
        shape,
        dtype,
        chunks,
        compressor,
        zarrFormat,
        attributes: { units: "K" },
      });
      await Promise.all(blockRegions(shape, chunks).map((r) => t.write(r, select(data, r))));
      await t.finish();
      expectSame(
        await (await openZarr(store, { path: `grp/${dtype}` })).read(shape.map((n) => [0, n, 1] as const)),
        data,
      );
      cases.push({
        format: "zarr",
        store,
        path: `/grp/${dtype}`,
        zarr_format: zarrFormat,
        shape,
        dtype,
        chunks,
        compressor,
        data_b64: b64(data),
        attrs: { units: "K" },
      });
    }
    const store = path.join(tmp.dir, `v${zarrFormat}.zarr`);
    const t = await createZarr(store, { path: "grp/unfinished", shape: [4], dtype: "int8", zarrFormat });
    await t.write([[0, 4, 1]], sample("int8", [4]));
    cases.push({
      format: "zarr",
      store,
      path: "/grp/unfinished",
      zarr_format: zarrFormat,
      expect_missing: true,
    });
  }

  if (!hasPython) return;
  const spec = path.join(tmp.dir, "cases.json");
  fs.writeFileSync(spec, JSON.stringify({ cases }));
  const run = spawnSync(PYTHON, [path.join(FIXTURES, "check_written.py"), spec], { encoding: "utf8" });
  await unfinished.abort();
  expect(run.stderr + run.stdout).toContain(`${cases.length} of ${cases.length} cases ok`);
  expect(run.status).toBe(0);
});
