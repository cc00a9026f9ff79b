/** Zarr writes on a NodePool: blocks that are whole chunks are written by the workers. */
import fs from "node:fs";
import path from "node:path";
import * as ca from "@chunked/core";
import { NodePool } from "@chunked/executor-node";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createZarr, openZarr, toZarr } from "../src/zarr/index.js";
import { tempDir } from "./helpers.js";

const tmp = tempDir();
let pool: NodePool;
beforeAll(() => {
  pool = new NodePool({ workers: 2 });
});
afterAll(async () => {
  await pool.close();
  tmp.cleanup();
});

/** Every file under `dir`, relative, with its bytes. */
function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const full = path.join(dir, f);
    if (fs.statSync(full).isFile()) out.set(f, fs.readFileSync(full));
  }
  return out;
}

const x = () =>
  ca
    .arange(37 * 23, { dtype: "float32", chunks: 100 })
    .reshape([37, 23])
    .rechunk([10, 7])
    .mul(0.5);

/** The Zarr array at `dir` holds x's values. */
async function expectHolds(dir: string): Promise<void> {
  const back = await (await openZarr(dir)).read([
    [0, 37, 1],
    [0, 23, 1],
  ]);
  expect(back.toArray()).toEqual((await x().compute()).toArray());
}

describe("toZarr on a NodePool", () => {
  for (const zarrFormat of [2, 3] as const) {
    test(`zarr v${zarrFormat}: the same files as in-process, written by the workers`, async () => {
      const here = path.join(tmp.dir, `here-v${zarrFormat}.zarr`);
      const there = path.join(tmp.dir, `pool-v${zarrFormat}.zarr`);
      await toZarr(x(), here, { zarrFormat });
      // The pool, recording the keys of the tasks it was given.
      const keys: string[] = [];
      const recording: ca.Executor = {
        get concurrency() {
          return pool.concurrency;
        },
        retain: (c) => pool.retain(c),
        release: (c) => pool.release(c),
        run: (t, inputs, options) => {
          keys.push(t.key);
          return pool.run(t, inputs, options);
        },
      };
      await toZarr(x(), there, { zarrFormat, executor: recording });
      // 4 × 4 blocks (edge ones too), each computed and written in one worker task.
      expect(keys.filter((k) => k.startsWith("store-")).length).toBe(16);
      const a = files(here);
      const b = files(there);
      expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
      for (const [k, bytes] of a) expect(b.get(k)?.equals(bytes), k).toBe(true);
      await expectHolds(there);
    });
  }

  test("blocks that are not whole chunks are still written, on the calling thread", async () => {
    const dir = path.join(tmp.dir, "partial.zarr");
    const target = await createZarr(dir, { shape: [37, 23], dtype: "float32", chunks: [5, 5] });
    const result = await ca.store(x(), target, { lock: false, executor: pool });
    expect(result.blocks).toBe(16);
    expect(result.bytes).toBe(37 * 23 * 4);
    await expectHolds(dir);
  });

  test("counts the blocks the workers wrote, and a failed write leaves no array", async () => {
    const dir = path.join(tmp.dir, "counted.zarr");
    const target = await createZarr(dir, { shape: [37, 23], dtype: "float32", chunks: [10, 7] });
    expect(await ca.store(x(), target, { lock: false, executor: pool })).toEqual({
      blocks: 16,
      bytes: 37 * 23 * 4,
    });
    const failing = path.join(tmp.dir, "failing.zarr");
    const bad = await createZarr(failing, { shape: [37, 23], dtype: "float32", chunks: [10, 7] });
    // A block whose computation fails: the store fails and the target is aborted.
    const broken = ca.fromArray(
      {
        shape: [37, 23],
        dtype: "float32" as const,
        read: () => {
          throw new RangeError("disk gone");
        },
      },
      { chunks: [10, 7] },
    );
    const err = await ca.store(broken.add(x()), bad, { lock: false, executor: pool }).catch((e) => e);
    expect(ca.isChunkedError(err, "StoreError")).toBe(true);
    expect(String(err.message)).toMatch(/after writing at least \d+ of 16 blocks/);
    await expect(openZarr(failing)).rejects.toThrow();
  });
});
