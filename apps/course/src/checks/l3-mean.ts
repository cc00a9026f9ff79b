// The answer must be the mean over the 31 days, one day's shape ((360, 720), or (180, 360) on a
// phone); checked at a few points of the first chunk.
import * as ca from "@chunked/core";
import { openZarr } from "@chunked/io/zarr";

if (!(value instanceof ca.NDArray)) return `answer(...) got ${value?.constructor?.name ?? value}: pass the computed NDArray (await ... .compute()).`;

const dates = Array.from({ length: 31 }, (_, i) => `2014-01-${String(i + 1).padStart(2, "0")}`);
const days = await Promise.all(dates.map((d) => openZarr(data.url("weather.zarr"), { path: `/${d}/t2m` })));
const [rows, columns] = days[0].shape;
if (value.shape.join() !== `${rows},${columns}`) return `The mean over time has one day's shape, [${rows}, ${columns}]; yours is [${value.shape}].`;

const blocks = await Promise.all(days.map((d) => d.read([[0, rows, 1], [0, 360, 1]])));
for (const [i, j] of [[10, 20], [Math.floor(rows * 0.7), 300], [rows - 1, 3]]) {
  const mean = blocks.reduce((s, b) => s + (b.item(i, j) as number), 0) / blocks.length;
  // float32 data: the pool's float32 mean and this double one differ by a few float32 ulps.
  if (Math.abs((value.item(i, j) as number) - mean) > 1e-6 * Math.abs(mean)) return `At [${i}, ${j}] the mean over time is ${mean}, yours is ${value.item(i, j)}.`;
}
return true;
