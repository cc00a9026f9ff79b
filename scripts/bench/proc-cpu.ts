/**
 * CPU time from a Linux `/proc/<pid>/stat` or `/proc/<pid>/task/<tid>/stat` line, for the benches
 * (this one and executor-web's browser bench).
 */

/** USER_HZ: the tick of /proc's times, 100 on every Linux that Node supports. */
const CLOCK_TICKS_PER_S = 100;

/** User + system CPU time in ms: fields 14 and 15 of proc(5), 12 and 13 after the command name. */
export function statCpuMs(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
}
