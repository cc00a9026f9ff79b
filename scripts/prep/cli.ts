/**
 * `pnpm prep`: the course's data sets (the tutorial's `%run prep.py -d random` / `-d weather`).
 * Run `pnpm prep --help` for the flags. Exit codes: 0 done, 1 failed (e.g. disk full),
 * 2 bad usage, 130/143 interrupted (partial files removed).
 * @module
 */
import { rmSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  activePartials,
  type CommonOptions,
  PrepError,
  type PrepReport,
  prepareCourseData,
  prepareRandom,
  prepareWeather,
} from "./prep.js";
import { releaseHeldLocks } from "./lock.js";
import { previewHdf5 } from "./preview.js";
import { barProgress, silentProgress } from "./progress.js";
import type { Format, PrepDType, ZarrCompression } from "./writers.js";

/** The one-line usage shown with every usage error. */
export const USAGE =
  "usage: pnpm prep -d random|weather [-d ...] [options] | pnpm prep --course | pnpm prep --preview FILE.hdf5 [OUT.png]";

const HELP = `${USAGE}

Makes the course's data sets (as the tutorial's prep.py) under datasets/ of the repository.

  -d, --dataset NAME   random   datasets/random.hdf5: float32 /x, exponential(1), 1e9 values
                                (4 GB), chunks of 1e6
                       weather  datasets/weather-big/YYYY-MM-DD.hdf5: float64 /t2m (kelvin),
                                (5760, 11520) = one-degree field grown x32, chunks (500, 500),
                                31 days from 2014-01-01 (16 GB), plus the one-degree originals
                                datasets/weather-small/YYYY-MM-DD.hdf5 (180, 360)
                       repeat -d for both
      --course         the small versions the course site and pnpm tutorial use, in seconds:
                       random.hdf5 with 1e7 values, weather --growth 4 (720 x 1440) HDF5 for 31
                       days plus the small files, and the site's float32 Zarr weather under
                       course/ (360 x 720 in 360 x 360 chunks, and the 180 x 360 small files)
      --size N         random: number of values (default 1e9)
      --growth G       weather: big files are (180G, 360G) (default 32)
      --days N         weather: number of daily files (default 31)
      --start DATE     weather: first day, YYYY-MM-DD (default 2014-01-01)
      --chunk N        chunk length (random, default 1e6) or edge (weather, default 500)
      --dtype T        float32 | float64 (default: float32 for random, float64 for weather)
      --seed S         non-negative integer seed (default 0); same seed, same bytes
      --format F       hdf5 | zarr | both (default hdf5). Zarr v3 copies, one object per chunk:
                       datasets/random.zarr/x, datasets/weather-big.zarr/<date>/t2m
      --compression C  zstd | blosc | none: Zarr chunk compression (default zstd, and blosc,
                       lz4 after a byte shuffle, for --course; HDF5 is uncompressed)
      --out DIR        write under DIR instead of the repository's datasets/
      --force          rewrite outputs even when a complete one is there (it is kept otherwise)
  -q, --quiet          no progress bar
      --preview        draw a weather file's /t2m as a PNG (RdBu_r): --preview IN.hdf5 [OUT.png]
  -h, --help           this text

Relative paths are taken from the directory pnpm was started in (INIT_CWD).
Exit codes: 0 done, 1 failed (e.g. disk full), 2 bad usage, 130 interrupted.`;

/** A usage error: printed with the usage line, exit code 2. */
class UsageError extends PrepError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** The repository's `datasets/` (this file is scripts/prep/cli.ts). */
const DEFAULT_ROOT = fileURLToPath(new URL("../../datasets", import.meta.url));

/** Where relative paths are resolved: where the user typed `pnpm prep` (pnpm sets INIT_CWD). */
const userCwd = () => process.env.INIT_CWD ?? process.cwd();

/** Integers as people write them: 1000000, 1_000_000, 1e6. */
function parseInteger(flag: string, text: string, min: number): number {
  const clean = text.replaceAll("_", "");
  const v = /^\d+(\.\d+)?(e\d+)?$/i.test(clean) ? Number(clean) : Number.NaN;
  if (!Number.isSafeInteger(v) || v < min)
    throw new UsageError(
      `--${flag} must be an integer >= ${min} (like 1000000 or 1e6), got ${JSON.stringify(text)}`,
    );
  return v;
}

function oneOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text))
    throw new UsageError(`--${flag} must be one of ${allowed.join(", ")}, got ${JSON.stringify(text)}`);
  return text as T;
}

/** What the command line asks for. */
export type Command =
  | { kind: "help" }
  | { kind: "preview"; input: string; output: string }
  | { kind: "course"; options: CommonOptions; quiet: boolean }
  | {
      kind: "prep";
      datasets: ("random" | "weather")[];
      options: CommonOptions & {
        size?: number;
        growth?: number;
        days?: number;
        start?: string;
        chunk?: number;
        dtype?: PrepDType;
      };
      quiet: boolean;
    };

/** Parses and validates the arguments (throws a usage error, exit code 2, when they are wrong). */
export function parseCommand(argv: readonly string[]): Command {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new UsageError((err as Error).message.split("\n")[0]);
  }
  const { values: v, positionals } = parsed;
  if (v.help) return { kind: "help" };
  if (v.preview) {
    if (positionals.length < 1 || positionals.length > 2)
      throw new UsageError("--preview takes an input file and an optional output PNG");
    const input = resolve(userCwd(), positionals[0]);
    const output = resolve(userCwd(), positionals[1] ?? `${positionals[0].replace(/\.(hdf5|h5)$/i, "")}.png`);
    return { kind: "preview", input, output };
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);

  const root = v.out === undefined ? DEFAULT_ROOT : resolve(userCwd(), v.out);
  const format = oneOf("format", v.format ?? "hdf5", ["hdf5", "zarr", "both"] as const);
  const formats: Format[] = format === "both" ? ["hdf5", "zarr"] : [format];
  const common: CommonOptions = {
    root,
    formats,
    ...(v.compression === undefined
      ? {}
      : { compression: oneOf<ZarrCompression>("compression", v.compression, ["zstd", "blosc", "none"]) }),
    seed: v.seed === undefined ? 0 : parseInteger("seed", v.seed, 0),
    force: !!v.force,
  };
  const quiet = !!v.quiet;

  if (v.course) {
    const extra = ["dataset", "size", "growth", "days", "start", "chunk", "dtype", "format"].filter(
      (k) => v[k as keyof typeof v] !== undefined,
    );
    if (extra.length > 0)
      throw new UsageError(`--course fixes its sizes and formats; drop --${extra.join(", --")}`);
    return { kind: "course", options: common, quiet };
  }

  const names = v.dataset ?? [];
  if (names.length === 0) throw new UsageError("say which data set: -d random or -d weather (or --course)");
  for (const n of names)
    if (n !== "random" && n !== "weather")
      throw new UsageError(`unknown dataset ${JSON.stringify(n)} (expected random or weather)`);
  const datasets = [...new Set(names)] as ("random" | "weather")[];
  const only = (flag: string, ds: "random" | "weather") => {
    if (v[flag as keyof typeof v] !== undefined && !datasets.includes(ds))
      throw new UsageError(`--${flag} applies to -d ${ds} only`);
  };
  only("size", "random");
  for (const f of ["growth", "days", "start"]) only(f, "weather");
  if (v.chunk !== undefined && datasets.length > 1)
    throw new UsageError("--chunk means a length for random and an edge for weather: give one -d with it");
  if (v.start !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(v.start))
    throw new UsageError(`--start must be a date YYYY-MM-DD, got ${JSON.stringify(v.start)}`);
  return {
    kind: "prep",
    datasets,
    quiet,
    options: {
      ...common,
      size: v.size === undefined ? undefined : parseInteger("size", v.size, 1),
      growth: v.growth === undefined ? undefined : parseInteger("growth", v.growth, 1),
      days: v.days === undefined ? undefined : parseInteger("days", v.days, 1),
      start: v.start,
      chunk: v.chunk === undefined ? undefined : parseInteger("chunk", v.chunk, 1),
      dtype: v.dtype === undefined ? undefined : oneOf<PrepDType>("dtype", v.dtype, ["float32", "float64"]),
    },
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      dataset: { type: "string", short: "d", multiple: true },
      course: { type: "boolean" },
      size: { type: "string" },
      growth: { type: "string" },
      days: { type: "string" },
      start: { type: "string" },
      chunk: { type: "string" },
      dtype: { type: "string" },
      seed: { type: "string" },
      format: { type: "string" },
      compression: { type: "string" },
      out: { type: "string" },
      force: { type: "boolean" },
      quiet: { type: "boolean", short: "q" },
      preview: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

const show = (p: string) => {
  const r = relative(userCwd(), p);
  return r && !r.startsWith("..") && !isAbsolute(r) ? r : p;
};

function summary(name: string, r: PrepReport): string {
  const parts: string[] = [];
  if (r.written.length > 0)
    parts.push(
      `wrote ${r.written.length === 1 ? show(r.written[0]) : `${r.written.length} outputs`} ` +
        `(${(r.bytes / 1e9).toFixed(2)} GB of data) in ${r.seconds.toFixed(1)} s`,
    );
  if (r.kept.length > 0)
    parts.push(`kept ${r.kept.length === 1 ? show(r.kept[0]) : `${r.kept.length} complete outputs`}`);
  return `${name}: ${parts.join("; ") || "nothing to do"}`;
}

/** Runs a parsed command; returns the exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  let cmd: Command;
  try {
    cmd = parseCommand(argv);
  } catch (err) {
    if (err instanceof PrepError) {
      console.error(`prep: ${err.message}\n${USAGE}\n(pnpm prep --help for all flags)`);
      return err.exitCode;
    }
    throw err;
  }
  if (cmd.kind === "help") {
    console.log(HELP);
    return 0;
  }
  const t0 = performance.now();
  try {
    if (cmd.kind === "preview") {
      const r = await previewHdf5(cmd.input, cmd.output);
      console.log(
        `wrote ${show(cmd.output)}: ${r.shape.join(" x ")} cells, ${r.min.toFixed(1)} to ${r.max.toFixed(1)}`,
      );
      return 0;
    }
    const progress = cmd.quiet ? silentProgress : barProgress();
    const log = (line: string) => console.error(line);
    const options = { ...cmd.options, progress, log };
    let writeRss = 0;
    let firstRss = 0;
    if (cmd.kind === "course") {
      const r = await prepareCourseData(options);
      writeRss = r.writeRss;
      firstRss = r.firstRss;
      console.log(summary("course data", r));
    } else {
      for (const d of cmd.datasets) {
        const r = d === "random" ? await prepareRandom(options) : await prepareWeather(options);
        writeRss = Math.max(writeRss, r.writeRss);
        firstRss ||= r.firstRss;
        console.log(summary(d, r));
      }
    }
    // maxRSS includes start-up (loading h5wasm and the packages); the RSS sampled while writing
    // shows what the data itself costs.
    const mb = (bytes: number) => (bytes / 1e6).toFixed(0);
    console.log(
      `done in ${((performance.now() - t0) / 1000).toFixed(1)} s, peak RSS ${mb(process.resourceUsage().maxRSS * 1024)} MB` +
        (writeRss > 0
          ? ` (RSS while writing: ${mb(firstRss)} MB after the first block, at most ${mb(writeRss)} MB)`
          : ""),
    );
    return 0;
  } catch (err) {
    if (err instanceof PrepError) {
      console.error(`prep: ${err.message}`);
      return err.exitCode;
    }
    throw err;
  }
}

/** On Ctrl-C or a kill, remove what is half written so nothing incomplete is left to look done. */
function onSignal(signal: NodeJS.Signals, code: number): void {
  process.on(signal, () => {
    const partials = activePartials();
    for (const p of partials) rmSync(p, { recursive: true, force: true });
    releaseHeldLocks();
    console.error(
      `\nprep: interrupted${partials.length > 0 ? `; removed ${partials.map(show).join(", ")}` : ""}`,
    );
    process.exit(code);
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  onSignal("SIGINT", 130);
  onSignal("SIGTERM", 143);
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
