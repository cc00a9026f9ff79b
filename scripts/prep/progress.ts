/**
 * Where the prep pipeline reports progress: the byte-counting terminal bar of
 * `@chunked/diagnostics/node` (rate and ETA; a line every 2 s when not a terminal), or nothing.
 * @module
 */
import { type ByteProgress, byteProgressBar } from "@chunked/diagnostics/node";

/** What the prep pipeline reports progress to. */
export type Progress = ByteProgress;

/** A progress sink that shows nothing (tests, `--quiet`). */
export const silentProgress: Progress = { start() {}, advance() {}, stop() {} };

/** The cli-progress bar on stderr. */
export const barProgress = byteProgressBar;
