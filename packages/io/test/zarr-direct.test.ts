/**
 * Whole-chunk reads that decode straight into the result (src/zarr/direct.ts): the same elements
 * as zarrita's pipeline for every dtype, format and compressor, over HTTP too (with and without a
 * Content-Length, so the reused response buffers grow), and the same errors for damaged chunks.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import type { DType, Region } from "../src/types.js";
import { directCodec } from "../src/zarr/direct.js";
import { createZarr, openZarr } from "../src/zarr/index.js";
import { ALL_DTYPES, blockRegions, expectSame, sample, select, tempDir } from "./helpers.js";

const tmp = tempDir();
afterAll(tmp.cleanup);

/** The bytes of zarrita's decoding of the chunk at `coords`, as the reference. */
async function viaZarrita(z: Awaited<ReturnType<typeof openZarr>>, coords: number[]): Promise<Uint8Array> {
  const data = (await z.array.getChunk(coords)).data as unknown as ArrayBufferView;
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

async function write(
  store: string | Map<string, Uint8Array>,
  dtype: DType,
  zarrFormat: 2 | 3,
  compressor: "blosc" | "zstd" | "gzip" | null,
  shape = [9, 10],
  chunks = [3, 5],
) {
  const data = sample(dtype, shape, 4);
  const t = await createZarr(store, { shape, dtype, chunks, zarrFormat, compressor });
  await Promise.all(blockRegions(shape, chunks).map((r) => t.write(r, select(data, r))));
  await t.finish();
  return { data, shape, chunks };
}

describe("direct whole-chunk reads", () => {
  const cases = ([2, 3] as const).flatMap((f) =>
    (["blosc", null, "zstd"] as const).flatMap((c) => ALL_DTYPES.map((d) => [f, c, d] as const)),
  );
  // zstd is not read directly (its frames need not say their size): the check covers the fallback.
  test.each(cases)("v%i %s %s: whole chunks equal zarrita's", async (zarrFormat, compressor, dtype) => {
    const store = new Map<string, Uint8Array>();
    const { data, chunks } = await write(store, dtype, zarrFormat, compressor);
    const z = await openZarr(store);
    for (const r of blockRegions(data.shape, chunks)) {
      const zarrita = vi.spyOn(z.array, "getChunk");
      const got = await z.read(r);
      expect(zarrita).toHaveBeenCalledTimes(compressor === "zstd" ? 1 : 0);
      zarrita.mockRestore();
      expectSame(got, select(data, r));
      const coords = r.map(([a], d) => a / chunks[d]);
      expect(bytesOf(got.data)).toEqual(await viaZarrita(z, coords));
    }
  });

  test("which metadata read directly", () => {
    expect(directCodec({ dtype: "<f4", compressor: { id: "blosc" }, filters: null, order: "C" }, 2)).toEqual({
      kind: "blosc",
    });
    expect(directCodec({ dtype: "|u1", compressor: null, filters: [] }, 2)).toEqual({ kind: "raw" });
    expect(directCodec({ dtype: ">f4", compressor: null, filters: null }, 2)).toBeUndefined();
    expect(directCodec({ dtype: "<f4", compressor: null, order: "F" }, 2)).toBeUndefined();
    expect(directCodec({ dtype: "<f4", compressor: { id: "zstd" } }, 2)).toBeUndefined();
    expect(directCodec({ dtype: "<f4", compressor: null, filters: [{ id: "delta" }] }, 2)).toBeUndefined();
    const bytes = { name: "bytes", configuration: { endian: "little" } };
    expect(directCodec({ codecs: [bytes] }, 3)).toEqual({ kind: "raw" });
    expect(directCodec({ codecs: [{ name: "bytes" }] }, 3)).toEqual({ kind: "raw" });
    expect(directCodec({ codecs: [bytes, { name: "blosc" }] }, 3)).toEqual({ kind: "blosc" });
    expect(directCodec({ codecs: [{ name: "bytes", configuration: { endian: "big" } }] }, 3)).toBeUndefined();
    expect(directCodec({ codecs: [{ name: "transpose" }, bytes] }, 3)).toBeUndefined();
    expect(directCodec({ codecs: [{ name: "sharding_indexed" }] }, 3)).toBeUndefined();
    expect(directCodec({ codecs: [bytes, { name: "zstd" }] }, 3)).toBeUndefined();
  });

  test("a missing chunk reads as the fill value", async () => {
    const store = new Map<string, Uint8Array>();
    const t = await createZarr(store, { shape: [4, 4], dtype: "int16", chunks: [2, 2], fillValue: 7 });
    await t.write(
      [
        [0, 2, 1],
        [0, 2, 1],
      ],
      sample("int16", [2, 2]),
    );
    await t.finish();
    const z = await openZarr(store);
    const got = await z.read([
      [2, 4, 1],
      [2, 4, 1],
    ]);
    expect([...got.data]).toEqual([7, 7, 7, 7]);
  });

  test.each([
    ["truncated", (b: Uint8Array) => b.subarray(0, b.byteLength - 3)],
    ["shorter than a header", (b: Uint8Array) => b.subarray(0, 10)],
    ["of another chunk size", (b: Uint8Array) => b],
  ] as const)("a blosc chunk %s is a corrupt IoError naming its key", async (what, damage) => {
    const store = new Map<string, Uint8Array>();
    await write(store, "float32", 3, "blosc");
    const z = await openZarr(store);
    // "of another chunk size": a whole chunk of a bigger array stored under this key.
    const other = new Map<string, Uint8Array>();
    await createZarr(other, { shape: [6, 6], dtype: "float32", chunks: [6, 6] }).then(async (t) => {
      await t.write(
        [
          [0, 6, 1],
          [0, 6, 1],
        ],
        sample("float32", [6, 6]),
      );
      await t.finish();
    });
    const bytes = what === "of another chunk size" ? other.get("/c/0/0")! : store.get("/c/0/1")!;
    store.set("/c/0/1", damage(bytes));
    await expect(
      z.read([
        [0, 3, 1],
        [5, 10, 1],
      ]),
    ).rejects.toMatchObject({ reason: "corrupt", message: expect.stringContaining('"c/0/1"') });
  });
});

describe("direct reads over HTTP", () => {
  let server: Server;
  let url = "";
  const dir = path.join(tmp.dir, "http");
  let requests = 0;
  beforeAll(async () => {
    const { readFileSync, existsSync, statSync } = await import("node:fs");
    server = createServer((req, res) => {
      requests++;
      const [pathname, query] = (req.url ?? "").split("?");
      const file = path.join(dir, decodeURIComponent(pathname));
      if (!existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404);
        res.end();
        return;
      }
      const body = readFileSync(file);
      // ?chunked: no Content-Length (chunked encoding, in 4 KiB pieces): buffers start at 64 KiB and grow.
      if (query === "chunked") {
        res.writeHead(200);
        for (let i = 0; i < body.byteLength; i += 4096) res.write(body.subarray(i, i + 4096));
        res.end();
        return;
      }
      res.writeHead(200, { "Content-Length": body.byteLength });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test.each([
    ["", "blosc"],
    ["?chunked", "blosc"],
    ["", null],
    ["?chunked", null],
  ] as const)("store URL %s, compressor %s: every block as on disk", async (query, compressor) => {
    const name = `w-${query ? "chunked" : "length"}-${compressor}.zarr`;
    // Chunks of 150 × 100 float64 (120 kB raw): over the first response buffer's 64 KiB.
    const { data, shape, chunks } = await write(
      path.join(dir, name),
      "float64",
      3,
      compressor,
      [300, 200],
      [150, 100],
    );
    const z = await openZarr(`${url}/${name}${query}`);
    // Whole chunks, and regions across chunks and strided (the zarrita path), twice each, so the
    // reused response buffers serve the second pass.
    const regions: Region[] = [
      ...blockRegions(shape, chunks),
      [
        [1, 280, 2],
        [0, 200, 3],
      ],
    ];
    for (let pass = 0; pass < 2; pass++)
      for (const r of regions) expectSame(await z.read(r), select(data, r), JSON.stringify(r));
    const zarrita = vi.spyOn(z.array, "getChunk");
    for (const r of blockRegions(shape, chunks)) expectSame(await z.read(r), select(data, r));
    expect(zarrita).not.toHaveBeenCalled();
    const before = requests;
    await expect(
      z.read([
        [150, 300, 1],
        [100, 200, 1],
      ]),
    ).resolves.toBeDefined();
    expect(requests - before).toBe(1);
  });
});
