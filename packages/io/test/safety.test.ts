/** What a careful user or an attacker tries: crafted descriptors, foreign files, damaged data, huge shapes. */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import * as ca from "@chunked/core";
import { NDArray, openDescriptor } from "@chunked/core/internal";
import { NodePool } from "@chunked/executor-node";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openSource } from "../src/index.js";
import { createHdf5Dataset, fromHdf5, toHdf5 } from "../src/hdf5/index.js";
import { createZarr, fromZarr, openZarr, toZarr } from "../src/zarr/index.js";
import { FIXTURES, tempDir } from "./helpers.js";

const tmp = tempDir();
afterAll(tmp.cleanup);

/** A source whose descriptor names a module that would write `marker` when imported. */
function craftedSource(marker: string, kind: string) {
  const payload = `data:text/javascript,import("node:fs").then((fs) => fs.writeFileSync(${JSON.stringify(marker)}, "ran"))`;
  return {
    shape: [4],
    dtype: "float64" as const,
    read: () => NDArray.zeros("float64", [4]),
    descriptor: { kind, module: payload, path: `../../${kind}` },
  };
}

describe("descriptors never load code", () => {
  test("an unknown kind is refused before any import, in this thread", async () => {
    const marker = path.join(tmp.dir, "in-process.txt");
    const { descriptor } = craftedSource(marker, "evil");
    await expect(openDescriptor(descriptor)).rejects.toMatchObject({
      code: "InvalidArgumentError",
      message: expect.stringContaining('kind "evil"'),
    });
    await expect(openSource(descriptor as never)).rejects.toMatchObject({ reason: "not-found" });
    expect(fs.existsSync(marker)).toBe(false);
  });

  test("on a pool, a crafted descriptor fails with a typed error and runs nothing; io sources still read", async () => {
    const pool = new NodePool({ workers: 2 });
    try {
      const file = path.join(tmp.dir, "pool.h5");
      await toHdf5(file, { "/x": ca.arange(100, { chunks: 10 }) });
      const x = await fromHdf5(file, "/x", { chunks: 25 });
      expect((await x.sum().compute({ executor: pool })).item()).toBe(4950);

      for (const kind of ["evil", "../../../tmp/evil", "hdf5x"]) {
        const marker = path.join(tmp.dir, `pool-${kind.replaceAll("/", "_")}.txt`);
        const source = craftedSource(marker, kind);
        // The workers must reopen it from its descriptor.
        const y = ca.fromArray(source, { chunks: 2 });
        const err = await ca.compute([y], { executor: pool }).catch((e: unknown) => e);
        expect(ca.isChunkedError(err, "TaskError")).toBe(true);
        expect((err as Error).message).toContain(`No opener for sources of kind ${JSON.stringify(kind)}`);
        expect(fs.existsSync(marker)).toBe(false);
      }
    } finally {
      await pool.close();
    }
  });
});

describe("writes never delete what they did not write", () => {
  function userDir(name: string): string {
    const dir = path.join(tmp.dir, name);
    fs.mkdirSync(path.join(dir, "sub"), { recursive: true });
    fs.writeFileSync(path.join(dir, "thesis.txt"), "years of work");
    fs.writeFileSync(path.join(dir, "sub", "notes.txt"), "more work");
    return dir;
  }

  test.each([2, 3] as const)("toZarr over a directory of user files keeps them (v%i)", async (zarrFormat) => {
    const dir = userDir(`docs-v${zarrFormat}`);
    const x = ca.arange(10, { chunks: 5 });
    await toZarr(x, dir, { zarrFormat });
    // A second write with overwrite replaces the array, still not the user's files.
    await toZarr(x.mul(2), dir, { zarrFormat, overwrite: true });
    expect(fs.readFileSync(path.join(dir, "thesis.txt"), "utf8")).toBe("years of work");
    expect(fs.readFileSync(path.join(dir, "sub", "notes.txt"), "utf8")).toBe("more work");
    expect(Array.from((await (await fromZarr(dir)).compute()).data as ArrayLike<number>)).toEqual(
      Array.from({ length: 10 }, (_, i) => 2 * i),
    );
  });

  test("an aborted write removes its chunks only", async () => {
    const dir = userDir("aborted");
    const t = await createZarr(dir, { shape: [4], dtype: "int16", chunks: [2] });
    await t.write([[0, 2, 1]], NDArray.from([1, 2], { dtype: "int16" }));
    await t.abort();
    expect(fs.readdirSync(dir).sort()).toEqual(["sub", "thesis.txt"]);
  });

  test.each(["../victim", "a/../../victim", "./x", "a/./b"])("path %s is refused", async (p) => {
    const store = path.join(tmp.dir, "store");
    const victim = userDir("victim");
    for (const run of [
      () => createZarr(store, { path: p, shape: [2], dtype: "int8", overwrite: true }),
      () => openZarr(store, { path: p }),
      () => createZarr(new Map(), { path: p, shape: [2], dtype: "int8" }),
    ]) {
      await expect(run()).rejects.toMatchObject({
        reason: "path",
        message: expect.stringContaining("'.' or '..' segments is not allowed"),
      });
    }
    expect(fs.readdirSync(victim).sort()).toEqual(["sub", "thesis.txt"]);
  });
});

/** A read-only tmpfs at a new directory, or undefined where this process may not mount. */
function readOnlyMount(): string | undefined {
  const dir = fs.mkdtempSync(path.join(tmp.dir, "ro-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", dir], { stdio: "ignore" });
    return dir;
  } catch {
    return undefined;
  }
}

describe("a read-only file system is reported as such", () => {
  let ro: string | undefined;
  beforeAll(() => {
    ro = readOnlyMount();
  });
  afterAll(() => {
    if (ro) execFileSync("umount", [ro]);
  });

  test("Zarr and HDF5 writes fail with EROFS, before any compute", async (ctx) => {
    // Mounting needs privileges (CI runs as root); elsewhere this case cannot be set up.
    if (!ro) ctx.skip();
    const x = ca.arange(10, { chunks: 5 });
    for (const write of [
      () => toZarr(x, path.join(ro!, "out.zarr")),
      () => toZarr(x, ro!),
      () => toHdf5(path.join(ro!, "out.h5"), { "/x": x }),
    ]) {
      await expect(write()).rejects.toMatchObject({
        reason: "write",
        message: expect.stringContaining("EROFS: read-only file system"),
      });
    }
  });
});

describe("a damaged Zarr chunk is an error naming the chunk, never zeros or garbage", () => {
  async function damaged(name: string, compressor: "blosc" | null, damage: (file: string) => void) {
    const dir = path.join(tmp.dir, name);
    await toZarr(ca.arange(100, { chunks: 50 }), dir, { zarrFormat: 2, compressor });
    damage(path.join(dir, "1"));
    return dir;
  }
  const halve = (file: string) => {
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.byteLength / 2)));
  };
  const cases = [
    ["truncated blosc", "blosc", halve],
    [
      "blosc with its tail cut by 8 bytes",
      "blosc",
      (f: string) => fs.truncateSync(f, fs.statSync(f).size - 8),
    ],
    ["raw chunk of the wrong size", null, halve],
    ["raw chunk with a partial element", null, (f: string) => fs.truncateSync(f, 13)],
  ] as const;

  test.each(cases)("%s: in this thread", async (name, compressor, damage) => {
    const dir = await damaged(`in-${name.replaceAll(" ", "-")}`, compressor, damage);
    const z = await openZarr(dir);
    await expect(z.read([[0, 100, 1]])).rejects.toMatchObject({
      reason: "corrupt",
      message: expect.stringMatching(/chunk "1" of Zarr/i),
    });
    expect(Array.from((await z.read([[0, 50, 1]])).data as ArrayLike<number>).slice(0, 3)).toEqual([0, 1, 2]);
    const err = await (await fromZarr(dir))
      .sum()
      .compute()
      .catch((e: unknown) => e);
    expect(ca.isChunkedError(err)).toBe(true);
    expect((err as Error).message).toMatch(/chunk "1" of Zarr/i);
  });

  test("on a pool", async () => {
    const pool = new NodePool({ workers: 2 });
    try {
      for (const [name, compressor, damage] of cases) {
        const dir = await damaged(`pool-${name.replaceAll(" ", "-")}`, compressor, damage);
        const err = await (await fromZarr(dir, { chunks: 50 }))
          .sum()
          .compute({ executor: pool })
          .catch((e: unknown) => e);
        expect(ca.isChunkedError(err, "TaskError")).toBe(true);
        expect((err as Error).message).toMatch(/chunk "1" of Zarr/i);
      }
    } finally {
      await pool.close();
    }
  });
});

describe("bad Zarr metadata names the file and the field", () => {
  const meta = {
    zarr_format: 2,
    shape: [10],
    chunks: [5],
    dtype: "<f8",
    compressor: null,
    fill_value: 0,
    order: "C",
    filters: null,
  };
  test.each([
    ["shape", { shape: "abc" }],
    ["shape", { shape: [-1] }],
    ["chunks", { chunks: [0] }],
    ["chunks", { chunks: [5, 5] }],
    ["dimension_separator", { dimension_separator: "-" }],
  ])("field %s", async (field, patch) => {
    const dir = fs.mkdtempSync(path.join(tmp.dir, "meta-"));
    fs.writeFileSync(path.join(dir, ".zarray"), JSON.stringify({ ...meta, ...patch }));
    const err = await openZarr(dir).catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: "corrupt" });
    expect((err as Error).message).toContain(`${dir}/.zarray`);
    expect((err as Error).message).toContain(`field "${field}"`);
  });

  test("not JSON", async () => {
    const dir = fs.mkdtempSync(path.join(tmp.dir, "meta-"));
    fs.writeFileSync(path.join(dir, "zarr.json"), "{ nope");
    await expect(openZarr(dir)).rejects.toMatchObject({
      reason: "corrupt",
      message: expect.stringContaining("is not valid JSON"),
    });
  });
});

describe("store() completes its targets", () => {
  test("createHdf5Dataset and createZarr targets are finished without an explicit finish()", async () => {
    const x = ca.arange(12, { chunks: 4 });
    const h5 = path.join(tmp.dir, "stored.h5");
    await ca.store(x, await createHdf5Dataset(h5, "/x", { shape: [12], dtype: "float64", chunks: [4] }));
    expect(fs.existsSync(h5)).toBe(true);
    expect(fs.existsSync(`${h5}.partial`)).toBe(false);
    expect((await (await fromHdf5(h5, "/x")).sum().compute()).item()).toBe(66);

    const z = path.join(tmp.dir, "stored.zarr");
    const target = await createZarr(z, { shape: [12], dtype: "float64", chunks: [4] });
    await ca.store(x, target);
    await target.finish(); // a second finish is harmless
    expect((await (await fromZarr(z)).sum().compute()).item()).toBe(66);
  });

  test("finish: false writes in several calls; a failed write aborts the target", async () => {
    const z = path.join(tmp.dir, "parts.zarr");
    const target = await createZarr(z, { shape: [8], dtype: "int16", chunks: [4] });
    await ca.store(ca.ones([4], { chunks: 4, dtype: "int16" }), target, {
      regions: [[[0, 4]]],
      finish: false,
    });
    await ca.store(ca.full([4], 2, { chunks: 4, dtype: "int16" }), target, {
      regions: [[[4, 8]]],
      finish: false,
    });
    await expect(openZarr(z)).rejects.toMatchObject({ reason: "no-dataset" });
    await target.finish();
    expect(Array.from((await (await fromZarr(z)).compute()).data as ArrayLike<number>)).toEqual([
      1, 1, 1, 1, 2, 2, 2, 2,
    ]);

    const h5 = path.join(tmp.dir, "failed.h5");
    const failing = ca.fromArray(
      { shape: [4], dtype: "float64", read: () => Promise.reject(new Error("disk on fire")) },
      { chunks: 2 },
    );
    const t = await createHdf5Dataset(h5, "/x", { shape: [4], dtype: "float64", chunks: [2] });
    await expect(ca.store(failing, t)).rejects.toThrow(/disk on fire/);
    expect(fs.existsSync(`${h5}.partial`)).toBe(false);
    expect(fs.existsSync(h5)).toBe(false);
  });
});

describe("HDF5 files we cannot read fail at open, with one clear line", () => {
  test("a .partial left by a killed write", async () => {
    const partial = path.join(tmp.dir, "killed.h5.partial");
    fs.copyFileSync(path.join(FIXTURES, "truncated.h5"), partial);
    const err = await fromHdf5(partial, "/x").catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: "corrupt" });
    expect((err as Error).message).toContain("an unfinished write leaves behind");
    expect((err as Error).message).not.toContain("HDF5-DIAG");
    expect((err as Error).message.length).toBeLessThan(400);
  });

  const python = "/usr/bin/python3";
  const hasH5py = fs.existsSync(python) && spawnSync(python, ["-c", "import h5py"]).status === 0;
  test.skipIf(!hasH5py)("an lzf-compressed dataset (h5py's filter, not in h5wasm)", async () => {
    const file = path.join(tmp.dir, "lzf.h5");
    const script = `import h5py, numpy as np\nwith h5py.File(${JSON.stringify(file)}, "w") as f: f.create_dataset("x", data=np.arange(100, dtype="f4"), chunks=(10,), compression="lzf")`;
    expect(spawnSync(python, ["-c", script]).status).toBe(0);
    const err = await fromHdf5(file, "/x").catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: "filter" });
    expect((err as Error).message).toContain("lzf (id 32000), a filter h5wasm does not include");
  });
});

describe("files declaring huge shapes open, and refuse graphs they cannot hold", () => {
  test("an HDF5 dataset of shape [1e15] is a ChunkedError naming the chunks, not an out-of-memory abort", async () => {
    const file = path.join(tmp.dir, "huge.h5");
    const t = await createHdf5Dataset(file, "/x", { shape: [1e15], dtype: "float32", chunks: [1000] });
    await t.finish();
    expect(fs.statSync(file).size).toBeLessThan(100_000);
    const err = await fromHdf5(file, "/x").catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: "InvalidChunksError",
      message: expect.stringContaining("Too many blocks"),
    });
    // Chunks that fit the limit build at once; nothing is read until compute.
    const x = await fromHdf5(file, "/x", { chunks: 1e10 });
    expect(x.numblocks).toEqual([100_000]);
    expect(Array.from((await x.at`:3`.compute()).data as ArrayLike<number>)).toEqual([0, 0, 0]);
  });

  test("a one-line .zarray of shape [1e15]", async () => {
    const dir = fs.mkdtempSync(path.join(tmp.dir, "huge-zarr-"));
    fs.writeFileSync(
      path.join(dir, ".zarray"),
      '{"zarr_format":2,"shape":[1000000000000000],"chunks":[10],"dtype":"<f8","compressor":null,"fill_value":0,"order":"C","filters":null}',
    );
    const err = await fromZarr(dir).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: "InvalidChunksError",
      message: expect.stringContaining("Use larger chunks"),
    });
  });
});
