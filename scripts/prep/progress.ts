/**
 * A byte-counting progress bar (cli-progress) with rate and ETA. In a terminal it redraws in place;
 * elsewhere (CI logs, redirected output) it prints a line every 2 s instead of nothing.
 * @module
 */
import cliProgress from "cli-progress";

/** What the prep pipeline reports progress to. */
export interface Progress {
  /** Starts a bar over `totalBytes`. */
  start(title: string, totalBytes: number): void;
  /** Adds `bytes` done; `file` names what is being written now. */
  advance(bytes: number, file: string): void;
  stop(): void;
}

/** A progress sink that shows nothing (tests, `--quiet`). */
export const silentProgress: Progress = { start() {}, advance() {}, stop() {} };

const MB = 1e6;

/** The cli-progress bar on stderr. */
export function barProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  let bar: cliProgress.SingleBar | undefined;
  let t0 = 0;
  let done = 0;
  let total = 0;
  return {
    start(title, totalBytes) {
      total = totalBytes;
      done = 0;
      t0 = performance.now();
      bar = new cliProgress.SingleBar(
        {
          format: `${title} {bar} {percentage}% | {doneMB}/{totalMB} MB | {mbps} MB/s | ETA {eta_formatted} | {file}`,
          stream,
          noTTYOutput: true,
          notTTYSchedule: 2000,
          etaBuffer: 50,
          hideCursor: null,
          barsize: 30,
        },
        cliProgress.Presets.shades_classic,
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

  function tokens(file: string) {
    const seconds = (performance.now() - t0) / 1000;
    return {
      doneMB: (done / MB).toFixed(0),
      totalMB: (total / MB).toFixed(0),
      mbps: seconds > 0 ? (done / MB / seconds).toFixed(0) : "-",
      file,
    };
  }
}
