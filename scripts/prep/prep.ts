/**
 * The course's data sets, as the tutorial's `prep.py` makes them:
 * - `random`: `random.hdf5`, float32 dataset `/x` of exponential(1) values (1e9 by default),
 *   chunks of 1e6, from core's counter-based generator, so a seed always gives the same values;
 * - `weather`: daily files `weather-big/YYYY-MM-DD.hdf5` with `/t2m` (kelvin, (5760, 11520),
 *   chunks (500, 500) by default) and their one-degree originals `weather-small/YYYY-MM-DD.hdf5`.
 * Zarr copies (v3, one object per chunk) go to `random.zarr/x` and `weather-*.zarr/<date>/t2m`:
 * each HDF5 file is a Zarr group and each dataset an array at the same path.
 *
 * Everything streams block by block (bounded memory whatever the size), is idempotent (a complete
 * output made with the same parameters is kept), and is written to `*.partial` and renamed.
 * A seed gives the same values every time: Zarr chunk objects are byte-identical, HDF5 files hold
 * the same data bytes (HDF5 also records creation times, so whole files differ).
 * @module
 */
import { existsSync, mkdirSync, statfsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { NDArray, randomBlock } from "@chunked/core/internal";
import { withPrepLock } from "./lock.js";
import { silentProgress, type Progress } from "./progress.js";
import { dailyField, dateRange, fineBand } from "./weather.js";
import {
  checkExisting,
  createTarget,
  type DatasetSpec,
  type Format,
  type PrepDType,
  type PrepTarget,
  partialPath,
  type Region,
  removePartial,
  writeGroupJson,
  type ZarrCompression,
} from "./writers.js";

/** A failure the CLI reports as one line, with its exit code (2 = bad usage). */
export class PrepError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "PrepError";
  }
}

/** The disk filled up (or would): the message says how much space the run needs. */
export class DiskFullError extends PrepError {
  constructor(message: string) {
    super(message, 1);
    this.name = "DiskFullError";
  }
}

/** Options shared by every data set. */
export interface CommonOptions {
  /** Directory the data sets go in (the CLI's default is the repository's `datasets/`). */
  root: string;
  /** Output formats; default `["hdf5"]`. */
  formats?: readonly Format[];
  /** Zarr chunk compression; default `"zstd"` (`"blosc"` for the course's Zarr weather). */
  compression?: ZarrCompression;
  /** Non-negative integer seed; default 0. */
  seed?: number;
  /** Rewrite outputs even when a complete one exists. */
  force?: boolean;
  /** Progress sink; default silent. */
  progress?: Progress;
  /** Where notes go ("kept ...", "rewriting ..."); default nowhere. */
  log?: (line: string) => void;
  /** Check the free disk space before writing; default true. */
  checkSpace?: boolean;
}

/** Options of the `random` data set. */
export interface RandomOptions extends CommonOptions {
  /** Number of values; default 1e9 (4 GB of float32). */
  size?: number;
  /** Values per chunk and per write; default 1e6. */
  chunk?: number;
  /** default `"float32"`. */
  dtype?: PrepDType;
}

/** Options of the `weather` data set. */
export interface WeatherOptions extends CommonOptions {
  /** Growth factor of the big files: shape (180·growth, 360·growth); default 32. */
  growth?: number;
  /** Number of daily files; default 31. */
  days?: number;
  /** First date, `YYYY-MM-DD`; default `"2014-01-01"`. */
  start?: string;
  /** default `"float64"`. */
  dtype?: PrepDType;
  /** Chunk edge of the big files (chunks `(chunk, chunk)`, also the rows per write); default 500. */
  chunk?: number;
  /** Also write the one-degree files `weather-small/`; default true. */
  small?: boolean;
}

/** What a run did. */
export interface PrepReport {
  /** Outputs written (final paths). */
  written: string[];
  /** Complete outputs found and kept. */
  kept: string[];
  /** Bytes of array data generated. */
  bytes: number;
  seconds: number;
  /**
   * Highest resident set size sampled after each block while writing (bytes). Unlike the
   * process's maxRSS it leaves out start-up costs (loading h5wasm and the packages).
   */
  writeRss: number;
  /** Resident set size after the first block (bytes): `writeRss - firstRss` is what writing grew. */
  firstRss: number;
}

/** One dataset to generate, written to one or more outputs. */
interface Job {
  spec: DatasetSpec;
  outputs: { format: Format; path: string }[];
  /** Zarr groups that contain this output's group (created if missing). */
  parents?: { dir: string; attrs: Record<string, unknown> }[];
  blocks(): Iterable<{ region: Region; block: NDArray }>;
}

const GENERATOR = "@chunked/scripts prep";
const VERSION = 1;
const ITEMSIZE: Record<PrepDType, number> = { float32: 4, float64: 8 };

/** Partial outputs being written now, so a signal handler can remove them. */
const active = new Set<string>();

/** Paths of the `*.partial` outputs being written at this moment. */
export function activePartials(): string[] {
  return [...active];
}

function checkInt(name: string, v: number, min: number): number {
  if (!Number.isSafeInteger(v) || v < min)
    throw new PrepError(`${name} must be an integer >= ${min}, got ${v}`, 2);
  return v;
}

function randomJob(o: RandomOptions): Job {
  const size = checkInt("size", o.size ?? 1e9, 1);
  const chunk = Math.min(size, checkInt("chunk", o.chunk ?? 1e6, 1));
  const seed = checkInt("seed", o.seed ?? 0, 0);
  const dtype = o.dtype ?? "float32";
  const spec: DatasetSpec = {
    name: "/x",
    shape: [size],
    dtype,
    chunks: [chunk],
    attrs: { description: "exponential(1) random values", seed },
    marker: { generator: GENERATOR, version: VERSION, dataset: "random", dist: "exponential(1)", seed },
  };
  return {
    spec,
    outputs: outputs(o, join(o.root, "random.hdf5"), join(o.root, "random.zarr")),
    *blocks() {
      for (let s = 0; s < size; s += chunk) {
        const e = Math.min(size, s + chunk);
        const block = randomBlock({
          dist: { kind: "exponential", scale: 1 },
          seed,
          dtype,
          arrayShape: [size],
          offset: [s],
          shape: [e - s],
        });
        yield { region: [[s, e, 1]], block };
      }
    },
  };
}

function outputs(o: CommonOptions, h5: string, zarrDir: string): Job["outputs"] {
  const formats = o.formats ?? ["hdf5"];
  const out: Job["outputs"] = [];
  if (formats.includes("hdf5")) out.push({ format: "hdf5", path: h5 });
  if (formats.includes("zarr")) out.push({ format: "zarr", path: zarrDir });
  return out;
}

/** The last day's one-degree field, shared by its small and big files. */
let lastField: { date: string; seed: number; field: Float64Array } | undefined;

function fieldOf(date: string, seed: number): Float64Array {
  if (lastField?.date !== date || lastField.seed !== seed)
    lastField = { date, seed, field: dailyField(date, seed) };
  return lastField.field;
}

function weatherJobs(o: WeatherOptions): Job[] {
  const growth = checkInt("growth", o.growth ?? 32, 1);
  const days = checkInt("days", o.days ?? 31, 1);
  const chunk = checkInt("chunk", o.chunk ?? 500, 1);
  const seed = checkInt("seed", o.seed ?? 0, 0);
  const dtype = o.dtype ?? "float64";
  const start = o.start ?? "2014-01-01";
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || !Number.isFinite(Date.parse(`${start}T00:00:00Z`)))
    throw new PrepError(`start must be a date YYYY-MM-DD, got ${start}`, 2);
  const jobs: Job[] = [];
  for (const date of dateRange(start, days)) {
    const sizes: [string, number][] = o.small === false ? [] : [["weather-small", 1]];
    sizes.push(["weather-big", growth]);
    for (const [name, g] of sizes) {
      const H = 180 * g;
      const W = 360 * g;
      const ch = [Math.min(chunk, H), Math.min(chunk, W)];
      const spec: DatasetSpec = {
        name: "/t2m",
        shape: [H, W],
        dtype,
        chunks: ch,
        attrs: {
          units: "K",
          long_name: "2 metre temperature (synthetic)",
          date,
          grid: `global ${180 / H} degree, row 0 at 90N, column 0 at 180W`,
        },
        marker: { generator: GENERATOR, version: VERSION, dataset: "weather", date, seed, growth: g },
      };
      const zroot = join(o.root, `${name}.zarr`);
      jobs.push({
        spec,
        outputs: outputs(o, join(o.root, name, `${date}.hdf5`), join(zroot, date)),
        parents: [
          {
            dir: zroot,
            attrs: { description: `synthetic daily 2-m temperature, one group per date (${name})` },
          },
        ],
        *blocks() {
          const coarse = fieldOf(date, seed);
          // One band buffer for the whole file: each band is written (awaited) before the next is
          // generated, and reusing it spares the GC ~46 MB of garbage per band at full size.
          const n = Math.min(ch[0], H) * W;
          const buffer = dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
          for (let r0 = 0; r0 < H; r0 += ch[0]) {
            const r1 = Math.min(H, r0 + ch[0]);
            const data = buffer.subarray(0, (r1 - r0) * W);
            fineBand(coarse, g, r0, r1, date, seed, data);
            yield {
              region: [
                [r0, r1, 1],
                [0, W, 1],
              ],
              block: new NDArray(dtype, data, [r1 - r0, W]),
            };
          }
        },
      });
    }
  }
  return jobs;
}

/** Bytes an output takes on disk at most: whole chunks, uncompressed. */
function diskBytes(spec: DatasetSpec): number {
  return spec.shape.reduce(
    (n, s, i) => n * Math.ceil(s / spec.chunks[i]) * spec.chunks[i],
    ITEMSIZE[spec.dtype],
  );
}

function arrayBytes(spec: DatasetSpec): number {
  return spec.shape.reduce((n, s) => n * s, ITEMSIZE[spec.dtype]);
}

/** "16.5 GB", "4.00 GB", "3.1 MB". */
const gb = (bytes: number) =>
  bytes >= 1e9 ? `${(bytes / 1e9).toFixed(bytes < 1e10 ? 2 : 1)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;

function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
}

/** ENOSPC from Node's fs (Zarr) or HDF5's text (h5wasm), possibly wrapped in io's errors' causes. */
function isDiskFull(err: unknown): boolean {
  let e = err as { code?: string; message?: string; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 8; depth++) {
    if (e.code === "ENOSPC" || /ENOSPC|No space left on device/i.test(String(e.message ?? e))) return true;
    e = e.cause as typeof e;
  }
  return false;
}

function runJobs(jobs: Job[], o: CommonOptions, title: string): Promise<PrepReport> {
  mkdirSync(o.root, { recursive: true });
  return withPrepLock(o.root, o.log ?? (() => {}), () => runJobsLocked(jobs, o, title));
}

async function runJobsLocked(jobs: Job[], o: CommonOptions, title: string): Promise<PrepReport> {
  const t0 = performance.now();
  const log = o.log ?? (() => {});
  const progress = o.progress ?? silentProgress;
  const compression = o.compression ?? "zstd";
  // Outputs are named like "datasets/random.hdf5" in the bar and notes.
  const rel = (p: string) => relative(dirname(o.root), p) || p;
  const report: PrepReport = { written: [], kept: [], bytes: 0, seconds: 0, writeRss: 0, firstRss: 0 };

  const pending: { job: Job; outs: Job["outputs"] }[] = [];
  for (const job of jobs) {
    const outs: Job["outputs"] = [];
    for (const out of job.outputs) {
      if (!o.force) {
        const existing = await checkExisting(out.format, out.path, job.spec, compression);
        if (existing.state === "complete") {
          report.kept.push(out.path);
          continue;
        }
        if (existing.state === "stale") log(`${rel(out.path)} exists but ${existing.why}: rewriting it`);
      }
      outs.push(out);
    }
    if (outs.length > 0) pending.push({ job, outs });
  }
  if (report.kept.length > 0) log(`kept ${report.kept.length} complete output(s) (--force rewrites them)`);

  let need = pending.reduce((n, p) => n + p.outs.length * diskBytes(p.job.spec), 0);
  if (o.checkSpace !== false && need > 0) {
    const free = freeBytes(o.root);
    if (need > free)
      throw new DiskFullError(
        `not enough disk space in ${o.root} for ${title}: free ${gb(need - free)} more (${gb(need)} needed, ${gb(free)} free)`,
      );
  }

  const total = pending.reduce((n, p) => n + arrayBytes(p.job.spec), 0);
  if (total === 0) {
    report.seconds = (performance.now() - t0) / 1000;
    return report;
  }
  progress.start(title, total);
  try {
    for (const { job, outs } of pending) {
      for (const p of job.parents ?? [])
        if (!existsSync(join(p.dir, "zarr.json")) && outs.some((x) => x.format === "zarr"))
          writeGroupJson(p.dir, p.attrs);
      const targets: PrepTarget[] = [];
      let current = outs[0].path;
      try {
        for (const out of outs) {
          current = out.path;
          active.add(partialPath(out.path));
          targets.push(await createTarget(out.format, out.path, job.spec, compression));
        }
        for (const { region, block } of job.blocks()) {
          for (const t of targets) {
            current = t.path;
            await t.write(region, block);
          }
          const bytes = block.data.byteLength;
          report.bytes += bytes;
          progress.advance(bytes, rel(outs[0].path));
          const rss = process.memoryUsage.rss();
          report.firstRss ||= rss;
          report.writeRss = Math.max(report.writeRss, rss);
          // Let timers (the progress bar) and signal handlers run between blocks.
          await new Promise((r) => setImmediate(r));
        }
        for (const t of targets) {
          current = t.path;
          await t.finish();
          report.written.push(t.path);
        }
      } catch (err) {
        // Closing a file whose write failed can fail again (HDF5 flushes on close): keep the first
        // error; the partial output is removed either way.
        for (const t of targets) await t.abort().catch(() => {});
        for (const out of outs) removePartial(out.path);
        if (isDiskFull(err)) {
          const free = freeBytes(o.root);
          throw new DiskFullError(
            `disk full while writing ${current}: free ${gb(Math.max(need - free, 0))} needed ` +
              `(${gb(need)} still to write, ${gb(free)} free now; the partial file was removed)`,
          );
        }
        throw err;
      } finally {
        for (const out of outs) active.delete(partialPath(out.path));
      }
      need -= outs.length * diskBytes(job.spec);
    }
  } finally {
    progress.stop();
  }
  report.seconds = (performance.now() - t0) / 1000;
  return report;
}

/** Writes the `random` data set (see the module docs). */
export function prepareRandom(o: RandomOptions): Promise<PrepReport> {
  return runJobs([randomJob(o)], o, "random");
}

/** Writes the `weather` data set: the big daily files and, by default, the one-degree ones. */
export function prepareWeather(o: WeatherOptions): Promise<PrepReport> {
  return runJobs(weatherJobs(o), o, "weather");
}

/** Sizes of the course's data (what `pnpm prep --course` writes). */
export const COURSE = {
  randomSize: 1e7,
  weatherGrowth: 4,
  days: 31,
  /** The browser's weather: (360, 720) float32 in the file's (360, 360) chunks. */
  browserGrowth: 2,
  browserChunk: 360,
} as const;

/**
 * The course's data, small enough to make in seconds, through exactly the code paths of the big
 * runs, and only what something reads:
 * - `random.hdf5` with 1e7 values (the site's lessons 1–2 over HTTP ranges, `pnpm tutorial`);
 * - weather grown ×4 (720 × 1440 float64) for 31 days plus the one-degree files, HDF5
 *   (`pnpm tutorial`);
 * - `course/weather-big.zarr`, 31 days of (360, 720) float32 in (360, 360) chunks (19 MB, blosc:
 *   lz4 after a byte shuffle), and its one-degree `course/weather-small.zarr` (for phones): what
 *   the site's lesson 3 streams.
 *
 * Complete outputs are kept, so calling it again is cheap.
 *
 * @param options.root Directory the data sets go in (e.g. the repository's `datasets/`).
 * @example
 * ```ts
 * const report = await prepareCourseData({ root: "datasets" });
 * report.written; // [".../random.hdf5", ".../weather-small/2014-01-01.hdf5", ...] (empty when all were there)
 * ```
 */
export async function prepareCourseData(
  options: Pick<CommonOptions, "root" | "force" | "progress" | "log" | "seed" | "compression">,
): Promise<PrepReport> {
  const common: CommonOptions = { ...options, formats: ["hdf5"] };
  const reports = [
    await prepareRandom({ ...common, size: COURSE.randomSize }),
    await prepareWeather({ ...common, growth: COURSE.weatherGrowth, days: COURSE.days }),
    await prepareWeather({
      ...options,
      root: join(options.root, "course"),
      formats: ["zarr"],
      // Byte-shuffled float32 compresses to 19 MB instead of zstd's 26 MB: less for the browser to fetch.
      compression: options.compression ?? "blosc",
      growth: COURSE.browserGrowth,
      chunk: COURSE.browserChunk,
      dtype: "float32",
      days: COURSE.days,
    }),
  ];
  return {
    written: reports.flatMap((r) => r.written),
    kept: reports.flatMap((r) => r.kept),
    bytes: reports.reduce((n, r) => n + r.bytes, 0),
    seconds: reports.reduce((n, r) => n + r.seconds, 0),
    writeRss: Math.max(...reports.map((r) => r.writeRss)),
    firstRss: reports.find((r) => r.firstRss)?.firstRss ?? 0,
  };
}
