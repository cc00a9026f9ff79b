import * as ca from "@chunked/core";
import { openZarr } from "@chunked/io/zarr";

const dates = Array.from({ length: 31 }, (_, i) => `2014-01-${String(i + 1).padStart(2, "0")}`);
const days = await Promise.all(
  dates.map((d) => openZarr(data.url("weather-big.zarr"), { path: `/${d}/t2m` })),
);
const arrays = days.map((day) => ca.fromArray(day, { chunks: [500, 500] }));
const x = ca.stack(arrays, { axis: 0 }); // (31, 720, 1440): days × latitude × longitude
show(x);
