import fs from "node:fs";
import path from "node:path";
import { NDArray } from "@chunked/core/internal";
import { afterAll, describe, expect, test, vi } from "vitest";
import type { Region } from "../src/types.js";
import { createZarr, openZarr } from "../src/zarr/index.js";
import {
  ALL_DTYPES,
  blockRegions,
  decode,
  expectSame,
  FIXTURES,
  manifest,
  sample,
  select,
  tempDir,
} from "./helpers.js";

const tmp = tempDir();
afterAll(tmp.cleanup);

describe("Zarr stores written by zarr-python (v2) and by the v3 spec", () => {
  const readable = manifest.zarr.filter((c) => !c.error);
  test.each(readable.map((c) => [`${c.store}:${c.path}`, c] as const))("%s", async (_, c) => {
    const z = await openZarr(path.join(FIXTURES, c.store), { path: c.path });
    expect([z.shape, z.dtype, z.chunks, z.zarrFormat]).toEqual([c.shape, c.dtype, c.chunks, c.zarr_format]);
    if (c.attrs) expect(z.attrs).toMatchObject(c.attrs);
    const want = decode(c.data_b64!, c.dtype!, c.shape!);
    expectSame(await z.read(c.shape!.map((n) => [0, n, 1] as const)), want, "full");
    const regions: Region[] = [
      c.shape!.map((n) => [Math.min(1, n), n, 2] as const),
      c.shape!.map((n, d) => [0, Math.min(n, c.chunks![d]), 1] as const), // exactly one chunk
      c.shape!.map((n, d) => [Math.min(n - 1, c.chunks![d]), n, 3] as const),
      c.shape!.map((n) => [n - 1, n, 1] as const),
    ];
    for (const r of regions) expectSame(await z.read(r), select(want, r), JSON.stringify(r));
  });

  test.each(
    manifest.zarr.filter((c) => c.error).map((c) => [`${c.store}:${c.path} -> ${c.error}`, c] as const),
  )("%s", async (_, c) => {
    const err = await openZarr(path.join(FIXTURES, c.store), { path: c.path }).catch((e) => e);
    expect(err).toMatchObject({ code: "StoreError", reason: c.error });
    expect(err.message).toContain(c.store);
  });

  test("reading into a caller's buffer", async () => {
    const z = await openZarr(path.join(FIXTURES, "zarr_v2.zarr"), { path: "i16_zstd" });
    const out = NDArray.zeros("int16", [5, 9]);
    expect(
      await z.read(
        [
          [0, 5, 1],
          [0, 9, 1],
        ],
        out as never,
      ),
    ).toBe(out);
    expectSame(
      out,
      await z.read([
        [0, 5, 1],
        [0, 9, 1],
      ]),
    );
    await expect(
      z.read(
        [
          [0, 5, 1],
          [0, 9, 1],
        ],
        NDArray.zeros("int32", [5, 9]) as never,
      ),
    ).rejects.toMatchObject({ reason: "region" });
  });

  test("token, descriptor, region errors", async () => {
    const z = await openZarr(path.join(FIXTURES, "zarr_v2.zarr"), { path: "g/f64_nested" });
    expect(z.token).toMatch(/^zarr:.*zarr_v2\.zarr:\/g\/f64_nested:\d+:\d+$/);
    expect(z.descriptor).toMatchObject({
      kind: "zarr",
      location: path.join(FIXTURES, "zarr_v2.zarr"),
      path: "/g/f64_nested",
    });
    await expect(
      z.read([
        [0, 8, 1],
        [0, 11, 1],
      ]),
    ).rejects.toMatchObject({ reason: "region", dataset: "/g/f64_nested" });
  });

  test("a corrupt chunk is reported with the array's name", async () => {
    const dir = path.join(tmp.dir, "corrupt.zarr");
    fs.cpSync(path.join(FIXTURES, "zarr_v2.zarr/i16_zstd"), dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "0.0"), "garbage");
    const z = await openZarr(dir);
    await expect(
      z.read([
        [0, 5, 1],
        [0, 9, 1],
      ]),
    ).rejects.toMatchObject({ reason: "corrupt" });
  });
});

describe("Zarr round trips", () => {
  const formats = [2, 3] as const;
  const compressors = ["blosc", "zstd", "gzip", null] as const;
  test.each(formats.flatMap((f) => ALL_DTYPES.map((d) => [f, d] as const)))(
    "v%i %s",
    async (zarrFormat, dtype) => {
      const shape = [13, 9];
      const data = sample(dtype, shape, 3);
      const dir = path.join(tmp.dir, `rt-${zarrFormat}-${dtype}.zarr`);
      const t = await createZarr(dir, { shape, dtype, chunks: [4, 5], zarrFormat });
      await Promise.all(blockRegions(shape, [4, 5]).map((r) => t.write(r, select(data, r))));
      await t.finish();
      const z = await openZarr(dir);
      expect([z.dtype, z.shape, z.chunks, z.zarrFormat]).toEqual([dtype, shape, [4, 5], zarrFormat]);
      expectSame(await z.read(shape.map((n) => [0, n, 1] as const)), data);
    },
  );

  test.each(formats.flatMap((f) => compressors.map((c) => [f, c] as const)))(
    "v%i compressor %s",
    async (zarrFormat, compressor) => {
      const data = sample("float32", [50, 20], 11);
      const store = new Map<string, Uint8Array>();
      const t = await createZarr(store, {
        path: "/a/b",
        shape: [50, 20],
        dtype: "float32",
        chunks: [10, 20],
        compressor,
        zarrFormat,
      });
      await Promise.all(blockRegions([50, 20], [10, 20]).map((r) => t.write(r, select(data, r))));
      await t.finish();
      const z = await openZarr(store, { path: "a/b" });
      expect(z.token).toMatch(/^zarr:memory:\/a\/b:memory-\d+$/);
      expect(z.descriptor).toBeUndefined();
      expectSame(
        await z.read([
          [0, 50, 1],
          [0, 20, 1],
        ]),
        data,
      );
      const meta = new TextDecoder().decode(store.get(zarrFormat === 3 ? "/a/b/zarr.json" : "/a/b/.zarray"));
      if (compressor === "blosc")
        expect(meta).toContain(zarrFormat === 3 ? '"shuffle": "shuffle"' : '"shuffle": 1');
      expect(store.has(zarrFormat === 3 ? "/a/zarr.json" : "/a/.zgroup")).toBe(true);
    },
  );

  // Whole-chunk blocks are encoded straight from the block (ChunkWriter); one write spanning many
  // chunks goes through zarrita's set. Both must store the same bytes under the same keys.
  test.each(
    formats.flatMap((f) =>
      (["float32", "float64", "int32", "bool", "uint16"] as const).flatMap((d) =>
        compressors.map((c) => [f, d, c] as const),
      ),
    ),
  )(
    "v%i %s %s: whole-chunk writes store what zarrita's set stores",
    async (zarrFormat, dtype, compressor) => {
      const shape = [7, 5, 3];
      const chunks = [3, 2, 3];
      const data = sample(dtype, shape, 9);
      const fillValue = dtype === "bool" ? true : dtype.startsWith("float") ? Number.NaN : 7;
      const options = { shape, dtype, chunks, compressor, zarrFormat, fillValue };
      const whole = new Map<string, Uint8Array>();
      const t = await createZarr(whole, options);
      // Views into the data (offset, non-contiguous), as a fused task hands its blocks over.
      await Promise.all(blockRegions(shape, chunks).map((r) => t.write(r, data.region(r))));
      await t.finish();
      const spanning = new Map<string, Uint8Array>();
      const u = await createZarr(spanning, options);
      await u.write(
        shape.map((n) => [0, n, 1] as const),
        data,
      );
      await u.finish();
      expect([...whole.keys()].sort()).toEqual([...spanning.keys()].sort());
      for (const [key, bytes] of spanning) expect(whole.get(key), key).toEqual(bytes);
    },
  );

  test("overwrite keeps chunk directories while writing and prunes the empty ones at finish", async () => {
    const dir = path.join(tmp.dir, "prune.zarr");
    const big = await createZarr(dir, { shape: [6, 4], dtype: "int8", chunks: [2, 2] });
    await big.write(
      [
        [0, 6, 1],
        [0, 4, 1],
      ],
      sample("int8", [6, 4]),
    );
    await big.finish();
    fs.writeFileSync(path.join(dir, "notes.txt"), "mine");
    const small = await createZarr(dir, { shape: [2, 2], dtype: "int8", chunks: [2, 2], overwrite: true });
    expect(fs.existsSync(path.join(dir, "c/2/1"))).toBe(false); // old chunks are gone at once
    expect(fs.existsSync(path.join(dir, "c/2"))).toBe(true); // their directories wait for finish()
    await small.write(
      [
        [0, 2, 1],
        [0, 2, 1],
      ],
      sample("int8", [2, 2], 4),
    );
    await small.finish();
    expect(fs.readdirSync(path.join(dir, "c"))).toEqual(["0"]);
    expect(fs.readdirSync(path.join(dir, "c/0"))).toEqual(["0"]);
    expect(fs.readFileSync(path.join(dir, "notes.txt"), "utf8")).toBe("mine");
    expectSame(
      await (await openZarr(dir)).read([
        [0, 2, 1],
        [0, 2, 1],
      ]),
      sample("int8", [2, 2], 4),
    );
  });

  test("metadata is written last: an unfinished array is not visible", async () => {
    const dir = path.join(tmp.dir, "unfinished.zarr");
    const t = await createZarr(dir, { shape: [10], dtype: "int16", chunks: [5] });
    await t.write([[0, 5, 1]], sample("int16", [5]));
    expect(fs.existsSync(path.join(dir, "c/0"))).toBe(true);
    await expect(openZarr(dir)).rejects.toMatchObject({ reason: "no-dataset" });
    await t.finish();
    expect((await openZarr(dir)).shape).toEqual([10]);
    await expect(t.write([[5, 10, 1]], sample("int16", [5]))).rejects.toMatchObject({ reason: "closed" });
    await t.finish(); // finishing twice is harmless (store() finishes its targets)
  });

  test("overwrite semantics follow to_zarr", async () => {
    const dir = path.join(tmp.dir, "over.zarr");
    const a = await createZarr(dir, { shape: [10], dtype: "int16", chunks: [2], zarrFormat: 2 });
    await a.write([[0, 10, 1]], NDArray.from(new Int16Array(10).fill(5)));
    await a.finish();
    await expect(createZarr(dir, { shape: [4], dtype: "int16" })).rejects.toMatchObject({ reason: "exists" });
    // Overwrite deletes the old metadata and chunks up front: unwritten chunks read as fill, never as old data.
    const b = await createZarr(dir, {
      shape: [10],
      dtype: "int16",
      chunks: [2],
      overwrite: true,
      zarrFormat: 2,
    });
    expect(fs.existsSync(path.join(dir, ".zarray"))).toBe(false);
    expect(fs.existsSync(path.join(dir, "0"))).toBe(false);
    await b.write([[0, 2, 1]], NDArray.from(new Int16Array(2).fill(1)));
    await b.finish();
    expect(Array.from((await (await openZarr(dir)).read([[0, 10, 1]])).data as ArrayLike<number>)).toEqual([
      1, 1, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
    // And across formats: a v3 array replaces the v2 one.
    const c = await createZarr(dir, { shape: [3], dtype: "float64", overwrite: true });
    await c.write([[0, 3, 1]], NDArray.from([1, 2, 3]));
    await c.finish();
    const z = await openZarr(dir);
    expect([z.zarrFormat, z.dtype]).toEqual([3, "float64"]);
    expect(fs.existsSync(path.join(dir, ".zarray"))).toBe(false);
  });

  test.each([2, 3] as const)("v%i NaN fill value survives JSON", async (zarrFormat) => {
    const store = new Map<string, Uint8Array>();
    const t = await createZarr(store, {
      shape: [4],
      dtype: "float32",
      chunks: [2],
      fillValue: Number.NaN,
      zarrFormat,
    });
    await t.write([[0, 2, 1]], NDArray.from([1, 2], { dtype: "float32" }));
    await t.finish();
    expect(Array.from((await (await openZarr(store)).read([[0, 4, 1]])).data as ArrayLike<number>)).toEqual([
      1,
      2,
      Number.NaN,
      Number.NaN,
    ]);
  });

  /** A Map store whose writes land only when `release()` is called (one file write in flight each). */
  class HeldStore extends Map<string, Uint8Array> {
    readonly held: (() => void)[] = [];
    failing?: string;
    setLater(key: string, value: Uint8Array): Promise<void> {
      return new Promise((resolve, reject) =>
        this.held.push(() => {
          if (key === this.failing) reject(new Error("disk full"));
          else {
            super.set(key, value);
            resolve();
          }
        }),
      );
    }
    release(): void {
      for (const r of this.held.splice(0)) r();
    }
  }
  function heldStore(): HeldStore {
    const s = new HeldStore();
    // zarrita calls set(key, value) and awaits what it returns.
    (s as unknown as { set: (k: string, v: Uint8Array) => unknown }).set = (k, v) =>
      k.endsWith("zarr.json") ? Map.prototype.set.call(s, k, v) : s.setLater(k, v);
    return s;
  }

  test("writeBehind returns once a chunk is encoded; finish() waits for the stores, metadata last", async () => {
    const store = heldStore();
    const t = await createZarr(store, { shape: [4], dtype: "int16", chunks: [2] });
    const a = sample("int16", [2], 1);
    const b = sample("int16", [2], 2);
    await t.writeBehind([[0, 2, 1]], a);
    await t.writeBehind([[2, 4, 1]], b);
    expect(store.held.length).toBe(2);
    expect(store.has("/c/0")).toBe(false);
    // The blocks' memory may be reused at once: what was encoded is stored.
    (a.data as Int16Array).fill(0);
    let finished = false;
    const done = t.finish().then(() => (finished = true));
    await new Promise((r) => setTimeout(r, 10));
    expect([finished, store.has("/zarr.json")]).toEqual([false, false]);
    store.release();
    await done;
    const back = await (await openZarr(store)).read([[0, 4, 1]]);
    expect(Array.from(back.data as Int16Array)).toEqual([...sample("int16", [2], 1).data, ...b.data]);
  });

  test("writeBehind waits once 16 chunks wait to be stored", async () => {
    const store = heldStore();
    const t = await createZarr(store, { shape: [40], dtype: "int8", chunks: [2] });
    for (let i = 0; i < 16; i++) await t.writeBehind([[2 * i, 2 * i + 2, 1]], sample("int8", [2], i));
    let returned = false;
    const last = t.writeBehind([[32, 34, 1]], sample("int8", [2], 16)).then(() => (returned = true));
    await new Promise((r) => setTimeout(r, 10));
    expect([returned, store.held.length]).toEqual([false, 17]);
    store.release();
    await last;
    for (let i = 17; i < 20; i++) await t.writeBehind([[2 * i, 2 * i + 2, 1]], sample("int8", [2], i));
    store.release();
    await t.finish();
    expect((await (await openZarr(store)).read([[38, 40, 1]])).data).toEqual(sample("int8", [2], 19).data);
  });

  test("a failed writeBehind store fails finish(); abort removes what was written", async () => {
    const store = heldStore();
    store.failing = "/c/1";
    const t = await createZarr(store, { shape: [4], dtype: "int8", chunks: [2] });
    await t.writeBehind([[0, 2, 1]], sample("int8", [2]));
    await t.writeBehind([[2, 4, 1]], sample("int8", [2]));
    store.release();
    await expect(t.finish()).rejects.toThrow(/disk full.*abort/);
    await t.abort();
    expect([...store.keys()]).toEqual([]);
  });

  test("writeBehind of a raw chunk (the block's own memory) returns once it is stored", async () => {
    const store = heldStore();
    const t = await createZarr(store, { shape: [4], dtype: "int16", chunks: [2], compressor: null });
    let returned = false;
    const w = t.writeBehind([[0, 2, 1]], sample("int16", [2])).then(() => (returned = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(returned).toBe(false);
    store.release();
    await w;
    await t.finish();
  });

  test("a failed block write blocks finish()", async () => {
    class Flaky extends Map<string, Uint8Array> {
      override set(key: string, value: Uint8Array) {
        if (key === "/c/1") throw new Error("disk full");
        return super.set(key, value);
      }
    }
    const store = new Flaky();
    const t = await createZarr(store, { shape: [4], dtype: "int8", chunks: [2] });
    await t.write([[0, 2, 1]], sample("int8", [2]));
    await expect(t.write([[2, 4, 1]], sample("int8", [2]))).rejects.toMatchObject({ reason: "write" });
    await expect(t.finish()).rejects.toThrow(/disk full.*abort/);
    await t.abort();
    expect([...store.keys()]).toEqual([]);
  });

  test("abort deletes what was written", async () => {
    const store = new Map<string, Uint8Array>();
    const t = await createZarr(store, { path: "x", shape: [10], dtype: "uint8", chunks: [3] });
    await t.write([[0, 6, 1]], sample("uint8", [6]));
    expect([...store.keys()].some((k) => k.startsWith("/x/c/"))).toBe(true);
    await t.abort();
    expect([...store.keys()].filter((k) => k.startsWith("/x/"))).toEqual([]);
  });

  test("concurrent unaligned writes into shared chunks are serialised per chunk", async () => {
    const shape = [40, 30];
    const data = sample("int32", shape, 5);
    const store = new Map<string, Uint8Array>();
    const t = await createZarr(store, { shape, dtype: "int32", chunks: [8, 8], compressor: "zstd" });
    // 3x7 blocks straddle chunk edges: each chunk is read-modified-written by several blocks at once.
    await Promise.all(blockRegions(shape, [3, 7]).map((r) => t.write(r, select(data, r))));
    await t.finish();
    expectSame(
      await (await openZarr(store)).read([
        [0, 40, 1],
        [0, 30, 1],
      ]),
      data,
    );
  });

  test("strided writes, 0-d arrays, block shape errors", async () => {
    const store = new Map<string, Uint8Array>();
    const t = await createZarr(store, { path: "s", shape: [10], dtype: "float64", chunks: [4] });
    await t.write([[0, 10, 3]], NDArray.from([1, 2, 3, 4]));
    await expect(t.write([[0, 10, 3]], NDArray.from([1, 2, 3]))).rejects.toMatchObject({ reason: "region" });
    await t.finish();
    expect(
      Array.from((await (await openZarr(store, { path: "s" })).read([[0, 10, 1]])).data as ArrayLike<number>),
    ).toEqual([1, 0, 0, 2, 0, 0, 3, 0, 0, 4]);
    const s = await createZarr(store, { path: "scalar", shape: [], dtype: "int16", zarrFormat: 2 });
    await s.write([], NDArray.from([7], { dtype: "int16", shape: [] }));
    await s.finish();
    expect((await (await openZarr(store, { path: "scalar" })).read([])).item()).toBe(7);
  });
});

describe("gzip chunks", () => {
  test("are the same bytes whenever they are written (no time in the header)", async () => {
    const bytes: Uint8Array[] = [];
    for (const now of [1.7e12, 1.7e12 + 5000]) {
      const store = new Map<string, Uint8Array>();
      const t = await createZarr(store, { shape: [4], dtype: "int16", chunks: [4], compressor: "gzip" });
      const clock = vi.spyOn(Date, "now").mockReturnValue(now);
      try {
        await t.write([[0, 4, 1]], NDArray.from([1, 2, 3, 4], { dtype: "int16" }));
      } finally {
        clock.mockRestore();
      }
      bytes.push(store.get("/c/0")!);
    }
    expect(bytes[1]).toEqual(bytes[0]);
    expect(Array.from(bytes[0].subarray(4, 8))).toEqual([0, 0, 0, 0]);
  });
});
