/**
 * CPU time and peak RSS of processes from Linux's `/proc`, for the benches (this one and
 * executor-web's browser bench).
 */
import { readFileSync, writeFileSync } from "node:fs";

/** USER_HZ: the tick of /proc's times, 100 on every Linux that Node supports. */
const CLOCK_TICKS_PER_S = 100;

/** User + system CPU time in ms: fields 14 and 15 of proc(5), 12 and 13 after the command name. */
export function statCpuMs(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
}

/** Peak RSS in bytes since the last {@link resetPeakRss} (`VmHWM`), or undefined off Linux or once the process ended. */
export function peakRssBytes(pid: number | "self"): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Resets `pid`'s peak RSS to its current RSS (Linux ≥ 4.0; a no-op elsewhere or once it ended). */
export function resetPeakRss(pid: number | "self"): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
  } catch {}
}
