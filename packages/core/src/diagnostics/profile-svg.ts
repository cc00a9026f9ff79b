/**
 * A profile as an SVG drawing, like dask's `visualize([prof, rprof])`: the task stream (one row per
 * lane, one bar per task, coloured by what it ran) above the bytes held over time. A lane is a slot
 * of the scheduler's concurrency; the worker that ran each task is in its tooltip.
 * @module
 */
import type { Profile } from "./profiler.js";

/** Options of {@link profileSvg}. */
export interface ProfileSvgOptions {
  /** Width in pixels (default 900). */
  width?: number;
  /** Title drawn at the top (default: task count and duration). */
  title?: string;
}

// Tableau 10: distinct hues for up to ten kinds of task; more wrap around.
const PALETTE = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
];

const escapeXml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** About `count` round tick values from 0 to `max`. */
function ticks(max: number, count: number): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) out.push(v);
  return out;
}

const formatMs = (ms: number) => (ms >= 1000 ? `${+(ms / 1000).toFixed(2)} s` : `${+ms.toFixed(1)} ms`);
const formatBytes = (b: number) =>
  b >= 1e9
    ? `${+(b / 1e9).toFixed(2)} GB`
    : b >= 1e6
      ? `${+(b / 1e6).toFixed(1)} MB`
      : `${+(b / 1e3).toFixed(0)} kB`;

/**
 * Draws `profile` as a standalone SVG document: task stream on top (lanes × time; hover a bar for
 * its key, what it ran and its bytes), bytes held below, a legend of the task kinds by total time.
 *
 * @example
 * ```ts
 * const profiler = new Profiler();
 * await y.compute({ executor: pool, profile: profiler });
 * writeFileSync("profile.svg", profileSvg(profiler.profile));  // or element.innerHTML = …
 * ```
 */
export function profileSvg(profile: Profile, options: ProfileSvgOptions = {}): string {
  const width = options.width ?? 900;
  const left = 70;
  const right = 20;
  const plotW = width - left - right;
  const laneH = Math.max(4, Math.min(18, 220 / Math.max(1, profile.lanes)));
  const streamTop = 40;
  const streamH = Math.max(1, profile.lanes) * laneH;
  const memTop = streamTop + streamH + 50;
  const memH = 120;
  const duration = Math.max(
    profile.durationMs,
    ...profile.tasks.map((t) => t.end),
    ...profile.memory.map((m) => m.time),
    1e-3,
  );
  const x = (t: number) => left + (t / duration) * plotW;

  // Kinds of task, by total time, for colours and the legend.
  const time = new Map<string, number>();
  for (const t of profile.tasks) time.set(t.label, (time.get(t.label) ?? 0) + (t.end - t.start));
  const kinds = [...time.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const colour = new Map(kinds.map((k, i) => [k, PALETTE[i % PALETTE.length]]));

  const legendTop = memTop + memH + 45;
  const shown = kinds.slice(0, 12);
  const height = legendTop + shown.length * 16 + 10;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="bold">${escapeXml(
      options.title ??
        `${profile.tasks.length} tasks in ${formatMs(duration)} on ${profile.lanes} lane${profile.lanes === 1 ? "" : "s"}`,
    )}</text>`,
  ];

  // Time axis ticks, shared by both panels.
  const timeTicks = ticks(duration, 8);
  for (const [top, h] of [
    [streamTop, streamH],
    [memTop, memH],
  ] as const) {
    out.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${h}" fill="none" stroke="#999"/>`);
    for (const t of timeTicks) {
      out.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${top + h}" y2="${top + h + 4}" stroke="#999"/>`);
      out.push(
        `<text x="${x(t)}" y="${top + h + 15}" text-anchor="middle" fill="#333">${formatMs(t)}</text>`,
      );
    }
  }

  // Task stream.
  out.push(`<text x="${left - 8}" y="${streamTop - 6}" text-anchor="end" fill="#333">lane</text>`);
  for (let lane = 0; lane < profile.lanes; lane++)
    out.push(
      `<text x="${left - 8}" y="${streamTop + (lane + 0.5) * laneH + 4}" text-anchor="end" fill="#333">${lane}</text>`,
    );
  for (const t of profile.tasks) {
    const w = Math.max(0.5, x(t.end) - x(t.start));
    out.push(
      `<rect x="${x(t.start).toFixed(2)}" y="${(streamTop + t.lane * laneH + 0.5).toFixed(2)}" width="${w.toFixed(2)}" height="${(laneH - 1).toFixed(2)}" fill="${colour.get(t.label)}"><title>${escapeXml(
        `${t.label}\n${t.key}\n${formatMs(t.end - t.start)}${t.worker === undefined ? "" : ` on worker ${t.worker}`}, made ${formatBytes(t.bytes)} from ${formatBytes(t.inputBytes)}`,
      )}</title></rect>`,
    );
  }
  out.push(`<text x="${left + plotW / 2}" y="${streamTop + streamH + 32}" text-anchor="middle">time</text>`);

  // Bytes held, a step line.
  const maxBytes = Math.max(1, ...profile.memory.map((m) => m.bytesHeld));
  const y = (b: number) => memTop + memH - (b / maxBytes) * memH;
  for (const b of ticks(maxBytes, 4)) {
    out.push(`<line x1="${left - 4}" x2="${left}" y1="${y(b)}" y2="${y(b)}" stroke="#999"/>`);
    out.push(`<text x="${left - 8}" y="${y(b) + 4}" text-anchor="end" fill="#333">${formatBytes(b)}</text>`);
  }
  out.push(`<text x="${left}" y="${memTop - 8}" fill="#333">bytes held by the scheduler</text>`);
  if (profile.memory.length) {
    let d = `M${x(0)},${y(0)}`;
    for (const m of profile.memory) d += ` H${x(m.time).toFixed(2)} V${y(m.bytesHeld).toFixed(2)}`;
    d += ` H${x(duration)}`;
    out.push(`<path d="${d}" fill="none" stroke="#4e79a7" stroke-width="1.5"/>`);
  }

  // Legend.
  shown.forEach((k, i) => {
    const top = legendTop + i * 16;
    out.push(`<rect x="${left}" y="${top - 9}" width="10" height="10" fill="${colour.get(k)}"/>`);
    out.push(`<text x="${left + 16}" y="${top}">${escapeXml(k)} — ${formatMs(time.get(k) ?? 0)}</text>`);
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
