import * as ca from "@chunked/core";
import { openZarr } from "@chunked/io/zarr";

const dates = Array.from({ length: 31 }, (_, i) => `2014-01-${String(i + 1).padStart(2, "0")}`);
const days = await Promise.all(
  dates.map((d) => openZarr(data.url("weather.zarr"), { path: `/${d}/t2m` })),
);
const arrays = days.map((day) => ca.fromArray(day, { chunks: [360, 360] }));
const x = ca.stack(arrays, { axis: 0 }); // (31, 360, 720): days × latitude × longitude
show(x);
