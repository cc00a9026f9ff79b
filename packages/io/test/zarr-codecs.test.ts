/**
 * The wasm codecs io registers itself (`#numcodecs/*`: blosc, lz4, zstd, with the one-call input
 * copy; the published package vendors them) read what numcodecs writes. lz4 has no writer in
 * createZarr and no zarr-python fixture, so its chunk is encoded here by numcodecs directly.
 */
import fs from "node:fs";
import path from "node:path";
import LZ4 from "numcodecs/lz4";
import { afterAll, describe, test } from "vitest";
import { openZarr } from "../src/zarr/index.js";
import { expectSame, sample, tempDir } from "./helpers.js";

const tmp = tempDir();
afterAll(tmp.cleanup);

describe("Zarr codecs registered by io", () => {
  test("a v2 array with numcodecs' lz4 compressor", async () => {
    const dir = path.join(tmp.dir, "lz4.zarr");
    fs.mkdirSync(dir);
    const want = sample("float32", [40, 30], 5);
    const meta = {
      zarr_format: 2,
      shape: [40, 30],
      chunks: [40, 30],
      dtype: "<f4",
      compressor: { id: "lz4", acceleration: 1 },
      fill_value: 0,
      filters: null,
      order: "C",
    };
    fs.writeFileSync(path.join(dir, ".zarray"), JSON.stringify(meta));
    const raw = new Uint8Array(want.data.buffer, want.data.byteOffset, want.data.byteLength);
    fs.writeFileSync(path.join(dir, "0.0"), await new LZ4(1).encode(raw));
    const z = await openZarr(dir);
    expectSame(
      await z.read([
        [0, 40, 1],
        [0, 30, 1],
      ]),
      want,
      "lz4",
    );
  });
});
