import * as ca from "@chunked/core";
import { openZarr } from "@chunked/io/zarr";

const dates = Array.from({ length: 31 }, (_, i) => `2014-01-${String(i + 1).padStart(2, "0")}`);
const days = await Promise.all(
  dates.map((d) => openZarr(data.url("weather.zarr"), { path: `/${d}/t2m` })),
);
const x = ca.stack(
  days.map((day) => ca.fromArray(day, { chunks: [360, 360] })),
  { axis: 0 },
);

// Your code: the mean over time (axis 0), computed on the pool, drawn with imshow(...).
const result = x; // replace with the computed mean
answer(result);
