/**
 * Reading HDF5 never grows h5wasm's memory, on the calling thread or in a pool worker (patch of
 * h5wasm in `patches/`: its memory starts at 1 GiB). A grow detaches the memory's old buffer, and
 * once a thread has detached one, every typed-array loop V8 optimises there checks for detachment
 * (13-17% slower kernels for the rest of the thread's life).
 */
import path from "node:path";
import * as ca from "@chunked/core";
import { NDArray } from "@chunked/core/internal";
import { NodePool } from "@chunked/executor-node";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createHdf5, openHdf5Dataset } from "../src/hdf5/index.js";
import { tempDir } from "./helpers.js";
import { wasmGrows } from "./workers/wasm-grows.js";

// 40 MB of float32 in one read: more than h5wasm's unpatched starting memory (18 MiB) holds.
const N = 10_000_000;
const tmp = tempDir();
const file = path.join(tmp.dir, "grow.h5");
const value = (i: number) => (i % 1000) - 500;

beforeAll(async () => {
  const w = await createHdf5(file, { mode: "w" });
  const gz = await w.createDataset("/gz", {
    shape: [N],
    dtype: "float32",
    chunks: [N / 10],
    compression: "gzip",
  });
  const plain = await w.createDataset("/plain", { shape: [N], dtype: "float32", chunks: [N / 10] });
  for (let i = 0; i < N; i += N / 10) {
    const block = NDArray.from(Float32Array.from({ length: N / 10 }, (_, k) => value(i + k)));
    await gz.write([[i, i + N / 10, 1]], block);
    await plain.write([[i, i + N / 10, 1]], block);
  }
  await w.finish();
});

afterAll(() => tmp.cleanup());

test("reads on the calling thread (through h5wasm and direct) grow no wasm memory", async () => {
  const gz = await openHdf5Dataset(file, "/gz");
  const plain = await openHdf5Dataset(file, "/plain");
  try {
    const before = wasmGrows();
    const a = gz.readAll();
    const b = plain.readAll();
    expect(plain.directLayout).toBe("btree-v1");
    expect(gz.directLayout).toBe(null);
    expect(wasmGrows() - before).toBe(0);
    for (const i of [0, 1, 999, 1000, N / 2 + 7, N - 1]) {
      expect(a.data[i]).toBe(value(i));
      expect(b.data[i]).toBe(value(i));
    }
  } finally {
    gz.file.close();
    plain.file.close();
  }
});

test("a NodePool worker reads uncompressed data without h5wasm, and compressed data growing no wasm memory", async () => {
  const gz = await openHdf5Dataset(file, "/gz");
  const plain = await openHdf5Dataset(file, "/plain");
  // One worker and nothing inline: every read runs in that worker, which counts its grows.
  const pool = new NodePool({
    workers: 1,
    modules: [new URL("./workers/wasm-grows.ts", import.meta.url)],
    inline: [],
    inlineBelowMs: 0,
  });
  let probes = 0;
  const probe = async (op: string, params: Record<string, unknown> = {}) =>
    (await pool.run({ key: `probe-${probes++}`, op, deps: [], params: params as never }, [])).item();
  const same = async (x: ca.ChunkedArray) => {
    const [onPool] = await ca.compute([x], { executor: pool });
    const [inProcess] = await ca.compute([x]);
    expect(onPool.item()).toBe(inProcess.item());
  };
  try {
    // The descriptor carries the layout: the worker reads the file with fs alone.
    await same(ca.fromArray(plain, { chunks: [N / 10] }).sum());
    expect(await probe("test.readsDirect", { source: plain.descriptor })).toBe(1);
    // gzip needs h5wasm there, whose memory is big enough from the start.
    await same(ca.fromArray(gz, { chunks: [N] }).sum());
    expect(await probe("test.readsDirect", { source: gz.descriptor })).toBe(0);
    expect(await probe("test.wasmGrows")).toBe(0);
  } finally {
    await pool.close();
    gz.file.close();
    plain.file.close();
  }
});
