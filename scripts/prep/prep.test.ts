/**
 * The prep pipeline on tiny sizes, into temp directories: shapes, dtypes, chunks, value ranges,
 * determinism, resumability, disk-full handling and the h5py round trip.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBlock } from "@chunked/core/internal";
import FileSystemStore from "@zarrita/storage/fs";
import * as zarr from "zarrita";
import { afterAll, describe, expect, it } from "vitest";
import { landMask, rowLatitude } from "./landmask.js";
import { DiskFullError, prepareCourseData, prepareRandom, prepareWeather } from "./prep.js";
import { dailyField, fineBand } from "./weather.js";
import { MARKER_ATTR } from "./writers.js";

/** h5wasm itself, to check the files independently of the writers (and to make odd ones). */
async function loadH5wasm() {
  const { default: h5 } = await import("h5wasm/node");
  (await h5.ready).activate_throwing_error_handler();
  return h5;
}

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "prep-test-"));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface H5Info {
  shape: number[];
  dtype: string;
  chunks: number[] | null;
  values: Float32Array | Float64Array;
  attrs: Record<string, unknown>;
}

async function readH5(path: string, name: string): Promise<H5Info> {
  const h5 = await loadH5wasm();
  const f = new h5.File(path, "r");
  try {
    const d = f.get(name);
    if (!(d instanceof h5.Dataset)) throw new Error(`no ${name}`);
    const m = d.metadata;
    const attrs: Record<string, unknown> = {};
    for (const [k, a] of Object.entries(d.attrs)) attrs[k] = a.json_value;
    return {
      shape: m.shape ?? [],
      dtype: m.size === 4 ? "float32" : "float64",
      chunks: m.chunks,
      values: d.value as Float32Array | Float64Array,
      attrs,
    };
  } finally {
    f.close();
  }
}

async function readZarr(dir: string, name: string) {
  const arr = await zarr.open.v3(zarr.root(new FileSystemStore(dir)).resolve(name), { kind: "array" });
  const all = await zarr.get(arr);
  return {
    shape: arr.shape,
    dtype: arr.dtype,
    chunks: arr.chunks,
    values: all.data as Float32Array | Float64Array,
  };
}

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

function bytesOf(a: Float32Array | Float64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

describe("random", () => {
  it("writes float32 /x of exponential(1) values in chunks, identical in HDF5 and Zarr", async () => {
    const root = tmp();
    const r = await prepareRandom({ root, size: 25_000, chunk: 10_000, formats: ["hdf5", "zarr"] });
    expect(r.written).toEqual([join(root, "random.hdf5"), join(root, "random.zarr")]);
    const h = await readH5(join(root, "random.hdf5"), "/x");
    expect(h.shape).toEqual([25_000]);
    expect(h.dtype).toBe("float32");
    expect(h.chunks).toEqual([10_000]);
    expect(h.values).toBeInstanceOf(Float32Array);
    expect(Math.min(...h.values)).toBeGreaterThanOrEqual(0);
    expect(mean(h.values)).toBeCloseTo(1, 1); // ±0.05; the sampling error is ±0.006
    expect(typeof h.attrs[MARKER_ATTR]).toBe("string");

    const z = await readZarr(join(root, "random.zarr"), "x");
    expect(z.shape).toEqual([25_000]);
    expect(z.dtype).toBe("float32");
    expect(z.chunks).toEqual([10_000]);
    expect(bytesOf(z.values).equals(bytesOf(h.values))).toBe(true);

    // Core's counter-based generator: the values do not depend on how the array is cut.
    const whole = randomBlock({
      dist: { kind: "exponential", scale: 1 },
      seed: 0,
      dtype: "float32",
      arrayShape: [25_000],
      offset: [0],
      shape: [25_000],
    });
    expect(bytesOf(whole.data).equals(bytesOf(h.values))).toBe(true);
  });

  it("is deterministic: same seed, same bytes; another seed, other values", async () => {
    const [a, b, c] = [tmp(), tmp(), tmp()];
    await prepareRandom({ root: a, size: 5000, chunk: 1000, seed: 7, formats: ["hdf5", "zarr"] });
    await prepareRandom({ root: b, size: 5000, chunk: 1000, seed: 7, formats: ["hdf5", "zarr"] });
    await prepareRandom({ root: c, size: 5000, chunk: 1000, seed: 8, formats: ["hdf5"] });
    const [ha, hb, hc] = await Promise.all([a, b, c].map((d) => readH5(join(d, "random.hdf5"), "/x")));
    expect(bytesOf(ha.values).equals(bytesOf(hb.values))).toBe(true);
    expect(bytesOf(ha.values).equals(bytesOf(hc.values))).toBe(false);
    // Zarr chunk objects are byte for byte the same (HDF5 files also embed creation times).
    for (let k = 0; k < 5; k++) {
      const chunk = (d: string) => readFileSync(join(d, "random.zarr", "x", "c", String(k)));
      expect(chunk(a).equals(chunk(b))).toBe(true);
    }
  });
});

describe("resumability", () => {
  it("replaces a leftover .partial, keeps a complete file, rewrites on --force or other parameters", async () => {
    const root = tmp();
    const file = join(root, "random.hdf5");
    writeFileSync(`${file}.partial`, "left over by an interrupted run");
    const first = await prepareRandom({ root, size: 3000, chunk: 1000 });
    expect(first.written).toEqual([file]);
    expect(existsSync(`${file}.partial`)).toBe(false);
    const mtime = statSync(file).mtimeMs;

    const again = await prepareRandom({ root, size: 3000, chunk: 1000 });
    expect(again.written).toEqual([]);
    expect(again.kept).toEqual([file]);
    expect(statSync(file).mtimeMs).toBe(mtime);

    const notes: string[] = [];
    const other = await prepareRandom({ root, size: 3000, chunk: 1000, seed: 1, log: (l) => notes.push(l) });
    expect(other.written).toEqual([file]);
    expect(notes.join("\n")).toMatch(/other parameters/);

    const bigger = await prepareRandom({ root, size: 4000, chunk: 1000, seed: 1, log: (l) => notes.push(l) });
    expect(bigger.written).toEqual([file]);
    expect(notes.join("\n")).toMatch(/shape \[3000\]/);

    const m2 = statSync(file).mtimeMs;
    const forced = await prepareRandom({ root, size: 4000, chunk: 1000, seed: 1, force: true });
    expect(forced.written).toEqual([file]);
    expect(statSync(file).mtimeMs).not.toBe(m2);
  });

  it("treats a file without the completeness marker as incomplete", async () => {
    const root = tmp();
    const file = join(root, "random.hdf5");
    const h5 = await loadH5wasm();
    const f = new h5.File(file, "w");
    f.create_dataset({ name: "x", data: new Float32Array(3000), chunks: [1000] });
    f.close();
    const notes: string[] = [];
    const r = await prepareRandom({ root, size: 3000, chunk: 1000, log: (l) => notes.push(l) });
    expect(r.written).toEqual([file]);
    expect(notes.join("\n")).toMatch(/no completeness marker/);
  });

  it("keeps complete Zarr copies and replaces a stale one", async () => {
    const root = tmp();
    await prepareWeather({ root, growth: 2, days: 1, chunk: 200, formats: ["zarr"] });
    const dir = join(root, "weather-big.zarr", "2014-01-01");
    const chunkFile = join(dir, "t2m", "c", "0", "0");
    const mtime = statSync(chunkFile).mtimeMs;
    const again = await prepareWeather({ root, growth: 2, days: 1, chunk: 200, formats: ["zarr"] });
    expect(again.written).toEqual([]);
    expect(again.kept).toHaveLength(2);
    expect(statSync(chunkFile).mtimeMs).toBe(mtime);
    const other = await prepareWeather({
      root,
      growth: 2,
      days: 1,
      chunk: 200,
      formats: ["zarr"],
      compression: "none",
    });
    expect(other.written).toHaveLength(2);
    expect(readdirSync(join(root, "weather-big.zarr")).sort()).toEqual(["2014-01-01", "zarr.json"]);
  });
});

describe("weather", () => {
  it("writes daily big and small files with the asked shape, dtype and chunks", async () => {
    const root = tmp();
    const r = await prepareWeather({ root, growth: 2, days: 2, chunk: 100, formats: ["hdf5", "zarr"] });
    expect(r.written).toHaveLength(8);
    expect(readdirSync(join(root, "weather-big")).sort()).toEqual(["2014-01-01.hdf5", "2014-01-02.hdf5"]);
    const big = await readH5(join(root, "weather-big", "2014-01-02.hdf5"), "/t2m");
    expect(big.shape).toEqual([360, 720]);
    expect(big.dtype).toBe("float64");
    expect(big.chunks).toEqual([100, 100]);
    expect(big.attrs.units).toBe("K");
    expect(big.attrs.date).toBe("2014-01-02");
    const small = await readH5(join(root, "weather-small", "2014-01-02.hdf5"), "/t2m");
    expect(small.shape).toEqual([180, 360]);
    expect(small.chunks).toEqual([100, 100]);
    const z = await readZarr(join(root, "weather-big.zarr", "2014-01-02"), "t2m");
    expect(z.shape).toEqual([360, 720]);
    expect(z.chunks).toEqual([100, 100]);
    expect(bytesOf(z.values).equals(bytesOf(big.values))).toBe(true);
    const zs = await readZarr(join(root, "weather-small.zarr", "2014-01-02"), "t2m");
    expect(bytesOf(zs.values).equals(bytesOf(small.values))).toBe(true);
    // The small files are the one-degree field itself.
    expect(bytesOf(small.values).equals(bytesOf(dailyField("2014-01-02", 0)))).toBe(true);
  });

  it("writes blosc Zarr (lz4 after a byte shuffle, a standard v3 codec) holding the HDF5's values", async () => {
    const root = tmp();
    await prepareWeather({
      root,
      growth: 1,
      days: 1,
      dtype: "float32",
      small: false,
      formats: ["hdf5", "zarr"],
      compression: "blosc",
    });
    const meta = JSON.parse(
      readFileSync(join(root, "weather-big.zarr", "2014-01-01", "t2m", "zarr.json"), "utf8"),
    );
    expect(meta.codecs.map((c: { name: string }) => c.name)).toEqual(["bytes", "blosc"]);
    expect(meta.codecs[1].configuration).toMatchObject({ cname: "lz4", shuffle: "shuffle", typesize: 4 });
    const z = await readZarr(join(root, "weather-big.zarr", "2014-01-01"), "t2m");
    const h = await readH5(join(root, "weather-big", "2014-01-01.hdf5"), "/t2m");
    expect(bytesOf(z.values).equals(bytesOf(h.values))).toBe(true);
    // A store of another codec is stale: asking for zstd rewrites the blosc copy.
    const zstd = await prepareWeather({
      root,
      growth: 1,
      days: 1,
      dtype: "float32",
      small: false,
      formats: ["zarr"],
    });
    expect(zstd.written).toHaveLength(1);
  });

  it("writes float32 with --dtype float32", async () => {
    const root = tmp();
    await prepareWeather({ root, growth: 1, days: 1, dtype: "float32", small: false });
    const h = await readH5(join(root, "weather-big", "2014-01-01.hdf5"), "/t2m");
    expect(h.dtype).toBe("float32");
    expect(h.values).toBeInstanceOf(Float32Array);
    expect(h.chunks).toEqual([180, 360]);
  });

  it("looks like Earth in January: 200-330 K, warm tropics, cold poles, cold northern continents", () => {
    const land = landMask();
    const frac = mean(land);
    expect(frac).toBeGreaterThan(0.25); // Natural Earth land is ~29% of cells on a lat-lon grid
    expect(frac).toBeLessThan(0.35);
    for (const date of ["2014-01-01", "2014-01-16", "2014-01-31"]) {
      const t = dailyField(date, 0);
      expect(Math.min(...t)).toBeGreaterThan(200);
      expect(Math.max(...t)).toBeLessThan(330);
      const zone = (lo: number, hi: number, where: (c: number) => boolean = () => true) => {
        const v: number[] = [];
        for (let i = 0; i < 180; i++) {
          const lat = rowLatitude(i);
          if (lat < lo || lat > hi) continue;
          for (let j = 0; j < 360; j++) if (where(i * 360 + j)) v.push(t[i * 360 + j]);
        }
        return mean(v);
      };
      const tropics = zone(-20, 20);
      expect(tropics).toBeGreaterThan(293);
      expect(tropics).toBeLessThan(305);
      expect(tropics - zone(70, 90)).toBeGreaterThan(35);
      expect(tropics - zone(-90, -70)).toBeGreaterThan(35);
      // January: northern land much colder than northern sea; southern land warmer than its sea.
      const isLand = (c: number) => land[c] === 1;
      const isSea = (c: number) => land[c] === 0;
      expect(zone(40, 65, isSea) - zone(40, 65, isLand)).toBeGreaterThan(8);
      expect(zone(-35, -15, isLand) - zone(-35, -15, isSea)).toBeGreaterThan(3);
    }
  });

  it("changes smoothly from day to day and differs between seeds", () => {
    const d1 = dailyField("2014-01-01", 0);
    const d2 = dailyField("2014-01-02", 0);
    const d8 = dailyField("2014-01-08", 0);
    const other = dailyField("2014-01-01", 1);
    const mad = (a: Float64Array, b: Float64Array) => mean(a.map((v, i) => Math.abs(v - b[i])));
    expect(mad(d1, d2)).toBeGreaterThan(0.2); // weather moves
    expect(mad(d1, d2)).toBeLessThan(2.5); // but one day after looks alike
    expect(mad(d1, d8)).toBeGreaterThan(mad(d1, d2));
    expect(mad(d1, other)).toBeGreaterThan(0.5);
    expect(bytesOf(dailyField("2014-01-01", 0)).equals(bytesOf(d1))).toBe(true);
  });

  it("grows the one-degree field smoothly: block means stay close, bands are independent", () => {
    const coarse = dailyField("2014-01-05", 3);
    const G = 4;
    const W = 360 * G;
    const full = new Float64Array(180 * G * W);
    fineBand(coarse, G, 0, 180 * G, "2014-01-05", 3, full);
    // Any banding gives the same values (each value depends on its global index only).
    const band = new Float64Array(7 * W);
    fineBand(coarse, G, 101, 108, "2014-01-05", 3, band);
    expect(bytesOf(band).equals(bytesOf(full.subarray(101 * W, 108 * W)))).toBe(true);
    let worst = 0;
    let total = 0;
    for (let i = 0; i < 180; i++) {
      for (let j = 0; j < 360; j++) {
        let s = 0;
        for (let a = 0; a < G; a++) for (let b = 0; b < G; b++) s += full[(i * G + a) * W + j * G + b];
        const d = Math.abs(s / (G * G) - coarse[i * 360 + j]);
        worst = Math.max(worst, d);
        total += d;
      }
    }
    expect(total / (180 * 360)).toBeLessThan(0.5);
    expect(worst).toBeLessThan(12); // at sharp coasts the bilinear blend differs most
    // Neighbouring fine cells are close (smooth), unlike white noise of the field's size.
    let step = 0;
    for (let k = 1; k < W; k++) step += Math.abs(full[300 * W + k] - full[300 * W + k - 1]);
    expect(step / W).toBeLessThan(0.6);
  });
});

describe("disk full", () => {
  it("refuses to start when the disk cannot hold the outputs", async () => {
    const root = tmp();
    await expect(prepareRandom({ root, size: 2 ** 52, chunk: 1e6 })).rejects.toThrow(
      /not enough disk space .* free [\d.]+ GB more/,
    );
  });

  // A 2 MB tmpfs needs root and mount(8); elsewhere this is skipped.
  const small = mkdtempSync(join(tmpdir(), "prep-test-tiny-fs-"));
  const canMount = (() => {
    if (process.getuid?.() !== 0) return false;
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", small], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  })();
  afterAll(() => {
    if (canMount) spawnSync("umount", [small]);
    rmSync(small, { recursive: true, force: true });
  });

  it.skipIf(!canMount)("says how much space is needed and removes the partial file (ENOSPC)", async () => {
    for (const format of ["hdf5", "zarr"] as const) {
      const err = await prepareRandom({
        root: small,
        size: 1_000_000,
        chunk: 100_000,
        formats: [format],
        checkSpace: false,
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DiskFullError);
      expect((err as Error).message).toMatch(
        /^disk full while writing .*random\.(hdf5|zarr): free [\d.]+ [GM]B needed/,
      );
      expect(readdirSync(small)).toEqual([]);
    }
  });
});

describe("h5py", () => {
  const hasH5py = spawnSync("/usr/bin/python3", ["-c", "import h5py"]).status === 0;
  it.skipIf(!hasH5py)("opens the files with the right shape, dtype, chunks and values", async () => {
    const root = tmp();
    await prepareRandom({ root, size: 3000, chunk: 1000 });
    await prepareWeather({ root, growth: 2, days: 1, chunk: 100, dtype: "float32" });
    const script = `
import h5py, json, sys
out = {}
for name, ds in [("random.hdf5", "/x"), ("weather-big/2014-01-01.hdf5", "/t2m"), ("weather-small/2014-01-01.hdf5", "/t2m")]:
    with h5py.File(sys.argv[1] + "/" + name, "r") as f:
        d = f[ds]
        out[name] = dict(shape=list(d.shape), dtype=str(d.dtype), chunks=list(d.chunks), first=float(d[(0,) * d.ndim]), units=d.attrs.get("units"))
print(json.dumps(out))`;
    const out = JSON.parse(execFileSync("/usr/bin/python3", ["-c", script, root], { encoding: "utf8" }));
    expect(out["random.hdf5"]).toMatchObject({ shape: [3000], dtype: "float32", chunks: [1000] });
    expect(out["random.hdf5"].first).toBe((await readH5(join(root, "random.hdf5"), "/x")).values[0]);
    expect(out["weather-big/2014-01-01.hdf5"]).toMatchObject({
      shape: [360, 720],
      dtype: "float32",
      chunks: [100, 100],
      units: "K",
    });
    expect(out["weather-small/2014-01-01.hdf5"]).toMatchObject({ shape: [180, 360], dtype: "float32" });
  });
});

describe("course data", () => {
  it("prepares the small versions in both formats, and keeps them on a second call", async () => {
    const root = tmp();
    const r = await prepareCourseData({ root });
    // random.hdf5 + 31 days x (small + big) HDF5 + 31 days x (small + big) browser Zarr
    expect(r.written).toHaveLength(1 + 31 * 2 + 31 * 2);
    // No float64 Zarr copies: nothing reads them.
    expect(existsSync(join(root, "weather-big.zarr"))).toBe(false);
    expect(existsSync(join(root, "random.zarr"))).toBe(false);
    const browser = await readZarr(join(root, "course", "weather-big.zarr", "2014-01-31"), "t2m");
    expect(browser).toMatchObject({ shape: [360, 720], dtype: "float32", chunks: [360, 360] });
    const codecs = JSON.parse(
      readFileSync(join(root, "course", "weather-big.zarr", "2014-01-31", "t2m", "zarr.json"), "utf8"),
    ).codecs.map((c: { name: string }) => c.name);
    expect(codecs).toEqual(["bytes", "blosc"]);
    const phone = await readZarr(join(root, "course", "weather-small.zarr", "2014-01-31"), "t2m");
    expect(phone).toMatchObject({ shape: [180, 360], dtype: "float32" });
    const big = await readH5(join(root, "weather-big", "2014-01-31.hdf5"), "/t2m");
    expect(big.shape).toEqual([720, 1440]);
    expect(big.chunks).toEqual([500, 500]);
    const x = await readH5(join(root, "random.hdf5"), "/x");
    expect(x.shape).toEqual([1e7]);
    expect(x.chunks).toEqual([1e6]);
    const again = await prepareCourseData({ root });
    expect(again.written).toEqual([]);
    expect(again.kept).toHaveLength(r.written.length);
  }, 300_000);
});
