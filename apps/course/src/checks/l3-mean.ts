// The answer must be the (720, 1440) mean over the 31 days; checked at a few points of the first chunk.
import * as ca from "@chunked/core";
import { openZarr } from "@chunked/io/zarr";

if (!(value instanceof ca.NDArray)) return `answer(...) got ${value?.constructor?.name ?? value}: pass the computed NDArray (await ... .compute()).`;
if (value.shape.join() !== "720,1440") return `The mean over time has shape [720, 1440]; yours is [${value.shape}].`;

const dates = Array.from({ length: 31 }, (_, i) => `2014-01-${String(i + 1).padStart(2, "0")}`);
const days = await Promise.all(dates.map((d) => openZarr(data.url("weather-big.zarr"), { path: `/${d}/t2m` })));

const blocks = await Promise.all(days.map((d) => d.read([[0, 500, 1], [0, 500, 1]])));
for (const [i, j] of [[10, 20], [250, 400], [499, 3]]) {
  const mean = blocks.reduce((s, b) => s + (b.item(i, j) as number), 0) / blocks.length;
  if (Math.abs((value.item(i, j) as number) - mean) > 1e-9 * Math.abs(mean)) return `At [${i}, ${j}] the mean over time is ${mean}, yours is ${value.item(i, j)}.`;
}
return true;
