import * as ca from "@chunked/core";

// Every chunk size in one go: tasks, time and peak memory of chunks held.
const rows = [];
const points: [number, number][] = [];
for (const size of [100, 250, 500, 1000, 2000, 4000]) {
  const x = ca.random.normal(10, 0.1, [4000, 4000], { chunks: [size, size], seed: 42 });
  const y = x.mean({ axis: 0 }).at`::100`;
  let peak = 0;
  const t0 = performance.now();
  await y.compute({ executor: pool, onProgress: (p) => (peak = p.peakBytesHeld) });
  const ms = performance.now() - t0;
  rows.push({
    chunks: `(${size}, ${size})`,
    tasks: y.ntasks,
    "time (ms)": Math.round(ms),
    "peak held (MB)": peak / 1e6,
  });
  points.push([size, ms]);
}
show(rows);
lineplot(points, { x: "chunk edge", y: "time (ms)", title: "Time against chunk size" });
