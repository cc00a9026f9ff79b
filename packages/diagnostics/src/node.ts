/**
 * `@chunked/diagnostics/node`: the Node-only diagnostics — a terminal progress bar (cli-progress)
 * for computes and byte counts, task graphs written as SVG files, 2-D arrays written as PNG files.
 *
 * @example
 * ```ts
 * import { ProgressBar, imshow, visualize } from "@chunked/diagnostics/node";
 * await y.compute({ executor: pool, onProgress: new ProgressBar({ title: "mean" }).onProgress });
 * await visualize(y, { filename: "mean.svg", optimize: true });
 * await imshow(y, { filename: "mean.png", cmap: "RdBu_r" });
 * ```
 * @module
 */
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import {
  ChunkedArray,
  type NDArray,
  type ProgressEvent,
  type ProgressInfo,
  progressHook,
  type RasterOptions,
  type Rgba,
  rasterRgba,
} from "@chunked/core";
import cliProgress from "cli-progress";
import { crc32 } from "./crc32.js";
import { type GraphSvgOptions, graphSvg } from "./index.js";

export { type GraphSvgOptions, graphSvg } from "./index.js";

/** Where and whether a bar draws. */
export interface BarOutputOptions {
  /** Where to draw (default `process.stderr`). Not a terminal: a line every 2 s instead of redraws. */
  stream?: NodeJS.WriteStream;
  /**
   * Draw at all. Default: only where someone watches, i.e. when stdout and `stream` are terminals and
   * the `CI` environment variable is not set (a bar in a log file or a pipe is noise).
   */
  enabled?: boolean;
}

/** Options of {@link ProgressBar}. */
export interface ProgressBarOptions extends BarOutputOptions {
  /** Text before the bar (default "compute"). */
  title?: string;
}

/** The default of {@link BarOutputOptions.enabled}. */
function watched(stream: NodeJS.WriteStream): boolean {
  const ci = process.env.CI;
  return Boolean(stream.isTTY && process.stdout.isTTY) && (!ci || ci === "false" || ci === "0");
}

const MB = 1e6;
const seconds = (ms: number | undefined) =>
  ms === undefined ? "-" : ms >= 60_000 ? `${Math.round(ms / 60_000)}m` : `${(ms / 1000).toFixed(1)}s`;

function newBar(format: string, stream: NodeJS.WriteStream): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    { format, stream, noTTYOutput: true, notTTYSchedule: 2000, etaBuffer: 50, hideCursor: null, barsize: 30 },
    cliProgress.Presets.shades_classic,
  );
}

/**
 * dask's `ProgressBar` for a terminal: tasks done of total, percentage, tasks per second, ETA and
 * the bytes the scheduler holds. Give its `onProgress` to a compute; it starts with the first event
 * and stops by itself when the run is done (one bar per run, so one instance serves several).
 *
 * @example
 * ```ts
 * const bar = new ProgressBar({ title: "weather mean" });
 * await mean.compute({ executor: pool, onProgress: bar.onProgress });
 * // weather mean ██████████████░░░░░░░░░░░░░░░░ 47% | 620/1311 tasks | 410/s | ETA 1.7s | held 96 MB
 * ```
 * @see dask.diagnostics.ProgressBar
 */
export class ProgressBar {
  readonly #title: string;
  readonly #stream: NodeJS.WriteStream;
  readonly #enabled: boolean;
  #bar: cliProgress.SingleBar | undefined;
  #hook: ((event: ProgressEvent) => void) | undefined;

  constructor(options: ProgressBarOptions = {}) {
    this.#title = options.title ?? "compute";
    this.#stream = options.stream ?? process.stderr;
    this.#enabled = options.enabled ?? watched(this.#stream);
  }

  #render(p: ProgressInfo): void {
    const tokens = {
      rate: p.tasksPerSecond.toFixed(0),
      etaText: seconds(p.etaMs),
      held:
        p.bytesHeld >= MB ? `${(p.bytesHeld / MB).toFixed(0)} MB` : `${(p.bytesHeld / 1e3).toFixed(0)} kB`,
    };
    if (!this.#bar) {
      this.#bar = newBar(
        `${this.#title} {bar} {percentage}% | {value}/{total} tasks | {rate}/s | ETA {etaText} | held {held}`,
        this.#stream,
      );
      this.#bar.start(Math.max(1, p.total), p.done, tokens);
    }
    this.#bar.setTotal(Math.max(1, p.total));
    this.#bar.update(p.done, tokens);
    if (p.finished) this.stop();
  }

  /** The compute `onProgress` callback that drives the bar. */
  readonly onProgress = (event: ProgressEvent): void => {
    if (!this.#enabled) return;
    this.#hook ??= progressHook((p) => this.#render(p), { intervalMs: 100 });
    this.#hook(event);
  };

  /** Stops the bar (a failed or aborted run leaves it where it was); the next run starts a new one. */
  stop(): void {
    this.#bar?.stop();
    this.#bar = undefined;
    this.#hook = undefined;
  }
}

/** A progress display over a byte count, for work that is not a compute (writing files). */
export interface ByteProgress {
  /** Starts a bar over `totalBytes`. */
  start(title: string, totalBytes: number): void;
  /** Adds `bytes` done; `file` names what is being written now. */
  advance(bytes: number, file: string): void;
  stop(): void;
}

/**
 * A byte-counting terminal bar with rate and ETA (`pnpm prep` writes its data sets under it). Like
 * {@link ProgressBar}, it draws only where someone watches unless `enabled` says otherwise.
 *
 * @example
 * ```ts
 * const bar = byteProgressBar();
 * bar.start("random", 4e9);
 * bar.advance(64e6, "random.hdf5"); // … as blocks are written
 * bar.stop();
 * ```
 */
export function byteProgressBar(options: BarOutputOptions = {}): ByteProgress {
  const stream = options.stream ?? process.stderr;
  if (!(options.enabled ?? watched(stream))) return { start() {}, advance() {}, stop() {} };
  let bar: cliProgress.SingleBar | undefined;
  let t0 = 0;
  let done = 0;
  let total = 0;
  const tokens = (file: string) => {
    const s = (performance.now() - t0) / 1000;
    return {
      doneMB: (done / MB).toFixed(0),
      totalMB: (total / MB).toFixed(0),
      mbps: s > 0 ? (done / MB / s).toFixed(0) : "-",
      file,
    };
  };
  return {
    start(title, totalBytes) {
      total = totalBytes;
      done = 0;
      t0 = performance.now();
      bar = newBar(
        `${title} {bar} {percentage}% | {doneMB}/{totalMB} MB | {mbps} MB/s | ETA {eta_formatted} | {file}`,
        stream,
      );
      bar.start(Math.max(1, totalBytes), 0, tokens(""));
    },
    advance(bytes, file) {
      done += bytes;
      bar?.update(Math.min(done, Math.max(1, total)), tokens(file));
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

/**
 * Renders the task graph of `x` with Graphviz and writes it to `filename`: SVG, or the DOT text when
 * the name ends in `.dot`. Returns the SVG (or DOT) text.
 *
 * @example
 * ```ts
 * await visualize(x.mean({ axis: 0 }), { filename: "mean.svg", optimize: true });
 * ```
 * @see dask.visualize
 */
export async function visualize(
  x: ChunkedArray,
  options: GraphSvgOptions & { filename: string },
): Promise<string> {
  const text = options.filename.endsWith(".dot") ? x.visualize(options) : await graphSvg(x, options);
  writeFileSync(options.filename, text);
  return text;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Encodes RGBA pixels (from `rasterRgba`) as a PNG file's bytes (8-bit, deflate via node:zlib). */
export function encodePng(image: Pick<Rgba, "width" | "height" | "data">): Buffer {
  const { width, height, data } = image;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, no filter method, no interlace
  const row = 1 + 4 * width;
  const raw = new Uint8Array(height * row);
  for (let y = 0; y < height; y++) raw.set(data.subarray(y * 4 * width, (y + 1) * 4 * width), y * row + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", deflateSync(raw)),
    pngChunk("IEND", new Uint8Array(0)),
  ]);
}

/**
 * matplotlib's `imshow` to a file: a 2-D array (computed first if lazy) coloured through a colormap
 * and written as PNG. Returns the image size and the values mapped to the colormap's ends.
 *
 * @example
 * ```ts
 * await imshow(anomaly.at`::4, ::4`, { filename: "anomaly.png", cmap: "RdBu_r", vmin: -5, vmax: 5 });
 * ```
 */
export async function imshow(
  x: NDArray | ChunkedArray,
  options: RasterOptions & { filename: string },
): Promise<{ width: number; height: number; vmin: number; vmax: number }> {
  const values = x instanceof ChunkedArray ? await x.compute() : x;
  const image = rasterRgba(values, options);
  writeFileSync(options.filename, encodePng(image));
  return { width: image.width, height: image.height, vmin: image.vmin, vmax: image.vmax };
}
